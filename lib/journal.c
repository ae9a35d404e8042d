/*
 * The settlement journal: for each committed settlement still reversible, its id, its claim,
 * what it took from the account and how it changed each accumulator (docs/reversal.md). The
 * journal is a ring of a bound the caller sets; when it is full the oldest entry drops and can
 * no longer be reversed. Its storage grows with what it holds, under the room rule of the
 * accumulators: room for the next settlement (a place, and a block for the changes it can
 * make) is made before it is computed (mb_journal_make_room: mb_enrollee_reserve_for, or
 * mb_settle itself), so that recording never allocates. The ring, its index and the changes'
 * blocks are one allocation, made again (fourfold) when the ring is full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "catalogue.h"
#include "ruleset.h"

/* ---- storage ------------------------------------------------------------------------------ */

int mb_journal_init(mb_journal *j, uint32_t limit, mb_error *err)
{
    (void)err; /* nothing is allocated until there is something to hold */
    *j = (mb_journal){.limit = limit};
    return MB_OK;
}

void mb_journal_free(mb_journal *j)
{
    mb_free(j->ring); /* the one block: ring, index and changes */
    *j = (mb_journal){0};
}

/* The place after `k` in the ring: settling walks the journal without a division. */
static uint32_t after(const mb_journal *j, uint32_t k) { return k + 1 == j->cap ? 0 : k + 1; }

/* ---- the index: a settlement id's place, found without a scan ------------------------------ */

/* A slot holds its place + 1 in its low PLACE_BITS (0: empty) and the top TAG_BITS of the
 * settlement id above them, whose low bits are its home: a probe compares the tag before it
 * reads the ring, and a deletion finds a slot's home in the slot, so that neither touches the
 * entries it passes (each a line of memory of its own, rarely in the cache). */
enum { PLACE_BITS = 13, TAG_BITS = 32 - PLACE_BITS };
_Static_assert(MB_JOURNAL_MAX + 1 < 1 << PLACE_BITS, "a place + 1 fits a slot");
_Static_assert(2 * MB_JOURNAL_MAX <= 1 << TAG_BITS, "a home fits the tag (index_slots)");

static uint32_t tag_of(uint64_t setl) { return (uint32_t)(setl >> (64 - TAG_BITS)); }
static uint32_t home(const mb_journal *j, uint64_t setl)
{
    return tag_of(setl) & j->index_mask; /* ids are already well mixed */
}

static void index_put(mb_journal *j, uint64_t setl, uint32_t place)
{
    uint32_t k = home(j, setl);
    while (j->index[k] != 0)
        k = (k + 1) & j->index_mask;
    j->index[k] = tag_of(setl) << PLACE_BITS | (place + 1);
}

/* Take out the slot of `place` (its id `setl`), moving up the slots of its probe run that can
 * then be found sooner (linear probing's deletion: no tombstones). */
static void index_drop(mb_journal *j, uint64_t setl, uint32_t place)
{
    uint32_t k = home(j, setl), mask = j->index_mask;
    while ((j->index[k] & ((1u << PLACE_BITS) - 1)) != place + 1)
        k = (k + 1) & mask;
    for (uint32_t next = (k + 1) & mask; j->index[next] != 0; next = (next + 1) & mask) {
        uint32_t want = (j->index[next] >> PLACE_BITS) & mask;
        /* the slot at `next` may move to the hole at `k` when its home is not in (k, next] */
        if (((next - want) & mask) >= ((next - k) & mask)) {
            j->index[k] = j->index[next];
            k = next;
        }
    }
    j->index[k] = 0;
}

static void index_rebuild(mb_journal *j)
{
    memset(j->index, 0, ((size_t)j->index_mask + 1) * sizeof *j->index);
    for (uint32_t i = 0, k = j->head; i < j->count; i++, k = after(j, k))
        index_put(j, j->ring[k].setl, k);
}

int32_t mb_journal_find(const mb_journal *j, uint64_t setl)
{
    if (j->count == 0)
        return -1;
    uint32_t tag = tag_of(setl);
    for (uint32_t k = home(j, setl); j->index[k] != 0; k = (k + 1) & j->index_mask) {
        if (j->index[k] >> PLACE_BITS != tag)
            continue;
        uint32_t place = (j->index[k] & ((1u << PLACE_BITS) - 1)) - 1u;
        if (j->ring[place].setl == setl)
            return (int32_t)(place >= j->head ? place - j->head : place + j->cap - j->head);
    }
    return -1;
}

