/* Deductible scopes (lib/deductible.c): once a year topping up to the level used (补差) in any
 * order of visits, once a year at the first level, per visit, per admission, per day; the nth
 * admission's share and its floor; an annual ceiling; act_pay_dedc as what this claim paid.
 * Rulesets are inline; every amount is worked by hand in the comments. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;
static mb_result *res;

#define HEAD FX_RULESET_HEAD("ded", "起付线测试", "测试〔2024〕3号") "layers:\n"

/* Settle a claim of one class A item; `admitted` 0 for an outpatient claim. */
static int settle(const mb_ruleset *rs, mb_enrollee *e, int32_t date, int med, int level,
                  int32_t admitted, int64_t fen)
{
    return fx_settle_one(res, rs, e, date, med, level, admitted, fen, NULL, err);
}

static int64_t amt(int which) { return mb_result_amount(res, which); }

/* A claim the tests settle in a sequence on one enrollee (an inpatient claim when `admitted`),
 * and what it must pay: its deductible (act_pay_dedc) and the pooling fund's part (hifp_pay). */
typedef struct visit {
    int32_t date;
    int med, level;
    int32_t admitted;
    int64_t fen, deductible, fund;
    const char *why;
} visit;

/* Settle `v[0..n)` in order on `e`: each settles, paying its deductible and fund part. */
static void settle_in_order(const mb_ruleset *rs, mb_enrollee *e, const visit *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        CHECK_RC(settle(rs, e, v[i].date, v[i].med, v[i].level, v[i].admitted, v[i].fen), MB_OK,
                 v[i].why);
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), v[i].deductible, v[i].why);
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), v[i].fund, v[i].why);
    }
}
#define SETTLE_IN_ORDER(rs, e, visits) settle_in_order(rs, e, visits, sizeof visits / sizeof visits[0])
#define INPATIENT_AT(level, admitted, settled) (settled), MB_MED_INPATIENT, (level), (admitted)

/* The admissions the inpatient layer charged a deductible for in 2024 (its count). */
static int64_t admissions_charged(const mb_enrollee *e, const mb_ruleset *rs)
{
    int64_t count = -1;
    CHECK_RC(mb_enrollee_accumulator_checked(e, rs, "inpatient.deductible.count", 2024, &count, err),
             MB_OK, "the admissions charged are counted");
    return count;
}

/* The inpatient layer the tests vary: 80% from the pooling fund; each adds its deductible. */
#define INPATIENT                                                                              \
    "  - id: inpatient\n"                                                                      \
    "    cite: 测试〔2024〕3号 三\n"                                                           \
    "    med_types: [inpatient]\n"                                                             \
    "    fund: pooling\n"                                                                      \
    "    ratio: [{all: 80%, cite: 测试〔2024〕3号 四}]\n"

#define LEVELS                                                                                 \
    INPATIENT                                                                                  \
    "    deductible:\n"                                                                        \
    "      - {facility: primary, all: 200, cite: 测试〔2024〕3号 三（一级200元）}\n"           \
    "      - {facility: secondary, all: 500, cite: 测试〔2024〕3号 三（二级500元）}\n"         \
    "      - {facility: tertiary, all: 800, cite: 测试〔2024〕3号 三（三级800元）}\n"

/* 880 per admission (scope: admission), the deductible rows the layers below share */
#define PER_ADMISSION                                                                          \
    "    deductible:\n"                                                                        \
    "      - {all: 880, scope: admission, cite: 测试〔2024〕3号 三（880元/次）}\n"

/* Once a year at the highest level used: moving up tops up the difference (补差), moving down
 * charges nothing, and the year's deductibles come to the highest level's in every order. */
