/* Fuzz target: claim files of `medbenefit compare --chain` through the program's own reader
 * (tools/claims.c, docs/claims-format.md), opened by its path as compare opens a file.
 *
 * The input: four bytes of choices, then the file's bytes.
 *   byte 0  bit 0: JSON Lines, else CSV; bits 1-2 (mod 3): --amounts undeclared, fen, yuan
 *   byte 1, byte 2 bits 0-2: the reader's block (0: its own 4 MiB; else up to 2047 bytes, so
 *           that lines cross reads and chunks); byte 2 bits 3-7: rows a chunk (0: 32768)
 *   byte 3  how the harness writes the claims back (writer_*, below)
 *
 * The file is read twice: with the reader's own sizes, then with the input's (the same sizes
 * again when the input chose none), and both readings must agree to the byte ("read-twice-same":
 * neither the block boundaries nor anything a reader keeps may change an answer). Each refusal
 * names a line of the file in order, says why in one line of UTF-8 text and, for a byte that is
 * not UTF-8, names that byte ("refusal-shape", "refusal-utf8-byte"); a JSON line that is not
 * UTF-8 is refused for it before any fault of its JSON ("jsonl-utf8-first"); a line that holds
 * a NUL or is not UTF-8 is never taken nor skipped ("refused-not-text"); the fields of a CSV
 * line without quotes, and of a JSON line read the plain way, are as the line writes them
 * ("csv-as-written", "jsonl-as-written"). Every claim read
 * holds what the reader promises (valid UTF-8 text, calendar dates, known codes, amounts in
 * 1 .. 10^14 fen: "claim-valid"), and the library's checked calls take it or say why. Then the
 * claims read are written by this harness in the other format and read again ("differential-
 * format"), and written once more in the first format with amounts in the other unit
 * ("differential-unit"): each time the same claims, field for field, and no refusal.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "claims.h"
#include "fuzz.h"
#include "internal.h" /* mb_utf8_valid, mb_utf8_prefix, mb_date_valid */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
    HEADER = 4,           /* the input's bytes of choices */
    MAX_LIST = CLAIMS_MAX_DISEASES > CLAIMS_MAX_ASSISTANCE ? CLAIMS_MAX_DISEASES
                                                           : CLAIMS_MAX_ASSISTANCE,
    NO_TEXT = -1          /* a string not given */
};

/* How the harness writes claims (byte 3 of the input). */
enum {
    WRITER_AMOUNT = 3,          /* 0: _fen; 1: _yuan with two decimals; 2: bare; 3: _yuan shortest */
    WRITER_BARE_YUAN = 1 << 2,  /* bare amount names are yuan (the reader's --amounts), else fen */
    WRITER_QUOTE = 1 << 3,      /* CSV: every field quoted; JSON: text beyond ASCII as \u */
    WRITER_ALT = 1 << 4,        /* CSV: CRLF line ends; JSON: amounts as strings */
    WRITER_REPEAT = 1 << 5,     /* CSV: the enrollee's columns on every row; JSON: nulls */
    WRITER_SHUFFLE = 1 << 6,    /* CSV: the columns reversed; JSON: each row's keys rotated */
    WRITER_CODES = 1 << 7       /* med_type, level and scheme as codes */
};

/* The columns of docs/claims-format.md, in its order (the enrollee's first). */
static const char *const col_name[] = {
    "enrollee", "scheme", "person_type", "account_balance", "designated_facility", "diseases",
    "assistance", "birth_date", "claim_id", "date", "med_type", "facility", "level", "disease",
    "treatment", "admitted", "discharged", "flags", "class_a", "class_b", "class_c",
    "class_b_selfpay",
};
enum { NCOL = sizeof col_name / sizeof col_name[0], FIRST_CLAIM = 8, COL_ACCOUNT = 3 };

static bool is_amount(int c) { return c == COL_ACCOUNT || (c >= 18 && c <= 20); }

static mb_error *err;

/* ---- a reading: what the reader answered, copied out of its chunks ------------------------- */

typedef struct rec_claim {
    /* the enrollee, as the chunk gives it (strings are offsets into the reading's text) */
    long enrollee, designated, disease_name[CLAIMS_MAX_DISEASES],
        assistance[CLAIMS_MAX_ASSISTANCE];
    int scheme, person_type;
    bool has_account;
    int64_t account_fen;
    int32_t birth_date, certified_on[CLAIMS_MAX_DISEASES],
        assistance_from[CLAIMS_MAX_ASSISTANCE];
    unsigned ndiseases, nassistance;
    /* the claim */
    long claim_id, facility, disease, treatment;
    int32_t date, med_type, level, admitted, discharged;
    uint32_t flags;
    unsigned nitems;
    int64_t item_fen[3];
    int32_t item_class[3], item_selfpay[3];
    uint64_t line;
} rec_claim;

typedef struct rec_bad {
    uint64_t line;
    long message;
} rec_bad;

typedef struct reading {
    bool opened;
    long open_msg;
    rec_claim *claim;
    size_t nclaims, cap_claims;
    rec_bad *bad;
    size_t nbad, cap_bad;
    char *text;
    size_t ntext, cap_text;
} reading;

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * size);
    if (q == NULL)
        abort();
    *cap = n;
    return q;
}

static long keep_text(reading *rd, const char *s)
{
    if (s == NULL)
        return NO_TEXT;
    size_t n = strlen(s) + 1;
    rd->text = grow(rd->text, &rd->cap_text, rd->ntext + n, 1);
    memcpy(rd->text + rd->ntext, s, n);
    rd->ntext += n;
    return (long)(rd->ntext - n);
}

static const char *text_of(const reading *rd, long at) { return at < 0 ? NULL : rd->text + at; }

static void reading_clear(reading *rd)
{
    rd->opened = false;
    rd->nclaims = rd->nbad = rd->ntext = 0;
    rd->open_msg = NO_TEXT;
}

