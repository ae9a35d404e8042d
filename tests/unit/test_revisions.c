/* Revisions: a parameter changed on a date, written as dated rows in one ruleset or as a
 * successor ruleset of its own (`continues`), settles the same: the successor continues the
 * year-to-date accumulators of the line, and a chain picks the revision in force on the claim's
 * date. The figures follow 江西 职工门诊统筹 (2023-07-01: 起付线 600 → 300, 在职 一级 60% →
 * 65%, 限额 1800 → 2000). Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;
static mb_result *res;

#define COMMON                                                                                 \
    "title: 门诊统筹\n"                                                                        \
    "document: 测试〔2023〕5号\n"                                                              \
    "tier: basic\n"                                                                            \
    "schemes: [employee]\n"                                                                    \
    "account: {value: none, cite: 测试〔2023〕5号 一}\n"                                       \
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2023〕5号 二}\n"                          \
    "funds:\n"                                                                                 \
    "  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"             \
    "layers:\n"                                                                                \
    "  - id: outpatient\n"                                                                     \
    "    cite: 测试〔2023〕5号 三\n"                                                           \
    "    med_types: [general_outpatient]\n"                                                    \
    "    fund: pooling\n"

static const char FIRST[] = "id: jx-2023-01\neffective_from: 2023-01-01\n"
                            "effective_to: 2023-06-30\n" COMMON
                            "    deductible: [{all: 600, cite: 测试〔2023〕5号 三（600元）}]\n"
                            "    ratio: [{facility: primary, all: 60%, cite: 测试〔2023〕5号 三（60%）}]\n"
                            "    cap: {values: [{all: 1800, cite: 测试〔2023〕5号 三（1800元）}]}\n";

static const char SECOND[] = "id: jx-2023-07\ncontinues: jx-2023-01\neffective_from: 2023-07-01\n" COMMON
                             "    deductible: [{all: 300, cite: 测试〔2023〕6号 一（300元）}]\n"
                             "    ratio: [{facility: primary, all: 65%, cite: 测试〔2023〕6号 二（65%）}]\n"
                             "    cap: {values: [{all: 2000, cite: 测试〔2023〕6号 三（2000元）}]}\n";

static const char DATED[] = "id: jx-2023\neffective_from: 2023-01-01\n" COMMON
                            "    deductible:\n"
                            "      - {all: 600, cite: 测试〔2023〕5号 三（600元）}\n"
                            "      - {from: 2023-07-01, all: 300, cite: 测试〔2023〕6号 一（300元）}\n"
                            "    ratio:\n"
                            "      - {facility: primary, all: 60%, cite: 测试〔2023〕5号 三（60%）}\n"
                            "      - {facility: primary, from: 2023-07-01, all: 65%, cite: 测试〔2023〕6号 二（65%）}\n"
                            "    cap:\n"
                            "      values:\n"
                            "        - {all: 1800, cite: 测试〔2023〕5号 三（1800元）}\n"
                            "        - {from: 2023-07-01, all: 2000, cite: 测试〔2023〕6号 三（2000元）}\n";

static int settle(const mb_ruleset *const *chain, size_t n, mb_enrollee *e, int32_t date,
                  int64_t fen)
{
    static unsigned serial;
    char id[16];
    snprintf(id, sizeof id, "C%u", ++serial); /* a claim is settled once: each its own id */
    mb_claim *c = NULL;
    CHECK_RC(mb_claim_new(&c, id, date, MB_MED_GENERAL_OUTPATIENT, "C1", MB_LEVEL_PRIMARY, err),
             MB_OK, "claim");
    CHECK_RC(mb_claim_add_item(c, fen, MB_CLASS_A, -1, err), MB_OK, "item");
    int rc = mb_settle(res, chain, n, e, c, err);
    mb_claim_free(c);
    return rc;
}

static int64_t hifp(void) { return mb_result_amount(res, MB_AMT_HIFP_PAY); }

/* The same year under a chain (the two revisions) and under the dated ruleset. */
static void year(const mb_ruleset *const *chain, size_t n, const char *how)
{
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, "E", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK, how);
    /* 03-01, 1000: the deductible 600, 400 x 60% = 240 */
    CHECK_RC(settle(chain, n, e, 20230301, YUAN(1000)), MB_OK, how);
    CHECK_FEN(hifp(), YUAN(240), "before July: (1000 - 600) x 60%");
    /* 08-01, 1000: the year's base is 1000, past the new 300: 1000 x 65% = 650 */
    CHECK_RC(settle(chain, n, e, 20230801, YUAN(1000)), MB_OK, how);
    CHECK_FEN(hifp(), YUAN(650), "after July: the base before counts against the new 300");
    /* 09-01, 5000: 3250, cut to the new cap 2000 less the 890 paid this year: 1110 */
    CHECK_RC(settle(chain, n, e, 20230901, YUAN(5000)), MB_OK, how);
    CHECK_FEN(hifp(), YUAN(1110), "the cap counts what was paid before July: 2000 - 240 - 650");
    mb_enrollee_free(e);
}

