/*
 * The plain path: a tier whose layers for the claim's scheme and med_type are all plain pays
 * without the generality the layers' general path (settle.c's layers, layer.c) checks on every
 * claim. A plain layer is one whose tables are chosen by the person, the facility's class and
 * the referral alone (their rows found at load for each, below), or whose ratio is the
 * assistance category's where the categories are chosen by the groups held alone, and that has
 * none of the stages most layers lack: bands but one at the layer's ratio, a tracked
 * deductible, per-disease caps, stacking, tilts, top-ups, rows by age. Its claims need no view,
 * and each layer runs as one straight line of the stages mb_layer_run takes for it.
 *
 * The path asks of each layer what mb_layer_check asks, in its order, and records the same
 * reason when one does not apply; a pharmacy claim's class is its prescriber's, or the level
 * a layer settles pharmacies at. It records the trace steps the general path records, in its
 * order.
 * tests/unit/test_plain.c computes random claims of every bundled chain on both paths (the
 * plain layers hidden for the general one), with a trace and without, and compares the
 * settlements field by field and the traces step by step.
 */
#include "arena.h"
#include "pipeline.h"
#include "program.h"

/* ---- at load -------------------------------------------------------------------------------- */

/* A claim's case as the rows chosen by facility see it (MB_FAC_* of its class and level, as
 * the view holds them): first-visit care at each level, care at a primary, secondary or
 * tertiary facility, a pharmacy, none (-1). */
static int plain_case(int facility, int level)
{
    return facility < 0                      ? 7
           : facility == MB_FAC_PHARMACY     ? 6
           : facility == MB_FAC_FIRST_VISIT ? level - MB_FAC_PRIMARY
                                             : 3 + facility - MB_FAC_PRIMARY;
}

/* Whether a table's row is chosen by nothing but the person, the facility's class and the
 * referral (a table without rows too). */
static bool by_facility(const mb_rows *rows)
{
    return rows->n == 0 || (rows->uses & ~(uint32_t)(MB_SEL_FACILITY | MB_SEL_REFERRED)) == 0;
}

/* The rows of such a table, each as mb_rows_pick chooses it for a claim of that person, case
 * and referral, which are all of the claim it reads. */
static void plain_rows(const mb_rows *rows, mb_plain_rows *out)
{
    /* the class and level of each case: first-visit care and care at each level, a pharmacy,
     * none */
    static const int8_t seen[MB_PLAIN_CASES][2] = {
        {MB_FAC_FIRST_VISIT, MB_FAC_PRIMARY}, {MB_FAC_FIRST_VISIT, MB_FAC_SECONDARY},
        {MB_FAC_FIRST_VISIT, MB_FAC_TERTIARY}, {MB_FAC_PRIMARY, MB_FAC_PRIMARY},
        {MB_FAC_SECONDARY, MB_FAC_SECONDARY},   {MB_FAC_TERTIARY, MB_FAC_TERTIARY},
        {MB_FAC_PHARMACY, MB_FAC_PHARMACY},     {-1, -1}};
    for (int slot = 0; slot < MB_SLOT_COUNT; slot++)
        for (int k = 0; k < MB_PLAIN_CASES; k++)
            for (int referred = 0; referred < 2; referred++) {
                mb_view v;
                mb_view_plain(&v, 0, slot);
                v.facility = seen[k][0];
                v.level = seen[k][1];
                v.referred = referred;
                out->at[mb_plain_cell(slot, plain_case(v.facility, v.level), referred)] =
                    rows->n ? mb_rows_pick(rows, &v) : NULL;
            }
}

/* Whether a layer's rows, or its penalty, read the facility's class or the referral. */
static bool reads_facility(const mb_layer *l)
{
    const uint32_t facility = MB_SEL_FACILITY | MB_SEL_REFERRED;
    return l->referral_penalty || (l->ratio.uses & facility) || (l->deductible.uses & facility) ||
           (l->has_cap && (l->cap.rows.uses & facility));
}

static bool by_person(const mb_rows *rows)
{
    return rows->n == 0 || rows->by_person;
}

/* Whether the assistance categories are chosen by the groups held (and the date) alone: the
 * path picks the claim's on a view of those only. */
static bool categories_by_group(const mb_ruleset *rs)
{
    return (rs->categories.uses & ~(uint32_t)(MB_SEL_GROUP | MB_SEL_FROM)) == 0;
}