static void keep_claim(reading *rd, const claims_chunk *ch, size_t i)
{
    const mb_columns *c = &ch->columns;
    const claims_enrollee *e = &ch->enrollees[c->enrollee[i]];
    rd->claim = grow(rd->claim, &rd->cap_claims, rd->nclaims + 1, sizeof *rd->claim);
    rec_claim *k = &rd->claim[rd->nclaims++];
    *k = (rec_claim){0};
    k->enrollee = keep_text(rd, e->id);
    k->designated = keep_text(rd, e->designated_facility);
    k->scheme = e->scheme;
    k->person_type = e->person_type;
    k->has_account = e->has_account;
    k->account_fen = e->account_fen;
    k->birth_date = e->birth_date;
    FZ_REQUIRE("claim-valid", e->ndiseases <= CLAIMS_MAX_DISEASES &&
               e->nassistance <= CLAIMS_MAX_ASSISTANCE, "%u diseases, %u identities",
               e->ndiseases, e->nassistance);
    k->ndiseases = e->ndiseases;
    for (unsigned d = 0; d < e->ndiseases; d++) {
        k->disease_name[d] = keep_text(rd, e->disease[d]);
        k->certified_on[d] = e->certified_on[d];
    }
    k->nassistance = e->nassistance;
    for (unsigned d = 0; d < e->nassistance; d++) {
        k->assistance[d] = keep_text(rd, e->assistance[d]);
        k->assistance_from[d] = e->assistance_from[d];
    }
    k->claim_id = keep_text(rd, c->claim_id[i]);
    FZ_REQUIRE("claim-valid", c->facility[i] < (int32_t)c->nfacilities &&
               c->disease[i] < (int32_t)c->ndiseases && c->treatment[i] < (int32_t)c->ntreatments,
               "a string index past its table");
    k->facility = keep_text(rd, c->facility[i] >= 0 ? c->facilities[c->facility[i]] : NULL);
    k->disease = keep_text(rd, c->disease[i] >= 0 ? c->diseases[c->disease[i]] : NULL);
    k->treatment = keep_text(rd, c->treatment[i] >= 0 ? c->treatments[c->treatment[i]] : NULL);
    k->date = c->date[i];
    k->med_type = c->med_type[i];
    k->level = c->level[i];
    k->admitted = c->admitted[i];
    k->discharged = c->discharged[i];
    k->flags = c->flags[i];
    uint64_t from = c->item_start[i], to = c->item_start[i + 1];
    FZ_REQUIRE("claim-valid", from <= to && to - from <= 3, "items %llu .. %llu",
               (unsigned long long)from, (unsigned long long)to);
    k->nitems = (unsigned)(to - from);
    for (unsigned j = 0; j < k->nitems; j++) {
        k->item_fen[j] = c->item_fen[from + j];
        k->item_class[j] = c->item_class[from + j];
        k->item_selfpay[j] = c->item_selfpay_bp[from + j];
    }
    k->line = ch->line[i];
}

/* One memfd for the input's file and one for the harness's own: opened by path, as compare
 * opens a file. */
static int file_fd[2];
static char file_path[2][64];

static const char *put_file(int which, const void *data, size_t n)
{
    if (ftruncate(file_fd[which], 0) != 0 ||
        (n > 0 && pwrite(file_fd[which], data, n, 0) != (ssize_t)n))
        abort();
    return file_path[which];
}

static void read_file(reading *rd, const char *path, claims_format format, claims_unit unit,
                      size_t block, size_t rows)
{
    reading_clear(rd);
    char msg[1024] = "";
    claims_reader *r = claims_open_sized(path, format, unit, block, rows, msg, sizeof msg);
    if (r == NULL) {
        FZ_REQUIRE("refusal-shape", msg[0] != '\0', "a file not opened, and no reason given");
        rd->open_msg = keep_text(rd, msg);
        return;
    }
    rd->opened = true;
    claims_chunk ch;
    int got;
    while ((got = claims_next(r, &ch, msg, sizeof msg)) == 1) {
        size_t b = 0;
        for (size_t i = 0; i <= ch.columns.nrows; i++) {
            /* bad rows and claims in the order of their lines */
            uint64_t line = i < ch.columns.nrows ? ch.line[i] : UINT64_MAX;
            for (; b < ch.nbad && ch.bad[b].line <= line; b++) {
                rd->bad = grow(rd->bad, &rd->cap_bad, rd->nbad + 1, sizeof *rd->bad);
                rd->bad[rd->nbad++] = (rec_bad){ch.bad[b].line, keep_text(rd, ch.bad[b].message)};
            }
            if (i < ch.columns.nrows)
                keep_claim(rd, &ch, i);
        }
    }
    /* a memfd is read whole; the reader fails only out of memory, which it says */
    FZ_REQUIRE("refusal-shape", got == 0, "claims_next failed: %s", msg);
    claims_close(r);
}

/* ---- what a reading must hold --------------------------------------------------------------- */

