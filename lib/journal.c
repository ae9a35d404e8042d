/*
 * The settlement journal: for each committed settlement still reversible, its id, its claim,
 * what it took from the account and how it changed each accumulator (docs/reversal.md). The
 * journal is a ring of a bound the caller sets; when it is full the oldest entry drops and can
 * no longer be reversed. Its storage is allocated when the bound is set, so that settling never
 * allocates: each place of the ring owns a block of MB_MAX_DELTAS changes, the most a
 * settlement makes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "catalogue.h"
#include "ruleset.h"

#define YUAN_ARGS(fen) (long long)((fen) / 100), (long long)((fen) % 100)

/* ---- storage ------------------------------------------------------------------------------ */

int mb_journal_init(mb_journal *j, uint32_t limit, mb_error *err)
{
    *j = (mb_journal){.limit = limit};
    if (limit == 0)
        return MB_OK;
    j->ring = mb_calloc(limit, sizeof *j->ring);
    j->setls = mb_calloc(limit, sizeof *j->setls);
    j->blocks = mb_calloc((size_t)limit * MB_MAX_DELTAS, sizeof *j->blocks);
    if (j->ring == NULL || j->setls == NULL || j->blocks == NULL) {
        mb_journal_free(j);
        return mb_fail(err, MB_E_NOMEM, "out of memory for a journal of %u settlements", limit);
    }
    for (uint32_t k = 0; k < limit; k++)
        j->ring[k].changes = j->blocks + (size_t)k * MB_MAX_DELTAS;
    return MB_OK;
}

void mb_journal_free(mb_journal *j)
{
    mb_free(j->ring);
    mb_free(j->setls);
    mb_free(j->blocks);
    *j = (mb_journal){0};
}

/* Copy entry `src` into `dst`, which keeps its own block of changes. */
static void copy_entry(mb_entry *dst, const mb_entry *src)
{
    mb_change *block = dst->changes;
    *dst = *src;
    dst->changes = block;
    memcpy(block, src->changes, src->nchanges * sizeof *block);
}

int mb_journal_resize(mb_journal *j, uint32_t limit, mb_error *err)
{
    if (limit == j->limit)
        return MB_OK;
    mb_journal fresh;
    int rc = mb_journal_init(&fresh, limit, err);
    if (rc != MB_OK)
        return rc;
    uint32_t keep = j->count < limit ? j->count : limit;
    for (uint32_t i = 0; i < keep; i++) {
        copy_entry(&fresh.ring[i], mb_journal_at(j, j->count - keep + i));
        fresh.setls[i] = fresh.ring[i].setl;
    }
    fresh.count = keep;
    fresh.serials = j->serials;
    mb_journal_free(j);
    *j = fresh;
    return MB_OK;
}

/* The place after `k` in the ring: settling walks the journal without a division. */
static uint32_t after(const mb_journal *j, uint32_t k) { return k + 1 == j->limit ? 0 : k + 1; }

mb_entry *mb_journal_append(mb_journal *j, uint64_t setl)
{
    if (j->limit == 0)
        return NULL;
    if (j->count == j->limit) { /* the oldest drops: its place is the new entry's */
        j->head = after(j, j->head);
        j->count--;
    }
    uint32_t place = j->head + j->count < j->limit ? j->head + j->count : j->head + j->count - j->limit;
    mb_entry *en = &j->ring[place];
    *en = (mb_entry){.setl = setl, .changes = en->changes};
    j->setls[place] = setl;
    j->count++;
    return en;
}

void mb_journal_remove(mb_journal *j, uint32_t i)
{
    uint32_t at = (j->head + i) % j->limit;
    mb_entry gone = j->ring[at];
    for (uint32_t k = i; k + 1 < j->count; k++) {
        uint32_t next = after(j, at);
        j->ring[at] = j->ring[next];
        j->setls[at] = j->setls[next];
        at = next;
    }
    j->ring[at] = gone; /* its block goes with its place, now free */
    j->count--;
}

int32_t mb_journal_find(const mb_journal *j, uint64_t setl)
{
    /* the ring in its two runs: from the head to the end of the array, then from its start */
    uint32_t first = j->limit - j->head < j->count ? j->limit - j->head : j->count;
    for (uint32_t i = 0; i < first; i++)
        if (j->setls[j->head + i] == setl)
            return (int32_t)i;
    for (uint32_t i = 0; i < j->count - first; i++)
        if (j->setls[i] == setl)
            return (int32_t)(first + i);
    return -1;
}

/* ---- settlement ids ------------------------------------------------------------------------ */

#define SETL_SEED UINT64_C(0xcbf29ce484222325) /* FNV-1a's offset basis */

uint64_t mb_setl_key(const char *id)
{
    size_t n = strlen(id);
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
    memcpy(en->claim_id, c->id, strlen(c->id) + 1); /* checked shorter than MB_ID_MAX */
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
        for (uint32_t i = 0; i < s->ndeltas; i++) {
            const mb_delta *d = &s->deltas[i];
            if (d->op == MB_CHANGE_ADDED && d->after == d->before)
                continue;
            en->changes[en->nchanges++] = (mb_change){
                d->key, d->op == MB_CHANGE_ADDED ? d->after - d->before : d->raised,
                d->op == MB_CHANGE_ADDED ? 0 : d->before, d->period, d->op};
        }
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
                       "reverse them first", e->id, n, n == 1 ? "" : "s", YUAN_ARGS(added), name,
                       period, YUAN_ARGS(value), YUAN_ARGS(added));
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
                       "a journal keeps at most %d settlements (2 KiB of memory each), not %zu",
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