/* Whether the path can settle the layer's claims: every stage it has is one the path takes. */
static bool plain_layer(const mb_ruleset *rs, const mb_layer *l)
{
    const uint32_t checks = MB_REQ_CERTIFIED_DISEASE | MB_REQ_DESIGNATED_FACILITY |
                            MB_REQ_ASSISTANCE | MB_REQ_IN_PROVINCE | MB_REQ_REFERRAL |
                            MB_REQ_PRESCRIPTION;
    bool by_category = l->ratio_source == MB_RATIO_CATEGORY;
    bool category_plain = !(by_category || (l->requires & MB_REQ_ASSISTANCE)) ||
                          categories_by_group(rs);
    bool cap_plain = !l->has_cap ||
                     (!l->cap.of_diseases && by_facility(&l->cap.rows) &&
                      (!l->cap.has_raise || (l->cap.nraise == 1 && l->cap.raise[0].share_bp == 0)));
    /* one band at the layer's ratio, or none (the whole base) */
    bool band_plain = l->nbands == 0 || (l->nbands == 1 && l->bands[0].ratio.n == 0);
    return (l->requires & ~checks) == 0 && !l->disease_caps && !l->tilt && !l->top_up_of &&
           l->top_up_period != MB_PERIOD_YEAR &&
           (by_category || (l->ratio.n > 0 && by_facility(&l->ratio))) && category_plain &&
           by_person(&l->deductible) && !l->ded_tracked && band_plain && !l->uses_age && cap_plain;
}

/* The ruleset's categories in the order a person is given them, where they are chosen by group
 * alone (no date): *out NULL otherwise. MB_E_NOMEM when memory runs out. */
static int category_order(const mb_ruleset *rs, mb_arena *arena, const mb_plain_categories **out)
{
    *out = NULL;
    if (rs->categories.n == 0 || (rs->categories.uses & ~(uint32_t)MB_SEL_GROUP) != 0)
        return MB_OK;
    mb_plain_categories *order = mb_arena_alloc(arena, sizeof *order);
    if (order == NULL)
        return MB_E_NOMEM;
    for (int slot = 0; slot < MB_SLOT_COUNT; slot++) {
        if ((order->row[slot] = mb_arena_alloc(arena, rs->categories.n * sizeof(mb_row *))) == NULL)
            return MB_E_NOMEM;
        order->n[slot] = mb_rows_max_order(&rs->categories, slot, order->row[slot]);
    }
    *out = order;
    return MB_OK;
}

int mb_program_plan(mb_ruleset *rs, mb_arena *arena)
{
    rs->plain_for = NULL;
    /* rows chosen by age: a claim may need a birth date, which the view checks */
    if (rs->uses_age || rs->layers_use_age)
        return MB_OK;
    const mb_plain_span *(*table)[32] = NULL;
    mb_plain *plain = NULL; /* by layer index, each filled when a span first holds it */
    const mb_plain_categories *categories;
    int rc = category_order(rs, arena, &categories);
    if (rc != MB_OK)
        return rc;
    for (int s = 1; s < 3; s++) {
        if (!((rs->schemes >> s) & 1u))
            continue;
        for (int m = 0; m < 32; m++) {
            const uint32_t *span = &rs->layers_for[s][m];
            uint32_t n = span[1] - span[0];
            bool all = n > 0 && n <= MB_PLAIN_SPAN_MAX;
            for (uint32_t k = span[0]; all && k < span[1]; k++)
                all = plain_layer(rs, &rs->layers[rs->layer_order[k]]);
            if (!all)
                continue;
            mb_plain_span *sp;
            if ((table == NULL &&
                 ((table = mb_arena_alloc(arena, 3 * sizeof *table)) == NULL ||
                  (plain = mb_arena_alloc(arena, rs->nlayers * sizeof *plain)) == NULL)) ||
                (sp = mb_arena_alloc(arena, sizeof *sp)) == NULL)
                return MB_E_NOMEM;
            sp->n = n;
            sp->categories = categories;
            sp->by_facility = false;
            for (uint32_t k = 0; k < n; k++) {
                uint16_t i = rs->layer_order[span[0] + k];
                const mb_layer *l = &rs->layers[i];
                mb_plain *p = &plain[i];
                if (p->layer == NULL) {
                    p->layer = l;
                    p->by_category = l->ratio_source == MB_RATIO_CATEGORY;
                    p->reads_category = p->by_category || (l->requires & MB_REQ_ASSISTANCE);
                    if (!p->by_category)
                        plain_rows(&l->ratio, &p->ratio);
                    plain_rows(&l->deductible, &p->deductible);
                    if (l->has_cap)
                        plain_rows(&l->cap.rows, &p->cap);
                    const mb_band *band = l->nbands ? &l->bands[0] : NULL;
                    p->band_lo = band && band->above >= 0 ? band->above : 0;
                    p->band_hi = band ? band->up_to : MB_UNLIMITED;
                    p->band_rule = band ? band->rule : l->rules.ratio;
                    p->fund = band && band->fund >= 0 ? band->fund : l->fund;
                }
                sp->layer[k] = p;
                sp->by_facility |= reads_facility(l);
            }
            table[s][m] = sp;
        }
    }
    rs->plain_for = (const mb_plain_span *const (*)[32])table;
    return MB_OK;
}