static bool same_text(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Claims a and b (of readings ra, rb) say the same, field for field (not where they were). */
static const char *claim_differs(const reading *ra, const rec_claim *a, const reading *rb,
                                 const rec_claim *b)
{
#define TEXT(f) if (!same_text(text_of(ra, a->f), text_of(rb, b->f))) return #f
#define SAME(f) if (a->f != b->f) return #f
    TEXT(enrollee); TEXT(designated); SAME(scheme); SAME(person_type); SAME(has_account);
    SAME(account_fen); SAME(birth_date); SAME(ndiseases); SAME(nassistance);
    for (unsigned d = 0; d < a->ndiseases; d++) {
        TEXT(disease_name[d]);
        SAME(certified_on[d]);
    }
    for (unsigned d = 0; d < a->nassistance; d++) {
        TEXT(assistance[d]);
        SAME(assistance_from[d]);
    }
    TEXT(claim_id); TEXT(facility); TEXT(disease); TEXT(treatment); SAME(date); SAME(med_type);
    SAME(level); SAME(admitted); SAME(discharged); SAME(flags); SAME(nitems);
    for (unsigned j = 0; j < a->nitems; j++) {
        SAME(item_fen[j]);
        SAME(item_class[j]);
        SAME(item_selfpay[j]);
    }
#undef TEXT
#undef SAME
    return NULL;
}

static void check_same(const reading *a, const reading *b, bool lines, const char *id,
                       const char *what)
{
    FZ_REQUIRE(id, a->opened == b->opened, "%s: opened %d, then %d (%s)", what, a->opened,
               b->opened, text_of(a->opened ? b : a, (a->opened ? b : a)->open_msg));
    if (!a->opened) {
        FZ_REQUIRE(id, same_text(text_of(a, a->open_msg), text_of(b, b->open_msg)),
                   "%s: '%s', then '%s'", what, text_of(a, a->open_msg),
                   text_of(b, b->open_msg));
        return;
    }
    /* the harness's own file: everything in it is taken */
    FZ_REQUIRE(id, lines || b->nbad == 0, "%s: line %llu refused: %s", what,
               (unsigned long long)(b->nbad ? b->bad[0].line : 0),
               b->nbad ? text_of(b, b->bad[0].message) : "");
    FZ_REQUIRE(id, a->nclaims == b->nclaims, "%s: %zu claims, then %zu", what, a->nclaims,
               b->nclaims);
    for (size_t i = 0; i < a->nclaims; i++) {
        const char *field = claim_differs(a, &a->claim[i], b, &b->claim[i]);
        FZ_REQUIRE(id, field == NULL, "%s: claim %zu (line %llu, then %llu): %s differs", what,
                   i, (unsigned long long)a->claim[i].line, (unsigned long long)b->claim[i].line,
                   field);
        FZ_REQUIRE(id, !lines || a->claim[i].line == b->claim[i].line,
                   "%s: claim %zu on line %llu, then %llu", what, i,
                   (unsigned long long)a->claim[i].line, (unsigned long long)b->claim[i].line);
    }
    if (!lines)
        return;
    FZ_REQUIRE(id, a->nbad == b->nbad, "%s: %zu refusals, then %zu", what, a->nbad, b->nbad);
    for (size_t i = 0; i < a->nbad; i++)
        FZ_REQUIRE(id, a->bad[i].line == b->bad[i].line &&
                   same_text(text_of(a, a->bad[i].message), text_of(b, b->bad[i].message)),
                   "%s: refusal %zu: line %llu '%s', then line %llu '%s'", what, i,
                   (unsigned long long)a->bad[i].line, text_of(a, a->bad[i].message),
                   (unsigned long long)b->bad[i].line, text_of(b, b->bad[i].message));
}

/* One line of UTF-8 text, no control character but a tab (a line end, a carriage return, an
 * escape would let a file's bytes break or rewrite the terminal's line): as `medbenefit:
 * FILE:LINE: why` on standard error, in the JSON and in the HTML report. */
static bool one_line_of_text(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t')
            return false;
    return s[0] != '\0' && mb_utf8_valid(s, strlen(s));
}

/* The file's lines: where each begins (line k at start[k - 1]) and how many. */
static size_t *line_start;
static size_t nlines, cap_lines;

static void find_lines(const uint8_t *f, size_t n)
{
    nlines = 0;
    for (size_t at = 0; at < n || nlines == 0;) {
        line_start = grow(line_start, &cap_lines, nlines + 1, sizeof *line_start);
        line_start[nlines++] = at;
        const uint8_t *nl = memchr(f + at, '\n', n - at);
        if (nl == NULL)
            break;
        at = (size_t)(nl - f) + 1;
        if (at == n)
            break;
    }
}

/* The bytes of line k (without its line end). */
static size_t line_len(const uint8_t *f, size_t n, uint64_t k)
{
    size_t at = line_start[k - 1];
    const uint8_t *nl = memchr(f + at, '\n', n - at);
    return nl ? (size_t)(nl - f) - at : n - at;
}

/* Whether msg is the refusal of a byte that is not UTF-8: "not valid UTF-8 (byte N of the
 * line)" (JSON Lines), after "COLUMN:" or "the line is" (CSV); N into *byte. */
static bool utf8_refusal(const char *msg, claims_format format, unsigned long *byte)
{
    static const char said[] = "not valid UTF-8 (byte ";
    const char *p = msg;
    if (format == CLAIMS_CSV) {
        size_t n = strcspn(msg, ": ");
        bool column = false;
        for (int c = 0; c < NCOL && !column; c++)
            column = strlen(col_name[c]) == n && memcmp(msg, col_name[c], n) == 0;
        if (column && msg[n] == ':' && msg[n + 1] == ' ')
            p = msg + n + 2;
        else if (strncmp(msg, "the line is ", 12) == 0)
            p = msg + 12;
        else
            return false;
    }
    if (strncmp(p, said, sizeof said - 1) != 0)
        return false;
    char *end;
    *byte = strtoul(p + sizeof said - 1, &end, 10);
    return strcmp(end, " of the line)") == 0;
}

static void check_refusals(const reading *rd, const uint8_t *f, size_t n, claims_format format,
                           const char *path)
{
    if (!rd->opened) {
        const char *msg = text_of(rd, rd->open_msg);
        size_t np = strlen(path);
        FZ_REQUIRE("refusal-shape", strncmp(msg, path, np) == 0 && msg[np] == ':' &&
                   one_line_of_text(msg), "a file refused as '%s'", msg);
        return;
    }
    uint64_t last = 0;
    size_t c = 0;
    for (size_t i = 0; i < rd->nbad; i++) {
        const rec_bad *b = &rd->bad[i];
        const char *msg = text_of(rd, b->message);
        FZ_REQUIRE("refusal-shape", b->line >= 1 && b->line <= nlines && b->line > last,
                   "a refusal of line %llu after line %llu, of %zu lines: %s",
                   (unsigned long long)b->line, (unsigned long long)last, nlines, msg);
        FZ_REQUIRE("refusal-shape", one_line_of_text(msg), "line %llu refused as '%s'",
                   (unsigned long long)b->line, msg);
        for (; c < rd->nclaims && rd->claim[c].line < b->line; c++)
            ;
        FZ_REQUIRE("refusal-shape", c == rd->nclaims || rd->claim[c].line != b->line,
                   "line %llu both taken and refused: %s", (unsigned long long)b->line, msg);
        last = b->line;
        unsigned long byte;
        bool utf8 = utf8_refusal(msg, format, &byte);
        if (utf8) { /* the byte named is the first of its line (CSV: its record) not UTF-8 */
            size_t at = line_start[b->line - 1], bad;
            bool ok = mb_utf8_prefix((const char *)f + at, n - at, &bad);
            FZ_REQUIRE("refusal-utf8-byte", !ok && byte == bad + 1,
                       "line %llu: '%s', but the first byte not UTF-8 is %zu",
                       (unsigned long long)b->line, msg, ok ? 0 : bad + 1);
        }
        if (format == CLAIMS_JSONL) {
            size_t len = line_len(f, n, b->line), bad;
            if (!mb_utf8_prefix((const char *)f + line_start[b->line - 1], len, &bad))
                FZ_REQUIRE("jsonl-utf8-first", utf8, "line %llu is not UTF-8 (byte %zu) "
                           "but is refused as '%s'", (unsigned long long)b->line, bad + 1, msg);
        }
    }
    last = 0;
    for (size_t i = 0; i < rd->nclaims; i++) {
        uint64_t line = rd->claim[i].line;
        FZ_REQUIRE("refusal-shape", line >= 1 && line <= nlines && line > last,
                   "claim %zu read from line %llu after line %llu, of %zu lines", i,
                   (unsigned long long)line, (unsigned long long)last, nlines);
        last = line;
        if (format == CLAIMS_JSONL)
            FZ_REQUIRE("jsonl-utf8-first", mb_utf8_valid((const char *)f +
                       line_start[line - 1], line_len(f, n, line)),
                       "line %llu is taken but is not UTF-8", (unsigned long long)line);
    }
}

/* A line that is not text (a byte that is not UTF-8, or a NUL, which would end a field's text
 * where it lies) is refused: a JSON line itself; in CSV the record it is in, which is the last
 * one to begin at or before it (a refusal, not a claim). */
static void check_not_text(const reading *rd, const uint8_t *f, size_t n, claims_format format)
{
    size_t c = 0, b = 0;
    for (uint64_t line = format == CLAIMS_CSV ? 2 : 1; rd->opened && line <= nlines; line++) {
        const char *at = (const char *)f + line_start[line - 1];
        size_t len = line_len(f, n, line), bad;
        while (c < rd->nclaims && rd->claim[c].line <= line)
            c++;
        while (b < rd->nbad && rd->bad[b].line <= line)
            b++;
        if (memchr(at, '\0', len) == NULL && mb_utf8_prefix(at, len, &bad))
            continue;
        uint64_t claim = c ? rd->claim[c - 1].line : 0, refusal = b ? rd->bad[b - 1].line : 0;
        FZ_REQUIRE("refused-not-text", format == CLAIMS_JSONL ? refusal == line
                                                              : refusal > claim,
                   "line %llu holds a NUL or a byte not UTF-8, and is %s",
                   (unsigned long long)line, claim > refusal ? "taken" : "not refused");
    }
}

/* A CSV record of one line without quotes is split by the reader 8 bytes at a time: each of its
 * claims' fields is held to the line's own text, split here the plain way ("csv-as-written"):
 * the ids and names as written, the dates, codes and amounts as the library parses them. */
static void check_csv_as_written(const reading *rd, const uint8_t *f, size_t n, claims_unit unit)
{
    enum { MAX_FIELDS = 64 };
    char line[4096], *field[MAX_FIELDS];
    int col[MAX_FIELDS];
    claims_unit col_unit[MAX_FIELDS];
    size_t nhead = 0, len = line_len(f, n, 1);
    if (len >= sizeof line || memchr(f, '"', len) || (len >= 3 && memcmp(f, "\xef\xbb\xbf", 3) == 0))
        return;
    memcpy(line, f, len);
    line[len] = '\0';
    if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    for (char *p = line; p && nhead < MAX_FIELDS; nhead++) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        col[nhead] = -1;
        col_unit[nhead] = UNIT_UNDECLARED;
        for (int c = 0; c < NCOL; c++) {
            size_t k = strlen(col_name[c]);
            if (strncmp(p, col_name[c], k) != 0)
                continue;
            if (p[k] == '\0')
                col[nhead] = c, col_unit[nhead] = unit;
            else if (is_amount(c) && strcmp(p + k, "_fen") == 0)
                col[nhead] = c, col_unit[nhead] = UNIT_FEN;
            else if (is_amount(c) && strcmp(p + k, "_yuan") == 0)
                col[nhead] = c, col_unit[nhead] = UNIT_YUAN;
        }
        p = comma ? comma + 1 : NULL;
        if (p && nhead + 1 == MAX_FIELDS)
            return; /* more columns than this splits */
    }
    for (size_t i = 0; i < rd->nclaims; i++) {
        const rec_claim *k = &rd->claim[i];
        unsigned long long ln = (unsigned long long)k->line;
        len = line_len(f, n, k->line);
        const char *at = (const char *)f + line_start[k->line - 1];
        if (len >= sizeof line || memchr(at, '"', len))
            continue;
        memcpy(line, at, len);
        line[len] = '\0';
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        size_t nf = 0;
        for (char *p = line; p && nf < MAX_FIELDS; nf++) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            field[nf] = p;
            p = comma ? comma + 1 : NULL;
        }
        FZ_REQUIRE("csv-as-written", nf == nhead, "line %llu: %zu fields, the header %zu", ln,
                   nf, nhead);
        for (size_t j = 0; j < nf; j++) {
            const char *raw = field[j], *given = raw[0] ? raw : NULL;
            int32_t v = 0;
            int64_t fen = 0;
            switch (col[j]) {
            case 0:
                FZ_REQUIRE("csv-as-written", same_text(text_of(rd, k->enrollee), given),
                           "line %llu: enrollee '%s', written '%s'", ln,
                           text_of(rd, k->enrollee), raw);
                break;
            case 8: case 11: case 13: case 14: {
                long t = col[j] == 8 ? k->claim_id : col[j] == 11 ? k->facility
                         : col[j] == 13 ? k->disease : k->treatment;
                FZ_REQUIRE("csv-as-written", same_text(text_of(rd, t), given),
                           "line %llu: %s '%s', written '%s'", ln, col_name[col[j]],
                           text_of(rd, t) ? text_of(rd, t) : "(none)", raw);
                break;
            }
            case 9:
                FZ_REQUIRE("csv-as-written", mb_date_parse(raw, &v, err) == MB_OK &&
                           v == k->date, "line %llu: date %d, written '%s'", ln, k->date, raw);
                break;
            case 10: case 12:
                v = col[j] == 10 ? mb_med_type_parse(raw) : mb_level_parse(raw);
                FZ_REQUIRE("csv-as-written", v == (col[j] == 10 ? k->med_type : k->level),
                           "line %llu: %s %d, written '%s'", ln, col_name[col[j]], v, raw);
                break;
            case 18: case 19: case 20: {
                int cls = MB_CLASS_A + (col[j] - 18);
                unsigned m = 0;
                while (m < k->nitems && k->item_class[m] != cls)
                    m++;
                if (given && col_unit[j] == UNIT_YUAN)
                    FZ_REQUIRE("csv-as-written", mb_amount_parse(raw, &fen, err) == MB_OK,
                               "line %llu: %s '%s' taken, not yuan", ln, col_name[col[j]], raw);
                else if (given)
                    fen = strtoll(raw, NULL, 10);
                FZ_REQUIRE("csv-as-written", fen == 0 ? m == k->nitems
                                                      : m < k->nitems && k->item_fen[m] == fen,
                           "line %llu: %s written '%s', read %lld fen", ln, col_name[col[j]],
                           raw, m < k->nitems ? (long long)k->item_fen[m] : 0LL);
                break;
            }
            default:
                break;
            }
        }
    }
}

