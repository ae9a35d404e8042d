/* Settlement through the public API with the Wuxi (锡医保服务〔2020〕41号) and Changzhou
 * (常政办发〔2022〕91号) rulesets: amounts worked by hand from docs/readings.md, fund rows, the
 * trace, covered/reason, pre-settlement changing nothing, and errors changing nothing. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

#define WUXI "wuxi-employee-chronic-2021"
#define CHANGZHOU "changzhou-employee-outpatient-2023"
#define ASSIST "wuxi-medical-assistance-2023"

static mb_error *err;
static mb_result *res;
static mb_ruleset *wuxi, *changzhou, *assist;

static int settle1(const mb_ruleset *rs, mb_enrollee *e, const mb_claim *c)
{
    int rc = fx_settle(res, rs, e, c, err);
    if (rc != MB_OK)
        fprintf(stderr, "  settle: %s\n", mb_error_message(err));
    return rc;
}

static int64_t amt(int which) { return mb_result_amount(res, which); }

/* The amounts always keep the platform's setlinfo identities (docs/readings.md): the total
 * splits into fulamt_ownpay + overlmt_selfpay + preselfpay + inscp_scp; funds + account + cash
 * = total; psn_part = total - funds; psn_cash = psn_part - acct_pay. */
static void check_sums(void)
{
    CHECK_FEN(amt(MB_AMT_FULAMT_OWNPAY) + amt(MB_AMT_OVERLMT_SELFPAY) + amt(MB_AMT_PRESELFPAY) +
                  amt(MB_AMT_INSCP_SCP),
              amt(MB_AMT_MEDFEE_SUMAMT), "fulamt_ownpay + overlmt_selfpay + preselfpay + inscp = total");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), amt(MB_AMT_PSN_PART) - amt(MB_AMT_ACCT_PAY),
              "psn_cash = psn_part - acct_pay");
    CHECK_FEN(amt(MB_AMT_FUND_PAY_SUMAMT) + amt(MB_AMT_ACCT_PAY) + amt(MB_AMT_PSN_CASH_PAY),
              amt(MB_AMT_MEDFEE_SUMAMT), "funds + account + cash = total");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY) + amt(MB_AMT_HIFOB_PAY) + amt(MB_AMT_HIFMI_PAY) +
                  amt(MB_AMT_MAF_PAY),
              amt(MB_AMT_FUND_PAY_SUMAMT), "the fund amounts add to fund_pay_sumamt");
    CHECK_FEN(amt(MB_AMT_PSN_PART), amt(MB_AMT_MEDFEE_SUMAMT) - amt(MB_AMT_FUND_PAY_SUMAMT),
              "psn_part = total - funds");
    int64_t rows = 0;
    mb_fund_row row;
    for (size_t i = 0; i < mb_result_fund_count(res); i++)
        if (mb_result_fund(res, i, &row) == MB_OK)
            rows += row.fund_payamt;
    CHECK_FEN(rows, amt(MB_AMT_FUND_PAY_SUMAMT), "the fund rows add to fund_pay_sumamt");
}

/* The one fund row with `code`; returns 0 when absent. */
static int fund(const char *code, mb_fund_row *row)
{
    for (size_t i = 0; i < mb_result_fund_count(res); i++)
        if (mb_result_fund(res, i, row) == MB_OK && strcmp(row->fund_pay_type, code) == 0)
            return 1;
    memset(row, 0, sizeof *row);
    return 0;
}

/* Every step of rule `rule` cites a clause; returns the number of such steps. */
static size_t cited_steps(const char *rule)
{
    size_t n = 0, cited = 0;
    mb_trace_step s;
    for (size_t i = 0; i < mb_result_trace_count(res); i++) {
        if (mb_result_trace(res, i, &s) != MB_OK || strcmp(s.rule, rule) != 0)
            continue;
        n++;
        cited += s.cite != NULL && s.cite[0] != '\0' && s.ruleset_id && s.ruleset_id[0] &&
                 s.what && s.what[0];
    }
    CHECK(n == cited, "every step of the layer names its ruleset, clause and what it did");
    return n;
}

/* ---- Wuxi ---------------------------------------------------------------------------------- */

static void wuxi_in_service_pays_70_percent_above_500(void)
{
    mb_enrollee *e = fx_wuxi_patient("WX-1", MB_PERSON_IN_SERVICE, 0);
    /* 1200 A, account empty: deductible 500, (1200 - 500) x 70% = 490, cash 710 */
    mb_claim *c = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle C1");
    CHECK_FEN(amt(MB_AMT_MEDFEE_SUMAMT), YUAN(1200), "medfee_sumamt 1200");
    CHECK_FEN(amt(MB_AMT_INSCP_SCP), YUAN(1200), "all class A: 1200 in scope");
    CHECK_FEN(amt(MB_AMT_FULAMT_OWNPAY), 0, "no class C");
    CHECK_FEN(amt(MB_AMT_PRESELFPAY), 0, "no class B");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(500), "in service: deductible 500 (41号 三)");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(490), "(1200 - 500) x 70% = 490");
    CHECK_FEN(amt(MB_AMT_FUND_PAY_SUMAMT), YUAN(490), "fund total 490");
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), 0, "no account");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(710), "1200 - 490 = 710 cash");
    CHECK_FEN(amt(MB_AMT_BALC), 0, "balance stays 0");
    CHECK(mb_result_covered(res) == 1, "the chronic benefit applied");
    CHECK(strcmp(mb_result_reason(res), "") == 0, "no reason when covered");
    check_sums();
    CHECK(mb_result_fund_count(res) == 1, "one fund took part");
    mb_fund_row row;
    CHECK(fund("310100", &row), "the employee pooling fund row is 310100");
    CHECK_FEN(row.fund_payamt, YUAN(490), "the row pays 490");
    CHECK_FEN(row.inscp_scp_amt, YUAN(1200), "the row worked on 1200");
    CHECK_FEN(row.crt_payb_lmt_amt, YUAN(3010), "cap 3500 - 490 = 3010 left this year");
    CHECK(row.fund_name != NULL && row.fund_name[0] != '\0', "the row names its fund");
    CHECK(mb_result_trace_count(res) > 0, "the settlement is traced");
    CHECK(cited_steps("chronic.deductible") == 1 && cited_steps("chronic.ratio") == 1 &&
              cited_steps("chronic") == 1,
          "the chronic layer's deductible, ratio and payment are traced, each citing its clause");
    CHECK(fx_step(res, "chronic.ratio", 7000, YUAN(700), YUAN(490)), "a step: 700 x 70% = 490");
    mb_trace_step s;
    CHECK_RC(mb_result_trace(res, mb_result_trace_count(res), &s), MB_E_INVALID_ARGUMENT,
             "trace index past the end");
    CHECK_RC(mb_result_fund(res, 1, &row), MB_E_INVALID_ARGUMENT, "fund index past the end");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(1200),
              "the year's base is 1200");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(490),
              "the year's payments are 490");
    mb_claim_free(c);

    /* the deductible is met: 1000 x 70% = 700; cap left 3500 - 490 - 700 = 2310 */
    c = fx_wuxi_claim("C2", 20210301, YUAN(1000));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle C2");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "the deductible was met by C1");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(700), "1000 x 70% = 700");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(300), "1000 - 700 = 300");
    CHECK(fund("310100", &row), "310100 row");
    CHECK_FEN(row.crt_payb_lmt_amt, YUAN(2310), "3500 - 1190 = 2310 left");
    check_sums();
    mb_claim_free(c);

    /* a new year starts over: 2022, deductible again: (1200 - 500) x 70% = 490 */
    c = fx_wuxi_claim("C3", 20220110, YUAN(1200));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle C3");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(500), "a new year, a new deductible");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(490), "(1200 - 500) x 70% = 490 in 2022");
    CHECK(fund("310100", &row), "310100 row");
    CHECK_FEN(row.crt_payb_lmt_amt, YUAN(3010), "the 2022 cap is fresh: 3010 left");
    mb_claim_free(c);
    mb_enrollee_free(e);
}

