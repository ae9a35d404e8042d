/* A claim not covered says why, citing the clause (mb_result_reason): each reason a
 * certification can stand in the way (not yet started, expired, over the limit of diseases, the
 * other side of an exclusive pair, beyond the diseases whose caps stack, a cap that needs the
 * treatment line), on a ruleset written for the test, with the amounts of the claims that are
 * covered worked by hand. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

/* 测试〔2022〕1号, a document of the test's own: three diseases at most, benefit from the month
 * after certification, a one-year certification for 糖尿病, 透析 and 肾移植 exclusive, caps that
 * stack for the chronic group (the highest in full, the next at 50%, no more), and a cancer cap
 * that depends on the treatment line. */
static const char RULESET[] =
    "id: reasons-test\n"
    "title: 测试\n"
    "document: 测试〔2022〕1号\n"
    "tier: basic\n"
    "effective_from: 2022-01-01\n"
    "funds: [{key: pool, employee: '310100', resident: '390100', name: 统筹基金, amount: hifp_pay}]\n"
    "account: {value: last, cite: 测试〔2022〕1号 七}\n"
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2022〕1号 八}\n"
    "catalogue_rules:\n"
    "  max_diseases: {value: 3, cite: 测试〔2022〕1号 一}\n"
    "  start: {value: next_month, cite: 测试〔2022〕1号 二}\n"
    "  exclusive_pairs: [{a: 透析, b: 肾移植, cite: 测试〔2022〕1号 三}]\n"
    "  stacking: {group: chronic, partial_count: 1, partial_ratio: 50%, cite: 测试〔2022〕1号 四}\n"
    "catalogue:\n"
    "  - {code: A1, name: 糖尿病, valid_months: 12, caps: [{all: 3000}]}\n"
    "  - {code: A2, name: 高血压, caps: [{all: 2000}]}\n"
    "  - {code: A3, name: 冠心病, caps: [{all: 1000}]}\n"
    "  - {code: A4, name: 哮喘}\n"
    "  - {code: A5, name: 透析}\n"
    "  - {code: A6, name: 肾移植}\n"
    "  - {code: A7, name: 恶性肿瘤, group: special, caps: [{all: 5000, line: 放化疗}]}\n"
    "layers:\n"
    "  - id: chronic\n"
    "    cite: 测试〔2022〕1号 五\n"
    "    med_types: [chronic]\n"
    "    requires: [certified_disease]\n"
    "    fund: pool\n"
    "    disease_caps: true\n"
    "    ratio: [{all: 80%}]\n";

static mb_error *err;
static mb_ruleset *rs;
static mb_result *res;

/* Presettle under `under` a chronic claim of `fen` for `disease` on `date`, with `treatment`
 * (or NULL). */
static int presettle_under(const mb_ruleset *under, mb_enrollee *e, const char *disease,
                           const char *treatment, int32_t date, int64_t fen)
{
    mb_claim *c = fx_claim("C", date, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, fen);
    FX_OK(mb_claim_set_disease(c, disease, treatment, fx_error()));
    const mb_ruleset *chain[1] = {under};
    int rc = mb_presettle(res, chain, 1, e, c, err);
    mb_claim_free(c);
    return rc;
}

/* The same under 测试〔2022〕1号. */
static int claim_for(mb_enrollee *e, const char *disease, const char *treatment, int32_t date,
                     int64_t fen)
{
    return presettle_under(rs, e, disease, treatment, date, fen);
}

static int says(const char *reason)
{
    if (strcmp(mb_result_reason(res), reason) == 0)
        return 1;
    fprintf(stderr, "  reason: %s\n  wanted: %s\n", mb_result_reason(res), reason);
    return 0;
}