/* ---- JSON lines as written: a plain reader of the JSON a line holds -------------------------- */

typedef struct plain_json {
    const char *p;
    char *out; /* where strings are decoded to */
} plain_json;

static void plain_ws(plain_json *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\r')
        j->p++;
}

static int plain_hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* A JSON string at j->p (its quote), decoded to j->out: its start, or NULL. */
static const char *plain_string(plain_json *j)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    char *start = j->out;
    if (*j->p++ != '"')
        return NULL;
    for (;;) {
        unsigned char c = (unsigned char)*j->p++;
        if (c == '"')
            break;
        if (c < 0x20)
            return NULL;
        if (c != '\\') {
            *j->out++ = (char)c;
            continue;
        }
        const char *e = strchr(from, *j->p);
        if (*j->p == '\0' || (e == NULL && *j->p != 'u'))
            return NULL;
        if (e) {
            *j->out++ = to[e - from];
            j->p++;
            continue;
        }
        long cp = plain_hex4(++j->p);
        j->p += 4;
        if (cp >= 0xd800 && cp <= 0xdbff && j->p[0] == '\\' && j->p[1] == 'u') {
            long lo = plain_hex4(j->p + 2);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                j->p += 6;
            }
        }
        if (cp <= 0 || (cp >= 0xd800 && cp <= 0xdfff))
            return NULL;
        unsigned char *o = (unsigned char *)j->out;
        if (cp < 0x80)
            *o++ = (unsigned char)cp;
        else if (cp < 0x800)
            *o++ = (unsigned char)(0xc0 | cp >> 6), *o++ = (unsigned char)(0x80 | (cp & 0x3f));
        else if (cp < 0x10000)
            *o++ = (unsigned char)(0xe0 | cp >> 12), *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f)),
            *o++ = (unsigned char)(0x80 | (cp & 0x3f));
        else
            *o++ = (unsigned char)(0xf0 | cp >> 18), *o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f)),
            *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f)), *o++ = (unsigned char)(0x80 | (cp & 0x3f));
        j->out = (char *)o;
    }
    *j->out++ = '\0';
    return start;
}

