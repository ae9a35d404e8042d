/* The plain path (lib/program.c) settles exactly as the layers' general path does.
 *
 * A tier whose layers for a claim are all plain settles it on the plain path. For every chain the
 * bundled rulesets form, pseudo-random claims (fixed seed) of the med_types the rulesets'
 * plain layers take, and of others, for enrollees of every person type who hold the
 * catalogue's diseases, at the designated facility or not, with the year's figures seeded near
 * their deductibles and caps, are computed four ways from the same enrollee: with the plain
 * path and with the general path alone (the chain's plain layers hidden), each with a trace and
 * without. The status and every field of the settlements must agree (amounts, covered, reason,
 * fund rows, accumulator changes with the entries they write through), and so must the traces,
 * step by step. One is then committed, so that the year's figures move on.
 *
 * The plan is checked as well: 锡医保服务〔2020〕41号's chronic layer is plain, and so are a
 * ruleset's of the test's own, whose plain layers have the shapes no bundled one has; each
 * covers enough of its claims to tell, and every claim of a tier whose layers are plain must be
 * taken by the plain path. Internal: links the static library. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

#include "../../lib/handles.h"
#include "../../lib/pipeline.h"
#include "../../lib/program.h"

#define MAX_RULESETS 32
#define PEOPLE 8
#define CLAIMS 40

static mb_ruleset *bundled[MAX_RULESETS];
static size_t nbundled;
static fx_rng rng = {UINT64_C(0x2545f4914f6cdd1d)};
static long compared, refused, covered, by_plain, taken_tiers, chains;

static int64_t range(int64_t lo, int64_t hi) { return fx_range(&rng, lo, hi); }

/* Each person's certified diseases (codes of the chain's first catalogue). */
static const char *held[PEOPLE][3];
static int nheld[PEOPLE];

#define STEPS 512
static mb_settlement plain_traced, plain, general_traced, general;
static mb_trace_step steps[2][STEPS];

/* Two texts the same (both NULL, or the same characters: a literal of two files may or may not
 * be one string, as the compiler merges them or, under a sanitizer, not). */
