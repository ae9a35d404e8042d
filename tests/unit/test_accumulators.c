/* Year-to-date accumulators (lib/accumulators.c, and their table in lib/enrollee.c). Seeding by
 * a key the ruleset may not define: the refusal names the keys it does define, the per-disease
 * ones by their pattern; a key that names a disease of the catalogue gets that disease's keys;
 * a long key is quoted whole characters only; a figure for a period the ruleset is not in force
 * is refused. A seed that needs the table to grow grows it. Reversal takes out the keys a
 * settlement added, in a crowded table too, giving back the saved bytes exactly. test_state.c
 * has the rest of seeding and reversal. Public API only. */
#include <string.h>

#include "check.h"
#include "failing_alloc.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;
static mb_ruleset *jiaozuo, *shanxi;

static int has(const char *part)
{
    if (strstr(mb_error_message(err), part) != NULL)
        return 1;
    fprintf(stderr, "  message: %s\n  lacks: %s\n", mb_error_message(err), part);
    return 0;
}

static void refusals_name_the_keys_there_are(void)
{
    mb_enrollee *e = fx_enrollee("S1", MB_SCHEME_RESIDENT, 0, 0);
    /* Jiaozuo (焦医保〔2021〕97号) keeps its layer's keys and, for the 附件's caps, one key per
     * disease and line */
    CHECK_RC(mb_enrollee_seed_checked(e, jiaozuo, "chronc.paid", 2022, 1, err), MB_E_UNKNOWN_CODE,
             "a misspelt layer key");
    size_t per_disease = 0;
    for (size_t i = 0; i < mb_ruleset_accumulator_count(jiaozuo); i++) {
        const char *key = NULL;
        mb_ruleset_accumulator(jiaozuo, i, &key, NULL);
        per_disease += strncmp(key, "disease.", 8) == 0;
    }
    char pattern[160];
    snprintf(pattern, sizeof pattern,
             ", and disease.<code>[.<line>].paid for the %zu per-disease caps of its catalogue",
             per_disease);
    char layers[1024] = ""; /* the keys not of a disease, in the ruleset's order */
    for (size_t i = 0; i < mb_ruleset_accumulator_count(jiaozuo); i++) {
        const char *key = NULL;
        mb_ruleset_accumulator(jiaozuo, i, &key, NULL);
        if (strncmp(key, "disease.", 8) != 0 && strstr(layers, key) == NULL)
            snprintf(layers + strlen(layers), sizeof layers - strlen(layers), "%s%s",
                     layers[0] ? ", " : "", key);
    }
    char whole[1024];
    snprintf(whole, sizeof whole, "%s keeps no accumulator 'chronc.paid'; its keys are %s%s",
             MB_TEST_JIAOZUO, layers, pattern);
    CHECK(per_disease > 5 && strcmp(mb_error_message(err), whole) == 0,
          "the layer's keys (none of the catalogue's first disease's), then the per-disease ones "
          "by their pattern and number");
    CHECK_RC(mb_enrollee_seed_checked(e, jiaozuo, "disease.NOPE.paid", 2022, 1, err),
             MB_E_UNKNOWN_CODE, "a disease the catalogue does not have");
    CHECK(has(pattern), "is answered like any unknown key");
    CHECK_RC(mb_enrollee_seed_checked(e, jiaozuo, "disease.JZC99.paid", 2022, 1, err),
             MB_E_UNKNOWN_CODE, "a code as long as the catalogue's, but none of them");
    CHECK(has(pattern), "is answered like any unknown key too");
    CHECK_RC(mb_enrollee_seed_checked(e, jiaozuo, "disease.JZC01", 2022, 1, err),
             MB_E_UNKNOWN_CODE, "a disease's code without line or .paid");
    const char *keys01 = "its keys for JZC01 are disease.JZC01.放化疗.paid, disease.JZC01.药物维持治疗.paid";
    CHECK(has(keys01) && strcmp(mb_error_message(err) + strlen(mb_error_message(err)) - strlen(keys01),
                                keys01) == 0,
          "gets that disease's keys (the catalogue's first), and only those");

    /* 30 characters of three bytes: 90 bytes, quoted to 80 at most, whole characters only:
     * 26 of them (78 bytes) */
    char key[128] = "", quoted[128] = "'";
    for (int i = 0; i < 30; i++)
        strcat(key, "病");
    for (int i = 0; i < 26; i++)
        strcat(quoted, "病");
    strcat(quoted, "'");
    CHECK_RC(mb_enrollee_seed_checked(e, jiaozuo, key, 2022, 1, err), MB_E_UNKNOWN_CODE,
             "a long key");
    CHECK(has(quoted), "quoted to 26 whole characters");
    CHECK_RC(mb_enrollee_seed(e, MB_TEST_JIAOZUO, key, 2022, 1, err), MB_E_UNKNOWN_CODE,
             "unchecked, a key that ends in neither .paid nor .base");
    CHECK(has(quoted) && has("is no accumulator key"), "quoted the same way");
    mb_enrollee_free(e);
}

