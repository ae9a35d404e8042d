/*
 * Reading claim files (docs/claims-format.md) in chunks: the text is read in blocks, each
 * record is split in place (CSV fields unquoted, JSON strings unescaped where they lie), checked
 * and laid into the chunk's columns; strings the settlement needs (facility, disease,
 * treatment) are entered once per chunk in tables the rows index. A bad row is told to the
 * caller with its line and left out, so one bad line never hides the rest of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claims.h"
#include "internal.h" /* mb_utf8_prefix, mb_hash, mb_edit_distance: compiled into the program */

enum {
    CHUNK_ROWS = CLAIMS_CHUNK_ROWS,
    MAX_ITEMS = 3,              /* class A, B and C */
    READ_BLOCK = 1 << 22,       /* bytes read at a time (claims_open_sized: a test's own) */
    MAX_RECORD = 1 << 20,       /* a record longer than this is refused (an unclosed quote?) */
    CHECKED_FIELDS = 32,          /* fields whose last valid text is kept (field_text) */
    KEY_SLOTS = 64,               /* a key table's slots (key_column) */
    TEXT_END = 8                  /* NULs after a store's text, which is read 8 bytes at a time */
};

/* ---- the columns a file may have ---------------------------------------------------------- */

typedef enum column {
    COL_ENROLLEE, COL_SCHEME, COL_PERSON_TYPE, COL_ACCOUNT, COL_DESIGNATED, COL_DISEASES,
    COL_ASSISTANCE, COL_BIRTH_DATE, /* the enrollee's: read from its first row */
    COL_CLAIM_ID, COL_DATE, COL_MED_TYPE, COL_FACILITY, COL_LEVEL, COL_DISEASE, COL_TREATMENT,
    COL_ADMITTED, COL_DISCHARGED, COL_FLAGS, COL_CLASS_A, COL_CLASS_B, COL_CLASS_C,
    COL_B_SELFPAY, NCOLS
} column;
enum { FIRST_CLAIM_COL = COL_CLAIM_ID };

static const struct {
    const char *name;
    bool amount, required;
} cols[NCOLS] = {
    [COL_ENROLLEE] = {"enrollee", false, true},
    [COL_SCHEME] = {"scheme", false, true},
    [COL_PERSON_TYPE] = {"person_type", false, false},
    [COL_ACCOUNT] = {"account_balance", true, false},
    [COL_DESIGNATED] = {"designated_facility", false, false},
    [COL_DISEASES] = {"diseases", false, false},
    [COL_ASSISTANCE] = {"assistance", false, false},
    [COL_BIRTH_DATE] = {"birth_date", false, false},
    [COL_CLAIM_ID] = {"claim_id", false, true},
    [COL_DATE] = {"date", false, true},
    [COL_MED_TYPE] = {"med_type", false, true},
    [COL_FACILITY] = {"facility", false, false},
    [COL_LEVEL] = {"level", false, true},
    [COL_DISEASE] = {"disease", false, false},
    [COL_TREATMENT] = {"treatment", false, false},
    [COL_ADMITTED] = {"admitted", false, false},
    [COL_DISCHARGED] = {"discharged", false, false},
    [COL_FLAGS] = {"flags", false, false},
    [COL_CLASS_A] = {"class_a", true, false},
    [COL_CLASS_B] = {"class_b", true, false},
    [COL_CLASS_C] = {"class_c", true, false},
    [COL_B_SELFPAY] = {"class_b_selfpay", false, false},
};

static const struct {
    const char *name;
    unsigned flag;
} flag_names[] = {
    {"referral", MB_CLAIM_REFERRAL},
    {"emergency", MB_CLAIM_EMERGENCY},
    {"out_of_area", MB_CLAIM_OUT_OF_AREA},
    {"designated_specialty", MB_CLAIM_DESIGNATED_SPECIALTY},
    {"out_of_province", MB_CLAIM_OUT_OF_PROVINCE},
    {"no_account", MB_CLAIM_NO_ACCOUNT},
};

/* A column named `name` (with its unit, when it is an amount's): its index, or -1. The unit
 * is the name's (_fen, _yuan) or, for a bare amount name, `unit`. */
static int column_of(const char *name, size_t len, claims_unit unit, claims_unit *named_unit)
{
    for (int c = 0; c < NCOLS; c++) {
        size_t n = strlen(cols[c].name);
        if (len < n || memcmp(name, cols[c].name, n) != 0)
            continue;
        if (len == n) {
            *named_unit = cols[c].amount ? unit : UNIT_UNDECLARED;
            return c;
        }
        if (cols[c].amount && len == n + 4 && memcmp(name + n, "_fen", 4) == 0) {
            *named_unit = UNIT_FEN;
            return c;
        }
        if (cols[c].amount && len == n + 5 && memcmp(name + n, "_yuan", 5) == 0) {
            *named_unit = UNIT_YUAN;
            return c;
        }
    }
    return -1;
}

/* The known column nearest to an unknown name, for "did you mean". */
static const char *nearest_column(const char *name)
{
    const char *best = NULL;
    int best_d = 3;
    for (int c = 0; c < NCOLS; c++) {
        int d = mb_edit_distance(name, cols[c].name, best_d);
        if (d < best_d)
            best_d = d, best = cols[c].name;
    }
    return best;
}

/* ---- enrollees already seen --------------------------------------------------------------- */

struct enrollee_set {
    uint64_t *slot; /* hashes of ids, 0 empty */
    size_t cap, count;
};

enrollee_set *enrollee_set_new(void)
{
    enrollee_set *s = calloc(1, sizeof *s);
    if (s && (s->slot = calloc(s->cap = 1024, sizeof *s->slot)) == NULL) {
        free(s);
        s = NULL;
    }
    return s;
}

void enrollee_set_free(enrollee_set *s)
{
    if (s)
        free(s->slot);
    free(s);
}

static bool set_insert(uint64_t *slot, size_t cap, uint64_t h)
{
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (slot[i] == h)
            return false;
        if (slot[i] == 0) {
            slot[i] = h;
            return true;
        }
    }
}

/* Add an id's hash: false when it was there. (Two ids of one hash in 2^64 would be taken for
 * one: an enrollee's rows then refused as coming back, never settled wrong.) */
static int set_add(enrollee_set *s, uint64_t h)
{
    if (2 * (s->count + 1) > s->cap) {
        size_t cap = 2 * s->cap;
        uint64_t *slot = calloc(cap, sizeof *slot);
        if (slot == NULL)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                set_insert(slot, cap, s->slot[i]);
        free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    if (!set_insert(s->slot, s->cap, h))
        return 0;
    s->count++;
    return 1;
}

/* ---- strings entered once per chunk --------------------------------------------------------- */

typedef struct intern_table {
    int32_t *slot;             /* index + 1 into names, 0 empty; at most half full */
    size_t mask;               /* the slots less one (a power of two less one) */
    const char **names;        /* as many as a chunk has rows */
    uint32_t *len;
    uint32_t *at;              /* the slot of each name: a chunk clears only the slots it used */
    size_t count;
    int32_t last;              /* the index the last row took: rows of an enrollee repeat it */
} intern_table;

static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

static int32_t intern(intern_table *t, const char *s, size_t len)
{
    if (t->last >= 0 && same_text(t->names[t->last], t->len[t->last], s, len))
        return t->last;
    uint64_t h = mb_hash_bytes(UINT64_C(0xcbf29ce484222325), s, len);
    for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
        int32_t k = t->slot[i];
        if (k == 0) {
            t->names[t->count] = s;
            t->len[t->count] = (uint32_t)len;
            t->at[t->count] = (uint32_t)i;
            t->slot[i] = (int32_t)++t->count;
            return t->last = (int32_t)t->count - 1;
        }
        if (same_text(t->names[k - 1], t->len[k - 1], s, len))
            return t->last = k - 1;
    }
}

static void intern_reset(intern_table *t)
{
    for (size_t k = 0; k < t->count; k++)
        t->slot[t->at[k]] = 0;
    t->count = 0;
    t->last = -1;
}

/* Codes (med_type, level) as a file repeats them: each text parsed once, then found in a small
 * table by its length and first and last bytes. A code's meaning never changes, so the table
 * lives as long as the reader. */
typedef struct code_memo {
    struct {
        char text[24];
        uint8_t len;   /* 0: empty */
        int32_t value; /* the parser's answer, an error included */
    } slot[16];
} code_memo;