static bool same_text(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Two settlements agree in everything but the trace. */
static bool same_settlement(const mb_settlement *a, const mb_settlement *b)
{
    if (memcmp(a->amt, b->amt, sizeof a->amt) != 0 || a->covered != b->covered ||
        a->reason != b->reason || !same_text(a->reason_rule, b->reason_rule) ||
        !same_text(a->reason_cite, b->reason_cite) || !same_text(a->reason_arg, b->reason_arg) ||
        a->reason_date != b->reason_date || a->nfunds != b->nfunds || a->ndeltas != b->ndeltas ||
        a->nfresh != b->nfresh || a->balance_before != b->balance_before ||
        a->balance_after != b->balance_after)
        return false;
    for (uint32_t i = 0; i < a->nfunds; i++) {
        const mb_fund_row *x = &a->funds[i], *y = &b->funds[i];
        if (!same_text(x->fund_pay_type, y->fund_pay_type) ||
            !same_text(x->fund_name, y->fund_name) || x->inscp_scp_amt != y->inscp_scp_amt ||
            x->fund_payamt != y->fund_payamt || x->crt_payb_lmt_amt != y->crt_payb_lmt_amt)
            return false;
    }
    for (uint32_t i = 0; i < a->ndeltas; i++) {
        const mb_delta *x = &a->deltas[i], *y = &b->deltas[i];
        if (x->change.key != y->change.key || x->change.value != y->change.value ||
            x->change.before != y->change.before || x->change.period != y->change.period ||
            x->change.op != y->change.op || x->after != y->after || x->slot != y->slot)
            return false;
    }
    return true;
}

/* Whether the tier's layers for the enrollee's claims of `med` are plain. */
static bool plain_for(const mb_ruleset *rs, const mb_enrollee *e, int med)
{
    return rs->plain_for != NULL && rs->plain_for[e->scheme][med % 32] != NULL;
}

/* The catalogue the people's diseases come from: the chain's last that has one (a later tier's
 * catalogue holds fewer of the diseases the first tier's holds). */
static const mb_ruleset *catalogue_of(const mb_ruleset *const *chain, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (mb_ruleset_disease_count(chain[i]) > 0)
            return chain[i];
    return chain[0];
}

/* Enrollees of every person type holding diseases of the chain's catalogue (catalogue_of), the
 * year's figures of the first ruleset seeded at random: near a deductible or a cap, or past
 * one. */
static void people(const mb_ruleset *const *chain, size_t n, mb_enrollee **out, int year)
{
    static const int types[][2] = {{MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE},
                                   {MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED},
                                   {MB_SCHEME_EMPLOYEE, MB_PERSON_VETERAN},
                                   {MB_SCHEME_RESIDENT, 0}};
    const mb_ruleset *rs = chain[0], *catalogue = catalogue_of(chain, n);
    size_t nd = mb_ruleset_disease_count(catalogue);
    for (int p = 0; p < PEOPLE; p++) {
        char id[16];
        snprintf(id, sizeof id, "P%d", p);
        mb_enrollee *e = fx_enrollee(id, types[p % 4][0], types[p % 4][1], 0);
        if (types[p % 4][0] == MB_SCHEME_EMPLOYEE && range(0, 2))
            FX_OK(mb_enrollee_set_account_balance(e, range(0, YUAN(2000)), fx_error()));
        if (range(0, 7))
            FX_OK(mb_enrollee_set_designated_facility(e, "H1", fx_error()));
        if (range(0, 1))
            FX_OK(mb_enrollee_set_first_visit_facility(e, "H1", fx_error()));
        nheld[p] = 0;
        for (int k = 0, want = (int)range(range(0, 5) ? 1 : 0, 3); nd > 0 && k < want; k++) {
            const char *code, *name, *group;
            if (mb_ruleset_disease(catalogue, (size_t)range(0, (int64_t)nd - 1), &code, &name,
                                   &group) == MB_OK &&
                mb_enrollee_add_disease(e, code, year * 10000 + 101 - (int32_t)range(0, 1) * 10000, 0,
                                        NULL) == MB_OK)
                held[p][nheld[p]++] = code;
        }
        /* assistance identities: none for most, one or two, some lost in the year */
        static const char *const categories[] = {"minimum_living", "extreme_poverty",
                                                 "low_income_margin", "orphan"};
        for (int k = 0, want = range(0, 2) ? 0 : (int)range(1, 2); k < want; k++)
            (void)mb_enrollee_add_assistance(e, categories[range(0, 3)], year * 10000 + 101,
                                             range(0, 2) ? 0 : year * 10000 + 601, NULL);
        for (size_t k = 0; k < mb_ruleset_accumulator_count(rs); k++) {
            const char *key;
            int kind;
            if (range(0, 2) || mb_ruleset_accumulator(rs, k, &key, &kind) != MB_OK)
                continue;
            int32_t period = kind == MB_PERIOD_QUARTER ? year * 10 + (int32_t)range(1, 4) : year;
            /* -1: refused by the seed, as restore refuses a corrupt figure (the figure stays 0) */
            int64_t fen = range(0, 30) == 0 ? -1
                          : range(0, 3)        ? range(0, YUAN(1200))
                                               : range(0, YUAN(20000));
            (void)mb_enrollee_seed_checked(e, rs, key, period, fen, NULL);
        }
        out[p] = e;
    }
}

/* A claim of person `p`: chronic two in three, mostly for a disease the person holds. */
static mb_claim *random_claim(const mb_ruleset *rs, int p, int k, int year)
{
    static const int meds[] = {MB_MED_CHRONIC, MB_MED_GENERAL_OUTPATIENT, MB_MED_INPATIENT,
                               MB_MED_PHARMACY, MB_MED_EMERGENCY, MB_MED_MATERNITY_OUTPATIENT};
    char id[16];
    snprintf(id, sizeof id, "C%d", k);
    int med = range(0, 3) ? MB_MED_CHRONIC : meds[range(0, 5)];
    int level = med == MB_MED_PHARMACY || range(0, 15) == 0
                    ? MB_LEVEL_PHARMACY
                    : (int)range(MB_LEVEL_PRIMARY, MB_LEVEL_TERTIARY);
    int32_t date = year * 10000 + (int32_t)(1 + k * 12 / CLAIMS) * 100 + (int32_t)range(1, 28);
    mb_claim *c = NULL;
    static const char *const facilities[] = {"H1", "H1", "H1", "H2", NULL};
    if (mb_claim_new(&c, id, date, med, facilities[range(0, 4)], level, NULL) != MB_OK)
        return NULL;
    static const unsigned bits[] = {MB_CLAIM_REFERRAL, MB_CLAIM_OUT_OF_PROVINCE, MB_CLAIM_NO_ACCOUNT};
    for (int b = 0; b < 3; b++)
        if (range(0, 5) == 0)
            (void)mb_claim_set_flags(c, c->b.flags | bits[b], NULL);
    size_t nd = mb_ruleset_disease_count(rs);
    if (nheld[p] > 0 && range(0, 5)) {
        (void)mb_claim_set_disease(c, held[p][range(0, nheld[p] - 1)], NULL, NULL);
    } else if (nd > 0 && range(0, 3)) {
        const char *code, *name, *group;
        if (mb_ruleset_disease(rs, (size_t)range(0, (int64_t)nd - 1), &code, &name, &group) == MB_OK)
            (void)mb_claim_set_disease(c, range(0, 1) ? code : name, NULL, NULL);
    }
    if (med == MB_MED_INPATIENT)
        (void)mb_claim_set_admission(c, date - (date % 100 > 5 ? 4 : 0), date, NULL);
    /* a pharmacy's claim: mostly prescribed, at the first-visit facility or another of a level */
    if (level == MB_LEVEL_PHARMACY && range(0, 4))
        (void)mb_claim_set_prescriber(c, range(0, 1) ? "H1" : "H3",
                                      (int)range(MB_LEVEL_PRIMARY, MB_LEVEL_TERTIARY), NULL);
    for (int i = 0; i < (int)range(1, 3); i++)
        (void)mb_claim_add_item(c, range(0, 5) ? range(1, YUAN(3000)) : range(YUAN(3000), YUAN(60000)),
                                (int)range(MB_CLASS_A, MB_CLASS_C), -1, NULL);
    return c;
}

/* The trace steps of two settlements agree, step by step. */
static bool same_trace(const mb_settlement *a, const mb_settlement *b)
{
    if (a->ntrace != b->ntrace)
        return false;
    for (uint32_t i = 0; i < a->ntrace; i++) {
        const mb_trace_step *x = &a->trace[i], *y = &b->trace[i];
        if (!same_text(x->ruleset_id, y->ruleset_id) || !same_text(x->rule, y->rule) ||
            !same_text(x->cite, y->cite) || !same_text(x->what, y->what) ||
            x->amount_in != y->amount_in || x->amount_out != y->amount_out ||
            x->ratio_bp != y->ratio_bp)
            return false;
    }
    return true;
}

/* Compute `c` under the chain, with a trace into `s` or not. */
static int compute(mb_settlement *s, mb_trace_step *room, const mb_ruleset *const *eff, size_t n,
                   const mb_enrollee *e, const mb_claim *c)
{
    s->trace = room;
    s->trace_cap = room ? STEPS : 0;
    return mb_compute(s, eff, n, e, NULL, &c->b, room != NULL, NULL, NULL);
}

/* Compute `c` for `e` four ways: with the plain path and with the general path alone (each
 * ruleset's plain layers hidden), with a trace and without; commit the first without. */
static void both_ways(const mb_ruleset *const *chain, size_t n, mb_enrollee *e, const mb_claim *c)
{
    mb_in_force f;
    mb_in_force_none(&f, false);
    if (mb_bill_check(chain, n, e, &c->b, &f, NULL) != MB_OK ||
        mb_enrollee_reserve_for(e, chain, n, NULL) != MB_OK) {
        refused++;
        return;
    }
    const mb_ruleset *const *eff = f.eff;
    size_t neff = f.n;
    int a = compute(&plain_traced, steps[0], eff, neff, e, c);
    int b = compute(&plain, NULL, eff, neff, e, c);
    const struct mb_plain_span *const (*hidden[MB_CHAIN_MAX])[32];
    for (size_t t = 0; t < neff; t++) {
        mb_ruleset *rs = (mb_ruleset *)eff[t]; /* the test's own: put back below */
        hidden[t] = rs->plain_for;
        rs->plain_for = NULL;
    }
    int g = compute(&general_traced, steps[1], eff, neff, e, c);
    int h = compute(&general, NULL, eff, neff, e, c);
    for (size_t t = 0; t < neff; t++)
        ((mb_ruleset *)eff[t])->plain_for = hidden[t];
    compared++;
    bool same = a == g && b == h && a == b &&
                (a != MB_OK || (same_settlement(&plain_traced, &general_traced) &&
                                same_trace(&plain_traced, &general_traced) &&
                                same_settlement(&plain, &general)));
    char why[320];
    snprintf(why, sizeof why, "%s%s%s, enrollee %s, claim %s (%d on %d): status %d/%d (plain) "
             "and %d/%d (general), covered %d and %d, hifp_pay %lld and %lld, steps %u and %u",
             eff[0]->id, neff > 1 ? " + " : "", neff > 1 ? eff[1]->id : "", e->id, c->b.id,
             c->b.med_type, c->b.date, a, b, g, h, plain_traced.covered, general_traced.covered,
             (long long)plain_traced.amt[MB_AMT_HIFP_PAY],
             (long long)general_traced.amt[MB_AMT_HIFP_PAY], plain_traced.ntrace,
             general_traced.ntrace);
    CHECK(same, why);
    if (a != MB_OK) {
        refused++;
        return;
    }
    /* every tier whose layers are plain takes the claim on the plain path (the random claims
     * have no upstream amounts: each tier is settled) */
    for (size_t t = 0; t < neff; t++) {
        bool plain_tier = plain_for(eff[t], e, c->b.med_type);
        bool taken = (plain.plain_tiers >> t) & 1u;
        snprintf(why, sizeof why, "%s (tier %zu), enrollee %s, claim %s: %s by the plain path",
                 eff[t]->id, t, e->id, c->b.id, taken ? "taken" : "not taken");
        CHECK(taken == plain_tier && ((plain_traced.plain_tiers >> t) & 1u) == taken, why);
        taken_tiers += taken;
    }
    if (plain.covered) {
        covered++;
        by_plain += plain.plain_tiers & 1u;
    }
    CHECK(general.plain_tiers == 0 && general_traced.plain_tiers == 0,
          "with the plain layers hidden, the general path settles");
    CHECK(mb_commit(&plain, e, NULL, &c->b, NULL) == MB_OK, "the claim settled commits");
}

static void compare_chain(const mb_ruleset *const *chain, size_t n)
{
    int32_t from = 0, to = 29991231;
    for (size_t i = 0; i < n; i++) {
        from = chain[i]->effective_from > from ? chain[i]->effective_from : from;
        to = chain[i]->effective_to < to ? chain[i]->effective_to : to;
    }
    if (from > to)
        return; /* rulesets of years that never meet */
    int year = from / 10000;
    mb_enrollee *e[PEOPLE];
    people(chain, n, e, year);
    for (int k = 0; k < CLAIMS * PEOPLE; k++) {
        mb_claim *c = random_claim(catalogue_of(chain, n), k % PEOPLE, k / PEOPLE, year);
        if (c != NULL)
            both_ways(chain, n, e[k % PEOPLE], c);
        mb_claim_free(c);
    }
    for (int p = 0; p < PEOPLE; p++)
        mb_enrollee_free(e[p]);
    chains++;
}

/* Plain layers of the shapes no bundled one has: chronic, the base what the tiers before left,
 * a person without a deductible, a quarter's cap raised for each disease beyond the first up to
 * a ceiling, a referral required, excluded in a year the outpatient layer paid, for diseases of
 * one catalogue group (the first disease's, index 0); outpatient, in the province only, no
 * ratio for a veteran, a cap unlimited for some (not read, yet added to), a pharmacy's claims at
 * a secondary facility's level; a pharmacy's own layer besides (its rows of `facility:
 * pharmacy`), asking a prescription; emergency, its ratio
 * chosen by the facility's class and the referral, less without one at a secondary or tertiary
 * facility, its cap by the class, and a second layer paying one band of the base from the first
 * fund (its own is another); maternity,
 * not plain: its cap chosen by the date. The same as a critical-illness tier, to follow
 * 锡医保服务〔2020〕41号 (three of whose diseases its catalogue holds). */
#define SHAPES_TERMS \
    "title: t\n" \
    "document: d\n" \
    "effective_from: 2023-01-01\n" \
    "schemes: [employee]\n" \
    "class_b_first_selfpay: {value: 10%, cite: c}\n" \
    "referral: {exempt: [out_of_area], penalty_points: 20, penalty_levels: [secondary, tertiary], cite: c}\n"
#define SHAPES_LAYERS \
    "funds:\n" \
    "  - {key: pooling, employee: \"310100\", name: n, amount: hifp_pay}\n" \
    "  - {key: large, employee: \"330100\", name: n, amount: hifob_pay}\n" \
    "catalogue:\n" \
    "  - {code: M01600, name: 糖尿病, group: chronic, cite: c}\n" \
    "  - {code: M03900, name: 高血压（2级、3级）, group: chronic, cite: c}\n" \
    "  - {code: WXC03, name: 恶性肿瘤, group: special, cite: c}\n" \
    "layers:\n" \
    "  - id: chronic\n" \
    "    name: n\n" \
    "    cite: c\n" \
    "    exclusive_with: [pooling_k]\n" \
    "    med_types: [chronic]\n" \
    "    disease_group: chronic\n" \
    "    requires: [certified_disease, referral]\n" \
    "    fund: pooling\n" \
    "    base: remaining\n" \
    "    deductible:\n" \
    "      - {in_service: 200, veteran: 100, cite: c}\n" \
    "    ratio:\n" \
    "      - {in_service: 60%, retired: 90%, veteran: 100%, cite: c}\n" \
    "    cap:\n" \
    "      period: quarter\n" \
    "      values:\n" \
    "        - {in_service: 900, retired: unlimited, veteran: 500, cite: c}\n" \
    "      raise: {each: 300, ceiling: 1500, cite: c}\n" \
    "  - id: outpatient\n" \
    "    name: n\n" \
    "    kind: pooling_k\n" \
    "    cite: c\n" \
    "    med_types: [general_outpatient, pharmacy]\n" \
    "    requires: [in_province]\n" \
    "    pharmacy: {as: secondary, cite: cp}\n" \
    "    fund: pooling\n" \
    "    deductible:\n" \
    "      - {in_service: 50, retired: 50, veteran: 50, cite: c}\n" \
    "    ratio:\n" \
    "      - {in_service: 50%, retired: 70%, cite: c}\n" \
    "    cap:\n" \
    "      period: year\n" \
    "      values:\n" \
    "        - {in_service: 700, retired: unlimited, veteran: unlimited, cite: c}\n" \
    "  - id: emergency\n" \
    "    name: n\n" \
    "    cite: c\n" \
    "    med_types: [emergency]\n" \
    "    fund: pooling\n" \
    "    referral_penalty: true\n" \
    "    deductible:\n" \
    "      - {in_service: 100, retired: 100, veteran: 100, cite: c}\n" \
    "    ratio:\n" \
    "      - {facility: first_visit, in_service: 80%, retired: 90%, veteran: 95%, cite: c1}\n" \
    "      - {facility: primary, referred: true, in_service: 75%, retired: 85%, cite: c2}\n" \
    "      - {facility: secondary, in_service: 60%, retired: 70%, veteran: 80%, cite: c3}\n" \
    "      - {in_service: 50%, retired: 70%, veteran: 80%, cite: c4}\n" \
    "    cap:\n" \
    "      period: year\n" \
    "      values:\n" \
    "        - {facility: tertiary, in_service: 300, retired: 300, veteran: 300, cite: c}\n" \
    "        - {in_service: 600, retired: 600, veteran: 600, cite: c}\n" \
    "  - id: large_amount\n" \
    "    name: n\n" \
    "    cite: c\n" \
    "    med_types: [emergency]\n" \
    "    fund: large\n" \
    "    bands:\n" \
    "      - {above: 800, up_to: 5000, fund: pooling}\n" \
    "    ratio:\n" \
    "      - {facility: tertiary, all: 40%, cite: c}\n" \
    "      - {all: 50%, cite: c}\n" \
    "  - id: dispensary\n" \
    "    name: n\n" \
    "    cite: c\n" \
    "    med_types: [pharmacy]\n" \
    "    requires: [prescription]\n" \
    "    fund: pooling\n" \
    "    base_key: outpatient\n" \
    "    pharmacy: {as: pharmacy, cite: cd}\n" \
    "    ratio:\n" \
    "      - {facility: pharmacy, in_service: 30%, retired: 40%, cite: c11}\n" \
    "      - {all: 20%, cite: c12}\n" \
    "  - id: maternity\n" \
    "    name: n\n" \
    "    cite: c\n" \
    "    med_types: [maternity_outpatient]\n" \
    "    fund: pooling\n" \
    "    ratio:\n" \
    "      - {all: 80%, cite: c}\n" \
    "    cap:\n" \
    "      period: year\n" \
    "      values:\n" \
    "        - {from: 2023-07-01, all: 400, cite: c}\n" \
    "        - {all: 300, cite: c}\n"
static const char *const shapes = "id: plain-shapes\ntier: basic\n"
                                  "account: {value: last, cite: c}\n" SHAPES_TERMS SHAPES_LAYERS;
static const char *const shapes_ci = "id: plain-shapes-ci\ntier: critical_illness\n"
                                     "upstream: {cite: c}\n" SHAPES_TERMS SHAPES_LAYERS;

/* Assistance layers of the shapes the plain path takes: a ratio by the highest category held,
 * one category given twice (the later row never applies); the chronic layer's cap shared with
 * a second layer that asks a referral and a deductible of the year's burden (after 无锡市医疗救助
 * 四（六）、四（七）); a maternity layer alone that asks an identity but pays at a ratio of its
 * own. ASSIST_DATED's categories read the claim date (a row from 1 June), ASSIST_BY_TYPE's the
 * claim type, which the path does not take: its tiers settle on the general path. */
#define ASSIST_HEAD \
    "tier: assistance\n" \
    "title: t\n" \
    "document: d\n" \
    "effective_from: 2023-01-01\n" \
    "account: {value: none, cite: c}\n" \
    "upstream: {cite: c}\n" \
    "class_b_first_selfpay: {value: 0%, cite: c}\n" \
    "identity: {lost: end_of_month, admission: any_day, cite: c}\n" \
    "funds:\n" \
    "  - {key: assistance, employee: \"610100\", resident: \"610100\", name: n, amount: maf_pay}\n" \
    "categories:\n" \
    "  - {name: extreme_poverty, ratio: 100%, cite: c1}\n" \
    "  - {name: minimum_living, ratio: 85%, cite: c2}\n" \
    "  - {name: low_income_margin, ratio: 85%, cite: c3}\n" \
    "  - {name: minimum_living, ratio: 90%, cite: c4}\n"
#define ASSIST_LAYERS \
    "layers:\n" \
    "  - id: outpatient\n" \
    "    name: n\n" \
    "    kind: assist_outpatient\n" \
    "    cite: c\n" \
    "    med_types: [general_outpatient, emergency]\n" \
    "    requires: [assistance_identity]\n" \
    "    fund: assistance\n" \
    "    base: remaining\n" \
    "    ratio_source: category\n" \
    "    cap: {period: year, values: [{all: 500, cite: c}]}\n" \
    "  - id: chronic\n" \
    "    name: n\n" \
    "    kind: assist_chronic\n" \
    "    cite: c\n" \
    "    med_types: [chronic, inpatient]\n" \
    "    requires: [assistance_identity]\n" \
    "    fund: assistance\n" \
    "    base: remaining\n" \
    "    ratio_source: category\n" \
    "    cap: {period: year, key: annual, values: [{all: 3000, cite: c}]}\n" \
    "  - id: maternity\n" \
    "    name: n\n" \
    "    kind: assist_maternity\n" \
    "    cite: c\n" \
    "    med_types: [maternity_outpatient]\n" \
    "    requires: [assistance_identity]\n" \
    "    fund: assistance\n" \
    "    base: remaining\n" \
    "    ratio: [{all: 50%, cite: cm}]\n" \
    "  - id: tilted\n" \
    "    name: n\n" \
    "    kind: assist_tilted\n" \
    "    cite: c\n" \
    "    med_types: [chronic, inpatient]\n" \
    "    requires: [assistance_identity, in_province, referral]\n" \
    "    fund: assistance\n" \
    "    base: remaining\n" \
    "    base_key: burden\n" \
    "    deductible: [{all: 300, cite: c}]\n" \
    "    ratio: [{all: 60%, cite: c}]\n" \
    "    cap: {period: year, key: annual, values: [{all: 3000, cite: c}]}\n"
static const char *const assist = "id: plain-assist\n" ASSIST_HEAD ASSIST_LAYERS;
static const char *const assist_dated =
    "id: plain-assist-dated\n" ASSIST_HEAD
    "  - {name: orphan, from: 2023-06-01, ratio: 95%, cite: c5}\n" ASSIST_LAYERS;
static const char *const assist_by_type =
    "id: plain-assist-by-type\n" ASSIST_HEAD
    "  - {name: orphan, claim_type: chronic, ratio: 95%, cite: c5}\n" ASSIST_LAYERS;

static const mb_ruleset *find(const char *id)
{
    for (size_t i = 0; i < nbundled; i++)
        if (strcmp(mb_ruleset_id(bundled[i]), id) == 0)
            return bundled[i];
    return NULL;
}

int main(void)
{
    nbundled = fx_load_bundled(bundled, MAX_RULESETS);
    CHECK(nbundled >= 10, "the bundled rulesets load");

    /* the plan: 锡医保服务〔2020〕41号 三's chronic layer (deductible, ratio, cap raised for two
     * diseases: each chosen by the person alone) is plain for employees' chronic claims */
    const mb_ruleset *wuxi = find("wuxi-employee-chronic-2021");
    CHECK(wuxi != NULL && wuxi->plain_for != NULL &&
              wuxi->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_CHRONIC % 32] != NULL &&
              wuxi->plain_for[MB_SCHEME_RESIDENT][MB_MED_CHRONIC % 32] == NULL,
          "wuxi's chronic layer is plain for employees only (its schemes)");
    /* 无锡市医疗救助's chronic span: the category's ratio and the tilted layer beside it, whose
     * cap they share; 常州's outpatient pooling and large amount: ratios by facility class and
     * referral, the penalty, one band */
    const mb_ruleset *wuxi_assist = find("wuxi-medical-assistance-2023");
    const mb_ruleset *changzhou = find("changzhou-employee-outpatient-2023");
    const mb_plain_span *assist_chronic =
        wuxi_assist && wuxi_assist->plain_for
            ? wuxi_assist->plain_for[MB_SCHEME_RESIDENT][MB_MED_CHRONIC % 32] : NULL;
    const mb_plain_span *outpatient =
        changzhou && changzhou->plain_for
            ? changzhou->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_GENERAL_OUTPATIENT % 32] : NULL;
    CHECK(assist_chronic != NULL && assist_chronic->n == 2 && assist_chronic->categories != NULL &&
              assist_chronic->layer[0]->by_category && !assist_chronic->layer[1]->by_category &&
              assist_chronic->layer[1]->reads_category && !assist_chronic->by_facility,
          "wuxi assistance: its chronic span is plain, by category then tilted");
    CHECK(outpatient != NULL && outpatient->n == 2 && outpatient->by_facility &&
              changzhou->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_INPATIENT % 32] == NULL,
          "changzhou: its outpatient span is plain, by facility; its inpatient bands are not");

    long before = by_plain;
    const mb_ruleset *alone[1] = {wuxi};
    for (int round = 0; round < 4; round++)
        compare_chain(alone, 1);
    char why[128];
    snprintf(why, sizeof why, "wuxi: %ld of %d claims covered by its plain layer", by_plain - before,
             4 * CLAIMS * PEOPLE);
    CHECK(by_plain - before >= CLAIMS * PEOPLE, why);

    mb_ruleset *own = fx_ruleset_text(shapes, "plain-shapes.yaml");
    mb_ruleset *own_ci = fx_ruleset_text(shapes_ci, "plain-shapes-ci.yaml");
    CHECK(own != NULL && own->plain_for != NULL &&
              own->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_CHRONIC % 32] != NULL &&
              own->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_GENERAL_OUTPATIENT % 32] != NULL &&
              own->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_EMERGENCY % 32] != NULL &&
              own->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_EMERGENCY % 32]->n == 2 &&
              own->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_PHARMACY % 32] != NULL &&
              own->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_PHARMACY % 32]->n == 2 &&
              own->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_MATERNITY_OUTPATIENT % 32] == NULL,
          "plain-shapes' chronic, outpatient, emergency and pharmacy layers are plain (the "
          "emergency span two layers, by facility and a band; the pharmacy span two, each at a "
          "level of its own), its maternity layer not (a cap from a date)");
    before = by_plain;
    const mb_ruleset *own_chain[1] = {own};
    for (int round = 0; round < 4; round++)
        compare_chain(own_chain, 1);
    snprintf(why, sizeof why, "plain-shapes: %ld of %d claims covered by its plain layer",
             by_plain - before, 4 * CLAIMS * PEOPLE);
    CHECK(by_plain - before >= CLAIMS, why); /* a referral is asked of one claim in five */
    const mb_ruleset *after_wuxi[2] = {wuxi, own_ci}; /* a plain layer in the second tier */
    for (int round = 0; round < 4; round++)
        compare_chain(after_wuxi, 2);
    mb_ruleset_free(own);
    mb_ruleset_free(own_ci);

    /* the assistance shapes, alone and after wuxi's tier; the categories the path reads in
     * their order of preference where they read no date, on a view of the groups held where
     * they do, and not at all where they read the claim type */
    mb_ruleset *by_group = fx_ruleset_text(assist, "plain-assist.yaml");
    mb_ruleset *dated = fx_ruleset_text(assist_dated, "plain-assist-dated.yaml");
    mb_ruleset *by_type = fx_ruleset_text(assist_by_type, "plain-assist-by-type.yaml");
    CHECK(by_group && dated && by_type, "the assistance shapes load");
    if (by_group && dated && by_type) {
        const mb_plain_span *chronic = by_group->plain_for[MB_SCHEME_EMPLOYEE][MB_MED_CHRONIC % 32];
        CHECK(chronic != NULL && chronic->n == 2 && chronic->categories != NULL &&
                  chronic->categories->n[0] == 3 &&
                  chronic->categories->row[0][0]->cite[1] == '1' &&
                  chronic->categories->row[0][1]->cite[1] == '2' &&
                  chronic->categories->row[0][2]->cite[1] == '3',
              "plain-assist: the chronic span of two layers, its categories in their order (100%, "
              "then 85% in file order; the second minimum_living row never applies)");
        const mb_plain_span *later = dated->plain_for ? dated->plain_for[MB_SCHEME_RESIDENT][MB_MED_INPATIENT % 32] : NULL;
        CHECK(later != NULL && later->categories == NULL,
              "plain-assist-dated: plain, its categories picked on a view of the date and groups");
        CHECK(by_type->plain_for == NULL, "plain-assist-by-type: its categories read the claim "
                                          "type, which the plain path does not see");
        const mb_ruleset *shapes_set[] = {by_group, dated, by_type};
        for (int k = 0; k < 3; k++) {
            const mb_ruleset *one[1] = {shapes_set[k]}, *two[2] = {wuxi, shapes_set[k]};
            for (int round = 0; round < 2; round++) {
                compare_chain(one, 1);
                compare_chain(two, 2);
            }
        }
    }
    mb_ruleset_free(by_group);
    mb_ruleset_free(dated);
    mb_ruleset_free(by_type);

    fx_each_tier_chain(bundled, nbundled, compare_chain);
    snprintf(why, sizeof why, "plain layers covered %ld of the %ld claims covered", by_plain,
             covered);
    CHECK(by_plain >= 3 * CLAIMS * PEOPLE, why);
    printf("  %ld claims compared over %ld chains: %ld covered (%ld by the plain path), %ld "
           "refused or failed; %ld tiers settled by the plain path\n", compared, chains, covered,
           by_plain, refused, taken_tiers);
    for (size_t i = 0; i < nbundled; i++)
        mb_ruleset_free(bundled[i]);
    return check_summary();
}
