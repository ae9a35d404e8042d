/* A benefit layer's parts (lib/layer.c), each on a ruleset written for the test, with the
 * amounts worked by hand: assistance identities that last to the month's end and are read on
 * an admission's claim date, the best of several categories, the tilt (a smaller deductible,
 * raised ratios, no cap), a referral penalty larger than the ratio, a cap row not yet in force
 * and an unlimited one, bands without a ratio for a person, a fund without a code for the
 * enrollee's scheme, a claim at a pharmacy without a prescriber, the settlement's fixed tables
 * and a fixed annual grant. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

/* 测试〔2023〕2号, the test's own document. */
static const char RULESET[] =
    "id: layers-test\n"
    "title: 测试\n"
    "document: 测试〔2023〕2号\n"
    "tier: basic\n"
    "effective_from: 2023-01-01\n"
    "funds:\n"
    "  - {key: pool, employee: '310100', name: 统筹基金, amount: hifp_pay}\n"
    "  - {key: aid, resident: '610100', name: 救助基金, amount: maf_pay}\n"
    "account: {value: last, cite: 测试〔2023〕2号 九}\n"
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2023〕2号 十}\n"
    "categories:\n"
    "  - {name: minimum_living, ratio: 90%, cite: 测试〔2023〕2号 一}\n"
    "  - {name: orphan, ratio: 60%, cite: 测试〔2023〕2号 一}\n"
    "identity: {lost: end_of_month, admission: claim_date, cite: 测试〔2023〕2号 二}\n"
    "tilt: {categories: [minimum_living], deductible_ratio: 50%, ratio_points: 10, uncapped: true,\n"
    "       cite: 测试〔2023〕2号 三}\n"
    "referral: {penalty_points: 20, penalty_levels: [secondary, tertiary], cite: 测试〔2023〕2号 四}\n"
    "layers:\n"
    "  - id: aid\n"
    "    cite: 测试〔2023〕2号 五\n"
    "    med_types: [inpatient]\n"
    "    requires: [assistance_identity]\n"
    "    fund: aid\n"
    "    ratio_source: category\n"
    "  - id: outpatient\n"
    "    cite: 测试〔2023〕2号 六\n"
    "    med_types: [general_outpatient, pharmacy]\n"
    "    fund: pool\n"
    "    deductible: [{all: 200}]\n"
    "    ratio: [{all: 15%}]\n"
    "    referral_penalty: true\n"
    "    referral_penalty_cite: 测试〔2023〕2号 六（未转诊的降低20个百分点）\n"
    "    tilt: true\n"
    "    cap: {values: [{from: 2023-07-01, all: 300}]}\n"
    "  - id: chronic\n"
    "    cite: 测试〔2023〕2号 七\n"
    "    med_types: [chronic]\n"
    "    fund: pool\n"
    "    ratio: [{all: 60%}]\n"
    "    bands: [{up_to: 1000, in_service: 50%}, {above: 1000}]\n"
    "    cap: {values: [{all: unlimited}]}\n";

static mb_error *err;
static mb_ruleset *rs;
static mb_result *res;

static int settle(mb_enrollee *e, mb_claim *c)
{
    int rc = fx_settle(res, rs, e, c, err);
    if (rc != MB_OK)
        fprintf(stderr, "  settle: %s\n", mb_error_message(err));
    mb_claim_free(c);
    return rc;
}

/* An admission, its claim named by its dates (each claim its own id: the journal refuses one
 * settled already). */
static mb_claim *inpatient(int32_t admitted, int32_t discharged, int64_t fen)
{
    char id[32];
    snprintf(id, sizeof id, "I%d-%d", admitted, discharged);
    mb_claim *c = fx_claim(id, discharged, MB_MED_INPATIENT, "H1", MB_LEVEL_SECONDARY, fen);
    FX_OK(mb_claim_set_admission(c, admitted, discharged, fx_error()));
    return c;
}

static int64_t amount(int which) { return mb_result_amount(res, which); }

/* 二: an identity lost on 03-10 counts to the end of March; an admission is read on its claim
 * date. 一: the best category of those held. */
