/* The tilt and a cap's raise as tables of rows (lib/compile_groups.c, lib/compile_layers.c):
 * their own values are the default row; `rows` choose others where their selectors match (a
 * group among the tilt's categories, a date, a facility, a scheme …), each value not given
 * inherited from the default; the most specific row applies, then the latest in force. Rulesets
 * are inline; every amount is worked by hand in the comments. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;
static mb_result *res;

#define HEAD FX_RULESET_HEAD("rows", "行表测试", "测试〔2024〕9号")

static int settle(const mb_ruleset *rs, mb_enrollee *e, int32_t date, int med, int level,
                  int32_t admitted, int64_t fen, const char *disease)
{
    return fx_settle_one(res, rs, e, date, med, level, admitted, fen, disease, err);
}

static int64_t amt(int which) { return mb_result_amount(res, which); }

/* The tilt: 特困 (extreme_poverty) and 低保 (minimum_living); by default the deductible halved,
 * +5 points, capped; for 特困 a row: the deductible waived, +10 points, uncapped; from
 * 2024-07-01 a dated row: +8 points for everyone tilted. */
static void tilt_rows(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "tilt:\n"
        "  categories: [extreme_poverty, minimum_living]\n"
        "  deductible_ratio: 50%\n"
        "  ratio_points: 5\n"
        "  cite: 测试〔2024〕9号 五（起付线降低50%，支付比例提高5个百分点）\n"
        "  rows:\n"
        "    - {group: extreme_poverty, deductible_ratio: 0%, ratio_points: 10, uncapped: true,\n"
        "       cite: 测试〔2024〕9号 五（特困人员免起付线，提高10个百分点，不设封顶线）}\n"
        "    - {from: 2024-07-01, ratio_points: 8, cite: 测试〔2024〕9号 六（7月起提高8个百分点）}\n"
        "layers:\n"
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕9号 三\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    tilt: true\n"
        "    ratio: [{all: 60%, cite: 测试〔2024〕9号 四}]\n"
        "    deductible: [{all: 1000, cite: 测试〔2024〕9号 三（起付线1000元）}]\n"
        "    cap: {values: [{all: 5000, cite: 测试〔2024〕9号 七（年度限额5000元）}]}\n",
        "rows.yaml");
    if (rs == NULL)
        return;
    /* 低保: the default row. Deductible 1000 x 50% = 500; (10000 - 500) x 65% = 6175, capped at
     * 5000 */
    mb_enrollee *low = fx_enrollee("LOW", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_assistance(low, "minimum_living", 20240101, 0, err), MB_OK,
             "低保");
    CHECK_RC(settle(rs, low, 20240310, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240301, YUAN(10000),
                    NULL), MB_OK, "低保, March");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(500), "1000 x 50%");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(5000), "(10000 - 500) x 65% = 6175, capped at 5000");
    CHECK(fx_traced(res, "inpatient.tilt", "测试〔2024〕9号 五（起付线降低50%，支付比例提高5个百分点）"),
          "the default row's clause");
    /* 特困: its row. No deductible; 10000 x 70% = 7000, uncapped */
    mb_enrollee *poor = fx_enrollee("POOR", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_assistance(poor, "extreme_poverty", 20240101, 0, err), MB_OK,
             "特困");
    CHECK_RC(settle(rs, poor, 20240310, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240301, YUAN(10000),
                    NULL), MB_OK, "特困, March");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "1000 x 0%");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(7000), "10000 x (60% + 10 points), no cap");
    CHECK(fx_traced(res, "inpatient.tilt",
                    "测试〔2024〕9号 五（特困人员免起付线，提高10个百分点，不设封顶线）"),
          "the 特困 row's clause");
    /* 低保 from July: the dated row (as specific as the default, later in force): +8 points,
     * the deductible ratio inherited (50%): 500; (2000 - 500) x 68% = 1020 */
    mb_enrollee *july = fx_enrollee("JULY", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_assistance(july, "minimum_living", 20240101, 0, err), MB_OK,
             "低保");
    CHECK_RC(settle(rs, july, 20240810, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240801, YUAN(2000),
                    NULL), MB_OK, "低保, August");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(500), "1000 x 50%, inherited");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(1020), "(2000 - 500) x (60% + 8 points)");
    /* 特困 in August: its row is more specific than the dated one: still +10 */
    CHECK_RC(settle(rs, poor, 20240810, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240801, YUAN(1000),
                    NULL), MB_OK, "特困, August");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(700), "1000 x 70%: the group row is the more specific");
    /* no category: no tilt. 1000; (2000 - 1000) x 60% = 600 */
    mb_enrollee *none = fx_enrollee("NONE", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(settle(rs, none, 20240810, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240801, YUAN(2000),
                    NULL), MB_OK, "no category");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(600), "(2000 - 1000) x 60%");
    CHECK(!fx_traced(res, "inpatient.tilt", NULL), "no tilt step");
    mb_enrollee_free(low);
    mb_enrollee_free(poor);
    mb_enrollee_free(july);
    mb_enrollee_free(none);
    mb_ruleset_free(rs);
}

