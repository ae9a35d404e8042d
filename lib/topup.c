/*
 * A top-up layer (托底, 保底, 兜底): what brings the funds paid on a claim (every tier, upstream
 * amounts too, 民政救助 among them) up to a target share of its policy-scope cost or its total.
 *
 *   top_up_period claim (default)  the claim's own target: share x the claim's basis;
 *   top_up_period year             the year's: share x the basis of the year's claims it
 *                                  covered so far, this one included, less every fund paid on
 *                                  them (its own top-ups too), kept in <layer>.target.base and
 *                                  <layer>.target.paid. A claim paid below the target on its
 *                                  own is topped up less, or not at all, when earlier claims of
 *                                  the year were paid above it, and a shortfall an earlier
 *                                  claim could not be topped up by (its self-pay was too small)
 *                                  is made good on a later one. A top-up once paid is not
 *                                  taken back: a later claim paid above the target on its own
 *                                  leaves the year above it (docs/ruleset-format.md).
 *
 * What it pays is limited by the claim's policy-scope self-pay left, or, with top_up_within
 * total, by all the person still pays of the claim (its class C and over-limit parts too).
 */
#include "pipeline.h"

/* The funds paid on the claim so far: every tier's, and the upstream amounts. */
static int64_t claim_funds(const mb_settlement *r)
{
    int64_t funds = 0;
    for (int a = MB_AMT_HIFP_PAY; a <= MB_AMT_MAF_PAY; a++)
        funds += r->amt[a];
    return funds;
}

static int year_figure(settle_ctx *x, const mb_layer *l, int k, int64_t *out)
{
    *out = mb_pending_get(x, l->target_key[k], x->year);
    if (*out < 0 || *out > MB_MONEY_MAX)
        return mb_fail(x->err, MB_E_OVERFLOW, "claim %s: layer %s: the year's %s %lld fen is not "
                       "an amount (a corrupt accumulator)", mb_bill_name(x->c), l->id,
                       l->target_key_name[k], (long long)*out);
    return MB_OK;
}

int mb_top_up_want(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                   mb_target *g, int64_t *want)
{
    const mb_row *row = t->top_up;
    int32_t bp = (int32_t)row->v[x->slot];
    g->basis = l->top_up_of == MB_TOPUP_TOTAL ? x->c->total : x->r->amt[MB_AMT_INSCP_SCP];
    g->funds = claim_funds(x->r);
    int64_t basis = g->basis, funds = g->funds;
    if (l->top_up_period == MB_PERIOD_YEAR) {
        int64_t year_basis, year_funds;
        int rc = year_figure(x, l, MB_TARGET_BASE, &year_basis);
        if (rc == MB_OK)
            rc = year_figure(x, l, MB_TARGET_PAID, &year_funds);
        if (rc != MB_OK)
            return rc;
        basis += year_basis; /* amounts of at most 10^14 each: no overflow */
        funds += year_funds;
    }
    int64_t target = mb_apply_ratio(basis, bp);
    *want = mb_max64(0, target - funds);
    mb_trace_add(x, rs, l->rules.top_up, row->cite,
                 l->top_up_period == MB_PERIOD_YEAR ? "年度托底补足至目标比例" : "托底补足至目标比例",
                 target, *want, bp);
    return MB_OK;
}

int64_t mb_top_up_room(const settle_ctx *x, const mb_layer *l)
{
    if (l->top_up_within != MB_TOPUP_WITHIN_TOTAL)
        return x->remaining;
    /* what the person still pays of the claim: its total less the funds and the account's
     * payment before the deductible */
    return mb_max64(0, x->c->total - claim_funds(x->r) - x->acct_first);
}

int mb_top_up_record(settle_ctx *x, const mb_layer *l, const mb_target *g, int64_t paid)
{
    if (l->top_up_period != MB_PERIOD_YEAR)
        return MB_OK;
    int rc = mb_pending_add(x, l->target_key[MB_TARGET_BASE], x->year, g->basis);
    return rc != MB_OK ? rc
                       : mb_pending_add(x, l->target_key[MB_TARGET_PAID], x->year,
                                        g->funds + paid);
}
