/* The settlement contract as properties over every chain the bundled rulesets make (one
 * ruleset per tier, fx_each_tier_chain), each with an employee and a resident living a random
 * year (fixed seed): claims of every kind, family settlements paid from a spouse's account, and
 * reversals by settlement id of any settlement still kept, in any order, interleaved with the
 * claims. After every call:
 *   - a failed call changes nothing: the patient's and the payer's saved bytes are as before;
 *   - pre-settlement gives the amounts the settlement that follows gives;
 *   - funds + account + cash = total, and the platform's other identities (setlinfo);
 *   - no cap is exceeded: every fund row's remaining limit is unlimited (-1) or >= 0, and each
 *     layer's accumulator of its annual (or quarterly) cap, and each disease cap's, holds at
 *     most the cap the compiled ruleset gives the person (its rows' largest for the person,
 *     the highest disease cap, a raise's ceiling); where the cap is one figure for the person
 *     and the trace says the claim was cut to it, the accumulator holds that figure exactly;
 *   - save -> restore -> save gives the same bytes (and the year goes on with the copy);
 *   - reversing again, or an id that is not one, is refused and changes nothing.
 * Halfway through the year a point is saved; after it nothing settled before it is reversed,
 * and at the end reversing everything settled after it, in a random order, gives back the
 * point's bytes; reversing the rest then gives back the year's first bytes. The public API,
 * and the compiled rulesets' caps (lib/ruleset.h: this program links the static library). */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"
#include "ruleset.h"

#define MAX_RULESETS 32
#define OPS 120              /* calls per enrollee-year */
#define KEPT_MAX OPS         /* settlements kept for reversal */
#define STATE_MAX (1 << 18)  /* room for a year's saved enrollee */

static mb_error *err;
static fx_rng rng = {UINT64_C(0x853c49e6748fea9b)};
static mb_result *scratch, *result;

/* Violations counted per property; each reported once with its first case. */
enum {
    P_UNCHANGED, P_PRESETTLE, P_SUM, P_IDENTITIES, P_NONNEG, P_TRACE, P_CAP, P_LAYER_CAP,
    P_CAP_REACHED, P_DISEASE_CAP, P_ROUNDTRIP, P_REVERSE, P_REFUSED, P_POINT, P_START, P_COUNT
};
static long violations[P_COUNT];
static const char *const property_why[P_COUNT] = {
    "a failed call leaves the patient's and the payer's saved bytes as they were",
    "presettle gives the same amounts as the settle that follows",
    "fund_pay_sumamt + acct_pay + psn_cash_pay == medfee_sumamt",
    ("medfee = class C + over limit + first self-pay + scope; funds = hifp + hifob + hifmi + "
     "maf; the fund rows add up"),
    "every amount is >= 0",
    "every trace step cites a clause and works on amounts >= 0 (no 'unlimited' shown as -0.01)",
    "no fund row's remaining limit (crt_payb_lmt_amt) is below 0 unless unlimited (-1)",
    "no layer's cap accumulator holds more than the compiled cap for the person",
    "a claim cut to a layer's one-figure cap leaves its accumulator at that figure exactly",
    "no disease cap's accumulator holds more than the disease's compiled cap for the person",
    "save -> restore -> save gives the same bytes",
    "every settlement kept reverses by its id, whatever came after it",
    "reversing a settlement twice, or by an id that is not one, is refused and changes nothing",
    "reversing everything settled after the saved point, in any order, gives back its bytes",
    "reversing every settlement of the year gives back the year's first bytes",
};
static long settled_count, family_count, reversed_count, refused_count, chains_count;
static long caps_checked, caps_reached, disease_caps_checked;

static void violated(int p, const char *who, int op, const char *what)
{
    if (violations[p]++ == 0)
        fprintf(stderr, "  first violation of '%s': %s, call %d: %s\n", property_why[p], who, op,
                what);
}

static int64_t range(int64_t lo, int64_t hi) { return fx_range(&rng, lo, hi); }

/* ---- the year's state ---------------------------------------------------------------------- */