/* A JSON line the reader took holds its claim's fields as a plain reading of its JSON gives them
 * ("jsonl-as-written"): the one-pass reader guesses each key from the object before and takes
 * plain strings where they lie, and a wrong guess would put a value in another column. */
static void check_jsonl_as_written(const reading *rd, const uint8_t *f, size_t n,
                                   claims_unit unit)
{
    static char line[1 << 16], decoded[1 << 17];
    for (size_t i = 0; i < rd->nclaims; i++) {
        const rec_claim *k = &rd->claim[i];
        unsigned long long ln = (unsigned long long)k->line;
        size_t len = line_len(f, n, k->line);
        if (len >= sizeof line)
            continue;
        memcpy(line, f + line_start[k->line - 1], len);
        line[len] = '\0';
        plain_json j = {line, decoded};
        bool given[NCOL] = {false};
        plain_ws(&j);
        bool ok = *j.p++ == '{';
        plain_ws(&j);
        if (ok && *j.p == '}')
            j.p++;
        else
            for (; ok; j.p++) {
                plain_ws(&j);
                const char *key = plain_string(&j), *value = NULL;
                plain_ws(&j);
                if (key == NULL || *j.p++ != ':') {
                    ok = false;
                    break;
                }
                plain_ws(&j);
                if (*j.p == '"') {
                    value = plain_string(&j);
                    ok = value != NULL;
                } else if (strncmp(j.p, "null", 4) == 0) {
                    j.p += 4;
                } else { /* a number, as written */
                    const char *num = j.p;
                    while (*j.p == '-' || *j.p == '.' || (*j.p >= '0' && *j.p <= '9'))
                        j.p++;
                    size_t nl = (size_t)(j.p - num);
                    memcpy(j.out, num, nl);
                    j.out[nl] = '\0';
                    value = j.out;
                    j.out += nl + 1;
                    ok = nl > 0;
                }
                plain_ws(&j);
                if (!ok || (*j.p != ',' && *j.p != '}')) {
                    ok = false;
                    break;
                }
                int c = -1;
                claims_unit u = unit;
                for (int m = 0; m < NCOL && c < 0; m++) {
                    size_t kl = strlen(col_name[m]);
                    if (strncmp(key, col_name[m], kl) != 0)
                        continue;
                    if (key[kl] == '\0')
                        c = m;
                    else if (is_amount(m) && strcmp(key + kl, "_fen") == 0)
                        c = m, u = UNIT_FEN;
                    else if (is_amount(m) && strcmp(key + kl, "_yuan") == 0)
                        c = m, u = UNIT_YUAN;
                }
                FZ_REQUIRE("jsonl-as-written", c >= 0 && !given[c],
                           "line %llu taken, with the key '%s'", ln, key);
                given[c] = true;
                if (value && value[0] == '\0')
                    value = NULL;
                int32_t v = 0;
                int64_t fen = 0;
                switch (c) {
                case 0: case 8: case 11: case 13: case 14: {
                    long t = c == 0 ? k->enrollee : c == 8 ? k->claim_id : c == 11 ? k->facility
                             : c == 13 ? k->disease : k->treatment;
                    FZ_REQUIRE("jsonl-as-written", same_text(text_of(rd, t), value),
                               "line %llu: %s '%s', written '%s'", ln, col_name[c],
                               text_of(rd, t) ? text_of(rd, t) : "(none)", value ? value : "");
                    break;
                }
                case 9:
                    FZ_REQUIRE("jsonl-as-written", value && mb_date_parse(value, &v, err) ==
                               MB_OK && v == k->date, "line %llu: date %d, written '%s'", ln,
                               k->date, value ? value : "");
                    break;
                case 10: case 12:
                    v = value ? (c == 10 ? mb_med_type_parse(value) : mb_level_parse(value)) : -1;
                    FZ_REQUIRE("jsonl-as-written", v == (c == 10 ? k->med_type : k->level),
                               "line %llu: %s %d, written '%s'", ln, col_name[c], v,
                               value ? value : "");
                    break;
                case 18: case 19: case 20: {
                    int cls = MB_CLASS_A + (c - 18);
                    unsigned m = 0;
                    while (m < k->nitems && k->item_class[m] != cls)
                        m++;
                    if (value && u == UNIT_YUAN)
                        FZ_REQUIRE("jsonl-as-written", mb_amount_parse(value, &fen, err) == MB_OK,
                                   "line %llu: %s '%s' taken, not yuan", ln, col_name[c], value);
                    else if (value)
                        fen = strtoll(value, NULL, 10);
                    FZ_REQUIRE("jsonl-as-written", fen == 0 ? m == k->nitems
                                                            : m < k->nitems && k->item_fen[m] == fen,
                               "line %llu: %s written '%s', read %lld fen", ln, col_name[c],
                               value ? value : "", m < k->nitems ? (long long)k->item_fen[m] : 0LL);
                    break;
                }
                default:
                    break;
                }
                if (*j.p == '}') {
                    j.p++;
                    break;
                }
            }
        plain_ws(&j);
        FZ_REQUIRE("jsonl-as-written", ok && *j.p == '\0', "line %llu taken, but it is not "
                   "one JSON object of strings, numbers and nulls", ln);
        for (int c = 0; c < NCOL; c++) /* what the line does not give, the claim does not hold */
            if (!given[c] && (c == 11 || c == 13 || c == 14 || (c >= 18 && c <= 20))) {
                long t = c == 11 ? k->facility : c == 13 ? k->disease : c == 14 ? k->treatment
                                                                                 : NO_TEXT;
                int cls = MB_CLASS_A + (c - 18);
                bool item = false;
                for (unsigned m = 0; c >= 18 && m < k->nitems; m++)
                    item = item || k->item_class[m] == cls;
                FZ_REQUIRE("jsonl-as-written", t == NO_TEXT && !item,
                           "line %llu: %s read, not written", ln, col_name[c]);
            }
    }
}