static void top_up_in_any_order(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD LEVELS, "ded.yaml");
    if (rs == NULL)
        return;
    /* primary then tertiary: 200 first; then the tertiary claim tops up 800 - 200 = 600.
     * A deductible read off the year's base (1000 already) would charge the second claim
     * nothing. */
    static const visit up[] = {
        {INPATIENT_AT(MB_LEVEL_PRIMARY, 20240105, 20240110), YUAN(1000), YUAN(200), YUAN(640),
         "primary: 200; (1000 - 200) x 80% = 640"},
        {INPATIENT_AT(MB_LEVEL_TERTIARY, 20240305, 20240310), YUAN(1000), YUAN(600), YUAN(320),
         "tertiary: 補差 800 - 200 already paid = 600; (1000 - 600) x 80% = 320"},
    };
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    SETTLE_IN_ORDER(rs, e, up);
    int64_t paid = -1;
    CHECK_RC(mb_enrollee_accumulator_checked(e, rs, "inpatient.deductible.paid", 2024, &paid, err),
             MB_OK, "the deductible paid is an accumulator of its own");
    CHECK_FEN(paid, YUAN(800), "200 + 600: the tertiary deductible in all");
    mb_enrollee_free(e);

    /* tertiary then primary: deductibles 800 in all, funds 160 + 800 = 960: as above */
    static const visit down[] = {
        {INPATIENT_AT(MB_LEVEL_TERTIARY, 20240105, 20240110), YUAN(1000), YUAN(800), YUAN(160),
         "tertiary: 800; (1000 - 800) x 80% = 160"},
        {INPATIENT_AT(MB_LEVEL_PRIMARY, 20240305, 20240310), YUAN(1000), 0, YUAN(800),
         "primary: moving down charges nothing (200 - 800 < 0); 1000 x 80% = 800"},
    };
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    SETTLE_IN_ORDER(rs, e, down);
    mb_enrollee_free(e);

    /* primary below its deductible, then secondary, then tertiary; a new year starts again */
    static const visit stepwise[] = {
        {INPATIENT_AT(MB_LEVEL_PRIMARY, 20240105, 20240110), YUAN(150), YUAN(150), 0,
         "primary below its deductible: all 150 go to it, nothing past it"},
        {INPATIENT_AT(MB_LEVEL_SECONDARY, 20240205, 20240210), YUAN(1000), YUAN(350), YUAN(520),
         "secondary: 500 - 150 = 350; (1000 - 350) x 80% = 520"},
        {INPATIENT_AT(MB_LEVEL_TERTIARY, 20240305, 20240310), YUAN(1000), YUAN(300), YUAN(560),
         "tertiary: 800 - 500 = 300; (1000 - 300) x 80% = 560"},
        {INPATIENT_AT(MB_LEVEL_PRIMARY, 20250105, 20250110), YUAN(1000), YUAN(200), YUAN(640),
         "next year's first admission: a new year's 200; (1000 - 200) x 80% = 640"},
    };
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    SETTLE_IN_ORDER(rs, e, stepwise);
    mb_enrollee_free(e);

    /* seeded from the platform: 200 of the deductible paid at a primary facility this year */
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "inpatient.deductible.paid", 2024, YUAN(200), err),
             MB_OK, "the deductible paid can be seeded");
    CHECK_RC(settle(rs, e, 20240310, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240305, YUAN(1000)),
             MB_OK, "tertiary admission after the seed");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(600), "the seeded 200 count: 800 - 200");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* Per admission, the nth admission of the year at a share of the stated amount, never below a
 * floor (重庆: 每增加1次降10%, 三级不得低于620元/次; read as 10% of the stated amount per
 * further admission). Two settlements of one admission share its deductible. */
