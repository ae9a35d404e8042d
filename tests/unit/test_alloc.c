/* Allocation (lib/alloc.c): what the allocator hook is and is not asked for, and out of memory
 * inside a ruleset's tables.
 *
 * A compiled ruleset lives in an arena of 16 KiB
 * blocks (lib/alloc.c), so failing the Nth allocation of the allocator (test_oom.c) reaches only
 * the arena allocations that open a block; which ones those are depends on the ruleset's size,
 * and in another ruleset any can be. lib/arena.h lets this test fail the Nth arena allocation
 * itself, for N = 1, 2, ... through the load of every bundled ruleset: each failed load returns
 * MB_E_NOMEM with a report naming the ruleset, gives no ruleset, and leaves nothing allocated;
 * the load after it gives the same ruleset as before. */
#include <string.h>

#include "arena.h"
#include "check.h"
#include "internal.h"
#include "fingerprint.h"
#include "fixtures.h"
#include "medbenefit.h"

enum { MAX_RULESETS = 32 };

static long live;  /* blocks the library holds */
static long asked; /* calls to the hook's alloc and realloc */

static void *t_alloc(void *ctx, size_t size)
{
    (void)ctx;
    asked++;
    void *p = malloc(size);
    live += p != NULL;
    return p;
}

static void *t_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    asked++;
    void *p = realloc(ptr, size);
    live += p != NULL && ptr == NULL;
    return p;
}

static void t_free(void *ctx, void *ptr)
{
    (void)ctx;
    live -= ptr != NULL;
    free(ptr);
}

/* mb_set_allocator takes a whole table or none: one with a function missing puts malloc,
 * realloc and free back. Requests that can only fail are answered without asking the hook. */
static void the_hook_is_asked_only_what_it_can_answer(void)
{
    mb_allocator a = {t_alloc, t_realloc, t_free, NULL};
    const mb_allocator partial[] = {{NULL, t_realloc, t_free, NULL},
                                    {t_alloc, NULL, t_free, NULL},
                                    {t_alloc, t_realloc, NULL, NULL}};
    for (size_t i = 0; i < 3; i++) {
        CHECK_RC(mb_set_allocator(&partial[i]), MB_OK, "a table with a function missing");
        long before = asked;
        mb_free(mb_alloc(16));
        CHECK(asked == before, "puts the default allocator back");
    }
    CHECK_RC(mb_set_allocator(&a), MB_OK, "the counting allocator");
    long before = asked;
    CHECK(mb_alloc(0) == NULL && asked == before, "nothing is allocated for nothing");
    CHECK(mb_calloc(0, 16) == NULL && asked == before, "nor for no elements");
    CHECK(mb_calloc(SIZE_MAX / 8 + 1, 16) == NULL && asked == before,
          "a count times size that overflows is refused before the hook");
    void *p = mb_calloc(4, 8);
    CHECK(p != NULL && asked == before + 1 && ((char *)p)[31] == 0, "calloc zeroes");
    CHECK(mb_realloc(p, 0) == NULL && live == 0, "realloc to nothing frees");
    mb_arena arena = {NULL};
    CHECK(mb_arena_strdup(&arena, NULL) == NULL && arena.head == NULL, "no copy of no string");
    char *big = mb_arena_alloc(&arena, 100000);
    CHECK(big != NULL && big[99999] == 0, "a request above the block size gets a block of its own");
    mb_arena_free(&arena);
    CHECK(live == 0, "the arena frees its blocks");
}

/* The whole of rulesets/<id>.yaml, in the test's own memory. */
static char *read_ruleset(const char *id, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rulesets/%s.yaml", MB_SOURCE_ROOT, id);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    static char buf[1 << 20];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* Every arena allocation of the load of `id` fails in turn; returns how many there are. */
static long fail_each_arena_allocation(const char *id, mb_error *err)
{
    size_t len = 0;
    const char *text = read_ruleset(id, &len);
    CHECK(text != NULL, "the ruleset file reads");
    if (text == NULL)
        return 0;
    char name[160];
    snprintf(name, sizeof name, "%s.yaml", id);
    mb_ruleset *rs = NULL;
    fingerprint want = {0}, got = {0};
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, name, err), MB_OK, "a plain load");
    fp_ruleset(&want, rs);
    mb_ruleset_free(rs);

    long n, bad_status = 0, bad_report = 0, leaked = 0, handles = 0, reloads = 0;
    for (n = 1;; n++) {
        long live0 = live;
        rs = (mb_ruleset *)&rs;
        mb_arena_fail_at(n);
        int rc = mb_ruleset_load_buffer(&rs, text, len, name, err);
        if (mb_arena_fail_at(0) > 0) { /* the load made fewer than n arena allocations */
            CHECK_RC(rc, MB_OK, "a load past its last arena allocation succeeds");
            mb_ruleset_free(rc == MB_OK ? rs : NULL);
            break;
        }
        if (rc != MB_E_NOMEM && bad_status++ == 0)
            fprintf(stderr, "  %s, arena allocation %ld: %s: %s\n", id, n, mb_status_name(rc),
                    mb_error_message(err));
        if (rc == MB_E_NOMEM && (mb_error_status(err) != MB_E_NOMEM ||
                                 strstr(mb_error_message(err), id) == NULL) &&
            bad_report++ == 0)
            fprintf(stderr, "  %s, arena allocation %ld: report '%s'\n", id, n,
                    mb_error_message(err));
        if (rc != MB_OK && rs != NULL && handles++ == 0)
            fprintf(stderr, "  %s, arena allocation %ld: a failed load gave a ruleset\n", id, n);
        if (rc == MB_OK)
            mb_ruleset_free(rs);
        if (live != live0 && leaked++ == 0)
            fprintf(stderr, "  %s, arena allocation %ld: %ld blocks left\n", id, n, live - live0);
        /* now and then, the load after a failure gives the ruleset again */
        if (n % 97 == 1) {
            CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, name, err), MB_OK, "reload");
            got.len = 0;
            fp_ruleset(&got, rs);
            reloads += !fp_same(&got, &want);
            mb_ruleset_free(rs);
        }
    }
    CHECK(bad_status == 0, "a failed arena allocation fails the load with MB_E_NOMEM");
    CHECK(bad_report == 0, "the report says nomem and names the ruleset (its file or its id)");
    CHECK(handles == 0, "a failed load gives no ruleset");
    CHECK(leaked == 0, "a failed load frees all it allocated");
    CHECK(reloads == 0, "the load after a failure gives the same ruleset");
    fp_free(&want);
    fp_free(&got);
    return n - 1;
}

int main(void)
{
    mb_allocator a = {t_alloc, t_realloc, t_free, NULL};
    CHECK_RC(mb_set_allocator(&a), MB_OK, "a counting allocator");
    the_hook_is_asked_only_what_it_can_answer();
    mb_error *err = mb_error_new();
    static char ids[MAX_RULESETS][128];
    size_t n = fx_bundled_ids(ids, MAX_RULESETS);
    CHECK(n >= MB_TEST_RULESETS, "the bundled rulesets are listed");
    long total = 0;
    for (size_t i = 0; i < n && i < MAX_RULESETS; i++) {
        long made = fail_each_arena_allocation(ids[i], err);
        CHECK(made > 10, "the ruleset's tables are allocated from its arena");
        total += made;
    }
    printf("%zu rulesets, %ld arena allocations, each failed in turn\n", n, total);
    mb_error_free(err);
    fx_done();
    CHECK(live == 0, "nothing is left allocated");
    mb_set_allocator(NULL);
    return check_summary();
}
