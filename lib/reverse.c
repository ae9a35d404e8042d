/* Reversal (2208/2305): the latest settlement of an enrollee is undone exactly, its
 * accumulators set back (entries it created removed) and the account restored. */
#include <string.h>

#include "pipeline.h"

static int check_reversible(const mb_enrollee *e, const mb_settlement *r, mb_error *err)
{
    if (!r->committed)
        return mb_fail(err, MB_E_STATE, "this result was never settled (pre-settlement changes nothing)");
    if (r->reversed)
        return mb_fail(err, MB_E_STATE, "this settlement has already been reversed");
    if (r->enrollee_tag != e->tag || r->enrollee_instance != e->instance)
        return mb_fail(err, MB_E_STATE, "this settlement belongs to another enrollee");
    if (r->seq != e->seq)
        return mb_fail(err, MB_E_STATE,
                       "only the latest settlement can be reversed: this is settlement %u, the "
                       "enrollee's latest is %u; reverse the later ones first",
                       r->seq, e->seq);
    for (uint32_t i = 0; i < r->ndeltas; i++)
        if (mb_acc_get(e, r->deltas[i].key, r->deltas[i].period) != r->deltas[i].after)
            return mb_fail(err, MB_E_STATE,
                           "the enrollee's accumulators changed since this settlement (seeded "
                           "or restored?); it cannot be reversed exactly");
    if (e->balance != r->balance_after)
        return mb_fail(err, MB_E_STATE,
                       "the account balance changed since this settlement; it cannot be reversed exactly");
    return MB_OK;
}

static void undo(mb_enrollee *e, mb_settlement *r)
{
    for (uint32_t i = r->ndeltas; i-- > 0;) {
        const mb_delta *d = &r->deltas[i];
        if (d->existed)
            mb_acc_set(e, d->key, d->period, d->before);
        else
            mb_acc_remove(e, d->key, d->period);
    }
    e->balance = r->balance_before;
    e->seq--;
    r->reversed = true;
}

int mb_reverse(mb_enrollee *e, mb_result *res, mb_error *err)
{
    if (e == NULL || res == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_reverse: enrollee and result are required");
    mb_settlement *r = &res->s[res->cur];
    if (r->payer_tag != 0)
        return mb_fail(err, MB_E_STATE,
                       "a family-account settlement is reversed with mb_reverse_family");
    int rc = check_reversible(e, r, err);
    if (rc == MB_OK)
        undo(e, r);
    return rc;
}

int mb_reverse_family(mb_enrollee *patient, mb_enrollee *payer, mb_result *res, mb_error *err)
{
    if (patient == NULL || payer == NULL || res == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_reverse_family: patient, payer and result are required");
    mb_settlement *r = &res->s[res->cur];
    if (r->payer_tag == 0 || r->payer_tag != payer->tag)
        return mb_fail(err, MB_E_STATE, "this settlement was not paid from that payer's account");
    int rc = check_reversible(patient, r, err);
    if (rc != MB_OK)
        return rc;
    if (payer->seq != r->payer_seq || payer->balance != r->payer_after)
        return mb_fail(err, MB_E_STATE,
                       "the payer's account changed since this settlement; reverse its later "
                       "settlements first");
    undo(patient, r);
    payer->balance = r->payer_before;
    payer->seq--;
    return MB_OK;
}