static void identities_by_the_month_and_the_claim_date(void)
{
    mb_enrollee *r = fx_enrollee("R1", MB_SCHEME_RESIDENT, 0, 0);
    FX_OK(mb_enrollee_add_assistance(r, "minimum_living", 20230101, 20230310, fx_error()));
    /* discharged and claimed 03-31: still March; 1000 x 90% = 900 */
    CHECK_RC(settle(r, inpatient(20230320, 20230331, YUAN(1000))), MB_OK, "an admission in March");
    CHECK(mb_result_covered(res) == 1, "the identity lost on 03-10 lasts to 03-31");
    CHECK_FEN(amount(MB_AMT_MAF_PAY), YUAN(900), "1000 x 90%");
    /* admitted 03-25 but claimed 04-05: read on 04-05, when no identity is held */
    CHECK_RC(settle(r, inpatient(20230325, 20230405, YUAN(1000))), MB_OK, "claimed in April");
    CHECK(mb_result_covered(res) == 0, "not covered: read on the claim date");
    CHECK(strcmp(mb_result_reason(res), "no assistance identity on the claim's dates "
                                         "(无救助对象身份) [aid; 测试〔2023〕2号 五]") == 0,
          "no identity on the claim's date, citing the layer");
    CHECK_FEN(amount(MB_AMT_MAF_PAY), 0, "nothing paid");
    mb_enrollee_free(r);

    /* three identities: minimum living 90%, orphan 60%, extreme poverty (no ratio here) */
    r = fx_enrollee("R2", MB_SCHEME_RESIDENT, 0, 0);
    FX_OK(mb_enrollee_add_assistance(r, "minimum_living", 20230101, 0, fx_error()));
    FX_OK(mb_enrollee_add_assistance(r, "orphan", 20230101, 0, fx_error()));
    FX_OK(mb_enrollee_add_assistance(r, "extreme_poverty", 20230101, 0, fx_error()));
    CHECK_RC(settle(r, inpatient(20230501, 20230510, YUAN(1000))), MB_OK, "three identities");
    CHECK_FEN(amount(MB_AMT_MAF_PAY), YUAN(900), "the best ratio, 90%, of those the ruleset has");
    mb_enrollee_free(r);
}

/* 三: the tilt halves the deductible, adds 10 points and lifts the cap; 四: 20 points off
 * without referral at a secondary facility, never below 0. */
static void tilt_and_referral_penalty(void)
{
    mb_enrollee *r = fx_enrollee("R3", MB_SCHEME_RESIDENT, 0, 0);
    FX_OK(mb_enrollee_add_assistance(r, "minimum_living", 20230101, 0, fx_error()));
    /* March, primary: deductible 200 x 50% = 100; (1000 - 100) x (15% + 10) = 225 */
    CHECK_RC(settle(r, fx_claim("O1", 20230320, MB_MED_GENERAL_OUTPATIENT, "C1", MB_LEVEL_PRIMARY,
                                YUAN(1000))),
             MB_OK, "a tilted claim");
    CHECK_FEN(amount(MB_AMT_ACT_PAY_DEDC), YUAN(100), "half the deductible");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(225), "(1000 - 100) x 25%");
    mb_fund_row row;
    CHECK(mb_result_fund(res, 0, &row) == MB_OK && strcmp(row.fund_pay_type, "310100") == 0,
          "a fund with no resident code reports its employee code");
    /* August, cap 300 in force, but the tilt lifts it: 3000 x 25% = 750 */
    CHECK_RC(settle(r, fx_claim("O2", 20230810, MB_MED_GENERAL_OUTPATIENT, "C1", MB_LEVEL_PRIMARY,
                                YUAN(3000))),
             MB_OK, "a tilted claim past the cap");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(750), "3000 x 25%, uncapped");
    mb_enrollee_free(r);

    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* secondary, not referred: 15% - 20 points is 0; the deductible 200 is still met */
    CHECK_RC(settle(e, fx_claim("O3", 20230810, MB_MED_GENERAL_OUTPATIENT, "S1",
                                MB_LEVEL_SECONDARY, YUAN(1000))),
             MB_OK, "an unreferred claim at a secondary facility");
    CHECK(mb_result_covered(res) == 1, "covered, at a ratio of 0");
    CHECK_FEN(amount(MB_AMT_ACT_PAY_DEDC), YUAN(200), "the deductible");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), 0, "15% - 20 points = 0, not -5%");
    const char *penalty_cite = NULL;
    for (size_t i = 0; i < mb_result_trace_count(res); i++) {
        mb_trace_step step;
        if (mb_result_trace(res, i, &step) == MB_OK && strcmp(step.rule, "outpatient.ratio") == 0)
            penalty_cite = step.cite;
    }
    CHECK(penalty_cite && strcmp(penalty_cite, "测试〔2023〕2号 六（未转诊的降低20个百分点）") == 0,
          "the penalised ratio cites the layer's referral_penalty_cite, not the ruleset's referral");
    /* primary: 1000 x 15% = 150 of the cap 300; then 2000 x 15% = 300, cut to the 150 left */
    CHECK_RC(settle(e, fx_claim("O4", 20230811, MB_MED_GENERAL_OUTPATIENT, "C1", MB_LEVEL_PRIMARY,
                                YUAN(1000))),
             MB_OK, "primary");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(150), "1000 x 15%");
    CHECK_RC(settle(e, fx_claim("O5", 20230812, MB_MED_GENERAL_OUTPATIENT, "C1", MB_LEVEL_PRIMARY,
                                YUAN(2000))),
             MB_OK, "primary again");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(150), "300, cut to the cap's 150 left");
    mb_enrollee_free(e);

    /* the cap's row is in force from 07-01: in June there is none */
    e = fx_enrollee("E2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(settle(e, fx_claim("O6", 20230615, MB_MED_GENERAL_OUTPATIENT, "C1", MB_LEVEL_PRIMARY,
                                YUAN(5200))),
             MB_OK, "June");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(750), "(5200 - 200) x 15%, no cap yet");
    mb_enrollee_free(e);
}

