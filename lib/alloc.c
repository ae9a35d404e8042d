/* Every heap allocation of the library and of libcyaml (through mb_cyaml_mem) goes through
 * here, so a caller's allocator (and the tests' failing allocator) sees all of them. libyaml's
 * own, which no hook reaches, are in include/medbenefit.h (mb_set_allocator). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "arena.h"

static void *default_alloc(void *ctx, size_t size) { (void)ctx; return malloc(size); }
static void *default_realloc(void *ctx, void *p, size_t size) { (void)ctx; return realloc(p, size); }
static void default_free(void *ctx, void *p) { (void)ctx; free(p); }

static mb_allocator allocator = {default_alloc, default_realloc, default_free, NULL};

int mb_set_allocator(const mb_allocator *a)
{
    if (a == NULL || a->alloc == NULL || a->realloc == NULL || a->free == NULL) {
        allocator = (mb_allocator){default_alloc, default_realloc, default_free, NULL};
        return MB_OK;
    }
    allocator = *a;
    return MB_OK;
}

void *mb_alloc(size_t size) { return size ? allocator.alloc(allocator.ctx, size) : NULL; }

void *mb_calloc(size_t n, size_t size)
{
    if (n != 0 && size > SIZE_MAX / n)
        return NULL;
    void *p = mb_alloc(n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void *mb_realloc(void *ptr, size_t size)
{
    if (size == 0) {
        mb_free(ptr);
        return NULL;
    }
    return ptr ? allocator.realloc(allocator.ctx, ptr, size) : mb_alloc(size);
}

void mb_free(void *ptr)
{
    if (ptr != NULL)
        allocator.free(allocator.ctx, ptr);
}

char *mb_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = mb_alloc(n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

void *mb_cyaml_mem(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return mb_realloc(ptr, size);
}

/* ---- arena: a ruleset's tables live in a few large blocks, freed together ---------------- */

/* Under AddressSanitizer a block's room is poisoned until handed out, and each allocation is
 * followed by a poisoned red zone: a table written past its end (a growth check gone wrong)
 * is reported, as it would be were each table its own malloc. */
#if defined(__SANITIZE_ADDRESS__)
#define MB_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MB_ARENA_ASAN 1
#endif
#endif
#ifdef MB_ARENA_ASAN
#include <sanitizer/asan_interface.h>
enum { ARENA_RED_ZONE = 16 };
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
enum { ARENA_RED_ZONE = 0 };
#endif

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

static long arena_countdown; /* tests: arena allocations until one fails; 0: none will */

long mb_arena_fail_at(long n)
{
    long left = arena_countdown;
    arena_countdown = n > 0 ? n : 0;
    return left;
}

void *mb_arena_alloc(mb_arena *a, size_t size)
{
    if (arena_countdown > 0 && --arena_countdown == 0)
        return NULL;
    size_t asked = size;
    size = (size + ARENA_RED_ZONE + 15) & ~(size_t)15;
    struct arena_block *b = a->head;
    if (b == NULL || b->cap - b->used < size) {
        size_t cap = size > 16384 ? size : 16384;
        b = mb_alloc(sizeof *b + cap);
        if (b == NULL)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
        ASAN_POISON_MEMORY_REGION(b->data, cap);
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    ASAN_UNPOISON_MEMORY_REGION(p, asked);
    memset(p, 0, asked);
    return p;
}

char *mb_arena_strdup(mb_arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = mb_arena_alloc(a, n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

void mb_arena_free(mb_arena *a)
{
    struct arena_block *b = a->head;
    while (b != NULL) {
        struct arena_block *next = b->next;
        ASAN_UNPOISON_MEMORY_REGION(b->data, b->cap);
        mb_free(b);
        b = next;
    }
    a->head = NULL;
}
