/* Results: the amounts, fund rows and trace of the last settlement held by a handle. */
#include <stdio.h>
#include <string.h>

#include "journal.h"
#include "pipeline.h"

int mb_result_new(mb_result **out, mb_error *err)
{
    if (out == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_result_new: out is NULL");
    *out = mb_calloc(1, sizeof **out);
    if (*out == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory creating a result");
    for (int i = 0; i < 2; i++) {
        (*out)->s[i].trace = (*out)->s[i].trace_own;
        (*out)->s[i].trace_cap = MB_MAX_TRACE;
    }
    return MB_OK;
}

void mb_result_free(mb_result *r)
{
    for (int i = 0; r != NULL && i < 2; i++)
        if (r->s[i].trace != r->s[i].trace_own)
            mb_free(r->s[i].trace);
    mb_free(r);
}

int mb_result_trace_room(mb_result *r, uint32_t steps, mb_error *err)
{
    mb_settlement *s = &r->s[!r->cur]; /* the spare one, computed into next */
    if (steps <= s->trace_cap)
        return MB_OK;
    mb_trace_step *block = mb_alloc(steps * sizeof *block);
    if (block == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory for a trace of %u steps", steps);
    if (s->trace != s->trace_own)
        mb_free(s->trace);
    s->trace = block; /* the spare settlement's trace is not readable: nothing to keep */
    s->trace_cap = steps;
    return MB_OK;
}

/* The settlement the handle currently holds. */
static const mb_settlement *cur(const mb_result *r) { return &r->s[r->cur]; }

int64_t mb_result_amount(const mb_result *r, int which)
{
    if (r == NULL || which < 0 || which >= MB_AMT_COUNT_)
        return 0;
    return cur(r)->amt[which];
}

size_t mb_result_amounts(const mb_result *r, int64_t *out, size_t n)
{
    if (r == NULL || out == NULL)
        return 0;
    if (n >= MB_AMT_COUNT_) { /* all of them, as a POS asks each claim: a copy of a fixed size,
                                 inlined (of a size known only at run time, gcc emits rep movs) */
        memcpy(out, cur(r)->amt, sizeof cur(r)->amt);
        return MB_AMT_COUNT_;
    }
    memcpy(out, cur(r)->amt, n * sizeof *out);
    return n;
}

int mb_result_covered(const mb_result *r) { return r ? cur(r)->covered : 0; }

const char *mb_result_setl_id(const mb_result *res)
{
    if (res == NULL || !cur(res)->committed)
        return "";
    mb_settlement *m = (mb_settlement *)cur(res); /* formatted on request, into the handle */
    mb_setl_format(m->setl, m->setl_text);
    return m->setl_text;
}

static const char *reason_text(int reason)
{
    switch (reason) {
    case MB_REASON_NO_LAYER: return "no benefit of this ruleset applies to the claim (本险种无此类待遇)";
    case MB_REASON_SCHEME: return "the ruleset does not cover the enrollee's scheme (险种不适用)";
    case MB_REASON_NOT_CERTIFIED: return "disease not certified (未认定该病种)";
    case MB_REASON_NOT_STARTED: return "benefit not yet started (待遇尚未开始)";
    case MB_REASON_EXPIRED: return "certification expired (认定已过有效期)";
    case MB_REASON_REVOKED: return "qualification revoked after an idle spell (待遇资格已取消)";
    case MB_REASON_OVER_LIMIT: return "more certified diseases than allowed (超过可享受病种数)";
    case MB_REASON_EXCLUSIVE_PAIR: return "excluded by a mutually exclusive disease (互斥病种)";
    case MB_REASON_STACKING: return "beyond the diseases whose caps stack (超过可叠加病种数)";
    case MB_REASON_NO_DISEASE: return "the claim names no disease (未填写病种)";
    case MB_REASON_FACILITY: return "not at the designated facility (非选定定点医疗机构)";
    case MB_REASON_EXCLUSIVE_KIND: return "another benefit already enjoyed this year excludes it (年度内待遇不得重复享受)";
    case MB_REASON_NO_RATIO: return "no ratio for this facility and referral status (非首诊机构且未转诊)";
    case MB_REASON_NO_IDENTITY: return "no assistance identity on the claim's dates (无救助对象身份)";
    case MB_REASON_CONDITION: return "a condition of the benefit is not met (不符合待遇条件)";
    case MB_REASON_TREATMENT: return "the disease's cap depends on a treatment line the claim does not give (需注明治疗方式)";
    default: return "";
    }
}

const char *mb_result_reason(const mb_result *res)
{
    if (res == NULL)
        return "";
    const mb_settlement *r = cur(res);
    if (r->reason == MB_REASON_NONE || r->covered)
        return "";
    mb_settlement *m = (mb_settlement *)r; /* the text is formatted on request, into the handle */
    int n = snprintf(m->reason_text, sizeof m->reason_text, "%s", reason_text(r->reason));
    if (r->reason_arg && n > 0 && (size_t)n < sizeof m->reason_text)
        n += snprintf(m->reason_text + n, sizeof m->reason_text - n, ": %s", r->reason_arg);
    if (r->reason_date && n > 0 && (size_t)n < sizeof m->reason_text)
        n += snprintf(m->reason_text + n, sizeof m->reason_text - n, " (%04d-%02d-%02d)",
                      r->reason_date / 10000, r->reason_date / 100 % 100, r->reason_date % 100);
    if (r->reason_cite && *r->reason_cite && n > 0 && (size_t)n < sizeof m->reason_text)
        snprintf(m->reason_text + n, sizeof m->reason_text - n, " [%s%s%s]", r->reason_rule ? r->reason_rule : "",
                 r->reason_rule ? "; " : "", r->reason_cite);
    mb_utf8_scrub(m->reason_text); /* a long cite cut to the room: no part of a character */
    return m->reason_text;
}

size_t mb_result_fund_count(const mb_result *r) { return r ? cur(r)->nfunds : 0; }

int mb_result_fund(const mb_result *res, size_t index, mb_fund_row *row)
{
    if (res == NULL || row == NULL || index >= cur(res)->nfunds)
        return MB_E_INVALID_ARGUMENT;
    *row = cur(res)->funds[index];
    return MB_OK;
}

size_t mb_result_trace_count(const mb_result *r) { return r ? cur(r)->ntrace : 0; }

int mb_result_trace(const mb_result *res, size_t index, mb_trace_step *step)
{
    if (res == NULL || step == NULL || index >= cur(res)->ntrace)
        return MB_E_INVALID_ARGUMENT;
    *step = cur(res)->trace[index];
    return MB_OK;
}