static int memo_parse(code_memo *m, const char *text, size_t len, int (*parse)(const char *))
{
    if (len == 0 || len >= sizeof m->slot[0].text)
        return parse(text);
    unsigned h = ((unsigned)len * 7 + (unsigned char)text[0] + 3u * (unsigned char)text[len - 1])
                 & 15;
    if (m->slot[h].len == len && memcmp(m->slot[h].text, text, len) == 0)
        return m->slot[h].value;
    int v = parse(text);
    memcpy(m->slot[h].text, text, len);
    m->slot[h].len = (uint8_t)len;
    m->slot[h].value = v;
    return v;
}

/* ---- the reader ----------------------------------------------------------------------------- */

/* An enrollee's description, kept while its rows last: copies of its columns' texts (to check
 * that later rows say the same) and the record built from them. */
typedef struct enrollee_block {
    claims_enrollee rec;
    unsigned refs;            /* the chunks that name it */
    bool bad;                 /* its first row did not describe it: its rows are refused */
    size_t id_len;
    char why[200];
    int32_t last_date;        /* of its last good row, for the date order */
    uint64_t last_line;
    const char *raw[FIRST_CLAIM_COL];
    char text[];              /* the copies */
} enrollee_block;

/* What one chunk holds: its text (the rows' strings point into it), its enrollees, its
 * columns and its bad rows. The reader fills two in turn, so that a chunk handed out stays
 * whole while the next is read. */
typedef struct chunk_store {
    char *buf;
    size_t cap, len;
    enrollee_block **blocks;   /* the enrollees its rows name, to let go when it is refilled */
    size_t nblocks;
    claims_enrollee *enrollees;
    size_t nenrollees;
    claims_bad_row *bad;
    size_t nbad, cap_bad;
    /* the columns, each as long as a chunk's rows (items: MAX_ITEMS a row), in one block */
    void *columns;
    uint32_t *enrollee;
    const char **claim_id;
    int32_t *date, *med_type, *level, *facility, *disease, *treatment, *admitted, *discharged;
    uint32_t *flags;
    uint64_t *item_start, *rowline; /* item_start: one more than the rows */
    int64_t *item_fen;
    int32_t *item_class, *item_selfpay;
    size_t nrows;
    intern_table facilities, diseases, treatments;
} chunk_store;

struct claims_reader {
    const char *path;
    int fd;
    claims_format format;
    claims_unit unit;
    enrollee_set *seen, *own_seen;
    uint64_t size, read_bytes;
    size_t block, chunk_rows; /* bytes read at a time, rows a chunk (READ_BLOCK, CHUNK_ROWS) */

    chunk_store store[2], *st; /* st: the one being filled */
    size_t pos;           /* unread text is st->buf[pos, len) */
    bool eof;
    bool skipping;        /* a record too long was refused: its text goes up to its line end */
    uint64_t line;        /* the line st->buf[pos] is on */

    /* CSV: the column of each field of the header (-1: none) and the unit of each column */
    int *field_col;
    size_t nfields;
    claims_unit col_unit[NCOLS];
    /* JSON Lines: the keys met, by length and bytes, with their columns and units */
    struct key_table {
        struct {
            char text[24];
            uint8_t len, unit;
            int8_t col;
        } slot[KEY_SLOTS];
    } keys;
    struct next_key { /* the key that followed each column's in the last object, as written */
        uint64_t word[3], mask[3]; /* its bytes and closing quote, 8 at a time, and which count */
        uint8_t len, words, unit;  /* len 0: none yet */
        int8_t col;
    } next_key[NCOLS + 1];         /* [NCOLS]: the first key */

    enrollee_block *current;   /* the enrollee of the last row read (kept across chunks) */
    code_memo med_types, levels;
    struct {
        char text[64];
        size_t len;
    } checked[CHECKED_FIELDS]; /* field_text's: the last text of each found valid UTF-8 */
    mb_error *err;
};

uint64_t claims_bytes_read(const claims_reader *r) { return r->read_bytes; }
uint64_t claims_file_size(const claims_reader *r) { return r->size; }
void claims_share_enrollees(claims_reader *r, enrollee_set *seen) { r->seen = seen; }

/* A message quotes the file's text: it is made text to be said, each byte that is not UTF-8
 * (a character cut by a '%.60s', a header never checked) and each control character but a tab
 * (a line end or an escape would break or rewrite the line it is said on) written \xNN. */
static void printable(char *msg, size_t cap)
{
    char out[1024];
    size_t len = strlen(msg), o = 0;
    for (size_t i = 0, n; i < len; i += n) {
        unsigned char c = (unsigned char)msg[i];
        size_t valid = 0;
        n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (c >= 0x80 && (n > len - i || (mb_utf8_prefix(msg + i, n, &valid), valid < n)))
            n = 1;
        bool escape = c >= 0x80 ? valid < n : c < 0x20 && c != '\t';
        if (o + (escape ? 4 : n) >= sizeof out || o + (escape ? 4 : n) >= cap)
            break;
        if (escape)
            o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", c);
        else
            memcpy(out + o, msg + i, n), o += n;
    }
    memcpy(msg, out, o);
    msg[o] = '\0';
}

