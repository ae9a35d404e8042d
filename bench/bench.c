/*
 * Benchmarks: ns per settlement and settlements per second for a chronic workload and a mixed
 * one, and ruleset load time. Prints figures; asserts nothing about time.
 *
 *   build/bench/bench [rulesets-dir]
 */
#include <medbenefit.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, mb_error *err)
{
    fprintf(stderr, "bench: %s: %s\n", what, mb_error_message(err));
    exit(1);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static mb_ruleset *load(const char *dir, const char *id, mb_error *err)
{
    const char *dirs[] = {dir, NULL};
    mb_ruleset *rs;
    if (mb_ruleset_load_id(&rs, id, dirs, err) != MB_OK)
        die(id, err);
    return rs;
}

static void report(const char *name, long n, double secs)
{
    printf("%-22s %8ld settlements  %8.0f ns/settlement  %10.0f settlements/s\n", name, n,
           secs * 1e9 / n, n / secs);
}

/* Wuxi chronic: 2000 enrollees x 60 claims in a year, each with 3 items. */
static void chronic(const char *dir, mb_error *err)
{
    mb_ruleset *rs = load(dir, "wuxi-employee-chronic-2021", err);
    const mb_ruleset *chain[] = {rs};
    mb_result *r;
    mb_result_new(&r, err);
    enum { PEOPLE = 2000, CLAIMS = 60 };
    mb_claim *claims[CLAIMS];
    for (int k = 0; k < CLAIMS; k++) {
        int32_t date = 20210000 + (1 + k / 6) * 100 + 1 + (k % 6) * 4;
        char id[16]; /* each claim its own id: a repeated one is refused as already settled */
        snprintf(id, sizeof id, "C%d", k);
        if (mb_claim_new(&claims[k], id, date, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, err) ||
            mb_claim_set_disease(claims[k], k % 2 ? "糖尿病" : "高血压", NULL, err) ||
            mb_claim_add_item(claims[k], (int64_t)(next() % 30000) + 100, MB_CLASS_A, -1, err) ||
            mb_claim_add_item(claims[k], (int64_t)(next() % 20000) + 100, MB_CLASS_B, -1, err) ||
            mb_claim_add_item(claims[k], (int64_t)(next() % 5000), MB_CLASS_C, -1, err))
            die("claim", err);
    }
    double t = 0;
    long n = 0;
    for (int p = 0; p < PEOPLE; p++) {
        mb_enrollee *e;
        if (mb_enrollee_new(&e, "E", MB_SCHEME_EMPLOYEE, 1 + p % 2, err) ||
            mb_enrollee_set_designated_facility(e, "H001", err) ||
            mb_enrollee_add_disease(e, "糖尿病", 20200105, 0, err) ||
            mb_enrollee_add_disease(e, "高血压", 20200105, 0, err) ||
            mb_enrollee_set_account_balance(e, (int64_t)(next() % 100000), err))
            die("enrollee", err);
        double t0 = now();
        for (int k = 0; k < CLAIMS; k++)
            if (mb_settle(r, chain, 1, e, claims[k], err) != MB_OK)
                die("settle", err);
        t += now() - t0;
        n += CLAIMS;
        mb_enrollee_free(e);
    }
    report("chronic (Wuxi)", n, t);
    for (int k = 0; k < CLAIMS; k++)
        mb_claim_free(claims[k]);
    mb_result_free(r);
    mb_ruleset_free(rs);
}

/* Mixed: Changzhou general outpatient, pharmacy and inpatient for employees (basic tier only),
 * and Shanxi-free chains: Wuxi chronic then assistance. */
static void mixed(const char *dir, mb_error *err)
{
    mb_ruleset *cz = load(dir, "changzhou-employee-outpatient-2023", err);
    mb_ruleset *wx = load(dir, "wuxi-employee-chronic-2021", err);
    mb_ruleset *as = load(dir, "wuxi-medical-assistance-2023", err);
    const mb_ruleset *chain_cz[] = {cz};
    const mb_ruleset *chain_wx[] = {wx, as};
    mb_result *r;
    mb_result_new(&r, err);
    enum { PEOPLE = 2000, CLAIMS = 60 };
    mb_claim *claims[CLAIMS];
    for (int k = 0; k < CLAIMS; k++) {
        int32_t date = 20230000 + (1 + k / 6) * 100 + 1 + (k % 6) * 4;
        int kind = k % 4;
        int med = kind == 0 ? MB_MED_GENERAL_OUTPATIENT : kind == 1 ? MB_MED_PHARMACY
                  : kind == 2 ? MB_MED_INPATIENT : MB_MED_GENERAL_OUTPATIENT;
        int level = kind == 1 ? MB_LEVEL_PHARMACY : 1 + (int)(next() % 3);
        char id[16];
        snprintf(id, sizeof id, "C%d", k);
        if (mb_claim_new(&claims[k], id, date, med, kind == 0 ? "C01" : "H9", level, err))
            die("claim", err);
        if (kind == 1 && mb_claim_set_prescriber(claims[k], "C01", MB_LEVEL_PRIMARY, err))
            die("claim", err);
        if (kind == 2 && mb_claim_set_admission(claims[k], date - (date % 100 > 3 ? 3 : 0), date, err))
            die("claim", err);
        mb_claim_set_flags(claims[k], next() % 2 ? MB_CLAIM_REFERRAL : 0, err);
        if (mb_claim_add_item(claims[k], (int64_t)(next() % (kind == 2 ? 2000000 : 80000)) + 100, MB_CLASS_A, -1, err) ||
            mb_claim_add_item(claims[k], (int64_t)(next() % 20000), MB_CLASS_B, -1, err))
            die("claim", err);
    }
    mb_claim *chronic[CLAIMS];
    for (int k = 0; k < CLAIMS; k++) {
        int32_t date = 20230000 + (1 + k / 6) * 100 + 2 + (k % 6) * 4;
        char id[16];
        snprintf(id, sizeof id, "K%d", k);
        if (mb_claim_new(&chronic[k], id, date, MB_MED_CHRONIC, "H001", MB_LEVEL_SECONDARY, err) ||
            mb_claim_set_disease(chronic[k], "糖尿病", NULL, err) ||
            mb_claim_add_item(chronic[k], (int64_t)(next() % 50000) + 100, MB_CLASS_A, -1, err))
            die("claim", err);
    }
    double t = 0;
    long n = 0;
    for (int p = 0; p < PEOPLE; p++) {
        mb_enrollee *e;
        if (mb_enrollee_new(&e, "E", MB_SCHEME_EMPLOYEE, 1 + p % 3, err) ||
            mb_enrollee_set_first_visit_facility(e, "C01", err) ||
            mb_enrollee_set_designated_facility(e, "H001", err) ||
            mb_enrollee_add_disease(e, "糖尿病", 20200105, 0, err) ||
            (p % 3 == 0 && mb_enrollee_add_assistance(e, "minimum_living", 20220101, 0, err)))
            die("enrollee", err);
        double t0 = now();
        for (int k = 0; k < CLAIMS; k++) {
            const mb_claim *c = p % 2 ? claims[k] : chronic[k];
            const mb_ruleset *const *chain = p % 2 ? chain_cz : chain_wx;
            if (mb_settle(r, chain, p % 2 ? 1 : 2, e, c, err) != MB_OK)
                die("settle", err);
        }
        t += now() - t0;
        n += CLAIMS;
        mb_enrollee_free(e);
    }
    report("mixed (3 rulesets)", n, t);
    for (int k = 0; k < CLAIMS; k++) {
        mb_claim_free(claims[k]);
        mb_claim_free(chronic[k]);
    }
    mb_result_free(r);
    mb_ruleset_free(cz);
    mb_ruleset_free(wx);
    mb_ruleset_free(as);
}

static void loading(const char *dir, mb_error *err)
{
    static const char *const ids[] = {"wuxi-employee-chronic-2021", "changzhou-employee-outpatient-2023",
                                      "wuxi-medical-assistance-2023", "jiaozuo-chronic-2022",
                                      "shanxi-chronic-special-2025"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const char *dirs[] = {dir, NULL};
        enum { N = 200 };
        double t0 = now();
        int ok = 1;
        for (int k = 0; k < N && ok; k++) {
            mb_ruleset *rs;
            if (mb_ruleset_load_id(&rs, ids[i], dirs, err) != MB_OK) {
                printf("load %-36s skipped: %s\n", ids[i], mb_error_message(err));
                ok = 0;
                break;
            }
            mb_ruleset_free(rs);
        }
        if (ok)
            printf("load %-36s %8.1f us per load\n", ids[i], (now() - t0) * 1e6 / N);
    }
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "rulesets";
    mb_error *err = mb_error_new();
    printf("libmedbenefit %s benchmark\n", mb_version());
    chronic(dir, err);
    mixed(dir, err);
    loading(dir, err);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld KiB\n", ru.ru_maxrss);
    mb_error_free(err);
    return 0;
}
