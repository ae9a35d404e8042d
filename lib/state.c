/*
 * Saving and restoring an enrollee. The blob is little-endian and self-describing:
 *
 *   "MBEN" | u16 version | u16 reserved | u32 payload length | payload | u32 CRC-32 of all before
 *
 * The payload holds the identity, certifications, assistance identities, account, the
 * accumulators with a non-zero value, sorted, and the journal of settlements kept for reversal
 * (journal.c), oldest first, so that the same state always saves to the same bytes (settlements
 * followed by their reversals, in any order, save exactly as before).
 *
 * Version 2 adds the journal; version 1 (libmedbenefit 1.0) kept instead the count of
 * settlements not reversed, after the next designated facility's date. A version 1 blob
 * restores with an empty journal of the default limit. Version 3 adds identities a ruleset
 * names (mb_enrollee_add_identity: category byte 255, then the name) and the birth date, after
 * the identities; a version 1 or 2 blob restores with neither.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

#define STATE_MAGIC "MBEN"
#define STATE_VERSION 3
#define STATE_VERSION_V1 1 /* still restored */
#define STATE_VERSION_V2 2 /* still restored: the journal, no named identities, no birth date */
#define OPEN_IDENTITY 0xff /* an identity's category byte when it is named, not a category */

typedef struct {
    unsigned char *buf;
    size_t cap, len;
} writer;

static void put_bytes(writer *w, const void *p, size_t n)
{
    if (w->buf != NULL && w->len + n <= w->cap)
        memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put_u(writer *w, uint64_t v, int bytes)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put_bytes(w, b, (size_t)bytes);
}

static void put_str(writer *w, const char *s)
{
    size_t n = strlen(s);
    put_u(w, n, 2);
    put_bytes(w, s, n);
}

static int cmp_acc(const void *a, const void *b)
{
    const mb_acc *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->period > y->period) - (x->period < y->period);
}

/* The journal: its limit, then each entry with the fields its role has and its changes (a
 * raised value with the value before it). */
static void put_journal(writer *w, const mb_journal *j)
{
    put_u(w, j->limit, 2);
    put_u(w, j->count, 2);
    for (uint32_t i = 0; i < j->count; i++) {
        const mb_entry *en = mb_journal_at(j, i);
        put_str(w, en->claim_id);
        put_u(w, en->ordinal, 2);
        put_u(w, (uint64_t)en->date, 4);
        put_u(w, en->role, 1);
        if (en->role != MB_JOURNAL_OWN)
            put_str(w, en->other);
        put_u(w, (uint64_t)en->account, 8);
        if (en->role == MB_JOURNAL_PATIENT)
            put_u(w, (uint64_t)en->family, 8);
        put_u(w, en->nchanges, 1);
        for (uint32_t k = 0; k < en->nchanges; k++) {
            const mb_change *ch = &en->changes[k];
            put_u(w, ch->key, 8);
            put_u(w, (uint64_t)ch->period, 4);
            put_u(w, (uint64_t)ch->op, 1);
            put_u(w, (uint64_t)ch->value, 8);
            if (ch->op == MB_CHANGE_RAISED)
                put_u(w, (uint64_t)ch->before, 8);
        }
    }
}

/* Offsets of the header: the payload length is written once the payload is. */
#define LENGTH_AT 8
#define PAYLOAD_AT 12

/* The blob up to its checksum (w->buf NULL: only its length is counted). */
static void put_state(writer *w, const mb_enrollee *e, const mb_acc *sorted, uint32_t n)
{
    put_bytes(w, STATE_MAGIC, 4);
    put_u(w, STATE_VERSION, 2);
    put_u(w, 0, 2);
    put_u(w, 0, 4); /* the payload length, at LENGTH_AT */
    put_str(w, e->id);
    put_u(w, (uint64_t)e->scheme, 1);
    put_u(w, (uint64_t)e->person_type, 1);
    put_u(w, (uint64_t)e->balance, 8);
    put_str(w, e->designated);
    put_str(w, e->first_visit);
    put_str(w, e->next_designated);
    put_u(w, (uint64_t)e->next_from, 4);
    put_u(w, e->ndiseases, 1);
    for (uint32_t i = 0; i < e->ndiseases; i++) {
        put_str(w, e->diseases[i].name);
        put_u(w, (uint64_t)e->diseases[i].certified_on, 4);
        put_u(w, (uint64_t)e->diseases[i].valid_until, 4);
    }
    put_u(w, e->nidentities, 1);
    for (uint32_t i = 0; i < e->nidentities; i++) {
        const mb_identity *id = &e->identities[i];
        put_u(w, id->category < 0 ? OPEN_IDENTITY : (uint64_t)id->category, 1);
        put_u(w, (uint64_t)id->from, 4);
        put_u(w, (uint64_t)id->to, 4);
        if (id->category < 0)
            put_str(w, id->name);
    }
    put_u(w, (uint64_t)e->birth_date, 4);
    put_u(w, n, 4);
    for (uint32_t i = 0; i < n; i++) {
        put_u(w, sorted[i].key, 8);
        put_u(w, (uint64_t)sorted[i].period, 4);
        put_u(w, (uint64_t)sorted[i].value, 8);
    }
    put_journal(w, &e->journal);
}

