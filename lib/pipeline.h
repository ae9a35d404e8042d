/* The settlement pipeline's shared state (settle.c), the pending accumulator changes
 * (pending.c), the trace (trace.c) and one benefit layer (layer.c). Internal. */
#ifndef MB_PIPELINE_H
#define MB_PIPELINE_H

#include <string.h>

#include "catalogue.h"
#include "handles.h"
#include "ruleset.h"

typedef struct settle_ctx {
    mb_settlement *r;
    const mb_enrollee *e;
    const mb_bill *c;
    mb_error *err;
    int slot;
    int32_t year;
    uint32_t med_bit;
    int64_t remaining;     /* policy-scope self-pay left to the person so far */
    int64_t acct_first;    /* paid by the personal account before any deductible */
    bool first_tier;       /* the tier being settled is the first computed one */
    /* the deductibles this claim paid in the first tier, one per base they are the first part
       of (act_pay_dedc): layers sharing a base share its deductible */
    uint64_t ded_base[4];
    int64_t ded_paid[4];
    uint32_t nded;
    bool tracing;          /* record the trace (a columnar batch reports none) */
    size_t tier;           /* the position in the chain of the tier being settled */
    mb_held_cache *held;   /* the certifications kept per tier (MB_CHAIN_MAX): the result's, a
                              batch's; NULL: none kept */
} settle_ctx;

/* What a layer applies to one claim, decided before it pays (layer.c). */
typedef struct layer_terms {
    const mb_view *view;    /* the claim as this layer's rows see it: the tier's, or `own` */
    mb_view own;            /* the tier's with a pharmacy claim's class as the layer says */
    int32_t ratio;          /* basis points, after penalty and tilt */
    const char *ratio_cite;
    const mb_tilt *tilt;    /* the tilt's row that applies, or NULL */
    int disease;            /* catalogue index or -1 */
    const mb_disease_cap *dcap;
    int32_t stack_bp;
    const mb_roster *roster;   /* the diseases on the claim date, for a multi-disease raise */
    const mb_row *top_up;      /* a top-up layer's target row */
} layer_terms;

/* A layer's deductible for one claim (deductible.c). */
typedef struct mb_ded {
    const mb_row *row;      /* the deductible row; NULL: none applies */
    int64_t stated;         /* its amount, as stated */
    int64_t amount;         /* what its unit owes in all: tilted, lowered for the nth unit */
    int64_t charged;        /* what this claim pays of it */
    const mb_row *repeat;   /* the deductible_repeat row applied, or NULL */
    int64_t units;          /* the unit's number in the year (visit, admission, day scopes) */
    bool new_unit, set_due;
    int32_t unit_day;       /* the unit's day of the year (0: before the year) */
    int64_t unit_paid;      /* paid in the unit before this claim */
    /* the enrollee's entries of the deductible's figures (ded_key), as compute looked them up
       (mb_pending_read) for record to change them without looking them up again */
    const mb_acc *at[MB_DED_KEYS];
} mb_ded;
int mb_deductible_compute(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                          const layer_terms *t, int64_t b0, int64_t b, mb_ded *d);
int mb_deductible_record(settle_ctx *x, const mb_layer *l, const mb_ded *d);

/* A top-up layer's figures for one claim (topup.c): its basis and the funds paid on it
 * before the top-up, which a year target adds to the year's. */
typedef struct mb_target {
    int64_t basis;
    int64_t funds;
} mb_target;
/* What brings the claim (or, with top_up_period year, the year) to the target of row
 * t->top_up, before any limit. */
int mb_top_up_want(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                   mb_target *g, int64_t *want);
/* The most a top-up layer may pay of the claim: the policy-scope self-pay left, or with
 * top_up_within total all the person still pays. */
int64_t mb_top_up_room(const settle_ctx *x, const mb_layer *l);
/* A year target's figures move by the claim's basis and its funds, `paid` included. */
int mb_top_up_record(settle_ctx *x, const mb_layer *l, const mb_target *g, int64_t paid);

/* The claim as a ruleset's selectors see it (view.c). */
int mb_view_build(settle_ctx *x, const mb_ruleset *rs, const mb_roster *roster, int disease,
                  mb_view *v);
/* The same without the person groups (for the items step, before any tier's diseases are
 * decided): class_b_first_selfpay and first_selfpay rows take no `group`. */
void mb_view_claim(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c, mb_view *v);
/* The person groups held on the claim's dates (mb_view.groups): those an active identity names,
 * those whose member groups are held, each where its conditions hold. */
uint64_t mb_groups_held(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c,
                        const mb_roster *roster);
