/* Internal declarations shared by the library's sources. Not installed. */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "medbenefit.h"

/* ---- allocator (alloc.c) ------------------------------------------------------------------ */
void *mb_alloc(size_t size);
void *mb_calloc(size_t n, size_t size);
void *mb_realloc(void *ptr, size_t size);
void mb_free(void *ptr);
char *mb_strdup(const char *s);
/* The libcyaml mem_fn adapter: routes the parser through the same allocator. */
void *mb_cyaml_mem(void *ctx, void *ptr, size_t size);

/* ---- errors (error.c) --------------------------------------------------------------------- */
#define MB_MSG_MAX 512
#define MB_FILE_MAX 256
#define MB_KEY_MAX 128
struct mb_error {
    int status;
    int line;
    char file[MB_FILE_MAX];
    char key[MB_KEY_MAX];
    char message[MB_MSG_MAX];
};
/* Record a failure and return `status`, so callers can write `return mb_fail(err, ...)`. */
int mb_fail(mb_error *err, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a location (file, line, key). */
int mb_fail_at(mb_error *err, int status, const char *file, int line, const char *key,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---- money (money.c): the one place where ratios meet amounts ------------------------------ */
#define MB_BP_ONE 10000           /* 100% in basis points */
#define MB_MONEY_MAX INT64_C(100000000000000) /* 10^12 yuan in fen: anything above is absurd */
#define MB_UNLIMITED INT64_C(-1)  /* a cap with no limit */
#define MB_ABSENT INT64_MIN       /* a table cell the ruleset leaves empty */
/* An amount in fen as the two arguments of "%lld.%02lld" (yuan), for messages; >= 0. */
#define MB_YUAN_ARGS(fen) (long long)((fen) / 100), (long long)((fen) % 100)
/* Sum of amount_i x bp_i accumulated exactly (units of fen/10000), then rounded once. */
typedef struct { __int128 acc; } mb_prorata;
static inline void mb_prorata_add(mb_prorata *p, int64_t amount, int32_t bp) { p->acc += (__int128)amount * bp; }
int64_t mb_prorata_round_wide(const mb_prorata *p);
static inline int64_t mb_prorata_round(const mb_prorata *p)
{
    if (p->acc <= 0)
        return 0;
    if (p->acc <= INT64_MAX - MB_BP_ONE / 2) /* the usual case: a 64-bit division, same result */
        return ((int64_t)p->acc + MB_BP_ONE / 2) / MB_BP_ONE;
    return mb_prorata_round_wide(p);
}
/* amount x bp / 10000, rounded half up to the fen. Both inputs are non-negative and bounded. */
static inline int64_t mb_apply_ratio(int64_t amount, int32_t bp)
{
    mb_prorata p = {(__int128)amount * bp};
    return mb_prorata_round(&p);
}
/* a + b, a - b: false when the result would pass ±MB_MONEY_MAX (or overflow int64). */
static inline bool mb_add_checked(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r) || r > MB_MONEY_MAX || r < -MB_MONEY_MAX)
        return false;
    *out = r;
    return true;
}
static inline bool mb_sub_checked(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r) || r > MB_MONEY_MAX || r < -MB_MONEY_MAX)
        return false;
    *out = r;
    return true;
}
/* An amount an enrollee keeps (a balance, an accumulator): 0..MB_MONEY_MAX, else
 * MB_E_INVALID_AMOUNT saying "<what> <fen> fen is negative" (or absurd). */
int mb_amount_check(int64_t fen, const char *what, mb_error *err);
/* Clear `n` bytes, a size known when compiling, 64 at a time: for more at once, gcc's generic
 * tuning emits `rep stos`, whose start-up cost a settlement more time than the stores do
 * (the result's head and a columnar row's bill: docs/performance.md). */
static inline void mb_zero(void *p, size_t n)
{
    char *c = p;
    for (; n >= 64; n -= 64, c += 64)
        memset(c, 0, 64);
    memset(c, 0, n);
}
static inline int64_t mb_min64(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t mb_max64(int64_t a, int64_t b) { return a > b ? a : b; }
/* How much of [a0, a1) lies in [b0, b1), b1 MB_UNLIMITED for no end: the part of a claim's
 * span of a year's base that falls in a band or under a deductible. */
static inline int64_t mb_overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = mb_max64(a0, b0);
    int64_t hi = b1 == MB_UNLIMITED ? a1 : mb_min64(a1, b1);
    return hi > lo ? hi - lo : 0;
}

