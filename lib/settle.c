/*
 * The settlement pipeline. For one claim and a chain of rulesets:
 *
 *   1. classify the items: class C out of scope, class B first self-pay, the rest in scope;
 *   2. for each tier in order (basic, critical illness, assistance), skipping tiers already
 *      settled upstream: for each layer of the ruleset that matches the claim and whose
 *      requirements hold, take the deductible, pay each band at its ratio, apply the caps;
 *      every tier works on the policy-scope self-pay the tiers before it left;
 *   3. the personal account pays the person's share, the rest is cash.
 *
 * All reads of year-to-date figures go through the pending deltas of this claim, so two layers
 * sharing a cap see each other's payments; nothing touches the enrollee until commit. No heap
 * allocation and no string comparison happens here: strings were hashed when they came in.
 */
#include <string.h>

#include "catalogue.h"
#include "handles.h"
#include "ruleset.h"

typedef struct settle_ctx {
    mb_settlement *r;
    const mb_enrollee *e;
    const mb_claim *c;
    mb_error *err;
    int slot;
    int32_t year;
    uint32_t med_bit;
    int64_t remaining;     /* policy-scope self-pay left to the person so far */
    int64_t acct_first;    /* paid by the personal account before any deductible */
    bool first_tier;       /* the tier being settled is the first computed one */
} settle_ctx;

/* ---- pending accumulator changes ---------------------------------------------------------- */

static mb_delta *pending(const settle_ctx *x, uint64_t key, int32_t period)
{
    for (uint32_t i = 0; i < x->r->ndeltas; i++)
        if (x->r->deltas[i].key == key && x->r->deltas[i].period == period)
            return &x->r->deltas[i];
    return NULL;
}

static int64_t acc(const settle_ctx *x, uint64_t key, int32_t period)
{
    const mb_delta *d = pending(x, key, period);
    return d ? d->after : mb_acc_get(x->e, key, period);
}

static int acc_set(settle_ctx *x, uint64_t key, int32_t period, int64_t value)
{
    mb_delta *d = pending(x, key, period);
    if (d == NULL) {
        if (x->r->ndeltas == MB_MAX_DELTAS)
            return mb_fail(x->err, MB_E_CAPACITY,
                           "a settlement changes at most %d accumulators", MB_MAX_DELTAS);
        d = &x->r->deltas[x->r->ndeltas++];
        d->key = key;
        d->period = period;
        d->existed = mb_acc_exists(x->e, key, period);
        d->before = mb_acc_get(x->e, key, period);
    }
    d->after = value;
    return MB_OK;
}

static int acc_add(settle_ctx *x, uint64_t key, int32_t period, int64_t amount)
{
    return amount ? acc_set(x, key, period, acc(x, key, period) + amount) : MB_OK;
}

/* ---- trace -------------------------------------------------------------------------------- */

static void trace(settle_ctx *x, const mb_ruleset *rs, const char *rule, const char *cite,
                  const char *what, int64_t in, int64_t out, int32_t ratio)
{
    mb_settlement *r = x->r;
    if (r->ntrace == MB_MAX_TRACE) {
        r->trace_truncated = true;
        return;
    }
    r->trace[r->ntrace++] = (mb_step){rs ? rs->id : "", rule, cite ? cite : "", what, in, out, ratio};
}

static void not_covered(settle_ctx *x, int reason, const char *rule, const char *cite,
                        const char *arg, int32_t date)
{
    mb_settlement *r = x->r;
    if (r->reason != MB_REASON_NONE)
        return; /* the first reason is the one reported */
    r->reason = reason;
    r->reason_rule = rule;
    r->reason_cite = cite;
    r->reason_arg = arg;
    r->reason_date = date;
}

/* ---- who, where, which ratio -------------------------------------------------------------- */

/* Whether an identity counts for a claim, as the ruleset's `identity` rules say: an identity
 * lost may last to the end of that month, and one held on any day of an admission may cover
 * the whole admission. */
static bool identity_active(const mb_ruleset *rs, const mb_identity *id, const mb_claim *c)
{
    int32_t last = !id->to ? 29991231 : rs->identity_to_month_end ? mb_month_end(id->to) : id->to;
    if (c->med_type == MB_MED_INPATIENT && c->admitted && rs->identity_any_admission_day)
        return id->from <= c->discharged && last >= c->admitted;
    return id->from <= c->date && c->date <= last;
}

/* The enrollee's best assistance category on the claim's dates under this ruleset, or -1. */
static int best_category(const mb_ruleset *rs, const mb_enrollee *e, const mb_claim *c)
{
    int best = -1;
    for (uint32_t i = 0; i < e->nidentities; i++) {
        const mb_identity *id = &e->identities[i];
        if (!identity_active(rs, id, c) || rs->category_bp[id->category] < 0)
            continue;
        if (best < 0 || rs->category_bp[id->category] > rs->category_bp[best])
            best = id->category;
    }
    return best;
}