static void row_error(claims_reader *r, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void row_error(claims_reader *r, uint64_t line, const char *fmt, ...)
{
    chunk_store *st = r->st;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printable(msg, sizeof msg);
    if (st->nbad == st->cap_bad) {
        size_t cap = st->cap_bad ? 2 * st->cap_bad : 64;
        claims_bad_row *nb = realloc(st->bad, cap * sizeof *nb);
        if (nb == NULL) { /* said now rather than not at all */
            fprintf(stderr, "medbenefit: %s:%llu: %s\n", r->path, (unsigned long long)line, msg);
            return;
        }
        st->bad = nb;
        st->cap_bad = cap;
    }
    char *copy = strdup(msg);
    if (copy == NULL) {
        fprintf(stderr, "medbenefit: %s:%llu: %s\n", r->path, (unsigned long long)line, msg);
        return;
    }
    st->bad[st->nbad++] = (claims_bad_row){line, copy};
}

/* Read more text after buf[pos, len): 1 read, 0 at the end, -1 failed. */
static int fill(claims_reader *r, char *msg, size_t cap)
{
    if (r->eof)
        return 0;
    if (r->pos > 0) {
        memmove(r->st->buf, r->st->buf + r->pos, r->st->len - r->pos);
        r->st->len -= r->pos;
        r->pos = 0;
        memset(r->st->buf + r->st->len, 0, TEXT_END); /* the text's end, if no more is read */
    }
    if (r->st->cap - r->st->len < (r->block + 1) / 2) {
        size_t ncap = r->st->cap + r->block;
        char *nbuf = realloc(r->st->buf, ncap + TEXT_END);
        if (nbuf == NULL) {
            snprintf(msg, cap, "%s: out of memory", r->path);
            return -1;
        }
        r->st->buf = nbuf;
        r->st->cap = ncap;
    }
    ssize_t n;
    do
        n = read(r->fd, r->st->buf + r->st->len, r->st->cap - r->st->len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        snprintf(msg, cap, "%s: cannot read: %s", r->path, strerror(errno));
        return -1;
    }
    if (n == 0) {
        /* the text's end here too: a buffer just made holds what its memory held, which the
         * parser would read as text (an empty file's first fill) */
        memset(r->st->buf + r->st->len, 0, TEXT_END);
        r->eof = true;
        return 0;
    }
    r->st->len += (size_t)n;
    r->read_bytes += (uint64_t)n;
    memset(r->st->buf + r->st->len, 0, TEXT_END);
    return 1;
}

/* Whether field j of a row is UTF-8, as mb_utf8_prefix answers (ASCII a word at a time). A text that is not ASCII (a disease's
 * name) is mostly its enrollee's previous row's again: the last one found valid in each of the
 * first fields is kept, and the same bytes are not checked twice. */
static bool field_text(claims_reader *r, size_t j, const char *p, size_t len, size_t *bad)
{
    bool kept = j < CHECKED_FIELDS && len <= sizeof r->checked[j].text;
    if (kept && same_text(r->checked[j].text, r->checked[j].len, p, len))
        return true;
    if (!mb_utf8_prefix(p, len, bad))
        return false;
    if (kept) {
        memcpy(r->checked[j].text, p, len);
        r->checked[j].len = len;
    }
    return true;
}

/* ---- splitting records -------------------------------------------------------------------- */

/* SPLIT_GENERAL: a record the one-pass reader leaves to the general one (a quote, a NUL). */
enum split { SPLIT_OK, SPLIT_BAD, SPLIT_MORE, SPLIT_GENERAL };

/* Where the CSV record at p ends: just after the first line end outside quotes, or NULL when
 * [p, end) does not hold it whole. */
static char *record_end(char *p, char *end)
{
    bool quoted = false;
    for (;;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return NULL;
        for (char *q = p; (q = memchr(q, '"', (size_t)(nl - q))) != NULL; q++)
            quoted = !quoted;
        if (!quoted)
            return nl + 1;
        p = nl + 1;
    }
}

/* Each byte of w that ends an unquoted field's run (the text's NUL, a comma, a line end, a
 * quote) as its high bit; the lowest such bit is exact, those above it may not be. */
static uint64_t field_stops(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
    uint64_t comma = w ^ (ones * ','), nl = w ^ (ones * '\n'), quote = w ^ (ones * '"');
    return (((w - ones) & ~w) | ((comma - ones) & ~comma) | ((nl - ones) & ~nl) |
            ((quote - ones) & ~quote)) & highs;
}

/* A record without quotes or NUL bytes, as most are, split in one pass 8 bytes at a time (the
 * text ends in TEXT_END NULs): its fields NUL-terminated in place into field[] with their
 * lengths in len[] (*n set), bit j of *high set when field j (of the first 64) holds a byte
 * that is not ASCII, *next where the next record begins. SPLIT_MORE when [p, end) holds no
 * line end and the file goes on; SPLIT_GENERAL, having written nothing, for a record with a
 * quote, a NUL or more than max fields, which csv_record reads. */
static enum split plain_record(char *p, char *end, bool eof, char **field, uint32_t *len,
                               size_t max, size_t *n, uint64_t *high, char **next)
{
    size_t k = 0;
    *high = 0;
    for (;;) {
        char *q = p;
        uint64_t w, m, seen = 0;
        for (;; q += 8) {
            memcpy(&w, q, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            w = __builtin_bswap64(w); /* the first byte the lowest, as below counts them */
#endif
            if ((m = field_stops(w)) != 0)
                break;
            seen |= w;
        }
        unsigned before = (unsigned)__builtin_ctzll(m) / 8; /* bytes before the stop */
        seen |= w & ((UINT64_C(1) << (8 * before)) - 1);
        q += before;
        if (*q == '"' || (*q == '\0' && q < end) || k == max)
            return SPLIT_GENERAL;
        if (*q == '\0' && !eof)
            return SPLIT_MORE;
        if (seen & UINT64_C(0x8080808080808080) && k < 64)
            *high |= UINT64_C(1) << k;
        field[k] = p;
        len[k++] = (uint32_t)(q - p);
        if (*q == ',') {
            p = q + 1;
            continue;
        }
        if (q > p && q[-1] == '\r') /* CRLF */
            len[k - 1]--;
        *next = q < end ? q + 1 : end;
        break;
    }
    for (size_t j = 0; j < k; j++)
        field[j][len[j]] = '\0';
    *n = k;
    return SPLIT_OK;
}

/* One CSV record at p (NUL-terminated buffer ending at end): its fields unquoted in place and
 * NUL-terminated into field[] (at most max; *n set). *next is where the next record begins
 * and *lines how many line ends the record holds. */
static enum split csv_record(char *p, char *end, bool eof, char **field, size_t max, size_t *n,
                             char **next, unsigned *lines, const char **why)
{
    *n = 0;
    *lines = 0;
    for (;;) {
        char *start = p, *out = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (p >= end && !eof)
                    return SPLIT_MORE;
                if (p >= end) { /* the rest of the file is the field: said, and skipped */
                    *why = "a quoted field is not closed";
                    *next = end;
                    return SPLIT_BAD;
                }
                if (*p == '"') {
                    if (p + 1 >= end && !eof)
                        return SPLIT_MORE;
                    if (p[1] != '"')
                        break;
                    p++;
                }
                if (*p == '\n')
                    ++*lines;
                if (*p == '\0')
                    goto nul;
                *out++ = *p++;
            }
            p++; /* the closing quote */
            if ((p >= end || (*p == '\r' && p + 1 >= end)) && !eof)
                return SPLIT_MORE;
            if (p < end && *p == '\r' && p[1] == '\n')
                p++;
            if (p < end && *p != ',' && *p != '\n') {
                *why = "a quoted field is followed by text before the next comma";
                goto skip;
            }
        } else {
            while (p < end && *p != ',' && *p != '\n' && *p != '"' && *p != '\0')
                p++;
            if (p < end && *p == '\0')
                goto nul;
            if (p < end && *p == '"') {
                *why = "a quote inside an unquoted field (quote the whole field, doubling its quotes)";
                goto skip;
            }
            if (p >= end && !eof)
                return SPLIT_MORE;
            out = p;
            if (out > start && out[-1] == '\r' && (p >= end || *p == '\n'))
                out--;
        }
        char c = p < end ? *p : '\n';
        if (*n < max)
            field[*n] = start;
        ++*n;
        *out = '\0';
        p++;
        if (c == '\n') {
            ++*lines;
            *next = p < end ? p : end;
            return SPLIT_OK;
        }
    }
nul: /* not text: it would end the field's string where it lies */
    *why = "a NUL byte in a field";
skip: /* resynchronise at the next line */
    while (p < end && *p != '\n')
        p++;
    if (p >= end && !eof)
        return SPLIT_MORE;
    ++*lines;
    *next = p < end ? p + 1 : end;
    return SPLIT_BAD;
}

/* ---- JSON Lines --------------------------------------------------------------------------- */

/* A line is read in one pass: each key found by its length and bytes, each value taken where
 * it lies with its length (a string without escapes as it is, a number as written), each
 * string checked as UTF-8 when it holds a byte that is not ASCII, and a string with escapes
 * unescaped the careful way. Whatever the line, what it is refused for is what a reading that
 * checked the whole line as UTF-8 first, then parsed it, would say: a byte that is not UTF-8
 * anywhere in the line is said before any fault of the JSON. */

/* The line being read: [start, eol), a NUL at eol; and the refusal, said in full. */
typedef struct json_line {
    char *start, *eol;
    char *why;
    size_t cap;
} json_line;

