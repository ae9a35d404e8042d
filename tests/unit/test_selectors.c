/* Row selectors: every table of values is chosen by the same selectors, and a selector the
 * engine would not honour on a key is refused at load with file, line and key, never accepted
 * and ignored. Rulesets are written inline; amounts are worked by hand in the comments.
 * Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;
static mb_result *res;

/* The parts every ruleset below shares: a basic employee ruleset with one pooling fund. */
#define HEAD FX_RULESET_HEAD("sel", "选择器测试", "测试〔2024〕1号")

static int refuse_text(const char *text)
{
    mb_ruleset *rs = NULL;
    mb_error_clear(err);
    int rc = mb_ruleset_load_buffer(&rs, text, strlen(text), "sel.yaml", err);
    if (rc == MB_OK)
        mb_ruleset_free(rs);
    return rc;
}

static int64_t amt(int which) { return mb_result_amount(res, which); }

/* The defect of issue 10: `facility:` on a deductible row validated and was then ignored, so
 * a claim at that level settled with no deductible and explain left the step out. */
static void deductible_by_facility(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "layers:\n"
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕1号 三\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    deductible:\n"
        "      - {facility: primary, all: 200, cite: 测试〔2024〕1号 三（一级200元）}\n"
        "      - {facility: tertiary, all: 800, cite: 测试〔2024〕1号 三（三级800元）}\n"
        "    ratio:\n"
        "      - {all: 80%, cite: 测试〔2024〕1号 四}\n", "sel.yaml");
    CHECK(rs != NULL, "a deductible by facility level loads");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* tertiary, 1000 in scope: deductible 800 (三级800元), 200 x 80% = 160 */
    mb_claim *c = fx_admission("T1", 20240225, 20240301, "H1", MB_LEVEL_TERTIARY, YUAN(1000));
    CHECK_RC(fx_settle(res, rs, e, c, err), MB_OK, "the tertiary admission settles");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(800), "the tertiary deductible applies");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(160), "(1000 - 800) x 80%");
    CHECK(fx_traced(res, "inpatient.deductible", "测试〔2024〕1号 三（三级800元）"),
          "explain shows the deductible step, citing the tertiary row");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* a primary admission of another enrollee: 1000 - 200 = 800 x 80% = 640 */
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    c = fx_admission("P1", 20240225, 20240301, "H1", MB_LEVEL_PRIMARY, YUAN(1000));
    CHECK_RC(fx_settle(res, rs, e, c, err), MB_OK, "the primary admission settles");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(200), "the primary deductible applies");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(640), "(1000 - 200) x 80%");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* the same admission at the enrollee's first-visit facility: a table without first_visit
     * rows sees the facility's level, primary: the same 200 and 640 */
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_first_visit_facility(e, "H1", err), MB_OK, "首诊 H1");
    c = fx_admission("P2", 20240225, 20240301, "H1", MB_LEVEL_PRIMARY, YUAN(1000));
    CHECK_RC(fx_settle(res, rs, e, c, err), MB_OK, "the primary admission at the 首诊 facility");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(200), "the primary row, at the 首诊 facility too");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(640), "(1000 - 200) x 80%");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* a secondary admission: no row for that level, so no deductible: 1000 x 80% = 800 */
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    c = fx_admission("S1", 20240225, 20240301, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(fx_settle(res, rs, e, c, err), MB_OK, "the secondary admission settles");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "no deductible row for secondary");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(800), "1000 x 80%");
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* The same defect on a cap row: a cap by facility level was ignored, so the claim had none. */
static void cap_by_facility(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
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
        "        - {all: unlimited, cite: 测试〔2024〕1号 五}\n", "sel.yaml");
    CHECK(rs != NULL, "a cap by facility level loads");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* tertiary, 1000 x 50% = 500, cut to the tertiary cap 300 */
    mb_claim *c = fx_claim("T1", 20240301, MB_MED_GENERAL_OUTPATIENT, "H1",
                           MB_LEVEL_TERTIARY, YUAN(1000));
    CHECK_RC(fx_settle(res, rs, e, c, err), MB_OK, "the tertiary visit settles");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(300), "1000 x 50% = 500, capped at 300 (三级300元)");
    CHECK(fx_traced(res, "outpatient.cap", "测试〔2024〕1号 五（三级300元）"), "the cap step cites its row");
    mb_claim_free(c);
    /* secondary: the row without a selector, unlimited: 1000 x 50% = 500 */
    c = fx_claim("S1", 20240302, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(fx_settle(res, rs, e, c, err), MB_OK, "the secondary visit settles");
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


/* Settle a claim built by the caller; returns the status. */
static int settle_claim(const mb_ruleset *rs, mb_enrollee *e, mb_claim *c)
{
    int rc = fx_settle(res, rs, e, c, err);
    mb_claim_free(c);
    return rc;
}

/* Settle `c` (then freed) for `e`: it settles, and the pooling fund pays `fund` (hifp_pay). */
static void pays(const mb_ruleset *rs, mb_enrollee *e, mb_claim *c, int64_t fund, const char *why)
{
    CHECK_RC(settle_claim(rs, e, c), MB_OK, why);
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), fund, why);
}

/* A chronic claim for `disease` at H1 (secondary) of one class A item of `fen`. */
static mb_claim *chronic_claim(const char *id, int32_t date, const char *disease, int64_t fen)
{
    mb_claim *c = fx_claim(id, date, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, fen);
    CHECK_RC(mb_claim_set_disease(c, disease, NULL, err), MB_OK, "disease");
    return c;
}

static mb_claim *flagged(const char *id, int32_t date, int med, int level, int64_t fen,
                         unsigned flags)
{
    mb_claim *c = fx_claim(id, date, med, "H1", level, fen);
    CHECK_RC(mb_claim_set_flags(c, flags, err), MB_OK, "flags");
    return c;
}

