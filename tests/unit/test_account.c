/* Personal accounts under 常政办发〔2022〕91号 二（二）、二（三）: monthly accrual, and a family
 * member's account paying (共济), with its reversal. Public API only. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

/* 二（二）: the month's accrual for each person type, half up to the fen; then credited. */
static void monthly_accrual_by_person_type(const mb_ruleset *rs, mb_error *err)
{
    int64_t a = -1;
    /* 二（二）: in service, 2% of the contribution base 8000.00 = 160.00 a month */
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_IN_SERVICE, 20230315, 800000, &a, err), MB_OK, "in service");
    CHECK_FEN(a, 16000, "8000.00 x 2%");
    /* retired in 2023: the fixed monthly standard of December 2022 (base 150.00) = 150.00 */
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_RETIRED, 20230315, 15000, &a, err), MB_OK, "retired 2023");
    CHECK_FEN(a, 15000, "fixed amount, 100% of the December 2022 standard");
    /* retired from 2024: 2.5% of the area's average pension 3500.00 = 87.50 */
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_RETIRED, 20240115, 350000, &a, err), MB_OK, "retired 2024");
    CHECK_FEN(a, 8750, "3500.00 x 2.5%, the row dated 2024-01-01");
    /* pre-1949 veterans are excluded from the 2024 change: still the fixed amount */
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_VETERAN, 20240115, 20000, &a, err), MB_OK, "veteran 2024");
    CHECK_FEN(a, 20000, "veterans keep the fixed amount");
    /* 2% of 123.45 = 2.469 -> 2.47, half up */
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_IN_SERVICE, 20230315, 12345, &a, err), MB_OK, "rounding");
    CHECK_FEN(a, 247, "2.469 rounds half up to 2.47");
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_RESIDENT, 20230315, 12345, &a, err), MB_E_NOT_FOUND,
             "residents have no personal account accrual");
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_IN_SERVICE, 20221231, 800000, &a, err), MB_E_NOT_FOUND,
             "before the plan is in force");
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_IN_SERVICE, 20230315, -1, &a, err), MB_E_INVALID_AMOUNT,
             "negative base");

    mb_enrollee *e = fx_enrollee("R", MB_SCHEME_RESIDENT, 0, 0);
    CHECK_RC(mb_enrollee_set_account_balance(e, 1000, err), MB_E_INVALID_ARGUMENT,
             "residents have no personal account");
    CHECK_RC(mb_enrollee_set_account_balance(e, 0, err), MB_OK, "a zero balance is harmless");
    mb_enrollee_free(e);
    e = fx_enrollee("A", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 1000);
    int64_t credited = 0;
    CHECK_RC(mb_enrollee_accrue(e, rs, 20230315, 800000, &credited, err), MB_OK, "credit");
    CHECK_FEN(credited, 16000, "credited 160.00");
    CHECK_FEN(mb_enrollee_account_balance(e), 17000, "10.00 + 160.00");
    mb_enrollee_free(e);
}