/* ---- room ---------------------------------------------------------------------------------- */

/* The place the next entry goes to: after the newest, or the oldest's when the journal is full
 * (it drops); UINT32_MAX when the ring must grow first. */
static uint32_t next_place(const mb_journal *j)
{
    if (j->count == j->limit)
        return j->head;
    if (j->count == j->cap)
        return UINT32_MAX;
    uint32_t k = j->head + j->count;
    return k < j->cap ? k : k - j->cap;
}

bool mb_journal_room(const mb_journal *j, uint32_t changes)
{
    if (j->limit == 0)
        return true; /* nothing is kept */
    return next_place(j) != UINT32_MAX && j->stride >= changes;
}

/* The index slots for a ring of `cap` places: a power of two, at least twice as many. */
static uint32_t index_slots(uint32_t cap)
{
    uint32_t slots = 4;
    while (slots < 2 * cap)
        slots *= 2;
    return slots;
}

/* The one block of a journal of `cap` places, `slots` index slots and `stride` changes a place:
 * the ring, then the changes (both 8-aligned), then the index. */
static size_t block_size(uint32_t cap, uint32_t slots, uint32_t stride)
{
    return (size_t)cap * (sizeof(mb_entry) + stride * sizeof(mb_change)) + slots * sizeof(uint32_t);
}