typedef struct kept {
    char id[32];
    bool family;
    bool after_point;
} kept;

typedef struct year {
    const mb_ruleset *const *chain;
    size_t n;
    bool basic;          /* the chain has a basic tier (else the claim carries upstream amounts) */
    mb_enrollee *e, *payer;
    kept kept[KEPT_MAX];
    int nkept;
    int claims;          /* the claims made, for their ids */
    int32_t date;        /* the last claim's date */
    int year, month_lo, month_hi; /* when the chain is in force (in_force) */
    char who[200];
} year;

static unsigned char before_e[STATE_MAX], before_p[STATE_MAX], after_e[STATE_MAX],
    after_p[STATE_MAX], start_e[STATE_MAX], start_p[STATE_MAX], point_e[STATE_MAX],
    point_p[STATE_MAX];
static size_t nbefore_e, nbefore_p, nstart_e, nstart_p, npoint_e, npoint_p;

static void save_before(const year *y)
{
    nbefore_e = fx_save(y->e, before_e, STATE_MAX);
    nbefore_p = fx_save(y->payer, before_p, STATE_MAX);
}

/* Whether both enrollees save as they did at save_before(). */
static bool unchanged(const year *y)
{
    size_t ne = fx_save(y->e, after_e, STATE_MAX), np = fx_save(y->payer, after_p, STATE_MAX);
    return fx_same(before_e, nbefore_e, after_e, ne) && fx_same(before_p, nbefore_p, after_p, np);
}

static void forget(year *y, int i)
{
    memmove(&y->kept[i], &y->kept[i + 1], (size_t)(y->nkept - i - 1) * sizeof y->kept[0]);
    y->nkept--;
}

/* ---- claims -------------------------------------------------------------------------------- */

/* The i-th disease of the chain's catalogues (any ruleset's), or NULL. */
static const char *chain_disease(const year *y, size_t i)
{
    for (size_t k = 0; k < y->n; k++) {
        size_t count = mb_ruleset_disease_count(y->chain[k]);
        if (i < count) {
            const char *code = NULL;
            mb_ruleset_disease(y->chain[k], i, &code, NULL, NULL);
            return code;
        }
        i -= count;
    }
    return NULL;
}

static size_t chain_diseases(const year *y)
{
    size_t n = 0;
    for (size_t k = 0; k < y->n; k++)
        n += mb_ruleset_disease_count(y->chain[k]);
    return n;
}

/* Whether a general outpatient claim on `date` falls in the period every ruleset of the chain
 * is in force (any other answer than MB_E_INVALID_DATE: not covered, not eligible, settled). */
static bool in_force_on(const year *y, int32_t date)
{
    mb_claim *c = fx_claim("probe", date, MB_MED_GENERAL_OUTPATIENT, "H001", MB_LEVEL_PRIMARY,
                           YUAN(100));
    if (!y->basic)
        FX_OK(mb_claim_set_upstream(c, YUAN(100), YUAN(50), -1, err));
    int rc = mb_presettle(scratch, y->chain, y->n, y->e, c, err);
    mb_claim_free(c);
    return rc != MB_E_INVALID_DATE;
}

/* The year (and its months) the claims are dated in: the first of the candidates in which the
 * chain is in force in March or September; 2025 when none (its claims are then refused). */
static void in_force(year *y)
{
    static const int years[] = {2025, 2024, 2023, 2026, 2022, 2021, 2017};
    y->year = 2025;
    y->month_lo = 1;
    y->month_hi = 12;
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        bool march = in_force_on(y, years[i] * 10000 + 315);
        bool september = in_force_on(y, years[i] * 10000 + 915);
        if (march || september) {
            y->year = years[i];
            y->month_lo = march ? 1 : 7;
            y->month_hi = september ? 12 : 6;
            return;
        }
    }
}

/* A random claim of the year: any kind, at the designated facility or another of any level, with a
 * disease of the catalogues now and then, 1..4 items of class A/B/C; for a chain without a basic
 * tier, what basic insurance settled upstream, within what the items leave in scope. */
