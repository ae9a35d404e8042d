/*
 * The plain path: a tier whose only layer for the claim's scheme and med_type is plain pays
 * without the generality the layers' general path (settle.c's layers, layer.c) checks on every
 * claim. A plain layer is one whose tables are chosen by the person alone (their rows found at
 * load, below) and that has none of the stages most layers lack: bands, a tracked deductible,
 * per-disease caps, stacking, tilts, categories, top-ups, penalties. Its claims need no view,
 * and the layer runs as one straight line of the stages mb_layer_run takes for it.
 *
 * The path takes only what it is sure of and declines the rest before it changes anything: a
 * claim the layer would not cover (the general path records why), a corrupt base (the
 * general path's error), a pharmacy claim (its class depends on the prescriber and the layer's
 * pharmacy rule). It records the trace steps the general path records, in its order.
 * tests/unit/test_plain.c computes random claims of every bundled chain on both paths (the
 * plain layers hidden for the general one), with a trace and without, and compares the
 * settlements field by field and the traces step by step.
 */
#include "arena.h"
#include "pipeline.h"
#include "program.h"

/* ---- at load -------------------------------------------------------------------------------- */

/* The row a person takes of a table chosen by the person alone (by_person), or NULL: as
 * mb_rows_pick chooses it for any claim, which it reads nothing else of. */
static const mb_row *person_row(const mb_rows *rows, int slot)
{
    mb_view v;
    mb_view_plain(&v, 0, slot);
    return mb_rows_pick(rows, &v);
}

static bool by_person(const mb_rows *rows)
{
    return rows->n == 0 || rows->by_person;
}

/* Whether the path can settle the layer's claims: every stage it has is one the path takes. */
static bool plain_layer(const mb_layer *l)
{
    const uint32_t checks = MB_REQ_CERTIFIED_DISEASE | MB_REQ_DESIGNATED_FACILITY |
                            MB_REQ_IN_PROVINCE | MB_REQ_REFERRAL | MB_REQ_PRESCRIPTION;
    bool cap_plain = !l->has_cap ||
                     (!l->cap.of_diseases && by_person(&l->cap.rows) &&
                      (!l->cap.has_raise || (l->cap.nraise == 1 && l->cap.raise[0].share_bp == 0)));
    return (l->requires & ~checks) == 0 && !l->disease_caps && !l->tilt && !l->referral_penalty &&
           !l->top_up_of && l->top_up_period != MB_PERIOD_YEAR &&
           l->ratio_source != MB_RATIO_CATEGORY && l->ratio.by_person &&
           by_person(&l->deductible) && !l->ded_tracked && l->nbands == 0 && !l->uses_age &&
           cap_plain;
}

int mb_program_plan(mb_ruleset *rs, mb_arena *arena)
{
    rs->plain_for = NULL;
    /* rows chosen by age: a claim may need a birth date, which the view checks */
    if (rs->uses_age || rs->layers_use_age)
        return MB_OK;
    const mb_plain *(*table)[32] = NULL;
    mb_plain *plain = NULL;
    for (int s = 1; s < 3; s++) {
        if (!((rs->schemes >> s) & 1u))
            continue;
        for (int m = 0; m < 32; m++) {
            const uint32_t *span = &rs->layers_for[s][m];
            if (span[1] - span[0] != 1 || !plain_layer(&rs->layers[rs->layer_order[span[0]]]))
                continue;
            if (table == NULL &&
                ((table = mb_arena_alloc(arena, 3 * sizeof *table)) == NULL ||
                 (plain = mb_arena_alloc(arena, rs->nlayers * sizeof *plain)) == NULL))
                return MB_E_NOMEM;
            uint16_t i = rs->layer_order[span[0]];
            const mb_layer *l = &rs->layers[i];
            mb_plain *p = &plain[i];
            p->layer = l;
            for (int slot = 0; slot < MB_SLOT_COUNT; slot++) {
                p->ratio[slot] = person_row(&l->ratio, slot);
                p->deductible[slot] = person_row(&l->deductible, slot);
                p->cap[slot] = l->has_cap ? person_row(&l->cap.rows, slot) : NULL;
            }
            table[s][m] = p;
        }
    }
    rs->plain_for = (const mb_plain *const (*)[32])table;
    return MB_OK;
}

/* ---- per claim ------------------------------------------------------------------------------ */

/* Whether the layer applies, as mb_layer_check decides it for a plain layer; any reason it
 * would not is the general path's to record. Reads only. */
static bool applies(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                    const mb_roster *roster, int disease)
{
    const mb_bill *c = x->c;
    if (!mb_layer_takes_disease(rs, l, disease))
        return false;
    mb_check chk;
    if ((l->requires & MB_REQ_CERTIFIED_DISEASE) &&
        (disease < 0 || mb_roster_check(rs, roster, disease, &chk)))
        return false;
    if ((l->requires & MB_REQ_DESIGNATED_FACILITY) && !mb_at_designated_facility(x->e, c))
        return false;
    if ((l->requires & MB_REQ_IN_PROVINCE) && (c->flags & MB_CLAIM_OUT_OF_PROVINCE))
        return false;
    if ((l->requires & MB_REQ_REFERRAL) && !mb_claim_referred(rs, c))
        return false; /* (a prescription is required of pharmacy claims only, declined below) */
    return mb_excluding_kind(x, l) < 0;
}

/* The layer's payment, its stages as mb_layer_run takes them for a plain layer, each trace step
 * as it records it: the deductible as the first part of the year's base (`base_at`, the
 * enrollee's entry, as the general path's deductible reads it), the one band at the layer's
 * ratio from its fund, the self-pay left and the cap (raised for the diseases held), then the
 * record. */