static void not_yet_started_and_expired(void)
{
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* 二: certified 2022-03-15, benefit from 2022-04-01; 糖尿病 valid 12 months from then */
    CHECK_RC(mb_enrollee_certify(e, rs, "糖尿病", 20220315, err), MB_OK, "certified");
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20220320, YUAN(500)), MB_OK, "a claim in March");
    CHECK(mb_result_covered(res) == 0, "not covered before the benefit starts");
    CHECK(says("benefit not yet started (待遇尚未开始): 糖尿病 (2022-04-01) [chronic; 测试〔2022〕1号 二]"),
          "the disease, the date it starts, and the clause");
    /* in benefit: 500 x 80% = 400 */
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20220420, YUAN(500)), MB_OK, "a claim in April");
    CHECK(mb_result_covered(res) == 1 && strcmp(mb_result_reason(res), "") == 0, "covered");
    CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(400), "500 x 80%");
    /* twelve months from the certification on 2022-03-15: the last valid day is 2023-03-14
     * (the validity runs from the day certified, as test_certify's stent's does) */
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20230314, YUAN(500)), MB_OK, "on the last valid day");
    CHECK(mb_result_covered(res) == 1, "still covered");
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20230315, YUAN(500)), MB_OK, "the day after");
    CHECK(mb_result_covered(res) == 0, "not covered once the certification expired");
    CHECK(says("certification expired (认定已过有效期): 糖尿病 (2023-03-14) [chronic; 测试〔2022〕1号]"),
          "the last valid day, and the document (the entry cites no clause of its own)");
    /* certified again after the gap, 2023-04-10: pending until 2023-05-01, in benefit from
     * that very day (the expired certification no longer decides): 500 x 80% = 400 */
    CHECK_RC(mb_enrollee_certify(e, rs, "糖尿病", 20230410, err), MB_OK, "certified again");
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20230420, YUAN(500)), MB_OK, "before it starts");
    CHECK(says("benefit not yet started (待遇尚未开始): 糖尿病 (2023-05-01) [chronic; 测试〔2022〕1号 二]"),
          "the new certification's start");
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20230501, YUAN(500)), MB_OK, "on the day it starts");
    CHECK(mb_result_covered(res) == 1, "covered from its first day");
    CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(400), "500 x 80%");
    mb_enrollee_free(e);
    /* the same two certifications recorded the other way round: the same answer */
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    FX_OK(mb_enrollee_add_disease(e, "糖尿病", 20230410, 0, fx_error()));
    FX_OK(mb_enrollee_add_disease(e, "糖尿病", 20220315, 0, fx_error()));
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20230420, YUAN(500)), MB_OK, "before it starts");
    CHECK(says("benefit not yet started (待遇尚未开始): 糖尿病 (2023-05-01) [chronic; 测试〔2022〕1号 二]"),
          "the later certification, recorded first, is the next to begin");
    mb_enrollee_free(e);
}

