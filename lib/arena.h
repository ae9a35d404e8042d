/* A bump allocator for data that lives and dies together (a compiled ruleset). */
#ifndef MB_ARENA_H
#define MB_ARENA_H
#include <stddef.h>

typedef struct mb_arena {
    struct arena_block *head;
} mb_arena;

void *mb_arena_alloc(mb_arena *a, size_t size); /* zeroed; NULL when out of memory */
char *mb_arena_strdup(mb_arena *a, const char *s);
void mb_arena_free(mb_arena *a);

/* For tests only (tests/unit/test_arena_faults.c): the `n`th arena allocation from now fails
 * (1: the next), as one does when the block it needs cannot be had, so that every caller's
 * out-of-memory path can be reached; 0: none fails. Returns how many were still to go before
 * the previous setting's failure (0: it happened, or none was set). Not thread-safe. */
long mb_arena_fail_at(long n);
#endif