/* A refusal lists each key the ruleset keeps once: the outpatient layer's payments are kept by
 * year, and the chronic layer's cap of the same key (outpatient) by quarter, two accumulators
 * of one name. */
static void refusals_list_each_key_once(void)
{
    mb_ruleset *rs = fx_ruleset_text(FX_RULESET_HEAD("periods", "周期", "测试〔2024〕6号")
        "layers:\n"
        "  - {id: outpatient, cite: 测试〔2024〕6号 三, med_types: [general_outpatient],\n"
        "     fund: pooling, ratio: [{all: 50%}]}\n"
        "  - {id: chronic, cite: 测试〔2024〕6号 四, med_types: [chronic], fund: pooling,\n"
        "     ratio: [{all: 60%}], cap: {key: outpatient, period: quarter, values: [{all: 500}]}}\n",
        "periods.yaml");
    size_t kept = 0;
    for (size_t i = 0; rs != NULL && i < mb_ruleset_accumulator_count(rs); i++) {
        const char *key = NULL;
        mb_ruleset_accumulator(rs, i, &key, NULL);
        kept += strcmp(key, "outpatient.paid") == 0;
    }
    CHECK(kept == 2, "outpatient.paid is kept by year and by quarter");
    mb_enrollee *e = fx_enrollee("K1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    static unsigned char before[4096], after[4096];
    size_t nb = fx_save(e, before, sizeof before);
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "dental.paid", 2024, 1, err), MB_E_UNKNOWN_CODE,
             "a key of no layer");
    CHECK(strcmp(mb_error_message(err), "periods keeps no accumulator 'dental.paid'; its keys are "
                                        "outpatient.base, outpatient.paid, chronic.base, "
                                        "chronic.paid") == 0,
          "each key named once");
    CHECK(fx_same(before, nb, after, fx_save(e, after, sizeof after)), "the enrollee is unchanged");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

static void periods_the_ruleset_is_in_force(void)
{
    /* Shanxi's report: in force 2025-04-01 to 2030-03-31, disease caps by quarter */
    mb_enrollee *e = fx_enrollee("S2", MB_SCHEME_RESIDENT, 0, 0);
    CHECK_RC(mb_enrollee_seed_checked(e, shanxi, "disease.M01600.paid", 20301, YUAN(1), err),
             MB_OK, "2030 Q1, the last quarter in force");
    CHECK_RC(mb_enrollee_seed_checked(e, shanxi, "disease.M01600.paid", 20302, YUAN(1), err),
             MB_E_INVALID_DATE, "2030 Q2 begins after it ends");
    CHECK(has("is not in force in period 20302 (20250401 to 20300331)"), "with its dates");
    mb_enrollee_free(e);
}

/* A period is a year 1900..2999 or a quarter 19001..29994 (docs/accumulators.md): each bound
 * is taken, the next past it refused. */