/* Area, age band, claim type and facility category choose rows as facility does. */
static void claim_selectors(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "facility_categories:\n"
        "  - {name: community, label: 社区卫生服务机构, cite: 测试〔2024〕1号 七}\n"
        "layers:\n"
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕1号 三\n"
        "    med_types: [inpatient, trauma_inpatient]\n"
        "    fund: pooling\n"
        "    deductible:\n"
        "      - {facility: primary, all: 200, cite: 测试〔2024〕1号 三（一级200元）}\n"
        "      - {facility: primary, category: community, all: 160, cite: 测试〔2024〕1号 三（社区160元）}\n"
        "      - {area: out_of_city, all: 2000, cite: 测试〔2024〕1号 三（市域外2000元）}\n"
        "      - {area: out_of_province, all: 2500, cite: 测试〔2024〕1号 三（省外2500元）}\n"
        "    ratio:\n"
        "      - {all: 80%, cite: 测试〔2024〕1号 四}\n"
        "      - {claim_type: trauma_inpatient, all: 60%, cite: 测试〔2024〕1号 四（外伤60%）}\n"
        "      - {age: \"0-17\", all: 90%, cite: 测试〔2024〕1号 四（未成年人90%）}\n", "sel.yaml");
    CHECK(rs != NULL, "area, category, claim type and age selectors load");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_birth_date(e, 19800615, err), MB_OK, "birth date");
    /* in the city, at a community health centre (primary): 160; (1000 - 160) x 80% = 672 */
    mb_claim *c = fx_admission("A", 20240225, 20240301, "H1", MB_LEVEL_PRIMARY, YUAN(1000));
    CHECK_RC(mb_claim_set_facility_category(c, "社区卫生服务机构", err), MB_OK, "category by label");
    CHECK_RC(settle_claim(rs, e, c), MB_OK, "community admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(160), "the community row is more specific");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(672), "(1000 - 160) x 80%");
    mb_enrollee_free(e);
    /* out of the city, in the province: 2000; (3000 - 2000) x 80% = 800 */
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_birth_date(e, 19800615, err), MB_OK, "birth date");
    c = flagged("B", 20240301, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, YUAN(3000), MB_CLAIM_OUT_OF_AREA);
    CHECK_RC(mb_claim_set_admission(c, 20240225, 20240301, err), MB_OK, "admission");
    CHECK_RC(settle_claim(rs, e, c), MB_OK, "out-of-city admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(2000), "市域外 2000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(800), "(3000 - 2000) x 80%");
    mb_enrollee_free(e);
    /* out of the province: 2500; a trauma admission at 60%: (3000 - 2500) x 60% = 300 */
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_birth_date(e, 19800615, err), MB_OK, "birth date");
    c = flagged("C", 20240301, MB_MED_TRAUMA_INPATIENT, MB_LEVEL_TERTIARY, YUAN(3000),
                MB_CLAIM_OUT_OF_AREA | MB_CLAIM_OUT_OF_PROVINCE);
    CHECK_RC(mb_claim_set_admission(c, 20240225, 20240301, err), MB_OK, "admission");
    CHECK_RC(settle_claim(rs, e, c), MB_OK, "out-of-province trauma admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(2500), "省外 2500");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(300), "(3000 - 2500) x 60% (外伤)");
    mb_enrollee_free(e);
    /* a child (born 2010-03-02, 13 on 2024-03-01), secondary: no deductible row, 1000 x 90% */
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_birth_date(e, 20100302, err), MB_OK, "birth date");
    c = fx_admission("D", 20240225, 20240301, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    pays(rs, e, c, YUAN(900), "1000 x 90% (未成年人)");
    /* without a birth date the age rows cannot be chosen: refused, not guessed */
    CHECK_RC(mb_enrollee_set_birth_date(e, 0, err), MB_OK, "birth date cleared");
    c = fx_admission("E", 20240225, 20240302, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    const mb_ruleset *chain[1] = {rs};
    CHECK_RC(mb_settle(res, chain, 1, e, c, err), MB_E_INVALID_ARGUMENT,
             "a ruleset choosing by age needs the birth date");
    CHECK(strstr(mb_error_message(err), "birth date") != NULL, "the message says so");
    /* a birth date after the claim date gives no age either: refused the same way */
    CHECK_RC(mb_enrollee_set_birth_date(e, 20250101, err), MB_OK, "a birth date after the claim");
    CHECK_RC(mb_settle(res, chain, 1, e, c, err), MB_E_INVALID_ARGUMENT,
             "a birth date after the claim date is no age");
    CHECK(strstr(mb_error_message(err), "on or before the claim date") != NULL,
          "the message says the birth date must come first");
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* `any_inpatient`: every admission the platform names (21 to 24), not 生育住院 (52), as a layer's
 * claim types and as a row's claim_type; the two together choose as any selector does. */
static void any_inpatient(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "layers:\n"
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕1号 三\n"
        "    med_types: [any_inpatient]\n"
        "    fund: pooling\n"
        "    ratio:\n"
        "      - {all: 80%, cite: 测试〔2024〕1号 四}\n"
        "      - {claim_type: any_inpatient, facility: primary, all: 90%, cite: 测试〔2024〕1号 四（一级90%）}\n"
        "      - {claim_type: emergency_inpatient, all: 70%, cite: 测试〔2024〕1号 四（急诊转住院70%）}\n",
        "sel.yaml");
    CHECK(rs != NULL, "any_inpatient loads in med_types and as a claim_type");
    if (rs == NULL)
        return;
    static const struct {
        int med, level;
        int64_t fund;
        const char *why;
    } cases[] = {
        {MB_MED_INPATIENT, MB_LEVEL_SECONDARY, YUAN(800), "普通住院 21: 1000 x 80%"},
        {MB_MED_TRAUMA_INPATIENT, MB_LEVEL_SECONDARY, YUAN(800), "外伤住院 22: 1000 x 80%"},
        {MB_MED_REFERRED_OUT_INPATIENT, MB_LEVEL_PRIMARY, YUAN(900),
         "转外诊治住院 23 at a primary facility: the any_inpatient row with a facility, 90%"},
        {MB_MED_EMERGENCY_INPATIENT, MB_LEVEL_SECONDARY, YUAN(700),
         "急诊转住院 24: its own row, more specific than the default, 70%"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        mb_claim *c = fx_claim("A", 20240301, cases[i].med, "H1", cases[i].level, YUAN(1000));
        CHECK_RC(mb_claim_set_admission(c, 20240225, 20240301, err), MB_OK, "admission");
        pays(rs, e, c, cases[i].fund, cases[i].why);
        mb_enrollee_free(e);
    }
    /* 生育住院 and an outpatient claim are not admissions of any_inpatient: no layer takes them */
    static const int others[] = {MB_MED_MATERNITY_INPATIENT, MB_MED_GENERAL_OUTPATIENT};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        mb_claim *c = fx_claim("B", 20240301, others[i], "H1", MB_LEVEL_SECONDARY, YUAN(1000));
        if (others[i] == MB_MED_MATERNITY_INPATIENT)
            CHECK_RC(mb_claim_set_admission(c, 20240225, 20240301, err), MB_OK, "admission");
        CHECK_RC(settle_claim(rs, e, c), MB_OK, "settles");
        CHECK(mb_result_covered(res) == 0, "not an admission any_inpatient names: not covered");
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), 0, "nothing paid");
        mb_enrollee_free(e);
    }
    mb_ruleset_free(rs);
}

/* Declared person groups: by psn_idet_type code, by members, with conditions; category ratios
 * by group and claim type (就高: the highest applies). */
