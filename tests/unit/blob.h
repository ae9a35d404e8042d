/* Saved enrollee states written field by field, the way lib/state.c writes them, so that a
 * test can forge any one field and still give the blob a valid checksum (test_state.c,
 * test_reverse.c). Public API only. */
#ifndef MB_TEST_BLOB_H
#define MB_TEST_BLOB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "medbenefit.h"

/* CRC-32 (IEEE, reflected), as the blob's trailer uses. */
static inline uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static inline void put_crc(unsigned char *b, size_t len)
{
    uint32_t c = crc32(b, len - 4);
    for (int i = 0; i < 4; i++)
        b[len - 4 + i] = (unsigned char)(c >> (8 * i));
}

/* A blob's fields, written here the way lib/state.c writes them (see its header comment), so that
 * a test can forge any one field and still give the blob a valid checksum: the checksum is not
 * what must refuse it.
 *   "MBEN" | u16 version | u16 reserved | u32 payload length | payload | u32 CRC-32
 *   payload: str id | u8 scheme | u8 person type | i64 balance | str designated |
 *            str first visit | str next designated | i32 next from | (version 1: u32 seq) |
 *            u8 n, n x (str name, i32 certified on, i32 valid until) |
 *            u8 n, n x (u8 category, i32 from, i32 to, (version 3, category 255: str name)) |
 *            (version 3:) i32 birth date |
 *            u32 n, n x (u64 key, i32 period, i64 value)      (accumulators sorted by key, period)
 *            (version 2 on:) u16 journal limit | u16 n, n x entry
 *   entry:   str claim id | u16 ordinal | i32 date | u8 role | (role 1, 2: str other) |
 *            i64 account | (role 1: i64 family) | u8 n, n x (u64 key, i32 period, u8 op,
 *            i64 value, (op 2: i64 before))
 * str: u16 length then the bytes; integers little-endian. */
#define LOW_INCOME_MARGIN 7 /* the category's index: its place in docs/scenario-format.md's list */

typedef struct { const char *name; int32_t certified_on, valid_until; } blob_disease;
typedef struct { int category; int32_t from, to; const char *name; } blob_identity;
typedef struct { uint64_t key; int32_t period; int64_t value; } blob_acc;
typedef struct { uint64_t key; int32_t period; int op; int64_t value, before; } blob_change;
typedef struct {
    const char *claim;
    unsigned ordinal;
    int32_t date;
    int role;
    const char *other;
    int64_t account, family;
    uint32_t nchanges;
    blob_change changes[72]; /* more than a settlement makes (64), to forge too many */
} blob_entry;
typedef struct {
    unsigned version, reserved;
    const char *id;
    int scheme, person;
    int64_t balance;
    const char *designated, *first_visit, *next_designated;
    int32_t next_from;
    uint32_t seq;
    int32_t birth_date; /* version 3 */
    uint32_t ndiseases, nidentities, naccs;
    blob_disease diseases[20];
    blob_identity identities[20];
    blob_acc accs[8];
    unsigned journal_limit;
    uint32_t nentries;
    blob_entry entries[4];
} blob_fields;

typedef struct {
    unsigned char *b;
    size_t n;
} blob_out;

static inline void w_u(blob_out *o, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        o->b[o->n++] = (unsigned char)(v >> (8 * i));
}

static inline void w_str(blob_out *o, const char *s)
{
    size_t n = strlen(s);
    w_u(o, n, 2);
    memcpy(o->b + o->n, s, n);
    o->n += n;
}