static bool tilt_active(const mb_ruleset *rs, const mb_enrollee *e, const mb_claim *c)
{
    for (uint32_t i = 0; i < e->nidentities; i++)
        if ((rs->tilt_categories >> e->identities[i].category) & 1u &&
            identity_active(rs, &e->identities[i], c))
            return true;
    return false;
}

static bool referred(const mb_ruleset *rs, const mb_claim *c)
{
    return (c->flags & MB_CLAIM_REFERRAL) || (c->flags & rs->referral_exempt);
}

/* The facility class a ratio row is chosen by. Pharmacy claims take the prescriber's. */
static int facility_class(const mb_ruleset *rs, const mb_enrollee *e, const mb_claim *c)
{
    uint64_t fac = c->facility_hash;
    int level = c->level;
    if (c->med_type == MB_MED_PHARMACY || c->level == MB_LEVEL_PHARMACY) {
        if (c->prescriber_hash == 0)
            return -1;
        fac = c->prescriber_hash;
        level = c->prescriber_level;
    }
    if (fac != 0 && fac == e->first_visit_hash)
        return MB_FAC_FIRST_VISIT;
    /* care exempt from the first-visit rule is treated as first-visit care at a primary one */
    if (level == MB_LEVEL_PRIMARY && (c->flags & rs->referral_exempt))
        return MB_FAC_FIRST_VISIT;
    return level == MB_LEVEL_PRIMARY ? MB_FAC_PRIMARY
           : level == MB_LEVEL_SECONDARY ? MB_FAC_SECONDARY
                                        : MB_FAC_TERTIARY;
}

/* ---- one layer ---------------------------------------------------------------------------- */

typedef struct layer_terms {
    int32_t ratio;          /* basis points, after penalty and tilt */
    const char *ratio_cite;
    bool tilt;
    int disease;            /* catalogue index or -1 */
    const mb_disease_cap *dcap;
    int32_t stack_bp;
    uint32_t active_diseases;
} layer_terms;

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0;
    int64_t hi = b1 == MB_UNLIMITED ? a1 : (a1 < b1 ? a1 : b1);
    return hi > lo ? hi - lo : 0;
}

static mb_fund_out *fund_row(settle_ctx *x, const mb_ruleset *rs, int fund, int64_t inscp)
{
    const mb_fund *f = &rs->funds[fund];
    int scheme = x->e->scheme;
    const char *code = f->code[scheme] ? f->code[scheme] : f->code[3 - scheme];
    mb_settlement *r = x->r;
    for (uint32_t i = 0; i < r->nfunds; i++)
        if (r->funds[i].code == code)
            return &r->funds[i];
    if (r->nfunds == MB_MAX_FUNDS)
        return NULL;
    mb_fund_out *o = &r->funds[r->nfunds++];
    *o = (mb_fund_out){code, f->name[scheme], inscp, 0, MB_UNLIMITED};
    return o;
}