static bool valid_med_type(int32_t v)
{
    static const int32_t known[] = {11, 13, 14, 21, 22, 23, 24, 41, 51, 52};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (v == known[i])
            return true;
    return false;
}

static bool valid_text(const char *s)
{
    return s == NULL || (s[0] != '\0' && mb_utf8_valid(s, strlen(s)));
}

/* What the reader promises of every claim it gives, then the library's checked calls, as
 * compare makes them: each takes the claim or says why (compare then refuses the row). */
static void check_claims(const reading *rd)
{
    const int64_t most = INT64_C(100000000000000);
    long enrollee = NO_TEXT - 1;
    for (size_t i = 0; i < rd->nclaims; i++) {
        const rec_claim *k = &rd->claim[i];
        const char *id = text_of(rd, k->claim_id);
        unsigned long long line = (unsigned long long)k->line;
        FZ_REQUIRE("claim-valid", id != NULL && valid_text(id) &&
                   text_of(rd, k->enrollee) != NULL && valid_text(text_of(rd, k->enrollee)) &&
                   valid_text(text_of(rd, k->designated)) &&
                   valid_text(text_of(rd, k->facility)) && valid_text(text_of(rd, k->disease)) &&
                   valid_text(text_of(rd, k->treatment)), "line %llu: a text is not UTF-8", line);
        FZ_REQUIRE("claim-valid", (k->scheme == MB_SCHEME_EMPLOYEE ||
                   k->scheme == MB_SCHEME_RESIDENT) && k->person_type >= 0 &&
                   k->person_type <= MB_PERSON_RESIDENT && valid_med_type(k->med_type) &&
                   k->level >= MB_LEVEL_PRIMARY && k->level <= MB_LEVEL_PHARMACY &&
                   (k->flags & ~0x3fu) == 0, "line %llu: scheme %d, person type %d, med_type "
                   "%d, level %d, flags %#x", line, k->scheme, k->person_type, k->med_type,
                   k->level, k->flags);
        FZ_REQUIRE("claim-valid", mb_date_valid(k->date) &&
                   (k->admitted == 0 || mb_date_valid(k->admitted)) &&
                   (k->discharged == 0 || mb_date_valid(k->discharged)) &&
                   (k->birth_date == 0 || mb_date_valid(k->birth_date)),
                   "line %llu: dates %d %d %d %d", line, k->date, k->admitted, k->discharged,
                   k->birth_date);
        FZ_REQUIRE("claim-valid", !k->has_account || (k->account_fen >= 0 &&
                   k->account_fen <= most), "line %llu: account %lld", line,
                   (long long)k->account_fen);
        for (unsigned d = 0; d < k->ndiseases; d++)
            FZ_REQUIRE("claim-valid", valid_text(text_of(rd, k->disease_name[d])) &&
                       text_of(rd, k->disease_name[d]) && mb_date_valid(k->certified_on[d]),
                       "line %llu: disease %u", line, d);
        for (unsigned d = 0; d < k->nassistance; d++)
            FZ_REQUIRE("claim-valid", valid_text(text_of(rd, k->assistance[d])) &&
                       text_of(rd, k->assistance[d]) && mb_date_valid(k->assistance_from[d]),
                       "line %llu: identity %u", line, d);
        for (unsigned j = 0; j < k->nitems; j++) /* A, B, C in that order, each once */
            FZ_REQUIRE("claim-valid", k->item_fen[j] > 0 && k->item_fen[j] <= most &&
                       k->item_class[j] >= MB_CLASS_A && k->item_class[j] <= MB_CLASS_C &&
                       (j == 0 || k->item_class[j] > k->item_class[j - 1]) &&
                       (k->item_class[j] == MB_CLASS_B
                            ? k->item_selfpay[j] >= -1 && k->item_selfpay[j] <= 10000
                            : k->item_selfpay[j] == -1),
                       "line %llu: item %u: %lld fen, class %d, self-pay %d", line, j,
                       (long long)k->item_fen[j], k->item_class[j], k->item_selfpay[j]);

        /* the library's checked calls */
        int rc;
        if (k->enrollee != enrollee) {
            enrollee = k->enrollee;
            mb_enrollee *e = NULL;
            rc = mb_enrollee_new(&e, text_of(rd, k->enrollee), k->scheme, k->person_type, err);
            if (rc == MB_OK && k->has_account)
                rc = mb_enrollee_set_account_balance(e, k->account_fen, err);
            if (rc == MB_OK && k->designated != NO_TEXT)
                rc = mb_enrollee_set_designated_facility(e, text_of(rd, k->designated), err);
            for (unsigned d = 0; rc == MB_OK && d < k->ndiseases; d++)
                rc = mb_enrollee_add_disease(e, text_of(rd, k->disease_name[d]),
                                             k->certified_on[d], 0, err);
            for (unsigned d = 0; rc == MB_OK && d < k->nassistance; d++)
                rc = mb_enrollee_add_assistance(e, text_of(rd, k->assistance[d]),
                                                k->assistance_from[d], 0, err);
            if (rc == MB_OK && k->birth_date)
                rc = mb_enrollee_set_birth_date(e, k->birth_date, err);
            if (rc != MB_OK)
                fz_check_error(rc, err, "an enrollee's checked calls");
            mb_enrollee_free(e);
        }
        mb_claim *c = NULL;
        rc = mb_claim_new(&c, id, k->date, k->med_type, text_of(rd, k->facility), k->level, err);
        if (rc == MB_OK && k->flags)
            rc = mb_claim_set_flags(c, k->flags, err);
        if (rc == MB_OK && k->disease != NO_TEXT)
            rc = mb_claim_set_disease(c, text_of(rd, k->disease), text_of(rd, k->treatment), err);
        if (rc == MB_OK && (k->admitted || k->discharged))
            rc = mb_claim_set_admission(c, k->admitted, k->discharged, err);
        for (unsigned j = 0; rc == MB_OK && j < k->nitems; j++)
            rc = mb_claim_add_item(c, k->item_fen[j], k->item_class[j], k->item_selfpay[j], err);
        if (rc != MB_OK)
            fz_check_error(rc, err, "a claim's checked calls");
        mb_claim_free(c);
    }
}