/* Whether an identity counts on the claim's dates, as the ruleset's identity rules say. */
bool mb_identity_active(const mb_ruleset *rs, const mb_identity *id, const mb_bill *c);
/* Whether the claim counts as referred: it was, or it is care the ruleset exempts from it. */
static inline bool mb_claim_referred(const mb_ruleset *rs, const mb_bill *c)
{
    return (c->flags & MB_CLAIM_REFERRAL) || (c->flags & rs->referral_exempt);
}
/* The class of a claim's facility by its level alone (a pharmacy claim: its prescriber's; -1:
 * it has none), mb_view.level. */
int mb_level_class(const mb_bill *c);
/* The facility class of a claim (-1: a pharmacy claim without a prescriber to take it from);
 * `pharmacy_as` is a layer's `pharmacy` (MB_FAC_ANY: the prescriber's). */
int mb_facility_class(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c,
                      int pharmacy_as);

/* Year-to-date figures as this claim sees them: the enrollee's, overlaid by the changes the
 * claim has made so far (kept in the settlement's deltas until commit). */
static inline mb_delta *mb_pending_delta(const settle_ctx *x, uint64_t key, int32_t period)
{
    mb_settlement *r = x->r;
    for (uint32_t i = 0; i < r->ndeltas; i++)
        if (r->deltas[i].change.key == key && r->deltas[i].change.period == period)
            return &r->deltas[i];
    return NULL;
}
static inline int64_t mb_pending_get(const settle_ctx *x, uint64_t key, int32_t period)
{
    const mb_delta *d = mb_pending_delta(x, key, period);
    return d ? d->after : mb_acc_get(x->e, key, period);
}
/* The same, and the enrollee's entry for the key (NULL: none, or the claim changed it), to
 * hand to a later change of the same figure so that it need not be looked up again. */
static inline int64_t mb_pending_read(const settle_ctx *x, uint64_t key, int32_t period,
                                      const mb_acc **held)
{
    const mb_delta *d = mb_pending_delta(x, key, period);
    *held = d ? NULL : mb_acc_find(x->e, key, period);
    return d ? d->after : *held ? (*held)->value : 0;
}
/* The figure as the claim sees it, given the enrollee's entry for it as mb_acc_find gave it
 * earlier in this settlement. */
static inline int64_t mb_pending_at(const settle_ctx *x, uint64_t key, int32_t period,
                                    const mb_acc *held)
{
    const mb_delta *d = mb_pending_delta(x, key, period);
    return d ? d->after : held ? held->value : 0;
}
/* Add `amount` (>= 0) to a sum: a year's payments, a base. */
int mb_pending_add(settle_ctx *x, uint64_t key, int32_t period, int64_t amount);
/* The same for a figure whose entry `held` was looked up in this settlement (mb_pending_read,
 * mb_acc_find): it is not looked up again. */
int mb_pending_add_at(settle_ctx *x, uint64_t key, int32_t period, int64_t amount,
                      const mb_acc *held);
/* Bring a sum to `target` where it is below it (a year's base after the claim), `held` as
 * mb_pending_add_at takes it. */
int mb_pending_add_up_to(settle_ctx *x, uint64_t key, int32_t period, int64_t target,
                         const mb_acc *held);
/* Raise a value that only rises (a date at period 0, a benefit-kind flag) to `value` (> 0);
 * the journal keeps `value` even when the value already stood higher. */
int mb_pending_raise(settle_ctx *x, uint64_t key, int32_t period, int64_t value);
/* The same for a figure whose entry `held` was looked up in this settlement (mb_pending_read). */
int mb_pending_raise_at(settle_ctx *x, uint64_t key, int32_t period, int64_t value,
                        const mb_acc *held);

/* Record a trace step (pointers to the ruleset's strings only); record why the benefit did not
 * apply (the first reason is kept). */
static inline void mb_trace_add(settle_ctx *x, const mb_ruleset *rs, const char *rule,
                                const char *cite, const char *what, int64_t in, int64_t out,
                                int32_t ratio)
{
    mb_settlement *r = x->r;
    if (!x->tracing || r->ntrace == r->trace_cap) /* the room for the chain's most: never full */
        return;
    r->trace[r->ntrace++] = (mb_trace_step){rs->id, rule, cite ? cite : "", what, in, out, ratio};
}
void mb_not_covered(settle_ctx *x, int reason, const char *rule, const char *cite,
                    const char *arg, int32_t date);

/* What a layer asks of a claim before it applies, decided alike by mb_layer_check and the plain
 * path (program.c): whether it takes the claim's disease (its catalogue group, if it names
 * one); whether a designated facility it requires is the claim's (the one in force on the
 * claim date); and the first benefit kind it is exclusive with that the enrollee has enjoyed
 * this year (-1: none). */