static int allocate(mb_journal_growth *g, uint32_t cap, uint32_t stride, mb_error *err)
{
    g->cap = cap;
    g->stride = stride;
    g->slots = index_slots(cap);
    g->block = cap ? mb_alloc(block_size(cap, g->slots, stride)) : NULL;
    if (cap && g->block == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory for a journal of %u settlements", cap);
    return MB_OK;
}

/* Move the journal into the block `g` allocated, without its `skip` oldest entries: each entry
 * kept takes the place of its order, its changes copied into that place's block. */
static void relay(mb_journal *j, uint32_t skip, mb_journal_growth *g)
{
    mb_entry *ring = g->block;
    mb_change *changes = (mb_change *)(ring + g->cap);
    uint32_t n = 0;
    for (uint32_t i = 0, k = j->head; i < j->count; i++, k = after(j, k)) {
        if (i < skip)
            continue;
        ring[n] = j->ring[k];
        ring[n].changes = changes + (size_t)n * g->stride;
        memcpy(ring[n].changes, j->ring[k].changes, j->ring[k].nchanges * sizeof(mb_change));
        n++;
    }
    for (uint32_t k = n; k < g->cap; k++) /* the free places, each with its block */
        ring[k] = (mb_entry){.changes = changes + (size_t)k * g->stride};
    mb_free(j->ring);
    j->ring = ring;
    j->index = (uint32_t *)(changes + (size_t)g->cap * g->stride);
    j->cap = g->cap;
    j->stride = g->stride;
    j->head = 0;
    j->count = n;
    j->index_mask = g->cap ? g->slots - 1 : 0;
    if (g->cap)
        index_rebuild(j);
    *g = (mb_journal_growth){0};
}

void mb_journal_discard(mb_journal_growth *g)
{
    mb_free(g->block);
    *g = (mb_journal_growth){0};
}

int mb_journal_prepare(const mb_journal *j, uint32_t changes, mb_journal_growth *g,
                       mb_error *err)
{
    *g = (mb_journal_growth){0};
    if (mb_journal_room(j, changes))
        return MB_OK;
    /* grow the ring fourfold, up to the limit (4, 16, 64 places...), and each place's block to
     * the most a settlement here changes, so that the places fill without allocating again */
    uint32_t cap = j->cap;
    if (next_place(j) == UINT32_MAX) {
        cap = cap < 4 ? 4 : cap * 4;
        cap = cap < j->limit ? cap : j->limit;
    }
    return allocate(g, cap, changes > j->stride ? changes : j->stride, err);
}

void mb_journal_grow(mb_journal *j, mb_journal_growth *g)
{
    if (g->block)
        relay(j, 0, g);
}

int mb_journal_make_room(mb_journal *j, uint32_t changes, mb_error *err)
{
    mb_journal_growth g;
    int rc = mb_journal_prepare(j, changes, &g, err);
    if (rc == MB_OK)
        mb_journal_grow(j, &g);
    return rc;
}

int mb_journal_resize(mb_journal *j, uint32_t limit, mb_error *err)
{
    if (limit == j->limit)
        return MB_OK;
    /* the newest entries that fit stay; the ring keeps only the places they take */
    uint32_t keep = j->count < limit ? j->count : limit;
    if (keep < j->cap) {
        mb_journal_growth g;
        int rc = allocate(&g, keep, j->stride, err);
        if (rc != MB_OK)
            return rc;
        if (keep == 0) {
            mb_free(j->ring);
            j->ring = NULL;
            j->index = NULL;
            j->cap = j->count = j->head = j->index_mask = j->stride = 0;
        } else {
            relay(j, j->count - keep, &g);
        }
    }
    j->limit = limit;
    return MB_OK;
}

mb_entry *mb_journal_append(mb_journal *j, uint64_t setl)
{
    if (j->limit == 0)
        return NULL;
    uint32_t place = next_place(j); /* there is room: mb_journal_room */
    if (j->count == j->limit) { /* the oldest drops: its place is the new entry's */
        index_drop(j, j->ring[place].setl, place);
        j->head = after(j, j->head);
        j->count--;
    }
    mb_entry *en = &j->ring[place];
    /* the fields an entry always sets, and the texts' first bytes: not its 200 bytes */
    en->setl = setl;
    en->serial = 0;
    en->account = en->family = 0;
    en->nchanges = 0;
    en->date = 0;
    en->ordinal = 0;
    en->role = 0;
    en->claim_id[0] = en->other[0] = en->setl_text[0] = '\0';
    index_put(j, setl, place);
    j->count++;
    return en;
}

void mb_journal_remove(mb_journal *j, uint32_t i)
{
    uint32_t at = (j->head + i) % j->cap;
    mb_entry gone = j->ring[at];
    for (uint32_t k = i; k + 1 < j->count; k++) {
        uint32_t next = after(j, at);
        j->ring[at] = j->ring[next];
        at = next;
    }
    j->ring[at] = gone; /* its block goes with its place, now free */
    j->count--;
    index_rebuild(j); /* the later entries moved: a reversal is rare, a rebuild short */
}

/* ---- settlement ids ------------------------------------------------------------------------ */

#define SETL_SEED UINT64_C(0xcbf29ce484222325) /* FNV-1a's offset basis */

uint64_t mb_setl_key(const char *id, size_t n)
{
    unsigned char len[2] = {(unsigned char)n, (unsigned char)(n >> 8)};
    uint64_t h = mb_hash_bytes(SETL_SEED, "setl", 4);
    return mb_hash_bytes(mb_hash_bytes(h, len, 2), id, n);
}

uint64_t mb_setl_of(uint64_t patient_key, uint64_t claim_key, unsigned ordinal)
{
    /* odd multipliers keep each part one-to-one; splitmix64's finalizer then moves every
     * digit with every input bit */
    uint64_t h = patient_key ^ claim_key * UINT64_C(0x9e3779b97f4a7c15) ^
                 (uint64_t)ordinal * UINT64_C(0xc2b2ae3d27d4eb4f);
    h ^= h >> 30;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h *= UINT64_C(0x94d049bb133111eb);
    h ^= h >> 31;
    return h ? h : 1; /* 0 means none */
}

void mb_setl_format(uint64_t setl, char out[MB_SETL_TEXT])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++)
        out[i] = digits[(setl >> (60 - 4 * i)) & 0xf];
    out[16] = '\0';
}

bool mb_setl_parse(const char *text, uint64_t *setl)
{
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char ch = text[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0)
            return false; /* also the NUL of a shorter text */
        v = v << 4 | (uint64_t)d;
    }
    if (text[16] != '\0')
        return false;
    *setl = v;
    return true;
}

/* ---- recording ---------------------------------------------------------------------------- */

/* A claim without an id takes the smallest ordinal no other claim without an id holds in the
 * journal: bounded, and the same state always gives the same ordinal. */