/* ---- per claim ------------------------------------------------------------------------------ */

/* The claim's assistance category row (就高: the highest of those held), as mb_layer_check
 * picks it on the tier's view: the categories read only the groups held and the date (at
 * load), and where they read no date, the first of `order` held is it. NULL: none. */
static const mb_row *category_of(const settle_ctx *x, const mb_ruleset *rs,
                                 const mb_plain_categories *order, const mb_roster *roster)
{
    if (rs->categories.n == 0)
        return NULL;
    uint64_t groups = rs->ngroups ? mb_groups_held(rs, x->e, x->c, roster) : 0;
    if (order != NULL) {
        for (uint32_t i = 0; i < order->n[x->slot]; i++) {
            const mb_row *row = order->row[x->slot][i];
            if (row->sel.group < 0 || ((groups >> row->sel.group) & 1u))
                return row;
        }
        return NULL;
    }
    mb_view v;
    mb_view_plain(&v, x->c->date, x->slot);
    v.groups = groups;
    return mb_rows_pick_max(&rs->categories, &v);
}

/* What the plain layers read of a claim: the facility's class and the referral, its cell of
 * their tables (mb_plain_cell), and the assistance category, picked the first time a layer
 * reads it (the same for every layer). A layer that settles a pharmacy claim at a level of its
 * own (`pharmacy: {as: ...}`) sees that level instead (terms). */
typedef struct plain_claim {
    int facility;          /* MB_FAC_*, -1: a pharmacy claim without a prescriber */
    int referred;
    int cell;
    bool pharmacy;         /* a pharmacy claim */
    bool picked;
    const mb_row *category;
} plain_claim;

/* Whether plain layer `p` applies, as mb_layer_check decides it, the reason it does not
 * recorded as it records it; the ratio and its cite, and the cell of its tables, when it
 * does. */
static bool terms(settle_ctx *x, const mb_ruleset *rs, const mb_plain_span *span,
                  const mb_plain *p, const mb_roster *roster, int disease, plain_claim *pc,
                  int32_t *ratio, const char **ratio_cite, int *cell)
{
    const mb_layer *l = p->layer;
    int facility = pc->facility;
    *cell = pc->cell;
    if (pc->pharmacy && l->pharmacy_as != MB_FAC_ANY) { /* its level, not the prescriber's */
        facility = l->pharmacy_as;
        *cell = mb_plain_cell(x->slot, plain_case(facility, facility), pc->referred);
    }
    if (!mb_layer_requirements(x, rs, l, roster, disease))
        return false;
    if (p->reads_category && !pc->picked) {
        pc->category = category_of(x, rs, span->categories, roster);
        pc->picked = true;
    }
    /* no class for a pharmacy claim without a prescriber: no ratio by the table */
    const mb_row *row = p->by_category ? pc->category : facility < 0 ? NULL : p->ratio.at[*cell];
    if (row == NULL) {
        mb_not_covered(x, p->by_category ? MB_REASON_NO_IDENTITY : MB_REASON_NO_RATIO, l->id,
                       l->cite, !p->by_category && facility < 0 ? "prescription" : NULL, 0);
        return false;
    }
    *ratio = (int32_t)row->v[x->slot];
    *ratio_cite = row->cite;
    if (l->referral_penalty && !pc->referred && ((rs->penalty_levels >> facility) & 1u)) {
        *ratio = *ratio > rs->penalty_bp ? *ratio - rs->penalty_bp : 0;
        *ratio_cite = l->referral_penalty_cite ? l->referral_penalty_cite : rs->referral_cite;
    }
    if ((l->requires & MB_REQ_ASSISTANCE) && pc->category == NULL) {
        mb_not_covered(x, MB_REASON_NO_IDENTITY, l->id, l->cite, NULL, 0);
        return false;
    }
    return true;
}

/* The layer's payment, its stages as mb_layer_run takes them for a plain layer, each trace step
 * as it records it: the deductible as the first part of the year's base, the one band at the
 * ratio `terms` found, from its fund, the self-pay left and the cap (raised for the diseases
 * held), then the record. */
