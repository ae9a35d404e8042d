/* A minimal test harness: each CHECK prints what was expected, what came, and why, on failure.
 * Each test program ends with "N passed, N failed" so that .ci/run can sum every suite. */
#ifndef MB_TEST_CHECK_H
#define MB_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;

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
