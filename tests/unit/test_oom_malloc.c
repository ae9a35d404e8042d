/* Out of memory inside the YAML parser. libyaml has no allocator hook: it calls malloc itself,
 * past mb_set_allocator (include/medbenefit.h), and makes most of a load's allocations. So this
 * program replaces malloc, calloc, realloc and strdup for the whole process and fails the Nth
 * call made during a load, for N = 1, 2, 3, ... until a load completes without reaching N:
 * whatever allocation fails (the library's, libcyaml's or libyaml's), the load reports
 * MB_E_NOMEM or exactly what it reports with memory to spare, returns no handle and leaks
 * nothing. Public API only, with the default allocator, so that the library's own allocations
 * are malloc's too. Runs as it is under AddressSanitizer, whose leak check then applies. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "medbenefit.h"

#define CHANGZHOU_FILE "rulesets/changzhou-employee-outpatient-2023.yaml"

/* ---- malloc, forwarded to the allocator underneath unless told to fail ---------------------- */

/* The allocator underneath: AddressSanitizer's when its runtime is loaded (weak: null when it
 * is not), else glibc's own entry points. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__interceptor_malloc(size_t size) __attribute__((weak));
extern void *__interceptor_calloc(size_t n, size_t size) __attribute__((weak));
extern void *__interceptor_realloc(void *ptr, size_t size) __attribute__((weak));
extern void __interceptor_free(void *ptr) __attribute__((weak));

/* These run from the first allocation in the process, before a sanitizer's runtime has set
 * itself up (it allocates while it does): they must not be instrumented. */
#define RAW __attribute__((no_sanitize("address", "undefined")))

static struct {
    int armed;     /* counting: only during the load under test */
    long calls;    /* allocations seen since armed */
    long fail_at;  /* the call (1-based) that fails; 0: none */
    int failed;    /* a failure was injected */
    long live;     /* blocks allocated and not freed since armed */
    long libyaml;  /* calls made from inside libyaml itself */
} m;

/* Counts the call made from `caller`; true when it is the one to fail. */
RAW static int should_fail(const void *caller)
{
    if (!m.armed)
        return 0;
    Dl_info where;
    if (dladdr(caller, &where) && where.dli_fname && strstr(where.dli_fname, "/libyaml"))
        m.libyaml++;
    if (++m.calls != m.fail_at)
        return 0;
    m.failed = 1;
    return 1;
}

RAW static void *counted_malloc(size_t size, const void *caller)
{
    if (should_fail(caller))
        return NULL;
    void *p = __interceptor_malloc ? __interceptor_malloc(size) : __libc_malloc(size);
    m.live += m.armed && p != NULL;
    return p;
}

RAW void *malloc(size_t size) { return counted_malloc(size, __builtin_return_address(0)); }

/* libyaml copies strings with strdup, which AddressSanitizer would otherwise serve itself */
RAW char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = counted_malloc(n, __builtin_return_address(0));
    return p ? memcpy(p, s, n) : NULL;
}

RAW void *calloc(size_t n, size_t size)
{
    if (should_fail(__builtin_return_address(0)))
        return NULL;
    void *p = __interceptor_calloc ? __interceptor_calloc(n, size) : __libc_calloc(n, size);
    m.live += m.armed && p != NULL;
    return p;
}

RAW void *realloc(void *ptr, size_t size)
{
    if (should_fail(__builtin_return_address(0)))
        return NULL; /* the old block stays allocated, as with a real failure */
    void *p = __interceptor_realloc ? __interceptor_realloc(ptr, size) : __libc_realloc(ptr, size);
    m.live += m.armed && p != NULL && ptr == NULL;
    return p;
}

RAW void free(void *ptr)
{
    m.live -= m.armed && ptr != NULL;
    if (__interceptor_free)
        __interceptor_free(ptr);
    else
        __libc_free(ptr);
}

static void arm(long fail_at)
{
    m.calls = m.live = m.libyaml = 0;
    m.fail_at = fail_at;
    m.failed = 0;
    m.armed = 1;
}

/* ---- each allocation of one load failed in turn ---------------------------------------------- */