/* A pharmacy claim takes its prescriber's facility; without one there is no ratio row. */
static void pharmacy_claims_need_a_prescriber(void)
{
    mb_enrollee *e = fx_enrollee("E3", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_claim *c = fx_claim("P1", 20230901, MB_MED_PHARMACY, "P01", MB_LEVEL_PHARMACY, YUAN(500));
    FX_OK(mb_claim_set_prescriber(c, "C9", MB_LEVEL_PRIMARY, fx_error()));
    CHECK_RC(settle(e, c), MB_OK, "prescribed at a primary facility");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(45), "(500 - 200) x 15%");
    CHECK_RC(settle(e, fx_claim("P2", 20230902, MB_MED_GENERAL_OUTPATIENT, "P01",
                                MB_LEVEL_PHARMACY, YUAN(500))),
             MB_OK, "bought at a pharmacy without a prescription");
    CHECK(mb_result_covered(res) == 0, "not covered");
    CHECK(strcmp(mb_result_reason(res), "no ratio for this facility and referral status "
                                         "(非首诊机构且未转诊): prescription [outpatient; 测试〔2023〕2号 六]") == 0,
          "for want of a prescription");
    mb_enrollee_free(e);
}

/* Bands of the year's base: the first at 50% for those in service (none for the retired), the
 * rest at the row's 60%; the cap is unlimited. */
static void bands_without_a_ratio_for_a_person(void)
{
    mb_enrollee *e = fx_enrollee("E4", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(settle(e, fx_claim("K1", 20230501, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY,
                                YUAN(1500))),
             MB_OK, "in service");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(800), "1000 x 50% + 500 x 60%");
    mb_enrollee_free(e);
    e = fx_enrollee("E5", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, 0);
    CHECK_RC(settle(e, fx_claim("K2", 20230501, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY,
                                YUAN(1500))),
             MB_OK, "retired");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(300), "1000 x 0 (the band gives the retired none) + 500 x 60%");
    mb_fund_row row;
    CHECK(mb_result_fund(res, 0, &row) == MB_OK && row.crt_payb_lmt_amt == -1,
          "an unlimited cap leaves no limit to report");
    mb_enrollee_free(e);
}

/* A settlement holds what it changes in fixed tables (settlement allocates nothing): a ruleset
 * whose layers could change more accumulators than a settlement holds, or pay from more funds
 * than it reports (beside the upstream amounts' 3), is refused at load at the layer that passes
 * the limit; a chain of rulesets within it each that together pass it is answered with
 * MB_E_CAPACITY, changing nothing; a layer paying from more funds than it sums is
 * MB_E_RULESET. */