static char *skip_ws(char *p)
{
    while ((unsigned char)*p <= ' ' && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

/* Refuse the line for its byte at `bad`, which is not UTF-8. Returns false. */
static bool not_utf8(json_line *L, const char *bad)
{
    snprintf(L->why, L->cap, "not valid UTF-8 (byte %zu of the line)",
             (size_t)(bad - L->start) + 1);
    return false;
}

/* Refuse the line as `fmt` says, a fault found at `at`: the bytes before it are UTF-8 (they are
 * the object's ASCII punctuation and its strings, each checked as it was read), so a byte that
 * is not is looked for only from there on. Returns false. */
static bool refuse(json_line *L, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool refuse(json_line *L, const char *at, const char *fmt, ...)
{
    size_t bad;
    if (!mb_utf8_prefix(at, (size_t)(L->eol - at), &bad))
        return not_utf8(L, at + bad);
    int n = snprintf(L->why, L->cap, "malformed JSON: ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->why + n, L->cap - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xc0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xe0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *o++ = (char)(0xf0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    }
    return o;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* A JSON string at p (at its opening quote) of a line ending at eol, unescaped in place and
 * NUL-terminated at *s, *n bytes; returns the text after it, or NULL with *why. */
static char *json_string(char *p, const char *eol, char **s, size_t *n, const char **why)
{
    char *o = ++p;
    *s = o;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c == '\0' && p < eol) {
            *why = "a NUL byte in the line";
            return NULL;
        }
        if (c == '\0' || c == '\n') {
            *why = "a string is not closed on its line";
            return NULL;
        }
        if (c < 0x20) {
            *why = "a control character in a string (escape it)";
            return NULL;
        }
        if (c != '\\') {
            *o++ = *p++;
            continue;
        }
        char e = p[1];
        p += 2;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            int cp = hex4(p);
            if (cp < 0) {
                *why = "\\u is not followed by four hex digits";
                return NULL;
            }
            p += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                int lo = p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
                if (lo < 0xdc00 || lo > 0xdfff) {
                    *why = "a \\u surrogate is not paired";
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                *why = "a \\u surrogate is not paired";
                return NULL;
            }
            if (cp == 0) {
                *why = "a string holds \\u0000";
                return NULL;
            }
            o = put_utf8(o, (unsigned)cp);
            break;
        }
        default:
            *why = "an unknown escape in a string";
            return NULL;
        }
    }
    *o = '\0';
    *n = (size_t)(o - *s);
    return p + 1;
}

/* The run of plain bytes from s, eight at a time, to a quote, a backslash or a control character
 * (mb_json_string_stops; the line's NUL among them: it ends in one and is followed by at least 8
 * readable bytes): where it stops, and whether a byte of it is not ASCII. */
static char *string_run(char *s, bool *high)
{
    uint64_t w, m, seen = 0;
    char *q = s;
    for (;; q += 8) {
        memcpy(&w, q, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w); /* the first byte the lowest */
#endif
        if ((m = mb_json_string_stops(w)) != 0)
            break;
        seen |= w;
    }
    unsigned before = (unsigned)__builtin_ctzll(m) / 8;
    seen |= w & ((UINT64_C(1) << (8 * before)) - 1);
    *high = (seen & UINT64_C(0x8080808080808080)) != 0;
    return q + before;
}

/* Where a string with escapes, read up to q, ends as written: its closing quote, or the control
 * character (the line's NUL) it stops at. Nothing is read past the line. */
static char *escaped_end(char *q)
{
    for (;; q++) {
        unsigned char c = (unsigned char)*q;
        if (c == '"' || c < 0x20)
            return q;
        if (c == '\\') {
            if ((unsigned char)q[1] < 0x20)
                return q + 1;
            q++; /* the escaped byte */
        }
    }
}

/* jsonl_string's careful way, for a string read plain up to q that holds a byte that is not
 * ASCII or an escape: checked as UTF-8 as written (without escapes, not again when its bytes
 * are column c's last text found valid; c < 0: no column), then taken as it lies or unescaped
 * by json_string. */
static char *careful_string(claims_reader *r, json_line *L, int c, char *p, char *q, char **s,
                            size_t *n)
{
    char *text = p + 1;
    size_t bad;
    if (*q == '"') {
        size_t len = (size_t)(q - text);
        if (!(c >= 0 ? field_text(r, (size_t)c, text, len, &bad) : mb_utf8_prefix(text, len, &bad))) {
            not_utf8(L, text + bad);
            return NULL;
        }
        *q = '\0';
        *s = text;
        *n = len;
        return q + 1;
    }
    char *end = escaped_end(q);
    if (!mb_utf8_prefix(text, (size_t)(end - text), &bad)) {
        not_utf8(L, text + bad);
        return NULL;
    }
    const char *why;
    char *after = json_string(p, L->eol, s, n, &why);
    if (after == NULL)
        refuse(L, end, "%s", why); /* json_string wrote only before end */
    return after;
}

/* The JSON string at p (its opening quote), in place: *s its text, NUL-terminated, and *n its
 * length; returns the text after it, or NULL (the line refused). A string of ASCII without
 * escapes, as most are, is its bytes as they lie; any other goes the careful way. */
static inline char *jsonl_string(claims_reader *r, json_line *L, int c, char *p, char **s,
                                 size_t *n)
{
    bool high;
    char *text = p + 1, *q = string_run(text, &high);
    if (*q != '"' || high)
        return careful_string(r, L, c, p, q, s, n);
    *q = '\0';
    *s = text;
    *n = (size_t)(q - text);
    return q + 1;
}

/* The end of the JSON number at p, or NULL (the line refused). */
static char *json_number(json_line *L, char *p)
{
    char *q = p;
    if (*q == '-')
        q++;
    if (*q == '0')
        q++;
    else if (*q >= '1' && *q <= '9')
        while (*q >= '0' && *q <= '9')
            q++;
    else
        goto bad;
    if (*q == '.') {
        q++;
        if (*q < '0' || *q > '9')
            goto bad;
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (*q == 'e' || *q == 'E') {
        refuse(L, q, "a number with an exponent (write amounts and codes as plain decimals)");
        return NULL;
    }
    return q;
bad:
    refuse(L, q, "a value is not JSON (a string, a number or null)");
    return NULL;
}

/* The column a key names (and its unit), found by the key's length and bytes in a table that
 * column_of fills the first time each is met: at most the 30 spellings of the columns, so the
 * table of 64 never fills and an unknown key is never entered. -1: not a column. */
static int key_column(claims_reader *r, const char *key, size_t len, claims_unit *unit)
{
    struct key_table *t = &r->keys;
    if (len == 0 || len >= sizeof t->slot[0].text)
        return column_of(key, len, r->unit, unit);
    const unsigned char *k = (const unsigned char *)key;
    size_t i = (len * 2 + k[0] * 5u + k[len - 1] * 9u + k[len / 2] * 7u) & (KEY_SLOTS - 1);
    for (;; i = (i + 1) & (KEY_SLOTS - 1)) {
        if (t->slot[i].len == 0) {
            int c = column_of(key, len, r->unit, unit);
            if (c >= 0) {
                memcpy(t->slot[i].text, key, len);
                t->slot[i].len = (uint8_t)len;
                t->slot[i].col = (int8_t)c;
                t->slot[i].unit = (uint8_t)*unit;
            }
            return c;
        }
        if (same_text(t->slot[i].text, t->slot[i].len, key, len)) {
            *unit = (claims_unit)t->slot[i].unit;
            return t->slot[i].col;
        }
    }
}

/* Whether the key at s (after its opening quote) is k's, compared 8 bytes at a time: k's words
 * and closing quote, whatever follows. s has 8 * k->words readable bytes. */
static bool key_follows(const struct next_key *k, const char *s)
{
    uint64_t diff = 0;
    for (unsigned i = 0; i < k->words; i++) {
        uint64_t w;
        memcpy(&w, s + 8 * i, 8);
        diff |= (w ^ k->word[i]) & k->mask[i];
    }
    return diff == 0;
}

/* Remember the plain key `key` of column c (and its unit) as k. */
static void key_follow(struct next_key *k, const char *key, size_t len, int c, claims_unit unit)
{
    char text[sizeof k->word] = {0}, mask[sizeof k->mask] = {0};
    if (len + 1 > sizeof text)
        return;
    memcpy(text, key, len);
    text[len] = '"';
    memset(mask, 0xff, len + 1);
    memcpy(k->word, text, sizeof text);
    memcpy(k->mask, mask, sizeof mask);
    k->len = (uint8_t)len;
    k->words = (uint8_t)((len + 1 + 7) / 8);
    k->col = (int8_t)c;
    k->unit = (uint8_t)unit;
}

/* The object of the line L into fields f (NULL: absent) and their lengths, NUL-terminated in
 * place, and the unit of each amount given as its key writes it (the units of the others are
 * not read). False when the line is refused (why in L). */
static bool jsonl_fields(claims_reader *r, json_line *L, char **f, uint32_t *len)
{
    char *p = skip_ws(L->start);
    if (*p != '{')
        return refuse(L, p, "a line is not a JSON object");
    p = skip_ws(p + 1);
    uint32_t given = 0;
    int prev = NCOLS; /* the column of the key before: none yet */
    if (*p == '}')
        goto end;
    for (;;) {
        char *value = NULL, *number_end = NULL;
        size_t n = 0;
        int c;
        claims_unit unit;
        if (*p != '"')
            return refuse(L, p, "a key is not a string");
        struct next_key *k = &r->next_key[prev];
        /* the key that followed last time; its words are read within the text and the NULs
         * after it (a match ends before the line's NUL) */
        if (k->len > 0 && p + 1 + 8 * k->words <= L->eol + TEXT_END && key_follows(k, p + 1)) {
            c = k->col;
            unit = (claims_unit)k->unit;
            p = skip_ws(p + k->len + 2);
            if (*p != ':')
                return refuse(L, p, "a key is not followed by ':'");
            p = skip_ws(p + 1);
        } else {
            char *key, *raw = p + 1;
            size_t klen;
            if ((p = jsonl_string(r, L, -1, p, &key, &klen)) == NULL)
                return false;
            bool plain = (size_t)(p - raw) == klen + 1; /* no escapes: the key as written */
            p = skip_ws(p);
            if (*p != ':')
                return refuse(L, p, "a key is not followed by ':'");
            p = skip_ws(p + 1);
            if ((c = key_column(r, key, klen, &unit)) < 0) {
                const char *near = nearest_column(key);
                return refuse(L, p, "unknown key '%.60s'%s%s%s (docs/claims-format.md)", key,
                              near ? " (did you mean '" : "", near ? near : "",
                              near ? "'?)" : "");
            }
            if (cols[c].amount && unit == UNIT_UNDECLARED)
                return refuse(L, p, "%s: the amount's unit is not declared: name it %s_fen or "
                              "%s_yuan, or give --amounts fen|yuan", key, key, key);
            if (plain)
                key_follow(k, key, klen, c, unit);
        }
        prev = c;
        if (cols[c].amount)
            r->col_unit[c] = unit; /* the unit belongs to the key as this object writes it */
        if (given & 1u << c)
            return refuse(L, p, "%s: given twice", cols[c].name);
        if (*p == '"') {
            if ((p = jsonl_string(r, L, c, p, &value, &n)) == NULL)
                return false;
        } else if (*p == 'n' && strncmp(p, "null", 4) == 0) {
            p += 4;
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            value = p;
            if ((p = number_end = json_number(L, p)) == NULL)
                return false;
            n = (size_t)(p - value);
        } else {
            return refuse(L, p, "%s: expected a string, a number or null", cols[c].name);
        }
        given |= 1u << c;
        f[c] = n > 0 ? value : NULL; /* "" and null: absent */
        len[c] = (uint32_t)n;
        p = skip_ws(p);
        if (*p != ',' && *p != '}')
            return refuse(L, p, "members are not separated by ',' or the object not closed by "
                          "'}'");
        bool last = *p == '}';
        if (number_end)
            *number_end = '\0'; /* the byte after the number, read: a blank, ',' or '}' */
        if (last)
            break;
        p = skip_ws(p + 1);
    }
end:
    p = skip_ws(p + 1);
    if (p < L->eol) /* text, or a NUL and whatever follows it */
        return refuse(L, p, "%s", *p == '\0' ? "a NUL byte in the line"
                                             : "text after the object on its line (one object a line)");
    return true;
}

/* ---- checking a row and laying it into the columns ---------------------------------------- */

/* Yuan as files mostly write them, 1 to 12 digits and none, one or two decimals, into fen with
 * integer arithmetic: false for any other text, which mb_amount_parse then reads (and refuses
 * with its reason); what this takes, mb_amount_parse takes as the same fen. */
static bool plain_yuan(const char *s, size_t len, int64_t *fen)
{
    size_t i = 0;
    int64_t v = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (i == 12)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    size_t decimals = len - i - (i < len);
    if (i == 0 || (i < len && (s[i] != '.' || decimals == 0 || decimals > 2)))
        return false;
    v *= 100;
    for (size_t k = 0; k < decimals; k++) {
        char d = s[i + 1 + k];
        if (d < '0' || d > '9')
            return false;
        v += (d - '0') * (k == 0 ? 10 : 1);
    }
    *fen = v;
    return true;
}

/* Amount text (of `len` bytes) in the column's unit into fen; the reason into why. */
static bool amount_fen(claims_reader *r, int c, const char *text, size_t len, int64_t *fen,
                       char *why, size_t cap)
{
    if (r->col_unit[c] == UNIT_YUAN) {
        if (plain_yuan(text, len, fen) || mb_amount_parse(text, fen, r->err) == MB_OK)
            return true;
        snprintf(why, cap, "%s: %s", cols[c].name, mb_error_message(r->err));
        return false;
    }
    if (text[0] == '-') {
        snprintf(why, cap, "%s: amount '%s' is negative", cols[c].name, text);
        return false;
    }
    int64_t v = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9' && v <= INT64_C(100000000000000); p++)
        v = v * 10 + (*p - '0');
    if (*p != '\0' || p == text || v > INT64_C(100000000000000)) {
        snprintf(why, cap, "%s: '%.40s' is not a whole number of fen (at most 10^14)",
                 cols[c].name, text);
        return false;
    }
    *fen = v;
    return true;
}

static bool date_of(claims_reader *r, int c, const char *text, int32_t *date, char *why,
                    size_t cap)
{
    if (mb_date_parse(text, date, r->err) == MB_OK)
        return true;
    snprintf(why, cap, "%s: %s", cols[c].name, mb_error_message(r->err));
    return false;
}

/* "name@YYYY-MM-DD;name@YYYY-MM-DD" (a copy, split in place) into names and dates. */
static bool dated_list(claims_reader *r, int c, char *text, const char **names, int32_t *dates,
                       unsigned max, unsigned *n, char *why, size_t cap)
{
    *n = 0;
    for (char *item = text; item && *item;) {
        char *semi = strchr(item, ';');
        if (semi)
            *semi++ = '\0';
        char *at = strrchr(item, '@');
        if (at == NULL || at == item) {
            snprintf(why, cap, "%s: '%.60s' is not NAME@YYYY-MM-DD", cols[c].name, item);
            return false;
        }
        *at = '\0';
        if (*n == max) {
            snprintf(why, cap, "%s: more than %u entries", cols[c].name, max);
            return false;
        }
        if (!date_of(r, c, at + 1, &dates[*n], why, cap))
            return false;
        names[(*n)++] = item;
        item = semi;
    }
    return true;
}

/* A new enrollee described by the row `f`: its block, bad (with why) when the row does not
 * describe it. NULL only when out of memory. */
static enrollee_block *new_enrollee(claims_reader *r, char **f, uint64_t line)
{
    size_t need = 0;
    for (int c = 0; c < FIRST_CLAIM_COL; c++)
        need += f[c] ? 2 * (strlen(f[c]) + 1) : 0; /* the raw copy and the one split */
    enrollee_block *b = calloc(1, sizeof *b + need);
    if (b == NULL)
        return NULL;
    char *t = b->text;
    char *split[FIRST_CLAIM_COL] = {NULL};
    for (int c = 0; c < FIRST_CLAIM_COL; c++)
        if (f[c]) {
            size_t n = strlen(f[c]) + 1;
            b->raw[c] = memcpy(t, f[c], n);
            split[c] = memcpy(t + n, f[c], n);
            t += 2 * n;
        }
    claims_enrollee *e = &b->rec;
    e->id = b->raw[COL_ENROLLEE];
    b->id_len = strlen(e->id);
    e->line = b->last_line = line;
    char *why = b->why;
    size_t cap = sizeof b->why;
    int v;
    bool ok = true;
    int64_t fen;
    if (b->raw[COL_SCHEME] == NULL)
        snprintf(why, cap, "scheme: required on an enrollee's first row"), ok = false;
    else if ((v = mb_scheme_parse(b->raw[COL_SCHEME])) < 0)
        snprintf(why, cap, "scheme: unknown scheme '%.40s' (employee, resident, 310, 390)",
                 b->raw[COL_SCHEME]), ok = false;
    else
        e->scheme = v;
    if (ok && b->raw[COL_PERSON_TYPE]) {
        if ((v = mb_person_type_parse(b->raw[COL_PERSON_TYPE])) < 0)
            snprintf(why, cap, "person_type: unknown person type '%.40s' (in_service, retired, "
                     "veteran, resident, 11..16)", b->raw[COL_PERSON_TYPE]), ok = false;
        else
            e->person_type = v;
    }
    if (ok && b->raw[COL_ACCOUNT]) {
        if ((ok = amount_fen(r, COL_ACCOUNT, b->raw[COL_ACCOUNT], strlen(b->raw[COL_ACCOUNT]),
                             &fen, why, cap)))
            e->has_account = true, e->account_fen = fen;
    }
    e->designated_facility = b->raw[COL_DESIGNATED];
    if (ok && b->raw[COL_BIRTH_DATE])
        ok = date_of(r, COL_BIRTH_DATE, b->raw[COL_BIRTH_DATE], &e->birth_date, why, cap);
    if (ok && split[COL_DISEASES])
        ok = dated_list(r, COL_DISEASES, split[COL_DISEASES], e->disease, e->certified_on,
                        CLAIMS_MAX_DISEASES, &e->ndiseases, why, cap);
    if (ok && split[COL_ASSISTANCE])
        ok = dated_list(r, COL_ASSISTANCE, split[COL_ASSISTANCE], e->assistance,
                        e->assistance_from, CLAIMS_MAX_ASSISTANCE, &e->nassistance, why, cap);
    b->bad = !ok;
    return b;
}

static bool keep_block(claims_reader *r, enrollee_block *b)
{
    if (r->st->nblocks % 64 == 0) {
        enrollee_block **nb = realloc(r->st->blocks, (r->st->nblocks + 64) * sizeof *nb);
        claims_enrollee *ne = realloc(r->st->enrollees, (r->st->nblocks + 64) * sizeof *ne);
        if (nb)
            r->st->blocks = nb;
        if (ne)
            r->st->enrollees = ne;
        if (nb == NULL || ne == NULL)
            return false;
    }
    r->st->blocks[r->st->nblocks++] = b;
    b->refs++;
    return true;
}

static void unknown_code(char *why, size_t cap, int c, const char *text, const char *known)
{
    if (text == NULL)
        snprintf(why, cap, "%s: required", cols[c].name);
    else
        snprintf(why, cap, "%s: unknown code '%.40s' (%s)", cols[c].name, text, known);
}

/* The enrollee of the row `f`: the one being read, or a new one its row describes. Returns 1
 * with *out, 0 when the row is refused (said), -1 when out of memory. */
static int row_enrollee(claims_reader *r, char **f, const uint32_t *len, uint64_t line,
                        enrollee_block **out)
{
    if (f[COL_ENROLLEE] == NULL) {
        row_error(r, line, "enrollee: required");
        return 0;
    }
    enrollee_block *b = r->current;
    if (b == NULL || !same_text(b->rec.id, b->id_len, f[COL_ENROLLEE], len[COL_ENROLLEE])) {
        int fresh = set_add(r->seen, mb_hash(f[COL_ENROLLEE]));
        if (fresh < 0 || (b = new_enrollee(r, f, line)) == NULL || !keep_block(r, b))
            return -1;
        if (fresh == 0) { /* said rather than what its row lacks as a first row */
            b->bad = true;
            snprintf(b->why, sizeof b->why, "rows of enrollee '%.60s' come back after another "
                     "enrollee's: an enrollee's rows must be together, in date order",
                     f[COL_ENROLLEE]);
        }
        r->current = b;
        if (!b->bad) {
            r->st->enrollees[r->st->nenrollees] = b->rec;
            r->st->enrollees[r->st->nenrollees++].continued = false;
        }
    } else if (!b->bad) {
        for (int c = COL_SCHEME; c < FIRST_CLAIM_COL; c++)
            if (f[c] && (b->raw[c] == NULL || strcmp(f[c], b->raw[c]) != 0)) {
                row_error(r, line, "%s: '%.60s' differs from '%.60s' on line %llu, the "
                          "enrollee's first row (leave it empty after the first)", cols[c].name,
                          f[c], b->raw[c] ? b->raw[c] : "", (unsigned long long)b->rec.line);
                return 0;
            }
    }
    if (b->bad) {
        if (b->rec.line == line)
            row_error(r, line, "%s", b->why);
        else
            row_error(r, line, "enrollee '%.60s' is not settled: line %llu: %s", b->rec.id,
                      (unsigned long long)b->rec.line, b->why);
        return 0;
    }
    *out = b;
    return 1;
}

/* "referral|emergency" into MB_CLAIM_* flags. */
static bool flags_of(const char *text, unsigned *flags, char *why, size_t cap)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "|");
        size_t j = 0, count = sizeof flag_names / sizeof flag_names[0];
        while (j < count && (strlen(flag_names[j].name) != n || memcmp(p, flag_names[j].name, n)))
            j++;
        if (j == count) {
            snprintf(why, cap, "flags: unknown flag '%.*s' (referral, emergency, out_of_area, "
                     "designated_specialty, out_of_province, no_account)", (int)(n < 40 ? n : 40),
                     p);
            return false;
        }
        *flags |= flag_names[j].flag;
        p += n + (p[n] == '|');
    }
    return true;
}

