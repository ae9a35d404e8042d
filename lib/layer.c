/*
 * One benefit layer of a ruleset, applied to one claim: whether it applies (scheme, disease,
 * facility, identities, conditions, exclusive benefits, the ratio row for this facility and
 * referral), then what it pays: the deductible as the first part of the year's base, each band
 * at its ratio (summed exactly, rounded once per fund), limited by the claim's policy-scope
 * self-pay left and by every cap.
 */
#include "pipeline.h"

/* ---- who, where, which ratio -------------------------------------------------------------- */

/* Whether an identity counts for a claim, as the ruleset's `identity` rules say: an identity
 * lost may last to the end of that month, and one held on any day of an admission may cover
 * the whole admission. */
static bool identity_active(const mb_ruleset *rs, const mb_identity *id, const mb_bill *c)
{
    int32_t last = !id->to ? 29991231 : rs->identity_to_month_end ? mb_month_end(id->to) : id->to;
    if (c->med_type == MB_MED_INPATIENT && c->admitted && rs->identity_any_admission_day)
        return id->from <= c->discharged && last >= c->admitted;
    return id->from <= c->date && c->date <= last;
}

/* The enrollee's best assistance category on the claim's dates under this ruleset, or -1. */
static int best_category(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c)
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

static bool tilt_active(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c)
{
    for (uint32_t i = 0; i < e->nidentities; i++)
        if ((rs->tilt_categories >> e->identities[i].category) & 1u &&
            identity_active(rs, &e->identities[i], c))
            return true;
    return false;
}

/* A ratio raised by the tilt's points, never above 100%. */
static int32_t tilted(const mb_ruleset *rs, int32_t ratio)
{
    int32_t r = ratio + rs->tilt_points_bp;
    return r > MB_BP_ONE ? MB_BP_ONE : r;
}

static bool referred(const mb_ruleset *rs, const mb_bill *c)
{
    return (c->flags & MB_CLAIM_REFERRAL) || (c->flags & rs->referral_exempt);
}

/* The facility class a ratio row is chosen by. Pharmacy claims take the prescriber's. */
static int facility_class(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c)
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

/* ---- one layer: deductible, bands, limits, record ------------------------------------------ */

/* What a cap leaves, never below 0. An accumulator is an amount (mb_enrollee_restore and
 * mb_enrollee_seed refuse any other), so this fails only if one was corrupted all the same: an
 * error then, not an overflow. */
static int cap_left_of(settle_ctx *x, const mb_layer *l, int64_t cap, int64_t used, int64_t *left)
{
    int64_t d;
    if (used < 0 || !mb_sub_checked(cap, used, &d))
        return mb_fail(x->err, MB_E_OVERFLOW,
                       "claim %s: layer %s: %lld fen counted against a cap of %lld fen is not an "
                       "amount (a corrupt accumulator)", x->c->id, l->id, (long long)used,
                       (long long)cap);
    *left = d > 0 ? d : 0;
    return MB_OK;
}

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

enum { MAX_LAYER_FUNDS = 4 };

/* A layer's payment as its stages work it out. */
typedef struct layer_pay {
    int32_t cap_period, dcap_period;
    int64_t b;              /* this claim's part of the base */
    int64_t b0, b1;         /* the year's base before and after it */
    int64_t ded_amount;     /* the deductible in force (tilted) */
    int64_t ded;            /* the part of b that meets it */
    int nf;
    int fund_of[MAX_LAYER_FUNDS];
    int64_t pay[MAX_LAYER_FUNDS];
    int64_t total;
    int64_t cap_left;       /* MB_UNLIMITED: no cap */
    const mb_acc *base_at;  /* the enrollee's entries for the base and the cap, looked up once */
    const mb_acc *cap_at;
} layer_pay;

/* The deductible: the first part of the year's base. The base before this claim is read from
 * the enrollee: two layers sharing a base both see it as it was, and it moves once (record). */
