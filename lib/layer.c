/*
 * One benefit layer of a ruleset, applied to one claim: whether it applies (scheme, disease,
 * facility, identities, conditions, exclusive benefits, the ratio row for the claim), then what
 * it pays: the deductible (deductible.c), each band at its ratio (summed exactly, rounded once
 * per fund) or, for a top-up layer, what brings the claim's funds to its target ratio; limited
 * by the claim's policy-scope self-pay left and by every cap. Every table is chosen by the
 * claim's view (view.c): integers only.
 */
#include "pipeline.h"

/* A ratio raised by the tilt's points, never above 100%. */
static int32_t tilted(const mb_tilt *tilt, int32_t ratio)
{
    int32_t r = ratio + tilt->points_bp;
    return r > MB_BP_ONE ? MB_BP_ONE : r;
}

/* What a cap leaves, never below 0. An accumulator is an amount (mb_enrollee_restore and
 * mb_enrollee_seed refuse any other), so this fails only if one was corrupted all the same: an
 * error then, not an overflow. */
static inline __attribute__((always_inline)) int
cap_left_of(settle_ctx *x, const mb_layer *l, int64_t cap, int64_t used, int64_t *left)
{
    int64_t d;
    *left = 0;
    if (used < 0 || !mb_sub_checked(cap, used, &d))
        return mb_fail(x->err, MB_E_OVERFLOW,
                       "claim %s: layer %s: %lld fen counted against a cap of %lld fen is not an "
                       "amount (a corrupt accumulator)", mb_bill_name(x->c), l->id, (long long)used,
                       (long long)cap);
    *left = mb_max64(0, d);
    return MB_OK;
}

/* The year's base before the claim and the enrollee's entry for it, read from the enrollee: two
 * layers sharing a base both see it as it was, and it moves once (record). MB_E_OVERFLOW for a
 * corrupt accumulator, which names it. */
static inline __attribute__((always_inline)) int
base_before(settle_ctx *x, const mb_layer *l, const mb_acc **at, int64_t *b0)
{
    *at = mb_acc_find(x->e, l->base_key, x->year);
    *b0 = *at ? (*at)->value : 0;
    if (*b0 < 0 || *b0 > MB_MONEY_MAX)
        return mb_fail(x->err, MB_E_OVERFLOW, "claim %s: layer %s: the year's base %lld fen is "
                       "not an amount (a corrupt accumulator)", mb_bill_name(x->c), l->id,
                       (long long)*b0);
    return MB_OK;
}

static inline __attribute__((always_inline)) mb_fund_row *
fund_row(settle_ctx *x, const mb_ruleset *rs, int fund, int64_t inscp)
{
    const mb_fund *f = &rs->funds[fund];
    int scheme = x->e->scheme;
    const char *code = f->row_code[scheme];
    mb_settlement *r = x->r;
    for (uint32_t i = 0; i < r->nfunds; i++)
        if (r->funds[i].fund_pay_type == code)
            return &r->funds[i];
    if (r->nfunds == MB_MAX_FUNDS)
        return NULL;
    mb_fund_row *o = &r->funds[r->nfunds++];
    *o = (mb_fund_row){code, f->name[scheme], inscp, 0, MB_UNLIMITED};
    return o;
}

/* ---- caps ---------------------------------------------------------------------------------- */

static int64_t add_capped(int64_t a, int64_t b)
{
    if (a == MB_UNLIMITED || b == MB_UNLIMITED)
        return MB_UNLIMITED;
    return mb_min64(a + b, MB_MONEY_MAX);
}

/* The layer's cap for this claim: its row (or the highest cap of the diseases covered), raised
 * as `raise` says for the diseases covered on the claim date, never above its ceiling. */