static void revisions(void)
{
    mb_ruleset *first = fx_ruleset_text(FIRST, "jx-2023-01.yaml");
    mb_ruleset *second = fx_ruleset_text(SECOND, "jx-2023-07.yaml");
    mb_ruleset *dated = fx_ruleset_text(DATED, "jx-2023.yaml");
    if (first == NULL || second == NULL || dated == NULL)
        return;
    const mb_ruleset *line[2] = {first, second}, *one[1] = {dated};
    year(line, 2, "a line of two revisions");
    year(one, 1, "dated rows in one ruleset");

    /* the successor's keys are the line's: a figure seeded under it is the first's too */
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, "S", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK, "e");
    CHECK_RC(mb_enrollee_seed_checked(e, second, "outpatient.paid", 2023, YUAN(1500), err), MB_OK,
             "seed under the successor");
    int64_t fen = 0;
    CHECK_RC(mb_enrollee_accumulator_checked(e, first, "outpatient.paid", 2023, &fen, err), MB_OK,
             "read under the first");
    CHECK_FEN(fen, YUAN(1500), "one accumulator for the line");
    /* a claim when no revision is in force */
    CHECK_RC(settle(line, 2, e, 20221201, YUAN(1000)), MB_E_INVALID_DATE, "2022: none in force");
    CHECK(strstr(mb_error_message(err), "no revision of jx-2023-01") != NULL,
          "the message names the line");
    CHECK(strstr(mb_error_message(err), "dated 2022-12-01") != NULL, "and the date as written");
    /* the two in the wrong order are still one line; a ruleset not of the line is refused */
    const mb_ruleset *reversed[2] = {second, first}, *mixed[2] = {dated, second};
    CHECK_RC(settle(reversed, 2, e, 20230301, YUAN(100)), MB_OK, "either order");
    CHECK_RC(settle(mixed, 2, e, 20230801, YUAN(100)), MB_E_CHAIN, "not a line: two basic tiers");
    mb_enrollee_free(e);

    /* overlapping revisions are refused */
    char overlap[2048];
    snprintf(overlap, sizeof overlap, "%s", SECOND);
    char *at = strstr(overlap, "2023-07-01");
    memcpy(at, "2023-06-01", 10);
    mb_ruleset *early = fx_ruleset_text(overlap, "early.yaml");
    if (early != NULL) {
        const mb_ruleset *both[2] = {first, early};
        CHECK_RC(mb_enrollee_new(&e, "O", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK, "e");
        CHECK_RC(settle(both, 2, e, 20230615, YUAN(100)), MB_E_CHAIN, "both in force on 06-15");
        CHECK(strstr(mb_error_message(err), "must not overlap") != NULL, "the message says why");
        mb_enrollee_free(e);
        mb_ruleset_free(early);
    }
    mb_ruleset *self = NULL;
    const char *selfish = "id: x\ncontinues: x\neffective_from: 2023-01-01\n" COMMON
                          "    ratio: [{all: 60%, cite: 测}]\n";
    CHECK_RC(mb_ruleset_load_buffer(&self, selfish, strlen(selfish), "x.yaml", err), MB_E_RULESET,
             "a ruleset continuing itself");
    CHECK(strcmp(mb_error_key(err), "continues") == 0 && mb_error_line(err) == 2, "located");
    mb_ruleset_free(first);
    mb_ruleset_free(second);
    mb_ruleset_free(dated);
}

/* A line whose revisions list their catalogues in another order: a columnar row of a disease
 * finds it in the catalogue of the revision in force on its date, as mb_settle does (a batch
 * that looked it up by the chain's position would take the first revision's index, here the
 * other disease's, and refuse the claim as of a disease not certified). */
#define CHRONIC(id, dates, doc, list)                                                          \
    "id: " id "\n" dates "title: 门诊慢性病\ndocument: " doc "\ntier: basic\n"               \
    "schemes: [employee]\naccount: {value: none, cite: " doc " 一}\n"                         \
    "class_b_first_selfpay: {value: 10%, cite: " doc " 二}\n"                                 \
    "funds:\n  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"     \
    "catalogue:\n" list                                                                       \
    "layers:\n  - id: chronic\n    cite: " doc " 三\n    med_types: [chronic]\n"             \
    "    requires: [certified_disease]\n    fund: pooling\n"                                 \
    "    ratio: [{all: 70%, cite: " doc " 三（70%）}]\n"

