/* Row selectors: every table of values is chosen by the same selectors, and a selector the
 * engine would not honour on a key is refused at load with file, line and key, never accepted
 * and ignored. Rulesets are written inline; amounts are worked by hand in the comments.
 * Public API only. */
#include <string.h>

#include "check.h"
#include "medbenefit.h"

#define YUAN(y) ((int64_t)(y) * 100)

static mb_error *err;
static mb_result *res;

/* The parts every ruleset below shares: a basic employee ruleset with one pooling fund. */
#define HEAD                                                                                   \
    "id: sel\n"                                                                                \
    "title: 选择器测试\n"                                                                      \
    "document: 测试〔2024〕1号\n"                                                              \
    "tier: basic\n"                                                                            \
    "effective_from: 2024-01-01\n"                                                             \
    "schemes: [employee]\n"                                                                    \
    "account: {value: none, cite: 测试〔2024〕1号 一}\n"                                       \
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2024〕1号 二}\n"                          \
    "funds:\n"                                                                                 \
    "  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"

static mb_ruleset *load_text(const char *text)
{
    mb_ruleset *rs = NULL;
    mb_error_clear(err);
    int rc = mb_ruleset_load_buffer(&rs, text, strlen(text), "sel.yaml", err);
    if (rc != MB_OK)
        fprintf(stderr, "  load: %s\n", mb_error_message(err));
    return rc == MB_OK ? rs : NULL;
}

static int refuse_text(const char *text)
{
    mb_ruleset *rs = NULL;
    mb_error_clear(err);
    int rc = mb_ruleset_load_buffer(&rs, text, strlen(text), "sel.yaml", err);
    if (rc == MB_OK)
        mb_ruleset_free(rs);
    return rc;
}

static mb_enrollee *employee(void)
{
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, "E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK,
             "enrollee");
    return e;
}

static mb_claim *claim(const char *id, int32_t date, int med, int level, int64_t fen)
{
    mb_claim *c = NULL;
    CHECK_RC(mb_claim_new(&c, id, date, med, "H1", level, err), MB_OK, "claim");
    CHECK_RC(mb_claim_add_item(c, fen, MB_CLASS_A, -1, err), MB_OK, "class A item");
    return c;
}

static int settle(const mb_ruleset *rs, mb_enrollee *e, const mb_claim *c)
{
    const mb_ruleset *chain[1] = {rs};
    int rc = mb_settle(res, chain, 1, e, c, err);
    if (rc != MB_OK)
        fprintf(stderr, "  settle: %s\n", mb_error_message(err));
    return rc;
}

static int64_t amt(int which) { return mb_result_amount(res, which); }

/* Whether the last settlement's trace has a step of `rule` citing `cite`. */
static int traced(const char *rule, const char *cite)
{
    size_t n = mb_result_trace_count(res);
    for (size_t i = 0; i < n; i++) {
        mb_trace_step s;
        if (mb_result_trace(res, i, &s) == MB_OK && strcmp(s.rule, rule) == 0 &&
            (cite == NULL || strcmp(s.cite, cite) == 0))
            return 1;
    }
    return 0;
}

/* The defect of issue 10: `facility:` on a deductible row validated and was then ignored, so
 * a claim at that level settled with no deductible and explain left the step out. */