int mb_enrollee_save(const mb_enrollee *e, void *buf, size_t cap, size_t *len, mb_error *err)
{
    if (e == NULL || len == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_save: enrollee and len are required");
    mb_acc *sorted = mb_alloc((e->acc_count + 1) * sizeof *sorted);
    if (sorted == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory saving an enrollee");
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->acc_cap; i++)
        if (e->acc[i].key != 0 && e->acc[i].value != 0)
            sorted[n++] = e->acc[i];
    qsort(sorted, n, sizeof *sorted, cmp_acc);

    /* count first: a buffer too small is left as it was */
    writer w = {NULL, 0, 0};
    put_state(&w, e, sorted, n);
    size_t total = w.len + 4;
    *len = total;
    if (buf == NULL || cap < total) {
        mb_free(sorted);
        return mb_fail(err, MB_E_BUFFER, "the saved state needs %zu bytes, the buffer has %zu",
                       total, cap);
    }
    w = (writer){buf, cap, 0};
    put_state(&w, e, sorted, n);
    mb_free(sorted);
    size_t payload = w.len - PAYLOAD_AT;
    unsigned char *b = buf;
    for (int i = 0; i < 4; i++)
        b[LENGTH_AT + i] = (unsigned char)(payload >> (8 * i));
    uint32_t crc = mb_crc32(b, w.len);
    for (int i = 0; i < 4; i++)
        b[w.len + i] = (unsigned char)(crc >> (8 * i));
    return MB_OK;
}

/* ---- restoring: a blob is hostile input -----------------------------------------------------
 * The frame (magic, version, length, checksum) tells an accident from a blob, not a forgery: a
 * blob may come with a valid checksum around any bytes at all. So every field goes through the
 * setter that sets it, or the check that setter makes (lib/enrollee.c), and anything a setter
 * would refuse, or that mb_enrollee_save would not have written, is MB_E_CORRUPT saying which
 * field and why. Lengths and counts are checked against the bytes left before anything is read
 * or allocated; only the journal's storage is allocated for the bound the blob states, as
 * mb_enrollee_set_journal_limit would (at most MB_JOURNAL_MAX places). */

#define ACC_BYTES 20         /* an accumulator: u64 key, i32 period, i64 value */
#define TEXT_MAX MB_NAME_MAX /* the buffer of the longest text field */

typedef struct {
    const unsigned char *p, *end;
    bool bad; /* a read ran past the end; every later read gives 0 */
} reader;

static size_t left(const reader *r) { return (size_t)(r->end - r->p); }

static uint64_t get_u(reader *r, int bytes)
{
    if (r->bad || left(r) < (size_t)bytes) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += bytes;
    return v;
}

static int past_end(mb_error *err, const char *field)
{
    return mb_fail(err, MB_E_CORRUPT, "saved state: %s runs past the end of the blob", field);
}

/* A field its setter refused: the blob is corrupt (unless memory ran out), and the message is
 * the setter's reason after the field's name. */
static int refused(mb_error *err, int rc, const mb_error *why, const char *field)
{
    if (rc == MB_E_NOMEM)
        return mb_fail(err, MB_E_NOMEM, "out of memory restoring an enrollee");
    return mb_fail(err, MB_E_CORRUPT, "saved state: %s: %s", field, why->message);
}

/* A text field as the setters take it: a C string, so no NUL inside (strlen would see a shorter
 * text, and the enrollee would save differently from its blob). */
static int get_text(reader *r, char out[TEXT_MAX], const char *field, mb_error *err)
{
    size_t n = (size_t)get_u(r, 2);
    if (r->bad || n > left(r))
        return past_end(err, field);
    if (n >= TEXT_MAX)
        return mb_fail(err, MB_E_CORRUPT, "saved state: %s is %zu bytes, longer than any text kept",
                       field, n);
    if (memchr(r->p, '\0', n) != NULL)
        return mb_fail(err, MB_E_CORRUPT, "saved state: %s holds a NUL byte", field);
    memcpy(out, r->p, n);
    out[n] = '\0';
    r->p += n;
    return MB_OK;
}

static int check_frame(const unsigned char *b, size_t len, int *version_out, mb_error *err)
{
    if (len < 16 || memcmp(b, STATE_MAGIC, 4) != 0)
        return mb_fail(err, MB_E_CORRUPT, "not a saved enrollee state (bad magic or too short)");
    reader r = {b + 4, b + len, false};
    uint64_t version = get_u(&r, 2), reserved = get_u(&r, 2), payload = get_u(&r, 4);
    if (version > STATE_VERSION)
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state version %u is newer than this library understands (%d)",
                       (unsigned)version, STATE_VERSION);
    if (version < STATE_VERSION_V1)
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state version %u is not one this library writes (%d) or reads "
                       "(%d to %d)", (unsigned)version, STATE_VERSION, STATE_VERSION_V1,
                       STATE_VERSION);
    *version_out = (int)version;
    if (payload != len - 16)
        return mb_fail(err, MB_E_CORRUPT, "saved state is truncated or padded (%zu bytes, expected %llu)",
                       len, (unsigned long long)payload + 16);
    uint32_t crc = mb_crc32(b, len - 4);
    uint32_t stored = (uint32_t)b[len - 4] | (uint32_t)b[len - 3] << 8 | (uint32_t)b[len - 2] << 16 |
                      (uint32_t)b[len - 1] << 24;
    if (crc != stored)
        return mb_fail(err, MB_E_CORRUPT, "saved state checksum mismatch: the blob was altered");
    if (reserved != 0)
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state: reserved header bits 0x%04x are set (saved as 0)",
                       (unsigned)reserved);
    return MB_OK;
}