static inline bool mb_layer_takes_disease(const mb_ruleset *rs, const mb_layer *l, int disease)
{
    return l->group == MB_GROUP_ANY || (disease >= 0 && rs->diseases[disease].group == l->group);
}
static inline bool mb_at_designated_facility(const mb_enrollee *e, const mb_bill *c)
{
    uint64_t designated = mb_next_designated_in_force(e, c->date) ? e->next_designated_hash
                                                                   : e->designated_hash;
    return designated != 0 && designated == c->facility_hash;
}
static inline int mb_excluding_kind(const settle_ctx *x, const mb_layer *l)
{
    for (uint32_t k = 0; k < l->nexclusive; k++)
        if (mb_pending_get(x, l->exclusive[k], x->year) > 0)
            return (int)k;
    return -1;
}

/* Whether the claim meets what layer `l` requires before its terms are read, in mb_layer_check's
 * order: a certified disease, the designated facility, care in the province, a referral, a
 * pharmacy claim's prescription, and no benefit kind it is exclusive with enjoyed this year.
 * The first unmet is recorded as why it does not apply (mb_not_covered): the general path and
 * the plain path (program.c) both ask it. */
static inline bool mb_layer_requirements(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                                         const mb_roster *roster, int disease)
{
    const mb_bill *c = x->c;
    if (l->requires & MB_REQ_CERTIFIED_DISEASE) {
        if (disease < 0) {
            mb_not_covered(x, MB_REASON_NO_DISEASE, l->id, l->cite, NULL, 0);
            return false;
        }
        mb_check chk;
        if (mb_roster_check(rs, roster, disease, &chk)) {
            mb_not_covered(x, chk.reason, l->id, chk.cite, rs->diseases[disease].name, chk.date);
            return false;
        }
    }
    if ((l->requires & MB_REQ_DESIGNATED_FACILITY) && !mb_at_designated_facility(x->e, c)) {
        mb_not_covered(x, MB_REASON_FACILITY, l->id, l->cite, NULL, 0);
        return false;
    }
    if ((l->requires & MB_REQ_IN_PROVINCE) && (c->flags & MB_CLAIM_OUT_OF_PROVINCE)) {
        mb_not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "in_province", 0);
        return false;
    }
    if ((l->requires & MB_REQ_REFERRAL) && !mb_claim_referred(rs, c)) {
        mb_not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "referral", 0);
        return false;
    }
    if ((l->requires & MB_REQ_PRESCRIPTION) && c->med_type == MB_MED_PHARMACY &&
        c->prescriber_hash == 0) {
        mb_not_covered(x, MB_REASON_CONDITION, l->id, l->cite, "prescription", 0);
        return false;
    }
    int excluding = mb_excluding_kind(x, l);
    if (excluding >= 0) {
        mb_not_covered(x, MB_REASON_EXCLUSIVE_KIND, l->id, l->exclusive_cite,
                       l->exclusive_names[excluding], 0);
        return false;
    }
    return true;
}

/* Account `first`: before the first layer of a tier that applies counts its deductible, the
 * personal account pays what it can of the policy-scope self-pay. Returns the tier's
 * policy-scope cost as the layers then see it. */
static inline int64_t mb_account_first(settle_ctx *x, const mb_ruleset *rs, int64_t tier_compliant)
{
    if (rs->account != MB_ACCOUNT_FIRST || (x->c->flags & MB_CLAIM_NO_ACCOUNT))
        return tier_compliant;
    int64_t first = mb_min64(x->e->balance - x->acct_first, x->remaining);
    if (first > 0) {
        x->acct_first += first;
        x->remaining -= first;
        mb_trace_add(x, rs, "account.first", rs->account_cite, "个人账户先行支付", tier_compliant,
                     first, -1);
    }
    return x->remaining;
}

/* The chain's shape (settle.c): 1..MB_CHAIN_MAX rulesets, in tier order. */
int mb_chain_check(const mb_ruleset *const *chain, size_t n, mb_error *err);
/* The chain a claim settles under: of each line of revisions, the ruleset in force on the
 * claim's date, `n` of them. A batch keeps it from one claim to the next (`kept`) with the
 * dates [from, to] on which the same rulesets are in force, and works it out again only for a
 * claim dated outside them. */
typedef struct mb_in_force {
    int32_t from, to;
    bool kept;
    size_t n;
    const mb_ruleset *eff[MB_CHAIN_MAX];
} mb_in_force;

/* Not worked out yet: no date is in [from, to]. */
static inline void mb_in_force_none(mb_in_force *f, bool kept)
{
    f->from = 1, f->to = 0, f->kept = kept;
}

/* What settlement refuses in a claim under a chain that is well formed: dates, items. `f`
 * holds the chain the claim settles under (worked out for its date unless it already was). */