static size_t many_text(char *text, size_t cap, const char *tier, int nlayers, int own_funds)
{
    bool basic = strcmp(tier, "basic") == 0;
    return fx_layers_text(text, cap, (fx_layers){.id = basic ? "many" : "many2", .tier = tier,
                                                 .layers = nlayers, .funds = 13,
                                                 .own_funds = own_funds});
}

static void a_settlement_s_tables_are_finite(void)
{
    static char text[1 << 15], text2[1 << 15];
    mb_error *e2 = mb_error_new();
    /* 25 layers for the same claim, paid from one fund: each keeps its base, payments and
     * kind, 3 changes; the 22nd passes 64 (66) */
    size_t n = many_text(text, sizeof text, "basic", 25, 0);
    mb_ruleset *many = NULL, *more = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&many, text, n, "many.yaml", e2), MB_E_RULESET,
             "25 layers are refused at load");
    CHECK(mb_error_key(e2) && strcmp(mb_error_key(e2), "layers[21]") == 0,
          "at the layer that passes the limit");
    CHECK(strstr(mb_error_message(e2), "could change 66 accumulators") != NULL &&
              strstr(mb_error_message(e2), "more than the 64 a settlement holds") != NULL,
          "says how many it would change and how many a settlement holds");
    /* 13 layers, each its own fund: 39 changes, but the 10th passes the 9 fund rows */
    n = many_text(text, sizeof text, "basic", 13, 1);
    CHECK_RC(mb_ruleset_load_buffer(&many, text, n, "many.yaml", e2), MB_E_RULESET,
             "13 funds are refused at load");
    CHECK(mb_error_key(e2) && strcmp(mb_error_key(e2), "layers[9]") == 0,
          "at the layer that passes the limit");
    CHECK(strstr(mb_error_message(e2), "could be paid from 10 funds, more than the 9") != NULL,
          "says how many funds and how many a settlement reports");

    /* a chain within the limits each, past them together: 20 layers (60) then 3 (their bases
     * and payments, 6; benefit kinds are shared between rulesets, and l0-l2's are counted) */
    mb_enrollee *e = fx_enrollee("CAP", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    unsigned char before[4096], after[4096];
    size_t nb = fx_save(e, before, sizeof before);
    mb_claim *c = fx_claim("C", 20230301, MB_MED_CHRONIC, "H1", MB_LEVEL_PRIMARY, YUAN(100));
    n = many_text(text, sizeof text, "basic", 20, 0);
    CHECK_RC(mb_ruleset_load_buffer(&many, text, n, "many.yaml", e2), MB_OK, "20 layers load");
    size_t n2 = many_text(text2, sizeof text2, "critical_illness", 3, 0);
    CHECK_RC(mb_ruleset_load_buffer(&more, text2, n2, "many2.yaml", e2), MB_OK, "3 layers load");
    const mb_ruleset *chain[2] = {many, more};
    CHECK_RC(mb_settle(res, chain, 2, e, c, e2), MB_E_CAPACITY, "66 accumulator changes");
    CHECK(strstr(mb_error_message(e2), "a settlement changes at most 64 accumulators") != NULL,
          "says how many a settlement holds");
    CHECK(fx_same(before, nb, after, fx_save(e, after, sizeof after)), "and changes nothing");
    mb_ruleset_free(many);
    mb_ruleset_free(more);

    /* 9 funds, then 4: 13 fund rows */
    n = many_text(text, sizeof text, "basic", 9, 1);
    CHECK_RC(mb_ruleset_load_buffer(&many, text, n, "many.yaml", e2), MB_OK, "9 funds load");
    n2 = many_text(text2, sizeof text2, "critical_illness", 4, 1);
    CHECK_RC(mb_ruleset_load_buffer(&more, text2, n2, "many2.yaml", e2), MB_OK, "4 funds load");
    chain[0] = many;
    chain[1] = more;
    CHECK_RC(mb_settle(res, chain, 2, e, c, e2), MB_E_CAPACITY, "13 fund rows");
    CHECK(strstr(mb_error_message(e2), "more than 12 fund rows") != NULL, "says how many it holds");
    CHECK(fx_same(before, nb, after, fx_save(e, after, sizeof after)), "and changes nothing");
    mb_ruleset_free(many);
    mb_ruleset_free(more);

    char *layers = strstr(text, "layers:\n") + strlen("layers:\n");
    /* one layer whose bands pay from five funds */
    n = (size_t)(layers - text);
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "  - {id: l, cite: c, med_types: [chronic], fund: f0, ratio: [{all: 10%%}],\n"
                          "     bands: [{up_to: 10, fund: f1}, {above: 10, up_to: 20, fund: f2},\n"
                          "             {above: 20, up_to: 30, fund: f3}, {above: 30, up_to: 40, fund: f4},\n"
                          "             {above: 40, fund: f5}]}\n");
    CHECK_RC(mb_ruleset_load_buffer(&many, text, n, "many.yaml", e2), MB_OK, "five band funds load");
    chain[0] = many;
    CHECK_RC(mb_settle(res, chain, 1, e, c, e2), MB_E_RULESET, "a layer over five funds");
    CHECK(strstr(mb_error_message(e2), "layer l pays from more than 4 funds") != NULL,
          "says so");
    CHECK(fx_same(before, nb, after, fx_save(e, after, sizeof after)), "and changes nothing");
    mb_ruleset_free(many);
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_error_free(e2);
}

