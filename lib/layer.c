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

/* A ratio raised by the tilt's points, never above 100%. */
static int32_t tilted(const mb_ruleset *rs, int32_t ratio)
{
    int32_t r = ratio + rs->tilt_points_bp;
    return r > MB_BP_ONE ? MB_BP_ONE : r;
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
    *left = mb_max64(0, d);
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

int mb_layer_run(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                 int64_t tier_compliant)
{
    const mb_claim *c = x->c;
    int slot = x->slot, year = x->year;
    int32_t cap_period = mb_period_code(l->cap.period, c->date);
    int32_t dcap_period = t->dcap ? mb_period_code(rs->diseases[t->disease].cap_period, c->date) : 0;
    int64_t b = l->base == MB_BASE_COMPLIANT ? tier_compliant : x->remaining;
    /* the base before this claim, from the enrollee: two layers sharing a base both see it as
     * it was, and it moves once (below) */
    int64_t b0 = mb_acc_get(x->e, l->base_key, year);
    int rc;
    if (b0 < 0 || b0 > MB_MONEY_MAX)
        return mb_fail(x->err, MB_E_OVERFLOW, "claim %s: layer %s: the year's base %lld fen is "
                       "not an amount (a corrupt accumulator)", c->id, l->id, (long long)b0);
    int64_t base_after = b0 + b; /* two amounts: no overflow */

    const mb_row *drow = mb_rows_pick(&l->deductible, c->date, t->facility, t->referred, slot);
    int64_t ded_stated = drow ? drow->v[slot] : 0, ded_amount = ded_stated;
    if (t->tilt && rs->tilt_deductible_bp != MB_BP_ONE)
        ded_amount = mb_apply_ratio(ded_amount, rs->tilt_deductible_bp);
    int64_t ded = overlap(b0, base_after, 0, ded_amount);
    /* the tilt changes the deductible, the ratios and the cap: one step says so, with the
     * deductible as stated and as tilted */
    if (t->tilt)
        mb_trace_add(x, rs, l->rules.tilt, rs->tilt_cite, "倾斜支付", ded_stated, ded_amount, -1);
    if (drow)
        mb_trace_add(x, rs, l->rules.deductible, drow->cite, "起付线", b, ded, -1);

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
        int64_t portion = overlap(b0, base_after, lo, hi);
        int32_t ratio = t->ratio;
        const char *cite = t->ratio_cite, *rule = band ? band->rule : l->rules.ratio;
        if (band && band->has_ratio) {
            int64_t v = band->ratio[slot];
            ratio = v == MB_ABSENT ? 0 : (int32_t)v;
            if (t->tilt)
                ratio = tilted(rs, ratio);
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
        mb_trace_add(x, rs, rule, cite, "按比例支付", portion, mb_apply_ratio(portion, ratio), ratio);
    }
    int64_t pay[MAX_LAYER_FUNDS];
    int64_t total = 0;
    for (int j = 0; j < nf; j++) {
        pay[j] = mb_prorata_round(&sum[j]);
        total += pay[j];
    }

    /* limits: never more than the claim's policy-scope self-pay left, then every cap */
    int64_t limit = x->remaining;
    const char *limit_cite = l->cite, *limit_rule = l->rules.self_pay;
    const char *limit_what = "政策范围内个人负担";
    int64_t cap_left = MB_UNLIMITED;
    if (l->has_cap && !(t->tilt && rs->tilt_uncapped)) {
        const mb_row *crow = mb_rows_pick(&l->cap.rows, c->date, t->facility, t->referred, slot);
        if (crow != NULL && crow->v[slot] != MB_UNLIMITED) {
            int64_t layer_cap = crow->v[slot];
            if (l->cap.raise_min_diseases && t->covered_diseases >= (uint32_t)l->cap.raise_min_diseases) {
                layer_cap += l->cap.raise_amount;
                mb_trace_add(x, rs, l->rules.cap_raise, l->cap.raise_cite, "多病种限额提高", crow->v[slot], layer_cap, -1);
            }
            int64_t used = mb_pending_get(x, l->cap.key, cap_period), avail;
            if ((rc = cap_left_of(x, l, layer_cap, used, &avail)))
                return rc;
            cap_left = avail;
            if (avail < limit) {
                limit = avail;
                limit_cite = crow->cite;
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
        if ((rc = cap_left_of(x, l, dcap, mb_pending_get(x, t->dcap->key, dcap_period), &avail)))
            return rc;
        cap_left = cap_left == MB_UNLIMITED ? avail : mb_min64(cap_left, avail);
        if (avail < limit) {
            limit = avail;
            limit_cite = t->dcap->cite;
            limit_rule = l->rules.disease_cap;
            limit_what = "病种支付限额";
        }
    }
    if (total > limit) {
        mb_trace_add(x, rs, limit_rule, limit_cite, limit_what, total, limit, -1);
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

    /* record: the base moves by b once per claim even when two layers share it; it stops at the
     * largest amount, past every deductible and band, so that it stays an amount */
    base_after = mb_min64(base_after, MB_MONEY_MAX);
    if (mb_pending_get(x, l->base_key, year) < base_after &&
        (rc = mb_pending_set(x, l->base_key, year, base_after)))
        return rc;
    if (l->has_cap && (rc = mb_pending_add(x, l->cap.key, cap_period, total)))
        return rc;
    if (l->cap.key != l->paid_key && (rc = mb_pending_add(x, l->paid_key, year, total)))
        return rc;
    if (t->dcap != NULL && (rc = mb_pending_add(x, t->dcap->key, dcap_period, total)))
        return rc;
    if ((rc = mb_pending_set(x, l->kind_key, year, 1)))
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
    mb_trace_add(x, rs, l->id, l->cite, l->name, b, total, -1);
    return MB_OK;
}

int mb_layer_check(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                   const mb_roster *roster, int disease, layer_terms *t)
{
    const mb_claim *c = x->c;
    const mb_enrollee *e = x->e;
    *t = (layer_terms){.disease = disease, .stack_bp = MB_BP_ONE};
    t->covered_diseases = mb_roster_covered(roster);
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
    /* every table of the layer (deductible, ratio, cap) is chosen by the same facility class
     * and referral */
    int fac = facility_class(rs, e, c);
    int ref = referred(rs, c);
    t->facility = fac;
    t->referred = ref;
    if (l->ratio_source == MB_RATIO_CATEGORY) {
        int cat = best_category(rs, e, c);
        if (cat < 0) {
            mb_not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
            return 0;
        }
        t->ratio = rs->category_bp[cat];
        t->ratio_cite = rs->category_cite[cat];
    } else if (l->ratio.n > 0) {
        const mb_row *row = fac < 0 ? NULL : mb_rows_pick(&l->ratio, c->date, fac, ref, x->slot);
        if (row == NULL) {
            mb_not_covered(x, MB_REASON_NO_RATIO, l->id, l->cite, fac < 0 ? "prescription" : NULL, 0);
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
        mb_not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
        return 0;
    }
    if (t->tilt)
        t->ratio = tilted(rs, t->ratio);
    return 1;
}
