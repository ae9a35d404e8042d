/* Pending accumulator changes: a claim's reads go through the changes it has made so far,
 * so two layers sharing a cap see each other's payments; nothing touches the enrollee until
 * commit, and the changes are what the journal keeps for reversal (journal.c). A change either
 * adds to a sum or raises a value that only rises (a date, a flag): reversal undoes the two
 * differently, so an accumulator is always changed the same way. */
#include "pipeline.h"

/* The pending change of (key, period), made `op`'s way: `d`, the claim's (as the caller's scan
 * found it), or a new one starting from `held`, the enrollee's entry for it as mb_acc_find gave
 * it in this settlement (deltas are never removed, so a figure that had none then has none now
 * unless the scan finds it). */
static int track(settle_ctx *x, mb_delta *d, uint64_t key, int32_t period, int op,
                 const mb_acc *held, mb_delta **out)
{
    if (d != NULL && d->change.op != op)
        return mb_fail(x->err, MB_E_RULESET,
                       "claim %s: accumulator %016llx (period %d) is both summed and raised by "
                       "the chain's rules", mb_bill_name(x->c), (unsigned long long)key, period);
    if (d == NULL) {
        if (x->r->ndeltas == MB_MAX_DELTAS)
            return mb_fail(x->err, MB_E_CAPACITY,
                           "a settlement changes at most %d accumulators", MB_MAX_DELTAS);
        d = &x->r->deltas[x->r->ndeltas++];
        x->r->nfresh += held == NULL; /* an entry commit adds */
        int64_t before = held ? held->value : 0;
        *d = (mb_delta){{key, 0, op == MB_CHANGE_RAISED ? before : 0, period, op}, before,
                        (mb_acc *)held};
    }
    *out = d;
    return MB_OK;
}

/* Add to the sum whose pending change the scan found as `d` (NULL: none yet). */
static int add(settle_ctx *x, mb_delta *d, uint64_t key, int32_t period, int64_t amount,
               const mb_acc *held)
{
    int64_t sum;
    if (amount < 0) /* a sum only grows: reversal takes away what was added */
        return mb_fail(x->err, MB_E_RULESET,
                       "claim %s: a year-to-date total would shrink by %lld fen",
                       mb_bill_name(x->c), (long long)-amount);
    int rc = track(x, d, key, period, MB_CHANGE_ADDED, held, &d);
    if (rc != MB_OK)
        return rc;
    if (!mb_add_checked(d->after, amount, &sum))
        return mb_fail(x->err, MB_E_OVERFLOW,
                       "claim %s: a year-to-date total would pass 10^12 yuan, the largest "
                       "amount the library takes", mb_bill_name(x->c));
    d->change.value += amount; /* at most the sum: no overflow */
    d->after = sum;
    return MB_OK;
}

int mb_pending_add_at(settle_ctx *x, uint64_t key, int32_t period, int64_t amount,
                      const mb_acc *held)
{
    if (amount == 0)
        return MB_OK;
    return add(x, mb_pending_delta(x, key, period), key, period, amount, held);
}

int mb_pending_add(settle_ctx *x, uint64_t key, int32_t period, int64_t amount)
{
    if (amount == 0)
        return MB_OK;
    mb_delta *d = mb_pending_delta(x, key, period);
    return add(x, d, key, period, amount, d ? NULL : mb_acc_find(x->e, key, period));
}

int mb_pending_add_up_to(settle_ctx *x, uint64_t key, int32_t period, int64_t target,
                         const mb_acc *held)
{
    mb_delta *d = mb_pending_delta(x, key, period); /* one scan for the figure and its change */
    int64_t now = d ? d->after : held ? held->value : 0;
    return now < target ? add(x, d, key, period, target - now, held) : MB_OK;
}

/* Raise the value whose pending change the scan found as `d` (NULL: none yet). */
static int raise_to(settle_ctx *x, mb_delta *d, uint64_t key, int32_t period, int64_t value,
                    const mb_acc *held)
{
    int rc = track(x, d, key, period, MB_CHANGE_RAISED, held, &d);
    if (rc != MB_OK)
        return rc;
    d->change.value = mb_max64(d->change.value, value);
    d->after = mb_max64(d->after, value);
    return MB_OK;
}

int mb_pending_raise_at(settle_ctx *x, uint64_t key, int32_t period, int64_t value,
                        const mb_acc *held)
{
    return raise_to(x, mb_pending_delta(x, key, period), key, period, value, held);
}

int mb_pending_raise(settle_ctx *x, uint64_t key, int32_t period, int64_t value)
{
    mb_delta *d = mb_pending_delta(x, key, period);
    return raise_to(x, d, key, period, value, d ? NULL : mb_acc_find(x->e, key, period));
}
