/* "Out-parameters that only report may be NULL when not wanted; the others are filled all the
 * same" (include/medbenefit.h, conventions): every getter and report-filling call, given NULL
 * for each of its optional outputs in turn, succeeds and fills the rest exactly as when it is
 * given all of them. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;
static mb_ruleset *jiaozuo, *changzhou, *wuxi;

static void ruleset_getters(void)
{
    const char *where = NULL, *reason = NULL, *w2 = NULL, *r2 = NULL;
    CHECK_RC(mb_ruleset_assumption(jiaozuo, 0, &where, &reason), MB_OK, "an assumption");
    CHECK_RC(mb_ruleset_assumption(jiaozuo, 0, NULL, &r2), MB_OK, "without where");
    CHECK_RC(mb_ruleset_assumption(jiaozuo, 0, &w2, NULL), MB_OK, "without reason");
    CHECK_RC(mb_ruleset_assumption(jiaozuo, 0, NULL, NULL), MB_OK, "without either");
    CHECK(w2 == where && r2 == reason, "each filled as with both");

    const char *code = NULL, *name = NULL, *group = NULL, *c2 = NULL, *n2 = NULL, *g2 = NULL;
    CHECK_RC(mb_ruleset_disease(wuxi, 1, &code, &name, &group), MB_OK, "a disease");
    CHECK_RC(mb_ruleset_disease(wuxi, 1, &c2, NULL, NULL), MB_OK, "its code only");
    CHECK_RC(mb_ruleset_disease(wuxi, 1, NULL, &n2, NULL), MB_OK, "its name only");
    CHECK_RC(mb_ruleset_disease(wuxi, 1, NULL, NULL, &g2), MB_OK, "its group only");
    CHECK(c2 == code && n2 == name && g2 == group, "each filled as with all three");

    size_t index = 999;
    CHECK_RC(mb_ruleset_find_disease(wuxi, name, NULL, err), MB_OK, "found, index not wanted");
    CHECK_RC(mb_ruleset_find_disease(wuxi, name, &index, err), MB_OK, "found");
    CHECK(index == 1, "by its name, at its index");

    /* 焦医保〔2021〕97号 二: 急性脑血管疾病后遗症's criteria */
    size_t d = 0;
    CHECK_RC(mb_ruleset_find_disease(jiaozuo, "急性脑血管疾病后遗症", &d, err), MB_OK, "stroke");
    const char *text = NULL, *cite = NULL, *t2 = NULL, *ci2 = NULL;
    size_t items = 0, i2 = 0;
    CHECK_RC(mb_ruleset_criteria(jiaozuo, d, &text, &cite, &items), MB_OK, "its criteria");
    CHECK_RC(mb_ruleset_criteria(jiaozuo, d, &t2, NULL, NULL), MB_OK, "text only");
    CHECK_RC(mb_ruleset_criteria(jiaozuo, d, NULL, &ci2, NULL), MB_OK, "cite only");
    CHECK_RC(mb_ruleset_criteria(jiaozuo, d, NULL, NULL, &i2), MB_OK, "count only");
    CHECK(t2 == text && ci2 == cite && i2 == items && items >= 6, "each filled as with all");
    const char *number = NULL, *item = NULL, *nb2 = NULL, *it2 = NULL;
    CHECK_RC(mb_ruleset_criteria_item(jiaozuo, d, 0, &number, &item), MB_OK, "item 1");
    CHECK_RC(mb_ruleset_criteria_item(jiaozuo, d, 0, &nb2, NULL), MB_OK, "its number only");
    CHECK_RC(mb_ruleset_criteria_item(jiaozuo, d, 0, NULL, &it2), MB_OK, "its text only");
    CHECK(nb2 == number && it2 == item && strcmp(number, "1") == 0, "each as with both");

    const char *key = NULL, *k2 = NULL;
    int kind = 0, kind2 = 0;
    CHECK_RC(mb_ruleset_accumulator(changzhou, 0, &key, &kind), MB_OK, "a key");
    CHECK_RC(mb_ruleset_accumulator(changzhou, 0, &k2, NULL), MB_OK, "the key only");
    CHECK_RC(mb_ruleset_accumulator(changzhou, 0, NULL, &kind2), MB_OK, "its period only");
    CHECK(k2 == key && kind2 == kind && kind == MB_PERIOD_YEAR, "each as with both");
}