static inline __attribute__((always_inline)) int64_t
layer_cap(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
          int64_t stated)
{
    const mb_cap *cap = &l->cap;
    int slot = x->slot;
    if (!cap->of_diseases && !cap->has_raise)
        return stated;
    static const mb_raise none = {.ceiling = MB_UNLIMITED};
    /* the raise's row: its own alone unless it has rows; of those, its own (no selectors)
     * always matches */
    const mb_raise *rz = !cap->has_raise      ? &none
                         : cap->nraise == 1 ? cap->raise
                                            : mb_sel_pick(cap->raise, cap->nraise, sizeof *rz, t->view);
    /* the diseases that count: covered on the date, of the raise's group */
    int64_t highest = 0, sum = 0;
    bool any = false; /* a disease's cap taken as the highest yet (MB_UNLIMITED is -1) */
    uint32_t count = 0;
    const mb_roster *r = t->roster;
    for (uint32_t k = 0; k < mb_roster_count(r); k++) {
        int held;
        int reason = mb_roster_nth(rs, r, k, &held);
        const mb_disease *d = &rs->diseases[held];
        if (reason != MB_REASON_NONE || (rz->group && d->group != rz->group))
            continue;
        count++;
        if (!cap->of_diseases && !rz->share_bp)
            continue; /* a raise by count alone needs no disease's own cap */
        int64_t own = mb_disease_rank_cap(d, slot);
        own = own == MB_ABSENT ? 0 : own;
        if (!any || own == MB_UNLIMITED || (highest != MB_UNLIMITED && own > highest)) {
            if (any)
                sum = add_capped(sum, highest);
            highest = own;
            any = true;
        } else {
            sum = add_capped(sum, own);
        }
    }
    int64_t base = cap->of_diseases ? highest : stated, v = base;
    if (rz->min_diseases && count >= (uint32_t)rz->min_diseases)
        v = add_capped(v, rz->amount);
    if (rz->each && count > 1)
        v = add_capped(v, mb_min64(rz->each * (int64_t)(count - 1), MB_MONEY_MAX));
    if (rz->share_bp && count > 1)
        v = add_capped(v, sum == MB_UNLIMITED ? MB_UNLIMITED : mb_apply_ratio(sum, rz->share_bp));
    if (rz->ceiling != MB_UNLIMITED && (v == MB_UNLIMITED || v > rz->ceiling))
        v = rz->ceiling;
    /* a step where the diseases raised the cap: from the cap before (its row's, or the highest
     * disease's) to the cap after */
    if (v != base && rz != &none)
        mb_trace_add(x, rs, l->rules.cap_raise, rz->cite, "多病种限额提高", base, v, -1);
    return v;
}

/* ---- one layer ---------------------------------------------------------------------------- */

/* The deductibles this claim paid in the first tier, for act_pay_dedc: each base's once. */
static inline __attribute__((always_inline)) void
count_deductible(settle_ctx *x, const mb_layer *l, int64_t charged)
{
    for (uint32_t i = 0; i < x->nded; i++)
        if (x->ded_base[i] == l->base_key) {
            if (charged > x->ded_paid[i]) {
                x->r->amt[MB_AMT_ACT_PAY_DEDC] += charged - x->ded_paid[i];
                x->ded_paid[i] = charged;
            }
            return;
        }
    if (x->nded < sizeof x->ded_base / sizeof x->ded_base[0]) {
        x->ded_base[x->nded] = l->base_key;
        x->ded_paid[x->nded++] = charged;
    }
    x->r->amt[MB_AMT_ACT_PAY_DEDC] += charged;
}

enum { MAX_LAYER_FUNDS = 4 };

/* A layer's payment as its stages work it out. */
typedef struct layer_pay {
    int32_t cap_period, dcap_period;
    int64_t b;              /* this claim's part of the base */
    int64_t b0, b1;         /* the year's base before and after it */
    mb_ded ded;             /* the deductible (deductible.c) */
    int nf;
    int fund_of[MAX_LAYER_FUNDS];
    int64_t pay[MAX_LAYER_FUNDS];
    int64_t total;
    int64_t cap_left;       /* MB_UNLIMITED: no cap */
    const mb_acc *base_at;  /* the enrollee's entries for the base and the caps, looked up once */
    const mb_acc *cap_at, *dcap_at;
    mb_target target;       /* a top-up layer's figures (topup.c) */
} layer_pay;

/* The deductible: the first part of the year's base, as its scope counts it (deductible.c). */
static int deductible(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                      const layer_terms *t, int64_t tier_compliant, layer_pay *p)
{
    const mb_bill *c = x->c;
    p->b = l->base == MB_BASE_COMPLIANT ? tier_compliant : x->remaining;
    int rc = base_before(x, l, &p->base_at, &p->b0);
    if (rc != MB_OK)
        return rc;
    p->b1 = p->b0 + p->b; /* two amounts: no overflow */
    if (l->pharmacy_as != MB_FAC_ANY && (c->med_type == MB_MED_PHARMACY || c->level == MB_LEVEL_PHARMACY))
        mb_trace_add(x, rs, l->rules.pharmacy, l->pharmacy_cite, "定点药店按规定级别支付", p->b, p->b, -1);
    mb_ded *ded = &p->ded;
    rc = mb_deductible_compute(x, rs, l, t, p->b0, p->b, ded);
    if (rc != MB_OK)
        return rc;
    /* the tilt changes the deductible, the ratios and the cap: one step says so, with the
     * deductible as stated and as tilted */
    if (t->tilt)
        mb_trace_add(x, rs, l->rules.tilt, t->tilt->cite, "倾斜支付", ded->stated,
                     t->tilt->deductible_bp != MB_BP_ONE
                         ? mb_apply_ratio(ded->stated, t->tilt->deductible_bp)
                         : ded->stated, -1);
    if (ded->row)
        mb_trace_add(x, rs, l->rules.deductible, ded->row->cite, "起付线", p->b, ded->charged, -1);
    return MB_OK;
}