static void per_admission_repeat_floor(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        INPATIENT
        "    deductible:\n"
        "      - {facility: tertiary, all: 880, scope: admission, cite: 测试〔2024〕3号 三（880元/次）}\n"
        "    deductible_repeat:\n"
        "      - {nth: \"2\", all: 90%, cite: 测试〔2024〕3号 三（每增加1次降10%）}\n"
        "      - {nth: \"3\", all: 80%, cite: 测试〔2024〕3号 三（每增加1次降10%）}\n"
        "      - {nth: \"4-\", all: 70%, cite: 测试〔2024〕3号 三（每增加1次降10%）}\n"
        "    deductible_floor:\n"
        "      - {facility: tertiary, all: 620, cite: 测试〔2024〕3号 三（不得低于620元/次）}\n", "ded.yaml");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* 1st: 880; (2000 - 880) x 80% = 896 */
    CHECK_RC(settle(rs, e, 20240110, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240105, YUAN(2000)),
             MB_OK, "first admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(880), "the first admission's deductible");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(896), "(2000 - 880) x 80%");
    CHECK(!fx_traced(res, "inpatient.deductible.repeat", NULL),
          "the first admission pays the stated amount");
    /* 2nd: 880 x 90% = 792; (2000 - 792) x 80% = 966.40 */
    CHECK_RC(settle(rs, e, 20240210, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240201, YUAN(2000)),
             MB_OK, "second admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(792), "880 x 90%");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 96640, "(2000 - 792) x 80%");
    CHECK(fx_traced(res, "inpatient.deductible.repeat", NULL),
          "the trace shows the second admission's share");
    /* the same admission (admitted 02-01) settled again: its deductible is paid, 100 x 80% */
    CHECK_RC(settle(rs, e, 20240215, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240201, YUAN(100)),
             MB_OK, "a second settlement of the second admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "the admission's deductible is paid");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(80), "100 x 80%");
    /* 3rd: 880 x 80% = 704; (2000 - 704) x 80% = 1036.80 */
    CHECK_RC(settle(rs, e, 20240310, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240301, YUAN(2000)),
             MB_OK, "third admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(704), "880 x 80%: the mid-stay settlement did "
                                                   "not count as an admission");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), 103680, "(2000 - 704) x 80%");
    /* 4th: 880 x 70% = 616, below the floor: 620; (2000 - 620) x 80% = 1104 */
    CHECK_RC(settle(rs, e, 20240410, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240401, YUAN(2000)),
             MB_OK, "fourth admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(620), "616 is below the floor of 620");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(1104), "(2000 - 620) x 80%");
    CHECK_FEN(admissions_charged(e, rs), 4, "four admissions");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* Per day (one day's visits summed), per visit with an annual ceiling, once a year at the
 * first claim's level. */
static void day_visit_ceiling_first(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕3号 五\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕3号 六}]\n"
        "    deductible:\n"
        "      - {all: 100, scope: day, cite: 测试〔2024〕3号 五（每日100元）}\n", "ded.yaml");
    if (rs != NULL) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        /* 03-01: 60 (all of it), then 100 more that day: 40 tops the day's 100, 60 x 50% = 30;
         * 03-02: a new day's 100, nothing past it */
        CHECK_RC(settle(rs, e, 20240301, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0, YUAN(60)),
                 MB_OK, "first visit of the day");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(60), "60 of the day's 100");
        CHECK_RC(settle(rs, e, 20240301, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0, YUAN(100)),
                 MB_OK, "second visit that day");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(40), "the day's deductible is 100 in all");
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(30), "(100 - 40) x 50%");
        CHECK_RC(settle(rs, e, 20240302, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0, YUAN(100)),
                 MB_OK, "the next day");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(100), "a new day, a new deductible");
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), 0, "nothing past it");
        mb_enrollee_free(e);
        mb_ruleset_free(rs);
    }

    rs = fx_ruleset_text(HEAD
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕3号 五\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕3号 六}]\n"
        "    deductible:\n"
        "      - {all: 100, scope: visit, cite: 测试〔2024〕3号 五（每次100元）}\n"
        "    deductible_ceiling:\n"
        "      - {all: 250, cite: 测试〔2024〕3号 五（全年累计不超过250元）}\n", "ded.yaml");
    if (rs != NULL) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        /* 300 each visit: 100, (300 - 100) x 50% = 100; again; the third visit has only 50
         * left under the ceiling of 250: (300 - 50) x 50% = 125 */
        for (int k = 0; k < 2; k++) {
            CHECK_RC(settle(rs, e, 20240301 + k, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0,
                            YUAN(300)), MB_OK, "a visit");
            CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(100), "each visit's 100");
            CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(100), "(300 - 100) x 50%");
        }
        CHECK_RC(settle(rs, e, 20240305, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0,
                        YUAN(300)), MB_OK, "a third visit");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(50), "250 - 200 left under the ceiling");
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(125), "(300 - 50) x 50%");
        CHECK(fx_traced(res, "outpatient.deductible.ceiling", NULL), "the trace shows the ceiling");
        CHECK_RC(settle(rs, e, 20240306, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0,
                        YUAN(300)), MB_OK, "a fourth visit");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "the ceiling is reached");
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(150), "300 x 50%");
        mb_enrollee_free(e);
        mb_ruleset_free(rs);
    }

    /* 按首次住院的医疗机构等级计算一次: the first admission's level for the year */
    rs = fx_ruleset_text(HEAD
        INPATIENT
        "    deductible:\n"
        "      - {facility: secondary, all: 600, scope: year_first, cite: 测试〔2024〕3号 七}\n"
        "      - {facility: tertiary, all: 800, scope: year_first, cite: 测试〔2024〕3号 七}\n",
        "ded.yaml");
    if (rs != NULL) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        /* secondary first: 600, 400 x 80% = 320; then tertiary: the year's 600 is paid, 1000 x
         * 80% = 800 (scope year would top up 200) */
        CHECK_RC(settle(rs, e, 20240110, MB_MED_INPATIENT, MB_LEVEL_SECONDARY, 20240105,
                        YUAN(1000)), MB_OK, "secondary admission");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(600), "the first admission's level");
        CHECK_RC(settle(rs, e, 20240310, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240305,
                        YUAN(1000)), MB_OK, "tertiary admission");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), 0, "once a year, at the first level: no top-up");
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(800), "1000 x 80%");
        mb_enrollee_free(e);
        mb_ruleset_free(rs);
    }
}