static int run_layer(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                     const layer_terms *t, int64_t tier_compliant)
{
    const mb_claim *c = x->c;
    int slot = x->slot, year = x->year;
    int64_t b = l->base == MB_BASE_COMPLIANT ? tier_compliant : x->remaining;
    int64_t b0 = mb_acc_get(x->e, l->base_key, year); /* before this claim: see acc_set below */
    int rc;

    const mb_row *drow = mb_rows_pick(&l->deductible, c->date, MB_FAC_ANY, -1, slot);
    int64_t ded_amount = drow ? drow->v[slot] : 0;
    if (t->tilt && rs->tilt_deductible_bp != MB_BP_ONE)
        ded_amount = mb_apply_ratio(ded_amount, rs->tilt_deductible_bp);
    int64_t ded = overlap(b0, b0 + b, 0, ded_amount);
    if (drow)
        trace(x, rs, l->id, drow->cite, "起付线", b, ded, -1);

    /* bands: exact sums per fund, rounded once per fund (lib/money.c) */
    enum { MAX_LAYER_FUNDS = 4 };
    int fund_of[MAX_LAYER_FUNDS];
    mb_prorata sum[MAX_LAYER_FUNDS] = {{0}};
    int nf = 0;
    uint32_t nbands = l->nbands ? l->nbands : 1;
    for (uint32_t k = 0; k < nbands; k++) {
        const mb_band *band = l->nbands ? &l->bands[k] : NULL;
        int64_t lo = band && band->above >= 0 ? mb_max64(band->above, ded_amount) : ded_amount;
        int64_t hi = band ? band->up_to : MB_UNLIMITED;
        if (hi != MB_UNLIMITED && hi <= lo)
            continue;
        int64_t portion = overlap(b0, b0 + b, lo, hi);
        int32_t ratio = t->ratio;
        const char *cite = t->ratio_cite;
        if (band && band->has_ratio) {
            int64_t v = band->ratio[slot];
            ratio = v == MB_ABSENT ? 0 : (int32_t)v;
            if (t->tilt)
                ratio = ratio + rs->tilt_points_bp > MB_BP_ONE ? MB_BP_ONE : ratio + rs->tilt_points_bp;
            cite = band->cite;
        }
        if (portion == 0)
            continue;
        int fund = band && band->fund >= 0 ? band->fund : l->fund;
        int j = 0;
        while (j < nf && fund_of[j] != fund)
            j++;
        if (j == nf) {
            if (nf == MAX_LAYER_FUNDS)
                return mb_fail(x->err, MB_E_RULESET, "layer %s pays from more than %d funds",
                               l->id, MAX_LAYER_FUNDS);
            fund_of[nf++] = fund;
        }
        mb_prorata_add(&sum[j], portion, ratio);
        trace(x, rs, l->id, cite, "按比例支付", portion, mb_apply_ratio(portion, ratio), ratio);
    }
    int64_t pay[MAX_LAYER_FUNDS];
    int64_t total = 0;
    for (int j = 0; j < nf; j++) {
        pay[j] = mb_prorata_round(&sum[j]);
        total += pay[j];
    }

    /* limits: never more than the claim's policy-scope self-pay left, then every cap */
    int64_t limit = x->remaining;
    const char *limit_cite = l->cite;
    const char *limit_what = "政策范围内个人负担";
    int64_t cap_left = MB_UNLIMITED;
    if (l->has_cap && !(t->tilt && rs->tilt_uncapped)) {
        const mb_row *crow = mb_rows_pick(&l->cap.rows, c->date, MB_FAC_ANY, -1, slot);
        if (crow != NULL && crow->v[slot] != MB_UNLIMITED) {
            int64_t layer_cap = crow->v[slot];
            if (l->cap.raise_min_diseases && t->active_diseases >= (uint32_t)l->cap.raise_min_diseases) {
                layer_cap += l->cap.raise_amount;
                trace(x, rs, l->id, l->cap.raise_cite, "多病种限额提高", crow->v[slot], layer_cap, -1);
            }
            int64_t used = acc(x, l->cap.key, mb_period_code(l->cap.period, c->date));
            int64_t avail = mb_max64(0, layer_cap - used);
            cap_left = avail;
            if (avail < limit) {
                limit = avail;
                limit_cite = crow->cite;
                limit_what = "年度（季度）支付限额";
            }
        }
    }
    if (t->dcap != NULL && t->dcap->v[slot] != MB_UNLIMITED) {
        const mb_disease *d = &rs->diseases[t->disease];
        int64_t dcap = t->dcap->v[slot] == MB_ABSENT ? 0 : mb_apply_ratio(t->dcap->v[slot], t->stack_bp);
        if (t->stack_bp != MB_BP_ONE)
            trace(x, rs, l->id, rs->stack_cite, "多病种限额叠加", t->dcap->v[slot], dcap, t->stack_bp);
        int64_t avail = mb_max64(0, dcap - acc(x, t->dcap->key, mb_period_code(d->cap_period, c->date)));
        cap_left = cap_left == MB_UNLIMITED ? avail : mb_min64(cap_left, avail);
        if (avail < limit) {
            limit = avail;
            limit_cite = t->dcap->cite;
            limit_what = "病种支付限额";
        }
    }
    if (total > limit) {
        trace(x, rs, l->id, limit_cite, limit_what, total, limit, -1);
        int64_t cut = total - limit;
        for (int j = nf - 1; j >= 0 && cut > 0; j--) {
            int64_t take = mb_min64(cut, pay[j]);
            pay[j] -= take;
            cut -= take;
        }
        total = limit;
    }
    if (cap_left != MB_UNLIMITED)
        cap_left -= total;

    /* record: the base moves by b once per claim even when two layers share it */
    int64_t base_after = b0 + b;
    if (acc(x, l->base_key, year) < base_after && (rc = acc_set(x, l->base_key, year, base_after)))
        return rc;
    if (l->has_cap &&
        (rc = acc_add(x, l->cap.key, mb_period_code(l->cap.period, c->date), total)))
        return rc;
    if (l->cap.key != l->paid_key && (rc = acc_add(x, l->paid_key, year, total)))
        return rc;
    if (t->dcap != NULL &&
        (rc = acc_add(x, t->dcap->key,
                      mb_period_code(rs->diseases[t->disease].cap_period, c->date), total)))
        return rc;
    if ((rc = acc_set(x, l->kind_key, year, 1)))
        return rc;

    for (int j = 0; j < nf; j++) {
        mb_fund_out *row = fund_row(x, rs, fund_of[j], b);
        if (row == NULL)
            return mb_fail(x->err, MB_E_CAPACITY, "more than %d fund rows", MB_MAX_FUNDS);
        row->paid += pay[j];
        if (cap_left != MB_UNLIMITED)
            row->cap_left = row->cap_left == MB_UNLIMITED ? cap_left : mb_min64(row->cap_left, cap_left);
        x->r->amt[rs->funds[fund_of[j]].amount_slot] += pay[j];
    }
    if (x->first_tier)
        x->r->amt[MB_AMT_ACT_PAY_DEDC] += ded;
    x->remaining -= total;
    trace(x, rs, l->id, l->cite, l->name, b, total, -1);
    return MB_OK;
}

