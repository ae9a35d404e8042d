/* A minimal test harness: each CHECK prints what was expected, what came, and why, on failure.
 * Each test program ends with "N passed, N failed" so that .ci/run can sum every suite. */
#ifndef MB_TEST_CHECK_H
#define MB_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;

/* Whether s is well-formed UTF-8: every sequence whole, its continuation bytes where they
 * belong (what Python's and Java's decoders of the bindings refuse). */
static inline int check_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int more = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (more < 0)
            return 0;
        p++;
        for (; more > 0; more--, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

#define CHECK(cond, why)                                                                       \
    do {                                                                                       \
        if (cond) {                                                                            \
            check_passed++;                                                                    \
        } else {                                                                               \
            check_failed++;                                                                    \
            fprintf(stderr, "%s:%d: FAIL %s — %s\n", __FILE__, __LINE__, #cond, why);         \
        }                                                                                      \
    } while (0)

/* Amounts in fen: prints both in yuan on failure. */
#define CHECK_FEN(got, want, why)                                                              \
    do {                                                                                       \
        int64_t got_ = (got), want_ = (want);                                                  \
        if (got_ == want_) {                                                                   \
            check_passed++;                                                                    \
        } else {                                                                               \
            check_failed++;                                                                    \
            fprintf(stderr, "%s:%d: FAIL %s: expected %" PRId64 " fen, got %" PRId64          \
                            " fen — %s\n", __FILE__, __LINE__, #got, want_, got_, why);        \
        }                                                                                      \
    } while (0)

#define CHECK_RC(got, want, why)                                                               \
    do {                                                                                       \
        int got_ = (got), want_ = (want);                                                      \
        if (got_ == want_) {                                                                   \
            check_passed++;                                                                    \
        } else {                                                                               \
            check_failed++;                                                                    \
            fprintf(stderr, "%s:%d: FAIL %s: expected %s, got %s — %s\n", __FILE__, __LINE__,  \
                    #got, mb_status_name(want_), mb_status_name(got_), why);                   \
        }                                                                                      \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