/* Reversing an admission takes back the deductible it paid and the admission it counted: the
 * next admission of the year is the second again (杭州: 第二次住院按75%). */
static void reversed_admission(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        INPATIENT
        "    deductible: [{all: 800, scope: admission, cite: 测试〔2024〕3号 三（每次住院800元）}]\n"
        "    deductible_repeat:\n"
        "      - {nth: \"2\", all: 75%, cite: 测试〔2024〕3号 三（第二次75%）}\n"
        "      - {nth: \"3-\", all: 50%, cite: 测试〔2024〕3号 三（第三次及以上50%）}\n", "ded.yaml");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* 1st: 800; 2nd: 800 x 75% = 600, then reversed; the next is the 2nd again: 600, not 400 */
    CHECK_RC(settle(rs, e, 20240110, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240105, YUAN(2000)),
             MB_OK, "first admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(800), "the stated 800");
    CHECK_RC(settle(rs, e, 20240210, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240205, YUAN(2000)),
             MB_OK, "second admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(600), "800 x 75%");
    CHECK_RC(mb_reverse(e, res, err), MB_OK, "the second admission is reversed");
    int64_t count = -1, paid = -1;
    CHECK_RC(mb_enrollee_accumulator_checked(e, rs, "inpatient.deductible.count", 2024, &count, err),
             MB_OK, "count");
    CHECK_RC(mb_enrollee_accumulator_checked(e, rs, "inpatient.deductible.paid", 2024, &paid, err),
             MB_OK, "paid");
    CHECK_FEN(count, 1, "one admission counted again");
    CHECK_FEN(paid, YUAN(800), "the reversed 600 taken back");
    CHECK_RC(settle(rs, e, 20240310, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240305, YUAN(2000)),
             MB_OK, "the next admission");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(600), "the second of the year again: 800 x 75%");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A deductible per day or per admission keeps the last unit charged: a claim of an earlier day
 * or admission settled after a later one is refused, naming both dates, and changes nothing
 * (before, it was charged again as a new unit, or counted as the nth of the year out of turn). */
static void unit_out_of_order(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "  - id: outpatient\n"
        "    cite: 测试〔2024〕3号 五\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕3号 六}]\n"
        "    deductible:\n"
        "      - {all: 100, scope: day, cite: 测试〔2024〕3号 五（每日100元）}\n", "ded.yaml");
    if (rs != NULL) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        /* 03-01: 300, its day's 100, 200 x 50% = 100; 03-05: the same */
        CHECK_RC(settle(rs, e, 20240301, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0, YUAN(300)),
                 MB_OK, "03-01");
        CHECK_RC(settle(rs, e, 20240305, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0, YUAN(300)),
                 MB_OK, "03-05");
        int64_t paid = -1;
        /* another visit of 03-01, after 03-05: its day's 100 is paid already; settled as a new
         * day it would pay 100 again */
        CHECK_RC(settle(rs, e, 20240301, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0, YUAN(300)),
                 MB_E_INVALID_DATE, "a visit of 03-01 after one of 03-05 is refused");
        CHECK(strstr(mb_error_message(err), "day 2024-03-01 comes before 2024-03-05") != NULL,
              "the message names both days");
        CHECK_RC(mb_enrollee_accumulator_checked(e, rs, "outpatient.deductible.paid", 2024, &paid, err),
                 MB_OK, "paid");
        CHECK_FEN(paid, YUAN(200), "nothing changed: two days' 100");
        /* in order again: a later day settles */
        CHECK_RC(settle(rs, e, 20240306, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0, YUAN(300)),
                 MB_OK, "03-06");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(100), "03-06's own 100");
        mb_enrollee_free(e);
        mb_ruleset_free(rs);
    }

    rs = fx_ruleset_text(HEAD
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕3号 三\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 80%, cite: 测试〔2024〕3号 四}]\n"
        "    deductible: [{all: 800, scope: admission, cite: 测试〔2024〕3号 三（每次住院800元）}]\n"
        "    deductible_repeat:\n"
        "      - {nth: \"2-\", all: 75%, cite: 测试〔2024〕3号 三（第二次及以上75%）}\n", "ded.yaml");
    if (rs != NULL) {
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        /* admission of 01-05, settled midway on 01-20: 800; admission of 02-10: the second, 600 */
        CHECK_RC(settle(rs, e, 20240120, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240105, YUAN(2000)),
                 MB_OK, "the January admission, settled midway");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(800), "its 800");
        CHECK_RC(settle(rs, e, 20240215, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240210, YUAN(2000)),
                 MB_OK, "the February admission");
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(600), "800 x 75%");
        /* the January admission's final settlement, after February's: its deductible is paid,
         * but as a new (third) admission it would pay 600 again */
        CHECK_RC(settle(rs, e, 20240131, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240105, YUAN(1000)),
                 MB_E_INVALID_DATE, "the January admission after February's is refused");
        CHECK(strstr(mb_error_message(err), "admission 2024-01-05 comes before 2024-02-10") != NULL,
              "the message names both admissions");
        int64_t count = -1;
        CHECK_RC(mb_enrollee_accumulator_checked(e, rs, "inpatient.deductible.count", 2024, &count, err),
                 MB_OK, "count");
        CHECK_FEN(count, 2, "nothing changed: two admissions");
        mb_enrollee_free(e);
        mb_ruleset_free(rs);
    }
}