/* ---- one tier ----------------------------------------------------------------------------- */

static int check_layer(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                       const mb_held_disease *held, uint32_t nheld, int disease,
                       const mb_activity *act, layer_terms *t)
{
    const mb_claim *c = x->c;
    const mb_enrollee *e = x->e;
    *t = (layer_terms){.disease = disease, .stack_bp = MB_BP_ONE};
    t->active_diseases = mb_active_count(held, nheld, c->date);
    if (l->requires & MB_REQ_CERTIFIED_DISEASE) {
        if (disease < 0) {
            not_covered(x, MB_REASON_NO_DISEASE, l->id, l->cite, NULL, 0);
            return 0;
        }
        mb_check chk;
        if (mb_disease_check(rs, held, nheld, disease, c->date, act, &chk)) {
            not_covered(x, chk.reason, l->id, chk.cite, rs->diseases[disease].name, chk.date);
            return 0;
        }
    }
    uint64_t designated = e->next_designated_hash && c->date >= e->next_from
                              ? e->next_designated_hash
                              : e->designated_hash;
    if ((l->requires & MB_REQ_DESIGNATED_FACILITY) &&
        (designated == 0 || designated != c->facility_hash)) {
        not_covered(x, MB_REASON_FACILITY, l->id, l->cite, NULL, 0);
        return 0;
    }
    if ((l->requires & MB_REQ_IN_PROVINCE) && (c->flags & MB_CLAIM_OUT_OF_PROVINCE)) {
        not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "in_province", 0);
        return 0;
    }
    if ((l->requires & MB_REQ_REFERRAL) && !referred(rs, c)) {
        not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "referral", 0);
        return 0;
    }
    if ((l->requires & MB_REQ_PRESCRIPTION) && c->med_type == MB_MED_PHARMACY &&
        c->prescriber_hash == 0) {
        not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "prescription", 0);
        return 0;
    }
    for (uint32_t k = 0; k < l->nexclusive; k++)
        if (acc(x, l->exclusive[k], x->year) > 0) {
            not_covered(x, MB_REASON_EXCLUSIVE_KIND, l->id, l->cite, l->exclusive_names[k], 0);
            return 0;
        }
    if (l->disease_caps && disease >= 0 && rs->diseases[disease].ncaps > 0) {
        const mb_disease *d = &rs->diseases[disease];
        for (uint32_t k = 0; k < d->ncaps && t->dcap == NULL; k++)
            if (d->caps[k].line != 0 && d->caps[k].line == c->treatment_hash)
                t->dcap = &d->caps[k];
        for (uint32_t k = 0; k < d->ncaps && t->dcap == NULL; k++)
            if (d->caps[k].line == 0)
                t->dcap = &d->caps[k];
        if (t->dcap == NULL) {
            not_covered(x, MB_REASON_TREATMENT, l->id, d->cite, d->name, 0);
            return 0;
        }
        t->stack_bp = mb_stack_share(rs, held, nheld, disease, c->date, act, x->slot);
        if (t->stack_bp == 0) {
            not_covered(x, MB_REASON_STACKING, l->id, rs->stack_cite, d->name, 0);
            return 0;
        }
    }
    t->tilt = l->tilt && tilt_active(rs, e, c);
    if (l->ratio_source == MB_RATIO_CATEGORY) {
        int cat = best_category(rs, e, c);
        if (cat < 0) {
            not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
            return 0;
        }
        t->ratio = rs->category_bp[cat];
        t->ratio_cite = rs->category_cite[cat];
    } else if (l->ratio.n > 0) {
        int fac = facility_class(rs, e, c);
        int ref = referred(rs, c);
        const mb_row *row = fac < 0 ? NULL : mb_rows_pick(&l->ratio, c->date, fac, ref, x->slot);
        if (row == NULL) {
            not_covered(x, MB_REASON_NO_RATIO, l->id, l->cite, fac < 0 ? "prescription" : NULL, 0);
            return 0;
        }
        t->ratio = (int32_t)row->v[x->slot];
        t->ratio_cite = row->cite;
        if (l->referral_penalty && !ref && ((rs->penalty_levels >> fac) & 1u)) {
            t->ratio = t->ratio > rs->penalty_bp ? t->ratio - rs->penalty_bp : 0;
            t->ratio_cite = rs->referral_cite;
        }
    }
    if ((l->requires & MB_REQ_ASSISTANCE) && best_category(rs, e, c) < 0 && !t->tilt) {
        not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
        return 0;
    }
    if (t->tilt)
        t->ratio = t->ratio + rs->tilt_points_bp > MB_BP_ONE ? MB_BP_ONE : t->ratio + rs->tilt_points_bp;
    return 1;
}