static void person_groups(void)
{
    mb_ruleset *rs = fx_ruleset_text(
        "id: grp\n"
        "title: 救助分类\n"
        "document: 测试〔2024〕4号\n"
        "tier: assistance\n"
        "effective_from: 2024-01-01\n"
        "upstream: {cite: 测试〔2024〕4号 一}\n"
        "class_b_first_selfpay: {value: 0%, cite: 测试〔2024〕4号 二}\n"
        "groups:\n"
        "  - {name: returned_poverty, label: 返贫致贫人口, psn_idet_type: [\"2301\"], cite: 测试〔2024〕4号 三}\n"
        "  - {name: monitored, label: 防止返贫监测对象, psn_idet_type: [\"2302\"], cite: 测试〔2024〕4号 三}\n"
        "  - {name: class_1, label: 一类救助对象, members: [extreme_poverty, orphan], cite: 测试〔2024〕4号 四}\n"
        "  - {name: class_2, label: 二类救助对象, members: [minimum_living, returned_poverty], cite: 测试〔2024〕4号 四}\n"
        "  - {name: class_3, label: 三类救助对象, members: [low_income_margin, monitored], scheme: resident, cite: 测试〔2024〕4号 四}\n"
        "categories:\n"
        "  - {name: class_1, ratio: 100%, cite: 测试〔2024〕4号 五（一类100%）}\n"
        "  - {name: class_2, ratio: 70%, cite: 测试〔2024〕4号 五（二类70%）}\n"
        "  - {name: class_2, claim_type: chronic, ratio: 50%, cite: 测试〔2024〕4号 五（门诊慢特病50%）}\n"
        "  - {name: class_2, facility: tertiary, ratio: 45%, cite: 测试〔2024〕4号 五（三级45%）}\n"
        "  - {name: class_3, ratio: 60%, cite: 测试〔2024〕4号 五（三类60%）}\n"
        "funds:\n"
        "  - {key: a, employee: \"610100\", resident: \"610100\", name: 医疗救助基金, amount: maf_pay}\n"
        "layers:\n"
        "  - id: assist\n"
        "    cite: 测试〔2024〕4号 六\n"
        "    med_types: [inpatient, chronic]\n"
        "    requires: [assistance_identity]\n"
        "    fund: a\n"
        "    base: remaining\n"
        "    ratio_source: category\n"
        "    deductible:\n"
        "      - {group: class_3, all: 500, cite: 测试〔2024〕4号 七（三类起付500元）}\n", "sel.yaml");
    CHECK(rs != NULL, "declared groups load");
    if (rs == NULL)
        return;
    mb_enrollee *r = NULL;
    CHECK_RC(mb_enrollee_new(&r, "R1", MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    /* 2301 is the platform's code for 返贫致贫人口, a member of class 2: 1000 x 70% = 700 */
    CHECK_RC(mb_enrollee_add_identity(r, rs, "2301", 20240101, 0, err), MB_OK,
             "an identity by its psn_idet_type code");
    mb_claim *c = fx_admission("I", 20240225, 20240301, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(settle_claim(rs, r, c), MB_OK, "class 2 admission");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), YUAN(700), "class 2: 70%");
    CHECK(fx_traced(res, "assist.ratio", "测试〔2024〕4号 五（二类70%）"), "the class 2 row is cited");
    /* a chronic claim of class 2: 50% */
    c = fx_claim("K", 20240302, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(settle_claim(rs, r, c), MB_OK, "class 2 chronic claim");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), YUAN(500), "class 2, 门诊慢特病: 50%");
    /* a chronic claim at a tertiary hospital: the chronic row and the tertiary row are as
     * specific; the first in the file applies: 1000 x 50% = 500, not 45% */
    c = fx_claim("T", 20240303, MB_MED_CHRONIC, "H1", MB_LEVEL_TERTIARY, YUAN(1000));
    CHECK_RC(settle_claim(rs, r, c), MB_OK, "class 2 chronic claim, tertiary");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), YUAN(500), "rows tied: the first in the file, 50%");
    /* also monitored (class 3, resident): its deductible applies to the claim, and the best
     * ratio of the classes held (70% over 60%): (1000 - 500) x 70% = 350 */
    CHECK_RC(mb_enrollee_add_identity(r, rs, "防止返贫监测对象", 20240101, 0, err), MB_OK,
             "an identity by its label");
    c = fx_admission("J", 20240325, 20240401, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(settle_claim(rs, r, c), MB_OK, "class 2 and 3 admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(500), "class 3's deductible");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), YUAN(350), "(1000 - 500) x 70%");
    CHECK_RC(mb_enrollee_add_identity(r, rs, "返贫", 20240101, 0, err), MB_E_UNKNOWN_CODE,
             "a name no group knows is refused");
    CHECK(strstr(mb_error_message(err), "returned_poverty (返贫致贫人口)") != NULL,
          "the message lists the groups");
    mb_enrollee_free(r);
    /* an employee monitored: class 3 is for residents only: no identity that counts */
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_identity(e, rs, "2302", 20240101, 0, err), MB_OK, "monitored");
    c = fx_admission("M", 20240225, 20240301, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(settle_claim(rs, e, c), MB_OK, "an employee's admission");
    CHECK(mb_result_covered(res) == 0, "class 3 holds for residents only");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), 0, "no assistance");
    mb_enrollee_free(e);
    /* a member that is the first assistance category (extreme_poverty, group 0), held by its
     * Chinese label: class 1's 100%, 1000 x 100% = 1000 (the member is the category, not an
     * identity named extreme_poverty) */
    mb_enrollee *p = NULL;
    CHECK_RC(mb_enrollee_new(&p, "P1", MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    CHECK_RC(mb_enrollee_add_identity(p, rs, "特困人员", 20240101, 0, err), MB_OK,
             "extreme poverty by its label");
    c = fx_admission("P", 20240225, 20240301, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(settle_claim(rs, p, c), MB_OK, "class 1 admission");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), YUAN(1000), "class 1: 100%");
    CHECK(fx_traced(res, "assist.ratio", "测试〔2024〕4号 五（一类100%）"), "the class 1 row is cited");
    mb_enrollee_free(p);
    mb_ruleset_free(rs);
}

/* One category's rows by claim type, the only rows of the table: the chronic row supersedes
 * the category's own on a chronic claim (就高 is among the categories held, not among one
 * category's rows). */