/* Two layers of one claim that share a base (base_key) each charge their own deductible from
 * the base as it was, and the claim's act_pay_dedc counts that base's deductible once: the
 * larger of the two, not their sum. */
static void layers_sharing_a_base(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "  - id: a\n"
        "    cite: 测试〔2024〕3号 五\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    base_key: outpatient\n"
        "    ratio: [{all: 50%, cite: 测试〔2024〕3号 六}]\n"
        "    deductible: [{all: 300, cite: 测试〔2024〕3号 五（300元）}]\n"
        "  - id: b\n"
        "    cite: 测试〔2024〕3号 七\n"
        "    med_types: [general_outpatient]\n"
        "    fund: pooling\n"
        "    base_key: outpatient\n"
        "    ratio: [{all: 10%, cite: 测试〔2024〕3号 七}]\n"
        "    deductible: [{all: 500, cite: 测试〔2024〕3号 七（500元）}]\n", "ded.yaml");
    if (rs == NULL)
        return;
    /* 1000: a charges 300, (1000 - 300) x 50% = 350; b sees the base as it was, charges 500,
     * (1000 - 500) x 10% = 50. The pooling fund 400; the deductible of the base 500, once */
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    static const visit claim[] = {
        {20240301, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_PRIMARY, 0, YUAN(1000), YUAN(500), YUAN(400),
         "two layers, one base: the larger deductible once; 350 + 50"},
    };
    SETTLE_IN_ORDER(rs, e, claim);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A deductible per day on inpatient claims: a claim's day is its own date, not its admission's,
 * in the charge and in the message that refuses a day out of order. */