/* A cap's raise: +300 per disease beyond the first up to 4500 by default; for chronic care at a
 * tertiary facility a row: +500 each, the ceiling inherited; from 2024-07-01 a dated row: +400. */
static void raise_rows(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "catalogue:\n"
        "  - {code: D1, name: 糖尿病, cite: 测试〔2024〕9号 八}\n"
        "  - {code: D2, name: 高血压, cite: 测试〔2024〕9号 八}\n"
        "  - {code: D3, name: 冠心病, cite: 测试〔2024〕9号 八}\n"
        "layers:\n"
        "  - id: chronic\n"
        "    cite: 测试〔2024〕9号 八\n"
        "    med_types: [chronic]\n"
        "    requires: [certified_disease]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 100%, cite: 测试〔2024〕9号 八}]\n"
        "    cap:\n"
        "      values: [{all: 3000, cite: 测试〔2024〕9号 八（年度限额3000元）}]\n"
        "      raise:\n"
        "        each: 300\n"
        "        ceiling: 4500\n"
        "        cite: 测试〔2024〕9号 九（每增加一种病增加300元，最高4500元）\n"
        "        rows:\n"
        "          - {claim_type: chronic, facility: tertiary, each: 500,\n"
        "             cite: 测试〔2024〕9号 九（三级医院每增加一种病增加500元）}\n"
        "          - {from: 2024-07-01, each: 400, cite: 测试〔2024〕9号 十（7月起每种增加400元）}\n",
        "rows.yaml");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("CHRONIC", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20240101, 0, err), MB_OK, "糖尿病");
    CHECK_RC(mb_enrollee_add_disease(e, "高血压", 20240101, 0, err), MB_OK, "高血压");
    CHECK_RC(mb_enrollee_add_disease(e, "冠心病", 20240101, 0, err), MB_OK, "冠心病");
    /* primary, March: the default, 3000 + 2 x 300 = 3600 */
    CHECK_RC(settle(rs, e, 20240310, MB_MED_CHRONIC, MB_LEVEL_PRIMARY, 0, YUAN(10000), "糖尿病"),
             MB_OK, "primary, March");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(3600), "3000 + 2 x 300");
    CHECK(fx_traced(res, "chronic.cap.raise", "测试〔2024〕9号 九（每增加一种病增加300元，最高4500元）"),
          "the default raise's clause");
    mb_enrollee *t = fx_enrollee("TERTIARY", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(t, "糖尿病", 20240101, 0, err), MB_OK, "糖尿病");
    CHECK_RC(mb_enrollee_add_disease(t, "高血压", 20240101, 0, err), MB_OK, "高血压");
    CHECK_RC(mb_enrollee_add_disease(t, "冠心病", 20240101, 0, err), MB_OK, "冠心病");
    /* tertiary: its row, 3000 + 2 x 500 = 4000, the ceiling of 4500 inherited */
    CHECK_RC(settle(rs, t, 20240310, MB_MED_CHRONIC, MB_LEVEL_TERTIARY, 0, YUAN(10000), "糖尿病"),
             MB_OK, "tertiary, March");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(4000), "3000 + 2 x 500");
    CHECK(fx_traced(res, "chronic.cap.raise", "测试〔2024〕9号 九（三级医院每增加一种病增加500元）"),
          "the tertiary row's clause");
    /* primary, August: the dated row, 3000 + 2 x 400 = 3800, of which 3600 was paid: 200 */
    CHECK_RC(settle(rs, e, 20240810, MB_MED_CHRONIC, MB_LEVEL_PRIMARY, 0, YUAN(10000), "糖尿病"),
             MB_OK, "primary, August");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(200), "3000 + 2 x 400 = 3800, less 3600 paid");
    mb_enrollee_free(e);
    mb_enrollee_free(t);
    mb_ruleset_free(rs);
}

/* What is refused at load, located: a row that names nowhere, a selector the tilt itself does
 * not take (its categories are its groups). */