static int settle_tier(settle_ctx *x, const mb_ruleset *rs)
{
    const mb_claim *c = x->c;
    const mb_enrollee *e = x->e;
    int rc;
    if (!((rs->schemes >> e->scheme) & 1u)) {
        if (x->first_tier)
            not_covered(x, MB_REASON_SCHEME, rs->id, rs->document, NULL, 0);
        return MB_OK;
    }
    mb_held_disease held[MB_MAX_DISEASES];
    uint32_t nheld = mb_held(rs, e, held);
    int disease = -1;
    if (c->disease_hash != 0 && rs->ndiseases > 0) {
        disease = mb_catalogue_lookup(rs, c->disease_hash);
        if (disease < 0)
            return mb_fail(x->err, MB_E_UNKNOWN_DISEASE,
                           "claim %s: disease '%s' is not in the catalogue of %s", c->id,
                           c->disease, rs->id);
    }
    uint64_t activity_key = mb_activity_key(rs), revoked_key = mb_revoked_key(rs);
    mb_activity act = {(int32_t)acc(x, activity_key, 0), (int32_t)acc(x, revoked_key, 0)};
    int64_t tier_compliant = x->remaining;
    bool applied = false, account_done = false;
    for (uint32_t i = 0; i < rs->nlayers; i++) {
        const mb_layer *l = &rs->layers[i];
        if (!(l->med_types & x->med_bit) || !((l->schemes >> e->scheme) & 1u))
            continue;
        if (l->group != MB_GROUP_ANY && (disease < 0 || rs->diseases[disease].group != l->group))
            continue;
        layer_terms t;
        if (!check_layer(x, rs, l, held, nheld, disease, &act, &t))
            continue;
        if (!account_done && rs->account == MB_ACCOUNT_FIRST && !(c->flags & MB_CLAIM_NO_ACCOUNT)) {
            /* account `first`: the account pays before the deductible counts */
            int64_t first = mb_min64(e->balance - x->acct_first, x->remaining);
            if (first > 0) {
                x->acct_first += first;
                x->remaining -= first;
                trace(x, rs, "account.first", rs->account_cite, "个人账户先行支付", tier_compliant,
                      first, -1);
            }
            tier_compliant = x->remaining;
        }
        account_done = true;
        if ((rc = run_layer(x, rs, l, &t, tier_compliant)))
            return rc;
        applied = true;
    }
    if (rs->revoke_idle_months > 0 &&
        ((c->med_type == MB_MED_CHRONIC && applied) || c->med_type == MB_MED_INPATIENT)) {
        int32_t day = c->med_type == MB_MED_INPATIENT && c->discharged ? c->discharged : c->date;
        /* activity after an idle spell too long does not restore a lapsed qualification:
         * record the lapse first (from the last activity, or the earliest benefit start) */
        int32_t anchor = act.last;
        for (uint32_t i = 0; anchor == 0 && i < nheld; i++)
            if (held[i].start <= day && (anchor == 0 || held[i].start < anchor))
                anchor = held[i].start;
        int32_t lapse = anchor ? mb_add_months(anchor, rs->revoke_idle_months) : 0;
        if (lapse && day > lapse && lapse > act.revoked && (rc = acc_set(x, revoked_key, 0, lapse)))
            return rc;
        if (act.last < day && (rc = acc_set(x, activity_key, 0, day)))
            return rc;
    }
    if (!applied && x->first_tier)
        not_covered(x, MB_REASON_NO_LAYER, rs->id, rs->document, NULL, 0);
    if (applied && x->first_tier)
        x->r->covered = 1;
    return MB_OK;
}

/* ---- the pipeline ------------------------------------------------------------------------- */

static uint32_t med_bit(int med_type) { return 1u << (med_type % 32); }