static uint16_t free_ordinal(const mb_journal *j)
{
    uint64_t used[MB_JOURNAL_MAX / 64 + 1] = {0};
    for (uint32_t i = 0, k = j->head; i < j->count; i++, k = after(j, k)) {
        const mb_entry *en = &j->ring[k];
        if (en->role != MB_JOURNAL_PAYER && en->claim_id[0] == '\0' && en->ordinal <= j->count)
            used[en->ordinal / 64] |= UINT64_C(1) << (en->ordinal % 64);
    }
    uint32_t n = 1;
    while (used[n / 64] >> (n % 64) & 1u)
        n++;
    return (uint16_t)n;
}

static int already_in(const mb_enrollee *e, const mb_entry *en, const char *whose, mb_error *err)
{
    char text[MB_SETL_TEXT];
    mb_setl_format(en->setl, text);
    return mb_fail(err, MB_E_STATE,
                   "settlement %s is already in the journal of %s '%s' (claim '%s' of %s, dated "
                   "%d): a settlement id is kept once", text, whose, e->id, en->claim_id,
                   en->role == MB_JOURNAL_PAYER ? en->other : e->id, en->date);
}

int mb_journal_plan_for(const mb_enrollee *patient, const mb_enrollee *payer, const mb_bill *c,
                        mb_journal_plan *plan, mb_error *err)
{
    const mb_journal *j = &patient->journal;
    plan->ordinal = c->id[0] == '\0' ? free_ordinal(j) : 0;
    plan->setl = mb_setl_of(patient->setl_key, c->setl_key, plan->ordinal);
    /* one id, one claim of one patient: a claim settled already has this claim's id */
    int32_t i = mb_journal_find(j, plan->setl);
    if (i >= 0) {
        const mb_entry *en = mb_journal_at(j, (uint32_t)i);
        if (en->role != MB_JOURNAL_PAYER && strcmp(en->claim_id, c->id) == 0) {
            char text[MB_SETL_TEXT];
            mb_setl_format(en->setl, text);
            return mb_fail(err, MB_E_STATE,
                           "claim '%s' of enrollee '%s' is already settled (setl_id %s, dated %d): "
                           "a repeated request must not pay twice; reverse that settlement "
                           "(mb_reverse_id) to settle the claim again", c->id, patient->id, text,
                           en->date);
        }
        return already_in(patient, en, "enrollee", err);
    }
    if (payer != NULL && (i = mb_journal_find(&payer->journal, plan->setl)) >= 0)
        return already_in(payer, mb_journal_at(&payer->journal, (uint32_t)i),
                          "the paying family member", err);
    return MB_OK;
}

uint64_t mb_journal_record(mb_enrollee *e, const mb_settlement *s, const mb_bill *c,
                           const mb_journal_plan *plan, int role, const mb_enrollee *other)
{
    mb_entry *en = mb_journal_append(&e->journal, plan->setl);
    if (en == NULL)
        return 0;
    memcpy(en->claim_id, c->id, c->id_len + 1); /* checked shorter than MB_ID_MAX */
    en->date = c->date;
    en->ordinal = plan->ordinal;
    en->role = (uint8_t)role;
    if (other != NULL)
        memcpy(en->other, other->id, strlen(other->id) + 1);
    if (role == MB_JOURNAL_PAYER) {
        en->account = s->payer_before - s->payer_after;
    } else {
        en->account = s->balance_before - s->balance_after;
        en->family = s->payer_before - s->payer_after;
        /* each pending change as it is recorded (pending.c): a sum's adds more than 0 */
        for (uint32_t i = 0; i < s->ndeltas; i++)
            en->changes[i] = s->deltas[i].change;
        en->nchanges = s->ndeltas;
    }
    en->serial = ++e->journal.serials;
    return en->serial;
}

/* ---- consistency -------------------------------------------------------------------------- */