static mb_claim *random_claim(year *y)
{
    static const int meds[] = {MB_MED_CHRONIC, MB_MED_CHRONIC, MB_MED_GENERAL_OUTPATIENT,
                               MB_MED_EMERGENCY, MB_MED_INPATIENT, MB_MED_PHARMACY,
                               MB_MED_TRAUMA_INPATIENT, MB_MED_MATERNITY_OUTPATIENT};
    int med = meds[range(0, (int)(sizeof meds / sizeof meds[0]) - 1)];
    int level = med == MB_MED_PHARMACY ? MB_LEVEL_PHARMACY : (int)range(1, 3);
    const char *facility = range(0, 3) == 0 ? "H777" : "H001";
    int32_t date = y->year * 10000 + (int32_t)range(y->month_lo, y->month_hi) * 100 +
                   (int32_t)range(1, 28);
    y->date = date;
    char id[16];
    snprintf(id, sizeof id, "C%d", y->claims++);
    mb_claim *c = NULL;
    if (!FX_OK(mb_claim_new(&c, id, date, med, facility, level, err)))
        return NULL;
    size_t nd = chain_diseases(y);
    if (nd > 0 && range(0, 2) != 0)
        FX_OK(mb_claim_set_disease(c, chain_disease(y, (size_t)range(0, (int64_t)nd - 1)), NULL,
                                   err));
    if (med == MB_MED_INPATIENT || med == MB_MED_TRAUMA_INPATIENT)
        FX_OK(mb_claim_set_admission(c, date - (int32_t)range(0, date % 100 - 1), date, err));
    if (med == MB_MED_PHARMACY && range(0, 1))
        FX_OK(mb_claim_set_prescriber(c, "H001", (int)range(1, 3), err));
    FX_OK(mb_claim_set_flags(c, (uint32_t)range(0, 0x3f) & ~MB_CLAIM_OUT_OF_PROVINCE, err));
    for (int k = (int)range(1, 4); k > 0; k--) {
        int cls = (int)range(MB_CLASS_A, MB_CLASS_C);
        int bp = cls == MB_CLASS_B && range(0, 2) == 0 ? (int)range(0, 10000) : -1;
        FX_OK(mb_claim_add_item(c, range(1, range(0, 3) ? 50000 : 2000000), cls, bp, err));
    }
    if (!y->basic) {
        /* what the items leave in scope, read from a pre-settlement with nothing upstream */
        FX_OK(mb_claim_set_upstream(c, 0, 0, -1, err));
        if (mb_presettle(scratch, y->chain, y->n, y->e, c, err) == MB_OK) {
            int64_t room = mb_result_amount(scratch, MB_AMT_MEDFEE_SUMAMT) -
                           mb_result_amount(scratch, MB_AMT_FULAMT_OWNPAY) -
                           mb_result_amount(scratch, MB_AMT_PRESELFPAY);
            int64_t compliant = range(0, room > 0 ? room : 0);
            FX_OK(mb_claim_set_upstream(c, compliant, range(0, compliant), -1, err));
        }
    }
    return c;
}

/* ---- the properties of one settlement ------------------------------------------------------ */