static void wuxi_deductible_carries_over_claims(void)
{
    mb_enrollee *e = fx_wuxi_patient("WX-2", MB_PERSON_IN_SERVICE, 0);
    /* 300: wholly under the deductible 500, fund 0 */
    mb_claim *c = fx_wuxi_claim("C1", 20210201, YUAN(300));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle 300");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(300), "300 of the deductible absorbed");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 0, "nothing above the deductible yet");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(300), "all cash");
    CHECK(mb_result_covered(res) == 1, "covered, even with nothing paid");
    mb_claim_free(c);
    /* 1200: the deductible has 200 left: (1200 - 200) x 70% = 700, cash 500 */
    c = fx_wuxi_claim("C2", 20210215, YUAN(1200));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle 1200");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(200), "the deductible's last 200");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(700), "(1200 - 200) x 70% = 700");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(500), "1200 - 700 = 500");
    check_sums();
    mb_claim_free(c);
    mb_enrollee_free(e);
}

static void wuxi_account_pays_first(void)
{
    /* balance 300: the account pays 300 first; 900 left; deductible 500;
     * (900 - 500) x 70% = 280; cash 1200 - 300 - 280 = 620 */
    mb_enrollee *e = fx_wuxi_patient("WX-3", MB_PERSON_IN_SERVICE, YUAN(300));
    mb_claim *c = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), YUAN(300), "the account pays first, all 300");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(500), "deductible 500 counted after the account");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(280), "(900 - 500) x 70% = 280");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(620), "1200 - 300 - 280 = 620");
    CHECK_FEN(amt(MB_AMT_PSN_PART), YUAN(920), "person's part 1200 - 280 = 920");
    CHECK_FEN(amt(MB_AMT_BALC), 0, "the account is used up");
    CHECK_FEN(mb_enrollee_account_balance(e), 0, "the enrollee's balance is 0");
    mb_fund_row row;
    CHECK(fund("310100", &row), "310100 row");
    CHECK_FEN(row.inscp_scp_amt, YUAN(900), "the fund worked on what the account left");
    CHECK(cited_steps("account.first") == 1, "the account-first step is traced with its cite");
    check_sums();
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* balance 2000 covers a 1200 claim entirely: nothing counts towards the deductible;
     * then 1000 with 800 left: account 800, 200 towards the deductible, fund 0, cash 200 */
    e = fx_wuxi_patient("WX-4", MB_PERSON_IN_SERVICE, YUAN(2000));
    c = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), YUAN(1200), "the account pays it all");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "account payments do not count to the deductible");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), 0, "no cash");
    CHECK_FEN(amt(MB_AMT_BALC), YUAN(800), "2000 - 1200 = 800 left");
    mb_claim_free(c);
    c = fx_wuxi_claim("C2", 20210301, YUAN(1000));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), YUAN(800), "the account's last 800");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(200), "200 towards the deductible");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 0, "under the deductible");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(200), "200 cash");
    mb_claim_free(c);
    /* MB_CLAIM_NO_ACCOUNT: balance 0 now anyway; a fresh one with 300 and the flag:
     * (1200 - 500) x 70% = 490 as if there were no account */
    mb_enrollee_free(e);
    e = fx_wuxi_patient("WX-5", MB_PERSON_IN_SERVICE, YUAN(300));
    c = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(mb_claim_set_flags(c, MB_CLAIM_NO_ACCOUNT, err), MB_OK, "no account flag");
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), 0, "the account is not used");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(490), "(1200 - 500) x 70% = 490");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(300), "the balance is untouched");
    mb_claim_free(c);
    mb_enrollee_free(e);
}

static void wuxi_retired_cap_raised_by_second_disease(void)
{
    mb_enrollee *e = fx_wuxi_patient("WX-R", MB_PERSON_RETIRED, 0);
    mb_fund_row row;
    /* 4000: deductible 300, (4000 - 300) x 85% = 3145; cap 4000 leaves 855 */
    mb_claim *c = fx_wuxi_claim("C1", 20210201, YUAN(4000));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle 4000");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(300), "retired: deductible 300");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 314500, "(4000 - 300) x 85% = 3145");
    CHECK(fund("310100", &row), "310100 row");
    CHECK_FEN(row.crt_payb_lmt_amt, 85500, "4000 - 3145 = 855 left");
    mb_claim_free(c);
    /* 2000 x 85% = 1700 > 855: the cap pays 855, cash 1145 */
    c = fx_wuxi_claim("C2", 20210301, YUAN(2000));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle 2000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 85500, "capped at the 855 left");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), 114500, "2000 - 855 = 1145");
    CHECK(fund("310100", &row), "310100 row");
    CHECK_FEN(row.crt_payb_lmt_amt, 0, "the cap is reached");
    CHECK(fx_step(res, "chronic.cap", -1, 170000, 85500), "the cap step: 1700 cut to 855");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(4000),
              "the year's payments equal the cap");
    check_sums();
    mb_claim_free(c);
    /* past the cap: nothing more, still covered */
    c = fx_wuxi_claim("C3", 20210401, YUAN(500));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle 500");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 0, "cap used up");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(500), "all cash");
    CHECK(mb_result_covered(res) == 1, "the benefit still applies, at zero");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* two certified diseases: cap 4000 + 1000 = 5000 (41号 三).
     * 4000 -> 3145 (1855 left); 2000 -> 1700 (155 left); 500 -> 425 cut to 155 */
    e = fx_wuxi_patient("WX-R2", MB_PERSON_RETIRED, 0);
    CHECK_RC(mb_enrollee_add_disease(e, "高血压", 20210105, 0, err), MB_OK, "second disease");
    c = fx_wuxi_claim("C1", 20210201, YUAN(4000));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle 4000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 314500, "(4000 - 300) x 85% = 3145");
    CHECK(fund("310100", &row), "310100 row");
    CHECK_FEN(row.crt_payb_lmt_amt, 185500, "5000 - 3145 = 1855 left");
    mb_claim_free(c);
    c = fx_wuxi_claim("C2", 20210301, YUAN(2000));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle 2000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(1700), "2000 x 85% = 1700 fits under 5000");
    mb_claim_free(c);
    c = fx_wuxi_claim("C3", 20210401, YUAN(500));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle 500");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 15500, "500 x 85% = 425, cut to the 155 left");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(5000),
              "the raised cap is reached exactly");
    mb_claim_free(c);
    mb_enrollee_free(e);
}