static void over_the_limit_and_an_exclusive_pair(void)
{
    /* 一: three diseases at most; a fourth, recorded by hand, is refused */
    mb_enrollee *e = fx_enrollee("E2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    static const char *const four[] = {"高血压", "冠心病", "透析", "哮喘"};
    for (int i = 0; i < 4; i++)
        FX_OK(mb_enrollee_add_disease(e, four[i], 20220105 + i, 0, fx_error()));
    CHECK_RC(claim_for(e, "哮喘", NULL, 20220601, YUAN(500)), MB_OK, "the fourth disease");
    CHECK(mb_result_covered(res) == 0, "not covered over the limit");
    CHECK(says("more certified diseases than allowed (超过可享受病种数): 哮喘 [chronic; 测试〔2022〕1号 一]"),
          "over the limit, citing it");
    mb_enrollee_free(e);

    /* 三: 肾移植 after 透析 is refused for the pair */
    e = fx_enrollee("E3", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    FX_OK(mb_enrollee_add_disease(e, "透析", 20220105, 0, fx_error()));
    FX_OK(mb_enrollee_add_disease(e, "肾移植", 20220110, 0, fx_error()));
    CHECK_RC(claim_for(e, "肾移植", NULL, 20220601, YUAN(500)), MB_OK, "the later of a pair");
    CHECK(mb_result_covered(res) == 0, "not covered");
    CHECK(says("excluded by a mutually exclusive disease (互斥病种): 肾移植 [chronic; 测试〔2022〕1号 三]"),
          "the pair, citing it");
    mb_enrollee_free(e);
}

/* 一: a disease certified again keeps its place under the limit, ranked from the first day of
 * its continuous certification, however many renewals that takes to follow back: 糖尿病
 * certified 2022-01-10 (valid to 2023-01-09), again 2023-01-10 (to 2024-01-09) and 2024-01-10
 * (in benefit from 2024-02-01), each on the day after the last one's last valid day, so its
 * rank is from 2022-01-10, ahead of 高血压, 冠心病 and 哮喘 (recorded by hand, 2022-03..05):
 * the limit of three leaves 哮喘 out, not 糖尿病. Whatever order the certifications were
 * recorded in. */
static void a_chain_of_renewals_ranks_from_its_first(void)
{
    static const int32_t renewals[3] = {20220110, 20230110, 20240110};
    static const char *const others[3] = {"高血压", "冠心病", "哮喘"};
    for (int latest_first = 0; latest_first < 2; latest_first++) {
        mb_enrollee *e = fx_enrollee("E6", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        for (int i = 0; i < 3; i++)
            FX_OK(mb_enrollee_add_disease(e, "糖尿病", renewals[latest_first ? 2 - i : i], 0,
                                          fx_error()));
        for (int i = 0; i < 3; i++)
            FX_OK(mb_enrollee_add_disease(e, others[i], 20220301 + 100 * i, 0, fx_error()));
        /* 2024-02-15: 1000 x 80% = 800, within 糖尿病's cap of 3000 (the highest: in full) */
        CHECK_RC(claim_for(e, "糖尿病", NULL, 20240215, YUAN(1000)), MB_OK, "糖尿病 in 2024");
        CHECK(mb_result_covered(res) == 1, latest_first ? "covered, the latest recorded first"
                                                        : "covered, the first recorded first");
        CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(800), "1000 x 80%");
        CHECK_RC(claim_for(e, "哮喘", NULL, 20240215, YUAN(1000)), MB_OK, "哮喘 in 2024");
        CHECK(says("more certified diseases than allowed (超过可享受病种数): 哮喘 [chronic; 测试〔2022〕1号 一]"),
              "the fourth disease by rank is over the limit");
        mb_enrollee_free(e);
    }
}

/* 一: the limit counts a disease in benefit on the day its benefit starts and on its last
 * valid day, and not before it starts: 高血压, 冠心病 and 哮喘 (2022-01-05..07, from 02-01) take
 * the three places; 糖尿病, recorded by hand 2022-01-20 (from 02-01, valid to 2023-01-19), is
 * over the limit on both those days and pending before its start. */
static void the_limit_on_a_benefit_s_first_and_last_day(void)
{
    mb_enrollee *e = fx_enrollee("E7", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    static const char *const three[] = {"高血压", "冠心病", "哮喘"};
    for (int i = 0; i < 3; i++)
        FX_OK(mb_enrollee_add_disease(e, three[i], 20220105 + i, 0, fx_error()));
    FX_OK(mb_enrollee_add_disease(e, "糖尿病", 20220120, 0, fx_error()));
    const char *over = "more certified diseases than allowed (超过可享受病种数): 糖尿病 [chronic; 测试〔2022〕1号 一]";
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20220201, YUAN(500)), MB_OK, "its first day");
    CHECK(says(over), "over the limit on its first day");
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20230119, YUAN(500)), MB_OK, "its last valid day");
    CHECK(says(over), "over the limit on its last valid day");
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20220125, YUAN(500)), MB_OK, "before it starts");
    CHECK(says("benefit not yet started (待遇尚未开始): 糖尿病 (2022-02-01) [chronic; 测试〔2022〕1号 二]"),
          "pending, not over the limit, before its start");
    mb_enrollee_free(e);
}

/* 测试〔2022〕3号: a limit of two diseases and nothing else that bears on one disease from
 * another (no pairs, no stacking): the third disease by rank is still over the limit. */