static void refused(void)
{
    static const struct {
        const char *text, *key, *message;
    } cases[] = {
        {HEAD "tilt: {categories: [orphan], ratio_points: 5, cite: c, rows: [{ratio_points: 8}]}\n"
              "layers:\n  - {id: l, cite: c, med_types: [inpatient], fund: pooling, tilt: true, "
              "ratio: [{all: 50%}]}\n",
         "tilt.rows[0]", "a tilt row names where it applies"},
        {HEAD "tilt: {categories: [orphan], group: orphan, ratio_points: 5, cite: c}\n"
              "layers:\n  - {id: l, cite: c, med_types: [inpatient], fund: pooling, tilt: true, "
              "ratio: [{all: 50%}]}\n",
         "tilt.group", "its categories are its groups"},
        {HEAD "layers:\n  - {id: l, cite: c, med_types: [chronic], fund: pooling, ratio: [{all: 50%}],\n"
              "     cap: {values: [{all: 100}], raise: {each: 10, rows: [{each: 20}]}}}\n",
         "layers[0].cap.raise.rows[0]", "a raise row names where it applies"},
        {HEAD "layers:\n  - {id: l, cite: c, med_types: [chronic], fund: pooling, ratio: [{all: 50%}],\n"
              "     cap: {values: [{all: 100}], raise: {each: 10, rows: [{nth: \"2\", each: 20}]}}}\n",
         "layers[0].cap.raise.rows[0].nth", "raise rows"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        fx_refused(cases[i].text, "rows.yaml", 0, cases[i].key, cases[i].message, 0, cases[i].message);
}

/* A layer that requires an assistance identity (assistance_identity): a category row, or the
 * tilt, is one. A tilt in force from a date (its own `from`) tilts nothing before it; a person
 * whose only category has no category row is taken by the tilt alone; with no categories
 * block at all, the tilt alone decides. */
static void assistance_by_tilt_alone(void)
{
    static const char layers[] =
        "tilt:\n"
        "  categories: [extreme_poverty, minimum_living]\n"
        "  ratio_points: 10\n"
        "  from: 2024-07-01\n"
        "  cite: 测试〔2024〕9号 十（7月起提高10个百分点）\n"
        "layers:\n"
        "  - id: assist\n"
        "    cite: 测试〔2024〕9号 十一\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    requires: [assistance_identity]\n"
        "    tilt: true\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕9号 十一（50%）}]\n";
    for (int with_categories = 1; with_categories >= 0; with_categories--) {
        char text[4096];
        snprintf(text, sizeof text, "%s%s%s", HEAD,
                 with_categories ? "categories:\n  - {name: minimum_living, ratio: 70%, "
                                   "cite: 测试〔2024〕9号 十二（低保70%）}\n"
                                 : "",
                 layers);
        mb_ruleset *rs = fx_ruleset_text(text, "rows.yaml");
        if (rs == NULL)
            return;
        mb_enrollee *low = fx_enrollee("LOW", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        CHECK_RC(mb_enrollee_add_assistance(low, "minimum_living", 20240101, 0, err), MB_OK,
                 "低保");
        mb_enrollee *poor = fx_enrollee("POOR", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        CHECK_RC(mb_enrollee_add_assistance(poor, "extreme_poverty", 20240101, 0, err), MB_OK,
                 "特困");
        /* 低保 in March, before the tilt: with its category row, 1000 x 50% = 500 (the layer's
         * own ratio); without categories, no identity the layer takes */
        CHECK_RC(settle(rs, low, 20240310, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240301,
                        YUAN(1000), NULL), MB_OK, "低保, March");
        CHECK(mb_result_covered(res) == with_categories, "covered by the category row alone");
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), with_categories ? YUAN(500) : 0, "1000 x 50%, no tilt");
        CHECK(!fx_traced(res, "assist.tilt", NULL), "the tilt is not yet in force");
        /* 特困 in March: no category row, no tilt yet: not covered, all 1000 in cash */
        CHECK_RC(settle(rs, poor, 20240310, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240301,
                        YUAN(1000), NULL), MB_OK, "特困, March");
        CHECK(mb_result_covered(res) == 0, "neither a category row nor the tilt");
        CHECK_FEN(amt(MB_AMT_PSN_CASH_PAY), YUAN(1000), "all cash");
        /* 特困 in August: the tilt takes the person: 1000 x (50% + 10 points) = 600 */
        CHECK_RC(settle(rs, poor, 20240810, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240801,
                        YUAN(1000), NULL), MB_OK, "特困, August");
        CHECK(mb_result_covered(res) == 1, "the tilt is an assistance identity");
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(600), "1000 x (50% + 10 points)");
        CHECK(fx_traced(res, "assist.tilt", "测试〔2024〕9号 十（7月起提高10个百分点）"),
              "the tilt's clause");
        mb_enrollee_free(low);
        mb_enrollee_free(poor);
        mb_ruleset_free(rs);
    }
}

int main(void)
{
    err = mb_error_new();
    CHECK_RC(mb_result_new(&res, err), MB_OK, "result");
    tilt_rows();
    raise_rows();
    refused();
    assistance_by_tilt_alone();
    mb_result_free(res);
    mb_error_free(err);
    return check_summary();
}