static inline size_t write_blob(const blob_fields *f, unsigned char *b)
{
    blob_out o = {b, 0};
    memcpy(b, "MBEN", 4);
    o.n = 4;
    w_u(&o, f->version, 2);
    w_u(&o, f->reserved, 2);
    w_u(&o, 0, 4); /* the payload length, below */
    w_str(&o, f->id);
    w_u(&o, (uint64_t)f->scheme, 1);
    w_u(&o, (uint64_t)f->person, 1);
    w_u(&o, (uint64_t)f->balance, 8);
    w_str(&o, f->designated);
    w_str(&o, f->first_visit);
    w_str(&o, f->next_designated);
    w_u(&o, (uint64_t)(uint32_t)f->next_from, 4);
    if (f->version == 1)
        w_u(&o, f->seq, 4);
    w_u(&o, f->ndiseases, 1);
    for (uint32_t i = 0; i < f->ndiseases; i++) {
        w_str(&o, f->diseases[i].name);
        w_u(&o, (uint64_t)(uint32_t)f->diseases[i].certified_on, 4);
        w_u(&o, (uint64_t)(uint32_t)f->diseases[i].valid_until, 4);
    }
    w_u(&o, f->nidentities, 1);
    for (uint32_t i = 0; i < f->nidentities; i++) {
        w_u(&o, (uint64_t)f->identities[i].category, 1);
        w_u(&o, (uint64_t)(uint32_t)f->identities[i].from, 4);
        w_u(&o, (uint64_t)(uint32_t)f->identities[i].to, 4);
        if (f->version >= 3 && f->identities[i].category == 255)
            w_str(&o, f->identities[i].name);
    }
    if (f->version >= 3)
        w_u(&o, (uint64_t)(uint32_t)f->birth_date, 4);
    w_u(&o, f->naccs, 4);
    for (uint32_t i = 0; i < f->naccs; i++) {
        w_u(&o, f->accs[i].key, 8);
        w_u(&o, (uint64_t)(uint32_t)f->accs[i].period, 4);
        w_u(&o, (uint64_t)f->accs[i].value, 8);
    }
    if (f->version != 1) {
        w_u(&o, f->journal_limit, 2);
        w_u(&o, f->nentries, 2);
    }
    for (uint32_t i = 0; f->version != 1 && i < f->nentries; i++) {
        const blob_entry *en = &f->entries[i];
        w_str(&o, en->claim);
        w_u(&o, en->ordinal, 2);
        w_u(&o, (uint64_t)(uint32_t)en->date, 4);
        w_u(&o, (uint64_t)en->role, 1);
        if (en->role != 0)
            w_str(&o, en->other);
        w_u(&o, (uint64_t)en->account, 8);
        if (en->role == 1)
            w_u(&o, (uint64_t)en->family, 8);
        w_u(&o, en->nchanges, 1);
        for (uint32_t k = 0; k < en->nchanges; k++) {
            const blob_change *ch = &en->changes[k];
            w_u(&o, ch->key, 8);
            w_u(&o, (uint64_t)(uint32_t)ch->period, 4);
            w_u(&o, (uint64_t)ch->op, 1);
            w_u(&o, (uint64_t)ch->value, 8);
            if (ch->op == 2)
                w_u(&o, (uint64_t)ch->before, 8);
        }
    }
    size_t payload = o.n - 12;
    for (int i = 0; i < 4; i++)
        b[8 + i] = (unsigned char)(payload >> (8 * i));
    o.n += 4;
    put_crc(b, o.n);
    return o.n;
}

/* An accumulator's key as lib/hash.c makes it: 64-bit FNV-1a of "<ruleset id>\x1f<name>". */
static inline uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static inline uint64_t acc_key(const char *ruleset_id, const char *name)
{
    uint64_t h = fnv1a(fnv1a(fnv1a(UINT64_C(0xcbf29ce484222325), ruleset_id), "\x1f"), name);
    return h ? h : 1;
}

static inline int cmp_blob_acc(const void *a, const void *b)
{
    const blob_acc *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->period > y->period) - (x->period < y->period);
}

/* Restore a forged blob: it must be refused as corrupt, *out left NULL, and the message must
 * name the field (`word`). */
static inline void blob_expect_refused(mb_error *err, const unsigned char *b, size_t n,
                                       const char *what, const char *word)
{
    mb_enrollee *x = NULL;
    mb_error_clear(err);
    int rc = mb_enrollee_restore(&x, b, n, err);
    char why[256];
    snprintf(why, sizeof why, "%s: refused as corrupt", what);
    CHECK_RC(rc, MB_E_CORRUPT, why);
    CHECK(x == NULL, "a refused restore gives no enrollee");
    const char *msg = mb_error_message(err);
    if (rc == MB_E_CORRUPT && (strncmp(msg, "saved state", 11) != 0 || strstr(msg, word) == NULL)) {
        snprintf(why, sizeof why, "%s: the message names '%s'", what, word);
        CHECK(0, why);
        fprintf(stderr, "  message: %s\n", msg);
    }
    mb_enrollee_free(x);
}

#endif
