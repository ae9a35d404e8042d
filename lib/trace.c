/* The trace of a settlement (each step with its rule, clause and amounts) and the reason a
 * benefit did not apply. Pointers to ruleset strings only: no string work on the hot path. */
#include "pipeline.h"

void mb_trace_add(settle_ctx *x, const mb_ruleset *rs, const char *rule, const char *cite,
                  const char *what, int64_t in, int64_t out, int32_t ratio)
{
    mb_settlement *r = x->r;
    if (r->ntrace == MB_MAX_TRACE) {
        r->trace_truncated = true;
        return;
    }
    r->trace[r->ntrace++] = (mb_step){rs ? rs->id : "", rule, cite ? cite : "", what, in, out, ratio};
}

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

