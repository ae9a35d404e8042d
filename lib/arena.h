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
#endif