static void check_amounts(const year *y, int op, const mb_result *r, const mb_result *pre)
{
    int64_t a[MB_AMT_COUNT_];
    for (int k = 0; k < MB_AMT_COUNT_; k++) {
        a[k] = mb_result_amount(r, k);
        if (a[k] < 0 && k != MB_AMT_BALC)
            violated(P_NONNEG, y->who, op, mb_amount_name(k));
        if (pre != NULL && mb_result_amount(pre, k) != a[k])
            violated(P_PRESETTLE, y->who, op, mb_amount_name(k));
    }
    if (a[MB_AMT_FUND_PAY_SUMAMT] + a[MB_AMT_ACCT_PAY] + a[MB_AMT_PSN_CASH_PAY] !=
        a[MB_AMT_MEDFEE_SUMAMT])
        violated(P_SUM, y->who, op, "funds + account + cash");
    int64_t rows = 0;
    for (size_t k = 0; k < mb_result_fund_count(r); k++) {
        mb_fund_row row;
        if (mb_result_fund(r, k, &row) != MB_OK)
            continue;
        rows += row.fund_payamt;
        if (row.crt_payb_lmt_amt < -1)
            violated(P_CAP, y->who, op, row.fund_pay_type);
    }
    if (a[MB_AMT_FULAMT_OWNPAY] + a[MB_AMT_OVERLMT_SELFPAY] + a[MB_AMT_PRESELFPAY] +
                a[MB_AMT_INSCP_SCP] != a[MB_AMT_MEDFEE_SUMAMT] ||
        a[MB_AMT_HIFP_PAY] + a[MB_AMT_HIFOB_PAY] + a[MB_AMT_HIFMI_PAY] + a[MB_AMT_MAF_PAY] !=
            a[MB_AMT_FUND_PAY_SUMAMT] ||
        rows != a[MB_AMT_FUND_PAY_SUMAMT])
        violated(P_IDENTITIES, y->who, op, "setlinfo");
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        mb_trace_step s;
        if (mb_result_trace(r, i, &s) != MB_OK || s.cite == NULL || s.cite[0] == '\0' ||
            s.amount_in < 0 || s.amount_out < 0)
            violated(P_TRACE, y->who, op, s.rule ? s.rule : "a trace step");
    }
}

/* ---- the caps, from the compiled rulesets ----------------------------------------------- */

static int64_t larger(int64_t a, int64_t b) { return a > b ? a : b; }

/* The most layer l's cap lets its accumulator hold in one period for a person in `slot`: its
 * rows' largest value for the slot, or the highest cap of the catalogue's diseases (base:
 * highest_disease), and with a raise its rows' largest ceiling. MB_UNLIMITED when nothing
 * bounds it: no row for the person, a row or disease cap without limit, a raise without
 * ceiling, or a tilt that lifts the cap (the test's enrollees are assistance recipients).
 * `*one` says the cap is one figure for the person whatever the claim: a single row without
 * selectors, no raise. */
static int64_t cap_bound(const mb_ruleset *rs, const mb_layer *l, int slot, bool *one)
{
    *one = false;
    for (uint32_t k = 0; l->tilt && k < rs->ntilts; k++)
        if (rs->tilts[k].uncapped)
            return MB_UNLIMITED;
    int64_t most = -1;
    bool any = false;
    if (l->cap.of_diseases) {
        any = true;
        most = 0;
        for (uint32_t d = 0; d < rs->ndiseases; d++)
            for (uint32_t k = 0; k < rs->diseases[d].ncaps; k++) {
                int64_t v = rs->diseases[d].caps[k].v[slot];
                if (v == MB_UNLIMITED)
                    return MB_UNLIMITED;
                if (v != MB_ABSENT)
                    most = larger(most, v);
            }
    } else {
        for (uint32_t i = 0; i < l->cap.rows.n; i++) {
            int64_t v = l->cap.rows.row[i].v[slot];
            if (v == MB_UNLIMITED)
                return MB_UNLIMITED;
            if (v != MB_ABSENT)
                most = any ? larger(most, v) : v, any = true;
        }
        *one = any && l->cap.rows.n == 1 && l->cap.rows.uses == 0 && !l->cap.has_raise;
    }
    if (!any)
        return MB_UNLIMITED;
    if (l->cap.has_raise) {
        int64_t ceiling = -1;
        for (uint32_t k = 0; k < l->cap.nraise; k++) {
            if (l->cap.raise[k].ceiling == MB_UNLIMITED)
                return MB_UNLIMITED;
            ceiling = larger(ceiling, l->cap.raise[k].ceiling);
        }
        most = ceiling; /* the raised cap is held to its row's ceiling */
    }
    return most;
}

static int32_t period_of(int kind, int32_t date)
{
    return kind == MB_PERIOD_QUARTER ? date / 10000 * 10 + (date / 100 % 100 - 1) / 3 + 1
                                     : date / 10000;
}