static void a_limit_alone(void)
{
    mb_ruleset *limit = fx_ruleset_text(
        "id: limit-test\ntitle: 测试\ndocument: 测试〔2022〕3号\ntier: basic\neffective_from: 2022-01-01\n"
        "funds: [{key: pool, employee: '310100', name: 统筹基金, amount: hifp_pay}]\n"
        "account: {value: none, cite: 测试〔2022〕3号 七}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2022〕3号 八}\n"
        "catalogue_rules: {max_diseases: {value: 2, cite: 测试〔2022〕3号 一}}\n"
        "catalogue: [{code: C1, name: 糖尿病}, {code: C2, name: 高血压}, {code: C3, name: 冠心病}]\n"
        "layers: [{id: chronic, cite: 测试〔2022〕3号 五, med_types: [chronic],\n"
        "          requires: [certified_disease], fund: pool, ratio: [{all: 80%}]}]\n", "limit.yaml");
    if (limit == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E8", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    static const char *const three[] = {"糖尿病", "高血压", "冠心病"};
    for (int i = 0; i < 3; i++)
        FX_OK(mb_enrollee_add_disease(e, three[i], 20220105 + i, 0, fx_error()));
    CHECK_RC(presettle_under(limit, e, "冠心病", NULL, 20220601, YUAN(500)), MB_OK, "the third disease");
    CHECK(says("more certified diseases than allowed (超过可享受病种数): 冠心病 [chronic; 测试〔2022〕3号 一]"),
          "over the limit of two");
    mb_enrollee_free(e);
    mb_ruleset_free(limit);
}

/* 测试〔2022〕4号: caps that stack for the chronic group (the highest in full, the next at 50%).
 * A disease is ranked by its cap for the whole disease, not a line's: 高血压's 2000 (its 放化疗
 * line's 9000 aside) ranks below 糖尿病's 3000. And a disease outside the group (恶性肿瘤,
 * special) keeps its own cap in full, whatever the group's caps. */
static void caps_ranked_by_the_whole_disease_s(void)
{
    mb_ruleset *stack = fx_ruleset_text(
        "id: stack-test\ntitle: 测试\ndocument: 测试〔2022〕4号\ntier: basic\neffective_from: 2022-01-01\n"
        "funds: [{key: pool, employee: '310100', name: 统筹基金, amount: hifp_pay}]\n"
        "account: {value: none, cite: 测试〔2022〕4号 七}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2022〕4号 八}\n"
        "catalogue_rules:\n"
        "  stacking: {group: chronic, partial_count: 1, partial_ratio: 50%, cite: 测试〔2022〕4号 四}\n"
        "catalogue:\n"
        "  - {code: S1, name: 糖尿病, caps: [{all: 3000}]}\n"
        "  - {code: S2, name: 高血压, caps: [{all: 9000, line: 放化疗}, {all: 2000}]}\n"
        "  - {code: S3, name: 恶性肿瘤, group: special, caps: [{all: 1000}]}\n"
        "layers: [{id: chronic, cite: 测试〔2022〕4号 五, med_types: [chronic],\n"
        "          requires: [certified_disease], fund: pool, disease_caps: true, ratio: [{all: 80%}]}]\n",
        "stack.yaml");
    if (stack == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E9", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    static const char *const three[] = {"糖尿病", "高血压", "恶性肿瘤"};
    for (int i = 0; i < 3; i++)
        FX_OK(mb_enrollee_add_disease(e, three[i], 20220105 + i, 0, fx_error()));
    static const struct {
        const char *disease;
        int64_t paid;
        const char *why;
    } cases[] = {
        /* 5000 x 80% = 4000, capped at 2000 x 50% */
        {"高血压", YUAN(1000), "高血压 ranks second by its whole-disease cap: 2000 x 50%"},
        /* 5000 x 80% = 4000, capped at 3000 */
        {"糖尿病", YUAN(3000), "糖尿病 ranks first: 3000 in full"},
        /* 5000 x 80% = 4000, capped at 1000 */
        {"恶性肿瘤", YUAN(1000), "恶性肿瘤, outside the group: its 1000 in full"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_RC(presettle_under(stack, e, cases[i].disease, NULL, 20220601, YUAN(5000)), MB_OK,
                 cases[i].disease);
        CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), cases[i].paid, cases[i].why);
    }
    mb_enrollee_free(e);
    mb_ruleset_free(stack);
}

/* 二 in the calendar's far years, whose rules the dates of 2022 never reach: 糖尿病's twelve
 * months end the day before the same date a year on, February 28 in 2100 (a century, no leap
 * year), February 29 in 2400 (a fourth century, a leap year); the library takes dates up to
 * 2999-12-31. Each is in benefit on its last valid day and expired the day after, since then;
 * a last day that is the first of a month, or of March, is worked out as well. */
static void validity_in_far_years(void)
{
    static const struct {
        int32_t certified, last, after;
    } spans[] = {
        {20990301, 21000228, 21000301}, {21000301, 21010228, 21010301},
        {23990301, 24000229, 24000301}, {22000115, 22010114, 22010115},
        {29971231, 29981230, 29981231}, {29980101, 29981231, 29990101},
        {21000302, 21010301, 21010302}, /* a last day that begins the calendar's March year */
        {20220502, 20230501, 20230502}, {20220602, 20230601, 20230602}, /* months' first days */
    };
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
        mb_enrollee *e = fx_enrollee("E13", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        FX_OK(mb_enrollee_add_disease(e, "糖尿病", spans[i].certified, 0, fx_error()));
        int state = -1;
        int32_t since = 0;
        char why[64];
        snprintf(why, sizeof why, "certified %d: in benefit on %d", spans[i].certified, spans[i].last);
        CHECK_RC(mb_enrollee_status(e, rs, "糖尿病", spans[i].last, &state, &since, NULL, err), MB_OK, why);
        CHECK(state == MB_CERT_ACTIVE, why);
        snprintf(why, sizeof why, "certified %d: expired on %d", spans[i].certified, spans[i].after);
        CHECK_RC(mb_enrollee_status(e, rs, "糖尿病", spans[i].after, &state, &since, NULL, err), MB_OK, why);
        CHECK(state == MB_CERT_EXPIRED && since == spans[i].last, why);
        mb_enrollee_free(e);
    }
    mb_enrollee *e = fx_enrollee("E14", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 29991231, 0, err), MB_OK, "2999-12-31, the last date");
    CHECK_RC(mb_enrollee_add_disease(e, "高血压", 30000101, 0, err), MB_E_INVALID_DATE, "3000-01-01");
    CHECK_RC(mb_enrollee_add_disease(e, "高血压", 21000229, 0, err), MB_E_INVALID_DATE, "2100-02-29");
    CHECK_RC(mb_enrollee_add_disease(e, "高血压", 24000229, 0, err), MB_OK, "2400-02-29");
    mb_enrollee_free(e);
}

