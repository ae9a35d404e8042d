/* Pending accumulator changes: a claim's reads go through the changes it has made so far,
 * so two layers sharing a cap see each other's payments; nothing touches the enrollee until
 * commit, and the changes are what a reversal undoes. */
#include "pipeline.h"

static mb_delta *pending(const settle_ctx *x, uint64_t key, int32_t period)
{
    for (uint32_t i = 0; i < x->r->ndeltas; i++)
        if (x->r->deltas[i].key == key && x->r->deltas[i].period == period)
            return &x->r->deltas[i];
    return NULL;
}

int64_t mb_pending_get(const settle_ctx *x, uint64_t key, int32_t period)
{
    const mb_delta *d = pending(x, key, period);
    return d ? d->after : mb_acc_get(x->e, key, period);
}

int mb_pending_set(settle_ctx *x, uint64_t key, int32_t period, int64_t value)
{
    mb_delta *d = pending(x, key, period);
    if (d == NULL) {
        if (x->r->ndeltas == MB_MAX_DELTAS)
            return mb_fail(x->err, MB_E_CAPACITY,
                           "a settlement changes at most %d accumulators", MB_MAX_DELTAS);
        d = &x->r->deltas[x->r->ndeltas++];
        d->key = key;
        d->period = period;
        d->existed = mb_acc_exists(x->e, key, period);
        d->before = mb_acc_get(x->e, key, period);
    }
    d->after = value;
    return MB_OK;
}

int mb_pending_add(settle_ctx *x, uint64_t key, int32_t period, int64_t amount)
{
    int64_t sum;
    if (amount == 0)
        return MB_OK;
    if (!mb_add_checked(mb_pending_get(x, key, period), amount, &sum))
        return mb_fail(x->err, MB_E_OVERFLOW,
                       "claim %s: a year-to-date total would pass 10^12 yuan, the largest "
                       "amount the library takes", x->c->id);
    return mb_pending_set(x, key, period, sum);
}