static int validate(const mb_ruleset *const *chain, size_t n, const mb_enrollee *e,
                    const mb_claim *c, const mb_result *r, mb_error *err)
{
    if (r == NULL || chain == NULL || e == NULL || c == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "settle: result, chain, enrollee and claim are required");
    if (n == 0 || n > MB_CHAIN_MAX)
        return mb_fail(err, MB_E_CHAIN, "a chain holds 1 to %d rulesets, not %zu", MB_CHAIN_MAX, n);
    for (size_t i = 0; i < n; i++) {
        if (chain[i] == NULL)
            return mb_fail(err, MB_E_INVALID_ARGUMENT, "chain[%zu] is NULL", i);
        if (i > 0 && chain[i]->tier <= chain[i - 1]->tier)
            return mb_fail(err, MB_E_CHAIN,
                           "%s (tier %d) cannot follow %s (tier %d): tiers go basic, critical "
                           "illness, assistance, each at most once",
                           chain[i]->id, chain[i]->tier, chain[i - 1]->id, chain[i - 1]->tier);
        if (c->date < chain[i]->effective_from || c->date > chain[i]->effective_to)
            return mb_fail(err, MB_E_INVALID_DATE,
                           "claim %s is dated %d, outside %s's period in force %d..%d", c->id,
                           c->date, chain[i]->id, chain[i]->effective_from, chain[i]->effective_to);
    }
    if (c->nitems == 0)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim %s has no line items", c->id);
    if (c->med_type == MB_MED_INPATIENT && c->admitted == 0)
        return mb_fail(err, MB_E_INVALID_DATE, "inpatient claim %s needs admitted and discharged dates",
                       c->id);
    if (c->has_upstream && c->up_compliant > c->total)
        return mb_fail(err, MB_E_INVALID_AMOUNT,
                       "claim %s: upstream policy-scope cost exceeds the claim's total", c->id);
    return MB_OK;
}

static int compute(mb_result *res, const mb_ruleset *const *chain, size_t n, const mb_enrollee *e,
                   const mb_enrollee *payer, const mb_claim *c, mb_error *err)
{
    int rc = validate(chain, n, e, c, res, err);
    if (rc != MB_OK)
        return rc;
    mb_settlement *r = &res->s[!res->cur]; /* the spare: current only on success */
    memset(r, 0, offsetof(mb_settlement, deltas));
    r->ndeltas = 0;
    r->committed = r->reversed = false;
    r->payer_tag = 0;
    r->payer_before = r->payer_after = 0;
    settle_ctx x = {.r = r, .e = e, .c = c, .err = err, .slot = e->person_type - 1,
                    .year = mb_date_year(c->date), .med_bit = med_bit(c->med_type)};

    /* 1. items: the first tier that settles here classifies them */
    const mb_ruleset *classifier = chain[0];
    int64_t pre = c->class_b_explicit_pre + mb_apply_ratio(c->class_b_default, classifier->class_b_bp);
    int64_t compliant = c->total - c->class_c - pre;
    r->amt[MB_AMT_MEDFEE_SUMAMT] = c->total;
    r->amt[MB_AMT_FULAMT_OWNPAY] = c->class_c;
    r->amt[MB_AMT_PRESELFPAY] = pre;
    trace(&x, classifier, "items", classifier->class_b_cite, "甲乙丙类划分", c->total, compliant,
          classifier->class_b_bp);
    int64_t upstream_funds = 0;
    if (c->has_upstream) {
        compliant = c->up_compliant;
        int64_t ci = c->up_critical > 0 ? c->up_critical : 0;
        upstream_funds = c->up_basic + ci;
        r->amt[MB_AMT_HIFP_PAY] += c->up_basic;
        r->amt[MB_AMT_HIFMI_PAY] += ci;
        static const char *const basic_code[3] = {NULL, "310100", "390100"};
        static const char *const basic_name[3] = {NULL, "职工基本医疗保险统筹基金", "城乡居民基本医疗保险基金"};
        /* national fund_pay_type codes; critical illness for employees is paid as 大额 */
        static const char *const ci_code[3] = {NULL, "330100", "390200"};
        static const char *const ci_name[3] = {NULL, "大额医疗费用补助基金", "城乡居民大病医疗保险基金"};
        r->funds[r->nfunds++] = (mb_fund_out){basic_code[e->scheme], basic_name[e->scheme],
                                              compliant, c->up_basic, MB_UNLIMITED};
        if (c->up_critical >= 0)
            r->funds[r->nfunds++] = (mb_fund_out){ci_code[e->scheme], ci_name[e->scheme],
                                                  compliant - c->up_basic, ci, MB_UNLIMITED};
        trace(&x, NULL, "upstream", "", "上游已结算", compliant, upstream_funds, -1);
    }
    r->amt[MB_AMT_INSCP_SCP] = compliant;
    x.remaining = compliant - upstream_funds;

    /* 2. tiers */
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        const mb_ruleset *rs = chain[i];
        if (c->has_upstream && (rs->tier == MB_TIER_BASIC ||
                                (rs->tier == MB_TIER_CRITICAL_ILLNESS && c->up_critical >= 0))) {
            trace(&x, rs, "upstream", rs->document, "已由上游结算，跳过", 0, 0, -1);
            continue;
        }
        x.first_tier = first;
        if ((rc = settle_tier(&x, rs)))
            return rc;
        first = false;
    }
    if (first) /* every tier was settled upstream */
        r->covered = 1;

    /* 3. the person's share: account, then cash */
    int64_t funds = 0;
    for (int a = MB_AMT_HIFP_PAY; a <= MB_AMT_MAF_PAY; a++)
        funds += r->amt[a];
    r->amt[MB_AMT_FUND_PAY_SUMAMT] = funds;
    int64_t part = c->total - funds;
    int account_mode = MB_ACCOUNT_NONE;
    for (size_t i = 0; i < n; i++)
        if (chain[i]->tier == MB_TIER_BASIC) {
            account_mode = chain[i]->account;
            break;
        }
    int64_t acct = x.acct_first;
    if (account_mode != MB_ACCOUNT_NONE && !(c->flags & MB_CLAIM_NO_ACCOUNT)) {
        int64_t more = mb_min64(e->balance - acct, part - acct);
        if (more > 0) {
            acct += more;
            trace(&x, NULL, "account", "", "个人账户支付", part - x.acct_first, more, -1);
        }
    }
    int64_t family = 0;
    if (payer != NULL && account_mode != MB_ACCOUNT_NONE) {
        /* 共济: a family member's account pays what the patient's own left */
        family = mb_max64(0, mb_min64(payer->balance, part - acct));
        if (family > 0)
            trace(&x, NULL, "account.family", "", "家庭成员个人账户共济支付", part - acct, family, -1);
        r->payer_before = payer->balance;
        r->payer_after = payer->balance - family;
        r->payer_tag = payer->tag;
    }
    r->amt[MB_AMT_ACCT_MULAID_PAY] = family;
    acct += family;
    r->amt[MB_AMT_PSN_PART] = part;
    r->amt[MB_AMT_ACCT_PAY] = acct;
    r->amt[MB_AMT_PSN_CASH_PAY] = part - acct;
    r->balance_before = e->balance;
    r->balance_after = e->balance - (acct - family);
    r->amt[MB_AMT_BALC] = r->balance_after;
    if (part < 0 || acct < 0 || part - acct < 0)
        return mb_fail(err, MB_E_RULESET, "claim %s: funds paid more than the claim's total", c->id);
    return MB_OK;
}