static void wuxi_undesignated_facility_not_covered(void)
{
    mb_enrollee *e = fx_wuxi_patient("WX-N", MB_PERSON_IN_SERVICE, 0);
    /* at a facility that is not the designated one: no benefit, all cash */
    mb_claim *c = fx_claim("C1", 20210201, MB_MED_CHRONIC, "H999", MB_LEVEL_TERTIARY, YUAN(1200));
    CHECK_RC(mb_claim_set_disease(c, "糖尿病", NULL, err), MB_OK, "disease");
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "a claim not covered still settles");
    CHECK(mb_result_covered(res) == 0, "not at the designated facility: not covered");
    CHECK(mb_result_reason(res)[0] != '\0', "the reason is given");
    CHECK(strstr(mb_result_reason(res), "41号") != NULL, "the reason cites the clause");
    CHECK_FEN(amt(MB_AMT_FUND_PAY_SUMAMT), 0, "no fund pays");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(1200), "all cash");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), 0,
              "an uncovered claim does not count towards the deductible");
    check_sums();
    mb_claim_free(c);

    /* an enrollee with no designated facility at all (the same certified disease): the layer
     * requires one (锡医保服务〔2020〕41号), so no benefit either */
    mb_enrollee *none = fx_enrollee("WX-0", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(none, "糖尿病", 20210105, 0, err), MB_OK, "certified");
    c = fx_claim("C0", 20210201, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, YUAN(1200));
    CHECK_RC(mb_claim_set_disease(c, "糖尿病", NULL, err), MB_OK, "disease");
    CHECK_RC(settle1(wuxi, none, c), MB_OK, "a claim not covered still settles");
    CHECK(mb_result_covered(res) == 0, "no designated facility: not covered");
    CHECK(strstr(mb_result_reason(res), "41号") != NULL, "the reason cites the clause");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(1200), "all cash");
    check_sums();
    mb_claim_free(c);
    mb_enrollee_free(none);

    /* a disease that is not certified */
    c = fx_claim("C2", 20210201, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, YUAN(1200));
    CHECK_RC(mb_claim_set_disease(c, "高血压", NULL, err), MB_OK, "disease");
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle");
    CHECK(mb_result_covered(res) == 0, "高血压 is not certified: not covered");
    CHECK(strstr(mb_result_reason(res), "高血压") != NULL, "the reason names the disease");
    mb_claim_free(c);

    /* before the certification date */
    c = fx_wuxi_claim("C3", 20210104, YUAN(1200));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle");
    CHECK(mb_result_covered(res) == 0, "the day before certification: not covered");
    mb_claim_free(c);

    /* a chronic claim naming no disease */
    c = fx_claim("C4", 20210201, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, YUAN(1200));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle");
    CHECK(mb_result_covered(res) == 0, "no disease on a chronic claim: not covered");
    CHECK(mb_result_reason(res)[0] != '\0', "with a reason");
    mb_claim_free(c);

    /* 41号 sets no general outpatient pooling: a general outpatient claim is no benefit of it,
     * and pays nothing, so no pooling is enjoyed (四.2) and the chronic benefit stays */
    c = fx_claim("C5", 20210301, MB_MED_GENERAL_OUTPATIENT, "H001", MB_LEVEL_TERTIARY, YUAN(100));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle general outpatient");
    CHECK(mb_result_covered(res) == 0, "no layer takes a general outpatient claim");
    CHECK_FEN(amt(MB_AMT_FUND_PAY_SUMAMT), 0, "nothing paid");
    mb_claim_free(c);
    c = fx_wuxi_claim("C6", 20210401, YUAN(1200));
    CHECK_RC(settle1(wuxi, e, c), MB_OK, "settle chronic");
    CHECK(mb_result_covered(res) == 1, "no pooling enjoyed: the chronic benefit applies");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(490), "(1200 - 500) x 70% = 490");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* a resident: the Wuxi ruleset covers employees only */
    mb_enrollee *r = NULL;
    CHECK_RC(mb_enrollee_new(&r, "RES", MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    CHECK_RC(mb_enrollee_set_designated_facility(r, "H001", err), MB_OK, "facility");
    CHECK_RC(mb_enrollee_add_disease(r, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    c = fx_wuxi_claim("C8", 20210201, YUAN(1200));
    CHECK_RC(settle1(wuxi, r, c), MB_OK, "settle");
    CHECK(mb_result_covered(res) == 0, "a resident is not covered by an employee ruleset");
    CHECK(mb_result_reason(res)[0] != '\0', "with a reason");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(1200), "all cash");
    mb_claim_free(c);
    mb_enrollee_free(r);
}

static void wuxi_assistance_settles_what_basic_leaves(void)
{
    /* docs/examples/chain-wuxi-account-assistance.yaml C1: retired, account 300, minimum
     * living. Account 300; 900 left; deductible 300; (900 - 300) x 85% = 510; assistance works
     * on 1200 - 510 - 300 = 390: x 85% = 331.50; funds 841.50; cash 58.50 */
    mb_enrollee *e = fx_enrollee("CH-WX-2", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, YUAN(300));
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "facility");
    CHECK_RC(mb_enrollee_add_disease(e, "高血压", 20221101, 0, err), MB_OK, "disease");
    CHECK_RC(mb_enrollee_add_assistance(e, "minimum_living", 20230101, 0, err), MB_OK,
             "identity");
    mb_claim *c = fx_claim("C1", 20230301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, YUAN(1200));
    CHECK_RC(mb_claim_set_disease(c, "高血压", NULL, err), MB_OK, "disease");
    const mb_ruleset *chain[2] = {wuxi, assist};
    CHECK_RC(mb_settle(res, chain, 2, e, c, err), MB_OK, "settle the chain");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(510), "(900 - 300) x 85% = 510");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), 33150, "(1200 - 510 - 300) x 85% = 331.50");
    CHECK_FEN(amt(MB_AMT_FUND_PAY_SUMAMT), 84150, "510 + 331.50 = 841.50");
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), YUAN(300), "account 300");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), 5850, "1200 - 841.50 - 300 = 58.50");
    CHECK(mb_result_fund_count(res) == 2, "two funds: pooling, then assistance");
    mb_fund_row row;
    CHECK_RC(mb_result_fund(res, 0, &row), MB_OK, "row 0");
    CHECK(strcmp(row.fund_pay_type, "310100") == 0, "basic first (tier order)");
    CHECK_RC(mb_result_fund(res, 1, &row), MB_OK, "row 1");
    CHECK(strcmp(row.fund_pay_type, "610100") == 0, "assistance second");
    CHECK_FEN(row.fund_payamt, 33150, "the assistance row pays 331.50");
    check_sums();
    mb_claim_free(c);
    mb_enrollee_free(e);
}

/* ---- amounts settled upstream ------------------------------------------------------------- */

static void upstream_parts_above_total_refused(void)
{
    /* Basic insurance settled on the national platform; the chain settles assistance only.
     * Items: A 800, B 200 with the platform's selfpay_prop 10%, C 100: total 1100.
     * The platform's inscp_scp_amt is 930: the class A item was 50 above its price limit.
     * setlinfo identity (platform-messages/README.md 3.3 (1)): medfee = fulamt_ownpay +
     * overlmt_selfpay + preselfpay + inscp, so overlmt_selfpay = 1100 - 100 - 20 - 930 = 50.
     * Minimum living, general outpatient: 004 四（六） 85% of the policy-scope self-pay the
     * platform left, (930 - 600) x 85% = 280.50, within the 10000 outpatient limit.
     * Funds 600 + 280.50 = 880.50; psn_part 1100 - 880.50 = 219.50, all cash (no account). */
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, "UP-1", MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    CHECK_RC(mb_enrollee_add_assistance(e, "minimum_living", 20230101, 0, err), MB_OK, "identity");
    mb_claim *c = fx_claim("C1", 20230301, MB_MED_GENERAL_OUTPATIENT, "W01", MB_LEVEL_PRIMARY, YUAN(800));
    CHECK_RC(mb_claim_add_item(c, YUAN(200), MB_CLASS_B, 1000, err), MB_OK, "class B, 10%");
    CHECK_RC(mb_claim_add_item(c, YUAN(100), MB_CLASS_C, -1, err), MB_OK, "class C");
    CHECK_RC(mb_claim_set_upstream(c, YUAN(930), YUAN(600), 0, err), MB_OK, "upstream");
    const mb_ruleset *chain[1] = {assist};
    CHECK_RC(mb_settle(res, chain, 1, e, c, err), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_MEDFEE_SUMAMT), YUAN(1100), "800 + 200 + 100");
    CHECK_FEN(amt(MB_AMT_FULAMT_OWNPAY), YUAN(100), "class C 100");
    CHECK_FEN(amt(MB_AMT_PRESELFPAY), YUAN(20), "200 x 10% = 20");
    CHECK_FEN(amt(MB_AMT_INSCP_SCP), YUAN(930), "the platform's policy-scope cost");
    CHECK_FEN(amt(MB_AMT_OVERLMT_SELFPAY), YUAN(50), "1100 - 100 - 20 - 930 = 50 above the price limit");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(600), "basic paid upstream");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), 28050, "(930 - 600) x 85% = 280.50");
    CHECK_FEN(amt(MB_AMT_PSN_PART), 21950, "1100 - 880.50 = 219.50");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), 21950, "no account: all cash");
    check_sums();
    CHECK_RC(mb_reverse(e, res, err), MB_OK, "reverse it");

    /* The library classifying the items itself never reports an over-limit part. */
    mb_claim *own = fx_claim("C2", 20230302, MB_MED_GENERAL_OUTPATIENT, "W01", MB_LEVEL_PRIMARY, YUAN(800));
    CHECK_RC(mb_claim_add_item(own, YUAN(200), MB_CLASS_B, 1000, err), MB_OK, "class B, 10%");
    CHECK_RC(mb_settle(res, chain, 1, e, own, err), MB_OK, "settle without upstream");
    CHECK_FEN(amt(MB_AMT_OVERLMT_SELFPAY), 0, "no price limits in the claim: 0");
    CHECK_FEN(amt(MB_AMT_INSCP_SCP), YUAN(980), "1000 - 20");
    check_sums();
    CHECK_RC(mb_reverse(e, res, err), MB_OK, "reverse it");

    /* Inconsistent: inscp 990 + class C 100 + first self-pay 20 = 1110 > 1100. No reading keeps
     * the identity (an over-limit part cannot be negative): refused, nothing changes. */
    mb_claim *bad = fx_claim("C3", 20230303, MB_MED_GENERAL_OUTPATIENT, "W01", MB_LEVEL_PRIMARY, YUAN(800));
    CHECK_RC(mb_claim_add_item(bad, YUAN(200), MB_CLASS_B, 1000, err), MB_OK, "class B, 10%");
    CHECK_RC(mb_claim_add_item(bad, YUAN(100), MB_CLASS_C, -1, err), MB_OK, "class C");
    CHECK_RC(mb_claim_set_upstream(bad, YUAN(990), YUAN(600), 0, err), MB_OK, "taken when given");
    unsigned char before[4096], after[4096];
    size_t n0 = fx_save(e, before, sizeof before);
    mb_error_clear(err);
    CHECK_RC(mb_settle(res, chain, 1, e, bad, err), MB_E_INVALID_AMOUNT, "upstream exceeds the total");
    CHECK(strstr(mb_error_message(err), "C3") != NULL && strstr(mb_error_message(err), "1100.00") != NULL,
          "the message names the claim and its total");
    CHECK(strstr(mb_error_message(err), "990.00 + class C 100.00 + class B first self-pay 20.00 = "
                                        "1110.00 yuan") != NULL,
          "and the three parts that exceed it, summed");
    CHECK_RC(mb_presettle(res, chain, 1, e, bad, err), MB_E_INVALID_AMOUNT, "presettle refuses it too");
    size_t n1 = fx_save(e, after, sizeof after);
    CHECK(n0 == n1 && memcmp(before, after, n0) == 0, "a refused claim changes nothing");
    CHECK_FEN(amt(MB_AMT_INSCP_SCP), YUAN(980), "the result still holds the last good settlement");
    /* exactly the total: consistent, nothing above a price limit */
    CHECK_RC(mb_claim_set_upstream(bad, YUAN(980), YUAN(600), 0, err), MB_OK, "980");
    CHECK_RC(mb_presettle(res, chain, 1, e, bad, err), MB_OK, "980 + 100 + 20 = 1100 settles");
    CHECK_FEN(amt(MB_AMT_OVERLMT_SELFPAY), 0, "nothing left over");
    check_sums();

    mb_claim_free(c);
    mb_claim_free(own);
    mb_claim_free(bad);
    mb_enrollee_free(e);
}