static void day_scope_on_inpatient_claims(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕3号 三\n"
        "    med_types: [inpatient]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 80%, cite: 测试〔2024〕3号 四}]\n"
        "    deductible:\n"
        "      - {all: 100, scope: day, cite: 测试〔2024〕3号 五（每日100元）}\n", "ded.yaml");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* admitted 03-01, settled 03-05: the day 03-05's 100; (300 - 100) x 80% = 160 */
    CHECK_RC(settle(rs, e, INPATIENT_AT(MB_LEVEL_PRIMARY, 20240301, 20240305), YUAN(300)), MB_OK,
             "settled on 03-05");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(100), "03-05's 100");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(160), "(300 - 100) x 80%");
    /* the same admission settled on 03-03, after 03-05: refused, naming 03-03 (as one unit with
     * 03-05 by their admission date it would have settled with no deductible) */
    CHECK_RC(settle(rs, e, INPATIENT_AT(MB_LEVEL_PRIMARY, 20240301, 20240303), YUAN(300)),
             MB_E_INVALID_DATE, "a day before the last charged");
    CHECK(strstr(mb_error_message(err), "day 2024-03-03 comes before 2024-03-05") != NULL,
          "the message names the claim's day, not the admission's");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* An admission begun in the year before, settled in this one: its deductible is this year's
 * (the year of the claim), and every settlement of that admission shares it; the next
 * admission is the second of the year. */
static void admission_begun_the_year_before(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        INPATIENT PER_ADMISSION, "ded.yaml");
    if (rs == NULL)
        return;
    static const visit stays[] = {
        {INPATIENT_AT(MB_LEVEL_TERTIARY, 20231228, 20240105), YUAN(2000), YUAN(880), YUAN(896),
         "admitted 2023-12-28, settled 2024-01-05: its 880 charged in 2024; (2000 - 880) x 80%"},
        {INPATIENT_AT(MB_LEVEL_TERTIARY, 20231228, 20240120), YUAN(100), 0, YUAN(80),
         "the same admission settled again: its deductible is paid; 100 x 80% = 80"},
        {INPATIENT_AT(MB_LEVEL_TERTIARY, 20240201, 20240210), YUAN(2000), YUAN(880), YUAN(896),
         "the next admission, a new deductible: 880; (2000 - 880) x 80% = 896"},
    };
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    SETTLE_IN_ORDER(rs, e, stays);
    CHECK_FEN(admissions_charged(e, rs), 2, "two: the one begun in 2023 and the one of February");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);

    /* The same under rows charged once a year (by level): the admission begun in 2023 is still
     * the first admission of 2024 counted, though it has no day in 2024 to tell it apart. */
    rs = fx_ruleset_text(HEAD LEVELS, "ded.yaml");
    if (rs == NULL)
        return;
    static const visit yearly[] = {
        {INPATIENT_AT(MB_LEVEL_TERTIARY, 20231228, 20240105), YUAN(2000), YUAN(800), YUAN(960),
         "admitted 2023-12-28, settled 2024-01-05: the year's 800; (2000 - 800) x 80% = 960"},
        {INPATIENT_AT(MB_LEVEL_TERTIARY, 20240201, 20240210), YUAN(2000), 0, YUAN(1600),
         "the next admission: the year's deductible is paid; 2000 x 80% = 1600"},
    };
    e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    settle_in_order(rs, e, yearly, 1);
    CHECK_FEN(admissions_charged(e, rs), 1, "the admission begun in 2023 counts as 2024's first");
    settle_in_order(rs, e, yearly + 1, 1);
    CHECK_FEN(admissions_charged(e, rs), 2, "and February's as the second");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A tilt that raises the ratio, without a deductible ratio and with one: the trace's tilt step
 * gives the deductible as stated in and as tilted out (the same without a ratio). */
static void tilt_and_its_deductible_ratio(void)
{
    static const struct {
        const char *deductible_ratio; /* the tilt's, or "" for none */
        int64_t deductible, fund;
        const char *why;
    } tilts[] = {
        /* 880 as stated; (2000 - 880) x (80% + 10 points) = 1008 */
        {"", YUAN(880), YUAN(1008), "no deductible ratio: 880 as stated, 1120 x 90%"},
        /* 880 x 50% = 440; (2000 - 440) x 90% = 1404 */
        {"deductible_ratio: 50%, ", YUAN(440), YUAN(1404), "a deductible ratio of 50%: 440, 1560 x 90%"},
    };
    for (size_t k = 0; k < sizeof tilts / sizeof tilts[0]; k++) {
        char text[2048];
        snprintf(text, sizeof text, "%s%s%s%s", HEAD,
                 "  - id: inpatient\n"
                 "    cite: 测试〔2024〕3号 三\n"
                 "    med_types: [inpatient]\n"
                 "    fund: pooling\n"
                 "    tilt: true\n"
                 "    ratio: [{all: 80%, cite: 测试〔2024〕3号 四}]\n"
                 "    deductible:\n"
                 "      - {all: 880, scope: admission, cite: 测试〔2024〕3号 三（880元/次）}\n"
                 "tilt: {categories: [orphan], ",
                 tilts[k].deductible_ratio, "ratio_points: 10, cite: 测试〔2024〕3号 五}\n");
        mb_ruleset *rs = fx_ruleset_text(text, "ded.yaml");
        if (rs == NULL)
            return;
        mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        CHECK_RC(mb_enrollee_add_identity(e, rs, "orphan", 20240101, 0, err), MB_OK, "an orphan");
        CHECK_RC(settle(rs, e, 20240110, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240105, YUAN(2000)),
                 MB_OK, tilts[k].why);
        CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), tilts[k].deductible, tilts[k].why);
        CHECK_FEN(amt(MB_AMT_HIFP_PAY), tilts[k].fund, tilts[k].why);
        /* the tilt's step: the deductible as stated in, as tilted out */
        CHECK(fx_step(res, "inpatient.tilt", -1, YUAN(880), tilts[k].deductible), tilts[k].why);
        mb_enrollee_free(e);
        mb_ruleset_free(rs);
    }
}