static int deductible(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                      const mb_layer_plan *plan, const layer_terms *t, int64_t tier_compliant,
                      layer_pay *p)
{
    const mb_bill *c = x->c;
    p->b = l->base == MB_BASE_COMPLIANT ? tier_compliant : x->remaining;
    p->base_at = mb_acc_find(x->e, l->base_key, x->year);
    p->b0 = p->base_at ? p->base_at->value : 0;
    if (p->b0 < 0 || p->b0 > MB_MONEY_MAX) {
        mb_fail(x->err, MB_E_OVERFLOW, "claim %s: layer %s: the year's base %lld fen is not an "
                "amount (a corrupt accumulator)", c->id, l->id, (long long)p->b0);
        return MB_E_OVERFLOW;
    }
    p->b1 = p->b0 + p->b; /* two amounts: no overflow */
    const mb_pick *drow = mb_pick_row(&plan->deductible[x->slot], c->date, MB_FAC_ANY, -1);
    int64_t stated = drow ? drow->v : 0;
    p->ded_amount = stated;
    if (t->tilt && rs->tilt_deductible_bp != MB_BP_ONE)
        p->ded_amount = mb_apply_ratio(stated, rs->tilt_deductible_bp);
    p->ded = overlap(p->b0, p->b1, 0, p->ded_amount);
    /* the tilt changes the deductible, the ratios and the cap: one step says so, with the
     * deductible as stated and as tilted */
    if (t->tilt)
        mb_trace_add(x, rs, l->rules.tilt, rs->tilt_cite, "倾斜支付", stated, p->ded_amount, -1);
    if (drow)
        mb_trace_add(x, rs, l->rules.deductible, drow->row->cite, "起付线", p->b, p->ded, -1);
    return MB_OK;
}

/* Each band at its ratio: exact sums per fund, rounded once per fund (lib/money.c). */
static int bands(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                 layer_pay *p)
{
    mb_prorata sum[MAX_LAYER_FUNDS];
    p->nf = 0;
    p->total = 0;
    uint32_t nbands = l->nbands ? l->nbands : 1;
    for (uint32_t k = 0; k < nbands; k++) {
        const mb_band *band = l->nbands ? &l->bands[k] : NULL;
        int64_t lo = band && band->above >= 0 ? mb_max64(band->above, p->ded_amount) : p->ded_amount;
        int64_t hi = band ? band->up_to : MB_UNLIMITED;
        if (hi != MB_UNLIMITED && hi <= lo)
            continue;
        int64_t portion = overlap(p->b0, p->b1, lo, hi);
        if (portion == 0)
            continue;
        int32_t ratio = t->ratio;
        const char *cite = t->ratio_cite, *rule = band ? band->rule : l->rules.ratio;
        if (band && band->has_ratio) {
            int64_t v = band->ratio[x->slot];
            ratio = v == MB_ABSENT ? 0 : (int32_t)v;
            if (t->tilt)
                ratio = tilted(rs, ratio);
            cite = band->cite;
        }
        int fund = band && band->fund >= 0 ? band->fund : l->fund;
        int j = 0;
        while (j < p->nf && p->fund_of[j] != fund)
            j++;
        if (j == p->nf) {
            if (p->nf == MAX_LAYER_FUNDS)
                return mb_fail(x->err, MB_E_RULESET, "layer %s pays from more than %d funds",
                               l->id, MAX_LAYER_FUNDS);
            p->fund_of[p->nf++] = fund;
            sum[j] = (mb_prorata){0};
        }
        mb_prorata_add(&sum[j], portion, ratio);
        if (x->tracing)
            mb_trace_add(x, rs, rule, cite, "按比例支付", portion, mb_apply_ratio(portion, ratio), ratio);
    }
    for (int j = 0; j < p->nf; j++) {
        p->pay[j] = mb_prorata_round(&sum[j]);
        p->total += p->pay[j];
    }
    return MB_OK;
}

/* Never more than the claim's policy-scope self-pay left, then every cap: the layer's (raised
 * for several diseases), the disease's (shared out when caps stack). */