/* Check the row of fields f (NULL: absent; len their lengths) read at `line` and add it to the
 * chunk, or say why not. Returns false only when out of memory. */
static bool add_row(claims_reader *r, char **f, const uint32_t *len, uint64_t line)
{
    char why[400];
    enrollee_block *b = NULL;
    int got = row_enrollee(r, f, len, line, &b);
    if (got <= 0)
        return got == 0;
    size_t i = r->st->nrows, k = r->st->item_start[i];
    int v;
    int32_t date = 0, admitted = 0, discharged = 0;
    unsigned flags = 0;
    if (f[COL_CLAIM_ID] == NULL) {
        row_error(r, line, "claim_id: required");
        return true;
    }
    if (f[COL_DATE] == NULL) {
        row_error(r, line, "date: required");
        return true;
    }
    if (!date_of(r, COL_DATE, f[COL_DATE], &date, why, sizeof why))
        goto bad;
    if (date < b->last_date) {
        snprintf(why, sizeof why, "date: %s is before the date of the enrollee's previous claim, "
                 "line %llu (an enrollee's rows must be in date order)", f[COL_DATE],
                 (unsigned long long)b->last_line);
        goto bad;
    }
    if (f[COL_MED_TYPE] == NULL || (v = memo_parse(&r->med_types, f[COL_MED_TYPE],
                                                   len[COL_MED_TYPE], mb_med_type_parse)) < 0) {
        unknown_code(why, sizeof why, COL_MED_TYPE, f[COL_MED_TYPE],
                     "general_outpatient, emergency, chronic, inpatient, pharmacy … or 11, 14, 21 …");
        goto bad;
    }
    r->st->med_type[i] = v;
    if (f[COL_LEVEL] == NULL ||
        (v = memo_parse(&r->levels, f[COL_LEVEL], len[COL_LEVEL], mb_level_parse)) < 0) {
        unknown_code(why, sizeof why, COL_LEVEL, f[COL_LEVEL],
                     "primary, secondary, tertiary, pharmacy, 1..3");
        goto bad;
    }
    r->st->level[i] = v;
    if (f[COL_ADMITTED] && !date_of(r, COL_ADMITTED, f[COL_ADMITTED], &admitted, why, sizeof why))
        goto bad;
    if (f[COL_DISCHARGED] &&
        !date_of(r, COL_DISCHARGED, f[COL_DISCHARGED], &discharged, why, sizeof why))
        goto bad;
    if (f[COL_FLAGS] && !flags_of(f[COL_FLAGS], &flags, why, sizeof why))
        goto bad;
    int32_t selfpay = -1;
    if (f[COL_B_SELFPAY] && mb_ratio_parse(f[COL_B_SELFPAY], &selfpay, r->err) != MB_OK) {
        snprintf(why, sizeof why, "class_b_selfpay: %s", mb_error_message(r->err));
        goto bad;
    }
    static const int classes[MAX_ITEMS] = {MB_CLASS_A, MB_CLASS_B, MB_CLASS_C};
    for (int j = 0; j < MAX_ITEMS; j++) {
        int c = COL_CLASS_A + j;
        int64_t fen;
        if (f[c] == NULL)
            continue;
        if (!amount_fen(r, c, f[c], len[c], &fen, why, sizeof why))
            goto bad;
        if (fen == 0)
            continue;
        r->st->item_fen[k] = fen;
        r->st->item_class[k] = classes[j];
        r->st->item_selfpay[k++] = classes[j] == MB_CLASS_B ? selfpay : -1;
    }
    r->st->enrollee[i] = (uint32_t)r->st->nenrollees - 1;
    r->st->claim_id[i] = f[COL_CLAIM_ID];
    r->st->date[i] = date;
    r->st->admitted[i] = admitted;
    r->st->discharged[i] = discharged;
    r->st->flags[i] = flags;
    r->st->facility[i] = f[COL_FACILITY] ? intern(&r->st->facilities, f[COL_FACILITY],
                                                  len[COL_FACILITY]) : -1;
    r->st->disease[i] = f[COL_DISEASE] ? intern(&r->st->diseases, f[COL_DISEASE],
                                                len[COL_DISEASE]) : -1;
    r->st->treatment[i] = f[COL_TREATMENT] ? intern(&r->st->treatments, f[COL_TREATMENT],
                                                    len[COL_TREATMENT]) : -1;
    r->st->rowline[i] = line;
    r->st->item_start[i + 1] = k;
    r->st->nrows++;
    b->last_date = date;
    b->last_line = line;
    return true;
bad:
    row_error(r, line, "%s", why);
    return true;
}