static void catalogue_by_revision(void)
{
    static const char first_text[] = CHRONIC(
        "cr-2023-01", "effective_from: 2023-01-01\neffective_to: 2023-06-30\n", "测试〔2023〕9号",
        "  - {code: D1, name: 糖尿病, cite: 测试〔2023〕9号 一}\n"
        "  - {code: D2, name: 高血压, cite: 测试〔2023〕9号 一}\n");
    static const char second_text[] = CHRONIC(
        "cr-2023-07", "continues: cr-2023-01\neffective_from: 2023-07-01\n", "测试〔2023〕10号",
        "  - {code: D2, name: 高血压, cite: 测试〔2023〕10号 一}\n"
        "  - {code: D1, name: 糖尿病, cite: 测试〔2023〕10号 一}\n");
    mb_ruleset *first = NULL, *second = NULL;
    if (!fx_ruleset_both(&first, first_text, "cr-2023-01.yaml", &second, second_text,
                         "cr-2023-07.yaml"))
        return;
    const mb_ruleset *line[2] = {first, second};
    mb_enrollee *one = NULL, *other = NULL;
    CHECK_RC(mb_enrollee_new(&one, "H", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK, "e");
    CHECK_RC(mb_enrollee_new(&other, "H", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK, "e");
    CHECK_RC(mb_enrollee_add_disease(one, "D2", 20230101, 0, err), MB_OK, "certified: D2");
    CHECK_RC(mb_enrollee_add_disease(other, "D2", 20230101, 0, err), MB_OK, "certified: D2");
    /* 03-01 and 08-01, 1000 of D2 each: 1000 x 70% = 700, under either revision */
    static const int32_t dates[2] = {20230301, 20230801};
    int64_t one_by_one[2];
    for (int k = 0; k < 2; k++) {
        mb_claim *c = NULL;
        char id[8];
        snprintf(id, sizeof id, "K%d", k);
        CHECK_RC(mb_claim_new(&c, id, dates[k], MB_MED_CHRONIC, "H1", MB_LEVEL_PRIMARY, err),
                 MB_OK, "claim");
        CHECK_RC(mb_claim_set_disease(c, "D2", NULL, err), MB_OK, "disease");
        CHECK_RC(mb_claim_add_item(c, YUAN(1000), MB_CLASS_A, -1, err), MB_OK, "item");
        CHECK_RC(mb_settle(res, line, 2, one, c, err), MB_OK, "settled one by one");
        one_by_one[k] = hifp();
        mb_claim_free(c);
    }
    CHECK_FEN(one_by_one[0], YUAN(700), "March, the first revision: 1000 x 70%");
    CHECK_FEN(one_by_one[1], YUAN(700), "August, the second, D2 its first entry: 1000 x 70%");
    static const uint32_t who[2] = {0, 0};
    static const char *const ids[2] = {"K0", "K1"}, *const diseases[1] = {"D2"}, *const facilities[1] = {"H1"};
    static const int32_t med[2] = {MB_MED_CHRONIC, MB_MED_CHRONIC}, level[2] = {MB_LEVEL_PRIMARY, MB_LEVEL_PRIMARY};
    static const int32_t disease[2] = {0, 0}, facility[2] = {0, 0}, cls[2] = {MB_CLASS_A, MB_CLASS_A};
    static const uint64_t start[3] = {0, 1, 2};
    static const int64_t fen[2] = {YUAN(1000), YUAN(1000)};
    mb_columns c = MB_COLUMNS_INIT;
    c.nrows = 2, c.enrollee = who, c.claim_id = ids, c.date = dates, c.med_type = med;
    c.level = level, c.facility = facility, c.disease = disease, c.item_start = start;
    c.item_fen = fen, c.item_class = cls, c.facilities = facilities, c.nfacilities = 1;
    c.diseases = diseases, c.ndiseases = 1;
    int64_t amounts[2][MB_AMT_COUNT_];
    int32_t status[2];
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    out.amounts = &amounts[0][0], out.stride = MB_AMT_COUNT_, out.status = status;
    mb_enrollee *people[1] = {other};
    CHECK_RC(mb_settle_columns(line, 2, people, 1, &c, &out, NULL, err), MB_OK, "columns");
    CHECK(status[0] == MB_OK && status[1] == MB_OK, "both rows settle");
    CHECK_FEN(amounts[0][MB_AMT_HIFP_PAY], one_by_one[0], "the columnar row of March, as one by one");
    CHECK_FEN(amounts[1][MB_AMT_HIFP_PAY], one_by_one[1],
              "of August, D2 found in the second revision's catalogue");
    mb_enrollee_free(one);
    mb_enrollee_free(other);
    mb_ruleset_free(first);
    mb_ruleset_free(second);
}

int main(void)
{
    err = mb_error_new();
    CHECK_RC(mb_result_new(&res, err), MB_OK, "result");
    revisions();
    catalogue_by_revision();
    mb_result_free(res);
    mb_error_free(err);
    return check_summary();
}
