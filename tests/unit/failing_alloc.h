/* An allocator for mb_set_allocator that counts the library's allocations and fails them on
 * demand, shared by the out-of-memory tests: in TRANSIENT mode the allocation number fail_at
 * (1-based, counted since fa_arm) fails alone, in PERSISTENT mode it and every later one; live
 * counts the blocks not yet freed, so that a leak shows as a count that does not come back.
 * While `paused` (a test's own bookkeeping through the library, such as saving to compare
 * bytes) allocations pass through uncounted. One process-wide state: not for threads. */
#ifndef MB_TEST_FAILING_ALLOC_H
#define MB_TEST_FAILING_ALLOC_H

#include <stdlib.h>

#include "medbenefit.h"

typedef enum { WORKING, TRANSIENT, PERSISTENT } fault_mode;

static struct {
    long calls;       /* allocations counted since fa_arm */
    long fail_at;     /* the allocation (1-based) that fails first */
    fault_mode mode;  /* WORKING: none fails */
    int failed;       /* an allocation was made to fail since `failed` was cleared */
    int paused;       /* allocations pass through uncounted */
    long live;        /* blocks allocated and not yet freed */
} fa;

static inline int fa_should_fail(void)
{
    if (fa.paused)
        return 0;
    long n = ++fa.calls;
    int fail = (fa.mode == TRANSIENT && n == fa.fail_at) ||
               (fa.mode == PERSISTENT && n >= fa.fail_at);
    fa.failed |= fail;
    return fail;
}

static inline void *fa_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (fa_should_fail())
        return NULL;
    void *p = malloc(size);
    fa.live += p != NULL;
    return p;
}

static inline void *fa_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if (fa_should_fail())
        return NULL; /* as realloc does: the old block stays */
    void *p = realloc(ptr, size);
    fa.live += p != NULL && ptr == NULL;
    return p;
}

static inline void fa_free(void *ctx, void *ptr)
{
    (void)ctx;
    if (ptr != NULL) {
        fa.live--;
        free(ptr);
    }
}

/* Install the allocator (before the first handle is made: blocks of another allocator must
 * not reach fa_free). */
static inline int fa_install(void)
{
    mb_allocator a = {fa_alloc, fa_realloc, fa_free, NULL};
    return mb_set_allocator(&a);
}

/* Count from 0 again; fail as `mode` says from allocation `fail_at`. */
static inline void fa_arm(long fail_at, fault_mode mode)
{
    fa.calls = 0;
    fa.fail_at = fail_at;
    fa.mode = mode;
    fa.failed = 0;
}

#endif