/* The fund rows of the tiers settled upstream, each on what the tiers before it left: basic on
 * the platform's policy-scope cost, critical illness on what basic left, 民政救助 on what both
 * left; the trace's upstream step gives what they paid in all. */
static void upstream_fund_rows(void)
{
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, "UP-2", MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    CHECK_RC(mb_enrollee_add_assistance(e, "minimum_living", 20230101, 0, err), MB_OK, "identity");
    const mb_ruleset *chain[1] = {assist};
    /* 1000 in scope: basic 600, critical illness 100, 民政救助 50 paid upstream */
    mb_claim *c = fx_claim("U1", 20230301, MB_MED_GENERAL_OUTPATIENT, "W01", MB_LEVEL_PRIMARY,
                           YUAN(1000));
    CHECK_RC(mb_claim_set_upstream(c, YUAN(1000), YUAN(600), YUAN(100), err), MB_OK, "upstream");
    CHECK_RC(mb_claim_set_upstream_assistance(c, YUAN(50), err), MB_OK, "民政救助 upstream");
    CHECK_RC(mb_settle(res, chain, 1, e, c, err), MB_OK, "settle");
    static const struct {
        const char *type;
        int64_t inscp, paid;
        const char *why;
    } rows[] = {
        {"390100", YUAN(1000), YUAN(600), "basic on the platform's 1000"},
        {"390200", YUAN(400), YUAN(100), "critical illness on 1000 - 600"},
        {"610100", YUAN(300), YUAN(50), "民政救助 on 1000 - 600 - 100"},
    };
    CHECK(mb_result_fund_count(res) >= 3, "three upstream rows before the chain's own");
    for (size_t i = 0; i < 3; i++) {
        mb_fund_row row;
        CHECK_RC(mb_result_fund(res, i, &row), MB_OK, "row");
        CHECK(strcmp(row.fund_pay_type, rows[i].type) == 0, rows[i].why);
        CHECK_FEN(row.inscp_scp_amt, rows[i].inscp, rows[i].why);
        CHECK_FEN(row.fund_payamt, rows[i].paid, rows[i].why);
    }
    CHECK(fx_step(res, "upstream", -1, YUAN(1000), YUAN(750)),
          "the upstream step: 1000 in, 600 + 100 + 50 = 750 paid");
    size_t with_assistance = mb_result_fund_count(res);
    CHECK_RC(mb_reverse(e, res, err), MB_OK, "reverse it");
    /* critical illness settled upstream and paying nothing still has its row */
    CHECK_RC(mb_claim_set_upstream(c, YUAN(1000), YUAN(600), 0, err), MB_OK, "upstream, 0");
    CHECK_RC(mb_claim_set_upstream_assistance(c, 0, err), MB_OK, "no 民政救助");
    CHECK_RC(mb_settle(res, chain, 1, e, c, err), MB_OK, "settle again");
    mb_fund_row row;
    CHECK_RC(mb_result_fund(res, 1, &row), MB_OK, "the second row");
    CHECK(strcmp(row.fund_pay_type, "390200") == 0 && row.inscp_scp_amt == YUAN(400) &&
              row.fund_payamt == 0,
          "critical illness settled, 0 paid on 400");
    CHECK(mb_result_fund_count(res) == with_assistance - 1, "and no 民政救助 row of 0");
    mb_claim_free(c);
    mb_enrollee_free(e);
}

/* ---- Changzhou ----------------------------------------------------------------------------- */

/* A Changzhou employee whose first-visit facility (首诊) is C01. */
static mb_enrollee *cz_person(const char *id, int type, int64_t balance)
{
    mb_enrollee *e = fx_enrollee(id, MB_SCHEME_EMPLOYEE, type, balance);
    FX_OK(mb_enrollee_set_first_visit_facility(e, "C01", fx_error()));
    return e;
}

