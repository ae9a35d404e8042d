/* Out of memory: an allocator that fails the Nth allocation, for N = 1, 2, 3, ... until a run
 * completes without reaching N. Every failure is MB_E_NOMEM (or the call succeeds), nothing
 * crashes, nothing leaks (counted here, and by ASan's leak checker when the suite runs under
 * it), and settlement itself never allocates (lib/alloc.c, include/medbenefit.h section 5).
 * libyaml's own allocations bypass the allocator: test_oom_malloc.c fails those. Public API
 * only. */
#include <string.h>

#include "check.h"
#include "medbenefit.h"

#define CHANGZHOU_FILE "rulesets/changzhou-employee-outpatient-2023.yaml"
#define YUAN(y) ((int64_t)(y) * 100)

/* ---- a counting allocator that can be told to fail ----------------------------------------- */

typedef struct {
    long calls;   /* alloc and realloc calls seen since the counter was reset */
    long fail_at; /* the call (1-based) that fails; 0: none */
    long live;    /* blocks allocated and not yet freed */
    int failed;   /* a failure was injected since the reset */
} counter;

static counter ctr;

static void *t_alloc(void *ctx, size_t size)
{
    counter *c = ctx;
    if (++c->calls == c->fail_at) {
        c->failed = 1;
        return NULL;
    }
    void *p = malloc(size);
    if (p != NULL)
        c->live++;
    return p;
}

static void *t_realloc(void *ctx, void *ptr, size_t size)
{
    counter *c = ctx;
    if (++c->calls == c->fail_at) {
        c->failed = 1;
        return NULL; /* like realloc: the old block stays allocated */
    }
    void *p = realloc(ptr, size);
    if (p != NULL && ptr == NULL)
        c->live++;
    return p;
}

static void t_free(void *ctx, void *ptr)
{
    counter *c = ctx;
    if (ptr != NULL) {
        c->live--;
        free(ptr);
    }
}

static void arm(long fail_at)
{
    ctr.calls = 0;
    ctr.fail_at = fail_at;
    ctr.failed = 0;
}

/* ---- one run of the whole sequence ---------------------------------------------------------- */

static long bad_status;   /* calls that failed with another status than MB_E_NOMEM */
static long bad_handle;   /* failed calls that left a handle behind */
static long bad_report;   /* failed calls whose error report does not say nomem */
static long uninjected;   /* calls that failed although no failure was injected */
static long settle_allocs; /* allocations seen inside mb_presettle / mb_settle / mb_reverse(_id) */

/* A step's outcome: MB_OK goes on, MB_E_NOMEM stops the run (expected), anything else is
 * recorded as a failure of the property and also stops the run. */
static int step(int rc, const void *handle, const mb_error *err, const char *what, long n)
{
    if (rc == MB_OK)
        return 1;
    if (rc != MB_E_NOMEM) {
        if (bad_status++ == 0)
            fprintf(stderr, "  N=%ld: %s failed with %s: %s\n", n, what, mb_status_name(rc),
                    mb_error_message(err));
    } else {
        if (handle != NULL && bad_handle++ == 0)
            fprintf(stderr, "  N=%ld: %s failed but returned a handle\n", n, what);
        if (err != NULL && mb_error_status(err) != MB_E_NOMEM && bad_report++ == 0)
            fprintf(stderr, "  N=%ld: %s: the report says %s\n", n, what,
                    mb_status_name(mb_error_status(err)));
    }
    if (!ctr.failed && uninjected++ == 0)
        fprintf(stderr, "  N=%ld: %s failed (%s) with no failure injected\n", n, what,
                mb_status_name(rc));
    return 0;
}