static void one_category_by_claim_type(void)
{
    mb_ruleset *rs = fx_ruleset_text(
        "id: one-cat\n"
        "title: 低保救助\n"
        "document: 测试〔2024〕5号\n"
        "tier: assistance\n"
        "effective_from: 2024-01-01\n"
        "upstream: {cite: 测试〔2024〕5号 一}\n"
        "class_b_first_selfpay: {value: 0%, cite: 测试〔2024〕5号 二}\n"
        "categories:\n"
        "  - {name: minimum_living, ratio: 70%, cite: 测试〔2024〕5号 三（低保70%）}\n"
        "  - {name: minimum_living, claim_type: chronic, ratio: 50%, cite: 测试〔2024〕5号 三（门诊慢特病50%）}\n"
        "funds:\n"
        "  - {key: a, employee: \"610100\", resident: \"610100\", name: 医疗救助基金, amount: maf_pay}\n"
        "layers:\n"
        "  - id: assist\n"
        "    cite: 测试〔2024〕5号 四\n"
        "    med_types: [inpatient, chronic]\n"
        "    requires: [assistance_identity]\n"
        "    fund: a\n"
        "    base: remaining\n"
        "    ratio_source: category\n", "one-cat.yaml");
    CHECK(rs != NULL, "one category's rows load");
    if (rs == NULL)
        return;
    mb_enrollee *r = NULL;
    CHECK_RC(mb_enrollee_new(&r, "R1", MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    CHECK_RC(mb_enrollee_add_identity(r, rs, "minimum_living", 20240101, 0, err), MB_OK, "低保");
    /* an admission: the category's own row, 1000 x 70% = 700 */
    mb_claim *c = fx_admission("I", 20240225, 20240301, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(settle_claim(rs, r, c), MB_OK, "admission");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), YUAN(700), "低保: 70%");
    /* a chronic claim: the chronic row, 1000 x 50% = 500, not the higher 70% beside it */
    c = fx_claim("K", 20240302, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, YUAN(1000));
    CHECK_RC(settle_claim(rs, r, c), MB_OK, "chronic claim");
    CHECK_FEN(amt(MB_AMT_MAF_PAY), YUAN(500), "低保, 门诊慢特病: 50%");
    CHECK(fx_traced(res, "assist.ratio", "测试〔2024〕5号 三（门诊慢特病50%）"), "the chronic row is cited");
    mb_enrollee_free(r);
    mb_ruleset_free(rs);
}

/* Caps that grow with the diseases covered: +each per disease beyond the first up to a
 * ceiling (无为: 3000, 多一种多300元, 最高4500), and the highest disease cap plus a share of each
 * further one's (唐山: 在最高的一种的基础上每增加一种增加80%, 最高10800). */
static void cap_growth(void)
{
    static const char catalogue[] =
        "catalogue:\n"
        "  - {code: D1, name: 高血压, caps: [{all: 6000}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D2, name: 糖尿病, caps: [{all: 3600}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D3, name: 冠心病, caps: [{all: 3600}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D4, name: 脑卒中, caps: [{all: 3600}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D5, name: 哮喘, caps: [{all: 3600}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D6, name: 肿瘤, group: special, cite: 测试〔2024〕1号 八}\n"
        "  - {code: D7, name: 透析, caps: [{all: unlimited}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D8, name: 血友病, caps: [{all: unlimited}], cite: 测试〔2024〕1号 八}\n";
    /* the layer each ruleset below has, with its own cap */
    static const char chronic[] = "layers:\n"
                                  "  - id: chronic\n"
                                  "    cite: 测试〔2024〕1号 九\n"
                                  "    med_types: [chronic]\n"
                                  "    requires: [certified_disease]\n"
                                  "    fund: pooling\n"
                                  "    ratio: [{all: 100%, cite: 测试〔2024〕1号 九}]\n";
    char text[4096];
    snprintf(text, sizeof text, "%s%s%s%s", HEAD, catalogue, chronic,
             "    cap:\n"
             "      values: [{all: 3000, cite: 测试〔2024〕1号 九（全年封顶3000元）}]\n"
             "      raise: {each: 300, ceiling: 4500, group: chronic, cite: 测试〔2024〕1号 九（多一种慢性病多300元，最高封顶4500元）}\n");
    mb_ruleset *rs = fx_ruleset_text(text, "sel.yaml");
    CHECK(rs != NULL, "a raise per disease loads");
    if (rs != NULL) {
        /* three chronic diseases and one special: 3000 + 2 x 300 = 3600 */
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        const char *held[] = {"高血压", "糖尿病", "冠心病", "肿瘤"};
        for (int k = 0; k < 4; k++)
            CHECK_RC(mb_enrollee_add_disease(e, held[k], 20240101, 0, err), MB_OK, "certified");
        mb_claim *c = chronic_claim("C", 20240301, "高血压", YUAN(5000));
        pays(rs, e, c, YUAN(3600), "3000 + 300 x 2 further chronic diseases");
        CHECK(fx_traced(res, "chronic.cap.raise", NULL), "the raise is traced");
        /* two more chronic diseases: 3000 + 4 x 300 = 4200; 600 more this year */
        CHECK_RC(mb_enrollee_add_disease(e, "脑卒中", 20240101, 0, err), MB_OK, "certified");
        CHECK_RC(mb_enrollee_add_disease(e, "哮喘", 20240101, 0, err), MB_OK, "certified");
        c = chronic_claim("C2", 20240401, "高血压", YUAN(5000));
        pays(rs, e, c, YUAN(600), "4200 - 3600 already paid");
        mb_enrollee_free(e);
        mb_ruleset_free(rs);
    }
    snprintf(text, sizeof text, "%s%s%s%s", HEAD, catalogue, chronic,
             "    cap:\n"
             "      base: highest_disease\n"
             "      raise: {share: 80%, ceiling: 10800, cite: 测试〔2024〕1号 十（每增加一种增加80%，最高限额10800元）}\n");
    rs = fx_ruleset_text(text, "sel.yaml");
    CHECK(rs != NULL, "a cap from the diseases' caps loads");
    if (rs != NULL) {
        /* 高血压 6000 and 糖尿病 3600: 6000 + 3600 x 80% = 8880 */
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        CHECK_RC(mb_enrollee_add_disease(e, "高血压", 20240101, 0, err), MB_OK, "certified");
        CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20240101, 0, err), MB_OK, "certified");
        mb_claim *c = chronic_claim("C", 20240301, "糖尿病", YUAN(20000));
        pays(rs, e, c, YUAN(8880), "6000 + 3600 x 80%");
        /* two more 3600s: 6000 + 3 x 2880 = 14640, above the ceiling 10800: 1920 more */
        CHECK_RC(mb_enrollee_add_disease(e, "冠心病", 20240101, 0, err), MB_OK, "certified");
        CHECK_RC(mb_enrollee_add_disease(e, "脑卒中", 20240101, 0, err), MB_OK, "certified");
        c = chronic_claim("C2", 20240401, "冠心病", YUAN(20000));
        pays(rs, e, c, YUAN(1920), "10800 - 8880");
        mb_enrollee_free(e);
        /* a disease capped without limit: the highest is unlimited, and so the cap, up to the
         * raise's ceiling: 10800. With 高血压 (6000) beside it, and with another unlimited one
         * (the sum of the others unlimited too): 10800 either way */
        static const char *const pairs[2][2] = {{"透析", "高血压"}, {"透析", "血友病"}};
        for (int k = 0; k < 2; k++) {
            e = fx_enrollee("E2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
            for (int d = 0; d < 2; d++)
                CHECK_RC(mb_enrollee_add_disease(e, pairs[k][d], 20240101, 0, err), MB_OK,
                         "certified");
            c = chronic_claim("U", 20240301, "透析", YUAN(20000));
            pays(rs, e, c, YUAN(10800), "an unlimited cap held to the ceiling");
            mb_enrollee_free(e);
        }
        mb_ruleset_free(rs);
    }
    /* the highest disease cap alone, no raise: 6000 for 高血压 with 糖尿病 (3600) beside it */
    snprintf(text, sizeof text, "%s%s%s%s", HEAD, catalogue, chronic,
             "    cap: {base: highest_disease, cite: 测试〔2024〕1号 十}\n");
    rs = fx_ruleset_text(text, "sel.yaml");
    CHECK(rs != NULL, "a cap of the highest disease cap alone loads");
    if (rs != NULL) {
        mb_enrollee *e = fx_enrollee("E3", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        CHECK_RC(mb_enrollee_add_disease(e, "高血压", 20240101, 0, err), MB_OK, "certified");
        CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20240101, 0, err), MB_OK, "certified");
        CHECK_RC(mb_enrollee_add_disease(e, "肿瘤", 20240101, 0, err), MB_OK, "certified");
        mb_claim *c = chronic_claim("H", 20240301, "糖尿病", YUAN(9000));
        pays(rs, e, c, YUAN(6000), "the highest of 6000, 3600 and none (肿瘤)");
        CHECK(!fx_traced(res, "chronic.cap.raise", NULL), "no raise to trace");
        mb_enrollee_free(e);
        /* the highest whatever order the diseases were certified in: 9000 for 糖尿病 is held to
         * 6000 when 高血压 (6000) comes after it, and paid whole beside 透析 (no limit) before
         * or after 高血压 (an unlimited highest stays the highest) */
        static const struct {
            const char *first, *second, *claimed;
            int64_t pays;
            const char *why;
        } held[] = {
            {"糖尿病", "高血压", "糖尿病", YUAN(6000), "3600 then 6000: 6000"},
            {"透析", "高血压", "高血压", YUAN(9000), "unlimited then 6000: unlimited"},
            {"高血压", "透析", "高血压", YUAN(9000), "6000 then unlimited: unlimited"},
        };
        for (size_t k = 0; k < sizeof held / sizeof held[0]; k++) {
            e = fx_enrollee("E4", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
            CHECK_RC(mb_enrollee_add_disease(e, held[k].first, 20240101, 0, err), MB_OK, "certified");
            CHECK_RC(mb_enrollee_add_disease(e, held[k].second, 20240201, 0, err), MB_OK,
                     "certified");
            pays(rs, e, chronic_claim("O", 20240301, held[k].claimed, YUAN(9000)), held[k].pays,
                 held[k].why);
            mb_enrollee_free(e);
        }
        mb_ruleset_free(rs);
    }
}

/* Rows by disease and by scheme, written newest first: the most specific row applies, then
 * the latest in force, wherever it stands in the file (docs/ruleset-format.md, "Which row"). */
static void rows_by_disease_newest_first(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "catalogue:\n"
        "  - {code: D1, name: 高血压, cite: 测试〔2024〕1号 八}\n"
        "  - {code: D2, name: 糖尿病, cite: 测试〔2024〕1号 八}\n"
        "layers:\n"
        "  - id: chronic\n"
        "    cite: 测试〔2024〕1号 十四\n"
        "    med_types: [chronic]\n"
        "    fund: pooling\n"
        "    ratio:\n"
        "      - {from: 2024-07-01, all: 75%, cite: 测试〔2024〕1号 十四（7月起75%）}\n"
        "      - {all: 70%, cite: 测试〔2024〕1号 十四（70%）}\n"
        "      - {from: 2024-07-01, disease: 糖尿病, all: 90%, cite: 测试〔2024〕1号 十四（7月起糖尿病90%）}\n"
        "      - {disease: 糖尿病, all: 85%, cite: 测试〔2024〕1号 十四（糖尿病85%）}\n"
        "      - {scheme: employee, disease: D1, all: 80%, cite: 测试〔2024〕1号 十四（职工高血压80%）}\n",
        "sel.yaml");
    CHECK(rs != NULL, "rows by disease and scheme load");
    if (rs == NULL)
        return;
    static const struct {
        int32_t date;
        const char *disease;
        int64_t pays;
        const char *why;
    } claims[] = {
        /* no disease: the default 70%; from 07-01 the dated default 75% */
        {20240301, NULL, YUAN(700), "1000 x 70%: the default row"},
        {20240801, NULL, YUAN(750), "1000 x 75%: the default row from 07-01, listed first"},
        /* 糖尿病: its row (one selector) over the defaults; from 07-01 its dated row, though
         * the undated one stands after it */
        {20240301, "糖尿病", YUAN(850), "1000 x 85%: the disease's row"},
        {20240801, "糖尿病", YUAN(900), "1000 x 90%: the disease's dated row, latest in force"},
        /* 高血压 (named by its code in the row) for an employee: two selectors */
        {20240801, "高血压", YUAN(800), "1000 x 80%: scheme and disease, the most specific"},
    };
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        mb_claim *c = fx_claim("C", claims[i].date, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY,
                               YUAN(1000));
        if (claims[i].disease)
            CHECK_RC(mb_claim_set_disease(c, claims[i].disease, NULL, err), MB_OK, "disease");
        pays(rs, e, c, claims[i].pays, claims[i].why);
        mb_enrollee_free(e);
    }
    mb_ruleset_free(rs);
}

