/* Every trace step cites what it applied. Many pseudo-random settlements (fixed seed,
 * xorshift64*) under every bundled ruleset and every chain they form (basic, critical illness,
 * assistance; each tier at most once), for every person type, with assistance identities,
 * upstream amounts, personal accounts and family accounts: each step of each trace must name
 * its ruleset, its rule, what it did and a non-empty clause (or the assumption, with its
 * reason, that stands in for one). And the steps that were uncited once are met at least once,
 * so the walk cannot pass by never reaching them. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

#define MAX_RULESETS 32
#define CLAIMS 40

static mb_error *err;
static mb_result *res;
static mb_ruleset *bundled[MAX_RULESETS];
static size_t nbundled;
static long settlements, steps, uncited;

/* the steps that must be reached for the walk to mean something */
enum { SEEN_ITEMS, SEEN_UPSTREAM, SEEN_ACCOUNT, SEEN_ACCOUNT_FIRST, SEEN_FAMILY, SEEN_TILT,
       SEEN_DEDUCTIBLE, SEEN_RATIO, SEEN_CAP, SEEN_COUNT };
static const char *const seen_what[SEEN_COUNT] = {
    "items", "upstream", "account", "account.first", "account.family", "<layer>.tilt",
    "<layer>.deductible", "<layer>.ratio", "<layer>.cap"};
static long seen[SEEN_COUNT];

static fx_rng rng = {UINT64_C(0x2545f4914f6cdd1d)};

static int64_t range(int64_t lo, int64_t hi) { return fx_range(&rng, lo, hi); }

/* Check every step of the settlement just made; `who` names the chain and claim. */
static void walk_trace(const char *who)
{
    settlements++;
    mb_trace_step s;
    for (size_t i = 0; i < mb_result_trace_count(res); i++) {
        if (mb_result_trace(res, i, &s) != MB_OK)
            continue;
        steps++;
        if (!s.cite || !s.cite[0] || !s.rule || !s.rule[0] || !s.ruleset_id || !s.ruleset_id[0] ||
            !s.what || !s.what[0]) {
            if (uncited++ < 10)
                fprintf(stderr, "  %s: step %zu '%s' (%s) of '%s' cites '%s'\n", who, i + 1,
                        s.rule ? s.rule : "(null)", s.what ? s.what : "(null)",
                        s.ruleset_id ? s.ruleset_id : "(null)", s.cite ? s.cite : "(null)");
            continue;
        }
        static const char *const exact[] = {"items", "upstream", "account", "account.first",
                                            "account.family"};
        for (int k = 0; k < 5; k++)
            seen[k] += strcmp(s.rule, exact[k]) == 0;
        seen[SEEN_TILT] += fx_ends_with(s.rule, ".tilt");
        seen[SEEN_DEDUCTIBLE] += fx_ends_with(s.rule, ".deductible");
        seen[SEEN_RATIO] += fx_ends_with(s.rule, ".ratio") || strstr(s.rule, ".bands[") != NULL;
        seen[SEEN_CAP] += fx_ends_with(s.rule, ".cap") || fx_ends_with(s.rule, ".disease_cap");
    }
}

/* A random disease of the first ruleset in the chain with a catalogue, or NULL. */
static const char *some_disease(const mb_ruleset *const *chain, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t count = mb_ruleset_disease_count(chain[i]);
        const char *code = NULL, *name = NULL, *group = NULL;
        if (count && mb_ruleset_disease(chain[i], (size_t)range(0, (int64_t)count - 1), &code,
                                        &name, &group) == MB_OK)
            return code;
    }
    return NULL;
}