static int limits(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                  const mb_layer_plan *plan, const layer_terms *t, layer_pay *p)
{
    const mb_bill *c = x->c;
    int slot = x->slot, rc;
    int64_t limit = x->remaining;
    const char *limit_cite = l->cite, *limit_rule = l->rules.self_pay;
    const char *limit_what = "政策范围内个人负担";
    p->cap_left = MB_UNLIMITED;
    p->cap_at = NULL;
    bool cap_read = false;
    if (l->has_cap && !(t->tilt && rs->tilt_uncapped)) {
        const mb_pick *crow = mb_pick_row(&plan->cap[slot], c->date, MB_FAC_ANY, -1);
        if (crow != NULL && crow->v != MB_UNLIMITED) {
            int64_t layer_cap = crow->v;
            if (l->cap.raise_min_diseases && t->covered_diseases >= (uint32_t)l->cap.raise_min_diseases) {
                layer_cap += l->cap.raise_amount;
                mb_trace_add(x, rs, l->rules.cap_raise, l->cap.raise_cite, "多病种限额提高", crow->v, layer_cap, -1);
            }
            int64_t avail, used = mb_pending_read(x, l->cap.key, p->cap_period, &p->cap_at);
            cap_read = true;
            if ((rc = cap_left_of(x, l, layer_cap, used, &avail)))
                return rc;
            p->cap_left = avail;
            if (avail < limit) {
                limit = avail;
                limit_cite = crow->row->cite;
                limit_rule = l->rules.cap;
                limit_what = "年度（季度）支付限额";
            }
        }
    }
    if (t->dcap != NULL && t->dcap->v[slot] != MB_UNLIMITED) {
        int64_t dcap = t->dcap->v[slot] == MB_ABSENT ? 0 : mb_apply_ratio(t->dcap->v[slot], t->stack_bp);
        if (t->stack_bp != MB_BP_ONE)
            mb_trace_add(x, rs, l->rules.stacking, rs->stack_cite, "多病种限额叠加", t->dcap->v[slot], dcap, t->stack_bp);
        int64_t avail;
        if ((rc = cap_left_of(x, l, dcap, mb_pending_get(x, t->dcap->key, p->dcap_period), &avail)))
            return rc;
        p->cap_left = p->cap_left == MB_UNLIMITED ? avail : mb_min64(p->cap_left, avail);
        if (avail < limit) {
            limit = avail;
            limit_cite = t->dcap->cite;
            limit_rule = l->rules.disease_cap;
            limit_what = "病种支付限额";
        }
    }
    if (p->total > limit) {
        mb_trace_add(x, rs, limit_rule, limit_cite, limit_what, p->total, limit, -1);
        int64_t cut = p->total - limit;
        for (int j = p->nf - 1; j >= 0 && cut > 0; j--) {
            int64_t take = mb_min64(cut, p->pay[j]);
            p->pay[j] -= take;
            cut -= take;
        }
        p->total = limit;
    }
    if (p->cap_left != MB_UNLIMITED)
        p->cap_left -= p->total;
    if (l->has_cap && !cap_read) /* record adds to the cap's figure all the same */
        (void)mb_pending_read(x, l->cap.key, p->cap_period, &p->cap_at);
    return MB_OK;
}

/* Record: the accumulators, the fund rows, the amounts. The base moves by b once per claim
 * even when two layers share it (a sum: what it adds is taken back on reversal); it stops at
 * the largest amount, past every deductible and band, so that it stays an amount. */
static int record(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                  const layer_pay *p)
{
    int year = x->year, rc;
    int64_t base_after = mb_min64(p->b1, MB_MONEY_MAX);
    int64_t base_now = mb_pending_at(x, l->base_key, year, p->base_at);
    if (base_now < base_after &&
        (rc = mb_pending_add_at(x, l->base_key, year, base_after - base_now, p->base_at)))
        return rc;
    if (l->has_cap && (rc = mb_pending_add_at(x, l->cap.key, p->cap_period, p->total, p->cap_at)))
        return rc;
    if (l->cap.key != l->paid_key && (rc = mb_pending_add(x, l->paid_key, year, p->total)))
        return rc;
    if (t->dcap != NULL && (rc = mb_pending_add(x, t->dcap->key, p->dcap_period, p->total)))
        return rc;
    if ((rc = mb_pending_raise(x, l->kind_key, year, 1)))
        return rc;
    for (int j = 0; j < p->nf; j++) {
        mb_fund_out *row = fund_row(x, rs, p->fund_of[j], p->b);
        if (row == NULL)
            return mb_fail(x->err, MB_E_CAPACITY, "more than %d fund rows", MB_MAX_FUNDS);
        row->paid += p->pay[j];
        if (p->cap_left != MB_UNLIMITED)
            row->cap_left = row->cap_left == MB_UNLIMITED ? p->cap_left : mb_min64(row->cap_left, p->cap_left);
        x->r->amt[rs->funds[p->fund_of[j]].amount_slot] += p->pay[j];
    }
    if (x->first_tier)
        x->r->amt[MB_AMT_ACT_PAY_DEDC] += p->ded;
    x->remaining -= p->total;
    mb_trace_add(x, rs, l->id, l->cite, l->name, p->b, p->total, -1);
    return MB_OK;
}

int mb_layer_run(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                 int64_t tier_compliant)
{
    const mb_layer_plan *plan = &rs->plans[l - rs->layers];
    layer_pay p;
    p.cap_period = mb_period_code(l->cap.period, x->c->date);
    p.dcap_period = t->dcap ? mb_period_code(rs->diseases[t->disease].cap_period, x->c->date) : 0;
    int rc = deductible(x, rs, l, plan, t, tier_compliant, &p);
    if (rc == MB_OK)
        rc = bands(x, rs, l, t, &p);
    if (rc == MB_OK)
        rc = limits(x, rs, l, plan, t, &p);
    return rc == MB_OK ? record(x, rs, l, t, &p) : rc;
}

