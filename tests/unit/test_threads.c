/* A loaded ruleset is shared by threads without locks: eight threads settle a year of claims
 * each, on their own enrollees, and agree to the fen with the same claims settled on one thread. */
#include <pthread.h>

#include "check.h"
#include "fixtures.h"

enum { THREADS = 8, CLAIMS = 400 };

static const mb_ruleset *chain[2];
static int64_t expected[CLAIMS][3];

typedef struct {
    int64_t got[CLAIMS][3];
    int failures;
} worker_out;

/* The same claims for every run: a Wuxi retiree with two diseases, chained with assistance. */
static void run_year(int64_t out[CLAIMS][3], int *failures)
{
    mb_error *err = mb_error_new();
    mb_enrollee *e = NULL;
    mb_result *r = NULL;
    mb_enrollee_new(&e, "T", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, err);
    mb_enrollee_set_designated_facility(e, "H001", err);
    mb_enrollee_add_disease(e, "糖尿病", 20200105, 0, err);
    mb_enrollee_add_disease(e, "冠心病", 20200105, 0, err);
    mb_enrollee_add_assistance(e, "minimum_living", 20230101, 0, err);
    mb_enrollee_set_account_balance(e, 50000, err);
    mb_result_new(&r, err);
    fx_rng seed = {12345};
    for (int i = 0; i < CLAIMS; i++) {
        mb_claim *c = NULL;
        int32_t date = 20230000 + (1 + i * 12 / CLAIMS) * 100 + 1 + i % 28;
        char id[16];
        snprintf(id, sizeof id, "C%d", i);
        mb_claim_new(&c, id, date, MB_MED_CHRONIC, "H001", MB_LEVEL_SECONDARY, err);
        mb_claim_set_disease(c, i % 2 ? "糖尿病" : "冠心病", NULL, err);
        mb_claim_add_item(c, (int64_t)(fx_next(&seed) % 80000) + 1, MB_CLASS_A, -1, err);
        mb_claim_add_item(c, (int64_t)(fx_next(&seed) % 20000), MB_CLASS_B, -1, err);
        if (mb_settle(r, chain, 2, e, c, err) != MB_OK)
            (*failures)++;
        out[i][0] = mb_result_amount(r, MB_AMT_HIFP_PAY);
        out[i][1] = mb_result_amount(r, MB_AMT_MAF_PAY);
        out[i][2] = mb_result_amount(r, MB_AMT_PSN_CASH_PAY);
        mb_claim_free(c);
    }
    mb_result_free(r);
    mb_enrollee_free(e);
    mb_error_free(err);
}

static void *worker(void *arg)
{
    worker_out *w = arg;
    run_year(w->got, &w->failures);
    return NULL;
}

int main(void)
{
    mb_ruleset *wuxi = fx_ruleset(MB_TEST_WUXI), *assistance = fx_ruleset(MB_TEST_ASSIST);
    if (wuxi == NULL || assistance == NULL)
        return check_summary();
    chain[0] = wuxi;
    chain[1] = assistance;
    int failures = 0;
    run_year(expected, &failures);
    CHECK(failures == 0, "every claim settles on one thread");
    static worker_out out[THREADS];
    pthread_t tid[THREADS];
    for (int t = 0; t < THREADS; t++)
        CHECK(pthread_create(&tid[t], NULL, worker, &out[t]) == 0, "start a thread");
    for (int t = 0; t < THREADS; t++)
        pthread_join(tid[t], NULL);
    for (int t = 0; t < THREADS; t++) {
        CHECK(out[t].failures == 0, "every claim settles on every thread");
        CHECK(memcmp(out[t].got, expected, sizeof expected) == 0,
              "each thread's year agrees to the fen with the single-threaded one");
    }
    mb_ruleset_free(wuxi);
    mb_ruleset_free(assistance);
    fx_done();
    return check_summary();
}
