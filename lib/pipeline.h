/* The settlement pipeline's shared state (settle.c), the pending accumulator changes
 * (pending.c), the trace (trace.c) and one benefit layer (layer.c). Internal. */
#ifndef MB_PIPELINE_H
#define MB_PIPELINE_H

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
    /* the deductibles this claim paid in the first tier, one per base they are the first part
       of (act_pay_dedc): layers sharing a base share its deductible */
    uint64_t ded_base[4];
    int64_t ded_paid[4];
    uint32_t nded;
} settle_ctx;

/* What a layer applies to one claim, decided before it pays (layer.c). */
typedef struct layer_terms {
    const mb_view *view;    /* the claim as this layer's rows see it: the tier's, or `own` */
    mb_view own;            /* the tier's with a pharmacy claim's class as the layer says */
    int32_t ratio;          /* basis points, after penalty and tilt */
    const char *ratio_cite;
    bool tilt;
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
} mb_ded;
int mb_deductible_compute(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                          const layer_terms *t, int64_t b0, int64_t b, mb_ded *d);
int mb_deductible_record(settle_ctx *x, const mb_layer *l, const mb_ded *d);

/* The claim as a ruleset's selectors see it (view.c). */
int mb_view_build(settle_ctx *x, const mb_ruleset *rs, const mb_roster *roster, int disease,
                  mb_view *v);
/* The same without the person groups (for the items step, before any tier's diseases are
 * decided): class_b_first_selfpay and first_selfpay rows take no `group`. */
void mb_view_claim(const mb_ruleset *rs, const mb_enrollee *e, const mb_claim *c, mb_view *v);
/* Whether an identity counts on the claim's dates, as the ruleset's identity rules say. */
bool mb_identity_active(const mb_ruleset *rs, const mb_identity *id, const mb_claim *c);
bool mb_claim_referred(const mb_ruleset *rs, const mb_claim *c);
/* The facility class of a claim (-1: a pharmacy claim without a prescriber to take it from);
 * `pharmacy_as` is a layer's `pharmacy` (MB_FAC_ANY: the prescriber's). */
int mb_facility_class(const mb_ruleset *rs, const mb_enrollee *e, const mb_claim *c,
                      int pharmacy_as);

/* Year-to-date figures as this claim sees them: the enrollee's, overlaid by the changes the
 * claim has made so far (kept in the settlement's deltas until commit). */
int64_t mb_pending_get(const settle_ctx *x, uint64_t key, int32_t period);
/* Add `amount` (>= 0) to a sum: a year's payments, a base. */
int mb_pending_add(settle_ctx *x, uint64_t key, int32_t period, int64_t amount);
/* Raise a value that only rises (a date at period 0, a benefit-kind flag) to `value` (> 0);
 * the journal keeps `value` even when the value already stood higher. */
int mb_pending_raise(settle_ctx *x, uint64_t key, int32_t period, int64_t value);

/* Record a trace step; record why the benefit did not apply (the first reason is kept). */
void mb_trace_add(settle_ctx *x, const mb_ruleset *rs, const char *rule, const char *cite,
                   const char *what, int64_t in, int64_t out, int32_t ratio);
void mb_not_covered(settle_ctx *x, int reason, const char *rule, const char *cite,
                    const char *arg, int32_t date);

/* Whether layer `l` applies to the claim, with its terms (0 and a reason when not). */
int mb_layer_check(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                   const mb_roster *roster, const mb_view *view, layer_terms *t);
/* Pay layer `l`: deductible, bands, limits and caps; record its accumulators. */
int mb_layer_run(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                 int64_t tier_compliant);

#endif