int mb_layer_check(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                   const mb_roster *roster, int disease, layer_terms *t)
{
    const mb_bill *c = x->c;
    const mb_enrollee *e = x->e;
    *t = (layer_terms){.disease = disease, .stack_bp = MB_BP_ONE};
    if (l->cap.raise_min_diseases) /* only a raise for several diseases counts them */
        t->covered_diseases = mb_roster_covered(rs, roster);
    if (l->requires & MB_REQ_CERTIFIED_DISEASE) {
        if (disease < 0) {
            mb_not_covered(x, MB_REASON_NO_DISEASE, l->id, l->cite, NULL, 0);
            return 0;
        }
        mb_check chk;
        if (mb_roster_check(rs, roster, disease, &chk)) {
            mb_not_covered(x, chk.reason, l->id, chk.cite, rs->diseases[disease].name, chk.date);
            return 0;
        }
    }
    uint64_t designated = mb_next_designated_in_force(e, c->date) ? e->next_designated_hash
                                                                   : e->designated_hash;
    if ((l->requires & MB_REQ_DESIGNATED_FACILITY) &&
        (designated == 0 || designated != c->facility_hash)) {
        mb_not_covered(x, MB_REASON_FACILITY, l->id, l->cite, NULL, 0);
        return 0;
    }
    if ((l->requires & MB_REQ_IN_PROVINCE) && (c->flags & MB_CLAIM_OUT_OF_PROVINCE)) {
        mb_not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "in_province", 0);
        return 0;
    }
    if ((l->requires & MB_REQ_REFERRAL) && !referred(rs, c)) {
        mb_not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "referral", 0);
        return 0;
    }
    if ((l->requires & MB_REQ_PRESCRIPTION) && c->med_type == MB_MED_PHARMACY &&
        c->prescriber_hash == 0) {
        mb_not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "prescription", 0);
        return 0;
    }
    for (uint32_t k = 0; k < l->nexclusive; k++)
        if (mb_pending_get(x, l->exclusive[k], x->year) > 0) {
            mb_not_covered(x, MB_REASON_EXCLUSIVE_KIND, l->id, l->cite, l->exclusive_names[k], 0);
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
            mb_not_covered(x, MB_REASON_TREATMENT, l->id, d->cite, d->name, 0);
            return 0;
        }
        t->stack_bp = mb_stack_share(rs, roster, disease, x->slot);
        if (t->stack_bp == 0) {
            mb_not_covered(x, MB_REASON_STACKING, l->id, rs->stack_cite, d->name, 0);
            return 0;
        }
    }
    t->tilt = l->tilt && tilt_active(rs, e, c);
    /* the enrollee's best assistance category, worked out once for the ratio and the
     * requirement that read it */
    int cat = l->ratio_source == MB_RATIO_CATEGORY || (l->requires & MB_REQ_ASSISTANCE)
                  ? best_category(rs, e, c) : -1;
    if (l->ratio_source == MB_RATIO_CATEGORY) {
        if (cat < 0) {
            mb_not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
            return 0;
        }
        t->ratio = rs->category_bp[cat];
        t->ratio_cite = rs->category_cite[cat];
    } else if (l->ratio.n > 0) {
        int fac = facility_class(rs, e, c);
        int ref = referred(rs, c);
        const mb_layer_plan *plan = &rs->plans[l - rs->layers];
        const mb_pick *row = fac < 0 ? NULL : mb_pick_row(&plan->ratio[x->slot], c->date, fac, ref);
        if (row == NULL) {
            mb_not_covered(x, MB_REASON_NO_RATIO, l->id, l->cite, fac < 0 ? "prescription" : NULL, 0);
            return 0;
        }
        t->ratio = (int32_t)row->v;
        t->ratio_cite = row->row->cite;
        if (l->referral_penalty && !ref && ((rs->penalty_levels >> fac) & 1u)) {
            t->ratio = t->ratio > rs->penalty_bp ? t->ratio - rs->penalty_bp : 0;
            t->ratio_cite = rs->referral_cite;
        }
    }
    if ((l->requires & MB_REQ_ASSISTANCE) && cat < 0 && !t->tilt) {
        mb_not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
        return 0;
    }
    if (t->tilt)
        t->ratio = tilted(rs, t->ratio);
    return 1;
}