/* Identity, account, facilities, the requested facility change (and, in version 1, the count
 * of settlements not reversed, which no longer means anything once restored). */
static int read_person(reader *r, int version, mb_enrollee **out, mb_error *err)
{
    char id[TEXT_MAX], text[TEXT_MAX];
    mb_error why = {0};
    int rc = get_text(r, id, "enrollee id", err);
    if (rc != MB_OK)
        return rc;
    int scheme = (int)get_u(r, 1), person = (int)get_u(r, 1);
    int64_t balance = (int64_t)get_u(r, 8);
    if (r->bad)
        return past_end(err, "enrollee");
    if ((rc = mb_enrollee_new(out, id, scheme, person, &why)) != MB_OK)
        return refused(err, rc, &why, "enrollee");
    mb_enrollee *e = *out;
    if (e->person_type != person)
        return mb_fail(err, MB_E_CORRUPT, "saved state: person type %d: a resident is saved as %d",
                       person, e->person_type);
    if ((rc = mb_enrollee_set_account_balance(e, balance, &why)) != MB_OK)
        return refused(err, rc, &why, "account");
    if ((rc = get_text(r, text, "designated facility", err)) != MB_OK)
        return rc;
    if ((rc = mb_enrollee_set_designated_facility(e, text, &why)) != MB_OK)
        return refused(err, rc, &why, "facilities");
    if ((rc = get_text(r, text, "first-visit facility", err)) != MB_OK)
        return rc;
    if ((rc = mb_enrollee_set_first_visit_facility(e, text, &why)) != MB_OK)
        return refused(err, rc, &why, "facilities");

    /* a change requested in the window (mb_enrollee_request_facility_change): the facility and
     * the date it takes effect, both or neither */
    if ((rc = get_text(r, text, "next designated facility", err)) != MB_OK)
        return rc;
    int32_t from = (int32_t)get_u(r, 4);
    if (version == STATE_VERSION_V1)
        (void)get_u(r, 4);
    if (r->bad)
        return past_end(err, "next designated facility");
    if ((rc = mb_text_check(text, MB_ID_MAX, "next designated facility", &why)) != MB_OK)
        return refused(err, rc, &why, "facilities");
    if ((text[0] != '\0') != (from != 0))
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state: next designated facility '%s' from %d: a requested change "
                       "has both a facility and the date it takes effect", text, from);
    if (from != 0 && !mb_date_valid(from))
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state: next designated facility '%s': from %d is not a date", text,
                       from);
    if ((rc = mb_enrollee_set_next_designated(e, text, from, &why)) != MB_OK)
        return refused(err, rc, &why, "facilities");
    return MB_OK;
}