/* Whether r's trace has the step `rule` of ruleset `id`. */
static bool traced_in(const mb_result *r, const char *id, const char *rule)
{
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        mb_trace_step s;
        if (mb_result_trace(r, i, &s) == MB_OK && strcmp(s.ruleset_id, id) == 0 &&
            strcmp(s.rule, rule) == 0)
            return true;
    }
    return false;
}

/* After a settlement on `date`: every cap accumulator of the chain within its cap. */
static void check_caps(const year *y, int op, const mb_result *r, int32_t date)
{
    int slot = mb_enrollee_person_type(y->e) - 1;
    for (size_t k = 0; k < y->n; k++) {
        const mb_ruleset *rs = y->chain[k];
        for (uint32_t i = 0; i < rs->nlayers; i++) {
            const mb_layer *l = &rs->layers[i];
            bool one;
            int64_t cap = l->has_cap ? cap_bound(rs, l, slot, &one) : MB_UNLIMITED;
            if (cap == MB_UNLIMITED)
                continue;
            int64_t held = mb_enrollee_accumulator(y->e, rs->ns_id, l->cap.key_name,
                                                   period_of(l->cap.period, date));
            caps_checked++;
            if (held > cap)
                violated(P_LAYER_CAP, y->who, op, l->cap.key_name);
            if (one && traced_in(r, rs->id, l->rules.cap)) {
                caps_reached++;
                if (held != cap)
                    violated(P_CAP_REACHED, y->who, op, l->cap.key_name);
            }
        }
        for (uint32_t d = 0; d < rs->ndiseases; d++) {
            const mb_disease *dis = &rs->diseases[d];
            for (uint32_t c = 0; c < dis->ncaps; c++) {
                /* the rows of one line share its accumulator: the largest of them bounds it
                 * (none for the person, or one without limit: nothing to check) */
                int64_t cap = 0;
                bool any = false, unlimited = false;
                for (uint32_t j = 0; j < dis->ncaps; j++) {
                    int64_t v = dis->caps[j].v[slot];
                    if (dis->caps[j].key != dis->caps[c].key || v == MB_ABSENT)
                        continue;
                    unlimited |= v == MB_UNLIMITED;
                    cap = larger(cap, v);
                    any = true;
                }
                if (!any || unlimited)
                    continue;
                int64_t held = mb_enrollee_accumulator(y->e, rs->ns_id, dis->caps[c].key_name,
                                                       period_of(dis->cap_period, date));
                disease_caps_checked++;
                if (held > cap)
                    violated(P_DISEASE_CAP, y->who, op, dis->caps[c].key_name);
            }
        }
    }
}

/* ---- the calls ----------------------------------------------------------------------------- */

static void settle(year *y, int op, bool family)
{
    mb_claim *c = random_claim(y);
    if (c == NULL)
        return;
    save_before(y);
    int prc = family ? MB_OK : mb_presettle(scratch, y->chain, y->n, y->e, c, err);
    int rc = family ? mb_settle_family(result, y->chain, y->n, y->e, y->payer, MB_FAMILY_SPOUSE,
                                       c, err)
                    : mb_settle(result, y->chain, y->n, y->e, c, err);
    if (rc != MB_OK) {
        if (!unchanged(y))
            violated(P_UNCHANGED, y->who, op, mb_error_message(err));
        if (prc == MB_OK && !family)
            violated(P_PRESETTLE, y->who, op, "presettle succeeded, settle failed");
        refused_count++;
    } else {
        check_amounts(y, op, result, family ? NULL : scratch);
        check_caps(y, op, result, y->date);
        kept *k = &y->kept[y->nkept++];
        snprintf(k->id, sizeof k->id, "%s", mb_result_setl_id(result));
        k->family = family;
        k->after_point = npoint_e != 0;
        settled_count++;
        family_count += family;
    }
    mb_claim_free(c);
}

