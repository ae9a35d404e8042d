/* The reason a benefit did not apply; the trace of a settlement (each step with its rule,
 * clause and amounts) is recorded by mb_trace_add (pipeline.h). Pointers to ruleset strings
 * only: no string work on the hot path. */
#include "pipeline.h"

void mb_not_covered(settle_ctx *x, int reason, const char *rule, const char *cite,
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