/* 托底/保底: what brings the claim's funds (or the year's) up to the target (topup.c). */
static int top_up(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                  layer_pay *p)
{
    p->target = (mb_target){0, 0};
    p->fund_of[0] = l->fund; /* t->top_up is set: mb_layer_check found the claim's row */
    p->nf = 1;
    int rc = mb_top_up_want(x, rs, l, t, &p->target, &p->total);
    p->pay[0] = p->total;
    return rc;
}

/* Each band at its ratio: exact sums per fund, rounded once per fund (lib/money.c); the
 * claim's part past its deductible runs from b0 + deductible on the year's cumulative base.
 * A top-up layer pays what brings the claim to its target instead. */
static int bands(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                 layer_pay *p)
{
    mb_prorata sum[MAX_LAYER_FUNDS];
    p->nf = 0;
    p->total = 0;
    if (l->top_up_of)
        return top_up(x, rs, l, t, p);
    int64_t start = p->b0 + p->ded.charged;
    uint32_t nbands = l->nbands ? l->nbands : 1;
    for (uint32_t k = 0; k < nbands; k++) {
        const mb_band *band = l->nbands ? &l->bands[k] : NULL;
        int64_t lo = band && band->above >= 0 ? band->above : 0;
        int64_t hi = band ? band->up_to : MB_UNLIMITED;
        if (hi != MB_UNLIMITED && hi <= lo)
            continue;
        int64_t portion = mb_overlap(start, p->b1, lo, hi);
        if (portion == 0)
            continue;
        int32_t ratio = t->ratio;
        const char *cite = t->ratio_cite, *rule = band ? band->rule : l->rules.ratio;
        if (band && band->ratio.n) {
            const mb_row *row = mb_rows_pick(&band->ratio, t->view);
            ratio = row ? (int32_t)row->v[x->slot] : 0;
            if (t->tilt)
                ratio = tilted(t->tilt, ratio);
            cite = row ? row->cite : band->cite;
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
static int limits(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                  layer_pay *p)
{
    int slot = x->slot, rc;
    int64_t limit = l->top_up_of ? mb_top_up_room(x, l) : x->remaining;
    const char *limit_cite = l->cite, *limit_rule = l->rules.self_pay;
    const char *limit_what = l->top_up_within ? "个人负担" : "政策范围内个人负担";
    p->cap_left = MB_UNLIMITED;
    p->cap_at = p->dcap_at = NULL;
    bool cap_read = false;
    if (l->has_cap && !(t->tilt && t->tilt->uncapped)) {
        const mb_row *crow = l->cap.of_diseases ? NULL : mb_rows_pick(&l->cap.rows, t->view);
        int64_t stated = crow ? crow->v[slot] : MB_UNLIMITED;
        if (crow != NULL || l->cap.of_diseases) {
            int64_t cap = layer_cap(x, rs, l, t, stated);
            if (cap != MB_UNLIMITED) {
                int64_t avail, used = mb_pending_read(x, l->cap.key, p->cap_period, &p->cap_at);
                cap_read = true;
                if ((rc = cap_left_of(x, l, cap, used, &avail)))
                    return rc;
                p->cap_left = avail;
                if (avail < limit) {
                    limit = avail;
                    limit_cite = crow ? crow->cite : l->cap.cite;
                    limit_rule = l->rules.cap;
                    limit_what = "年度（季度）支付限额";
                }
            }
        }
    }
    if (t->dcap != NULL && t->dcap->v[slot] != MB_UNLIMITED) {
        int64_t dcap = t->dcap->v[slot] == MB_ABSENT ? 0 : mb_apply_ratio(t->dcap->v[slot], t->stack_bp);
        if (t->stack_bp != MB_BP_ONE)
            mb_trace_add(x, rs, l->rules.stacking, rs->stack_cite, "多病种限额叠加", t->dcap->v[slot], dcap, t->stack_bp);
        int64_t avail;
        int64_t used = mb_pending_read(x, t->dcap->key, p->dcap_period, &p->dcap_at);
        if ((rc = cap_left_of(x, l, dcap, used, &avail)))
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
    if (t->dcap != NULL && t->dcap->v[slot] == MB_UNLIMITED) /* and to the disease's */
        (void)mb_pending_read(x, t->dcap->key, p->dcap_period, &p->dcap_at);
    return MB_OK;
}

/* Record: the accumulators, the fund rows, the amounts. The base moves by b once per claim
 * even when two layers share it (a sum: what it adds is taken back on reversal); it stops at
 * the largest amount, past every deductible and band, so that it stays an amount. */
static int record(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                  const layer_pay *p)
{
    int year = x->year, rc;
    if ((rc = mb_pending_add_up_to(x, l->base_key, year, mb_min64(p->b1, MB_MONEY_MAX), p->base_at)))
        return rc;
    if ((rc = mb_deductible_record(x, l, &p->ded)) ||
        (rc = mb_top_up_record(x, l, &p->target, p->total)))
        return rc;
    if (l->has_cap && (rc = mb_pending_add_at(x, l->cap.key, p->cap_period, p->total, p->cap_at)))
        return rc;
    if (l->cap.key != l->paid_key && (rc = mb_pending_add(x, l->paid_key, year, p->total)))
        return rc;
    if (t->dcap != NULL &&
        (rc = mb_pending_add_at(x, t->dcap->key, p->dcap_period, p->total, p->dcap_at)))
        return rc;
    /* the benefit is enjoyed (享受) once it pays: a claim the layer took and paid nothing of (all
     * under the deductible, or the cap used up) excludes no other kind (exclusive_with) */
    if (p->total > 0 && (rc = mb_pending_raise(x, l->kind_key, year, 1)))
        return rc;
    for (int j = 0; j < p->nf; j++) {
        mb_fund_row *row = fund_row(x, rs, p->fund_of[j], p->b);
        if (row == NULL)
            return mb_fail(x->err, MB_E_CAPACITY, "more than %d fund rows", MB_MAX_FUNDS);
        row->fund_payamt += p->pay[j];
        if (p->cap_left != MB_UNLIMITED)
            row->crt_payb_lmt_amt = row->crt_payb_lmt_amt == MB_UNLIMITED
                                        ? p->cap_left
                                        : mb_min64(row->crt_payb_lmt_amt, p->cap_left);
        x->r->amt[rs->funds[p->fund_of[j]].amount_slot] += p->pay[j];
    }
    if (x->first_tier)
        count_deductible(x, l, p->ded.charged);
    x->remaining -= mb_min64(p->total, x->remaining); /* a top-up may pay past it */
    mb_trace_add(x, rs, l->id, l->cite, l->name, p->b, p->total, -1);
    return MB_OK;
}

/* Kept out of line: LTO otherwise inlines it into the tier and calls its stages out of line
 * instead, which costs a Wuxi settlement some 70 instructions more (bench/instructions.sh). */
__attribute__((noinline)) int mb_layer_run(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                                           const layer_terms *t, int64_t tier_compliant)
{
    layer_pay p;
    p.cap_period = mb_period_code(l->cap.period, x->c->date);
    p.dcap_period = t->dcap ? mb_period_code(rs->diseases[t->disease].cap_period, x->c->date) : 0;
    int rc = deductible(x, rs, l, t, tier_compliant, &p);
    if (rc == MB_OK)
        rc = bands(x, rs, l, t, &p);
    if (rc == MB_OK)
        rc = limits(x, rs, l, t, &p);
    return rc == MB_OK ? record(x, rs, l, t, &p) : rc;
}

/* The stages the plain path shares (program.c), a copy of their own for it: inlined into
 * mb_layer_run by force, as LTO otherwise calls them out of line from both. */
int64_t mb_layer_cap(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                     int64_t stated)
{
    return layer_cap(x, rs, l, t, stated);
}

int mb_layer_base(settle_ctx *x, const mb_layer *l, const mb_acc **at, int64_t *b0)
{
    return base_before(x, l, at, b0);
}

int mb_cap_left(settle_ctx *x, const mb_layer *l, int64_t cap, int64_t used, int64_t *left)
{
    return cap_left_of(x, l, cap, used, left);
}

mb_fund_row *mb_fund_row_of(settle_ctx *x, const mb_ruleset *rs, int fund, int64_t inscp)
{
    return fund_row(x, rs, fund, inscp);
}

void mb_count_deductible(settle_ctx *x, const mb_layer *l, int64_t charged)
{
    count_deductible(x, l, charged);
}

/* The disease's cap for the claim: of its treatment line, else of the disease as a whole; of
 * those, the one its selectors choose. */
static const mb_disease_cap *disease_cap(const mb_disease *d, const mb_view *v)
{
    const mb_disease_cap *best = NULL;
    for (int whole = 0; whole < 2 && best == NULL; whole++)
        for (uint32_t k = 0; k < d->ncaps; k++) {
            const mb_disease_cap *cap = &d->caps[k];
            bool line = whole ? cap->line == 0 : cap->line != 0 && cap->line == v->treatment;
            if (line && mb_sel_match(&cap->sel, v, false) &&
                (best == NULL || mb_sel_better(&cap->sel, &best->sel)))
                best = cap;
        }
    return best;
}

int mb_layer_check(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                   const mb_roster *roster, const mb_view *view, layer_terms *t)
{
    const mb_bill *c = x->c;
    int disease = view->disease;
    t->view = view;
    t->ratio = 0;
    t->ratio_cite = NULL;
    t->tilt = NULL;
    t->disease = disease;
    t->dcap = NULL;
    t->stack_bp = MB_BP_ONE;
    t->roster = roster;
    t->top_up = NULL;
    if (l->pharmacy_as != MB_FAC_ANY &&
        (c->med_type == MB_MED_PHARMACY || c->level == MB_LEVEL_PHARMACY)) {
        t->own = *view;
        t->own.facility = t->own.level = l->pharmacy_as;
        t->view = &t->own;
    }
    const mb_view *v = t->view;
    if (!mb_layer_requirements(x, rs, l, roster, disease))
        return 0;
    if (l->disease_caps && disease >= 0 && rs->diseases[disease].ncaps > 0) {
        const mb_disease *d = &rs->diseases[disease];
        t->dcap = disease_cap(d, v);
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
    if (l->tilt && (rs->tilt_groups & v->groups))
        t->tilt = rs->ntilts > 1 ? mb_sel_pick(rs->tilts, rs->ntilts, sizeof *rs->tilts, v)
                  : mb_sel_match(&rs->tilts[0].sel, v, false) ? rs->tilts
                                                              : NULL;
    /* the assistance category row, where the layer reads it (就高: the highest of those held) */
    bool by_category = l->ratio_source == MB_RATIO_CATEGORY || (l->requires & MB_REQ_ASSISTANCE);
    const mb_row *category =
        by_category && rs->categories.n ? mb_rows_pick_max(&rs->categories, v) : NULL;
    if (l->ratio_source == MB_RATIO_CATEGORY) {
        if (category == NULL) {
            mb_not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
            return 0;
        }
        t->ratio = (int32_t)category->v[x->slot];
        t->ratio_cite = category->cite;
    } else if (l->ratio.n > 0) {
        int fac = v->facility;
        const mb_row *row = fac < 0 ? NULL : mb_rows_pick(&l->ratio, v);
        if (row == NULL) {
            mb_not_covered(x, MB_REASON_NO_RATIO, l->id, l->cite, fac < 0 ? "prescription" : NULL, 0);
            return 0;
        }
        t->ratio = (int32_t)row->v[x->slot];
        t->ratio_cite = row->cite;
        if (l->referral_penalty && !v->referred && ((rs->penalty_levels >> fac) & 1u)) {
            t->ratio = t->ratio > rs->penalty_bp ? t->ratio - rs->penalty_bp : 0;
            t->ratio_cite = l->referral_penalty_cite ? l->referral_penalty_cite : rs->referral_cite;
        }
    }
    if (l->top_up_of && (t->top_up = mb_rows_pick(&l->top_up, v)) == NULL) {
        /* a top-up where no target row applies is no benefit of this claim */
        mb_not_covered(x, MB_REASON_NO_RATIO, l->id, l->cite, NULL, 0);
        return 0;
    }
    if ((l->requires & MB_REQ_ASSISTANCE) && category == NULL && !t->tilt) {
        mb_not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
        return 0;
    }
    if (t->tilt)
        t->ratio = tilted(t->tilt, t->ratio);
    return 1;
}