/* ---- dates (date.c) ----------------------------------------------------------------------- */
/* A day number: days since 1970-01-01. Dates cross the API as YYYYMMDD. */
bool mb_date_valid(int32_t ymd);
int32_t mb_date_to_days(int32_t ymd);
int32_t mb_days_to_date(int32_t days);
static inline int mb_date_year(int32_t ymd) { return ymd / 10000; }
static inline int mb_date_month(int32_t ymd) { return (ymd / 100) % 100; }
static inline int mb_date_quarter(int32_t ymd) { return (mb_date_month(ymd) - 1) / 3 + 1; }
/* The first day of the month of `ymd`, plus `months` months. */
int32_t mb_month_start(int32_t ymd, int months);
/* The last day of the month of `ymd`. */
int32_t mb_month_end(int32_t ymd);
/* A date as YYYY-MM-DD, as rulesets and scenarios write it (an invalid one as its number), for
 * messages. */
const char *mb_date_text(int32_t ymd, char buf[16]);
/* `ymd` plus `months` months, clamped to the month's length (2024-02-29 + 12 = 2025-02-28). */
int32_t mb_add_months(int32_t ymd, int months);

/* ---- hashing (hash.c): strings become 64-bit keys before the hot path ---------------------- */
uint64_t mb_hash(const char *s);
uint64_t mb_hash_bytes(uint64_t h, const void *data, size_t len);
uint64_t mb_hash_join(const char *a, const char *b); /* hash of "a\x1fb" */
uint32_t mb_crc32(const void *data, size_t len);

/* ---- codes (codes.c) ---------------------------------------------------------------------- */
#define MB_CATEGORY_COUNT 12
int mb_category_parse(const char *text); /* 0..11, or MB_E_UNKNOWN_CODE */
const char *mb_category_name(int category);
const char *mb_category_label(int category); /* 特困人员 … */
/* Whether a claim type is a stay: 21-24 and 52 carry admission dates. */
bool mb_med_inpatient(int med_type);
/* Every claim type the library settles, for what is kept by claim type (plan.c, columns.c). */
enum { MB_MED_TYPE_COUNT = 10 };
extern const int mb_med_types[MB_MED_TYPE_COUNT];
enum { MB_PERIOD_NONE = 0 }; /* MB_PERIOD_YEAR and MB_PERIOD_QUARTER: medbenefit.h */
/* The period a date falls in: the year 2023, the quarter 20232; 0 for no period. */
static inline int mb_period_code(int period_kind, int32_t ymd)
{
    switch (period_kind) {
    case MB_PERIOD_YEAR: return mb_date_year(ymd);
    case MB_PERIOD_QUARTER: return mb_date_year(ymd) * 10 + mb_date_quarter(ymd);
    default: return 0;
    }
}

/* ---- strings (utf8.c) --------------------------------------------------------------------- */
bool mb_utf8_valid(const char *s, size_t len);
/* The same, with the offset of the first invalid byte in *bad when it fails. */
bool mb_utf8_prefix(const char *s, size_t len, size_t *bad);
/* Drop, in place, every byte of `s` (NUL-terminated) that is not part of a whole UTF-8
 * character: text cut to a buffer (snprintf) inside a character, anywhere in a message built
 * of such pieces, comes out valid. */
void mb_utf8_scrub(char *s);
/* Each of the eight bytes of w that a JSON string cannot hold as it is (a control character, a
 * quote, a backslash) as its high bit: a byte is below 0x20 when subtracting 0x20 borrows into
 * its top bit while its own is clear, and equals q when w ^ q has a zero byte. The lowest bit
 * set is exact, those above it may not be; zero is exact: nothing to escape. */
static inline uint64_t mb_json_string_stops(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = ones << 7;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
            ((backslash - ones) & ~backslash)) & highs;
}
/* The edit distance of two short words (up to 40 bytes), or cap + 1 when it is more than cap:
 * for "did you mean". */
int mb_edit_distance(const char *a, const char *b, int cap);
/* Copy the name up to its first parenthesis ('(' or '（'), trimmed. */
void mb_short_name(const char *name, char *out, size_t cap);

#endif