static void deductible_by_facility(void)
{
    mb_ruleset *rs = load_text(HEAD
        "layers:\n"
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕1号 三\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    deductible:\n"
        "      - {facility: primary, all: 200, cite: 测试〔2024〕1号 三（一级200元）}\n"
        "      - {facility: tertiary, all: 800, cite: 测试〔2024〕1号 三（三级800元）}\n"
        "    ratio:\n"
        "      - {all: 80%, cite: 测试〔2024〕1号 四}\n");
    CHECK(rs != NULL, "a deductible by facility level loads");
    if (rs == NULL)
        return;
    mb_enrollee *e = employee();
    /* tertiary, 1000 in scope: deductible 800 (三级800元), 200 x 80% = 160 */
    mb_claim *c = claim("T1", 20240301, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, YUAN(1000));
    CHECK_RC(mb_claim_set_admission(c, 20240225, 20240301, err), MB_OK, "admission");
    CHECK_RC(settle(rs, e, c), MB_OK, "the tertiary admission settles");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(800), "the tertiary deductible applies");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(160), "(1000 - 800) x 80%");
    CHECK(traced("inpatient.deductible", "测试〔2024〕1号 三（三级800元）"),
          "explain shows the deductible step, citing the tertiary row");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* a primary admission of another enrollee: 1000 - 200 = 800 x 80% = 640 */
    e = employee();
    c = claim("P1", 20240301, MB_MED_INPATIENT, MB_LEVEL_PRIMARY, YUAN(1000));
    CHECK_RC(mb_claim_set_admission(c, 20240225, 20240301, err), MB_OK, "admission");
    CHECK_RC(settle(rs, e, c), MB_OK, "the primary admission settles");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(200), "the primary deductible applies");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(640), "(1000 - 200) x 80%");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* a secondary admission: no row for that level, so no deductible: 1000 x 80% = 800 */
    e = employee();
    c = claim("S1", 20240301, MB_MED_INPATIENT, MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(mb_claim_set_admission(c, 20240225, 20240301, err), MB_OK, "admission");
    CHECK_RC(settle(rs, e, c), MB_OK, "the secondary admission settles");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "no deductible row for secondary");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(800), "1000 x 80%");
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* The same defect on a cap row: a cap by facility level was ignored, so the claim had none. */
static void cap_by_facility(void)
{
    mb_ruleset *rs = load_text(HEAD
        "layers:\n"
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕1号 三\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    ratio:\n"
        "      - {all: 50%, cite: 测试〔2024〕1号 四}\n"
        "    cap:\n"
        "      values:\n"
        "        - {facility: primary, all: 1000, cite: 测试〔2024〕1号 五（基层1000元）}\n"
        "        - {facility: tertiary, all: 300, cite: 测试〔2024〕1号 五（三级300元）}\n"
        "        - {all: unlimited, cite: 测试〔2024〕1号 五}\n");
    CHECK(rs != NULL, "a cap by facility level loads");
    if (rs == NULL)
        return;
    mb_enrollee *e = employee();
    /* tertiary, 1000 x 50% = 500, cut to the tertiary cap 300 */
    mb_claim *c = claim("T1", 20240301, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_TERTIARY, YUAN(1000));
    CHECK_RC(settle(rs, e, c), MB_OK, "the tertiary visit settles");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(300), "1000 x 50% = 500, capped at 300 (三级300元)");
    CHECK(traced("outpatient.cap", "测试〔2024〕1号 五（三级300元）"), "the cap step cites its row");
    mb_claim_free(c);
    /* secondary: the row without a selector, unlimited: 1000 x 50% = 500 */
    c = claim("S1", 20240302, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(settle(rs, e, c), MB_OK, "the secondary visit settles");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(500), "no cap for secondary: 1000 x 50%");
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A selector on a table the engine chooses without a claim is refused, located. */
static void refused_where_not_honoured(void)
{
    const char *text = HEAD
        "account_accrual:\n"
        "  - {facility: primary, in_service: 2%, cite: 测试〔2024〕1号 六}\n"
        "layers:\n"
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕1号 三\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    ratio:\n"
        "      - {all: 50%, cite: 测试〔2024〕1号 四}\n";
    CHECK_RC(refuse_text(text), MB_E_SCHEMA, "facility on an accrual row is refused");
    CHECK(mb_error_line(err) == 12, "the line of the accrual row");
    CHECK(strcmp(mb_error_key(err), "account_accrual[0].facility") == 0,
          "the key path of the selector");
    CHECK(strstr(mb_error_message(err), "account_accrual") != NULL &&
              strstr(mb_error_message(err), "from") != NULL,
          "the message says what does choose an accrual row");
}

int main(void)
{
    err = mb_error_new();
    CHECK_RC(mb_result_new(&res, err), MB_OK, "result");
    deductible_by_facility();
    cap_by_facility();
    refused_where_not_honoured();
    mb_result_free(res);
    mb_error_free(err);
    return check_summary();
}
