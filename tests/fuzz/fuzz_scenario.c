/* Fuzz target: scenario files through the medbenefit program's own reader (tools/scenario.c,
 * entered by scenario_parse) and the objects it builds, as `medbenefit check` runs them: the
 * enrollee and each claim built through the public API, settled on the named chain (bundled
 * rulesets only: the target touches no other file), reported as JSON and as a trace, reversed
 * where the scenario says so; and the assessments. A file that does not parse, or an object
 * that cannot be built, gives a message; a settlement keeps the contract (fz_check_result),
 * agrees with its presettlement, and its reversal gives back the saved bytes.
 * Seeds: tests/conformance/ and tests/fuzz/corpus/scenario/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report.h"
#include "scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mb_error *err;
static ruleset_cache *cache;
static FILE *devnull;
static char *text;
static s_scenario *s;
static mb_enrollee *e;
static mb_claim *c;
static mb_result *r, *pre;
static uint8_t b0[FZ_BLOB_MAX], b1[FZ_BLOB_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    err = mb_error_new();
    cache = cache_new(MB_SOURCE_ROOT "/rulesets");
    devnull = fopen("/dev/null", "w");
    if (cache == NULL || devnull == NULL || mb_result_new(&r, err) != MB_OK ||
        mb_result_new(&pre, err) != MB_OK)
        abort();
    for (int i = 0; i < MB_TEST_RULESETS; i++)
        if (cache_get(cache, mb_test_ruleset_ids[i], err) == NULL)
            abort();
    return 0;
}

static void release(void)
{
    mb_claim_free(c);
    mb_enrollee_free(e);
    scenario_free(s);
    free(text);
    c = NULL;
    e = NULL;
    s = NULL;
    text = NULL;
}

/* A ruleset of the scenario, from the cache when it is bundled; NULL otherwise. */
static const mb_ruleset *bundled(const char *id)
{
    return id && mb_test_ruleset_index(id) >= 0 ? cache_get(cache, id, err) : NULL;
}

static void run_claims(void)
{
    char msg[1024] = "";
    const mb_ruleset *chain[8];
    size_t n = 0;
    if (s->rulesets_count == 0 || s->rulesets_count > 8)
        return;
    for (unsigned i = 0; i < s->rulesets_count; i++)
        if ((chain[n++] = bundled(s->rulesets[i])) == NULL)
            return;
    int rc = build_enrollee(s->enrollee, s->rulesets, s->rulesets_count, cache, &e, msg,
                            sizeof msg);
    if (rc != MB_OK) {
        FZ_REQUIRE("error-report", rc < 0 && msg[0] && e == NULL,
                   "build_enrollee failed (%d) without a message", rc);
        return;
    }
    for (unsigned i = 0; i < s->claims_count; i++) {
        const s_claim *sc = &s->claims[i];
        msg[0] = '\0';
        rc = build_claim(sc, &c, msg, sizeof msg);
        if (rc != MB_OK) {
            FZ_REQUIRE("error-report", rc < 0 && msg[0] && c == NULL,
                       "build_claim failed (%d) without a message", rc);
            continue;
        }
        size_t n0 = fz_save(e, b0);
        int64_t balance = mb_enrollee_account_balance(e);
        int repeat = fz_repeat(e, NULL, c);
        int prc = mb_presettle(pre, chain, n, e, c, err);
        (void)mb_enrollee_reserve_for(e, chain, n, NULL); /* room first, as the header asks */
        rc = mb_settle(r, chain, n, e, c, err);
        fz_check_settle_status(prc, rc, repeat, "a scenario's claim");
        if (rc != MB_OK) {
            fz_check_error(rc, err, "mb_settle");
            size_t n1 = fz_save(e, b1);
            fz_check_bytes(b0, n0, b1, n1, "failed-call-changes-nothing", "mb_settle");
            report_error_json(devnull, s->name ? s->name : "", sc->id ? sc->id : "", rc,
                              mb_error_message(err));
        } else {
            fz_check_result(r, balance, sc->upstream != NULL, "a scenario's claim");
            fz_check_same_result(pre, r, "presettle-settle", "a scenario's claim");
            s_amounts a;
            amounts_of(r, &a);
            report_json(devnull, s->name ? s->name : "", sc->id ? sc->id : "", r);
            report_explain(devnull, s->name ? s->name : "", sc->id ? sc->id : "", r);
            if (sc->reverse && strcmp(sc->reverse, "true") == 0) {
                rc = mb_reverse(e, r, err);
                FZ_REQUIRE("reverse", rc == MB_OK, "reversing the claim just settled: %s",
                           mb_error_message(err));
                size_t n1 = fz_save(e, b1);
                fz_check_bytes(b0, n0, b1, n1, "reverse-restores", "mb_reverse");
            }
        }
        mb_claim_free(c);
        c = NULL;
    }
    fz_check_roundtrip(e, NULL, "after a scenario's claims");
}

static void run_assessments(void)
{
    const mb_ruleset *rs = s->rulesets_count ? bundled(s->rulesets[0]) : NULL;
    for (unsigned i = 0; rs && i < s->assessments_count; i++) {
        const s_assessment *a = &s->assessments[i];
        int certified = -1;
        const char *unmet = NULL, *cite = NULL;
        int rc = mb_assess(rs, a->disease, (const char *const *)a->findings, a->findings_count,
                           &certified, &unmet, &cite, err);
        if (rc != MB_OK)
            fz_check_error(rc, err, "mb_assess");
        else
            FZ_REQUIRE("assess", (certified == 0 || certified == 1) && unmet && cite,
                       "mb_assess gave certified %d", certified);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (setjmp(fz_drop)) {
        release();
        return -1;
    }
    /* as slurp() reads a file: the bytes, NUL-terminated */
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char msg[1024] = "";
    s = scenario_parse(text, size, "fuzz.yaml", msg, sizeof msg);
    if (s == NULL) {
        FZ_REQUIRE("error-report", msg[0] != '\0', "a scenario that does not load says nothing");
        release();
        return 0;
    }
    run_claims();
    run_assessments();
    release();
    return 0;
}