static int pay(settle_ctx *x, const mb_ruleset *rs, const mb_plain *p, const mb_roster *roster,
               const plain_claim *pc, int cell, int64_t tier_compliant, int32_t ratio,
               const char *ratio_cite)
{
    const mb_layer *l = p->layer;
    int year = x->year, slot = x->slot, rc;
    /* deductible */
    int64_t b = l->base == MB_BASE_COMPLIANT ? tier_compliant : x->remaining, b0;
    const mb_acc *base_at;
    if ((rc = mb_layer_base(x, l, &base_at, &b0)))
        return rc;
    int64_t b1 = b0 + b; /* two amounts: no overflow */
    if (pc->pharmacy && l->pharmacy_as != MB_FAC_ANY)
        mb_trace_add(x, rs, l->rules.pharmacy, l->pharmacy_cite, "定点药店按规定级别支付", b, b, -1);
    const mb_row *ded = p->deductible.at[cell];
    int64_t charged = ded ? mb_overlap(b0, b1, 0, ded->v[slot]) : 0;
    if (ded)
        mb_trace_add(x, rs, l->rules.deductible, ded->cite, "起付线", b, charged, -1);
    /* the band */
    int64_t portion = mb_overlap(b0 + charged, b1, p->band_lo, p->band_hi);
    mb_prorata sum = {0};
    mb_prorata_add(&sum, portion, ratio);
    int64_t total = mb_prorata_round(&sum);
    if (portion > 0)
        mb_trace_add(x, rs, p->band_rule, ratio_cite, "按比例支付", portion, total, ratio);
    /* limits: never more than the policy-scope self-pay left, nor than the cap leaves */
    int64_t limit = x->remaining, cap_left = MB_UNLIMITED;
    const char *limit_cite = l->cite, *limit_rule = l->rules.self_pay;
    const char *limit_what = l->top_up_within ? "个人负担" : "政策范围内个人负担";
    int32_t cap_period = mb_period_code(l->cap.period, x->c->date);
    const mb_acc *cap_at = NULL;
    bool cap_read = false;
    const mb_row *cap_row = p->cap.at[cell];
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
    if ((rc = mb_pending_add_up_to(x, l->base_key, year, mb_min64(b1, MB_MONEY_MAX), base_at)))
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
        mb_fund_row *row = mb_fund_row_of(x, rs, p->fund, b);
        if (row == NULL)
            return mb_fail(x->err, MB_E_CAPACITY, "more than %d fund rows", MB_MAX_FUNDS);
        row->fund_payamt += total;
        if (cap_left != MB_UNLIMITED)
            row->crt_payb_lmt_amt = row->crt_payb_lmt_amt == MB_UNLIMITED
                                        ? cap_left
                                        : mb_min64(row->crt_payb_lmt_amt, cap_left);
        x->r->amt[rs->funds[p->fund].amount_slot] += total;
    }
    if (x->first_tier)
        mb_count_deductible(x, l, charged);
    x->remaining -= mb_min64(total, x->remaining);
    mb_trace_add(x, rs, l->id, l->cite, l->name, b, total, -1);
    return MB_OK;
}

/* Kept out of line: inlined into the tier, it left the general path's stages less room to be
 * inlined there, which cost every claim that path settles some 40 instructions. */
__attribute__((noinline)) int mb_plain_run(settle_ctx *x, const mb_ruleset *rs,
                                           const mb_plain_span *span, const mb_roster *roster,
                                           int disease, bool *applied)
{
    const mb_bill *c = x->c;
    bool any = false; /* a layer applied */
    plain_claim pc = {0, 0, mb_plain_cell(x->slot, 0, 0), false, false, NULL}; /* case 0 */
    pc.pharmacy = c->med_type == MB_MED_PHARMACY || c->level == MB_LEVEL_PHARMACY;
    if (span->by_facility || pc.pharmacy) { /* a pharmacy claim's class is its prescriber's */
        pc.facility = mb_facility_class(rs, x->e, c, MB_FAC_ANY);
        pc.referred = mb_claim_referred(rs, c);
        pc.cell = mb_plain_cell(x->slot, plain_case(pc.facility, mb_level_class(c)), pc.referred);
    }
    int64_t tier_compliant = x->remaining;
    int rc = MB_OK;
    for (uint32_t k = 0, n = span->n; k < n && rc == MB_OK; k++) { /* as layers() visits them */
        const mb_plain *p = span->layer[k];
        int32_t ratio;
        const char *ratio_cite;
        int cell;
        if (!mb_layer_takes_disease(rs, p->layer, disease) ||
            !terms(x, rs, span, p, roster, disease, &pc, &ratio, &ratio_cite, &cell))
            continue;
        if (!any)
            tier_compliant = mb_account_first(x, rs, tier_compliant);
        any = true;
        rc = pay(x, rs, p, roster, &pc, cell, tier_compliant, ratio, ratio_cite);
    }
    *applied = any;
    return rc;
}