/* A record past MAX_RECORD is refused the same way in both formats, whether or not its end is
 * in hand (else a file with no line end would be read into memory whole). A record whose end is
 * not in hand is skipped up to its line end, across reads; a whole one is passed over. */
static void refuse_long_record(claims_reader *r, uint64_t line, const char *next,
                               uint64_t lines)
{
    row_error(r, line, "a record longer than %d bytes (an unclosed quote?): skipped to the next "
              "line", MAX_RECORD);
    if (next == NULL) {
        r->skipping = true;
        return;
    }
    r->pos = (size_t)(next - r->st->buf);
    r->line += lines;
}

/* A store's columns and intern tables for `rows` rows a chunk, carved from one zeroed block:
 * the 8-byte arrays first, so that each is aligned. */
static bool store_open(chunk_store *st, size_t rows)
{
    size_t slots = 2;
    while (slots < 2 * rows)
        slots *= 2;
    size_t items = rows * MAX_ITEMS;
    size_t wide = 2 * rows + (rows + 1) + items + 3 * rows; /* claim_id, rowline, item_start,
                                                               item_fen, the tables' names */
    size_t narrow = 10 * rows + 2 * items + 3 * (slots + 2 * rows);
    char *at = st->columns = calloc(wide * 8 + narrow * 4, 1);
    if (at == NULL)
        return false;
#define CARVE(field, n) (st->field = (void *)at, at += (n) * sizeof *st->field)
    CARVE(claim_id, rows);
    CARVE(rowline, rows);
    CARVE(item_start, rows + 1);
    CARVE(item_fen, items);
    intern_table *tables[] = {&st->facilities, &st->diseases, &st->treatments};
    for (int k = 0; k < 3; k++) {
        tables[k]->names = (void *)at;
        at += rows * sizeof *tables[k]->names;
    }
    CARVE(enrollee, rows);
    CARVE(date, rows);
    CARVE(med_type, rows);
    CARVE(level, rows);
    CARVE(facility, rows);
    CARVE(disease, rows);
    CARVE(treatment, rows);
    CARVE(admitted, rows);
    CARVE(discharged, rows);
    CARVE(flags, rows);
    CARVE(item_class, items);
    CARVE(item_selfpay, items);
#undef CARVE
    for (int k = 0; k < 3; k++) {
        intern_table *t = tables[k];
        t->len = (void *)at;
        at += rows * sizeof *t->len;
        t->at = (void *)at;
        at += rows * sizeof *t->at;
        t->slot = (void *)at;
        at += slots * sizeof *t->slot;
        t->mask = slots - 1;
        t->last = -1;
    }
    return true;
}