static int pay(settle_ctx *x, const mb_ruleset *rs, const mb_plain *p, const mb_roster *roster,
               const mb_acc *base_at, int64_t tier_compliant)
{
    const mb_layer *l = p->layer;
    int year = x->year, slot = x->slot, rc;
    /* deductible: the tier's policy-scope cost and what is left of it are one figure before
     * its only layer pays, so either base is it */
    int64_t b = tier_compliant;
    int64_t b0 = base_at ? base_at->value : 0, b1 = b0 + b; /* two amounts: no overflow */
    const mb_row *ded = p->deductible[slot];
    int64_t charged = ded ? mb_overlap(b0, b1, 0, ded->v[slot]) : 0;
    if (ded)
        mb_trace_add(x, rs, l->rules.deductible, ded->cite, "起付线", b, charged, -1);
    /* the band */
    const mb_row *ratio = p->ratio[slot];
    int64_t portion = mb_overlap(b0 + charged, b1, 0, MB_UNLIMITED);
    mb_prorata sum = {0};
    mb_prorata_add(&sum, portion, (int32_t)ratio->v[slot]);
    int64_t total = mb_prorata_round(&sum);
    if (portion > 0)
        mb_trace_add(x, rs, l->rules.ratio, ratio->cite, "按比例支付", portion, total,
                     (int32_t)ratio->v[slot]);
    /* limits: never more than the policy-scope self-pay left, nor than the cap leaves */
    int64_t limit = x->remaining, cap_left = MB_UNLIMITED;
    const char *limit_cite = l->cite, *limit_rule = l->rules.self_pay;
    const char *limit_what = l->top_up_within ? "个人负担" : "政策范围内个人负担";
    int32_t cap_period = mb_period_code(l->cap.period, x->c->date);
    const mb_acc *cap_at = NULL;
    bool cap_read = false;
    const mb_row *cap_row = p->cap[slot];
    if (cap_row != NULL) {
        layer_terms t = {.roster = roster}; /* the raise's only row reads nothing else */
        int64_t cap = mb_layer_cap(x, rs, l, &t, cap_row->v[slot]);
        if (cap != MB_UNLIMITED) {
            int64_t used = mb_pending_read(x, l->cap.key, cap_period, &cap_at);
            cap_read = true;
            if ((rc = mb_cap_left(x, l, cap, used, &cap_left)))
                return rc;
            if (cap_left < limit) {
                limit = cap_left;
                limit_cite = cap_row->cite;
                limit_rule = l->rules.cap;
                limit_what = "年度（季度）支付限额";
            }
        }
    }
    if (total > limit) {
        mb_trace_add(x, rs, limit_rule, limit_cite, limit_what, total, limit, -1);
        total = limit;
    }
    if (cap_left != MB_UNLIMITED)
        cap_left -= total;
    if (l->has_cap && !cap_read) /* record adds to the cap's figure all the same */
        (void)mb_pending_read(x, l->cap.key, cap_period, &cap_at);
    /* record */
    int64_t base_after = mb_min64(b1, MB_MONEY_MAX);
    int64_t base_now = mb_pending_at(x, l->base_key, year, base_at);
    if (base_now < base_after &&
        (rc = mb_pending_add_at(x, l->base_key, year, base_after - base_now, base_at)))
        return rc;
    if (l->has_cap && (rc = mb_pending_add_at(x, l->cap.key, cap_period, total, cap_at)))
        return rc;
    if (l->cap.key != l->paid_key && (rc = mb_pending_add(x, l->paid_key, year, total)))
        return rc;
    /* mb_pending_raise, its entry looked up whether or not the claim changed it: called from
     * here too, LTO no longer inlined it into mb_layer_run (+24 instructions a claim there) */
    if (total > 0 &&
        (rc = mb_pending_raise_at(x, l->kind_key, year, 1, mb_acc_find(x->e, l->kind_key, year))))
        return rc;
    if (portion > 0) { /* the band paid from its fund: the fund's row, even at 0 past a cap */
        mb_fund_row *row = mb_fund_row_of(x, rs, l->fund, b);
        if (row == NULL)
            return mb_fail(x->err, MB_E_CAPACITY, "more than %d fund rows", MB_MAX_FUNDS);
        row->fund_payamt += total;
        if (cap_left != MB_UNLIMITED)
            row->crt_payb_lmt_amt = row->crt_payb_lmt_amt == MB_UNLIMITED
                                        ? cap_left
                                        : mb_min64(row->crt_payb_lmt_amt, cap_left);
        x->r->amt[rs->funds[l->fund].amount_slot] += total;
    }
    if (x->first_tier)
        mb_count_deductible(x, l, charged);
    x->remaining -= mb_min64(total, x->remaining);
    mb_trace_add(x, rs, l->id, l->cite, l->name, b, total, -1);
    return MB_OK;
}

/* Kept out of line: inlined into the tier, it left the general path's stages less room to be
 * inlined there, which cost every claim that path settles some 40 instructions. */
__attribute__((noinline)) bool mb_plain_run(settle_ctx *x, const mb_ruleset *rs, const mb_plain *p,
                                            const mb_roster *roster, int disease, int *rc)
{
    const mb_bill *c = x->c;
    if (c->med_type == MB_MED_PHARMACY || c->level == MB_LEVEL_PHARMACY ||
        p->ratio[x->slot] == NULL || !applies(x, rs, p->layer, roster, disease))
        return false;
    /* a corrupt base: the general path's error, which names it */
    const mb_acc *base_at = mb_acc_find(x->e, p->layer->base_key, x->year);
    if (base_at && (base_at->value < 0 || base_at->value > MB_MONEY_MAX))
        return false;
    int64_t tier_compliant = mb_account_first(x, rs, x->remaining);
    *rc = pay(x, rs, p, roster, base_at, tier_compliant);
    return true;
}