typedef struct {
    const char *what;
    const char *text; /* the buffer to load; NULL: load CHANGZHOU_FILE */
    int status;       /* its outcome with all the memory it wants */
} load_case;

/* One load with the Nth allocation failing (0: none); its status. Counts stay in `m`. */
static int load_once(const load_case *lc, long n, mb_error *err, int *handle_left)
{
    mb_ruleset *rs = (mb_ruleset *)(uintptr_t)1; /* must be overwritten */
    mb_error_clear(err);
    arm(n);
    int rc = lc->text ? mb_ruleset_load_buffer(&rs, lc->text, strlen(lc->text), "t.yaml", err)
                      : mb_ruleset_load_file(&rs, CHANGZHOU_FILE, err);
    *handle_left = rc != MB_OK && rs != NULL;
    if (rc == MB_OK)
        mb_ruleset_free(rs);
    m.armed = 0;
    return rc;
}

static void fail_each(const load_case *lc, mb_error *err)
{
    int handle_left;
    CHECK_RC(load_once(lc, 0, err, &handle_left), lc->status, lc->what);
    long total = m.calls, libyaml = m.libyaml;
    CHECK(m.live == 0, "a load with all the memory it wants frees what it allocates");
    char report[512]; /* the text's own fault, as reported with memory to spare */
    snprintf(report, sizeof report, "%s", mb_error_message(err));

    long wrong = 0, handles = 0, reports = 0, leaks = 0, n;
    for (n = 1;; n++) {
        int rc = load_once(lc, n, err, &handle_left);
        if (!m.failed)
            break; /* N is past the last allocation */
        int same = rc == lc->status && strcmp(mb_error_message(err), report) == 0;
        if (rc != MB_E_NOMEM && !same && wrong++ == 0)
            fprintf(stderr, "  %s, N=%ld: %s: %s\n", lc->what, n, mb_status_name(rc),
                    mb_error_message(err));
        if (rc != MB_OK && mb_error_status(err) != rc && reports++ == 0)
            fprintf(stderr, "  %s, N=%ld: returned %s, the report says %s\n", lc->what, n,
                    mb_status_name(rc), mb_status_name(mb_error_status(err)));
        handles += handle_left;
        if (m.live != 0 && leaks++ == 0)
            fprintf(stderr, "  %s, N=%ld: %ld blocks leaked\n", lc->what, n, m.live);
    }
    printf("%s: %ld allocations, %ld of them libyaml's own; failed each of N = 1..%ld\n",
           lc->what, total, libyaml, n - 1);
    CHECK(libyaml > 0, "the replaced malloc sees libyaml's own allocations");
    CHECK(n - 1 == total, "every allocation of the load was made to fail once");
    CHECK(wrong == 0, "a failed allocation is reported as MB_E_NOMEM, or the load reports "
                      "just what it does with memory to spare, never another fault");
    CHECK(reports == 0, "the error report carries the status returned");
    CHECK(handles == 0, "a failed load returns no handle");
    CHECK(leaks == 0, "no failure leaks a block");
}

int main(void)
{
    mb_error *err = mb_error_new();
    if (err == NULL)
        return 1;
    static const load_case cases[] = {
        {"the Changzhou ruleset file", NULL, MB_OK},
        /* the error paths parse the text again with libyaml, to locate the fault */
        {"an unknown key", "id: mini\nbogus: 1\n", MB_E_SCHEMA},
        {"malformed YAML", "id: mini\ntitle: 'unterminated\n", MB_E_PARSE},
        {"an undefined fund",
         "id: mini\ntitle: t\ndocument: d\ntier: basic\neffective_from: 2023-01-01\n"
         "funds:\n  - {key: pooling, employee: \"310100\", name: n, amount: hifp_pay}\n"
         "layers:\n  - id: o\n    cite: c\n    med_types: [general_outpatient]\n"
         "    fund: nowhere\n    deductible:\n      - {all: 500}\n    ratio:\n"
         "      - {all: 70%}\n",
         MB_E_RULESET},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        fail_each(&cases[i], err);
    mb_error_free(err);
    return check_summary();
}