/* The class B first self-pay by rows (the value elsewhere): 20% out of the province. */
static void class_b_first_selfpay_rows(void)
{
    mb_ruleset *rs = fx_ruleset_text(
        FX_RULESET_TOP("sel", "选择器测试", "测试〔2024〕1号")
        "class_b_first_selfpay:\n"
        "  value: 10%\n"
        "  cite: 测试〔2024〕1号 二\n"
        "  rows: [{area: out_of_province, value: 20%, cite: 测试〔2024〕1号 二（省外20%）}]\n"
        FX_POOLING_FUND
        "layers:\n"
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕1号 十三\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕1号 十三（50%）}]\n", "sel.yaml");
    CHECK(rs != NULL, "class B rows load");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* in the city: 1000 x 10% = 100 first self-paid; (1000 - 100) x 50% = 450 */
    mb_claim *c = fx_claim("B1", 20240301, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_SECONDARY, -1);
    CHECK_RC(mb_claim_add_item(c, YUAN(1000), MB_CLASS_B, -1, err), MB_OK, "class B");
    CHECK_RC(settle_claim(rs, e, c), MB_OK, "in the city");
    CHECK_FEN(amt(MB_AMT_PRESELFPAY), YUAN(100), "the value: 10% of 1000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(450), "(1000 - 100) x 50%");
    CHECK(fx_traced(res, "items", "测试〔2024〕1号 二"), "the items step cites the value");
    /* out of the province: 1000 x 20% = 200; (1000 - 200) x 50% = 400 */
    c = flagged("B2", 20240302, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_SECONDARY, -1,
                MB_CLAIM_OUT_OF_AREA | MB_CLAIM_OUT_OF_PROVINCE);
    CHECK_RC(mb_claim_add_item(c, YUAN(1000), MB_CLASS_B, -1, err), MB_OK, "class B");
    CHECK_RC(settle_claim(rs, e, c), MB_OK, "out of the province");
    CHECK_FEN(amt(MB_AMT_PRESELFPAY), YUAN(200), "the row: 20% of 1000");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(400), "(1000 - 200) x 50%");
    CHECK(fx_traced(res, "items", "测试〔2024〕1号 二（省外20%）"), "and cites the row");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* The claim as the items step sees it (view.c's mb_view_claim): the class B first self-pay
 * chosen by the claim's disease group, the catalogue's first disease included, and by age,
 * which every claim then needs: 0% for 恶性肿瘤 (special), 5% for a child, else 10%. */
static void class_b_rows_by_disease_group_and_age(void)
{
    mb_ruleset *rs = fx_ruleset_text(
        FX_RULESET_TOP("sel", "选择器测试", "测试〔2024〕1号")
        "class_b_first_selfpay:\n"
        "  value: 10%\n"
        "  cite: 测试〔2024〕1号 二\n"
        "  rows:\n"
        "    - {disease_group: special, value: 0%, cite: 测试〔2024〕1号 二（特殊病种0%）}\n"
        "    - {age: \"0-17\", value: 5%, cite: 测试〔2024〕1号 二（未成年人5%）}\n"
        FX_POOLING_FUND
        "catalogue:\n"
        "  - {code: D1, name: 恶性肿瘤, group: special}\n"
        "  - {code: D2, name: 高血压}\n"
        "layers:\n"
        "  - id: chronic\n"
        "    cite: 测试〔2024〕1号 十三\n"
        "    med_types: [chronic]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕1号 十三（50%）}]\n", "sel.yaml");
    CHECK(rs != NULL, "class B rows by disease group and age load");
    if (rs == NULL)
        return;
    static const struct {
        int32_t born;
        const char *disease;
        int64_t pre, fund;
        const char *why;
    } cases[] = {
        /* 1000 x 0% first self-paid; 1000 x 50% = 500 */
        {19800615, "恶性肿瘤", 0, YUAN(500), "the catalogue's first disease, of group special: 0%"},
        /* 1000 x 10% = 100; (1000 - 100) x 50% = 450 */
        {19800615, "高血压", YUAN(100), YUAN(450), "an adult's 高血压: the value, 10%"},
        /* 1000 x 5% = 50; (1000 - 50) x 50% = 475 */
        {20100302, "高血压", YUAN(50), YUAN(475), "a child of 13: 5%"},
        {20240301, "高血压", YUAN(50), YUAN(475), "born on the claim date: 0 years old, 5%"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        CHECK_RC(mb_enrollee_set_birth_date(e, cases[i].born, err), MB_OK, "birth date");
        mb_claim *c = fx_claim("B1", 20240301, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, -1);
        CHECK_RC(mb_claim_set_disease(c, cases[i].disease, NULL, err), MB_OK, "disease");
        CHECK_RC(mb_claim_add_item(c, YUAN(1000), MB_CLASS_B, -1, err), MB_OK, "class B");
        CHECK_RC(settle_claim(rs, e, c), MB_OK, cases[i].why);
        CHECK_FEN(amt(MB_AMT_PRESELFPAY), cases[i].pre, cases[i].why);
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), cases[i].fund, cases[i].why);
        mb_enrollee_free(e);
    }
    /* a row by age outside the layers: a claim of an enrollee without a birth date is refused */
    mb_enrollee *e = fx_enrollee("E2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_claim *c = chronic_claim("B2", 20240301, "高血压", YUAN(1000));
    CHECK_RC(settle_claim(rs, e, c), MB_E_INVALID_ARGUMENT, "no birth date, no class B row");
    CHECK(strstr(mb_error_message(err), "mb_enrollee_set_birth_date") != NULL, "the message says so");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A claim at a pharmacy (its claim type, or its facility's level) is chosen by its prescriber's
 * level in a table by facility, and a category the ruleset does not list leaves a claim chosen
 * by its level alone (docs/ruleset-format.md, facility_categories). */
static void pharmacy_by_prescriber_and_unlisted_categories(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "facility_categories:\n"
        "  - {name: community, label: 社区卫生服务机构, cite: 测试〔2024〕1号 七}\n"
        "  - {name: county, label: 县级医院, cite: 测试〔2024〕1号 七}\n"
        "layers:\n"
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕1号 十三\n"
        "    med_types: [general_outpatient, pharmacy]\n"
        "    fund: pooling\n"
        "    ratio:\n"
        "      - {facility: primary, all: 60%, cite: 测试〔2024〕1号 十三（一级60%）}\n"
        "      - {facility: secondary, all: 50%, cite: 测试〔2024〕1号 十三（二级50%）}\n"
        "      - {facility: tertiary, all: 40%, cite: 测试〔2024〕1号 十三（三级40%）}\n"
        "      - {facility: primary, category: community, all: 70%, cite: 测试〔2024〕1号 十三（社区70%）}\n"
        "      - {facility: secondary, category: county, all: 55%, cite: 测试〔2024〕1号 十三（县级55%）}\n",
        "sel.yaml");
    CHECK(rs != NULL, "rows by facility and category load");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* a pharmacy claim prescribed at a secondary hospital: 100 x 50% */
    mb_claim *c = fx_claim("P1", 20240301, MB_MED_PHARMACY, "D1", MB_LEVEL_PHARMACY, YUAN(100));
    CHECK_RC(mb_claim_set_prescriber(c, "H9", MB_LEVEL_SECONDARY, err), MB_OK, "prescriber");
    pays(rs, e, c, YUAN(50), "a pharmacy claim: its prescriber's level, secondary");
    /* a general outpatient claim at a pharmacy, the same prescriber: 100 x 50% */
    c = fx_claim("P2", 20240302, MB_MED_GENERAL_OUTPATIENT, "D1", MB_LEVEL_PHARMACY, YUAN(100));
    CHECK_RC(mb_claim_set_prescriber(c, "H9", MB_LEVEL_SECONDARY, err), MB_OK, "prescriber");
    pays(rs, e, c, YUAN(50), "a claim at a pharmacy's level: its prescriber's level too");
    /* a primary facility of categories the ruleset does not list: the level's 60%, whatever
     * the category's name */
    static const char *const unlisted[] = {"乡镇卫生院", "村卫生室", "民营医院", "class_1", "x", "y"};
    for (size_t i = 0; i < sizeof unlisted / sizeof unlisted[0]; i++) {
        char id[8];
        snprintf(id, sizeof id, "U%zu", i);
        c = fx_claim(id, 20240310, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY, YUAN(100));
        CHECK_RC(mb_claim_set_facility_category(c, unlisted[i], err), MB_OK, "a category");
        pays(rs, e, c, YUAN(60), unlisted[i]);
    }
    /* and a listed one: 100 x 70% */
    c = fx_claim("L1", 20240311, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY, YUAN(100));
    CHECK_RC(mb_claim_set_facility_category(c, "community", err), MB_OK, "community");
    pays(rs, e, c, YUAN(70), "a listed category: its row");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A layer of a disease group choosing by age needs the birth date for the claims it takes,
 * those of the catalogue's first disease included, and only those. */
static void age_rows_of_a_group_s_layer(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "catalogue:\n"
        "  - {code: D1, name: 恶性肿瘤, group: special}\n"
        "  - {code: D2, name: 高血压}\n"
        "layers:\n"
        "  - id: special\n"
        "    cite: 测试〔2024〕1号 十四\n"
        "    med_types: [chronic]\n"
        "    disease_group: special\n"
        "    fund: pooling\n"
        "    ratio:\n"
        "      - {all: 50%, cite: 测试〔2024〕1号 十四（50%）}\n"
        "      - {age: \"0-17\", all: 60%, cite: 测试〔2024〕1号 十四（未成年人60%）}\n", "sel.yaml");
    CHECK(rs != NULL, "a group's layer by age loads");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(settle_claim(rs, e, chronic_claim("A1", 20240301, "恶性肿瘤", YUAN(1000))),
             MB_E_INVALID_ARGUMENT, "恶性肿瘤, which the layer takes: no birth date, no row");
    CHECK_RC(settle_claim(rs, e, chronic_claim("A2", 20240301, "高血压", YUAN(1000))), MB_OK,
             "高血压, which no layer takes, needs none");
    CHECK(mb_result_covered(res) == 0, "and is not covered");
    CHECK_RC(mb_enrollee_set_birth_date(e, 19800615, err), MB_OK, "birth date");
    pays(rs, e, chronic_claim("A3", 20240301, "恶性肿瘤", YUAN(1000)), YUAN(500), "an adult: 1000 x 50%");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* Disease caps (disease_caps: true) on a layer that does not require a certified disease, with
 * caps that stack for the chronic group (the highest in full, the next at 50%, no more): a
 * disease's whole-disease caps chosen by date; a disease capped without limit, one capped by
 * treatment line only (ranked by that cap), one without caps, one not certified. */
static void disease_caps_ranked_and_dated(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "catalogue_rules:\n"
        "  stacking: {group: chronic, partial_count: 1, partial_ratio: 50%, cite: 测试〔2024〕1号 十五}\n"
        "catalogue:\n"
        "  - {code: D1, name: 高血压, caps: [{all: 2000}, {from: 2024-07-01, all: 2500}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D2, name: 糖尿病, caps: [{all: unlimited}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D3, name: 冠心病, caps: [{line: 药物维持治疗, all: 1500}], cite: 测试〔2024〕1号 八}\n"
        "  - {code: D4, name: 哮喘, cite: 测试〔2024〕1号 八}\n"
        "  - {code: D5, name: 心力衰竭, caps: [{all: 800}], cite: 测试〔2024〕1号 八}\n"
        "layers:\n"
        "  - id: chronic\n"
        "    cite: 测试〔2024〕1号 九\n"
        "    med_types: [chronic]\n"
        "    fund: pooling\n"
        "    disease_caps: true\n"
        "    ratio: [{all: 100%, cite: 测试〔2024〕1号 九}]\n", "sel.yaml");
    CHECK(rs != NULL, "disease caps without a certified-disease requirement load");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    const char *held[] = {"高血压", "糖尿病", "冠心病"};
    for (int k = 0; k < 3; k++)
        CHECK_RC(mb_enrollee_add_disease(e, held[k], 20240101, 0, err), MB_OK, "certified");
    static const struct {
        const char *id;
        int32_t date;
        const char *disease, *line;
        int64_t fen, pays;
        const char *why;
    } claims[] = {
        /* ranked by their caps: 糖尿病 (unlimited) first, in full; 高血压 (2000) next, at 50%;
         * 冠心病 (ranked by its one line cap, 1500) third: not covered (十五) */
        {"K1", 20240301, "高血压", NULL, YUAN(3000), YUAN(1000), "2000 x 50% = 1000"},
        {"K2", 20240801, "高血压", NULL, YUAN(3000), YUAN(250),
         "the dated cap from 07-01: 2500 x 50% = 1250, less the 1000 paid"},
        {"K3", 20240301, "糖尿病", NULL, YUAN(5000), YUAN(5000), "no limit: 5000 x 100%"},
        {"K3b", 20240401, "糖尿病", NULL, YUAN(3000), YUAN(3000), "no limit still: 3000"},
        {"K4", 20240301, "冠心病", "药物维持治疗", YUAN(1000), 0, "third in rank: stacks nothing"},
        /* no caps, no disease, not certified (its own cap, in full: it stacks on nothing) */
        {"K5", 20240301, "哮喘", NULL, YUAN(1000), YUAN(1000), "a disease without caps: 1000"},
        {"K6", 20240301, NULL, NULL, YUAN(1000), YUAN(1000), "no disease: 1000"},
        {"K7", 20240301, "心力衰竭", NULL, YUAN(1000), YUAN(800), "not certified: its cap, 800"},
    };
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
        mb_claim *c = fx_claim(claims[i].id, claims[i].date, MB_MED_CHRONIC, "H1",
                               MB_LEVEL_SECONDARY, claims[i].fen);
        if (claims[i].disease)
            CHECK_RC(mb_claim_set_disease(c, claims[i].disease, claims[i].line, err), MB_OK,
                     "disease");
        pays(rs, e, c, claims[i].pays, claims[i].why);
    }
    /* a disease without a limit still counts what was paid for it: 5000 + 3000 */
    int64_t paid = -1;
    CHECK_RC(mb_enrollee_accumulator_checked(e, rs, "disease.D2.paid", 2024, &paid, err), MB_OK,
             "糖尿病's figure");
    CHECK_FEN(paid, YUAN(8000), "both claims of the unlimited disease counted");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A group defined by a condition alone (`certified: special`): a person holding a covered
 * disease of the special group. One whose special disease has not started, or whose only
 * disease is chronic, is not a member. */
static void group_by_certified_disease(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "groups:\n"
        "  - {name: special_certificate, certified: special, cite: 测试〔2024〕1号 十六}\n"
        "catalogue_rules:\n"
        "  start: {value: next_month, cite: 测试〔2024〕1号 十七}\n"
        "catalogue:\n"
        "  - {code: D1, name: 高血压, cite: 测试〔2024〕1号 八}\n"
        "  - {code: D6, name: 肿瘤, group: special, cite: 测试〔2024〕1号 八}\n"
        "layers:\n"
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕1号 十三\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    ratio:\n"
        "      - {all: 70%, cite: 测试〔2024〕1号 十三（70%）}\n"
        "      - {group: special_certificate, all: 90%, cite: 测试〔2024〕1号 十六（90%）}\n",
        "sel.yaml");
    CHECK(rs != NULL, "a group by certified disease loads");
    if (rs == NULL)
        return;
    static const struct {
        const char *disease;
        int32_t certified;
        int64_t pays;
        const char *why;
    } people[] = {
        /* 肿瘤 certified 2024-02-10, in benefit from 03-01: a member on 03-20, 1000 x 90% */
        {"肿瘤", 20240210, YUAN(900), "a covered special disease: the group's 90%"},
        /* 肿瘤 certified 03-10, in benefit from 04-01: not yet, 1000 x 70% */
        {"肿瘤", 20240310, YUAN(700), "a special disease not yet started: 70%"},
        /* 高血压 alone: a chronic disease, 70% */
        {"高血压", 20240210, YUAN(700), "a chronic disease only: 70%"},
    };
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        CHECK_RC(mb_enrollee_certify(e, rs, people[i].disease, people[i].certified, err), MB_OK,
                 "certified");
        mb_claim *c = fx_claim("G", 20240320, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_SECONDARY,
                               YUAN(1000));
        pays(rs, e, c, people[i].pays, people[i].why);
        mb_enrollee_free(e);
    }
    mb_ruleset_free(rs);
}