/* ---- the harness's writer ------------------------------------------------------------------- */

typedef struct out {
    char *p;
    size_t n, cap;
} out;

static void put(out *o, const char *s, size_t n)
{
    o->p = grow(o->p, &o->cap, o->n + n + 1, 1);
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void putf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(out *o, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put(o, buf, (size_t)n);
}


/* Whether byte w writes amounts in yuan. */
static bool writes_yuan(unsigned w)
{
    unsigned form = w & WRITER_AMOUNT;
    return form == 1 || form == 3 || (form == 2 && (w & WRITER_BARE_YUAN));
}

/* fen as w writes amounts: whole fen, or yuan with two decimals or as few as it needs. */
static void put_amount(out *o, int64_t fen, unsigned w)
{
    long long y = (long long)(fen / 100), f = (long long)(fen % 100);
    if (!writes_yuan(w))
        putf(o, "%lld", (long long)fen);
    else if ((w & WRITER_AMOUNT) == 3 && f == 0)
        putf(o, "%lld", y);
    else if ((w & WRITER_AMOUNT) == 3 && f % 10 == 0)
        putf(o, "%lld.%lld", y, f / 10);
    else
        putf(o, "%lld.%02lld", y, f);
}

/* A value as text (into o, NUL-terminated at o->p[0..]), or false when not given. */
static bool value_of(const reading *rd, const rec_claim *k, int c, unsigned w, out *o)
{
    o->n = 0;
    char date[16];
    switch (c) {
    case 0: puts_(o, text_of(rd, k->enrollee)); break;
    case 1:
        puts_(o, k->scheme == MB_SCHEME_EMPLOYEE ? (w & WRITER_CODES ? "310" : "employee")
                                                 : (w & WRITER_CODES ? "390" : "resident"));
        break;
    case 2: {
        static const char *const names[] = {NULL, "in_service", "retired", "veteran", "resident"};
        if (k->person_type == 0)
            return false;
        puts_(o, names[k->person_type]);
        break;
    }
    case 3:
        if (!k->has_account)
            return false;
        put_amount(o, k->account_fen, w);
        break;
    case 4:
        if (k->designated == NO_TEXT)
            return false;
        puts_(o, text_of(rd, k->designated));
        break;
    case 5: case 6: {
        unsigned n = c == 5 ? k->ndiseases : k->nassistance;
        if (n == 0)
            return false;
        for (unsigned d = 0; d < n; d++) {
            if (d)
                puts_(o, ";");
            puts_(o, text_of(rd, c == 5 ? k->disease_name[d] : k->assistance[d]));
            putf(o, "@%s", mb_date_text(c == 5 ? k->certified_on[d] : k->assistance_from[d],
                                        date));
        }
        break;
    }
    case 7:
        if (k->birth_date == 0)
            return false;
        puts_(o, mb_date_text(k->birth_date, date));
        break;
    case 8: puts_(o, text_of(rd, k->claim_id)); break;
    case 9: puts_(o, mb_date_text(k->date, date)); break;
    case 10: {
        static const struct { int code; const char *name; } types[] = {
            {11, "general_outpatient"}, {13, "emergency"}, {14, "chronic"}, {21, "inpatient"},
            {22, "trauma_inpatient"}, {23, "referred_out_inpatient"},
            {24, "emergency_inpatient"}, {41, "pharmacy"}, {51, "maternity_outpatient"},
            {52, "maternity_inpatient"}};
        if (w & WRITER_CODES) {
            putf(o, "%d", k->med_type);
            break;
        }
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
            if (types[t].code == k->med_type)
                puts_(o, types[t].name);
        break;
    }
    case 11: case 13: case 14: {
        long at = c == 11 ? k->facility : c == 13 ? k->disease : k->treatment;
        if (at == NO_TEXT)
            return false;
        puts_(o, text_of(rd, at));
        break;
    }
    case 12: {
        static const char *const names[] = {NULL, "primary", "secondary", "tertiary", "pharmacy"};
        if ((w & WRITER_CODES) && k->level <= MB_LEVEL_TERTIARY)
            putf(o, "%d", k->level);
        else
            puts_(o, names[k->level]);
        break;
    }
    case 15: case 16: {
        int32_t d = c == 15 ? k->admitted : k->discharged;
        if (d == 0)
            return false;
        puts_(o, mb_date_text(d, date));
        break;
    }
    case 17: {
        static const char *const names[] = {"referral", "emergency", "out_of_area",
                                            "designated_specialty", "out_of_province",
                                            "no_account"};
        if (k->flags == 0)
            return false;
        for (unsigned b = 0, first = 1; b < 6; b++)
            if (k->flags & 1u << b) {
                putf(o, "%s%s", first ? "" : "|", names[b]);
                first = 0;
            }
        break;
    }
    case 18: case 19: case 20: case 21: {
        int cls = c == 21 ? MB_CLASS_B : MB_CLASS_A + (c - 18);
        unsigned j = 0;
        while (j < k->nitems && k->item_class[j] != cls)
            j++;
        if (j == k->nitems || (c == 21 && k->item_selfpay[j] < 0))
            return false;
        if (c == 21) {
            int bp = k->item_selfpay[j];
            putf(o, "%d.%02d%%", bp / 100, bp % 100);
            break;
        }
        put_amount(o, k->item_fen[j], w);
        break;
    }
    }
    o->p[o->n] = '\0';
    return true;
}

static const char *amount_suffix(unsigned w)
{
    unsigned form = w & WRITER_AMOUNT;
    return form == 0 ? "_fen" : form == 2 ? "" : "_yuan";
}

/* RFC 4180: quoted when it holds a comma, a quote (doubled) or a line end, or always. */
static void csv_field(out *o, const char *s, unsigned w)
{
    if (!(w & WRITER_QUOTE) && strpbrk(s, ",\"\r\n") == NULL) {
        puts_(o, s);
        return;
    }
    puts_(o, "\"");
    for (const char *p = s; *p; p++)
        puts_(o, *p == '"' ? "\"\"" : (char[2]){*p, 0});
    puts_(o, "\"");
}

static void json_text(out *o, const char *s, unsigned w)
{
    puts_(o, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '"' || *p == '\\') {
            putf(o, "\\%c", *p++);
        } else if (*p < 0x20) {
            putf(o, "\\u%04x", *p++);
        } else if (*p < 0x80 || !(w & WRITER_QUOTE)) {
            put(o, (const char *)p++, 1);
        } else { /* \u escapes, a surrogate pair beyond the BMP */
            unsigned cp, n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
            cp = *p & (0x7f >> n);
            for (unsigned i = 1; i < n; i++)
                cp = cp << 6 | (p[i] & 0x3f);
            p += n;
            if (cp >= 0x10000)
                putf(o, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
                     0xdc00 + ((cp - 0x10000) & 0x3ff));
            else
                putf(o, "\\u%04x", cp);
        }
    }
    puts_(o, "\"");
}