static void caps_stack_for_the_highest_two(void)
{
    /* 四: 糖尿病 3000, 高血压 2000, 冠心病 1000 all certified: 糖尿病's cap in full, 高血压's
     * at 50%, 冠心病's not at all */
    mb_enrollee *e = fx_enrollee("E4", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    static const char *const three[] = {"糖尿病", "高血压", "冠心病"};
    for (int i = 0; i < 3; i++)
        FX_OK(mb_enrollee_add_disease(e, three[i], 20220105, 0, fx_error()));
    CHECK_RC(claim_for(e, "糖尿病", NULL, 20220601, YUAN(5000)), MB_OK, "the highest cap");
    CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(3000), "5000 x 80% = 4000, capped at 3000");
    CHECK_RC(claim_for(e, "高血压", NULL, 20220601, YUAN(5000)), MB_OK, "the second");
    CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(1000), "4000, capped at 2000 x 50%");
    CHECK_RC(claim_for(e, "冠心病", NULL, 20220601, YUAN(500)), MB_OK, "the third");
    CHECK(mb_result_covered(res) == 0, "beyond the caps that stack");
    CHECK(says("beyond the diseases whose caps stack (超过可叠加病种数): 冠心病 [chronic; 测试〔2022〕1号 四]"),
          "names the disease and cites the stacking rule");
    mb_enrollee_free(e);
}

static void a_cap_by_treatment_line_needs_the_line(void)
{
    mb_enrollee *e = fx_enrollee("E5", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    FX_OK(mb_enrollee_add_disease(e, "恶性肿瘤", 20220105, 0, fx_error()));
    CHECK_RC(claim_for(e, "恶性肿瘤", NULL, 20220601, YUAN(500)), MB_OK, "no treatment line");
    CHECK(mb_result_covered(res) == 0, "not covered: the cap depends on the line");
    CHECK(says("the disease's cap depends on a treatment line the claim does not give "
               "(需注明治疗方式): 恶性肿瘤 [chronic; 测试〔2022〕1号]"),
          "names the disease");
    CHECK_RC(claim_for(e, "恶性肿瘤", "放化疗", 20220601, YUAN(500)), MB_OK, "放化疗");
    CHECK(mb_result_covered(res) == 1, "covered with the line");
    CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(400), "500 x 80%, within 5000");
    mb_enrollee_free(e);
}

/* 测试〔2022〕2号: a catalogue whose diseases do not bear on one another (no limit, no pairs,
 * no stacking), so that settlement asks each certification alone; twelve idle months revoke a
 * qualification (三), and the chronic cap of 3000 grows by 500 for each disease covered beyond
 * the first (六). */
static const char IDLE_RULESET[] =
    "id: idle-test\n"
    "title: 测试\n"
    "document: 测试〔2022〕2号\n"
    "tier: basic\n"
    "effective_from: 2022-01-01\n"
    "funds: [{key: pool, employee: '310100', name: 统筹基金, amount: hifp_pay}]\n"
    "account: {value: none, cite: 测试〔2022〕2号 七}\n"
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2022〕2号 八}\n"
    "catalogue_rules:\n"
    "  start: {value: next_month, cite: 测试〔2022〕2号 二}\n"
    "  revoke_after_idle_months: {value: 12, cite: 测试〔2022〕2号 三}\n"
    "catalogue:\n"
    "  - {code: B1, name: 糖尿病, valid_months: 12}\n"
    "  - {code: B2, name: 高血压}\n"
    "  - {code: B3, name: 冠心病}\n"
    "  - {code: B4, name: 哮喘}\n"
    "layers:\n"
    "  - id: chronic\n"
    "    cite: 测试〔2022〕2号 五\n"
    "    med_types: [chronic]\n"
    "    requires: [certified_disease]\n"
    "    fund: pool\n"
    "    ratio: [{all: 80%}]\n"
    "    cap:\n"
    "      values: [{all: 3000, cite: 测试〔2022〕2号 六}]\n"
    "      raise: {each: 500, cite: 测试〔2022〕2号 六（每增加一种增加500元）}\n";