/* A top-up within all the person still pays (top_up_within: total) pays no more than that: the
 * claim's total less the funds so far and what the account paid before the deductible counted. */
static void top_up_within_total_room(void)
{
    mb_ruleset *rs = fx_ruleset_text(
        "id: sel\n"
        "title: 选择器测试\n"
        "document: 测试〔2024〕1号\n"
        "tier: basic\n"
        "effective_from: 2024-01-01\n"
        "schemes: [employee]\n"
        "account: {value: first, cite: 测试〔2024〕1号 一（个人账户先行支付）}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2024〕1号 二}\n" FX_POOLING_FUND
        "layers:\n"
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕1号 三\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕1号 四}]\n"
        "  - id: floor\n"
        "    cite: 测试〔2024〕1号 十二\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    top_up_of: total\n"
        "    top_up_within: total\n"
        "    top_up: [{all: 90%, cite: 测试〔2024〕1号 十二（实际报销达90%）}]\n", "sel.yaml");
    CHECK(rs != NULL, "a top-up within the total loads");
    if (rs == NULL)
        return;
    /* 1000 with 300 in the account: the account pays 300 first; (1000 - 300) x 50% = 350; the
     * floor wants 1000 x 90% - 350 = 550, but the person still pays only 1000 - 350 - 300 = 350
     * (what the account paid is not theirs to be topped up again): 350, the pooling fund 700 */
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(300));
    pays(rs, e, fx_admission("I", 20240301, 20240310, "H1", MB_LEVEL_TERTIARY, YUAN(1000)),
         YUAN(700), "350 and a top-up of 350, within what the person still pays");
    CHECK_FEN(amt(MB_AMT_ACCT_PAY), YUAN(300), "the account's 300");
    CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), 0, "nothing left in cash");
    CHECK(fx_traced(res, "account.first", "测试〔2024〕1号 一（个人账户先行支付）"),
          "the account's first payment is traced");
    mb_enrollee_free(e);
    /* an empty account pays nothing first, and no step says it did: 1000 x 50% = 500, topped
     * up to 900 within the 500 the person still pays: 400 */
    e = fx_enrollee("E2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    pays(rs, e, fx_admission("J", 20240301, 20240310, "H1", MB_LEVEL_TERTIARY, YUAN(1000)),
         YUAN(900), "500 and a top-up of 400");
    CHECK(!fx_traced(res, "account.first", NULL), "no step for an account that paid nothing");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A top-up layer (保底/托底): what brings the claim's funds to a target share of its policy-scope
 * cost; pharmacy claims at a fixed class; the class B first self-pay and 个人先自付 by area. */