static void changzhou_outpatient_by_facility_and_person(void)
{
    mb_fund_row row;
    /* docs/examples/changzhou-first-visit.yaml: retired at the first-visit facility,
     * (2400 - 400) x 85% = 1700, cash 700 */
    mb_enrollee *e = cz_person("CZ-R", MB_PERSON_RETIRED, 0);
    mb_claim *c = fx_claim("C1", 20230116, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY,
                        YUAN(2400));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(400), "retired: deductible 400");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(1700), "(2400 - 400) x 85% = 1700");
    CHECK_FEN(amt(MB_AMT_HIFOB_PAY), 0, "far below the large-amount band (11000)");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(700), "2400 - 1700 = 700");
    CHECK(mb_result_covered(res) == 1, "covered");
    CHECK(mb_result_fund_count(res) == 1, "only the pooling paid");
    CHECK(fund("310100", &row), "310100 row");
    CHECK_FEN(row.fund_payamt, YUAN(1700), "the row pays 1700");
    CHECK_FEN(row.crt_payb_lmt_amt, YUAN(8300), "cap 10000 - 1700 = 8300 left");
    CHECK(cited_steps("outpatient_pooling.deductible") == 1 &&
              cited_steps("outpatient_pooling.ratio") == 1,
          "deductible and ratio traced");
    CHECK(fx_step(res, "outpatient_pooling.ratio", 8500, YUAN(2000), YUAN(1700)), "2000 x 85% = 1700");
    check_sums();
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* in service at a tertiary facility, no referral: 60% - 20 points = 40%;
     * deductible 600: (1000 - 600) x 40% = 160; cash 840 */
    e = cz_person("CZ-I", MB_PERSON_IN_SERVICE, 0);
    c = fx_claim("C2", 20230201, MB_MED_GENERAL_OUTPATIENT, "T01", MB_LEVEL_TERTIARY, YUAN(1000));
    /* pre-settled with referral first: (1000 - 600) x 60% = 240 */
    CHECK_RC(mb_claim_set_flags(c, MB_CLAIM_REFERRAL, err), MB_OK, "referral");
    const mb_ruleset *chain[1] = {changzhou};
    CHECK_RC(mb_presettle(res, chain, 1, e, c, err), MB_OK, "presettle with referral");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(240), "referred tertiary: (1000 - 600) x 60% = 240");
    CHECK_RC(mb_claim_set_flags(c, 0, err), MB_OK, "no referral");
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle unreferred");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(600), "in service: deductible 600");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(160), "(1000 - 600) x 40% = 160");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(840), "1000 - 160 = 840");
    CHECK(fx_step(res, "outpatient_pooling.ratio", 4000, YUAN(400), YUAN(160)),
          "the ratio step shows 40% after the penalty");
    CHECK(fund("310100", &row), "310100 row");
    CHECK_FEN(row.crt_payb_lmt_amt, YUAN(8840), "cap 9000 - 160 = 8840 left");
    check_sums();
    mb_claim_free(c);

    /* emergency counts as referred: tertiary 60%: 1000 x 60% = 600 (deductible met) */
    c = fx_claim("C3", 20230301, MB_MED_EMERGENCY, "T01", MB_LEVEL_TERTIARY, YUAN(1000));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle emergency");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(600), "emergency: no penalty, 1000 x 60% = 600");
    mb_claim_free(c);

    /* a primary facility other than the first-visit one, unreferred: not covered */
    c = fx_claim("C4", 20230401, MB_MED_GENERAL_OUTPATIENT, "P99", MB_LEVEL_PRIMARY, YUAN(500));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle");
    CHECK(mb_result_covered(res) == 0, "other primary facility without referral: not covered");
    CHECK(mb_result_reason(res)[0] != '\0', "with a reason");
    CHECK_FEN(amt(MB_AMT_FUND_PAY_SUMAMT), 0, "nothing paid");
    mb_claim_free(c);

    /* pharmacy without a prescription: not covered; with one from C01: first-visit 80% */
    c = fx_claim("C5", 20230501, MB_MED_PHARMACY, "D01", MB_LEVEL_PHARMACY, YUAN(100));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle pharmacy");
    CHECK(mb_result_covered(res) == 0, "no prescription: not covered");
    CHECK(strstr(mb_result_reason(res), "prescription") != NULL, "the reason says prescription");
    mb_claim_free(c);
    c = fx_claim("C6", 20230502, MB_MED_PHARMACY, "D01", MB_LEVEL_PHARMACY, YUAN(100));
    CHECK_RC(mb_claim_set_prescriber(c, "C01", MB_LEVEL_PRIMARY, err), MB_OK, "prescriber");
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle prescribed");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(80), "prescribed at the first-visit facility: 80%");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* class B and C: A 1000, B 1000 (10% first self-pay: 100), C 400; in scope
     * 2400 - 400 - 100 = 1900; retired: (1900 - 400) x 85% = 1275; cash 2400 - 1275 = 1125 */
    e = cz_person("CZ-B", MB_PERSON_RETIRED, 0);
    c = fx_claim("C7", 20230116, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, YUAN(1000));
    CHECK_RC(mb_claim_add_item(c, YUAN(1000), MB_CLASS_B, -1, err), MB_OK, "class B");
    CHECK_RC(mb_claim_add_item(c, YUAN(400), MB_CLASS_C, -1, err), MB_OK, "class C");
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_FULAMT_OWNPAY), YUAN(400), "class C wholly self-paid");
    CHECK_FEN(amt(MB_AMT_PRESELFPAY), YUAN(100), "10% of class B first self-paid");
    CHECK_FEN(amt(MB_AMT_INSCP_SCP), YUAN(1900), "2400 - 400 - 100 = 1900 in scope");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(1275), "(1900 - 400) x 85% = 1275");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(1125), "2400 - 1275 = 1125");
    check_sums();
    mb_claim_free(c);
    /* an explicit class B ratio overrides the default: 20% of 1000 = 200 first self-paid;
     * in scope 800, deductible met: 800 x 85% = 680 */
    c = fx_claim("C8", 20230120, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, -1);
    CHECK_RC(mb_claim_add_item(c, YUAN(1000), MB_CLASS_B, 2000, err), MB_OK, "class B 20%");
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_PRESELFPAY), YUAN(200), "20% of 1000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(680), "800 x 85% = 680");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* account last: in service with 500 at the first-visit facility, 2400:
     * (2400 - 600) x 80% = 1440; the person's 960: account 500, cash 460 */
    e = cz_person("CZ-A", MB_PERSON_IN_SERVICE, YUAN(500));
    c = fx_claim("C9", 20230116, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, YUAN(2400));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(1440), "(2400 - 600) x 80% = 1440");
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), YUAN(500), "the account pays last, all 500");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(460), "960 - 500 = 460");
    CHECK_FEN(amt(MB_AMT_BALC), 0, "balance 0 after");
    check_sums();
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* the large-amount subsidy (91号 二（六）2), in service at the first-visit facility:
     * 95000: pooling (95000 - 600) x 80% = 75520, cut to the cap 9000; subsidy on the year's
     * compliant cost between 11000 and 100000: (95000 - 11000) x 60% = 50400;
     * funds 59400, cash 35600 */
    e = cz_person("CZ-L", MB_PERSON_IN_SERVICE, 0);
    c = fx_claim("C11", 20230110, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, YUAN(95000));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle 95000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(9000), "pooling capped at 9000");
    CHECK_FEN(amt(MB_AMT_HIFOB_PAY), YUAN(50400), "(95000 - 11000) x 60% = 50400");
    CHECK_FEN(amt(MB_AMT_FUND_PAY_SUMAMT), YUAN(59400), "9000 + 50400");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(35600), "95000 - 59400 = 35600");
    CHECK(mb_result_fund_count(res) == 2, "two funds took part");
    CHECK_RC(mb_result_fund(res, 0, &row), MB_OK, "row 0");
    CHECK(strcmp(row.fund_pay_type, "310100") == 0, "pooling first (layer order)");
    CHECK_FEN(row.crt_payb_lmt_amt, 0, "the pooling cap is used up");
    CHECK_RC(mb_result_fund(res, 1, &row), MB_OK, "row 1");
    CHECK(strcmp(row.fund_pay_type, "330100") == 0, "the large-amount fund is 330100");
    CHECK_FEN(row.fund_payamt, YUAN(50400), "its row pays 50400");
    CHECK_FEN(row.crt_payb_lmt_amt, -1, "the subsidy has no cap of its own: -1");
    check_sums();
    mb_claim_free(c);
    /* 10000 more: pooling 0; only 100000 - 95000 = 5000 lies in the band: x 60% = 3000 */
    c = fx_claim("C12", 20230610, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, YUAN(10000));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle 10000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 0, "the pooling cap is used up");
    CHECK_FEN(amt(MB_AMT_HIFOB_PAY), YUAN(3000), "5000 x 60% = 3000 at the top of the band");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(7000), "10000 - 3000");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* no layer pays more than the claim's policy-scope self-pay left: the year's base seeded at
     * 10000; 2000: pooling 2000 x 80% = 1600; subsidy (12000 - 11000) x 60% = 600 but only
     * 2000 - 1600 = 400 is left: 400; cash 0 */
    e = cz_person("CZ-L2", MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_seed(e, CHANGZHOU, "outpatient.base", 2023, YUAN(10000), err), MB_OK,
             "seed the year's outpatient base");
    c = fx_claim("C13", 20230610, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, YUAN(2000));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle 2000");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "the seeded base met the deductible");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(1600), "2000 x 80% = 1600");
    CHECK_FEN(amt(MB_AMT_HIFOB_PAY), YUAN(400), "600 limited to the 400 left");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), 0, "nothing left to pay");
    check_sums();
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* veteran: no deductible, 90% at the first visit facility, 1000 -> 900 */
    e = cz_person("CZ-V", MB_PERSON_VETERAN, 0);
    c = fx_claim("C10", 20230116, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, YUAN(1000));
    CHECK_RC(settle1(changzhou, e, c), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "veterans have no deductible");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(900), "1000 x 90% = 900");
    mb_claim_free(c);
    mb_enrollee_free(e);
}

static void presettle_changes_nothing(void)
{
    unsigned char before[4096], after[4096];
    mb_enrollee *e = fx_wuxi_patient("WX-P", MB_PERSON_IN_SERVICE, YUAN(300));
    mb_claim *c = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    size_t n0 = fx_save(e, before, sizeof before);
    const mb_ruleset *chain[1] = {wuxi};
    CHECK_RC(mb_presettle(res, chain, 1, e, c, err), MB_OK, "presettle");
    /* the same figures as the settlement would give (see wuxi_account_first) */
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), YUAN(300), "presettle: account 300");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(280), "presettle: (900 - 500) x 70% = 280");
    CHECK_FEN(amt(MB_AMT_BALC), 0, "presettle: the balance it would leave");
    size_t n1 = fx_save(e, after, sizeof after);
    CHECK(n0 == n1 && memcmp(before, after, n0) == 0, "presettle leaves the saved bytes alone");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(300), "presettle leaves the balance alone");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), 0, "and the accumulators");
    /* presettle twice gives the same; then settle gives the same */
    CHECK_RC(mb_presettle(res, chain, 1, e, c, err), MB_OK, "presettle again");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(280), "the same again");
    CHECK_RC(mb_settle(res, chain, 1, e, c, err), MB_OK, "settle");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(280), "settle agrees with presettle");
    CHECK_FEN(mb_enrollee_account_balance(e), 0, "settle commits the account");
    mb_claim_free(c);
    mb_enrollee_free(e);
}