/* Settle (commit) a claim of `fen` on `date` for `disease`: chronic, or an admission ending
 * on `date` when `disease` is NULL. */
static int settle_on(const mb_ruleset *idle, mb_enrollee *e, const char *disease, int32_t date,
                     int64_t fen)
{
    static unsigned serial;
    char id[16];
    snprintf(id, sizeof id, "I%u", ++serial);
    mb_claim *c = disease ? fx_claim(id, date, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, fen)
                          : fx_admission(id, date - 4, date, "H1", MB_LEVEL_SECONDARY, fen);
    if (disease)
        FX_OK(mb_claim_set_disease(c, disease, NULL, fx_error()));
    int rc = fx_settle(res, idle, e, c, err);
    mb_claim_free(c);
    return rc;
}

static int status_of(const mb_ruleset *idle, const mb_enrollee *e, const char *disease,
                     int32_t date, int32_t *since)
{
    int state = -1;
    CHECK_RC(mb_enrollee_status(e, idle, disease, date, &state, since, NULL, err), MB_OK,
             "status");
    return state;
}

static void revoked_for_idleness_each_alone(void)
{
    mb_ruleset *idle = fx_ruleset_text(IDLE_RULESET, "idle.yaml");
    if (idle == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E9", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* 二: 糖尿病 and 高血压 certified 2022-01-10, in benefit from 2022-02-01 (糖尿病 valid to
     * 2023-01-09, twelve months from the day certified); 冠心病 certified 2022-06-10, from
     * 2022-07-01 */
    CHECK_RC(mb_enrollee_certify(e, idle, "糖尿病", 20220110, err), MB_OK, "糖尿病");
    CHECK_RC(mb_enrollee_certify(e, idle, "高血压", 20220110, err), MB_OK, "高血压");
    CHECK_RC(mb_enrollee_certify(e, idle, "冠心病", 20220610, err), MB_OK, "冠心病");
    /* 2022-03-01, 高血压: covered with 糖尿病 (冠心病 not yet started): cap 3000 + 500;
     * 1000 x 80% = 800 */
    CHECK_RC(settle_on(idle, e, "高血压", 20220301, YUAN(1000)), MB_OK, "March 2022");
    CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(800), "1000 x 80%");
    CHECK(fx_traced(res, "chronic.cap.raise", "测试〔2022〕2号 六（每增加一种增加500元）"),
          "two diseases covered: the cap is raised");
    /* 冠心病 the same day: not yet started, nothing paid */
    CHECK_RC(settle_on(idle, e, "冠心病", 20220301, YUAN(1000)), MB_OK, "冠心病 in March");
    CHECK(mb_result_covered(res) == 0, "冠心病 starts on 2022-07-01");
    CHECK(says("benefit not yet started (待遇尚未开始): 冠心病 (2022-07-01) [chronic; 测试〔2022〕2号 二]"),
          "the date it starts");
    /* 2023-02-15, 高血压: 糖尿病 expired on 2023-01-09; 高血压 idle since 2022-03-01, revoked
     * only after 2023-03-01; 冠心病 counted from its start, 2022-07-01: two covered again,
     * cap 3500 for 2023, 1000 x 80% = 800 */
    CHECK_RC(settle_on(idle, e, "高血压", 20230215, YUAN(1000)), MB_OK, "February 2023");
    CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(800), "1000 x 80%");
    /* 2024-03-01, 高血压: twelve idle months after 2023-02-15 end on 2024-02-15: revoked */
    CHECK_RC(settle_on(idle, e, "高血压", 20240301, YUAN(1000)), MB_OK, "March 2024");
    CHECK(mb_result_covered(res) == 0, "revoked for idleness");
    CHECK(says("qualification revoked after an idle spell (待遇资格已取消): 高血压 (2024-02-15) [chronic; 测试〔2022〕2号 三]"),
          "the day it lapsed, and the clause");
    int32_t since = 0;
    CHECK(status_of(idle, e, "高血压", 20240301, &since) == MB_CERT_REVOKED && since == 20240215,
          "its status says so too, before any lapse is recorded");
    /* 糖尿病 the same day: expired on 2023-01-09 */
    CHECK_RC(settle_on(idle, e, "糖尿病", 20240301, YUAN(1000)), MB_OK, "糖尿病 in March 2024");
    CHECK(says("certification expired (认定已过有效期): 糖尿病 (2023-01-09) [chronic; 测试〔2022〕2号]"),
          "expired on its last valid day");
    /* an admission discharged 2024-03-05 records the lapse (2024-02-15) and is activity */
    CHECK_RC(settle_on(idle, e, NULL, 20240305, YUAN(1000)), MB_OK, "an admission");
    CHECK_FEN(mb_enrollee_accumulator(e, "idle-test", "revoked", 0), 20240215, "the lapse recorded");
    CHECK_FEN(mb_enrollee_accumulator(e, "idle-test", "activity", 0), 20240305, "the activity");
    /* 哮喘 certified after the lapse, 2024-03-10: pending, then in benefit from 2024-04-01;
     * the lapse recorded is final for the certifications begun before it */
    CHECK_RC(mb_enrollee_certify(e, idle, "哮喘", 20240310, err), MB_OK, "哮喘");
    CHECK(status_of(idle, e, "哮喘", 20240320, &since) == MB_CERT_PENDING && since == 20240401,
          "哮喘 pending until 2024-04-01");
    CHECK(status_of(idle, e, "高血压", 20240410, &since) == MB_CERT_REVOKED && since == 20240215,
          "高血压 revoked on the recorded lapse");
    CHECK(status_of(idle, e, "糖尿病", 20240410, &since) == MB_CERT_EXPIRED && since == 20230109,
          "糖尿病 expired on its last valid day");
    /* 2024-04-10, 哮喘: the only disease covered (the others revoked or expired): cap 3000,
     * no raise; 1000 x 80% = 800 */
    CHECK_RC(settle_on(idle, e, "哮喘", 20240410, YUAN(1000)), MB_OK, "April 2024");
    CHECK_FEN(mb_result_amount(res, MB_AMT_HIFP_PAY), YUAN(800), "1000 x 80%");
    CHECK(!fx_traced(res, "chronic.cap.raise", NULL), "one disease covered: no raise");
    CHECK_RC(settle_on(idle, e, "冠心病", 20240410, YUAN(1000)), MB_OK, "冠心病 in April 2024");
    CHECK(mb_result_covered(res) == 0, "冠心病, begun before the lapse, is revoked with it");
    mb_enrollee_free(e);
    mb_ruleset_free(idle);
}