/* 二（三）: a family member's account pays what the patient's own leaves, and reverses exactly. */
static void family_account_pays_the_share(const mb_ruleset *rs, mb_error *err)
{
    mb_enrollee *patient = fx_enrollee("P", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 10000);
    FX_OK(mb_enrollee_set_first_visit_facility(patient, "C01", fx_error()));
    mb_enrollee *payer = fx_enrollee("A", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 50000);
    mb_claim *c = fx_claim("C1", 20230310, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, 240000);
    mb_result *r = fx_result();
    unsigned char before_p[4096], before_a[4096], after[4096];
    size_t lp = fx_save(patient, before_p, sizeof before_p);
    size_t la = fx_save(payer, before_a, sizeof before_a);
    const mb_ruleset *chain[] = {rs};

    CHECK_RC(mb_settle_family(r, chain, 1, patient, payer, 9, c, err), MB_E_UNKNOWN_CODE, "relation");
    CHECK_RC(mb_settle_family(r, chain, 1, patient, patient, MB_FAMILY_SPOUSE, c, err),
             MB_E_INVALID_ARGUMENT, "paying oneself is not family use");
    CHECK_RC(mb_settle_family(r, chain, 1, patient, payer, MB_FAMILY_SPOUSE, c, err), MB_OK, "spouse");
    /* 二（一）: deductible 600, first-visit 80%: (2400 - 600) x 80% = 1440 fund; share 960:
     * the patient's own account 100.00, the spouse's 500.00, cash 360.00 */
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), 144000, "pooling");
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACCT_PAY), 60000, "both accounts");
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACCT_MULAID_PAY), 50000, "the family part");
    CHECK_FEN(mb_result_amount(r, MB_AMT_PSN_CASH_PAY), 36000, "cash");
    /* the account steps cite 二（三）, the ruleset's account and family_account clauses */
    int own = 0, fam = 0;
    mb_trace_step s;
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        if (mb_result_trace(r, i, &s) != MB_OK)
            continue;
        own += strcmp(s.rule, "account") == 0 && s.amount_out == 10000 &&
               strcmp(s.ruleset_id, mb_ruleset_id(rs)) == 0 &&
               strcmp(s.cite, "常政办发〔2022〕91号 二（三）（个人账户资金可以用于支付参保人员本人及其配偶、"
                              "父母、子女……由个人负担的医疗费用）；（假设）二（三） says what the account "
                              "may pay, not in what order; 由个人负担的医疗费用 is read as the person's "
                              "share the funds leave, so the account pays after the funds") == 0;
        fam += strcmp(s.rule, "account.family") == 0 && s.amount_in == 86000 &&
               s.amount_out == 50000 && strcmp(s.ruleset_id, mb_ruleset_id(rs)) == 0 &&
               strcmp(s.cite, "常政办发〔2022〕91号 二（三）（个人账户资金可以用于支付参保人员本人及其配偶、"
                              "父母、子女在定点医疗机构就医发生的由个人负担的医疗费用）") == 0;
    }
    CHECK(own == 1, "the patient's account step: 100.00, citing 二（三）");
    CHECK(fam == 1, "the spouse's account step: 500.00 of the 860.00 left, citing 二（三）");
    int64_t all[32];
    size_t n = mb_result_amounts(r, all, 32);
    CHECK(n == (size_t)mb_amount_count() && n == MB_AMT_COUNT_, "every amount in one call");
    CHECK(all[MB_AMT_ACCT_MULAID_PAY] == 50000 && all[MB_AMT_HIFP_PAY] == 144000,
          "the bulk copy agrees with the getters");
    CHECK_FEN(mb_enrollee_account_balance(patient), 0, "patient's account used up");
    CHECK_FEN(mb_enrollee_account_balance(payer), 0, "payer's account used up");
    CHECK_RC(mb_reverse(patient, r, err), MB_E_STATE, "a family settlement needs mb_reverse_family");
    CHECK_RC(mb_reverse_family(patient, patient, r, err), MB_E_STATE, "the wrong payer");
    CHECK_RC(mb_reverse_family(patient, payer, r, err), MB_OK, "reverse");
    CHECK(fx_same(after, fx_save(patient, after, sizeof after), before_p, lp),
          "the patient's saved state is byte-identical after the reversal");
    CHECK(fx_same(after, fx_save(payer, after, sizeof after), before_a, la),
          "the payer's saved state is byte-identical after the reversal");
    CHECK_RC(mb_reverse_family(patient, payer, r, err), MB_E_STATE, "reversing twice");

    /* a ruleset without family use refuses it */
    mb_ruleset *wx = fx_ruleset("wuxi-employee-chronic-2021");
    const mb_ruleset *wchain[] = {wx};
    mb_claim *k = fx_claim("K", 20230310, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, 1000);
    CHECK_RC(mb_settle_family(r, wchain, 1, patient, payer, MB_FAMILY_CHILD, k, err),
             MB_E_NOT_ELIGIBLE, "41号 says nothing of family use");
    CHECK(fx_same(after, fx_save(payer, after, sizeof after), before_a, la),
          "a refused family settlement changes nothing");
    mb_claim_free(k);
    mb_ruleset_free(wx);
    mb_result_free(r);
    mb_claim_free(c);
    mb_enrollee_free(patient);
    mb_enrollee_free(payer);
}

/* The accrual is the ruleset's while it is in force: 91号 read with an end date of 2023-12-31
 * states none for 2024. */
static void accrual_ends_with_the_ruleset(mb_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rulesets/%s.yaml", MB_SOURCE_ROOT, MB_TEST_CHANGZHOU);
    FILE *f = fopen(path, "rb");
    static char text[1 << 16];
    size_t len = f ? fread(text, 1, sizeof text - 64, f) : 0;
    if (f)
        fclose(f);
    text[len] = '\0';
    char *at = strstr(text, "effective_from: 2023-01-01\n");
    CHECK(at != NULL, "the Changzhou ruleset states its start");
    if (at == NULL)
        return;
    at += strlen("effective_from: 2023-01-01\n");
    static const char end[] = "effective_to: 2023-12-31\n";
    memmove(at + strlen(end), at, len - (size_t)(at - text) + 1);
    memcpy(at, end, strlen(end));
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, strlen(text), "cz-2023.yaml", err), MB_OK,
             "91号 ending 2023-12-31");
    int64_t a = -1;
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_IN_SERVICE, 20231215, YUAN(8000), &a, err), MB_OK,
             "December 2023");
    CHECK_FEN(a, YUAN(160), "8000.00 x 2%");
    a = -1;
    CHECK_RC(mb_account_accrual(rs, MB_PERSON_IN_SERVICE, 20240115, YUAN(8000), &a, err),
             MB_E_NOT_FOUND, "January 2024: the ruleset has ended");
    CHECK(a == -1 && strstr(mb_error_message(err), "states no personal-account accrual") != NULL,
          "nothing written, and the message says why");
    mb_ruleset_free(rs);
}