/* Let go of what a store's last chunk held: its enrollees (those no other chunk names and
 * that are not the one being read) and its bad rows. */
static void store_release(claims_reader *r, chunk_store *st)
{
    for (size_t i = 0; i < st->nblocks; i++)
        if (--st->blocks[i]->refs == 0 && st->blocks[i] != r->current)
            free(st->blocks[i]);
    for (size_t i = 0; i < st->nbad; i++)
        free(st->bad[i].message);
    st->nblocks = st->nenrollees = st->nrows = st->nbad = 0;
}

/* Fill the other store next: the text not yet read moves over to it. */
static bool start_chunk(claims_reader *r, char *msg, size_t cap)
{
    chunk_store *old = r->st, *st = r->st = old == &r->store[0] ? &r->store[1] : &r->store[0];
    store_release(r, st);
    size_t rest = old->len - r->pos;
    if (st->cap < rest + r->block) {
        char *nbuf = realloc(st->buf, rest + r->block + TEXT_END);
        if (nbuf == NULL) {
            snprintf(msg, cap, "%s: out of memory", r->path);
            return false;
        }
        st->buf = nbuf;
        st->cap = rest + r->block;
    }
    memcpy(st->buf, old->buf + r->pos, rest);
    st->len = rest;
    memset(st->buf + rest, 0, TEXT_END);
    r->pos = 0;
    st->item_start[0] = 0;
    intern_reset(&st->facilities);
    intern_reset(&st->diseases);
    intern_reset(&st->treatments);
    if (r->current) {
        if (!keep_block(r, r->current)) {
            snprintf(msg, cap, "%s: out of memory", r->path);
            return false;
        }
        if (!r->current->bad) {
            st->enrollees[0] = r->current->rec;
            st->enrollees[0].continued = true;
            st->nenrollees = 1;
        }
    }
    return true;
}

int claims_next(claims_reader *r, claims_chunk *chunk, char *msg, size_t cap)
{
    if (!start_chunk(r, msg, cap))
        return -1;
    /* text for a whole chunk before its first row, so that chunks are full ones */
    while (!r->eof && r->st->len - r->pos < r->block)
        if (fill(r, msg, cap) < 0)
            return -1;
    while (r->st->nrows < r->chunk_rows) {
        char *p = r->st->buf + r->pos, *end = r->st->buf + r->st->len;
        if (r->skipping && p < end) { /* to the line end, which may be in text not read yet */
            char *nl = memchr(p, '\n', (size_t)(end - p));
            r->pos = nl ? (size_t)(nl + 1 - r->st->buf) : r->st->len;
            r->line += nl != NULL;
            r->skipping = nl == NULL;
            continue;
        }
        /* a JSON line's end: more is read before a line whose end is not in hand */
        char *nl = r->format == CLAIMS_JSONL ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        bool jsonl_open = r->format == CLAIMS_JSONL && !r->eof && nl == NULL;
        if (jsonl_open && (size_t)(end - p) > MAX_RECORD) {
            refuse_long_record(r, r->line, NULL, 0);
            continue;
        }
        if (p >= end || jsonl_open) {
            /* more text is read only between chunks: the chunk's strings point into buf */
            if (r->st->nrows > 0)
                break;
            int got = fill(r, msg, cap);
            if (got < 0)
                return -1;
            if (got == 0 && r->pos >= r->st->len)
                break;
            continue;
        }
        char *f[NCOLS] = {NULL};
        uint32_t len[NCOLS];
        uint64_t line = r->line;
        const char *why = NULL;
        char whybuf[300];
        if (r->format == CLAIMS_CSV) {
            char *field[256];
            uint32_t flen[256];
            size_t n, bad = 0;
            char *next;
            unsigned lines = 1;
            bool text = true;
            uint64_t high;
            enum split s = plain_record(p, end, r->eof, field, flen, 256, &n, &high, &next);
            for (size_t j = 0; s == SPLIT_OK && text && j < n; j++)
                if ((j >= 64 || (high >> j & 1)) && !field_text(r, j, field[j], flen[j], &bad)) {
                    text = false;
                    bad += (size_t)(field[j] - p);
                }
            if (s == SPLIT_GENERAL) {
                /* split only a whole record: splitting writes into it (unquoting moves text),
                 * so the record is checked as UTF-8 first, as the file has it */
                char *stop = record_end(p, end);
                if (stop == NULL && r->eof)
                    stop = end;
                bool raw_text = stop && mb_utf8_prefix(p, (size_t)(stop - p), &bad);
                s = stop ? csv_record(p, stop, r->eof, field, 256, &n, &next, &lines, &why)
                         : SPLIT_MORE;
                if (s != SPLIT_MORE) /* a bad byte past the record is the next one's */
                    text = raw_text || bad >= (size_t)(next - p);
                for (size_t j = 0; s == SPLIT_OK && j < n && j < 256; j++)
                    flen[j] = (uint32_t)strlen(field[j]);
            }
            if (s == SPLIT_MORE) {
                if ((size_t)(end - p) > MAX_RECORD) {
                    refuse_long_record(r, line, NULL, 0);
                    continue;
                }
                if (r->st->nrows > 0)
                    break;
                int got = fill(r, msg, cap);
                if (got < 0)
                    return -1;
                continue;
            }
            if ((size_t)(next - p) > MAX_RECORD) { /* whole, but past the limit all the same */
                refuse_long_record(r, line, next, lines);
                continue;
            }
            r->pos = (size_t)(next - r->st->buf);
            r->line += lines;
            if (s == SPLIT_BAD) {
                row_error(r, line, "malformed CSV: %s", why);
                continue;
            }
            if (!text) {
                size_t j = 0; /* the field the bad byte is in */
                while (j + 1 < n && j + 1 < 256 && field[j + 1] <= p + bad)
                    j++;
                int c = j < r->nfields ? r->field_col[j] : -1;
                row_error(r, line, "%s%s not valid UTF-8 (byte %zu of the line)",
                          c >= 0 ? cols[c].name : "", c >= 0 ? ":" : "the line is", bad + 1);
                continue;
            }
            if (n == 1 && field[0][0] == '\0')
                continue; /* an empty line */
            if (n != r->nfields) {
                row_error(r, line, "malformed CSV: %zu fields, the header has %zu", n,
                          r->nfields);
                continue;
            }
            for (size_t j = 0; j < n; j++)
                if (r->field_col[j] >= 0 && field[j][0] != '\0') {
                    f[r->field_col[j]] = field[j];
                    len[r->field_col[j]] = flen[j];
                }
        } else {
            char *eol = nl ? nl : end;
            if ((size_t)(eol - p) > MAX_RECORD) {
                refuse_long_record(r, line, nl ? nl + 1 : end, 1);
                continue;
            }
            *eol = '\0';
            r->pos = (size_t)(eol - r->st->buf) + (nl != NULL);
            r->line++;
            if (skip_ws(p) == eol)
                continue; /* an empty line (a NUL is not a blank: the line is refused) */
            json_line L = {p, eol, whybuf, sizeof whybuf};
            if (!jsonl_fields(r, &L, f, len)) {
                row_error(r, line, "%s", whybuf);
                continue;
            }
        }
        if (!add_row(r, f, len, line)) {
            snprintf(msg, cap, "%s: out of memory", r->path);
            return -1;
        }
    }
    if (r->st->nrows == 0 && r->st->nbad == 0 && r->pos >= r->st->len && r->eof)
        return 0;
    mb_columns c = MB_COLUMNS_INIT;
    c.nrows = r->st->nrows;
    c.enrollee = r->st->enrollee;
    c.claim_id = r->st->claim_id;
    c.date = r->st->date;
    c.med_type = r->st->med_type;
    c.level = r->st->level;
    c.flags = r->st->flags;
    c.facility = r->st->facility;
    c.disease = r->st->disease;
    c.treatment = r->st->treatment;
    c.admitted = r->st->admitted;
    c.discharged = r->st->discharged;
    c.item_start = r->st->item_start;
    c.item_fen = r->st->item_fen;
    c.item_class = r->st->item_class;
    c.item_selfpay_bp = r->st->item_selfpay;
    c.facilities = r->st->facilities.names;
    c.nfacilities = r->st->facilities.count;
    c.diseases = r->st->diseases.names;
    c.ndiseases = r->st->diseases.count;
    c.treatments = r->st->treatments.names;
    c.ntreatments = r->st->treatments.count;
    chunk->columns = c;
    chunk->line = r->st->rowline;
    chunk->enrollees = r->st->enrollees;
    chunk->nenrollees = r->st->nenrollees;
    chunk->bad = r->st->bad;
    chunk->nbad = r->st->nbad;
    return 1;
}

