/* The settlement journal of an enrollee (journal.c): what each committed settlement changed,
 * kept so that any of them can be reversed by its id (reverse.c), also after a save and a
 * restore (state.c). Internal. */
#ifndef MB_JOURNAL_H
#define MB_JOURNAL_H

#include "handles.h"

/* An empty journal of `limit` places (nothing allocated until it holds something); free one. */
int mb_journal_init(mb_journal *j, uint32_t limit, mb_error *err);
void mb_journal_free(mb_journal *j);
/* Change the limit, keeping the newest entries; on failure nothing changes. */
int mb_journal_resize(mb_journal *j, uint32_t limit, mb_error *err);
/* Whether the next entry, of at most `changes` changes, can be recorded without allocating;
 * make that room (MB_E_NOMEM when it cannot: nothing a caller sees changes either way). */
bool mb_journal_room(const mb_journal *j, uint32_t changes);
int mb_journal_make_room(mb_journal *j, uint32_t changes, mb_error *err);
/* The same in two steps, so that room made in several places is made in all or none: prepare
 * allocates what is missing (changing nothing), grow puts it in place (it cannot fail), and
 * discard gives it back. */
typedef struct mb_journal_growth {
    void *block;            /* the ring, index and changes of the journal to be; NULL: none */
    uint32_t cap, slots, stride;
} mb_journal_growth;
int mb_journal_prepare(const mb_journal *j, uint32_t changes, mb_journal_growth *g,
                       mb_error *err);
void mb_journal_grow(mb_journal *j, mb_journal_growth *g);
void mb_journal_discard(mb_journal_growth *g);

/* Entry `i`, 0 the oldest, i < count. */
static inline mb_entry *mb_journal_at(const mb_journal *j, uint32_t i)
{
    return &j->ring[(j->head + i) % j->cap];
}
/* The place for a new entry of settlement id `setl`, at the end (the oldest is dropped when the
 * journal is full), its other fields cleared but its block of changes kept; NULL when the limit
 * is 0. There must be room (mb_journal_room). The id of an entry never changes. */
mb_entry *mb_journal_append(mb_journal *j, uint64_t setl);
/* Take entry `i` out; the later ones move up. */
void mb_journal_remove(mb_journal *j, uint32_t i);
/* The index of the entry with settlement id `setl`, or -1. */
int32_t mb_journal_find(const mb_journal *j, uint64_t setl);

/* The settlement id of a claim (ordinal: see mb_entry) of a patient, from the keys of their
 * ids (mb_setl_key of an id of n bytes, computed when the enrollee and the claim are made:
 * settling does no string work), and its text: 16 lowercase hex digits (docs/reversal.md). Parsing takes either case. */
uint64_t mb_setl_key(const char *id, size_t n);
uint64_t mb_setl_of(uint64_t patient_key, uint64_t claim_key, unsigned ordinal);
void mb_setl_format(uint64_t setl, char out[MB_SETL_TEXT]);
bool mb_setl_parse(const char *text, uint64_t *setl);

/* What a settlement of `c` by `patient` (and `payer`, for a family settlement) will be
 * recorded as: its id and ordinal. MB_E_STATE when the claim is already settled, or its id is
 * already in either journal. Changes nothing. */
typedef struct mb_journal_plan {
    uint64_t setl;
    uint16_t ordinal;
} mb_journal_plan;
int mb_journal_plan_for(const mb_enrollee *patient, const mb_enrollee *payer, const mb_bill *c,
                        mb_journal_plan *plan, mb_error *err);
/* Record the committed settlement `s` of `c` in `e`'s journal as `role` (the other enrollee of a
 * family settlement given as `other`), and return its serial (0 when the limit is 0). */
uint64_t mb_journal_record(mb_enrollee *e, const mb_settlement *s, const mb_bill *c,
                           const mb_journal_plan *plan, int role, const mb_enrollee *other);

/* Whether seeding `value` into (key, period) keeps the journal reversible: the settlements it
 * holds added no more than `value` to a sum, and raised no value there. `name` is the key's
 * name for the message. */
int mb_journal_allows_seed(const mb_enrollee *e, uint64_t key, int32_t period, int64_t value,
                           const char *name, mb_error *err);
/* A restored journal checked against the enrollee it came with (state.c): every entry as
 * settlement records one, and its changes consistent with the accumulators. */
int mb_journal_check(const mb_enrollee *e, mb_error *err);

#endif
