/* Every bundled chain on shared rulesets, from eight threads at once: each thread settles a year
 * of claims (presettled first) for one enrollee per chain of tests/chains.h, reads the reasons
 * and trace, reverses the whole year, and must agree to the fen, and to the saved byte, with
 * the same years settled on one thread first. Run under ThreadSanitizer in CI (build-tsan), so
 * that any data race on a ruleset, or on state two handles share, is a failure. */
#include <pthread.h>

#include "check.h"
#include "fixtures.h"

enum { THREADS = 8, CLAIMS = 120, FIELDS = MB_AMT_COUNT_ + 5, YEAR_BLOB = 49152 };

static mb_ruleset *rulesets[MB_TEST_RULESETS];

/* One year of one chain: per claim, the amounts, status, covered, counts of funds and trace
 * steps, and a hash of the reason; then the saved bytes after the year and after reversing it. */
typedef struct year {
    int64_t claim[CLAIMS][FIELDS];
    uint8_t after[YEAR_BLOB], reversed[YEAR_BLOB], initial[YEAR_BLOB];
    size_t nafter, nreversed, ninitial;
    int settled, failures;
} year;

typedef struct worker {
    int first; /* the chain this thread starts with, so that threads run different chains */
    year years[MB_TEST_CHAINS];
} worker;

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

/* An enrollee for chain k: the chain's scheme, two diseases of its first ruleset's catalogue,
 * minimum living, an account for employees. */
static mb_enrollee *enrollee_for(int k, const mb_ruleset *first, mb_error *err, const char **diseases)
{
    int scheme = mb_test_chains[k].scheme;
    mb_enrollee *e = NULL;
    if (mb_enrollee_new(&e, "T", scheme, scheme == MB_SCHEME_EMPLOYEE ? 1 + k % 3 : 0, err) != MB_OK)
        return NULL;
    if (scheme == MB_SCHEME_EMPLOYEE)
        mb_enrollee_set_account_balance(e, 80000, err);
    mb_enrollee_set_designated_facility(e, "H001", err);
    mb_enrollee_set_first_visit_facility(e, "H001", err);
    diseases[0] = diseases[1] = NULL;
    for (size_t i = 0; i < 2 && i < mb_ruleset_disease_count(first); i++) {
        const char *code, *group;
        mb_ruleset_disease(first, i, &code, &diseases[i], &group);
        mb_enrollee_add_disease(e, diseases[i], 20240301, 0, err);
    }
    mb_enrollee_add_assistance(e, "minimum_living", 20240101, 0, err);
    mb_enrollee_set_journal_limit(e, CLAIMS, err); /* the whole year can be reversed */
    return e;
}

