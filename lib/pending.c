/* Pending accumulator changes: a claim's reads go through the changes it has made so far,
 * so two layers sharing a cap see each other's payments; nothing touches the enrollee until
 * commit, and the changes are what a reversal undoes. */
#include "pipeline.h"

/* A new delta for a key the claim has not changed yet, starting from the enrollee's figure. */
static mb_delta *new_delta(settle_ctx *x, uint64_t key, int32_t period, const mb_acc *held)
{
    if (x->r->ndeltas == MB_MAX_DELTAS) {
        mb_fail(x->err, MB_E_CAPACITY, "a settlement changes at most %d accumulators", MB_MAX_DELTAS);
        return NULL;
    }
    mb_delta *d = &x->r->deltas[x->r->ndeltas++];
    *d = (mb_delta){key, period, held != NULL, held ? held->value : 0, held ? held->value : 0};
    return d;
}

int mb_pending_set(settle_ctx *x, uint64_t key, int32_t period, int64_t value)
{
    mb_delta *d = mb_pending_delta(x, key, period);
    if (d == NULL && (d = new_delta(x, key, period, mb_acc_find(x->e, key, period))) == NULL)
        return MB_E_CAPACITY;
    d->after = value;
    return MB_OK;
}

int mb_pending_add(settle_ctx *x, uint64_t key, int32_t period, int64_t amount)
{
    if (amount == 0)
        return MB_OK;
    mb_delta *d = mb_pending_delta(x, key, period);
    if (d == NULL && (d = new_delta(x, key, period, mb_acc_find(x->e, key, period))) == NULL)
        return MB_E_CAPACITY;
    int64_t sum;
    if (!mb_add_checked(d->after, amount, &sum))
        return mb_fail(x->err, MB_E_OVERFLOW,
                       "claim %s: a year-to-date total would pass 10^12 yuan, the largest "
                       "amount the library takes", x->c->id);
    d->after = sum;
    return MB_OK;
}


int mb_pending_raise(settle_ctx *x, uint64_t key, int32_t period, int64_t value)
{
    mb_delta *d = mb_pending_delta(x, key, period);
    if (d == NULL) {
        const mb_acc *held = mb_acc_find(x->e, key, period);
        if ((held ? held->value : 0) >= value)
            return MB_OK;
        if ((d = new_delta(x, key, period, held)) == NULL)
            return MB_E_CAPACITY;
    }
    if (d->after < value)
        d->after = value;
    return MB_OK;
}