static mb_claim *random_claim(const mb_ruleset *const *chain, size_t n, int year, int i,
                              const char *const *diseases, int ndiseases)
{
    static const int meds[] = {MB_MED_GENERAL_OUTPATIENT, MB_MED_EMERGENCY, MB_MED_CHRONIC,
                               MB_MED_CHRONIC, MB_MED_INPATIENT, MB_MED_PHARMACY};
    int med = meds[range(0, 5)];
    int level = med == MB_MED_PHARMACY ? MB_LEVEL_PHARMACY : (int)range(MB_LEVEL_PRIMARY, MB_LEVEL_TERTIARY);
    int32_t date = year * 10000 + (int32_t)(1 + i * 12 / CLAIMS) * 100 + (int32_t)range(1, 28);
    mb_claim *c = NULL;
    char id[16];
    snprintf(id, sizeof id, "C%d", i);
    if (mb_claim_new(&c, id, date, med, range(0, 3) ? "H1" : "H2", level, err) != MB_OK)
        return NULL;
    unsigned flags = 0;
    static const unsigned bits[] = {MB_CLAIM_REFERRAL, MB_CLAIM_EMERGENCY, MB_CLAIM_OUT_OF_AREA,
                                    MB_CLAIM_DESIGNATED_SPECIALTY, MB_CLAIM_OUT_OF_PROVINCE,
                                    MB_CLAIM_NO_ACCOUNT};
    for (int k = 0; k < 6; k++)
        if (range(0, k == 0 ? 1 : 7) == 0)
            flags |= bits[k];
    mb_claim_set_flags(c, flags, err);
    if (med == MB_MED_CHRONIC && ndiseases > 0)
        mb_claim_set_disease(c, diseases[range(0, ndiseases - 1)], NULL, err);
    if (med == MB_MED_INPATIENT)
        mb_claim_set_admission(c, date - (date % 100 > 10 ? 9 : 0), date, err);
    if (med == MB_MED_PHARMACY && range(0, 3))
        mb_claim_set_prescriber(c, "H1", (int)range(MB_LEVEL_PRIMARY, MB_LEVEL_TERTIARY), err);
    int64_t total = 0;
    for (int k = 0, items = (int)range(1, 3); k < items; k++) {
        int64_t fen = range(0, 9) == 0 ? range(YUAN(10000), YUAN(300000)) : range(1, YUAN(8000));
        total += fen;
        mb_claim_add_item(c, fen, (int)range(MB_CLASS_A, MB_CLASS_C), -1, err);
    }
    /* upstream amounts: always when the chain has no basic tier, sometimes otherwise */
    int has_basic = 0;
    for (size_t k = 0; k < n; k++)
        has_basic |= mb_ruleset_tier(chain[k]) == MB_TIER_BASIC;
    if (!has_basic || range(0, 5) == 0) {
        int64_t compliant = range(0, total), basic = range(0, compliant);
        int64_t ci = range(0, 2) == 0 ? range(0, compliant - basic) : -1;
        mb_claim_set_upstream(c, compliant, basic, ci, err);
    }
    return c;
}

/* A year of claims for one person under one chain, with a family member paying sometimes. */
static void person_year(const mb_ruleset *const *chain, size_t n, const char *name, int year,
                        int scheme, int person_type)
{
    mb_enrollee *e = NULL, *payer = NULL;
    if (mb_enrollee_new(&e, "P", scheme, person_type, err) != MB_OK ||
        mb_enrollee_new(&payer, "F", scheme, person_type, err) != MB_OK) {
        CHECK(0, "enrollees for the walk");
        mb_enrollee_free(e);
        return;
    }
    mb_enrollee_set_account_balance(e, range(0, 1) ? range(0, YUAN(3000)) : 0, err);
    mb_enrollee_set_account_balance(payer, YUAN(100000), err);
    mb_enrollee_set_designated_facility(e, "H1", err);
    mb_enrollee_set_first_visit_facility(e, "H1", err);
    const char *diseases[3];
    int ndiseases = 0;
    for (int k = 0; k < 3; k++) {
        const char *d = some_disease(chain, n);
        if (d && mb_enrollee_add_disease(e, d, (year - 1) * 10000 + 1201, 0, err) == MB_OK)
            diseases[ndiseases++] = d;
    }
    /* the tilt's categories often, any other sometimes, none sometimes */
    int64_t pick = range(0, 15);
    if (pick < 12)
        mb_enrollee_add_assistance(e, mb_test_categories[pick < 6 ? pick % 2 : pick], year * 10000 + 101,
                                   0, err);
    for (int i = 0; i < CLAIMS; i++) {
        mb_claim *c = random_claim(chain, n, year, i, diseases, ndiseases);
        if (c == NULL)
            continue;
        int rc = mb_enrollee_reserve_for(e, chain, n, err);
        if (rc == MB_OK)
            rc = range(0, 3) == 0 ? mb_settle_family(res, chain, n, e, payer, MB_FAMILY_SPOUSE, c, err)
                                  : mb_settle(res, chain, n, e, c, err);
        if (rc == MB_OK) {
            char who[160];
            snprintf(who, sizeof who, "chain %s, %d, person %d/%d, claim %d", name, year, scheme,
                     person_type, i);
            walk_trace(who);
        }
        mb_claim_free(c);
    }
    mb_enrollee_free(payer);
    mb_enrollee_free(e);
}