/* ---- opening ---------------------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The CSV header at the start of the file: each field's column and each amount's unit. */
static bool read_header(claims_reader *r, char *msg, size_t cap)
{
    char *field[256], *next;
    size_t n;
    unsigned lines;
    const char *why = NULL;
    enum split s;
    char *stop;
    while (!r->eof && (stop = record_end(r->st->buf + r->pos, r->st->buf + r->st->len)) == NULL) {
        if (r->st->len > MAX_RECORD) {
            snprintf(msg, cap, "%s:1: the header is longer than %d bytes", r->path, MAX_RECORD);
            return false;
        }
        if (fill(r, msg, cap) < 0)
            return false;
    }
    if (r->eof)
        stop = r->st->buf + r->st->len;
    s = csv_record(r->st->buf + r->pos, stop, r->eof, field, 256, &n, &next, &lines, &why);
    if (s == SPLIT_BAD) {
        snprintf(msg, cap, "%s:1: malformed CSV header: %s", r->path, why);
        return false;
    }
    if (n > 256) {
        snprintf(msg, cap, "%s:1: the header has %zu columns, more than 256", r->path, n);
        return false;
    }
    if (r->st->len == 0) {
        snprintf(msg, cap, "%s: empty file: a CSV claim file starts with its header", r->path);
        return false;
    }
    const char *bom = "\xef\xbb\xbf";
    if (n > 0 && strncmp(field[0], bom, 3) == 0)
        field[0] += 3;
    r->field_col = malloc(n * sizeof *r->field_col);
    r->nfields = n;
    bool seen[NCOLS] = {false};
    for (size_t j = 0; r->field_col && j < n; j++) {
        claims_unit unit;
        int c = column_of(field[j], strlen(field[j]), r->unit, &unit);
        if (c < 0) {
            const char *near = nearest_column(field[j]);
            snprintf(msg, cap, "%s:1: unknown column '%.60s'%s%s%s (docs/claims-format.md)",
                         r->path, field[j], near ? " (did you mean '" : "", near ? near : "",
                         near ? "'?)" : "");
            return false;
        }
        if (seen[c]) {
            snprintf(msg, cap, "%s:1: column '%s' given twice", r->path, cols[c].name);
            return false;
        }
        if (cols[c].amount && unit == UNIT_UNDECLARED) {
            snprintf(msg, cap, "%s:1: column '%s': the amount's unit is not declared: name it "
                     "%s_fen or %s_yuan, or give --amounts fen|yuan", r->path, field[j],
                     field[j], field[j]);
            return false;
        }
        seen[c] = true;
        r->field_col[j] = c;
        r->col_unit[c] = unit;
    }
    if (r->field_col == NULL) {
        snprintf(msg, cap, "%s: out of memory", r->path);
        return false;
    }
    for (int c = 0; c < NCOLS; c++)
        if (cols[c].required && !seen[c]) {
            snprintf(msg, cap, "%s:1: the header has no column '%s' (required)", r->path,
                     cols[c].name);
            return false;
        }
    if (!seen[COL_CLASS_A] && !seen[COL_CLASS_B] && !seen[COL_CLASS_C]) {
        snprintf(msg, cap, "%s:1: the header has no amount column (class_a, class_b, class_c)",
                 r->path);
        return false;
    }
    r->pos = (size_t)(next - r->st->buf);
    r->line += lines;
    return true;
}

claims_reader *claims_open(const char *path, claims_format format, claims_unit unit, char *msg,
                           size_t cap)
{
    return claims_open_sized(path, format, unit, 0, 0, msg, cap);
}

claims_reader *claims_open_sized(const char *path, claims_format format, claims_unit unit,
                                 size_t block, size_t chunk_rows, char *msg, size_t cap)
{
    if (format == CLAIMS_BY_NAME) {
        if (ends_with(path, ".csv"))
            format = CLAIMS_CSV;
        else if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
            format = CLAIMS_JSONL;
        else {
            snprintf(msg, cap, "%s: not a claim file by its name (.csv, .jsonl, .ndjson): give "
                     "--input-format csv|jsonl", path);
            return NULL;
        }
    }
    claims_reader *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(msg, cap, "%s: out of memory", path);
        return NULL;
    }
    r->path = path;
    r->format = format;
    r->unit = unit;
    r->st = &r->store[0];
    r->line = 1;
    r->block = block ? block : READ_BLOCK;
    r->chunk_rows = chunk_rows && chunk_rows < CHUNK_ROWS ? chunk_rows : CHUNK_ROWS;
    r->err = mb_error_new();
    r->fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    if (r->fd < 0) {
        snprintf(msg, cap, "%s: cannot read: %s", path, strerror(errno));
        r->fd = -1;
        claims_close(r);
        return NULL;
    }
    struct stat st;
    if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode)) {
        /* a file of n bytes has at most n + 1 lines, read in one block: a small file takes
         * little memory (the reader is opened for every file of a directory, and per input
         * by tests/fuzz/fuzz_claims.c) */
        r->size = (uint64_t)st.st_size;
        if (r->size < r->chunk_rows)
            r->chunk_rows = (size_t)r->size + 1;
        if (r->size < r->block)
            r->block = (size_t)r->size + 1;
    }
    if (!store_open(&r->store[0], r->chunk_rows) || !store_open(&r->store[1], r->chunk_rows)) {
        snprintf(msg, cap, "%s: out of memory", path);
        claims_close(r);
        return NULL;
    }
    if ((r->seen = r->own_seen = enrollee_set_new()) == NULL || r->err == NULL ||
        fill(r, msg, cap) < 0 || (format == CLAIMS_CSV && !read_header(r, msg, cap))) {
        if (r->err == NULL || r->seen == NULL)
            snprintf(msg, cap, "%s: out of memory", path);
        printable(msg, cap); /* a header's names as the file has them */
        claims_close(r);
        return NULL;
    }
    return r;
}

void claims_close(claims_reader *r)
{
    if (r == NULL)
        return;
    enrollee_block *current = r->current;
    bool orphan = current && current->refs == 0; /* in no chunk's list */
    r->current = NULL;
    for (int k = 0; k < 2; k++) {
        store_release(r, &r->store[k]);
        free(r->store[k].blocks);
        free(r->store[k].enrollees);
        free(r->store[k].bad);
        free(r->store[k].buf);
        free(r->store[k].columns);
    }
    if (orphan)
        free(current);
    free(r->field_col);
    enrollee_set_free(r->own_seen);
    mb_error_free(r->err);
    if (r->fd > 0)
        close(r->fd);
    free(r);
}
