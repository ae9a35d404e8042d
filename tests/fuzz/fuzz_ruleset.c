/* Fuzz target: ruleset loading. Any bytes given to mb_ruleset_load_buffer load, or fail with an
 * error that says so, and every allocation the load makes goes through the allocator given to
 * mb_set_allocator ("allocator-bypass": counted with the sanitizer's malloc hook); a ruleset that
 * loads answers every accessor, and settles a fixed set of claims for three enrollees, alone and
 * chained with the bundled rulesets of the other tiers, keeping the settlement contract
 * (fz_settle_all). Seeds: rulesets/ and tests/fuzz/corpus/ruleset/. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/allocator_interface.h>
#define COUNT_MALLOC 1
#endif
#endif

/* The allocator handed to the library: malloc, marked so that the hook can tell its calls from
 * any other malloc made while a ruleset loads. */
static int in_library_allocator;
static unsigned long bypassed; /* mallocs not through it while counting */
static bool counting;

static void *lib_alloc(void *ctx, size_t n)
{
    (void)ctx;
    in_library_allocator++;
    void *p = malloc(n);
    in_library_allocator--;
    return p;
}

static void *lib_realloc(void *ctx, void *old, size_t n)
{
    (void)ctx;
    in_library_allocator++;
    void *p = realloc(old, n);
    in_library_allocator--;
    return p;
}

static void lib_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

#ifdef COUNT_MALLOC
static void on_malloc(const volatile void *p, size_t n)
{
    (void)p, (void)n;
    if (counting && !in_library_allocator)
        bypassed++;
}

static void on_free(const volatile void *p) { (void)p; }
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mb_error *err;
/* What one input holds, at file scope so that a dropped input (longjmp) can free it. */
static mb_ruleset *rs;
static mb_enrollee *e;
static mb_claim *claims[48];
static size_t nclaims;

static void release_person(void)
{
    for (size_t i = 0; i < nclaims; i++)
        mb_claim_free(claims[i]);
    nclaims = 0;
    mb_enrollee_free(e);
    e = NULL;
}

static void release(void)
{
    release_person();
    mb_ruleset_free(rs);
    rs = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    mb_allocator a = {lib_alloc, lib_realloc, lib_free, NULL};
    if (mb_set_allocator(&a) != MB_OK)
        abort();
#ifdef COUNT_MALLOC
    __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
#endif
    fz_init();
    err = mb_error_new();
    return 0;
}

/* Every accessor of a loaded ruleset answers, and its strings are there. */
static void read_back(void)
{
    FZ_REQUIRE("accessors", mb_ruleset_id(rs)[0] && mb_ruleset_title(rs) && mb_ruleset_document(rs),
               "a loaded ruleset has no id");
    int tier = mb_ruleset_tier(rs);
    FZ_REQUIRE("accessors", tier >= MB_TIER_BASIC && tier <= MB_TIER_ASSISTANCE, "tier %d", tier);
    for (size_t i = 0; i < mb_ruleset_assumption_count(rs); i++) {
        const char *where = NULL, *why = NULL;
        FZ_REQUIRE("accessors", mb_ruleset_assumption(rs, i, &where, &why) == MB_OK && where && why,
                   "assumption %zu", i);
    }
    for (size_t i = 0; i < mb_ruleset_disease_count(rs); i++) {
        const char *code = NULL, *name = NULL, *group = NULL;
        FZ_REQUIRE("accessors", mb_ruleset_disease(rs, i, &code, &name, &group) == MB_OK && code &&
                                    name && group, "disease %zu", i);
        size_t found;
        FZ_REQUIRE("accessors", mb_ruleset_find_disease(rs, code, &found, err) == MB_OK,
                   "catalogue entry %zu (%s) is not found by its code: %s", i, code,
                   mb_error_message(err));
        const char *text, *cite;
        size_t items;
        if (mb_ruleset_criteria(rs, i, &text, &cite, &items) != MB_OK)
            continue;
        const char *numbers[16];
        size_t n = 0;
        for (size_t k = 0; k < items; k++) {
            const char *number = NULL, *what = NULL;
            FZ_REQUIRE("accessors", mb_ruleset_criteria_item(rs, i, k, &number, &what) == MB_OK &&
                                        number && what, "criteria item %zu of %zu", k, i);
            if (n < 16)
                numbers[n++] = number;
        }
        int certified;
        const char *unmet, *why;
        for (size_t k = 0; k <= n; k++) {
            int rc = mb_assess(rs, code, numbers, k, &certified, &unmet, &why, err);
            if (rc != MB_OK)
                fz_check_error(rc, err, "mb_assess");
        }
    }
    for (int p = MB_PERSON_IN_SERVICE; p <= MB_PERSON_RESIDENT; p++) {
        int64_t fen;
        int rc = mb_account_accrual(rs, p, 20230601, 800000, &fen, err);
        if (rc != MB_OK)
            fz_check_error(rc, err, "mb_account_accrual");
    }
}