int mb_presettle(mb_result *out, const mb_ruleset *const *chain, size_t n,
                 const mb_enrollee *enrollee, const mb_claim *claim, mb_error *err)
{
    int rc = compute(out, chain, n, enrollee, NULL, claim, err);
    if (rc == MB_OK)
        out->cur = !out->cur;
    return rc;
}

/* Apply the spare settlement (just computed) to the enrollee(s), then make it current. */
static int commit(mb_result *res, mb_enrollee *e, mb_enrollee *payer, mb_error *err)
{
    mb_settlement *out = &res->s[!res->cur];
    uint32_t fresh = 0;
    for (uint32_t i = 0; i < out->ndeltas; i++)
        fresh += !mb_acc_exists(e, out->deltas[i].key, out->deltas[i].period);
    if (!mb_acc_room(e, fresh))
        return mb_fail(err, MB_E_CAPACITY,
                       "enrollee %s: accumulator table full (%u entries); call mb_enrollee_reserve",
                       e->id, e->acc_count);
    for (uint32_t i = 0; i < out->ndeltas; i++)
        mb_acc_set(e, out->deltas[i].key, out->deltas[i].period, out->deltas[i].after);
    e->balance = out->balance_after;
    e->seq++;
    out->seq = e->seq;
    out->enrollee_tag = e->tag;
    out->enrollee_instance = e->instance;
    if (payer != NULL) {
        payer->balance = out->payer_after;
        payer->seq++;
        out->payer_seq = payer->seq;
    }
    out->committed = true;
    res->cur = !res->cur;
    return MB_OK;
}

int mb_settle(mb_result *out, const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
              const mb_claim *claim, mb_error *err)
{
    int rc = compute(out, chain, n, e, NULL, claim, err);
    return rc != MB_OK ? rc : commit(out, e, NULL, err);
}

int mb_settle_batch(mb_result *r, const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
                    const mb_claim *const *claims, size_t nclaims, unsigned flags,
                    int64_t *amounts, size_t stride, int32_t *status, int32_t *covered,
                    mb_error *err)
{
    if (r == NULL || e == NULL || (claims == NULL && nclaims > 0))
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_settle_batch: result, enrollee and claims are required");
    if (flags & ~MB_BATCH_PRESETTLE)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "unknown batch flags 0x%x", flags);
    /* rows are `stride` apart as the caller laid them out; amounts beyond the ones this
     * library reports are zero */
    size_t known = stride < MB_AMT_COUNT_ ? stride : MB_AMT_COUNT_;
    int first = MB_OK;
    mb_error *report = err;
    for (size_t i = 0; i < nclaims; i++) {
        int rc = flags & MB_BATCH_PRESETTLE ? mb_presettle(r, chain, n, e, claims[i], report)
                                            : mb_settle(r, chain, n, e, claims[i], report);
        if (rc != MB_OK && first == MB_OK) {
            first = rc;
            report = NULL; /* keep the first failure's description */
        }
        if (status)
            status[i] = rc;
        if (covered)
            covered[i] = rc == MB_OK ? r->s[r->cur].covered : 0;
        if (amounts)
            for (size_t k = 0; k < stride; k++)
                amounts[i * stride + k] = rc == MB_OK && k < known ? r->s[r->cur].amt[k] : 0;
    }
    return first;
}