/* What is refused at load, located, rather than accepted and ignored. */
static void refused(void)
{
    static const struct {
        const char *layer, *key, *why;
    } cases[] = {
        {"  - id: l\n    cite: 测\n    med_types: [inpatient]\n    fund: pooling\n"
         "    ratio: [{all: 80%}]\n    deductible: [{all: 100}]\n"
         "    deductible_repeat: [{nth: \"2\", all: 50%}]\n",
         "layers[0].deductible_repeat", "repeat needs a per-unit scope"},
        {"  - id: l\n    cite: 测\n    med_types: [inpatient]\n    fund: pooling\n"
         "    ratio: [{all: 80%, nth: \"2\"}]\n",
         "layers[0].ratio[0].nth", "nth chooses deductible_repeat rows only"},
        {"  - id: l\n    cite: 测\n    med_types: [inpatient]\n    fund: pooling\n"
         "    ratio: [{all: 80%, scope: visit}]\n",
         "layers[0].ratio[0].scope", "scope belongs to deductible rows"},
        {"  - id: l\n    cite: 测\n    med_types: [inpatient]\n    fund: pooling\n"
         "    ratio: [{all: 80%}]\n    deductible: [{all: 100, scope: weekly}]\n",
         "layers[0].deductible[0].scope", "an unknown scope"},
        {"  - id: l\n    cite: 测\n    med_types: [inpatient]\n    fund: pooling\n"
         "    ratio: [{all: 80%}]\n    deductible: [{all: 100, scope: visit}]\n"
         "    deductible_floor: [{all: 50}]\n",
         "layers[0].deductible_floor", "a floor needs deductible_repeat"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text, "%s%s", HEAD, cases[i].layer);
        fx_refused(text, "ded.yaml", 0, cases[i].key, NULL, 0, cases[i].why);
    }
    /* the did-you-mean of a misspelt scope */
    const char *text = HEAD "  - id: l\n    cite: 测\n    med_types: [inpatient]\n    fund: pooling\n"
                            "    ratio: [{all: 80%}]\n    deductible: [{all: 100, scope: admision}]\n";
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, strlen(text), "ded.yaml", err), MB_E_SCHEMA,
             "a misspelt scope");
    CHECK(strstr(mb_error_message(err), "did you mean 'admission'") != NULL,
          "the message suggests the scope meant");
}

/* Seeding against the journal (mb_enrollee_seed_checked): a figure below what the journal's
 * settlements added to it would leave their reversal nothing to take back, and a figure
 * settlement raises (the admission the deductible was last charged for) is not seeded. */
