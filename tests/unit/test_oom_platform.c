/* Out of memory in the platform adapter: an allocator that fails the Nth allocation (N = 1, 2,
 * ...) under a sequence of calls on a caller's store (record 1101, 2201, 2204, 2207). Each call
 * either answers (MB_OK) or fails with MB_E_NOMEM, whether or not it still has an envelope to
 * give; a call that fails saves nothing (the store's bytes are unchanged); nothing leaks or
 * crashes (ASan and the block count). yajl allocates through the same hook. Public API only. */
#include <stdbool.h>

#include "check.h"
#include "medbenefit.h"

typedef struct {
    long calls, fail_at, live;
    int failed;
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
    if (p)
        c->live++;
    return p;
}

static void *t_realloc(void *ctx, void *ptr, size_t size)
{
    counter *c = ctx;
    if (++c->calls == c->fail_at) {
        c->failed = 1;
        return NULL;
    }
    void *p = realloc(ptr, size);
    if (p && ptr == NULL)
        c->live++;
    return p;
}

static void t_free(void *ctx, void *ptr)
{
    counter *c = ctx;
    if (ptr) {
        c->live--;
        free(ptr);
    }
}

typedef struct {
    char *data;
    size_t len;
    int saves;
} store;

static int s_load(void *ctx, const void **data, size_t *len, mb_error *err)
{
    (void)err;
    store *s = ctx;
    *data = s->data;
    *len = s->len;
    return MB_OK;
}

static int s_save(void *ctx, const void *data, size_t len, mb_error *err)
{
    (void)err;
    store *s = ctx;
    char *copy = malloc(len); /* the test's memory, not the library's */
    if (copy == NULL)
        return MB_E_NOMEM;
    memcpy(copy, data, len);
    free(s->data);
    s->data = copy;
    s->len = len;
    s->saves++;
    return MB_OK;
}

#define ENV(infno, body)                                                                       \
    "{\"infno\": \"" infno "\", \"msgid\": \"H00000000001202503180930050001\", "               \
    "\"inf_time\": \"2025-03-18 09:30:05\", \"insuplc_admdvs\": \"990101\", "                 \
    "\"fixmedins_code\": \"H1\", " body "}"
#define PSN "\"psn_no\": \"P1\""

static const char *const requests[] = {
    ENV("1101", "\"input\": {\"data\": {}}, \"output\": {\"baseinfo\": {" PSN ", \"psn_name\": "
                "\"测试\"}, \"insuinfo\": [{\"insutype\": \"310\", \"psn_type\": \"1101\", "
                "\"balc\": 50.00}], \"idetinfo\": []}"),
    ENV("5301", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"feedetail\": [{\"opsp_dise_code\": "
                "\"M03900\", \"begndate\": \"2025-01-01\"}]}"),
    ENV("2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": "
                "\"2025-03-18 09:31:00\"}}"),
    ENV("2203", "\"input\": {\"mdtrtinfo\": {\"mdtrt_id\": \"900000000001\", " PSN ", "
                "\"med_type\": \"14\", \"dise_codg\": \"M03900\"}}"),
    ENV("2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"1\", \"mdtrt_id\": \"900000000001\", "
                PSN ", \"chrg_bchno\": \"B\", \"det_item_fee_sumamt\": 114.00, \"chrgitm_lv\": "
                "\"02\"}]}"),
    ENV("2207", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"chrg_bchno\": "
                "\"B\", \"med_type\": \"14\", \"medfee_sumamt\": 114.00, \"insutype\": \"310\"}}"),
    ENV("2208", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"setl_id\": "
                "\"800000000001\"}}"),
};
#define NREQ (sizeof requests / sizeof requests[0])

static long bad_status, unsaved_change, crashed_answer;

/* 1: the sequence went to the end; 0: a call failed for memory; -1: it leaked. */
static int run(const mb_ruleset *rs, long n)
{
    ctr.calls = 0;
    ctr.fail_at = n;
    ctr.failed = 0;
    long live0 = ctr.live;
    int done = 0;
    store s = {0};
    mb_platform *p = NULL;
    mb_platform_store st = {s_load, s_save, NULL, &s};
    const mb_ruleset *chain[] = {rs};
    if (mb_platform_new(&p, chain, 1, MB_PLATFORM_FIXED_CHAIN, NULL) != MB_OK ||
        mb_platform_set_store(p, &st, NULL) != MB_OK ||
        mb_platform_set_facility(p, "H1", MB_LEVEL_SECONDARY, NULL) != MB_OK)
        goto out;
    for (size_t i = 0; i < NREQ; i++) {
        char *before = s.len ? malloc(s.len) : NULL;
        size_t before_len = s.len;
        if (before)
            memcpy(before, s.data, s.len);
        const char *answer;
        size_t len;
        int rc = mb_platform_call(p, requests[i], strlen(requests[i]), &answer, &len, NULL);
        bool same = s.len == before_len && (before_len == 0 || memcmp(s.data, before, s.len) == 0);
        free(before);
        if (rc == MB_OK)
            continue;
        if (rc != MB_E_NOMEM && bad_status++ == 0)
            fprintf(stderr, "  N=%ld: request %zu failed with %s: %s\n", n, i,
                    mb_status_name(rc), answer ? answer : "(no answer)");
        if (!same && unsaved_change++ == 0)
            fprintf(stderr, "  N=%ld: request %zu failed but the state changed\n", n, i);
        if (answer && !strstr(answer, "\"infcode\": -1") && crashed_answer++ == 0)
            fprintf(stderr, "  N=%ld: request %zu failed but answered %s\n", n, i, answer);
        goto out;
    }
    done = 1;
out:
    mb_platform_free(p);
    free(s.data);
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
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_file(&rs, "rulesets/jiaozuo-chronic-2022.yaml", NULL), MB_OK, "load");
    if (rs == NULL)
        return check_summary();
    CHECK(run(rs, 0) == 1, "the sequence completes with a working allocator");
    long total = ctr.calls, leaks = 0, n;
    int ok = 0;
    for (n = 1; n <= total + 1000; n++) {
        int rc = run(rs, n);
        leaks += rc < 0;
        if (rc == 1 && !ctr.failed) {
            ok = 1;
            break;
        }
    }
    printf("%ld allocations in a full run; failed each of N = 1..%ld\n", total, n - 1);
    CHECK(ok && n - 1 >= total, "every allocation of the sequence was made to fail once");
    CHECK(bad_status == 0, "every injected failure is MB_E_NOMEM");
    CHECK(unsaved_change == 0, "a call that fails for memory saves nothing");
    CHECK(crashed_answer == 0, "its envelope, when it has one, says infcode -1");
    CHECK(leaks == 0, "no failure leaks a block");
    mb_ruleset_free(rs);
    CHECK(ctr.live == 0, "everything the library allocated was freed");
    return check_summary();
}