/* The year of chain k: the same claims for every thread (the generator is seeded by k). */
static void run_year(int k, year *y)
{
    static const int meds[] = {MB_MED_GENERAL_OUTPATIENT, MB_MED_EMERGENCY, MB_MED_CHRONIC,
                               MB_MED_CHRONIC, MB_MED_INPATIENT, MB_MED_PHARMACY};
    mb_error *err = mb_error_new();
    const mb_ruleset *chain[3];
    size_t n = fx_chain(k, rulesets, chain);
    const char *diseases[2];
    mb_enrollee *e = enrollee_for(k, chain[0], err, diseases);
    mb_result *pre = NULL, *done[CLAIMS] = {0};
    mb_result_new(&pre, err);
    if (e == NULL || pre == NULL) {
        y->failures++;
        goto out;
    }
    y->ninitial = fx_save(e, y->initial, YEAR_BLOB);
    fx_rng seed = {0x9e3779b97f4a7c15u + (uint64_t)k};
    for (int i = 0; i < CLAIMS; i++) {
        /* 2025-04-01 .. 2025-12-28: inside every bundled ruleset's period */
        int32_t date = 20250000 + (4 + i * 9 / CLAIMS) * 100 + 1 + (int)(fx_next(&seed) % 28);
        int med = meds[fx_next(&seed) % 6];
        int level = med == MB_MED_PHARMACY ? MB_LEVEL_PHARMACY : 1 + (int)(fx_next(&seed) % 3);
        const char *facility = fx_next(&seed) % 10 ? "H001" : "H777";
        mb_claim *c = NULL;
        char id[16]; /* each claim its own id: a repeated one is refused as already settled */
        snprintf(id, sizeof id, "C%d", i);
        if (mb_claim_new(&c, id, date, med, facility, level, err) != MB_OK) {
            y->failures++;
            continue;
        }
        const char *disease = diseases[fx_next(&seed) % 2];
        if (med == MB_MED_CHRONIC && (disease || (disease = diseases[0])))
            mb_claim_set_disease(c, disease, NULL, err);
        if (med == MB_MED_INPATIENT)
            mb_claim_set_admission(c, date - 5 > 20250400 ? date - 5 : date, date, err);
        for (int items = 1 + (int)(fx_next(&seed) % 3); items > 0; items--)
            mb_claim_add_item(c, 1 + (int64_t)(fx_next(&seed) % 300000), 1 + (int)(fx_next(&seed) % 3),
                              -1, err);
        mb_result_new(&done[i], err);
        int prc = mb_presettle(pre, chain, n, e, c, err);
        int rc = mb_settle(done[i], chain, n, e, c, err);
        int64_t *out = y->claim[i];
        for (int a = 0; a < MB_AMT_COUNT_; a++)
            out[a] = rc == MB_OK ? mb_result_amount(done[i], a) : 0;
        out[MB_AMT_COUNT_] = rc;
        out[MB_AMT_COUNT_ + 1] = prc;
        if (rc == MB_OK) {
            y->settled++;
            out[MB_AMT_COUNT_ + 2] = mb_result_covered(done[i]);
            out[MB_AMT_COUNT_ + 3] = (int64_t)(mb_result_fund_count(done[i]) * 1000 +
                                               mb_result_trace_count(done[i]));
            out[MB_AMT_COUNT_ + 4] = (int64_t)hash_text(mb_result_reason(done[i]));
        } else {
            mb_result_free(done[i]);
            done[i] = NULL;
        }
        mb_claim_free(c);
    }
    y->nafter = fx_save(e, y->after, YEAR_BLOB);
    for (int i = CLAIMS - 1; i >= 0; i--)
        if (done[i] && mb_reverse(e, done[i], err) != MB_OK)
            y->failures++;
    y->nreversed = fx_save(e, y->reversed, YEAR_BLOB);
out:
    for (int i = 0; i < CLAIMS; i++)
        mb_result_free(done[i]);
    mb_result_free(pre);
    mb_enrollee_free(e);
    mb_error_free(err);
}

static void *work(void *arg)
{
    worker *w = arg;
    for (int j = 0; j < MB_TEST_CHAINS; j++) {
        int k = (w->first + j) % MB_TEST_CHAINS;
        run_year(k, &w->years[k]);
    }
    return NULL;
}

int main(void)
{
    fx_chain_rulesets(rulesets);
    for (int i = 0; i < MB_TEST_RULESETS; i++)
        if (rulesets[i] == NULL)
            return check_summary();
    static worker reference, workers[THREADS];
    work(&reference);
    for (int k = 0; k < MB_TEST_CHAINS; k++) {
        year *y = &reference.years[k];
        CHECK(y->failures == 0, "the single-threaded year builds every claim and reverses");
        /* not vacuous: most of each chain's claims settle */
        CHECK(y->settled >= CLAIMS / 2, "at least half of each chain's claims settle");
        CHECK(y->ninitial > 0 && y->nafter > y->ninitial, "the states save (the buffer holds them)");
        CHECK(fx_same(y->reversed, y->nreversed, y->initial, y->ninitial),
              "reversing the year gives back the initial saved bytes");
    }
    pthread_t tid[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t].first = t;
        CHECK(pthread_create(&tid[t], NULL, work, &workers[t]) == 0, "start a thread");
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(tid[t], NULL);
    for (int t = 0; t < THREADS; t++)
        for (int k = 0; k < MB_TEST_CHAINS; k++) {
            const year *y = &workers[t].years[k], *want = &reference.years[k];
            CHECK(y->failures == 0 && y->settled == want->settled,
                  "every thread settles as many claims of each chain as one thread does");
            CHECK(memcmp(y->claim, want->claim, sizeof y->claim) == 0,
                  "each claim's amounts, status, funds, trace and reason agree with one thread");
            CHECK(fx_same(y->after, y->nafter, want->after, want->nafter),
                  "the year leaves the same saved bytes as on one thread");
            CHECK(fx_same(y->reversed, y->nreversed, want->reversed, want->nreversed),
                  "reversing the year gives back the same bytes as on one thread");
        }
    for (int i = 0; i < MB_TEST_RULESETS; i++)
        mb_ruleset_free(rulesets[i]);
    fx_done();
    return check_summary();
}