static int read_diseases(reader *r, mb_enrollee *e, mb_error *err)
{
    uint32_t n = (uint32_t)get_u(r, 1);
    if (r->bad)
        return past_end(err, "the certification count");
    for (uint32_t i = 0; i < n; i++) {
        char field[TEXT_MAX + 32], name[TEXT_MAX];
        mb_error why = {0};
        snprintf(field, sizeof field, "disease %u", i + 1);
        int rc = get_text(r, name, field, err);
        if (rc != MB_OK)
            return rc;
        int32_t certified_on = (int32_t)get_u(r, 4), valid_until = (int32_t)get_u(r, 4);
        if (r->bad)
            return past_end(err, field);
        snprintf(field, sizeof field, "disease %u ('%s')", i + 1, name);
        if ((rc = mb_enrollee_add_disease(e, name, certified_on, valid_until, &why)) != MB_OK)
            return refused(err, rc, &why, field);
    }
    return MB_OK;
}

/* Identities, and (version 3) the birth date after them. Versions 1 and 2 kept categories
 * only. */
static int read_identities(reader *r, mb_enrollee *e, int version, mb_error *err)
{
    uint32_t n = (uint32_t)get_u(r, 1);
    if (r->bad)
        return past_end(err, "the assistance identity count");
    for (uint32_t i = 0; i < n; i++) {
        char field[64];
        mb_error why = {0};
        int category = (int)get_u(r, 1);
        int32_t from = (int32_t)get_u(r, 4), to = (int32_t)get_u(r, 4);
        snprintf(field, sizeof field, "assistance identity %u", i + 1);
        if (r->bad)
            return past_end(err, field);
        if (category == OPEN_IDENTITY && version >= 3) {
            /* named: restored as mb_enrollee_add_identity recorded it (no ruleset here to
             * know the name by: the setter checked it then) */
            char name[TEXT_MAX];
            int rc = get_text(r, name, field, err);
            if (rc != MB_OK)
                return rc;
            if ((rc = mb_identity_add(e, -1, name, from, to, &why)) != MB_OK)
                return refused(err, rc, &why, field);
            continue;
        }
        /* the blob keeps the category's index; the setter takes its name */
        if (category >= MB_CATEGORY_COUNT)
            return mb_fail(err, MB_E_CORRUPT,
                           "saved state: %s: category %d is not one of the %d this library knows",
                           field, category, MB_CATEGORY_COUNT);
        snprintf(field, sizeof field, "assistance identity %u (%s)", i + 1,
                 mb_category_name(category));
        int rc = mb_enrollee_add_assistance(e, mb_category_name(category), from, to, &why);
        if (rc != MB_OK)
            return refused(err, rc, &why, field);
    }
    if (version >= 3) {
        mb_error why = {0};
        int32_t birth = (int32_t)get_u(r, 4);
        if (r->bad)
            return past_end(err, "the birth date");
        int rc = mb_enrollee_set_birth_date(e, birth, &why);
        if (rc != MB_OK)
            return refused(err, rc, &why, "the birth date");
    }
    return MB_OK;
}

/* The accumulators, as save writes them: non-zero, sorted by key and period, each once. */
static int read_accumulators(reader *r, int version, mb_enrollee *e, mb_error *err)
{
    uint32_t n = (uint32_t)get_u(r, 4);
    /* the count must fit the bytes left (in version 1, exactly: the accumulators came last):
     * nothing is allocated on its word */
    if (r->bad || left(r) / ACC_BYTES < n ||
        (version == STATE_VERSION_V1 && left(r) != (size_t)n * ACC_BYTES))
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state: an accumulator count of %u does not fit the %zu bytes left "
                       "(%d each)", n, left(r), ACC_BYTES);
    mb_error why = {0};
    int rc = mb_enrollee_reserve(e, n, &why);
    if (rc != MB_OK)
        return refused(err, rc, &why, "accumulators");
    uint64_t prev_key = 0;
    int32_t prev_period = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t key = get_u(r, 8);
        int32_t period = (int32_t)get_u(r, 4);
        int64_t value = (int64_t)get_u(r, 8);
        char field[80];
        snprintf(field, sizeof field, "accumulator %u (key %016llx, period %d)", i + 1,
                 (unsigned long long)key, period);
        if (key == 0)
            return mb_fail(err, MB_E_CORRUPT, "saved state: %s: key 0 marks an empty slot", field);
        if (i > 0 && (key < prev_key || (key == prev_key && period <= prev_period)))
            return mb_fail(err, MB_E_CORRUPT,
                           "saved state: %s: not after the one before it (saved sorted, each once)",
                           field);
        if (value == 0)
            return mb_fail(err, MB_E_CORRUPT,
                           "saved state: %s: a zero is never saved (absent means zero)", field);
        if ((rc = mb_acc_check(period, value, &why)) != MB_OK)
            return refused(err, rc, &why, field);
        mb_acc_set(e, key, period, value);
        prev_key = key;
        prev_period = period;
    }
    return MB_OK;
}