int mb_journal_allows_seed(const mb_enrollee *e, uint64_t key, int32_t period, int64_t value,
                           const char *name, mb_error *err)
{
    const mb_journal *j = &e->journal;
    int64_t added = 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < j->count; i++) {
        const mb_entry *en = mb_journal_at(j, i);
        for (uint32_t k = 0; k < en->nchanges; k++) {
            const mb_change *ch = &en->changes[k];
            if (ch->key != key || ch->period != period)
                continue;
            if (ch->op == MB_CHANGE_RAISED)
                return mb_fail(err, MB_E_STATE,
                               "enrollee '%s': %s (period %d) is kept by settlement, not seeded",
                               e->id, name, period);
            added += ch->value; /* at most 4096 x 64 amounts of 10^14: no overflow */
            n++;
        }
    }
    if (value < added)
        return mb_fail(err, MB_E_STATE,
                       "enrollee '%s': the %u settlement%s in its journal added %lld.%02lld yuan to "
                       "%s (period %d); seeding %lld.%02lld yuan, less than that, would leave "
                       "their reversal nothing to take back. Seed at least %lld.%02lld yuan, or "
                       "reverse them first", e->id, n, n == 1 ? "" : "s", MB_YUAN_ARGS(added), name,
                       period, MB_YUAN_ARGS(value), MB_YUAN_ARGS(added));
    return MB_OK;
}

/* One change of the journal, for checking the changes of each accumulator together. */
typedef struct change_ref {
    uint64_t key;
    int32_t period;
    uint32_t entry, change;
} change_ref;

static int cmp_ref(const void *a, const void *b)
{
    const change_ref *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->period != y->period)
        return x->period < y->period ? -1 : 1;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int corrupt_at(mb_error *err, const change_ref *r, const char *why, long long got,
                      long long want)
{
    return mb_fail(err, MB_E_CORRUPT,
                   "saved state: journal entry %u, change %u (accumulator %016llx, period %d): %s "
                   "(%lld, expected %lld)", r->entry + 1, r->change + 1,
                   (unsigned long long)r->key, r->period, why, got, want);
}

/* The changes of one accumulator, refs[0..n) in journal order, against its value. */
static int check_accumulator(const mb_enrollee *e, const change_ref *refs, size_t n,
                             mb_error *err)
{
    const mb_journal *j = &e->journal;
    int64_t value = mb_acc_get(e, refs[0].key, refs[0].period);
    const mb_change *first = &mb_journal_at(j, refs[0].entry)->changes[refs[0].change];
    int64_t sum = 0, top = first->before;
    for (size_t i = 0; i < n; i++) {
        const mb_change *ch = &mb_journal_at(j, refs[i].entry)->changes[refs[i].change];
        if (i > 0 && refs[i].entry == refs[i - 1].entry)
            return corrupt_at(err, &refs[i], "an entry changes an accumulator once", 2, 1);
        if (ch->op != first->op)
            return corrupt_at(err, &refs[i], "an accumulator is either summed or raised", ch->op,
                              first->op);
        if (ch->op == MB_CHANGE_ADDED) {
            sum += ch->value; /* each an amount, at most 4096 x 64 of them: no overflow */
            continue;
        }
        /* a raised value: each entry saw the largest of the ones before it */
        if (ch->before != top)
            return corrupt_at(err, &refs[i], "the value before it is the largest before it",
                              (long long)ch->before, (long long)top);
        top = mb_max64(top, ch->value);
    }
    if (first->op == MB_CHANGE_ADDED && sum > value)
        return corrupt_at(err, &refs[n - 1],
                          "the journal adds more to the accumulator than it holds", (long long)sum,
                          (long long)value);
    if (first->op == MB_CHANGE_RAISED && top != value)
        return corrupt_at(err, &refs[n - 1], "the accumulator holds the largest value raised",
                          (long long)value, (long long)top);
    return MB_OK;
}