static void periods_at_their_bounds(void)
{
    mb_enrollee *e = fx_enrollee("P1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    static const int32_t taken[] = {1900, 2999, 19001, 20231, 20234, 29994};
    static const int32_t refused[] = {1899, 3000, 19000, 20230, 20235, 29995, 30001};
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++) {
        char why[48];
        snprintf(why, sizeof why, "period %d is taken", taken[i]);
        CHECK_RC(mb_enrollee_seed(e, "s", "x.paid", taken[i], YUAN(1), err), MB_OK, why);
        CHECK_FEN(mb_enrollee_accumulator(e, "s", "x.paid", taken[i]), YUAN(1), why);
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char why[48];
        snprintf(why, sizeof why, "period %d is refused", refused[i]);
        CHECK_RC(mb_enrollee_seed(e, "s", "x.paid", refused[i], YUAN(1), err), MB_E_INVALID_DATE, why);
    }
    mb_enrollee_free(e);
}

/* An unchecked key of letters too long to print whole is cut to 80 in the message (one of
 * characters of three bytes is cut at a character's end: refusals_name_the_keys_there_are). */
static void a_long_key_is_cut_in_the_message(void)
{
    mb_enrollee *e = fx_enrollee("P2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    char ascii[91], want[128];
    memset(ascii, 'a', 90);
    ascii[90] = '\0';
    CHECK_RC(mb_enrollee_seed(e, "s", ascii, 2023, YUAN(1), err), MB_E_UNKNOWN_CODE, "90 letters");
    snprintf(want, sizeof want, "'%.80s' is no accumulator key", ascii);
    CHECK(strstr(mb_error_message(err), want) != NULL, "the first 80 letters");
    mb_enrollee_free(e);
}

/* A ruleset of 30 layers keeps 60 keys, more than a message holds: the refusal lists as many
 * as fit and stops there, the per-disease keys' pattern after them left out. */
static void a_refusal_lists_the_keys_that_fit(void)
{
    static char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", FX_RULESET_HEAD("many", "多层", "测试〔2024〕7号"));
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "catalogue: [{code: D1, name: 糖尿病, caps: [{all: 3000}]}]\n");
    static const char *const types[3] = {"general_outpatient", "chronic", "pharmacy"};
    n += (size_t)snprintf(text + n, sizeof text - n, "layers:\n");
    for (int i = 0; i < 30; i++) /* ten a claim type: a claim changes at most 64 figures */
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "  - {id: a_layer_with_a_long_name_%02d, cite: 测试〔2024〕7号 %d,\n"
                              "     med_types: [%s], fund: pooling, ratio: [{all: 1%%}]}\n",
                              i, i + 1, types[i % 3]);
    mb_ruleset *rs = fx_ruleset_text(text, "many.yaml");
    if (rs == NULL)
        return;
    CHECK(mb_ruleset_accumulator_count(rs) == 61, "60 keys of the layers, one of 糖尿病's cap");
    mb_enrollee *e = fx_enrollee("M1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "dental.paid", 2024, 1, err), MB_E_UNKNOWN_CODE,
             "a key of no layer");
    const char *m = mb_error_message(err);
    CHECK(strncmp(m, "many keeps no accumulator 'dental.paid'; its keys are "
                     "a_layer_with_a_long_name_00.base, a_layer_with_a_long_name_00.paid, ",
                  strlen("many keeps no accumulator 'dental.paid'; its keys are "
                         "a_layer_with_a_long_name_00.base, a_layer_with_a_long_name_00.paid, ")) == 0 &&
              strlen(m) > 400 && strlen(m) < 512 && strstr(m, "_29.paid") == NULL,
          "the first keys, as many as a message holds");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A period is taken if the ruleset is in force on one day of it: a ruleset in force from
 * 2023-12-31 to 2024-01-01 keeps figures for 2023 and for 2024, and for no other year. */