#define ENTRY_MIN_BYTES 18  /* a journal entry: claim id length, ordinal, date, role, account,
                               change count */
#define CHANGE_MIN_BYTES 21 /* a change: key, period, op, value */

static int journal_corrupt(mb_error *err, uint32_t i, const char *why)
{
    return mb_fail(err, MB_E_CORRUPT, "saved state: journal entry %u: %s", i + 1, why);
}

/* One change of entry `i`, as settlement records it (pending.c, journal.c). */
static int read_change(reader *r, uint32_t i, mb_change *ch, mb_error *err)
{
    ch->key = get_u(r, 8);
    ch->period = (int32_t)get_u(r, 4);
    ch->op = (int32_t)get_u(r, 1);
    ch->value = (int64_t)get_u(r, 8);
    ch->before = ch->op == MB_CHANGE_RAISED ? (int64_t)get_u(r, 8) : 0;
    if (r->bad)
        return past_end(err, "a journal change");
    mb_error why = {0};
    int rc;
    if (ch->key == 0)
        return journal_corrupt(err, i, "a change of accumulator key 0 (an empty slot)");
    if (ch->op == MB_CHANGE_ADDED) {
        if (ch->value <= 0)
            return journal_corrupt(err, i, "a change adds nothing (only what changed is kept)");
        if ((rc = mb_acc_check_period(ch->period, &why)) != MB_OK ||
            (rc = mb_acc_check(ch->period, ch->value, &why)) != MB_OK)
            return refused(err, rc, &why, "journal change");
        return MB_OK;
    }
    if (ch->op != MB_CHANGE_RAISED)
        return journal_corrupt(err, i, "a change neither adds nor raises");
    if (ch->value <= 0)
        return journal_corrupt(err, i, "a change raises a value to nothing");
    if ((rc = mb_acc_check(ch->period, ch->value, &why)) != MB_OK ||
        (ch->before != 0 && (rc = mb_acc_check(ch->period, ch->before, &why)) != MB_OK))
        return refused(err, rc, &why, "journal change");
    return MB_OK;
}

