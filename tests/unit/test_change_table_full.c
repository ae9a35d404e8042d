/* A settlement holds at most 64 accumulator changes (settlement allocates nothing): a chain of
 * rulesets within the limit each, past it together, is answered with MB_E_CAPACITY and changes
 * nothing, wherever the 65th change falls — at each record of a layer's deductible, its cap, its
 * benefit kind, or the activity and lapse a ruleset with idle revocation keeps after its layers;
 * exactly 64 settle. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

/* The basic ruleset: 21 chronic layers l0..l20 at 1% from one fund, of `kinds` benefit kinds
 * (layer i of kind k<i % kinds>). Each changes its base and its payments; a kind is raised
 * once: 2 x 21 + kinds changes. */
static mb_ruleset *filler(int kinds)
{
    mb_ruleset *rs = fx_layers_ruleset((fx_layers){.id = "filler", .layers = 21, .kinds = kinds});
    CHECK(rs != NULL, "21 layers load (at most 63 changes)");
    return rs;
}

/* The critical-illness ruleset: one layer t whose record makes, in order, 7 changes: 1 its base,
 * 2 the deductible paid, 3 the amount due for the year (year_first: set at the first claim),
 * 4 the count of admissions, 5 the last admission and what it paid, 6 the cap's total, 7 its
 * kind; then, the claim being chronic and the layer applied, idle revocation keeps 8 the lapse
 * (only when the claim comes more than 12 months after the last activity) and 8 or 9 the
 * activity. */
static const char TARGET[] =
    "id: target\ntitle: t\ndocument: d\ntier: critical_illness\neffective_from: 2023-01-01\n"
    "upstream: {cite: c}\nclass_b_first_selfpay: {value: 10%, cite: c}\n"
    "funds: [{key: g, employee: '320000', name: n, amount: hifp_pay}]\n"
    "catalogue_rules: {revoke_after_idle_months: {value: 12, cite: c}}\n"
    "layers:\n"
    "  - {id: t, cite: c, med_types: [chronic], fund: g, deductible: [{all: 10, scope: year_first}],\n"
    "     ratio: [{all: 50%}], cap: {values: [{all: 1000}]}}\n";

static mb_ruleset *target;
static mb_result *res;

/* A chain whose 65th change is the `nth` of layer t's record and the ruleset's (the filler
 * making 65 - nth before it) is refused with MB_E_CAPACITY on claim `id` of `date`, changing
 * neither the enrollee nor the result. */
static void refused_at(mb_enrollee *e, const char *id, int32_t date, int nth, const char *what)
{
    /* 2 x 21 + kinds = 65 - nth */
    mb_ruleset *rs = filler(23 - nth);
    const mb_ruleset *chain[2] = {rs, target};
    mb_claim *c = fx_claim(id, date, MB_MED_CHRONIC, "H1", MB_LEVEL_PRIMARY, YUAN(100));
    static unsigned char before[4096], after[4096];
    size_t nb = fx_save(e, before, sizeof before);
    int64_t cash = mb_result_amount(res, MB_AMT_PSN_CASH_PAY);
    mb_error *err = mb_error_new();
    char says[128];
    snprintf(says, sizeof says, "the 65th change, %s, is refused", what);
    CHECK_RC(mb_settle(res, chain, 2, e, c, err), MB_E_CAPACITY, says);
    CHECK(strcmp(mb_error_message(err), "a settlement changes at most 64 accumulators") == 0,
          "says how many changes a settlement holds");
    CHECK(fx_same(before, nb, after, fx_save(e, after, sizeof after)), "the enrollee is unchanged");
    CHECK_FEN(mb_result_amount(res, MB_AMT_PSN_CASH_PAY), cash, "the result keeps the last settlement");
    mb_error_free(err);
    mb_claim_free(c);
    mb_ruleset_free(rs);
}

/* 64 changes settle: the filler of 14 kinds makes 2 x 21 + 14 = 56, layer t 7 and the activity
 * 1 (no activity before: no lapse). On 100 yuan, class A (all policy-scope): each filler layer
 * pays 1% of 100 = 1 yuan, 21 yuan in all; the critical-illness tier settles what the basic
 * tier left, 100 - 21 = 79 yuan: t charges its 10-yuan deductible and pays 50% above it,
 * (79 - 10) x 50% = 34.50 yuan (under its 1000-yuan cap); funds 21 + 34.50 = 55.50 yuan, cash
 * 100 - 55.50 = 44.50 yuan. */
static void sixty_four_changes_settle(mb_enrollee *e)
{
    mb_ruleset *rs = filler(14);
    const mb_ruleset *chain[2] = {rs, target};
    mb_claim *c = fx_claim("FIT", 20230301, MB_MED_CHRONIC, "H1", MB_LEVEL_PRIMARY, YUAN(100));
    CHECK_RC(mb_settle(res, chain, 2, e, c, fx_error()), MB_OK, "64 changes settle");
    CHECK_FEN(mb_result_amount(res, MB_AMT_FUND_PAY_SUMAMT), 5550, "21 x 1 + 34.50 yuan");
    CHECK_FEN(mb_result_amount(res, MB_AMT_PSN_CASH_PAY), 4450, "100 - 55.50 yuan");
    mb_claim_free(c);
    mb_ruleset_free(rs);
}

int main(void)
{
    res = fx_result();
    target = fx_ruleset_text(TARGET, "target.yaml");
    mb_enrollee *e = fx_enrollee("CAP", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);

    /* a fresh enrollee, then the 2023 claim that settled: the first claim of 2024 is another
     * year (a new deductible, count and cap) within 12 months of the activity of 2023-03-01 */
    refused_at(e, "D1", 20230301, 2, "the deductible paid");
    sixty_four_changes_settle(e);
    refused_at(e, "D2", 20240201, 3, "the amount due for the year");
    refused_at(e, "D3", 20240201, 4, "the count of admissions");
    refused_at(e, "D4", 20240201, 5, "the last admission");
    refused_at(e, "D5", 20240201, 6, "the cap's total");
    refused_at(e, "D6", 20240201, 7, "the benefit kind");
    refused_at(e, "D7", 20240201, 8, "the activity");
    /* 2024-04-01 is past 2023-03-01 + 12 months: the lapse, 2024-03-01, is kept before the
     * activity */
    refused_at(e, "D8", 20240401, 8, "the lapse");

    mb_enrollee_free(e);
    mb_ruleset_free(target);
    mb_result_free(res);
    fx_done();
    return check_summary();
}