/* Returns 1 when the run went to the end. */
static int run(long n)
{
    arm(n);
    long live0 = ctr.live;
    int done = 0;
    mb_error *err = mb_error_new();
    mb_ruleset *rs = NULL;
    mb_enrollee *e = NULL, *copy = NULL;
    mb_claim *c = NULL;
    mb_result *r = NULL, *r2 = NULL;
    unsigned char *blob = NULL;
    if (err == NULL) {
        step(MB_E_NOMEM, NULL, NULL, "mb_error_new", n);
        goto out;
    }
    if (!step(mb_ruleset_load_file(&rs, CHANGZHOU_FILE, err), rs, err, "load the ruleset", n))
        goto out;
    if (!step(mb_enrollee_new(&e, "OOM-1", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, err), e, err,
              "mb_enrollee_new", n))
        goto out;
    if (!step(mb_enrollee_set_first_visit_facility(e, "C01", err), NULL, err, "facility", n) ||
        !step(mb_enrollee_set_account_balance(e, YUAN(100), err), NULL, err, "balance", n) ||
        !step(mb_enrollee_seed(e, "changzhou-employee-outpatient-2023", "outpatient.base", 2023,
                               YUAN(100), err),
              NULL, err, "seed", n))
        goto out;
    if (!step(mb_claim_new(&c, "C1", 20230116, MB_MED_GENERAL_OUTPATIENT, "C01",
                           MB_LEVEL_PRIMARY, err),
              c, err, "mb_claim_new", n))
        goto out;
    if (!step(mb_claim_add_item(c, YUAN(2400), MB_CLASS_A, -1, err), NULL, err, "item", n) ||
        !step(mb_claim_add_item(c, YUAN(100), MB_CLASS_B, -1, err), NULL, err, "item", n))
        goto out;
    if (!step(mb_result_new(&r, err), r, err, "mb_result_new", n) ||
        !step(mb_result_new(&r2, err), r2, err, "mb_result_new", n))
        goto out;

    /* settlement: no allocation at all, whatever the allocator would do */
    const mb_ruleset *chain[1] = {rs};
    long before = ctr.calls;
    int rc = mb_presettle(r, chain, 1, e, c, err);
    if (rc == MB_OK)
        rc = mb_settle(r, chain, 1, e, c, err);
    settle_allocs += ctr.calls - before;
    if (!step(rc, NULL, err, "settle", n))
        goto out;
    /* base 100 seeded: deductible 400 has 300 left; in scope 2400 + 90 = 2490;
     * (2490 - 300) x 85% = 1861.50 */
    if (mb_result_amount(r, MB_AMT_HIFP_PAY) != 186150 && bad_status++ == 0)
        fprintf(stderr, "  N=%ld: settled %lld, expected 186150\n", n,
                (long long)mb_result_amount(r, MB_AMT_HIFP_PAY));

    /* save: the size query, then the blob */
    size_t len = 0;
    rc = mb_enrollee_save(e, NULL, 0, &len, err);
    if (rc != MB_E_BUFFER) {
        step(rc == MB_OK ? MB_E_INVALID_ARGUMENT : rc, NULL, err, "save (size query)", n);
        goto out;
    }
    blob = malloc(len); /* the test's own memory, not the library's */
    if (blob == NULL)
        goto out;
    size_t got = 0;
    if (!step(mb_enrollee_save(e, blob, len, &got, err), NULL, err, "save", n))
        goto out;
    if (!step(mb_enrollee_restore(&copy, blob, got, err), copy, err, "restore", n))
        goto out;

    /* the restored copy reverses C1 by its id, settles it again and reverses that, without
     * allocating either */
    before = ctr.calls;
    rc = mb_reverse_id(copy, mb_result_setl_id(r), err);
    if (rc == MB_OK)
        rc = mb_settle(r2, chain, 1, copy, c, err);
    if (rc == MB_OK)
        rc = mb_reverse(copy, r2, err);
    if (rc == MB_OK)
        rc = mb_reverse(e, r, err);
    settle_allocs += ctr.calls - before;
    if (!step(rc, NULL, err, "settle/reverse the copy", n))
        goto out;
    done = 1;
out:
    free(blob);
    mb_enrollee_free(copy);
    mb_result_free(r2);
    mb_result_free(r);
    mb_claim_free(c);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
    mb_error_free(err);
    if (ctr.live != live0) {
        fprintf(stderr, "  N=%ld: %ld blocks leaked\n", n, ctr.live - live0);
        return -1;
    }
    return done;
}

int main(void)
{
    mb_allocator a = {t_alloc, t_realloc, t_free, &ctr};
    CHECK_RC(mb_set_allocator(&a), MB_OK, "install the counting allocator");

    /* a full run without failures first: how many allocations the sequence makes */
    int full = run(0);
    CHECK(full == 1, "the sequence completes with a working allocator");
    long total = ctr.calls;
    CHECK(total > 0, "the library allocates through the installed allocator");
    CHECK(settle_allocs == 0, "mb_presettle, mb_settle, mb_reverse and mb_reverse_id never allocate");

    long leaks = 0, n, limit = total + 1000;
    int ok = 0;
    for (n = 1; n <= limit; n++) {
        int rc = run(n);
        if (rc < 0)
            leaks++;
        if (rc == 1 && !ctr.failed) {
            ok = 1;
            break;
        }
    }
    printf("%ld allocations in a full run; failed each of N = 1..%ld\n", total, n - 1);
    CHECK(ok, "with N past the last allocation the sequence completes");
    CHECK(n - 1 >= total, "every allocation of the sequence was made to fail once");
    CHECK(bad_status == 0, "every injected failure is reported as MB_E_NOMEM");
    CHECK(bad_handle == 0, "a call that fails for memory returns no handle");
    CHECK(bad_report == 0, "the error report says nomem");
    CHECK(uninjected == 0, "nothing fails unless a failure was injected");
    CHECK(leaks == 0, "no failure leaks a block");
    CHECK(settle_allocs == 0, "settlement never allocates, under failures either");

    /* mb_enrollee_reserve and the accumulator table growth under failure */
    arm(0);
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, "R", MB_SCHEME_RESIDENT, 0, NULL), MB_OK, "enrollee");
    arm(1);
    CHECK_RC(mb_enrollee_reserve(e, 4096, NULL), MB_E_NOMEM, "reserve fails for memory");
    arm(0);
    CHECK_RC(mb_enrollee_seed(e, "x", "k.paid", 2023, 5, NULL), MB_OK,
             "the enrollee still works after a failed reserve");
    CHECK_FEN(mb_enrollee_accumulator(e, "x", "k.paid", 2023), 5, "and reads back");
    CHECK_RC(mb_enrollee_reserve(e, 4096, NULL), MB_OK, "reserve with memory");
    CHECK_FEN(mb_enrollee_accumulator(e, "x", "k.paid", 2023), 5, "the figure survives growth");
    mb_enrollee_free(e);
    CHECK(ctr.live == 0, "everything the library allocated was freed");

    /* restore the default allocator: NULL, or a table with a NULL function */
    CHECK_RC(mb_set_allocator(NULL), MB_OK, "restore malloc/realloc/free");
    long calls = ctr.calls;
    mb_error *err = mb_error_new();
    CHECK(err != NULL, "the default allocator works");
    CHECK(ctr.calls == calls, "the counting allocator is no longer called");
    mb_error_free(err);
    return check_summary();
}