static const mb_ruleset *basic_tier(const mb_ruleset *const *chain, size_t n)
{
    for (size_t i = 0; chain != NULL && i < n; i++)
        if (chain[i] != NULL && chain[i]->tier == MB_TIER_BASIC)
            return chain[i];
    return NULL;
}

int mb_settle_family(mb_result *out, const mb_ruleset *const *chain, size_t n,
                     mb_enrollee *patient, mb_enrollee *payer, int relation,
                     const mb_claim *claim, mb_error *err)
{
    if (payer == NULL || patient == NULL || payer == patient)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_family: a patient and a different payer are required");
    if (relation < MB_FAMILY_SPOUSE || relation > MB_FAMILY_CHILD)
        return mb_fail(err, MB_E_UNKNOWN_CODE, "unknown family relation %d", relation);
    if (payer->id[0] && strcmp(payer->id, patient->id) == 0)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "the payer and the patient have the same id");
    const mb_ruleset *basic = basic_tier(chain, n);
    if (basic == NULL || !((basic->family_relations >> relation) & 1u))
        return mb_fail(err, MB_E_NOT_ELIGIBLE,
                       "%s does not let a family member's personal account pay for this relation",
                       basic ? basic->id : "the chain");
    int rc = compute(out, chain, n, patient, payer, claim, err);
    return rc != MB_OK ? rc : commit(out, patient, payer, err);
}

static int check_reversible(const mb_enrollee *e, const mb_settlement *r, mb_error *err)
{
    if (!r->committed)
        return mb_fail(err, MB_E_STATE, "this result was never settled (pre-settlement changes nothing)");
    if (r->reversed)
        return mb_fail(err, MB_E_STATE, "this settlement has already been reversed");
    if (r->enrollee_tag != e->tag || r->enrollee_instance != e->instance)
        return mb_fail(err, MB_E_STATE, "this settlement belongs to another enrollee");
    if (r->seq != e->seq)
        return mb_fail(err, MB_E_STATE,
                       "only the latest settlement can be reversed: this is settlement %u, the "
                       "enrollee's latest is %u; reverse the later ones first",
                       r->seq, e->seq);
    for (uint32_t i = 0; i < r->ndeltas; i++)
        if (mb_acc_get(e, r->deltas[i].key, r->deltas[i].period) != r->deltas[i].after)
            return mb_fail(err, MB_E_STATE,
                           "the enrollee's accumulators changed since this settlement (seeded "
                           "or restored?); it cannot be reversed exactly");
    if (e->balance != r->balance_after)
        return mb_fail(err, MB_E_STATE,
                       "the account balance changed since this settlement; it cannot be reversed exactly");
    return MB_OK;
}

static void undo(mb_enrollee *e, mb_settlement *r)
{
    for (uint32_t i = r->ndeltas; i-- > 0;) {
        const mb_delta *d = &r->deltas[i];
        if (d->existed)
            mb_acc_set(e, d->key, d->period, d->before);
        else
            mb_acc_remove(e, d->key, d->period);
    }
    e->balance = r->balance_before;
    e->seq--;
    r->reversed = true;
}

int mb_reverse(mb_enrollee *e, mb_result *res, mb_error *err)
{
    if (e == NULL || res == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_reverse: enrollee and result are required");
    mb_settlement *r = &res->s[res->cur];
    if (r->payer_tag != 0)
        return mb_fail(err, MB_E_STATE,
                       "a family-account settlement is reversed with mb_reverse_family");
    int rc = check_reversible(e, r, err);
    if (rc == MB_OK)
        undo(e, r);
    return rc;
}

int mb_reverse_family(mb_enrollee *patient, mb_enrollee *payer, mb_result *res, mb_error *err)
{
    if (patient == NULL || payer == NULL || res == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_reverse_family: patient, payer and result are required");
    mb_settlement *r = &res->s[res->cur];
    if (r->payer_tag == 0 || r->payer_tag != payer->tag)
        return mb_fail(err, MB_E_STATE, "this settlement was not paid from that payer's account");
    int rc = check_reversible(patient, r, err);
    if (rc != MB_OK)
        return rc;
    if (payer->seq != r->payer_seq || payer->balance != r->payer_after)
        return mb_fail(err, MB_E_STATE,
                       "the payer's account changed since this settlement; reverse its later "
                       "settlements first");
    undo(patient, r);
    payer->balance = r->payer_before;
    payer->seq--;
    return MB_OK;
}