static void a_period_of_one_day_in_force(void)
{
    mb_ruleset *rs = fx_ruleset_text(
        "id: two-days\ntitle: 测试\ndocument: 测试〔2024〕8号\ntier: basic\n"
        "effective_from: 2023-12-31\neffective_to: 2024-01-01\n"
        "account: {value: none, cite: 测试〔2024〕8号 一}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2024〕8号 二}\n" FX_POOLING_FUND
        "layers: [{id: outpatient, cite: 测试〔2024〕8号 三, med_types: [general_outpatient],\n"
        "          fund: pooling, ratio: [{all: 50%}]}]\n", "two-days.yaml");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("T1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "outpatient.paid", 2023, 1, err), MB_OK,
             "2023: in force on its last day");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "outpatient.paid", 2024, 1, err), MB_OK,
             "2024: in force on its first day");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "outpatient.paid", 2022, 1, err), MB_E_INVALID_DATE,
             "2022: never in force");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "outpatient.paid", 2025, 1, err), MB_E_INVALID_DATE,
             "2025: never in force");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "outpatient.paid", 20241, 1, err), MB_E_INVALID_DATE,
             "a quarter, for a key kept by year");
    CHECK(has("two-days keeps outpatient.paid by year (2023), not by quarter (period 20241)"),
          "the message says how the key is kept");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);

    /* a quarter's last month counts: in force from 2024-03-15, a quarterly cap keeps figures
     * for 2024's first quarter, not for 2023's last */
    rs = fx_ruleset_text(
        "id: mid-march\ntitle: 测试\ndocument: 测试〔2024〕8号\ntier: basic\neffective_from: 2024-03-15\n"
        "account: {value: none, cite: 测试〔2024〕8号 一}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2024〕8号 二}\n" FX_POOLING_FUND
        "layers: [{id: outpatient, cite: 测试〔2024〕8号 三, med_types: [general_outpatient],\n"
        "          fund: pooling, ratio: [{all: 50%}], cap: {period: quarter, values: [{all: 500}]}}]\n",
        "mid-march.yaml");
    if (rs == NULL)
        return;
    e = fx_enrollee("T2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "outpatient.paid", 20241, 1, err), MB_OK,
             "2024 Q1: in force from its third month");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "outpatient.paid", 20234, 1, err), MB_E_INVALID_DATE,
             "2023 Q4: before it");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* The figures the seeding tests below put in: x.paid of 1900 + q is q + 1, for q < 200. */
static int64_t seeded_sum(const mb_enrollee *e)
{
    int64_t sum = 0;
    for (int q = 0; q < 200; q++)
        sum += mb_enrollee_accumulator(e, "s", "x.paid", 1900 + q);
    return sum;
}

static void a_seed_grows_a_full_table(void)
{
    /* a new enrollee has room for a few entries (it is sized to what it holds): seeding 200
     * grows the table several times */
    mb_enrollee *e = fx_enrollee("S3", MB_SCHEME_RESIDENT, 0, 0);
    int ok = 0;
    for (int q = 0; q < 200; q++)
        ok += mb_enrollee_seed(e, "s", "x.paid", 1900 + q, q + 1, err) == MB_OK;
    CHECK(ok == 200, "200 figures seeded: the table grew to hold them");
    CHECK_FEN(seeded_sum(e), 200 * 201 / 2, "each figure reads back after the growth: 1 + 2 + ... + 200");
    mb_enrollee_free(e);
}

/* A seed the table must grow for, when memory runs out, is refused with MB_E_NOMEM and changes
 * nothing (the same saved bytes, no block left behind); seeded again with memory, it holds. Each
 * of 200 seeds is tried first with every allocation failing: those that need none succeed. */
static void a_seed_that_cannot_grow_the_table_changes_nothing(void)
{
    mb_enrollee *e = fx_enrollee("S4", MB_SCHEME_RESIDENT, 0, 0);
    static unsigned char before[16384], after[16384];
    int ok = 0, refused = 0, unchanged = 0;
    for (int q = 0; q < 200; q++) {
        size_t nb = fx_save(e, before, sizeof before);
        long live = fa.live;
        fa_arm(1, PERSISTENT);
        int rc = mb_enrollee_seed(e, "s", "x.paid", 1900 + q, q + 1, err);
        fa_arm(0, WORKING);
        if (rc == MB_E_NOMEM) {
            refused++;
            unchanged += fx_same(before, nb, after, fx_save(e, after, sizeof after)) &&
                         fa.live == live && strstr(mb_error_message(err), "out of memory") != NULL;
            rc = mb_enrollee_seed(e, "s", "x.paid", 1900 + q, q + 1, err);
        }
        ok += rc == MB_OK;
    }
    CHECK(refused > 1, "the table grew more than once, each growth refused first");
    CHECK(unchanged == refused, "each refused seed said so and changed nothing");
    CHECK(ok == 200, "200 figures seeded");
    CHECK_FEN(seeded_sum(e), 200 * 201 / 2, "each figure reads back: 1 + 2 + ... + 200");
    mb_enrollee_free(e);
}

