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
} settle_ctx;

/* What a layer applies to one claim, decided before it pays (layer.c). */
typedef struct layer_terms {
    int32_t ratio;          /* basis points, after penalty and tilt */
    int facility;           /* the facility class rows are chosen by (MB_FAC_*), -1: none */
    int referred;           /* whether the claim counts as referred */
    const char *ratio_cite;
    bool tilt;
    int disease;            /* catalogue index or -1 */
    const mb_disease_cap *dcap;
    int32_t stack_bp;
    uint32_t covered_diseases; /* diseases in benefit on the claim date, for a multi-disease raise */
} layer_terms;

/* Year-to-date figures as this claim sees them: the enrollee's, overlaid by the changes the
 * claim has made so far (kept in the settlement's deltas until commit). */
int64_t mb_pending_get(const settle_ctx *x, uint64_t key, int32_t period);
int mb_pending_set(settle_ctx *x, uint64_t key, int32_t period, int64_t value);
int mb_pending_add(settle_ctx *x, uint64_t key, int32_t period, int64_t amount);

/* Record a trace step; record why the benefit did not apply (the first reason is kept). */
void mb_trace_add(settle_ctx *x, const mb_ruleset *rs, const char *rule, const char *cite,
                   const char *what, int64_t in, int64_t out, int32_t ratio);
void mb_not_covered(settle_ctx *x, int reason, const char *rule, const char *cite,
                    const char *arg, int32_t date);

/* Whether layer `l` applies to the claim, with its terms (0 and a reason when not). */
int mb_layer_check(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                   const mb_roster *roster, int disease, layer_terms *t);
/* Pay layer `l`: deductible, bands, limits and caps; record its accumulators. */
int mb_layer_run(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l, const layer_terms *t,
                 int64_t tier_compliant);

#endif