/* ---- errors change nothing ----------------------------------------------------------------- */

static unsigned char snap[4096];
static size_t snap_len;

static void snapshot(const mb_enrollee *e) { snap_len = fx_save(e, snap, sizeof snap); }

static void unchanged(const mb_enrollee *e, const char *why)
{
    unsigned char now[4096];
    size_t n = fx_save(e, now, sizeof now);
    CHECK(n == snap_len && memcmp(now, snap, n) == 0, why);
}

static void failed_settlement_changes_nothing(void)
{
    mb_enrollee *e = fx_wuxi_patient("WX-E", MB_PERSON_IN_SERVICE, YUAN(300));
    mb_claim *ok = fx_wuxi_claim("C0", 20210201, YUAN(1200));
    const mb_ruleset *one[1] = {wuxi};
    CHECK_RC(mb_settle(res, one, 1, e, ok, err), MB_OK, "one good settlement first");
    snapshot(e);

    /* the chain in the wrong order: assistance before basic */
    mb_claim *c23 = fx_claim("C23", 20230301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, YUAN(100));
    CHECK_RC(mb_claim_set_disease(c23, "糖尿病", NULL, err), MB_OK, "disease");
    const mb_ruleset *wrong[2] = {assist, wuxi};
    mb_error_clear(err);
    CHECK_RC(mb_settle(res, wrong, 2, e, c23, err), MB_E_CHAIN, "assistance before basic");
    CHECK_RC(mb_error_status(err), MB_E_CHAIN, "the report says chain");
    CHECK(mb_error_message(err)[0] != '\0', "with a message");
    unchanged(e, "a refused chain changes nothing");
    CHECK_RC(mb_presettle(res, wrong, 2, e, c23, err), MB_E_CHAIN, "presettle refuses it too");
    /* a tier repeated: two basic rulesets */
    const mb_ruleset *twice[2] = {wuxi, changzhou};
    CHECK_RC(mb_settle(res, twice, 2, e, c23, err), MB_E_CHAIN, "two basic tiers");
    unchanged(e, "a repeated tier changes nothing");
    const mb_ruleset *same[2] = {wuxi, wuxi};
    CHECK_RC(mb_settle(res, same, 2, e, c23, err), MB_E_CHAIN, "the same ruleset twice");
    CHECK_RC(mb_settle(res, one, 0, e, ok, err), MB_E_CHAIN, "an empty chain");
    const mb_ruleset *nine[9] = {wuxi, wuxi, wuxi, wuxi, wuxi, wuxi, wuxi, wuxi, wuxi};
    CHECK_RC(mb_settle(res, nine, 9, e, ok, err), MB_E_CHAIN, "more than 8 rulesets");
    unchanged(e, "refused chains change nothing");

    /* dated before the ruleset is in force (2021-01-01) */
    mb_claim *early = fx_wuxi_claim("CE", 20201231, YUAN(1200));
    mb_error_clear(err);
    CHECK_RC(mb_settle(res, one, 1, e, early, err), MB_E_INVALID_DATE,
             "a claim before effective_from");
    CHECK(strstr(mb_error_message(err), WUXI) != NULL, "the message names the ruleset");
    unchanged(e, "an early claim changes nothing");
    /* the assistance ruleset starts 2023-01-01: a 2022 claim in a chain with it */
    mb_claim *c22 = fx_claim("C22", 20220301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, YUAN(100));
    CHECK_RC(mb_claim_set_disease(c22, "糖尿病", NULL, err), MB_OK, "disease");
    const mb_ruleset *both[2] = {wuxi, assist};
    CHECK_RC(mb_settle(res, both, 2, e, c22, err), MB_E_INVALID_DATE,
             "every ruleset of the chain must be in force");
    unchanged(e, "changes nothing");

    /* a claim with no items */
    mb_claim *empty = fx_wuxi_claim("CN", 20210301, -1);
    CHECK_RC(mb_settle(res, one, 1, e, empty, err), MB_E_INVALID_ARGUMENT, "no line items");
    unchanged(e, "an empty claim changes nothing");
    CHECK_RC(mb_presettle(res, one, 1, e, empty, err), MB_E_INVALID_ARGUMENT, "presettle too");

    /* a disease not in the catalogue */
    mb_claim *unk = fx_claim("CU", 20210301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, YUAN(1200));
    CHECK_RC(mb_claim_set_disease(unk, "不存在的病", NULL, err), MB_OK, "any name is taken");
    mb_error_clear(err);
    CHECK_RC(mb_settle(res, one, 1, e, unk, err), MB_E_UNKNOWN_DISEASE, "unknown disease");
    CHECK(strstr(mb_error_message(err), "不存在的病") != NULL, "the message names it");
    unchanged(e, "an unknown disease changes nothing");
    /* the same through the chain's second tier: the basic tier's work is not committed */
    mb_enrollee *e2 = fx_enrollee("WX-E2", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, 0);
    CHECK_RC(mb_enrollee_set_designated_facility(e2, "H001", err), MB_OK, "facility");
    CHECK_RC(mb_enrollee_add_disease(e2, "高血压", 20221101, 0, err), MB_OK, "disease");
    unsigned char b0[4096], b1[4096];
    size_t l0 = fx_save(e2, b0, sizeof b0);
    mb_claim *unk23 = fx_claim("CU2", 20230301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, YUAN(1200));
    CHECK_RC(mb_claim_set_disease(unk23, "不存在的病", NULL, err), MB_OK, "disease");
    CHECK_RC(mb_settle(res, both, 2, e2, unk23, err), MB_E_UNKNOWN_DISEASE, "unknown in a chain");
    size_t l1 = fx_save(e2, b1, sizeof b1);
    CHECK(l0 == l1 && memcmp(b0, b1, l0) == 0, "a failed chain changes nothing");

    /* NULL arguments: refused, never a crash */
    CHECK_RC(mb_settle(NULL, one, 1, e, ok, err), MB_E_INVALID_ARGUMENT, "result NULL");
    CHECK_RC(mb_settle(res, NULL, 1, e, ok, err), MB_E_INVALID_ARGUMENT, "chain NULL");
    CHECK_RC(mb_settle(res, one, 1, NULL, ok, err), MB_E_INVALID_ARGUMENT, "enrollee NULL");
    CHECK_RC(mb_settle(res, one, 1, e, NULL, err), MB_E_INVALID_ARGUMENT, "claim NULL");
    const mb_ruleset *hole[2] = {wuxi, NULL};
    CHECK_RC(mb_settle(res, hole, 2, e, ok, err), MB_E_INVALID_ARGUMENT, "a NULL in the chain");
    CHECK_RC(mb_settle(res, one, 1, e, ok, NULL), MB_E_STATE,
             "a NULL error report is fine (C0 is settled already: refused)");
    mb_claim *again = fx_wuxi_claim("C0-again", 20210201, YUAN(1200));
    CHECK_RC(mb_settle(res, one, 1, e, again, NULL), MB_OK, "a NULL error report is fine");
    CHECK_RC(mb_reverse(e, res, NULL), MB_OK, "undo it");
    mb_claim_free(again);
    CHECK_RC(mb_presettle(NULL, one, 1, e, ok, err), MB_E_INVALID_ARGUMENT, "presettle NULL");
    CHECK_RC(mb_presettle(res, one, 1, NULL, ok, err), MB_E_INVALID_ARGUMENT, "presettle NULL");
    CHECK_RC(mb_reverse(NULL, res, err), MB_E_INVALID_ARGUMENT, "reverse NULL enrollee");
    CHECK_RC(mb_reverse(e, NULL, err), MB_E_INVALID_ARGUMENT, "reverse NULL result");
    unchanged(e, "NULL arguments change nothing");
    CHECK(mb_result_amount(NULL, MB_AMT_HIFP_PAY) == 0, "amount of NULL");
    CHECK(mb_result_amount(res, -1) == 0 && mb_result_amount(res, MB_AMT_COUNT_) == 0,
          "unknown amounts read 0");
    CHECK(mb_amount_name(MB_AMT_HIFP_PAY) && strcmp(mb_amount_name(MB_AMT_HIFP_PAY), "hifp_pay") == 0,
          "amount names follow the national vocabulary");
    CHECK(mb_amount_name(MB_AMT_COUNT_) == NULL, "no name for an unknown amount");
    CHECK(mb_result_covered(NULL) == 0 && strcmp(mb_result_reason(NULL), "") == 0, "NULL result");
    CHECK(mb_result_fund_count(NULL) == 0 && mb_result_trace_count(NULL) == 0, "NULL result");
    mb_fund_row row;
    mb_trace_step step;
    CHECK_RC(mb_result_fund(NULL, 0, &row), MB_E_INVALID_ARGUMENT, "fund of NULL");
    CHECK_RC(mb_result_fund(res, 0, NULL), MB_E_INVALID_ARGUMENT, "fund into NULL");
    CHECK_RC(mb_result_trace(NULL, 0, &step), MB_E_INVALID_ARGUMENT, "trace of NULL");
    CHECK_RC(mb_result_trace(res, 0, NULL), MB_E_INVALID_ARGUMENT, "trace into NULL");

    /* claims and enrollees refuse bad input when built */
    mb_claim *bad = NULL;
    CHECK_RC(mb_claim_new(&bad, "X", 20210230, MB_MED_CHRONIC, "H001", MB_LEVEL_PRIMARY, err),
             MB_E_INVALID_DATE, "30 February");
    CHECK_RC(mb_claim_new(&bad, "X", 20210201, 99, "H001", MB_LEVEL_PRIMARY, err),
             MB_E_UNKNOWN_CODE, "med_type 99");
    CHECK_RC(mb_claim_new(&bad, "X", 20210201, MB_MED_CHRONIC, "H001", 7, err), MB_E_UNKNOWN_CODE,
             "level 7");
    CHECK(bad == NULL, "no claim built");
    CHECK_RC(mb_claim_add_item(ok, -1, MB_CLASS_A, -1, err), MB_E_INVALID_AMOUNT, "negative item");
    CHECK_RC(mb_claim_add_item(ok, 100, 4, -1, err), MB_E_UNKNOWN_CODE, "class 4");
    CHECK_RC(mb_claim_add_item(ok, 100, MB_CLASS_A, 1000, err), MB_E_INVALID_ARGUMENT,
             "a first self-pay ratio on class A");
    CHECK_RC(mb_claim_add_item(NULL, 100, MB_CLASS_A, -1, err), MB_E_INVALID_ARGUMENT, "NULL claim");
    /* 10^12 yuan is the largest amount; a claim's total cannot pass it either */
    mb_claim *huge = fx_claim("CH", 20210201, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY,
                           INT64_C(100000000000000));
    CHECK_RC(mb_claim_add_item(huge, INT64_C(100000000000001), MB_CLASS_A, -1, err),
             MB_E_INVALID_AMOUNT, "an item above 10^12 yuan");
    CHECK_RC(mb_claim_add_item(huge, 1, MB_CLASS_A, -1, err), MB_E_OVERFLOW,
             "a total above 10^12 yuan");
    CHECK_RC(mb_claim_set_disease(huge, "糖尿病", NULL, err), MB_OK, "disease");
    CHECK_RC(mb_settle(res, one, 1, e, huge, err), MB_OK, "the largest claim still settles");
    /* the deductible was met by C0: 10^12 x 70%, but the cap leaves 3500 - 280 = 3220 */
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(3220), "the cap holds at any size");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), INT64_C(100000000000000) - YUAN(3220), "the rest is cash");
    /* the year's base, 900 + 10^12 yuan, stops at 10^12 (docs/accumulators.md): it stays an
     * amount, so the state still saves and restores */
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), INT64_C(100000000000000),
              "the base stops at the largest amount");
    unsigned char big[4096];
    size_t nbig = fx_save(e, big, sizeof big);
    mb_enrollee *twin = NULL;
    CHECK_RC(mb_enrollee_restore(&twin, big, nbig, err), MB_OK, "the state after it restores");
    mb_enrollee_free(twin);
    CHECK_RC(mb_reverse(e, res, err), MB_OK, "undo it");
    unchanged(e, "reversed");
    mb_claim_free(huge);
    /* a year's payments at 10^12 yuan cannot grow past it: Changzhou's inpatient layer has no
     * cap, and would add 100 x 90% = 90 to the 10^12 seeded (常政办发〔2022〕91号 二（五）) */
    mb_enrollee *top = fx_enrollee("CZ-TOP", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_seed(top, CHANGZHOU, "inpatient.paid", 2023, INT64_C(100000000000000),
                              err), MB_OK, "the year's inpatient payments at 10^12 yuan");
    mb_claim *stay = fx_admission("CI", 20230220, 20230301, "H9", MB_LEVEL_TERTIARY, YUAN(100));
    snapshot(top);
    const mb_ruleset *cz[1] = {changzhou};
    CHECK_RC(mb_settle(res, cz, 1, top, stay, err), MB_E_OVERFLOW,
             "the payments would pass the largest amount");
    unchanged(top, "an overflow changes nothing");
    mb_claim_free(stay);
    mb_enrollee_free(top);
    snapshot(e);
    CHECK_RC(mb_enrollee_set_account_balance(e, -1, err), MB_E_INVALID_AMOUNT, "negative balance");
    unchanged(e, "a refused balance changes nothing");
    mb_enrollee *bade = NULL;
    CHECK_RC(mb_enrollee_new(&bade, "X", 9, MB_PERSON_RETIRED, err), MB_E_UNKNOWN_CODE, "scheme 9");
    CHECK_RC(mb_enrollee_new(&bade, "X", MB_SCHEME_EMPLOYEE, 0, err), MB_E_UNKNOWN_CODE,
             "an employee needs a person type");
    CHECK(bade == NULL, "no enrollee built");

    mb_claim_free(ok);
    mb_claim_free(c23);
    mb_claim_free(c22);
    mb_claim_free(early);
    mb_claim_free(empty);
    mb_claim_free(unk);
    mb_claim_free(unk23);
    mb_enrollee_free(e);
    mb_enrollee_free(e2);
}

