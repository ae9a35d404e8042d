/* Reversal (2208/2305): any settlement the enrollee's journal keeps is taken back by its id,
 * whether or not it is the latest, also from an enrollee restored from its blob. Its own changes
 * go: what it added to a sum is taken away, a value it raised is recomputed from the others, and
 * the account gets back what it paid. Later settlements keep the amounts they were settled with
 * (docs/reversal.md). */
#include <string.h>

#include "journal.h"

static int not_in_journal(const mb_enrollee *e, const char *setl_id, mb_error *err)
{
    const mb_journal *j = &e->journal;
    if (j->limit == 0)
        return mb_fail(err, MB_E_STATE,
                       "enrollee '%s' keeps no journal (its limit is 0), so settlement %s cannot "
                       "be reversed; mb_enrollee_set_journal_limit sets how many are kept", e->id,
                       setl_id);
    return mb_fail(err, MB_E_STATE,
                   "settlement %s is not in the journal of enrollee '%s': it was reversed "
                   "already, is another enrollee's, or is older than the %u settlements the "
                   "journal keeps (%u now); mb_enrollee_set_journal_limit raises the bound for "
                   "the settlements that follow", setl_id, e->id, j->limit, j->count);
}

/* Whether entry `en` can be taken back from `e` as it stands: what it added is still there
 * (seeding keeps it so: journal.c), and the account can take its money back. */
static int check_undo(const mb_enrollee *e, const mb_entry *en, mb_error *err)
{
    for (uint32_t k = 0; k < en->nchanges; k++) {
        const mb_change *ch = &en->changes[k];
        if (ch->op == MB_CHANGE_ADDED && mb_acc_get(e, ch->key, ch->period) < ch->value)
            return mb_fail(err, MB_E_STATE,
                           "enrollee '%s': an accumulator holds less than the settlement of "
                           "claim '%s' added to it; it cannot be reversed exactly", e->id,
                           en->claim_id);
    }
    int64_t balance;
    if (!mb_add_checked(e->balance, en->account, &balance))
        return mb_fail(err, MB_E_OVERFLOW,
                       "enrollee '%s': giving back the account's %lld fen would pass 10^12 yuan",
                       e->id, (long long)en->account);
    return MB_OK;
}

/* A raised value as if entry `skip` had never been settled: the largest of what it was before
 * the journal's first entry that raised it and what every other entry raised it to. Each later
 * entry's `before` becomes the largest before it without `skip`. */
static void lower(mb_enrollee *e, uint32_t skip, const mb_change *gone)
{
    const mb_journal *j = &e->journal;
    bool first = true;
    int64_t top = 0;
    for (uint32_t i = 0; i < j->count; i++) {
        mb_entry *en = mb_journal_at(j, i);
        for (uint32_t k = 0; k < en->nchanges; k++) {
            mb_change *ch = &en->changes[k];
            if (ch->key != gone->key || ch->period != gone->period)
                continue;
            if (first)
                top = ch->before; /* what it was before the journal */
            first = false;
            if (i != skip) {
                ch->before = top;
                top = mb_max64(top, ch->value);
            }
        }
    }
    if (top > 0)
        mb_acc_set(e, gone->key, gone->period, top); /* the entry is there: no room needed */
    else
        mb_acc_remove(e, gone->key, gone->period);
}

/* Take entry `i` back; check_undo() has said it can be. */
static void undo(mb_enrollee *e, uint32_t i)
{
    mb_entry *en = mb_journal_at(&e->journal, i);
    for (uint32_t k = 0; k < en->nchanges; k++) {
        const mb_change *ch = &en->changes[k];
        if (ch->op == MB_CHANGE_RAISED) {
            lower(e, i, ch);
            continue;
        }
        int64_t left = mb_acc_get(e, ch->key, ch->period) - ch->value;
        if (left > 0)
            mb_acc_set(e, ch->key, ch->period, left);
        else
            mb_acc_remove(e, ch->key, ch->period); /* absent means zero: the room comes back */
    }
    e->balance += en->account;
    mb_journal_remove(&e->journal, i);
}

static int reverse_own(mb_enrollee *e, uint32_t i, mb_error *err)
{
    const mb_entry *en = mb_journal_at(&e->journal, i);
    char text[MB_SETL_TEXT];
    mb_setl_format(en->setl, text);
    if (en->role == MB_JOURNAL_PATIENT)
        return mb_fail(err, MB_E_STATE,
                       "settlement %s was paid in part (%lld fen) from the personal account of "
                       "'%s' (共济): reverse it with mb_reverse_family_id(patient, payer, \"%s\") "
                       "so that both accounts get their money back", text, (long long)en->family,
                       en->other, text);
    if (en->role == MB_JOURNAL_PAYER)
        return mb_fail(err, MB_E_STATE,
                       "settlement %s paid %lld fen of claim '%s' of '%s' from this account (共济): "
                       "reverse it with mb_reverse_family_id, with '%s' as the patient and this "
                       "enrollee as the payer", text, (long long)en->account, en->claim_id,
                       en->other, en->other);
    int rc = check_undo(e, en, err);
    if (rc == MB_OK)
        undo(e, i);
    return rc;
}