/* Reverse settlement i of those kept, by its id. */
static bool reverse_kept(year *y, int op, int i)
{
    const kept *k = &y->kept[i];
    size_t count = mb_enrollee_journal_count(y->e);
    int rc = k->family ? mb_reverse_family_id(y->e, y->payer, k->id, err)
                       : mb_reverse_id(y->e, k->id, err);
    if (rc != MB_OK || mb_enrollee_journal_count(y->e) != count - 1) {
        violated(P_REVERSE, y->who, op, rc == MB_OK ? "the journal kept it" : mb_error_message(err));
        return false;
    }
    /* reversing it again is refused, changing nothing */
    save_before(y);
    rc = k->family ? mb_reverse_family_id(y->e, y->payer, k->id, err)
                   : mb_reverse_id(y->e, k->id, err);
    if (rc != MB_E_STATE || !unchanged(y))
        violated(P_REFUSED, y->who, op, k->id);
    reversed_count++;
    forget(y, i);
    return true;
}

/* Reverse a random settlement kept (after the point: only one settled after it). */
static void reverse_some(year *y, int op)
{
    int candidates[KEPT_MAX], m = 0;
    for (int i = 0; i < y->nkept; i++)
        if (npoint_e == 0 || y->kept[i].after_point)
            candidates[m++] = i;
    if (m > 0)
        reverse_kept(y, op, candidates[range(0, m - 1)]);
}

/* Save, restore, save again: the same bytes; the year goes on with the restored copy. */
static void roundtrip(year *y, int op)
{
    size_t n0 = fx_save(y->e, before_e, STATE_MAX);
    mb_enrollee *copy = fx_restore(before_e, n0);
    size_t n1 = copy ? fx_save(copy, after_e, STATE_MAX) : 0;
    if (!fx_same(before_e, n0, after_e, n1)) {
        violated(P_ROUNDTRIP, y->who, op, "the copy saves other bytes");
        mb_enrollee_free(copy);
        return;
    }
    mb_enrollee_free(y->e);
    y->e = copy;
}

/* Calls that must fail and change nothing: an id that is not 16 hex digits, one never settled. */
static void refused_calls(year *y, int op)
{
    save_before(y);
    if (mb_reverse_id(y->e, "not-an-id", err) != MB_E_INVALID_ARGUMENT || !unchanged(y))
        violated(P_REFUSED, y->who, op, "not-an-id");
    if (mb_reverse_id(y->e, "0123456789abcdef", err) != MB_E_STATE || !unchanged(y))
        violated(P_REFUSED, y->who, op, "0123456789abcdef");
}

/* Reverse every kept settlement (or those settled after the point), in a random order. */
static void reverse_all(year *y, bool only_after_point)
{
    for (;;) {
        int candidates[KEPT_MAX], m = 0;
        for (int i = 0; i < y->nkept; i++)
            if (!only_after_point || y->kept[i].after_point)
                candidates[m++] = i;
        if (m == 0 || !reverse_kept(y, OPS, candidates[range(0, m - 1)]))
            return;
    }
}

static bool saves_as(const year *y, const unsigned char *e, size_t ne, const unsigned char *p,
                     size_t np)
{
    size_t n0 = fx_save(y->e, after_e, STATE_MAX), n1 = fx_save(y->payer, after_p, STATE_MAX);
    return fx_same(after_e, n0, e, ne) && fx_same(after_p, n1, p, np);
}

/* ---- a year -------------------------------------------------------------------------------- */