/* A chain settles a claim only while each of its rulesets is in force (Shanxi's report: 5 years
 * from 2025-04-01), and a batch of no claims is an empty year, not an error. */
static void a_chain_settles_while_in_force(void)
{
    mb_ruleset *shanxi = fx_ruleset(MB_TEST_SHANXI);
    mb_enrollee *e = fx_enrollee("SX", MB_SCHEME_RESIDENT, 0, 0);
    mb_claim *last = fx_claim("L", 20300331, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY, YUAN(100));
    mb_claim *after = fx_claim("A", 20300401, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY, YUAN(100));
    CHECK_RC(settle1(shanxi, e, last), MB_OK, "the last day in force");
    CHECK_RC(settle1(shanxi, e, after), MB_E_INVALID_DATE, "the day after");
    CHECK(strstr(mb_error_message(err), "outside shanxi-chronic-special-2025's period in force "
                                        "2025-04-01 to 2030-03-31") != NULL,
          "the message gives the period in force");
    const mb_ruleset *chain[] = {shanxi};
    unsigned char before[4096], now[4096];
    size_t n0 = fx_save(e, before, sizeof before);
    CHECK_RC(mb_settle_batch(res, chain, 1, e, NULL, 0, 0, NULL, 0, NULL, NULL, err), MB_OK,
             "a batch of no claims");
    CHECK(fx_same(before, n0, now, fx_save(e, now, sizeof now)), "changes nothing");
    mb_claim_free(last);
    mb_claim_free(after);
    mb_enrollee_free(e);
    mb_ruleset_free(shanxi);
}

/* A chronic claim of 糖尿病 at H1 (primary), one class A item of 1000. */
static mb_claim *diabetes_claim(const char *id, int32_t date)
{
    mb_claim *c = fx_claim(id, date, MB_MED_CHRONIC, "H1", MB_LEVEL_PRIMARY, YUAN(1000));
    CHECK_RC(mb_claim_set_disease(c, "糖尿病", NULL, err), MB_OK, "disease");
    return c;
}

/* Exclusive benefits (exclusive_with, as 41号 四.2 uses them): a kind is enjoyed in a year once
 * a layer of it pays; a claim it takes and pays nothing of (under its deductible) excludes
 * nothing. A pooling of 50% above 200 a year; chronic care of 70%, exclusive with it. */