/* A fixed annual grant (定额补助: 每人每年500元) is a layer at 100% with a yearly cap of the grant:
 * what the person pays is met until the year's grant is used, and a new year brings a new one. */
static void a_fixed_annual_grant(void)
{
    static const char text[] =
        "id: grant\ntitle: 测试\ndocument: 测试〔2023〕3号\ntier: basic\neffective_from: 2023-01-01\n"
        "account: {value: none, cite: 测试〔2023〕3号 一}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2023〕3号 二}\n"
        "funds: [{key: pool, employee: '310100', name: 统筹基金, amount: hifp_pay}]\n"
        "layers:\n"
        "  - {id: grant, cite: 测试〔2023〕3号 三（每人每年定额补助500元）, med_types: [general_outpatient],\n"
        "     fund: pool, ratio: [{all: 100%}], cap: {values: [{all: 500}]}}\n";
    mb_ruleset *grant = fx_ruleset_text(text, "grant.yaml");
    if (grant == NULL)
        return;
    mb_enrollee *e = fx_enrollee("G1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    const mb_ruleset *chain[1] = {grant};
    static const struct {
        const char *id;
        int32_t date;
        int64_t cost, paid;
        const char *why;
    } claims[] = {
        {"G-1", 20230301, YUAN(300), YUAN(300), "300 of the year's 500"},
        {"G-2", 20230601, YUAN(300), YUAN(200), "the 200 left of the year's 500"},
        {"G-3", 20230901, YUAN(300), 0, "the year's grant is used"},
        {"G-4", 20240110, YUAN(300), YUAN(300), "a new year's 500"},
    };
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
        mb_claim *c = fx_claim(claims[i].id, claims[i].date, MB_MED_GENERAL_OUTPATIENT, "H1",
                               MB_LEVEL_PRIMARY, claims[i].cost);
        CHECK_RC(mb_settle(res, chain, 1, e, c, err), MB_OK, claims[i].id);
        CHECK_FEN(amount(MB_AMT_HIFP_PAY), claims[i].paid, claims[i].why);
        CHECK_FEN(amount(MB_AMT_PSN_CASH_PAY), claims[i].cost - claims[i].paid, "the rest is cash");
        mb_claim_free(c);
    }
    mb_enrollee_free(e);
    mb_ruleset_free(grant);
}

/* A band paid by a fund other than its layer's: by the ruleset's first fund too (its index 0),
 * the large-amount fund listed before the pooling fund that pays the layer. */