/* One entry, as settlement records it: the fields its role has, each as the setters check. */
static int read_entry(reader *r, mb_enrollee *e, uint32_t i, mb_error *err)
{
    char claim[TEXT_MAX], other[TEXT_MAX] = "";
    mb_error why = {0};
    int rc = get_text(r, claim, "journal claim id", err);
    if (rc != MB_OK)
        return rc;
    unsigned ordinal = (unsigned)get_u(r, 2);
    int32_t date = (int32_t)get_u(r, 4);
    int role = (int)get_u(r, 1);
    if (r->bad)
        return past_end(err, "a journal entry");
    if (role > MB_JOURNAL_PAYER)
        return journal_corrupt(err, i, "its role is neither own, patient nor payer");
    if (role != MB_JOURNAL_OWN && (rc = get_text(r, other, "journal family member", err)) != MB_OK)
        return rc;
    int64_t account = (int64_t)get_u(r, 8);
    int64_t family = role == MB_JOURNAL_PATIENT ? (int64_t)get_u(r, 8) : 0;
    uint32_t nchanges = (uint32_t)get_u(r, 1);
    if (r->bad)
        return past_end(err, "a journal entry");
    uint64_t setl = mb_setl_of(role == MB_JOURNAL_PAYER ? mb_setl_key(other, strlen(other))
                                                        : e->setl_key,
                               mb_setl_key(claim, strlen(claim)), ordinal);
    /* the count is within the limit: none drops */
    if ((rc = mb_journal_make_room(&e->journal, nchanges, &why)) != MB_OK)
        return refused(err, rc, &why, "journal entry");
    mb_entry *en = mb_journal_append(&e->journal, setl);
    if ((rc = mb_text_copy(en->claim_id, sizeof en->claim_id, claim, "claim id", &why)) != MB_OK ||
        (rc = mb_text_copy(en->other, sizeof en->other, other, "family member id", &why)) != MB_OK ||
        (rc = mb_amount_check(account, "account payment", &why)) != MB_OK ||
        (rc = mb_amount_check(family, "family account payment", &why)) != MB_OK)
        return refused(err, rc, &why, "journal entry");
    if ((claim[0] != '\0') != (ordinal == 0))
        return journal_corrupt(err, i, "a claim with an id has ordinal 0, one without 1 or more");
    if (!mb_date_valid(date))
        return journal_corrupt(err, i, "its claim date is not a date");
    if (role != MB_JOURNAL_OWN && other[0] != '\0' && strcmp(other, e->id) == 0)
        return journal_corrupt(err, i, "a family settlement between two enrollees of one id");
    if (e->scheme == MB_SCHEME_RESIDENT && account > 0)
        return journal_corrupt(err, i, "a resident has no personal account to pay from");
    if (nchanges > MB_MAX_DELTAS || (role == MB_JOURNAL_PAYER && nchanges > 0))
        return journal_corrupt(err, i, "more changes than a settlement makes (the payer's side "
                                       "changes only its account)");
    if (left(r) / CHANGE_MIN_BYTES < nchanges)
        return past_end(err, "a journal entry's changes");
    en->ordinal = (uint16_t)ordinal;
    en->date = date;
    en->role = (uint8_t)role;
    en->account = account;
    en->family = family;
    en->serial = ++e->journal.serials;
    for (uint32_t k = 0; k < nchanges; k++) {
        if ((rc = read_change(r, i, &en->changes[k], err)) != MB_OK)
            return rc;
        en->nchanges++;
    }
    return MB_OK;
}

/* The journal, to the payload's last byte, then checked against the accumulators. */
static int read_journal(reader *r, mb_enrollee *e, mb_error *err)
{
    uint32_t limit = (uint32_t)get_u(r, 2), count = (uint32_t)get_u(r, 2);
    if (r->bad)
        return past_end(err, "the journal's limit and count");
    if (limit > MB_JOURNAL_MAX)
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state: a journal limit of %u is above the %d settlements a journal "
                       "keeps", limit, MB_JOURNAL_MAX);
    if (count > limit)
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state: the journal holds %u settlements, more than its limit of %u",
                       count, limit);
    if (left(r) / ENTRY_MIN_BYTES < count)
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state: a journal of %u settlements does not fit the %zu bytes left",
                       count, left(r));
    mb_error why = {0};
    int rc = mb_journal_resize(&e->journal, limit, &why);
    if (rc != MB_OK)
        return refused(err, rc, &why, "journal");
    for (uint32_t i = 0; i < count; i++)
        if ((rc = read_entry(r, e, i, err)) != MB_OK)
            return rc;
    if (left(r) != 0)
        return mb_fail(err, MB_E_CORRUPT, "saved state: %zu bytes follow the journal", left(r));
    return mb_journal_check(e, err);
}

int mb_enrollee_restore(mb_enrollee **out, const void *buf, size_t len, mb_error *err)
{
    if (out == NULL || buf == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_restore: out and buf are required");
    *out = NULL;
    const unsigned char *b = buf;
    int version = 0;
    int rc = check_frame(b, len, &version, err);
    if (rc != MB_OK)
        return rc;
    reader r = {b + 12, b + len - 4, false};
    mb_enrollee *e = NULL;
    rc = read_person(&r, version, &e, err);
    if (rc == MB_OK)
        rc = read_diseases(&r, e, err);
    if (rc == MB_OK)
        rc = read_identities(&r, e, version, err);
    if (rc == MB_OK)
        rc = read_accumulators(&r, version, e, err);
    if (rc == MB_OK && version != STATE_VERSION_V1)
        rc = read_journal(&r, e, err); /* the rest of the payload, to its last byte */
    if (rc != MB_OK) {
        mb_enrollee_free(e);
        return rc;
    }
    *out = e;
    return MB_OK;
}