/* Both sides of the family settlement `setl`: entry `i` of the patient. */
static int reverse_family(mb_enrollee *patient, mb_enrollee *payer, uint32_t i, mb_error *err)
{
    const mb_entry *en = mb_journal_at(&patient->journal, i);
    char text[MB_SETL_TEXT];
    mb_setl_format(en->setl, text);
    if (en->role == MB_JOURNAL_OWN)
        return mb_fail(err, MB_E_STATE,
                       "settlement %s of '%s' was not paid from a family member's account: "
                       "reverse it with mb_reverse_id", text, patient->id);
    if (en->role == MB_JOURNAL_PAYER)
        return mb_fail(err, MB_E_STATE,
                       "in the journal of '%s', settlement %s pays for claim '%s' of '%s': pass "
                       "'%s' as the patient and '%s' as the payer", patient->id, text,
                       en->claim_id, en->other, en->other, patient->id);
    if (strcmp(en->other, payer->id) != 0)
        return mb_fail(err, MB_E_STATE, "settlement %s was paid from the account of '%s', not '%s'",
                       text, en->other, payer->id);
    int32_t k = mb_journal_find(&payer->journal, en->setl);
    if (k < 0)
        return not_in_journal(payer, text, err);
    const mb_entry *pe = mb_journal_at(&payer->journal, (uint32_t)k);
    if (pe->role != MB_JOURNAL_PAYER || strcmp(pe->other, patient->id) != 0 ||
        pe->account != en->family)
        return mb_fail(err, MB_E_STATE,
                       "the journals of '%s' and '%s' disagree about settlement %s (the payer's "
                       "entry pays %lld fen for '%s', the patient's says %lld fen): were they "
                       "restored from blobs of different days?", patient->id, payer->id, text,
                       (long long)pe->account, pe->other, (long long)en->family);
    int rc = check_undo(patient, en, err);
    if (rc == MB_OK)
        rc = check_undo(payer, pe, err);
    if (rc != MB_OK)
        return rc;
    undo(patient, i);
    undo(payer, (uint32_t)k);
    return MB_OK;
}

static int parse_id(const char *setl_id, uint64_t *setl, mb_error *err)
{
    if (!mb_setl_parse(setl_id, setl))
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "'%.40s' is not a settlement id: 16 hex digits, as mb_result_setl_id() "
                       "gives them", setl_id);
    return MB_OK;
}

int mb_reverse_id(mb_enrollee *e, const char *setl_id, mb_error *err)
{
    if (e == NULL || setl_id == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_reverse_id: enrollee and setl_id are required");
    uint64_t setl;
    int rc = parse_id(setl_id, &setl, err);
    if (rc != MB_OK)
        return rc;
    int32_t i = mb_journal_find(&e->journal, setl);
    return i < 0 ? not_in_journal(e, setl_id, err) : reverse_own(e, (uint32_t)i, err);
}

int mb_reverse_family_id(mb_enrollee *patient, mb_enrollee *payer, const char *setl_id,
                         mb_error *err)
{
    if (patient == NULL || payer == NULL || setl_id == NULL || patient == payer)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_reverse_family_id: a patient, a different payer and a setl_id are required");
    uint64_t setl;
    int rc = parse_id(setl_id, &setl, err);
    if (rc != MB_OK)
        return rc;
    int32_t i = mb_journal_find(&patient->journal, setl);
    return i < 0 ? not_in_journal(patient, setl_id, err)
                 : reverse_family(patient, payer, (uint32_t)i, err);
}

/* The journal entry of the settlement `r` holds, checked to be `e`'s; -1 with the reason. */
static int32_t entry_of(const mb_enrollee *e, const mb_settlement *r, mb_error *err)
{
    if (!r->committed)
        return mb_fail(err, MB_E_STATE, "this result was never settled (pre-settlement changes nothing)");
    if (r->reversed)
        return mb_fail(err, MB_E_STATE, "this settlement has already been reversed");
    if (r->enrollee_tag != e->tag || r->enrollee_instance != e->instance)
        return mb_fail(err, MB_E_STATE,
                       "this settlement belongs to another enrollee (a restored copy reverses it "
                       "by its id: mb_reverse_id)");
    char text[MB_SETL_TEXT];
    mb_setl_format(r->setl, text);
    int32_t i = mb_journal_find(&e->journal, r->setl);
    if (i < 0)
        return not_in_journal(e, text, err);
    if (mb_journal_at(&e->journal, (uint32_t)i)->serial != r->serial)
        return mb_fail(err, MB_E_STATE,
                       "settlement %s held by this result was reversed by its id, and its claim "
                       "settled again since: reverse the new settlement by its id", text);
    return i;
}

int mb_reverse(mb_enrollee *e, mb_result *res, mb_error *err)
{
    if (e == NULL || res == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_reverse: enrollee and result are required");
    mb_settlement *r = &res->s[res->cur];
    if (r->payer_tag != 0)
        return mb_fail(err, MB_E_STATE,
                       "a family-account settlement is reversed with mb_reverse_family");
    int32_t i = entry_of(e, r, err);
    if (i < 0)
        return i;
    int rc = reverse_own(e, (uint32_t)i, err);
    if (rc == MB_OK)
        r->reversed = true;
    return rc;
}

int mb_reverse_family(mb_enrollee *patient, mb_enrollee *payer, mb_result *res, mb_error *err)
{
    if (patient == NULL || payer == NULL || res == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_reverse_family: patient, payer and result are required");
    mb_settlement *r = &res->s[res->cur];
    if (r->payer_tag == 0 || r->payer_tag != payer->tag || r->payer_instance != payer->instance)
        return mb_fail(err, MB_E_STATE, "this settlement was not paid from that payer's account");
    int32_t i = entry_of(patient, r, err);
    if (i < 0)
        return i;
    int rc = reverse_family(patient, payer, (uint32_t)i, err);
    if (rc == MB_OK)
        r->reversed = true;
    return rc;
}