static void top_up_pharmacy_first_selfpay(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "first_selfpay:\n"
        "  - {area: out_of_city, from: 2024-03-01, all: 10%, cite: 测试〔2024〕1号 十一（个人先自付10%）}\n"
        "layers:\n"
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕1号 三\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    deductible: [{all: 1000, scope: admission, cite: 测试〔2024〕1号 三}]\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕1号 四}]\n"
        "  - id: floor\n"
        "    cite: 测试〔2024〕1号 十二\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    top_up:\n"
        "      - {all: 45%, cite: 测试〔2024〕1号 十二（保底45%）}\n"
        "      - {area: out_of_province, all: 40%, cite: 测试〔2024〕1号 十二（省外40%）}\n"
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕1号 十三\n"
        "    med_types: [general_outpatient, pharmacy]\n"
        "    fund: pooling\n"
        "    pharmacy: {as: primary, cite: 测试〔2024〕1号 十三（药店按一级执行）}\n"
        "    ratio:\n"
        "      - {facility: primary, all: 70%, cite: 测试〔2024〕1号 十三（一级70%）}\n"
        "      - {facility: tertiary, all: 50%, cite: 测试〔2024〕1号 十三（三级50%）}\n", "sel.yaml");
    CHECK(rs != NULL, "top-up, pharmacy and first_selfpay load");
    if (rs == NULL)
        return;
    /* 2000: (2000 - 1000) x 50% = 500, 25%; the floor tops it up to 2000 x 45% = 900: 400 */
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_claim *c = fx_admission("I", 20240125, 20240201, "H1", MB_LEVEL_TERTIARY, YUAN(2000));
    pays(rs, e, c, YUAN(900), "500, topped up to 45% of 2000");
    CHECK(fx_traced(res, "floor.top_up", "测试〔2024〕1号 十二（保底45%）"), "the top-up cites its row");
    /* 10000: 1000 + 9000 x 50% = 4500, 45% already: nothing to top up */
    c = fx_admission("J", 20240225, 20240301, "H1", MB_LEVEL_TERTIARY, YUAN(10000));
    pays(rs, e, c, YUAN(4500), "(10000 - 1000) x 50% = 45%: no top-up");
    /* out of the city from 03-01: 10% first (个人先自付), 2000 x 90% = 1800 in scope;
     * (1800 - 1000) x 50% = 400, topped to 1800 x 45% = 810 */
    c = flagged("K", 20240401, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, YUAN(2000), MB_CLAIM_OUT_OF_AREA);
    CHECK_RC(mb_claim_set_admission(c, 20240325, 20240401, err), MB_OK, "admission");
    CHECK_RC(settle_claim(rs, e, c), MB_OK, "out-of-city admission");
    CHECK_FEN(amt(MB_AMT_PRESELFPAY), YUAN(200), "10% of 2000 first");
    CHECK_FEN(amt(MB_AMT_INSCP_SCP), YUAN(1800), "1800 in scope");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(810), "400, topped up to 45% of 1800");
    /* the same admission settled upstream: the platform's policy-scope cost (1800) already
     * leaves out what the person paid first, so no first self-pay is taken again; the 200 the
     * total holds beyond it is over the price limits */
    c = flagged("K2", 20240402, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, YUAN(2000), MB_CLAIM_OUT_OF_AREA);
    CHECK_RC(mb_claim_set_admission(c, 20240325, 20240402, err), MB_OK, "admission");
    CHECK_RC(mb_claim_set_upstream(c, YUAN(1800), YUAN(810), -1, err), MB_OK, "upstream");
    CHECK_RC(settle_claim(rs, e, c), MB_OK, "settled upstream");
    CHECK_FEN(amt(MB_AMT_PRESELFPAY), 0, "no first self-pay on the platform's amounts");
    CHECK_FEN(amt(MB_AMT_OVERLMT_SELFPAY), YUAN(200), "2000 - 1800");
    /* a pharmacy claim prescribed at a tertiary hospital: as primary, 100 x 70% */
    c = NULL;
    CHECK_RC(mb_claim_new(&c, "P", 20240501, MB_MED_PHARMACY, "D1", MB_LEVEL_PHARMACY, err),
             MB_OK, "pharmacy claim");
    CHECK_RC(mb_claim_add_item(c, YUAN(100), MB_CLASS_A, -1, err), MB_OK, "item");
    CHECK_RC(mb_claim_set_prescriber(c, "H9", MB_LEVEL_TERTIARY, err), MB_OK, "prescriber");
    pays(rs, e, c, YUAN(70), "the primary ratio, not the prescriber's 50%");
    CHECK(fx_traced(res, "outpatient.pharmacy", "测试〔2024〕1号 十三（药店按一级执行）"),
          "the trace says why");
    /* a general outpatient claim whose facility is a pharmacy: also as primary, 100 x 70% */
    c = fx_claim("Q", 20240502, MB_MED_GENERAL_OUTPATIENT, "D1", MB_LEVEL_PHARMACY, YUAN(100));
    pays(rs, e, c, YUAN(70), "a pharmacy is primary for this layer: 70%");
    CHECK(fx_traced(res, "outpatient.pharmacy", "测试〔2024〕1号 十三（药店按一级执行）"),
          "the trace says why");
    /* a general outpatient claim at a primary hospital: 70%, and no pharmacy step */
    c = fx_claim("R", 20240503, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY, YUAN(100));
    pays(rs, e, c, YUAN(70), "a hospital claim at its own level");
    CHECK(!fx_traced(res, "outpatient.pharmacy", NULL), "no pharmacy step for a hospital claim");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* More refusals, each located to the selector at fault. */