static void a_band_paid_by_the_first_fund(void)
{
    static const char text[] =
        "id: bands\ntitle: 测试\ndocument: 测试〔2023〕4号\ntier: basic\neffective_from: 2023-01-01\n"
        "account: {value: none, cite: 测试〔2023〕4号 一}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2023〕4号 二}\n"
        "funds:\n"
        "  - {key: large, employee: '330200', name: 大额医疗费用补助, amount: hifob_pay}\n"
        "  - {key: pool, employee: '310100', name: 统筹基金, amount: hifp_pay}\n"
        "layers:\n"
        "  - {id: outpatient, cite: 测试〔2023〕4号 三, med_types: [general_outpatient], fund: pool,\n"
        "     ratio: [{all: 50%}], bands: [{up_to: 1000}, {above: 1000, fund: large, all: 80%}]}\n";
    mb_ruleset *two = fx_ruleset_text(text, "bands.yaml");
    if (two == NULL)
        return;
    /* 3000: the first 1000 x 50% = 500 from the pooling fund, the 2000 above x 80% = 1600 from
     * the large-amount fund */
    mb_enrollee *e = fx_enrollee("B1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    const mb_ruleset *chain[1] = {two};
    mb_claim *c = fx_claim("B-1", 20230301, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY,
                           YUAN(3000));
    CHECK_RC(mb_settle(res, chain, 1, e, c, err), MB_OK, "two bands, two funds");
    CHECK_FEN(amount(MB_AMT_HIFP_PAY), YUAN(500), "1000 x 50% from the pooling fund");
    CHECK_FEN(amount(MB_AMT_HIFOB_PAY), YUAN(1600), "2000 x 80% from the large-amount fund");
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_ruleset_free(two);
}

/* An identity counts on any day of a stay by default (identity.admission any_day): one held
 * until the day of admission, or from the day of discharge, covers the admission; one lost the
 * day before it does not. */
static void an_identity_on_any_day_of_the_stay(void)
{
    static const char text[] =
        "id: stay\ntitle: 测试\ndocument: 测试〔2023〕5号\ntier: basic\neffective_from: 2023-01-01\n"
        "account: {value: none, cite: 测试〔2023〕5号 一}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2023〕5号 二}\n"
        "funds: [{key: aid, resident: '610100', name: 救助基金, amount: maf_pay}]\n"
        "categories: [{name: minimum_living, ratio: 90%, cite: 测试〔2023〕5号 三}]\n"
        "layers:\n"
        "  - {id: aid, cite: 测试〔2023〕5号 四, med_types: [inpatient], requires: [assistance_identity],\n"
        "     fund: aid, ratio_source: category}\n";
    mb_ruleset *stay = fx_ruleset_text(text, "stay.yaml");
    if (stay == NULL)
        return;
    static const struct {
        int32_t from, to, admitted, discharged;
        int64_t paid;
        const char *why;
    } cases[] = {
        /* 1000 x 90% = 900 */
        {20230101, 20230310, 20230310, 20230320, YUAN(900), "held until the day of admission"},
        {20230320, 0, 20230310, 20230320, YUAN(900), "held from the day of discharge"},
        {20230101, 20230309, 20230310, 20230320, 0, "lost the day before the admission"},
        {20230321, 0, 20230310, 20230320, 0, "held from the day after the discharge"},
    };
    const mb_ruleset *chain[1] = {stay};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mb_enrollee *r = fx_enrollee("S1", MB_SCHEME_RESIDENT, 0, 0);
        FX_OK(mb_enrollee_add_assistance(r, "minimum_living", cases[i].from, cases[i].to, fx_error()));
        mb_claim *c = inpatient(cases[i].admitted, cases[i].discharged, YUAN(1000));
        CHECK_RC(mb_settle(res, chain, 1, r, c, err), MB_OK, cases[i].why);
        CHECK(mb_result_covered(res) == (cases[i].paid > 0), cases[i].why);
        CHECK_FEN(amount(MB_AMT_MAF_PAY), cases[i].paid, cases[i].why);
        mb_claim_free(c);
        mb_enrollee_free(r);
    }
    mb_ruleset_free(stay);
}

int main(void)
{
    err = mb_error_new();
    res = fx_result();
    rs = fx_ruleset_text(RULESET, "layers.yaml");
    if (rs != NULL) {
        identities_by_the_month_and_the_claim_date();
        tilt_and_referral_penalty();
        pharmacy_claims_need_a_prescriber();
        bands_without_a_ratio_for_a_person();
        a_settlement_s_tables_are_finite();
        a_fixed_annual_grant();
        a_band_paid_by_the_first_fund();
        an_identity_on_any_day_of_the_stay();
    }
    mb_ruleset_free(rs);
    mb_result_free(res);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
