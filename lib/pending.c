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
    *d = (mb_delta){key, period, held != NULL, held ? held->value : 0, held ? held->value : 0,
                    (mb_acc *)held};
    return d;
}

int mb_pending_set(settle_ctx *x, uint64_t key, int32_t period, int64_t value)
{
    mb_delta *d = mb_pending_delta(x, key, period);
    if (d == NULL) {
        const mb_acc *held = mb_acc_find(x->e, key, period);
        if (held != NULL && held->value == value)
            return MB_OK; /* no change (a benefit kind already enjoyed this year): no delta */
        if ((d = new_delta(x, key, period, held)) == NULL)
            return MB_E_CAPACITY;
    }
    d->after = value;
    return MB_OK;
}

/* Add to the delta of a figure, made from `held` (the enrollee's entry) when the claim has
 * not changed it yet. Deltas are never removed, so a figure without one when `held` was
 * looked up still has none unless the scan finds it. */
static int add_to(settle_ctx *x, uint64_t key, int32_t period, int64_t amount, const mb_acc *held)
{
    mb_delta *d = mb_pending_delta(x, key, period);
    if (d == NULL && (d = new_delta(x, key, period, held)) == NULL)
        return MB_E_CAPACITY;
    int64_t sum;
    if (!mb_add_checked(d->after, amount, &sum))
        return mb_fail(x->err, MB_E_OVERFLOW,
                       "claim %s: a year-to-date total would pass 10^12 yuan, the largest "
                       "amount the library takes", x->c->id);
    d->after = sum;
    return MB_OK;
}

int mb_pending_add(settle_ctx *x, uint64_t key, int32_t period, int64_t amount)
{
    if (amount == 0)
        return MB_OK;
    mb_delta *d = mb_pending_delta(x, key, period);
    return add_to(x, key, period, amount, d ? NULL : mb_acc_find(x->e, key, period));
}

int mb_pending_add_at(settle_ctx *x, uint64_t key, int32_t period, int64_t amount,
                      const mb_acc *held)
{
    return amount == 0 ? MB_OK : add_to(x, key, period, amount, held);
}

int mb_pending_raise(settle_ctx *x, uint64_t key, int32_t period, int64_t value,
                     const mb_acc *held)
{
    mb_delta *d = mb_pending_delta(x, key, period);
    if (d == NULL) {
        if ((held ? held->value : 0) >= value)
            return MB_OK;
        if ((d = new_delta(x, key, period, held)) == NULL)
            return MB_E_CAPACITY;
    }
    if (d->after < value)
        d->after = value;
    return MB_OK;
}