/* Only a claim the benefit paid is activity (三: no chronic cost for twelve months): a claim for a
 * disease not certified, which nothing pays, does not keep another's qualification alive. And
 * a claim that was covered says no reason. */
static void an_uncovered_claim_is_no_activity(void)
{
    mb_ruleset *idle = fx_ruleset_text(IDLE_RULESET, "idle.yaml");
    if (idle == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E10", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_certify(e, idle, "高血压", 20220110, err), MB_OK, "高血压");
    /* 2022-03-01, 高血压: covered, 1000 x 80% = 800; the activity of 2022-03-01 */
    CHECK_RC(settle_on(idle, e, "高血压", 20220301, YUAN(1000)), MB_OK, "March 2022");
    CHECK(mb_result_covered(res) == 1 && strcmp(mb_result_reason(res), "") == 0,
          "covered, and no reason given");
    /* 2022-07-01, 冠心病, never certified: not covered, and no activity */
    CHECK_RC(settle_on(idle, e, "冠心病", 20220701, YUAN(1000)), MB_OK, "冠心病, not certified");
    CHECK(mb_result_covered(res) == 0, "nothing paid for it");
    CHECK_FEN(mb_enrollee_accumulator(e, "idle-test", "activity", 0), 20220301,
              "the activity is still March's");
    /* 2023-04-01, 高血压: twelve idle months after 2022-03-01 ended on 2023-03-01: revoked */
    CHECK_RC(settle_on(idle, e, "高血压", 20230401, YUAN(1000)), MB_OK, "April 2023");
    CHECK(mb_result_covered(res) == 0, "revoked: the uncovered claim kept nothing alive");
    CHECK(says("qualification revoked after an idle spell (待遇资格已取消): 高血压 (2023-03-01) [chronic; 测试〔2022〕2号 三]"),
          "lapsed twelve months after the last covered claim");
    mb_enrollee_free(e);
    mb_ruleset_free(idle);
}

/* 三 as 焦医保〔2021〕97号 四（四） words it: 连续十二个月以上 counts the twelfth month (以上 includes
 * the number, 民法典 第一千二百五十九条). After the covered claim of 2022-03-01, a claim on
 * 2023-03-01 comes a day short of twelve idle months and is covered; one on 2023-03-02 comes
 * after twelve (2022-03-02..2023-03-01) and is refused, the lapse on 2023-03-01. Once an
 * admission records that lapse, it is final for a disease whose benefit began on the spell's
 * first day (冠心病, from 2022-03-01: twelve months to the lapse), not for one begun a month
 * into it (哮喘, from 2022-04-01), which the admission keeps alive. */
static void the_twelfth_idle_month_counts(void)
{
    mb_ruleset *idle = fx_ruleset_text(IDLE_RULESET, "idle.yaml");
    if (idle == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E11", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_certify(e, idle, "高血压", 20220110, err), MB_OK, "高血压, from 2022-02-01");
    CHECK_RC(mb_enrollee_certify(e, idle, "冠心病", 20220210, err), MB_OK, "冠心病, from 2022-03-01");
    CHECK_RC(mb_enrollee_certify(e, idle, "哮喘", 20220310, err), MB_OK, "哮喘, from 2022-04-01");
    CHECK_RC(settle_on(idle, e, "高血压", 20220301, YUAN(1000)), MB_OK, "the last activity");
    CHECK(mb_result_covered(res) == 1, "covered on 2022-03-01");
    int32_t since = 0;
    CHECK(status_of(idle, e, "高血压", 20230301, &since) == MB_CERT_ACTIVE,
          "twelve months to the day after: a day short of twelve idle months");
    CHECK(status_of(idle, e, "高血压", 20230302, &since) == MB_CERT_REVOKED && since == 20230301,
          "the day after: twelve idle months, lapsed on 2023-03-01");
    CHECK_RC(presettle_under(idle, e, "高血压", NULL, 20230301, YUAN(1000)), MB_OK,
             "a claim on 2023-03-01");
    CHECK(mb_result_covered(res) == 1, "covered on the day twelve months after");
    /* admitted 2023-03-06, after the spell, discharged 03-10: records the lapse, and is
     * activity from 03-10 */
    CHECK_RC(settle_on(idle, e, NULL, 20230310, YUAN(1000)), MB_OK, "an admission");
    CHECK_FEN(mb_enrollee_accumulator(e, "idle-test", "revoked", 0), 20230301, "the lapse recorded");
    CHECK(status_of(idle, e, "冠心病", 20230401, &since) == MB_CERT_REVOKED && since == 20230301,
          "冠心病, begun on the spell's first day, lapsed with it");
    CHECK(status_of(idle, e, "哮喘", 20230401, &since) == MB_CERT_ACTIVE,
          "哮喘, begun within the spell, is counted from its start and kept by the admission");
    CHECK(status_of(idle, e, "高血压", 20230301, &since) == MB_CERT_ACTIVE,
          "on the lapse day itself 高血压 still stood");
    mb_enrollee_free(e);

    /* a stay admitted on the spell's last day (2023-03-01) ends it: no lapse is recorded */
    e = fx_enrollee("E12", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_certify(e, idle, "高血压", 20220110, err), MB_OK, "高血压, from 2022-02-01");
    CHECK_RC(settle_on(idle, e, "高血压", 20220301, YUAN(1000)), MB_OK, "the last activity");
    CHECK_RC(settle_on(idle, e, NULL, 20230305, YUAN(1000)), MB_OK, "admitted 2023-03-01");
    CHECK_FEN(mb_enrollee_accumulator(e, "idle-test", "revoked", 0), 0, "no lapse recorded");
    CHECK(status_of(idle, e, "高血压", 20230401, &since) == MB_CERT_ACTIVE,
          "the stay kept 高血压 alive");
    mb_enrollee_free(e);
    mb_ruleset_free(idle);
}

int main(void)
{
    err = mb_error_new();
    res = fx_result();
    rs = fx_ruleset_text(RULESET, "reasons.yaml");
    if (rs != NULL) {
        not_yet_started_and_expired();
        over_the_limit_and_an_exclusive_pair();
        a_chain_of_renewals_ranks_from_its_first();
        the_limit_on_a_benefit_s_first_and_last_day();
        a_limit_alone();
        caps_ranked_by_the_whole_disease_s();
        validity_in_far_years();
        caps_stack_for_the_highest_two();
        a_cap_by_treatment_line_needs_the_line();
        revoked_for_idleness_each_alone();
        an_uncovered_claim_is_no_activity();
        the_twelfth_idle_month_counts();
    }
    mb_ruleset_free(rs);
    mb_result_free(res);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