/* Reversal deletes the keys its settlement added (backward-shift deletion in an open-addressed
 * table): with 150, then 188 other figures in the table (at most three quarters full), the
 * probe sequences of what stays are long; after each reversal every figure reads as before and
 * the saved bytes are the same. */
static void reversal_in_a_crowded_table(void)
{
    mb_ruleset *wuxi = fx_ruleset(MB_TEST_WUXI);
    mb_enrollee *e = fx_wuxi_patient("S4", MB_PERSON_RETIRED, 0);
    FX_OK(mb_enrollee_set_journal_limit(e, 16, fx_error())); /* ten years kept for reversal */
    for (int q = 0; q < 150; q++)
        FX_OK(mb_enrollee_seed(e, "crowd", "x.paid", 1900 + q, q + 1, fx_error()));
    static unsigned char before[BLOB_MAX], after[BLOB_MAX];
    size_t nb = fx_save(e, before, sizeof before);
    mb_result *r[10];
    int settled = 0, same = 0, intact = 0;
    /* one claim a year for ten years (three new keys each), then reversed last first */
    for (int y = 0; y < 10; y++) {
        r[y] = fx_result();
        char id[16];
        snprintf(id, sizeof id, "C%d", 2021 + y);
        mb_claim *c = fx_wuxi_claim(id, (2021 + y) * 10000 + 301, YUAN(1000));
        settled += fx_settle(r[y], wuxi, e, c, err) == MB_OK;
        mb_claim_free(c);
    }
    for (int y = 9; y >= 0; y--) {
        CHECK_RC(mb_reverse(e, r[y], err), MB_OK, "reverse");
        mb_result_free(r[y]);
    }
    size_t na = fx_save(e, after, sizeof after);
    same += fx_same(before, nb, after, na);
    for (int q = 0; q < 150; q++)
        intact += mb_enrollee_accumulator(e, "crowd", "x.paid", 1900 + q) == q + 1;
    /* and, with 188 figures, one year at a time
     * for sixty years: settle, reverse, compare */
    for (int q = 150; q < 188; q++)
        FX_OK(mb_enrollee_seed(e, "crowd", "x.paid", 1900 + q, q + 1, fx_error()));
    nb = fx_save(e, before, sizeof before);
    for (int y = 0; y < 60; y++) {
        mb_result *one = fx_result();
        mb_claim *c = fx_wuxi_claim("C", (2021 + y) * 10000 + 601, YUAN(800));
        settled += fx_settle(one, wuxi, e, c, err) == MB_OK;
        CHECK_RC(mb_reverse(e, one, err), MB_OK, "reverse at once");
        na = fx_save(e, after, sizeof after);
        same += fx_same(before, nb, after, na);
        mb_claim_free(c);
        mb_result_free(one);
    }
    for (int q = 0; q < 188; q++)
        intact += mb_enrollee_accumulator(e, "crowd", "x.paid", 1900 + q) == q + 1;
    CHECK(settled == 70, "seventy claims settle");
    CHECK(same == 61, "each reversal gives back the saved bytes");
    CHECK(intact == 150 + 188, "and every other figure reads as before");
    mb_enrollee_free(e);
    mb_ruleset_free(wuxi);
}

int main(void)
{
    CHECK(fa_install() == MB_OK, "the failing allocator is installed");
    err = mb_error_new();
    jiaozuo = fx_ruleset(MB_TEST_JIAOZUO);
    shanxi = fx_ruleset(MB_TEST_SHANXI);
    if (jiaozuo && shanxi) {
        refusals_name_the_keys_there_are();
        refusals_list_each_key_once();
        periods_the_ruleset_is_in_force();
        periods_at_their_bounds();
        a_long_key_is_cut_in_the_message();
        a_refusal_lists_the_keys_that_fit();
        a_period_of_one_day_in_force();
        a_seed_grows_a_full_table();
        a_seed_that_cannot_grow_the_table_changes_nothing();
        reversal_in_a_crowded_table();
    }
    mb_ruleset_free(jiaozuo);
    mb_ruleset_free(shanxi);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