static void assessment_reports(void)
{
    /* all(1, 2, any(3-6)): items 1 and 2 without any of 3-6 is not enough */
    const char *const findings[] = {"1", "2"};
    int certified = -1;
    const char *unmet = NULL, *cite = NULL, *c2 = NULL;
    CHECK_RC(mb_assess(jiaozuo, "急性脑血管疾病后遗症", findings, 2, &certified, &unmet, &cite, err),
             MB_OK, "assessed");
    CHECK(certified == 0 && unmet != NULL && unmet[0] != '\0', "not certified, and why");
    certified = -1;
    CHECK_RC(mb_assess(jiaozuo, "急性脑血管疾病后遗症", findings, 2, &certified, NULL, &c2, err),
             MB_OK, "without the unmet requirement");
    CHECK(certified == 0 && c2 == cite, "the outcome and the clause as before");
    certified = -1;
    CHECK_RC(mb_assess(jiaozuo, "急性脑血管疾病后遗症", findings, 2, &certified, NULL, NULL, err),
             MB_OK, "with the outcome only");
    CHECK(certified == 0, "the outcome as before");
}

static void enrollee_getters(void)
{
    mb_enrollee *e = fx_enrollee("G", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(10));
    FX_OK(mb_enrollee_add_disease(e, "糖尿病", 20210105, 20211231, fx_error()));
    FX_OK(mb_enrollee_add_assistance(e, "orphan", 20210101, 20210630, fx_error()));
    const char *name = NULL;
    int32_t on = 0, until = 0;
    CHECK_RC(mb_enrollee_disease(e, 0, &name, NULL, NULL), MB_OK, "the name only");
    CHECK_RC(mb_enrollee_disease(e, 0, NULL, &on, NULL), MB_OK, "the date only");
    CHECK_RC(mb_enrollee_disease(e, 0, NULL, NULL, &until), MB_OK, "the end only");
    CHECK(strcmp(name, "糖尿病") == 0 && on == 20210105 && until == 20211231, "each filled");
    const char *category = NULL;
    int32_t from = 0, to = 0;
    CHECK_RC(mb_enrollee_assistance(e, 0, &category, NULL, NULL), MB_OK, "the category only");
    CHECK_RC(mb_enrollee_assistance(e, 0, NULL, &from, NULL), MB_OK, "from only");
    CHECK_RC(mb_enrollee_assistance(e, 0, NULL, NULL, &to), MB_OK, "to only");
    CHECK(strcmp(category, "orphan") == 0 && from == 20210101 && to == 20210630, "each filled");

    int state = -1;
    CHECK_RC(mb_enrollee_status(e, wuxi, "糖尿病", 20210601, &state, NULL, NULL, err), MB_OK,
             "a status without since or cite");
    CHECK(state == MB_CERT_ACTIVE, "active mid-2021");
    CHECK_RC(mb_enrollee_status(e, wuxi, "糖尿病", 20210601, NULL, NULL, NULL, err),
             MB_E_INVALID_ARGUMENT, "the state itself is required");

    /* 常政办发〔2022〕91号 二（二）: 2% of a base of 8000.00 = 160.00 */
    CHECK_RC(mb_enrollee_accrue(e, changzhou, 20230315, YUAN(8000), NULL, err), MB_OK,
             "credited, the amount not wanted");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(10) + YUAN(160), "10.00 + 160.00");
    mb_enrollee_free(e);
}

int main(void)
{
    err = mb_error_new();
    jiaozuo = fx_ruleset(MB_TEST_JIAOZUO);
    changzhou = fx_ruleset(MB_TEST_CHANGZHOU);
    wuxi = fx_ruleset(MB_TEST_WUXI);
    if (jiaozuo && changzhou && wuxi) {
        ruleset_getters();
        assessment_reports();
        enrollee_getters();
    }
    mb_ruleset_free(jiaozuo);
    mb_ruleset_free(changzhou);
    mb_ruleset_free(wuxi);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