static void walk_chain(const mb_ruleset *const *chain, size_t n)
{
    char name[200] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(name);
        snprintf(name + len, sizeof name - len, "%s%s", i ? " + " : "", mb_ruleset_id(chain[i]));
    }
    for (int year = 2021; year <= 2026; year++) {
        person_year(chain, n, name, year, MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE);
        person_year(chain, n, name, year, MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED);
        person_year(chain, n, name, year, MB_SCHEME_EMPLOYEE, MB_PERSON_VETERAN);
        person_year(chain, n, name, year, MB_SCHEME_RESIDENT, 0);
        person_year(chain, n, name, year, MB_SCHEME_RESIDENT, 0);
    }
}

/* A trace longer than a result's own 96 steps is kept whole, never cut: the result makes room
 * before settling for the most steps the chain records, a bound worked out at load. A layer of
 * 120 bands of 1 yuan each (测试〔2024〕9号, a ruleset written for the test), each at 50%: a
 * claim of 200 yuan records the items step, one step per band and the layer's step, 122 in
 * all; it pays 120 x 1 x 50% = 60 yuan, summed exactly and rounded once. Before, the trace
 * stopped at 96 steps without saying so. */
static void long_trace(void)
{
    enum { BANDS = 120 };
    static char text[BANDS * 96 + 1024];
    int n = snprintf(text, sizeof text,
                     "id: long-trace\ntitle: 长轨迹测试\ndocument: 测试〔2024〕9号\ntier: basic\n"
                     "effective_from: 2024-01-01\nschemes: [employee]\n"
                     "account: {value: none, cite: 测试〔2024〕9号 一}\n"
                     "class_b_first_selfpay: {value: 10%%, cite: 测试〔2024〕9号 二}\n"
                     "funds:\n  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"
                     "layers:\n  - id: outpatient\n    cite: 测试〔2024〕9号 三\n"
                     "    med_types: [general_outpatient]\n    fund: pooling\n    bands:\n");
    for (int k = 0; k < BANDS; k++)
        n += snprintf(text + n, sizeof text - (size_t)n,
                      "      - {above: %d, up_to: %d, all: 50%%, cite: 测试〔2024〕9号 四}\n", k, k + 1);
    mb_ruleset *rs = fx_ruleset_text(text, "long-trace.yaml");
    if (rs == NULL)
        return;
    mb_enrollee *e = fx_enrollee("LT-1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_claim *c = fx_claim("LT1", 20240310, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY,
                           YUAN(200));
    mb_result *r = NULL;
    CHECK_RC(mb_result_new(&r, err), MB_OK, "a result of its own");
    CHECK_RC(fx_settle(r, rs, e, c, err), MB_OK, "the claim settles");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(60), "120 bands x 1 yuan x 50%");
    CHECK(mb_result_trace_count(r) == BANDS + 2, "every step is kept: items, 120 bands, the layer");
    mb_trace_step last;
    CHECK_RC(mb_result_trace(r, BANDS + 1, &last), MB_OK, "the last step is there");
    CHECK(strcmp(last.rule, "outpatient") == 0 && last.amount_out == YUAN(60),
          "the last step is the layer's, paying 60 yuan");
    /* another enrollee's first claim, settled into the other half of the handle: whole there
     * too (the bands run on each enrollee's year) */
    mb_enrollee *other = fx_enrollee("LT-2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_claim *again = fx_claim("LT2", 20240311, MB_MED_GENERAL_OUTPATIENT, "H1", MB_LEVEL_PRIMARY,
                               YUAN(200));
    CHECK_RC(fx_settle(r, rs, other, again, err), MB_OK, "a second claim settles");
    CHECK(mb_result_trace_count(r) == BANDS + 2, "its trace is whole as well");
    mb_claim_free(again);
    mb_enrollee_free(other);
    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

int main(void)
{
    err = mb_error_new();
    CHECK_RC(mb_result_new(&res, err), MB_OK, "result");
    nbundled = fx_load_bundled(bundled, MAX_RULESETS);
    CHECK(nbundled >= 6, "the six bundled rulesets (five documents and the example) load");
    fx_each_tier_chain(bundled, nbundled, walk_chain);
    long_trace();
    fprintf(stderr, "  %ld settlements, %ld trace steps walked\n", settlements, steps);
    CHECK(settlements > 10000, "many settlements were walked");
    CHECK(uncited == 0, "every trace step names its ruleset, rule, what it did and the clause it cites");
    for (int k = 0; k < SEEN_COUNT; k++) {
        if (seen[k] == 0)
            fprintf(stderr, "  no cited '%s' step was met\n", seen_what[k]);
        CHECK(seen[k] > 0, "each kind of step is met, cited, at least once");
    }
    for (size_t i = 0; i < nbundled; i++)
        mb_ruleset_free(bundled[i]);
    mb_result_free(res);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