/* Three enrollees: an employee in service and a retired one with an account, and a resident;
 * each certified for the first two diseases of the catalogue and holding minimum living. */
static mb_enrollee *enrollee(int which)
{
    static const int schemes[] = {MB_SCHEME_EMPLOYEE, MB_SCHEME_EMPLOYEE, MB_SCHEME_RESIDENT};
    static const int people[] = {MB_PERSON_IN_SERVICE, MB_PERSON_RETIRED, MB_PERSON_RESIDENT};
    mb_enrollee *p = NULL;
    if (mb_enrollee_new(&p, "FZ", schemes[which], people[which], err) != MB_OK)
        abort();
    if (schemes[which] == MB_SCHEME_EMPLOYEE)
        mb_enrollee_set_account_balance(p, 150000, err);
    mb_enrollee_set_designated_facility(p, "H001", err);
    mb_enrollee_set_first_visit_facility(p, "H001", err);
    for (size_t i = 0; i < 2 && i < mb_ruleset_disease_count(rs); i++) {
        const char *code, *name, *group;
        if (mb_ruleset_disease(rs, i, &code, &name, &group) == MB_OK)
            mb_enrollee_add_disease(p, code, 20190105, 0, err);
    }
    mb_enrollee_add_assistance(p, "minimum_living", 20190101, 0, err);
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (setjmp(fz_drop)) {
        release();
        return -1;
    }
    bypassed = 0;
    counting = true;
    int rc = mb_ruleset_load_buffer(&rs, (const char *)data, size, "fuzz.yaml", err);
    counting = false;
    if (bypassed > 0)
        fz_noted("allocator-bypass", "loading a ruleset made %lu allocations past mb_set_allocator",
                 bypassed);
    if (rc != MB_OK) {
        fz_check_error(rc, err, "mb_ruleset_load_buffer");
        FZ_REQUIRE("failed-call-changes-nothing", rs == NULL, "a failed load gave a ruleset");
        return 0;
    }
    read_back();
    /* the ruleset alone, then in tier order between the bundled basic and assistance ones */
    const mb_ruleset *alone[1] = {rs}, *chained[3];
    size_t nchained = 0;
    int tier = mb_ruleset_tier(rs);
    if (tier > MB_TIER_BASIC)
        chained[nchained++] = fz_rulesets[mb_test_ruleset_index(MB_TEST_SHANXI)];
    chained[nchained++] = rs;
    if (tier < MB_TIER_ASSISTANCE)
        chained[nchained++] = fz_rulesets[mb_test_ruleset_index(MB_TEST_ASSIST)];
    for (int who = 0; who < 3; who++) {
        e = enrollee(who);
        nclaims = fz_claims_for(e, rs, claims);
        fz_settle_all(alone, 1, e, claims, nclaims, "the fuzzed ruleset alone");
        fz_settle_all(chained, nchained, e, claims, nclaims, "the fuzzed ruleset in a chain");
        release_person();
    }
    release();
    return 0;
}