/* The claims of rd as a file of `format`, written as byte w says. */
static void write_claims(const reading *rd, claims_format format, unsigned w, out *o)
{
    static out v;
    o->n = 0;
    int order[NCOL];
    for (int c = 0; c < NCOL; c++)
        order[c] = format == CLAIMS_CSV && (w & WRITER_SHUFFLE) ? NCOL - 1 - c : c;
    const char *eol = format == CLAIMS_CSV && (w & WRITER_ALT) ? "\r\n" : "\n";
    if (format == CLAIMS_CSV) {
        for (int i = 0; i < NCOL; i++) {
            int c = order[i];
            putf(o, "%s%s%s", i ? "," : "", col_name[c], is_amount(c) ? amount_suffix(w) : "");
        }
        puts_(o, eol);
    }
    for (size_t i = 0; i < rd->nclaims; i++) {
        const rec_claim *k = &rd->claim[i];
        bool first = i == 0 || strcmp(text_of(rd, k->enrollee),
                                      text_of(rd, rd->claim[i - 1].enrollee)) != 0;
        bool any = false;
        if (format == CLAIMS_JSONL)
            puts_(o, "{");
        for (int m = 0; m < NCOL; m++) {
            int c = format == CLAIMS_JSONL && (w & WRITER_SHUFFLE) ? (int)((m + i) % NCOL)
                                                                  : order[m];
            bool given = (first || c == 0 || c >= FIRST_CLAIM || (w & WRITER_REPEAT)) &&
                         value_of(rd, k, c, w, &v);
            if (format == CLAIMS_CSV) {
                if (m)
                    puts_(o, ",");
                if (given)
                    csv_field(o, v.p, w);
                continue;
            }
            if (!given && !(w & WRITER_REPEAT))
                continue;
            putf(o, "%s\"%s%s\":", any ? "," : "", col_name[c],
                 is_amount(c) ? amount_suffix(w) : "");
            any = true;
            if (!given)
                puts_(o, "null");
            else if (is_amount(c) && !(w & WRITER_ALT))
                puts_(o, v.p); /* a JSON number, as written */
            else
                json_text(o, v.p, w);
        }
        puts_(o, format == CLAIMS_JSONL ? "}\n" : eol);
    }
}

/* ---- the target ----------------------------------------------------------------------------- */

static reading first, again, hop;
static out written;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    err = mb_error_new();
    /* a reader is 12 MB of tables, touched only as far as a chunk needs them: mapped afresh
     * each time (zero pages), not taken from a heap that calloc must clear */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    for (int k = 0; k < 2; k++) {
        file_fd[k] = memfd_create(k ? "rewritten" : "claims", 0);
        if (file_fd[k] < 0)
            abort();
        snprintf(file_path[k], sizeof file_path[k], "/proc/self/fd/%d", file_fd[k]);
    }
    return err ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (setjmp(fz_drop))
        return -1;
    if (size < HEADER)
        return 0;
    claims_format format = data[0] & 1 ? CLAIMS_JSONL : CLAIMS_CSV;
    claims_unit unit = (claims_unit)((data[0] >> 1 & 3) % 3); /* undeclared, fen, yuan */
    size_t block = data[1] | (size_t)(data[2] & 7) << 8, rows = data[2] >> 3;
    unsigned w = data[3];
    const uint8_t *file = data + HEADER;
    size_t n = size - HEADER;

    const char *path = put_file(0, file, n);
    read_file(&first, path, format, unit, 0, 0);
    read_file(&again, path, format, unit, block, rows);
    check_same(&first, &again, true, "read-twice-same", "the file read again");
    find_lines(file, n);
    check_refusals(&first, file, n, format, path);
    check_not_text(&first, file, n, format);
    if (format == CLAIMS_CSV)
        check_csv_as_written(&first, file, n, unit);
    else
        check_jsonl_as_written(&first, file, n, unit);
    check_claims(&first);
    if (!first.opened)
        return 0;

    /* the other format, amounts as w says; then this format, amounts in the other unit */
    claims_format other = format == CLAIMS_CSV ? CLAIMS_JSONL : CLAIMS_CSV;
    claims_unit bare = w & WRITER_BARE_YUAN ? UNIT_YUAN : UNIT_FEN;
    write_claims(&first, other, w, &written);
    FZ_TRACE("the claims written as %s:\n%.*s", other == CLAIMS_CSV ? "CSV" : "JSON Lines",
             (int)written.n, written.p);
    read_file(&hop, put_file(1, written.p, written.n), other, bare, block, rows);
    check_same(&first, &hop, false, "differential-format",
               other == CLAIMS_CSV ? "JSON Lines written as CSV" : "CSV written as JSON Lines");
    bool yuan = writes_yuan(w);
    unsigned w2 = (w & ~(WRITER_AMOUNT | WRITER_BARE_YUAN)) | (yuan ? 0u : 1u);
    write_claims(&hop, format, w2, &written);
    FZ_TRACE("written again as %s:\n%.*s", format == CLAIMS_CSV ? "CSV" : "JSON Lines",
             (int)written.n, written.p);
    read_file(&again, put_file(1, written.p, written.n), format, bare, block, rows);
    check_same(&first, &again, false, "differential-unit",
               yuan ? "amounts in yuan written in fen" : "amounts in fen written in yuan");
    return 0;
}