static void refused_selectors(void)
{
    static const struct {
        const char *rows, *key, *why;
    } cases[] = {
        {"{all: 50%, group: nobody}", "layers[0].ratio[0].group", "an undeclared group"},
        {"{all: 50%, disease: 感冒}", "layers[0].ratio[0].disease", "a disease not in the catalogue"},
        {"{all: 50%, disease_group: dialysis}", "layers[0].ratio[0].disease_group",
         "a catalogue group no entry is in"},
        {"{all: 50%, category: community}", "layers[0].ratio[0].category",
         "an undeclared facility category"},
        {"{all: 50%, age: \"60-17\"}", "layers[0].ratio[0].age", "an age band out of order"},
        {"{all: 50%, area: abroad}", "layers[0].ratio[0].area", "an unknown area"},
        {"{all: 50%, claim_type: dental}", "layers[0].ratio[0].claim_type", "an unknown claim type"},
        {"{all: 50%, value: 60%}", "layers[0].ratio[0].value", "value and all both given"},
        {"{all: 50%, age: x}", "layers[0].ratio[0].age", "an age band of no number"},
        {"{all: 50%, age: \"1-2-3\"}", "layers[0].ratio[0].age", "an age band of two dashes"},
        {"{all: 50%, age: \"-\"}", "layers[0].ratio[0].age", "an age band of a dash alone"},
        {"{all: 50%, age: \"200\"}", "layers[0].ratio[0].age", "an age past 150"},
        {"{all: 50%, age: \"200-\"}", "layers[0].ratio[0].age", "an open band from past 150"},
        {"{all: 50%, age: \"-200\"}", "layers[0].ratio[0].age", "an open band to past 150"},
    };
    /* a disease's caps: one per line and selectors; a dated second is a revision of it */
    const char *two = HEAD
        "catalogue:\n"
        "  - code: D1\n"
        "    name: 肿瘤\n"
        "    caps:\n"
        "      - {line: 放化疗, all: 1000}\n"
        "      - {line: 放化疗, all: 2000}\n"
        "    cite: 测\n"
        "layers:\n  - {id: l, cite: 测, med_types: [chronic], fund: pooling, ratio: [{all: 50%}]}\n";
    CHECK_RC(refuse_text(two), MB_E_RULESET, "two caps of one line, equally chosen");
    CHECK(strcmp(mb_error_key(err), "catalogue[0].caps[1].line") == 0, "the second is located");
    mb_ruleset *ok = fx_ruleset_text(HEAD
        "catalogue:\n"
        "  - code: D1\n"
        "    name: 肿瘤\n"
        "    caps:\n"
        "      - {line: 放化疗, all: 1000}\n"
        "      - {line: 放化疗, from: 2024-07-01, all: 2000}\n"
        "    cite: 测\n"
        "layers:\n  - {id: l, cite: 测, med_types: [chronic], fund: pooling, ratio: [{all: 50%}]}\n",
        "sel.yaml");
    CHECK(ok != NULL, "a dated cap of the same line is a revision, not a second cap");
    mb_ruleset_free(ok);
    /* a chronic layer at 50%, then what each check below gives it */
#define CHRONIC_L HEAD "layers:\n  - id: l\n    cite: 测\n    med_types: [chronic]\n    fund: pooling\n"
    /* a raise by a number of diseases adds an amount; "unlimited" is none */
    fx_refused(CHRONIC_L "    ratio: [{all: 50%}]\n    cap:\n      values: [{all: 1000}]\n"
                         "      raise: {min_diseases: 2, amount: unlimited, cite: 测}\n",
               "sel.yaml", MB_E_SCHEMA, "layers[0].cap.raise.amount", NULL, 0,
               "a raise of an unlimited amount");
    /* an age band's ends are whole years 0 to 150, both taken */
    mb_ruleset *ages = fx_ruleset_text(CHRONIC_L
        "    ratio: [{all: 50%}, {age: \"0\", all: 90%}, {age: \"150\", all: 80%},\n"
        "            {age: \"0-150\", all: 60%}, {age: \"-0\", all: 70%}]\n", "sel.yaml");
    CHECK(ages != NULL, "age bands at 0 and at 150 load");
    mb_ruleset_free(ages);
    /* a band starts above an amount; "unlimited" is none (it would start at 0) */
    fx_refused(CHRONIC_L "    ratio: [{all: 50%}]\n    bands: [{up_to: 1000}, {above: unlimited, all: 80%}]\n",
               "sel.yaml", MB_E_SCHEMA, "layers[0].bands[1].above", NULL, 0,
               "a band above an unlimited amount");
#undef CHRONIC_L
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "%slayers:\n  - id: l\n    cite: 测\n    med_types: [inpatient]\n"
                 "    fund: pooling\n    ratio: [%s]\n", HEAD, cases[i].rows);
        fx_refused(text, "sel.yaml", 0, cases[i].key, NULL, 16, cases[i].why);
    }
}

int main(void)
{
    err = mb_error_new();
    CHECK_RC(mb_result_new(&res, err), MB_OK, "result");
    deductible_by_facility();
    cap_by_facility();
    refused_where_not_honoured();
    claim_selectors();
    any_inpatient();
    person_groups();
    one_category_by_claim_type();
    cap_growth();
    top_up_pharmacy_first_selfpay();
    top_up_within_total_room();
    rows_by_disease_newest_first();
    class_b_first_selfpay_rows();
    class_b_rows_by_disease_group_and_age();
    pharmacy_by_prescriber_and_unlisted_categories();
    age_rows_of_a_group_s_layer();
    disease_caps_ranked_and_dated();
    group_by_certified_disease();
    refused_selectors();
    mb_result_free(res);
    mb_error_free(err);
    return check_summary();
}