/* A family member's account pays whoever they are; one with no id is no one else's id. */
static void a_payer_without_an_id_pays(const mb_ruleset *rs, mb_error *err)
{
    mb_enrollee *patient = fx_enrollee("P2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    FX_OK(mb_enrollee_set_first_visit_facility(patient, "C01", fx_error()));
    mb_enrollee *payer = fx_enrollee(NULL, MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 50000);
    mb_claim *c = fx_claim("C2", 20230310, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, 240000);
    mb_result *r = fx_result();
    const mb_ruleset *chain[] = {rs};
    CHECK_RC(mb_settle_family(r, chain, 1, patient, payer, MB_FAMILY_SPOUSE, c, err), MB_OK,
             "a payer with no id");
    /* (2400 - 600) x 80% = 1440; the share 960, the spouse's 500.00 of it */
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACCT_MULAID_PAY), 50000, "the family part");
    CHECK_RC(mb_reverse_family(patient, payer, r, err), MB_OK, "and it reverses");
    mb_result_free(r);
    mb_claim_free(c);
    mb_enrollee_free(patient);
    mb_enrollee_free(payer);
}

/* A year of claims in one call gives what one call per claim gives. */
static void batch_agrees_with_one_by_one(const mb_ruleset *rs, mb_error *err)
{
    enum { N = 12 };
    mb_claim *claims[N];
    for (int i = 0; i < N; i++) {
        char id[8];
        snprintf(id, sizeof id, "C%02d", i); /* the journal keeps one settlement per claim id */
        claims[i] = fx_claim(id, 20230110 + i * 100, MB_MED_GENERAL_OUTPATIENT, "C01",
                             MB_LEVEL_PRIMARY, 150000 + i * 1000);
    }
    /* an inpatient claim without admission dates */
    mb_claim_free(claims[5]);
    claims[5] = fx_claim("X", 20230601, MB_MED_INPATIENT, "H", MB_LEVEL_TERTIARY, 100);
    mb_enrollee *a = fx_enrollee("A", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, 0);
    mb_enrollee *b = fx_enrollee("B", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, 0);
    FX_OK(mb_enrollee_set_first_visit_facility(a, "C01", fx_error()));
    FX_OK(mb_enrollee_set_first_visit_facility(b, "C01", fx_error()));
    mb_result *r = fx_result();
    const mb_ruleset *chain[] = {rs};
    int64_t amounts[N][MB_AMT_COUNT_];
    int32_t status[N], covered[N];
    CHECK_RC(mb_settle_batch(r, chain, 1, a, (const mb_claim *const *)claims, N, 0, &amounts[0][0],
                             MB_AMT_COUNT_, status, covered, err),
             MB_E_INVALID_DATE, "the batch reports its first failure");
    CHECK(status[5] == MB_E_INVALID_DATE && status[6] == MB_OK, "a failed claim does not stop the batch");
    bool same = true;
    for (int i = 0; i < N; i++) {
        int rc = mb_settle(r, chain, 1, b, claims[i], NULL);
        same &= rc == status[i];
        for (int k = 0; rc == MB_OK && k < MB_AMT_COUNT_; k++)
            same &= amounts[i][k] == mb_result_amount(r, k);
        same &= rc != MB_OK || covered[i] == mb_result_covered(r);
    }
    CHECK(same, "batch and one-by-one settlements agree to the fen");
    /* a caller laying rows out wider than this library's amounts keeps its own stride */
    enum { WIDE = MB_AMT_COUNT_ + 3 };
    int64_t wide[2][WIDE];
    memset(wide, 0x55, sizeof wide);
    mb_enrollee *w = fx_enrollee("W", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, 0);
    FX_OK(mb_enrollee_set_first_visit_facility(w, "C01", fx_error()));
    mb_settle_batch(r, chain, 1, w, (const mb_claim *const *)claims, 2, 0, &wide[0][0], WIDE, NULL,
                    NULL, err);
    CHECK(wide[1][MB_AMT_MEDFEE_SUMAMT] == 151000 && wide[0][MB_AMT_COUNT_] == 0 &&
              wide[1][WIDE - 1] == 0,
          "rows sit `stride` apart and unknown cells are zero");
    mb_enrollee_free(w);
    /* retired: deductible 400, 85%, cap 10000 a year: the year's pooling never exceeds it */
    int64_t paid = 0;
    for (int i = 0; i < N; i++)
        paid += amounts[i][MB_AMT_HIFP_PAY];
    CHECK(paid <= 1000000, "the yearly cap holds across the batch");
    for (int i = 0; i < N; i++)
        mb_claim_free(claims[i]);
    mb_result_free(r);
    mb_enrollee_free(a);
    mb_enrollee_free(b);
}

int main(void)
{
    mb_error *err = mb_error_new();
    mb_ruleset *rs = fx_ruleset("changzhou-employee-outpatient-2023");
    if (rs != NULL) {
        monthly_accrual_by_person_type(rs, err);
        family_account_pays_the_share(rs, err);
        batch_agrees_with_one_by_one(rs, err);
        a_payer_without_an_id_pays(rs, err);
    }
    accrual_ends_with_the_ruleset(err);
    mb_ruleset_free(rs);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
