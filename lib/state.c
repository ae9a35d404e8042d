/*
 * Saving and restoring an enrollee. The blob is little-endian and self-describing:
 *
 *   "MBEN" | u16 version | u16 reserved | u32 payload length | payload | u32 CRC-32 of all before
 *
 * The payload holds the identity, certifications, assistance identities, account, journal
 * position and the accumulators with a non-zero value, sorted, so that the same state always
 * saves to the same bytes (a settle followed by its reversal saves exactly as before).
 */
#include <stdlib.h>
#include <string.h>

#include "handles.h"

#define STATE_MAGIC "MBEN"
#define STATE_VERSION 1

typedef struct {
    unsigned char *buf;
    size_t cap, len;
} writer;

static void put(writer *w, const void *p, size_t n)
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
    put(w, b, (size_t)bytes);
}

static void put_str(writer *w, const char *s)
{
    size_t n = strlen(s);
    put_u(w, n, 2);
    put(w, s, n);
}

static int cmp_acc(const void *a, const void *b)
{
    const mb_acc *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->period > y->period) - (x->period < y->period);
}

/* Offsets of the header: the payload length is written once the payload is. */
#define LENGTH_AT 8
#define PAYLOAD_AT 12

/* The blob up to its checksum (w->buf NULL: only its length is counted). */
static void put_state(writer *w, const mb_enrollee *e, const mb_acc *sorted, uint32_t n)
{
    put(w, STATE_MAGIC, 4);
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
    put_u(w, e->seq, 4);
    put_u(w, e->ndiseases, 1);
    for (uint32_t i = 0; i < e->ndiseases; i++) {
        put_str(w, e->diseases[i].name);
        put_u(w, (uint64_t)e->diseases[i].certified_on, 4);
        put_u(w, (uint64_t)e->diseases[i].valid_until, 4);
    }
    put_u(w, e->nidentities, 1);
    for (uint32_t i = 0; i < e->nidentities; i++) {
        put_u(w, (uint64_t)e->identities[i].category, 1);
        put_u(w, (uint64_t)e->identities[i].from, 4);
        put_u(w, (uint64_t)e->identities[i].to, 4);
    }
    put_u(w, n, 4);
    for (uint32_t i = 0; i < n; i++) {
        put_u(w, sorted[i].key, 8);
        put_u(w, (uint64_t)sorted[i].period, 4);
        put_u(w, (uint64_t)sorted[i].value, 8);
    }
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

typedef struct {
    const unsigned char *p, *end;
    bool bad;
} reader;

static uint64_t get_u(reader *r, int bytes)
{
    if (r->bad || r->end - r->p < bytes) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += bytes;
    return v;
}

static void get_str(reader *r, char *out, size_t cap)
{
    size_t n = (size_t)get_u(r, 2);
    if (r->bad || n >= cap || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        out[0] = '\0';
        return;
    }
    memcpy(out, r->p, n);
    out[n] = '\0';
    r->p += n;
}

int mb_enrollee_restore(mb_enrollee **out, const void *buf, size_t len, mb_error *err)
{
    if (out == NULL || buf == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_restore: out and buf are required");
    *out = NULL;
    const unsigned char *b = buf;
    if (len < 16 || memcmp(b, STATE_MAGIC, 4) != 0)
        return mb_fail(err, MB_E_CORRUPT, "not a saved enrollee state (bad magic or too short)");
    reader r = {b + 4, b + len, false};
    uint64_t version = get_u(&r, 2);
    get_u(&r, 2);
    uint64_t payload = get_u(&r, 4);
    if (version > STATE_VERSION)
        return mb_fail(err, MB_E_CORRUPT,
                       "saved state version %u is newer than this library understands (%d)",
                       (unsigned)version, STATE_VERSION);
    if (payload != len - 16)
        return mb_fail(err, MB_E_CORRUPT, "saved state is truncated or padded (%zu bytes, expected %llu)",
                       len, (unsigned long long)payload + 16);
    uint32_t crc = mb_crc32(b, len - 4);
    uint32_t stored = (uint32_t)b[len - 4] | (uint32_t)b[len - 3] << 8 | (uint32_t)b[len - 2] << 16 |
                      (uint32_t)b[len - 1] << 24;
    if (crc != stored)
        return mb_fail(err, MB_E_CORRUPT, "saved state checksum mismatch: the blob was altered");
    r.end = b + len - 4;

    char id[MB_ID_MAX];
    get_str(&r, id, sizeof id);
    int scheme = (int)get_u(&r, 1), person = (int)get_u(&r, 1);
    if (r.bad)
        return mb_fail(err, MB_E_CORRUPT, "saved state is malformed");
    mb_enrollee *e;
    int rc = mb_enrollee_new(&e, id, scheme, person, NULL);
    if (rc == MB_E_NOMEM)
        return mb_fail(err, MB_E_NOMEM, "out of memory restoring an enrollee");
    if (rc != MB_OK)
        return mb_fail(err, MB_E_CORRUPT, "saved state holds an invalid scheme or person type");
    e->balance = (int64_t)get_u(&r, 8);
    get_str(&r, e->designated, sizeof e->designated);
    get_str(&r, e->first_visit, sizeof e->first_visit);
    e->designated_hash = mb_hash(e->designated);
    e->first_visit_hash = mb_hash(e->first_visit);
    get_str(&r, e->next_designated, sizeof e->next_designated);
    e->next_designated_hash = mb_hash(e->next_designated);
    e->next_from = (int32_t)get_u(&r, 4);
    if (e->next_from != 0 && !mb_date_valid(e->next_from))
        r.bad = true;
    e->seq = (uint32_t)get_u(&r, 4);
    uint32_t nd = (uint32_t)get_u(&r, 1);
    if (nd > MB_MAX_DISEASES)
        r.bad = true;
    for (uint32_t i = 0; i < nd && !r.bad; i++) {
        mb_certification *d = &e->diseases[i];
        get_str(&r, d->name, sizeof d->name);
        d->hash = mb_hash(d->name);
        d->certified_on = (int32_t)get_u(&r, 4);
        d->valid_until = (int32_t)get_u(&r, 4);
        if (!mb_date_valid(d->certified_on) || (d->valid_until && !mb_date_valid(d->valid_until)))
            r.bad = true;
    }
    e->ndiseases = r.bad ? 0 : nd;
    uint32_t ni = (uint32_t)get_u(&r, 1);
    if (ni > MB_MAX_IDENTITIES)
        r.bad = true;
    for (uint32_t i = 0; i < ni && !r.bad; i++) {
        mb_identity *id_ = &e->identities[i];
        id_->category = (int)get_u(&r, 1);
        id_->from = (int32_t)get_u(&r, 4);
        id_->to = (int32_t)get_u(&r, 4);
        if (id_->category >= MB_CATEGORY_COUNT || !mb_date_valid(id_->from) ||
            (id_->to && !mb_date_valid(id_->to)))
            r.bad = true;
    }
    e->nidentities = r.bad ? 0 : ni;
    uint32_t na = (uint32_t)get_u(&r, 4);
    if (!r.bad && (size_t)(r.end - r.p) != (size_t)na * 20)
        r.bad = true;
    if (!r.bad && e->balance >= 0 && e->balance <= MB_MONEY_MAX)
        rc = mb_enrollee_reserve(e, na + 16, err);
    else
        r.bad = true;
    for (uint32_t i = 0; i < na && !r.bad && rc == MB_OK; i++) {
        uint64_t key = get_u(&r, 8);
        int32_t period = (int32_t)get_u(&r, 4);
        int64_t value = (int64_t)get_u(&r, 8);
        if (key == 0 || mb_acc_exists(e, key, period))
            r.bad = true;
        else
            mb_acc_set(e, key, period, value);
    }
    if (rc != MB_OK || r.bad || r.p != r.end) {
        mb_enrollee_free(e);
        return rc != MB_OK ? rc : mb_fail(err, MB_E_CORRUPT, "saved state is malformed");
    }
    *out = e;
    return MB_OK;
}