int mb_bill_check_all(const mb_ruleset *const *chain, size_t n, const mb_enrollee *e,
                      const mb_bill *c, mb_in_force *f, mb_error *err);
/* The same, inline where a batch's claim has nothing to check: dated in the run `f` holds,
 * with items, not a stay without dates, nothing settled upstream. */
static inline int mb_bill_check(const mb_ruleset *const *chain, size_t n, const mb_enrollee *e,
                                const mb_bill *c, mb_in_force *f, mb_error *err)
{
    if (c->date >= f->from && c->date <= f->to && c->nitems != 0 && !c->has_upstream &&
        (c->admitted != 0 || !mb_med_inpatient(c->med_type)))
        return MB_OK;
    return mb_bill_check_all(chain, n, e, c, f, err);
}
/* A batch's row of `stride` amounts: the settlement's (when `ok`), as many as this library
 * reports, and zero beyond them (or all zero: a row that failed). */
static inline void mb_amounts_row(int64_t *row, size_t stride, const mb_settlement *s, bool ok)
{
    size_t k = 0;
    if (ok && stride == MB_AMT_COUNT_) { /* the usual stride: copied inline */
        memcpy(row, s->amt, sizeof s->amt);
        return;
    }
    if (ok) {
        k = stride < MB_AMT_COUNT_ ? stride : MB_AMT_COUNT_;
        memcpy(row, s->amt, k * sizeof *row);
    }
    for (; k < stride; k++)
        row[k] = 0;
}

/* Settle a checked claim into `r` (its head cleared first), changing nothing else; `tracing`
 * records the trace. */
int mb_compute(mb_settlement *r, const mb_ruleset *const *chain, size_t n, const mb_enrollee *e,
               const mb_enrollee *payer, const mb_bill *c, bool tracing, mb_held_cache *held,
               mb_error *err);
/* Apply a computed settlement of `c` to the enrollee (and the family payer) and record it in
 * their journals: MB_E_CAPACITY, changing nothing, when the accumulators it adds do not fit;
 * MB_E_STATE when the claim is already settled. */
int mb_commit(mb_settlement *r, mb_enrollee *e, mb_enrollee *payer, const mb_bill *c,
              mb_error *err);

/* The most accumulator entries one claim of `med_type` adds under the chain (0: of any
 * med_type, tier by tier: an upper bound), which is also the most changes its journal entry
 * records (each is one accumulator changed). */
uint32_t mb_chain_new_entries(const mb_ruleset *const *chain, size_t n, int med_type);
/* Room for one settlement that adds at most `need` accumulator entries: in the table and in
 * the journal (accumulators.c), and in a family payer's journal (NULL: none). Making it allocates only what is missing; MB_E_NOMEM when
 * memory runs out, and nothing a caller can observe changes either way. */
bool mb_room_for(const mb_enrollee *e, const mb_enrollee *payer, uint32_t need);
int mb_make_room_for(mb_enrollee *e, mb_enrollee *payer, uint32_t need, mb_error *err);

/* The most trace steps one claim records under the chain (the items, first self-pay, upstream
 * and account steps, and each tier's: plan.c), and room for them in the result's spare
 * settlement (result.c; MB_E_NOMEM when it cannot be had, the result as it was). */
uint32_t mb_chain_trace_steps(const mb_ruleset *const *chain, size_t n);
int mb_result_trace_room(mb_result *r, uint32_t steps, mb_error *err);

/* Whether layer `l` applies to the claim, with its terms (0 and a reason when not). */
int mb_layer_check(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                   const mb_roster *roster, const mb_view *view, layer_terms *t);
/* Pay layer `l`: deductible, bands, limits and caps; record its accumulators. */
int mb_layer_run(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                 int64_t tier_compliant);
/* The parts of paying a layer the plain path (program.c) shares with mb_layer_run: the year's
 * base before the claim and its entry (MB_E_OVERFLOW for a corrupt accumulator), the cap for
 * the claim (its row's `stated`, raised for the diseases of t->roster), what a cap leaves
 * (MB_E_OVERFLOW for a corrupt accumulator), the claim's row of a fund (NULL: no room), the
 * deductible the first tier charged (act_pay_dedc). */
int mb_layer_base(settle_ctx *x, const mb_layer *l, const mb_acc **at, int64_t *b0);
int64_t mb_layer_cap(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                     int64_t stated);
int mb_cap_left(settle_ctx *x, const mb_layer *l, int64_t cap, int64_t used, int64_t *left);
mb_fund_row *mb_fund_row_of(settle_ctx *x, const mb_ruleset *rs, int fund, int64_t inscp);
void mb_count_deductible(settle_ctx *x, const mb_layer *l, int64_t charged);

#endif