int mb_journal_check(const mb_enrollee *e, mb_error *err)
{
    const mb_journal *j = &e->journal;
    size_t total = 0;
    for (uint32_t i = 0; i < j->count; i++)
        total += mb_journal_at(j, i)->nchanges;
    change_ref *refs = mb_alloc((total + 1) * sizeof *refs);
    uint64_t *ids = mb_alloc((j->count + 1) * sizeof *ids);
    int rc = MB_OK;
    if (refs == NULL || ids == NULL) {
        rc = mb_fail(err, MB_E_NOMEM, "out of memory checking a restored journal");
        goto done;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < j->count; i++) {
        const mb_entry *en = mb_journal_at(j, i);
        ids[i] = en->setl;
        for (uint32_t k = 0; k < en->nchanges; k++)
            refs[n++] = (change_ref){en->changes[k].key, en->changes[k].period, i, k};
    }
    /* the id names the patient, the claim and its ordinal: one id, one settlement */
    qsort(ids, j->count, sizeof *ids, cmp_u64);
    for (uint32_t i = 1; i < j->count; i++)
        if (ids[i] == ids[i - 1]) {
            char text[MB_SETL_TEXT];
            mb_setl_format(ids[i], text);
            rc = mb_fail(err, MB_E_CORRUPT,
                         "saved state: the journal holds settlement %s twice (a claim is settled "
                         "once)", text);
            goto done;
        }
    qsort(refs, n, sizeof *refs, cmp_ref);
    for (size_t lo = 0, hi; lo < n && rc == MB_OK; lo = hi) {
        for (hi = lo + 1; hi < n && refs[hi].key == refs[lo].key && refs[hi].period == refs[lo].period;)
            hi++;
        rc = check_accumulator(e, refs + lo, hi - lo, err);
    }
done:
    mb_free(refs);
    mb_free(ids);
    return rc;
}

/* ---- the public calls --------------------------------------------------------------------- */

int mb_enrollee_set_journal_limit(mb_enrollee *e, size_t max_settlements, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_set_journal_limit: enrollee is NULL");
    if (max_settlements > MB_JOURNAL_MAX)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "a journal keeps at most %d settlements, not %zu",
                       MB_JOURNAL_MAX, max_settlements);
    return mb_journal_resize(&e->journal, (uint32_t)max_settlements, err);
}

size_t mb_enrollee_journal_limit(const mb_enrollee *e) { return e ? e->journal.limit : 0; }

size_t mb_enrollee_journal_count(const mb_enrollee *e) { return e ? e->journal.count : 0; }

int mb_enrollee_journal(const mb_enrollee *e, size_t index, mb_journal_entry *out)
{
    if (e == NULL || out == NULL || index >= e->journal.count)
        return MB_E_INVALID_ARGUMENT;
    mb_entry *en = mb_journal_at(&e->journal, (uint32_t)index);
    mb_setl_format(en->setl, en->setl_text); /* formatted on request: settling does no string work */
    *out = (mb_journal_entry){en->setl_text, en->claim_id, en->date, en->role, en->other,
                              en->account, en->family, en->nchanges};
    return MB_OK;
}

/* The ruleset of `chain` and the name behind an accumulator key, as compile.c and catalogue.c
 * make them: mb_hash_join(namespace, name). */
static void name_of(uint64_t key, const mb_ruleset *const *chain, size_t n, const char **space,
                    const char **name)
{
    *space = *name = "";
    for (size_t i = 0; chain != NULL && i < n; i++) {
        const mb_ruleset *rs = chain[i];
        if (rs == NULL)
            continue;
        for (uint32_t k = 0; k < rs->nacc_keys; k++)
            if (rs->acc_keys[k].key == key) {
                *space = rs->id;
                *name = rs->acc_keys[k].name;
                return;
            }
        if (key == rs->activity_key || key == rs->revoked_key) {
            *space = rs->id;
            *name = key == rs->activity_key ? "activity" : "revoked";
            return;
        }
        for (uint32_t l = 0; l < rs->nlayers; l++)
            if (rs->layers[l].kind_key == key) {
                *space = "kind";
                *name = rs->layers[l].kind;
                return;
            }
    }
}

int mb_enrollee_journal_change(const mb_enrollee *e, size_t index, size_t change,
                               const mb_ruleset *const *chain, size_t chain_len,
                               mb_journal_change *out)
{
    if (e == NULL || out == NULL || index >= e->journal.count)
        return MB_E_INVALID_ARGUMENT;
    const mb_entry *en = mb_journal_at(&e->journal, (uint32_t)index);
    if (change >= en->nchanges)
        return MB_E_INVALID_ARGUMENT;
    const mb_change *ch = &en->changes[change];
    const char *space, *name;
    name_of(ch->key, chain, chain_len, &space, &name);
    *out = (mb_journal_change){space, name, ch->period, ch->op, ch->value, ch->before};
    return MB_OK;
}