static void seeds_against_the_journal(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        INPATIENT PER_ADMISSION, "ded.yaml");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    /* an admission of 2000: 880 deductible, (2000 - 880) x 80% = 896 paid */
    CHECK_RC(settle(rs, e, 20240110, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240105, YUAN(2000)),
             MB_OK, "an admission");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(896), "(2000 - 880) x 80%");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "inpatient.paid", 2024, YUAN(800), err), MB_E_STATE,
             "800 seeded where the settlement added 896");
    CHECK(strstr(mb_error_message(err), "the 1 settlement in its journal added 896.00 yuan to ded "
                                        "inpatient.paid (period 2024); seeding 800.00 yuan") != NULL &&
              strstr(mb_error_message(err), "Seed at least 896.00 yuan") != NULL,
          "the message gives what the settlement added and the least to seed");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "inpatient.deductible.unit", 2024, 1, err),
             MB_E_STATE, "the admission last charged is settlement's");
    CHECK(strstr(mb_error_message(err), "inpatient.deductible.unit (period 2024) is kept by "
                                        "settlement, not seeded") != NULL, "and says so");
    /* a second admission, the same: 896; the two added 896 x 2 = 1792 */
    CHECK_RC(settle(rs, e, 20240210, MB_MED_INPATIENT, MB_LEVEL_TERTIARY, 20240205, YUAN(2000)),
             MB_OK, "a second admission");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "inpatient.paid", 2024, YUAN(1000), err), MB_E_STATE,
             "1000 seeded where two settlements added 1792");
    CHECK(strstr(mb_error_message(err), "the 2 settlements in its journal added 1792.00 yuan") != NULL,
          "counted as two");
    CHECK_RC(mb_enrollee_seed_checked(e, rs, "inpatient.paid", 2024, YUAN(2000), err), MB_OK,
             "2000, at least what they added, is seeded");
    CHECK_FEN(mb_enrollee_accumulator(e, "ded", "inpatient.paid", 2024), YUAN(2000), "and kept");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A deductible per admission on a layer that takes outpatient claims too: an outpatient claim's
 * unit is its day, so that the day's claims share one deductible, and a claim of an earlier day
 * than the last charged is refused (settle each unit's claims in date order). */
static void admission_scope_on_outpatient_claims(void)
{
    mb_ruleset *rs = fx_ruleset_text(HEAD
        "  - id: inpatient\n"
        "    cite: 测试〔2024〕3号 三\n"
        "    med_types: [inpatient, general_outpatient]\n"
        "    fund: pooling\n"
        "    ratio: [{all: 80%, cite: 测试〔2024〕3号 四}]\n"
        PER_ADMISSION, "ded.yaml");
    if (rs == NULL)
        return;
    static const visit days[] = {
        {20240305, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_SECONDARY, 0, YUAN(1000), YUAN(880), YUAN(96),
         "an outpatient claim: its day's 880; (1000 - 880) x 80% = 96"},
        {20240305, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_SECONDARY, 0, YUAN(1000), 0, YUAN(800),
         "a second claim of the day: no second deductible; 1000 x 80% = 800"},
    };
    mb_enrollee *e = fx_enrollee("E1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    SETTLE_IN_ORDER(rs, e, days);
    /* an outpatient claim of 03-06 that carries admission dates (03-01 to 03-06): its unit is
     * still its own day, a new one after 03-05, not the admission's 03-01 (which would come
     * before 03-05 and be refused): 880; (1000 - 880) x 80% = 96 */
    CHECK_RC(settle(rs, e, 20240306, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_SECONDARY, 20240301,
                    YUAN(1000)), MB_OK, "an outpatient claim with admission dates");
    CHECK_FEN(amt(MB_AMT_ACT_PAY_DEDC), YUAN(880), "its day's 880, not the admission's");
    CHECK_FEN(amt(MB_AMT_HIFP_PAY), YUAN(96), "(1000 - 880) x 80%");
    /* 03-01, before the day last charged: refused */
    CHECK_RC(settle(rs, e, 20240301, MB_MED_GENERAL_OUTPATIENT, MB_LEVEL_SECONDARY, 0, YUAN(1000)),
             MB_E_INVALID_DATE, "a claim of an earlier day");
    CHECK(strstr(mb_error_message(err), "charges its deductible per admission") != NULL,
          "the message says why");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

int main(void)
{
    err = mb_error_new();
    CHECK_RC(mb_result_new(&res, err), MB_OK, "result");
    top_up_in_any_order();
    per_admission_repeat_floor();
    day_visit_ceiling_first();
    reversed_admission();
    admission_begun_the_year_before();
    unit_out_of_order();
    tilt_and_its_deductible_ratio();
    refused();
    seeds_against_the_journal();
    admission_scope_on_outpatient_claims();
    day_scope_on_inpatient_claims();
    layers_sharing_a_base();
    mb_result_free(res);
    mb_error_free(err);
    return check_summary();
}