static void live_year(const mb_ruleset *const *chain, size_t n, int scheme)
{
    static year y;
    memset(&y, 0, sizeof y);
    y.chain = chain;
    y.n = n;
    int len = snprintf(y.who, sizeof y.who, "%s", scheme == MB_SCHEME_EMPLOYEE ? "employee" : "resident");
    for (size_t k = 0; k < n; k++) {
        y.basic |= mb_ruleset_tier(chain[k]) == MB_TIER_BASIC;
        len += snprintf(y.who + len, sizeof y.who - (size_t)len, " %s", mb_ruleset_id(chain[k]));
    }
    int employee = scheme == MB_SCHEME_EMPLOYEE;
    y.e = fx_enrollee("P", scheme, employee ? (int)range(1, 3) : 0,
                      employee ? range(0, YUAN(3000)) : 0);
    y.payer = fx_enrollee("S", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, range(0, YUAN(5000)));
    if (y.e == NULL || y.payer == NULL)
        goto out;
    FX_OK(mb_enrollee_set_journal_limit(y.e, KEPT_MAX, err));
    FX_OK(mb_enrollee_set_designated_facility(y.e, "H001", err));
    FX_OK(mb_enrollee_set_first_visit_facility(y.e, "H001", err));
    for (size_t i = 0; i < 3 && i < chain_diseases(&y); i++)
        FX_OK(mb_enrollee_add_disease(y.e, chain_disease(&y, i), 20241201, 0, err));
    FX_OK(mb_enrollee_add_assistance(y.e, "minimum_living", 20240101, 0, err));
    FX_OK(mb_enrollee_reserve_for(y.e, chain, n, err));
    in_force(&y);
    nstart_e = fx_save(y.e, start_e, STATE_MAX);
    nstart_p = fx_save(y.payer, start_p, STATE_MAX);
    npoint_e = npoint_p = 0;

    for (int op = 0; op < OPS; op++) {
        if (op == OPS / 2) {
            npoint_e = fx_save(y.e, point_e, STATE_MAX);
            npoint_p = fx_save(y.payer, point_p, STATE_MAX);
        }
        int64_t dice = range(0, 99);
        if (dice < 60)
            settle(&y, op, false);
        else if (dice < 68)
            settle(&y, op, true);
        else if (dice < 88)
            reverse_some(&y, op);
        else if (dice < 95)
            roundtrip(&y, op);
        else
            refused_calls(&y, op);
    }
    reverse_all(&y, true);
    if (!saves_as(&y, point_e, npoint_e, point_p, npoint_p))
        violated(P_POINT, y.who, OPS, "other bytes");
    reverse_all(&y, false);
    if (!saves_as(&y, start_e, nstart_e, start_p, nstart_p))
        violated(P_START, y.who, OPS, "other bytes");
out:
    mb_enrollee_free(y.e);
    mb_enrollee_free(y.payer);
}

static void each_chain(const mb_ruleset *const *chain, size_t n)
{
    chains_count++;
    live_year(chain, n, MB_SCHEME_EMPLOYEE);
    live_year(chain, n, MB_SCHEME_RESIDENT);
}

int main(void)
{
    err = fx_error();
    scratch = fx_result();
    result = fx_result();
    static mb_ruleset *rs[MAX_RULESETS];
    size_t n = fx_load_bundled(rs, MAX_RULESETS);
    CHECK(n >= 19, "every bundled ruleset loads");
    fx_each_tier_chain(rs, n, each_chain);

    for (int p = 0; p < P_COUNT; p++)
        CHECK(violations[p] == 0, property_why[p]);
    printf("%ld chains: %ld settlements (%ld family), %ld reversed by id, %ld refused\n",
           chains_count, settled_count, family_count, reversed_count, refused_count);
    /* the generator is not idle: most claims settle, some family ones, reversals of each kind */
    CHECK(settled_count > 20 * chains_count, "at least 20 settlements per chain on average");
    CHECK(family_count > 0 && reversed_count > settled_count / 2,
          "family settlements are made and most settlements are reversed");
    CHECK(refused_count > 0, "some claims are refused (not in force, not eligible...)");
    printf("caps checked after each settlement: %ld of layers (%ld cut to a one-figure cap), "
           "%ld of diseases\n", caps_checked, caps_reached, disease_caps_checked);
    CHECK(caps_checked > 1000 && caps_reached > 0 && disease_caps_checked > 1000,
          "the caps are checked, and some claims reach a layer's cap");

    for (size_t i = 0; i < n; i++)
        mb_ruleset_free(rs[i]);
    mb_result_free(scratch);
    mb_result_free(result);
    fx_done();
    return check_summary();
}