static void exclusive_kind_enjoyed_once_it_pays(void)
{
    mb_ruleset *rs = fx_ruleset_text(FX_RULESET_HEAD("excl", "互斥测试", "测试〔2024〕9号")
        "catalogue:\n  - {code: D1, name: 糖尿病, cite: 测试〔2024〕9号 一}\n"
        "layers:\n"
        "  - id: pooling\n"
        "    kind: general_outpatient_pooling\n"
        "    cite: 测试〔2024〕9号 二\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    deductible: [{all: 200}]\n"
        "    ratio: [{all: 50%}]\n"
        "  - id: chronic\n"
        "    kind: chronic_outpatient\n"
        "    cite: 测试〔2024〕9号 四\n"
        "    med_types: [chronic]\n"
        "    requires: [certified_disease]\n"
        "    exclusive_with: [general_outpatient_pooling]\n"
        "    exclusive_cite: 测试〔2024〕9号 五（不得重复享受）\n"
        "    fund: pooling\n"
        "    ratio: [{all: 70%}]\n", "excl.yaml");
    CHECK(rs != NULL, "the exclusive ruleset loads");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("EX", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20240105, 0, err), MB_OK, "certified");
    /* 150, all under the pooling's 200: it takes the claim and pays 0 */
    mb_claim *c = fx_claim("G1", 20240201, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY,
                           YUAN(150));
    CHECK_RC(settle1(rs, e, c), MB_OK, "a pooling claim under its deductible");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 0, "150 under the deductible 200: nothing paid");
    mb_claim_free(c);
    /* chronic 1000: no pooling enjoyed yet, 1000 x 70% = 700 */
    c = diabetes_claim("K1", 20240301);
    CHECK_RC(settle1(rs, e, c), MB_OK, "chronic");
    CHECK(mb_result_covered(res) == 1, "a pooling that paid nothing is not enjoyed");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(700), "1000 x 70%");
    mb_claim_free(c);
    mb_enrollee_free(e);
    /* another enrollee: pooling 500, (500 - 200) x 50% = 150 paid: enjoyed; chronic refused */
    e = fx_enrollee("EX2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20240105, 0, err), MB_OK, "certified");
    c = fx_claim("G2", 20240201, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY, YUAN(500));
    CHECK_RC(settle1(rs, e, c), MB_OK, "a pooling claim above its deductible");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(150), "(500 - 200) x 50%");
    mb_claim_free(c);
    c = diabetes_claim("K2", 20240301);
    CHECK_RC(settle1(rs, e, c), MB_OK, "chronic");
    CHECK(mb_result_covered(res) == 0, "the pooling paid this year: the chronic benefit excluded");
    CHECK(strstr(mb_result_reason(res), "general_outpatient_pooling") != NULL,
          "the reason names the benefit that excludes it");
    CHECK(strstr(mb_result_reason(res), "测试〔2024〕9号 五（不得重复享受）") != NULL,
          "and cites the clause that makes them exclusive (exclusive_cite), not the layer's");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 0, "no chronic payment");
    mb_claim_free(c);
    /* the next year the chronic benefit applies again */
    c = diabetes_claim("K3", 20250301);
    CHECK_RC(settle1(rs, e, c), MB_OK, "chronic next year");
    CHECK(mb_result_covered(res) == 1, "the exclusion lasts the year");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(700), "1000 x 70%");
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A reason is formatted into the result handle's room: a cite longer than the room is cut at a
 * character, never inside one, so that the text stays valid UTF-8 (the bindings decode it). */
static void long_reason_stays_utf8(void)
{
    enum { CHARS = 700 }; /* 2100 bytes of cite, past the room */
    static char text[8192], cite[CHARS * 3 + 1];
    for (int i = 0; i < CHARS; i++)
        memcpy(cite + 3 * i, "条", 3);
    cite[CHARS * 3] = '\0';
    snprintf(text, sizeof text, "%s%s%s%s",
             FX_RULESET_HEAD("longcite", "长条文", "测试〔2024〕8号")
             "layers:\n"
             "  - id: chronic\n"
             "    cite: 测试〔2024〕8号 ", cite, "\n",
             "    med_types: [chronic]\n"
             "    requires: [designated_facility]\n"
             "    fund: pooling\n"
             "    ratio: [{all: 70%}]\n");
    mb_ruleset *rs = fx_ruleset_text(text, "longcite.yaml");
    CHECK(rs != NULL, "a ruleset with a cite of 2100 bytes loads");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("LC", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_claim *c = fx_claim("L1", 20240301, MB_MED_CHRONIC, "H1", MB_LEVEL_PRIMARY, YUAN(100));
    CHECK_RC(settle1(rs, e, c), MB_OK, "a claim of an enrollee with no designated facility");
    const char *why = mb_result_reason(res);
    CHECK(mb_result_covered(res) == 0 && strlen(why) > 500, "refused, with the long cite in the reason");
    CHECK(check_utf8(why), "the reason, cut to its room, is valid UTF-8");
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A claim's and an enrollee's fields at their bounds: an id of 63 bytes is taken and one of
 * 64 refused, saying the most; a class B item's first self-pay of 100%; upstream funds that pay
 * the whole policy-scope cost, and a fen more refused; a certification of one day. */
static void fields_at_their_bounds(void)
{
    char id[65];
    memset(id, 'c', 64);
    id[64] = '\0';
    mb_claim *c = NULL;
    CHECK_RC(mb_claim_new(&c, id, 20230301, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY, err),
             MB_E_INVALID_ARGUMENT, "a claim id of 64 bytes");
    CHECK(strstr(mb_error_message(err), "longer than 63 bytes") != NULL, "the message says the most");
    id[63] = '\0';
    CHECK_RC(mb_claim_new(&c, id, 20230301, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY, err),
             MB_OK, "a claim id of 63 bytes");
    CHECK(c != NULL && strcmp(mb_claim_id(c), id) == 0, "kept whole");
    CHECK_RC(mb_claim_add_item(c, YUAN(100), MB_CLASS_B, 10000, err), MB_OK,
             "a class B item first self-paid in full (100%)");
    CHECK_RC(mb_claim_add_item(c, YUAN(100), MB_CLASS_B, 10001, err), MB_E_INVALID_ARGUMENT,
             "a ratio past 100%");
    CHECK_RC(mb_claim_add_item(c, YUAN(100), MB_CLASS_A, 10000, err), MB_E_INVALID_ARGUMENT,
             "a class A item with a first self-pay of 100%");
    CHECK(strcmp(mb_error_message(err), "only class B items have a first self-pay ratio") == 0,
          "refused for its class, the ratio being one");
    CHECK_RC(mb_claim_set_upstream(c, YUAN(100), YUAN(60), YUAN(40), err), MB_OK,
             "basic and critical illness paying all of the policy-scope cost");
    CHECK_RC(mb_claim_set_upstream(c, YUAN(100), YUAN(60), YUAN(40) + 1, err), MB_E_INVALID_AMOUNT,
             "a fen more than it");
    mb_claim_free(c);
    memset(id, 'e', 64);
    id[64] = '\0';
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, id, MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err),
             MB_E_INVALID_ARGUMENT, "an enrollee id of 64 bytes");
    CHECK(strstr(mb_error_message(err), "is longer than 63 bytes") != NULL, "the message says the most");
    mb_enrollee_free(e);
    /* a certification valid on its own day only, and one that ends before it begins */
    e = fx_enrollee("E-B", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20230301, 20230301, err), MB_OK,
             "valid until the day it was certified");
    CHECK_RC(mb_enrollee_add_disease(e, "高血压", 20230301, 20230228, err), MB_E_INVALID_DATE,
             "valid until the day before");
    mb_enrollee_free(e);
}

int main(void)
{
    err = mb_error_new();
    if (err == NULL || mb_result_new(&res, err) != MB_OK)
        return 1;
    wuxi = fx_ruleset(WUXI);
    changzhou = fx_ruleset(CHANGZHOU);
    assist = fx_ruleset(ASSIST);
    if (wuxi == NULL || changzhou == NULL || assist == NULL)
        return check_summary();
    wuxi_in_service_pays_70_percent_above_500();
    wuxi_deductible_carries_over_claims();
    wuxi_account_pays_first();
    wuxi_retired_cap_raised_by_second_disease();
    wuxi_undesignated_facility_not_covered();
    exclusive_kind_enjoyed_once_it_pays();
    long_reason_stays_utf8();
    wuxi_assistance_settles_what_basic_leaves();
    upstream_parts_above_total_refused();
    upstream_fund_rows();
    changzhou_outpatient_by_facility_and_person();
    presettle_changes_nothing();
    failed_settlement_changes_nothing();
    a_chain_settles_while_in_force();
    fields_at_their_bounds();
    mb_ruleset_free(wuxi);
    mb_ruleset_free(changzhou);
    mb_ruleset_free(assist);
    mb_result_free(res);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
