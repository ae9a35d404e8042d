/*
 * Benchmarks. Prints figures; asserts nothing about time.
 *
 *   build/bench/bench [rulesets-dir]
 *       settlements per second through each call, for each workload; bytes per enrollee
 *       handle; ruleset load time
 *   build/bench/bench --smoke [rulesets-dir]
 *       the same with 50 enrollees, once: every call must give the same checksum (meson test)
 *   build/bench/bench --callgrind-mode WORKLOAD [--api CALL] [rulesets-dir]
 *       settle the workload once inside bench_measured(), for
 *       valgrind --tool=callgrind --toggle-collect=bench_measured (bench/instructions.sh
 *       runs it and divides by the number of settlements printed)
 *
 * Workloads (each settled by the same claims through every call, with one checksum):
 *   wuxi    Wuxi employee chronic care (锡医保服务〔2020〕41号), one ruleset
 *   chain   the same claims through Wuxi chronic care then Wuxi medical assistance
 *   mixed   Changzhou employee outpatient, pharmacy and inpatient (常政办发〔2022〕91号)
 */
#include <medbenefit.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    fprintf(stderr, "bench: %s: %s\n", what, err ? mb_error_message(err) : "failed");
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

/* ---- an allocator that counts the bytes the library holds --------------------------------- */

static _Atomic long long live_bytes;
typedef union { size_t size; max_align_t align; } block_head;

static void *count_alloc(void *ctx, size_t size)
{
    (void)ctx;
    block_head *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    live_bytes += (long long)size;
    return h + 1;
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    if (p == NULL)
        return;
    block_head *h = (block_head *)p - 1;
    live_bytes -= (long long)h->size;
    free(h);
}

static void *count_realloc(void *ctx, void *p, size_t size)
{
    if (p == NULL)
        return count_alloc(ctx, size);
    block_head *h = (block_head *)p - 1;
    size_t old = h->size;
    block_head *n = realloc(h, sizeof *n + size);
    if (n == NULL)
        return NULL;
    n->size = size;
    live_bytes += (long long)size - (long long)old;
    return n + 1;
}

/* ---- workloads ------------------------------------------------------------------------------ */

/* One claim of a workload, as data: every call settles the same ones. */
typedef struct tmpl {
    int32_t date;
    int med, level;
    unsigned flags;
    const char *facility, *disease, *prescriber;
    int32_t admitted;
    int nitems;
    int64_t fen[3];
    int cls[3];
} tmpl;

enum { CLAIMS = 60 };

/* The workload's rows as columns: enrollee by enrollee, each its 60 claims in order. */
typedef struct columns {
    uint32_t *enrollee;
    int32_t *date, *med, *level, *facility, *disease, *admitted, *discharged, *prescriber,
        *prescriber_level;
    uint32_t *flags;
    uint64_t *item_start;
    int64_t *fen;
    int32_t *cls;
    const char *facilities[3], *diseases[2];
    const char **claim_id;
    char ids[CLAIMS][8];
    mb_columns c;
} columns;

typedef struct workload {
    const char *name;
    const mb_ruleset *chain[3];
    size_t nchain;
    int people;
    tmpl t[CLAIMS];           /* every enrollee's year: the same 60 claims */
    mb_claim *claims[CLAIMS];
    int kind;
    columns col;
} workload;

enum { WUXI, CHAIN, MIXED };

static mb_ruleset *load(const char *dir, const char *id, mb_error *err)
{
    const char *dirs[] = {dir, NULL};
    mb_ruleset *rs;
    if (mb_ruleset_load_id(&rs, id, dirs, err) != MB_OK)
        die(id, err);
    return rs;
}

/* Enrollee p of a workload, fresh (no accumulators). */
static mb_enrollee *person(const workload *w, int p, mb_error *err)
{
    mb_enrollee *e;
    if (w->kind == MIXED) {
        if (mb_enrollee_new(&e, "E", MB_SCHEME_EMPLOYEE, 1 + p % 3, err) ||
            mb_enrollee_set_first_visit_facility(e, "C01", err) ||
            mb_enrollee_set_account_balance(e, (int64_t)(p * 7919 % 100000), err))
            die("enrollee", err);
        return e;
    }
    if (mb_enrollee_new(&e, "E", MB_SCHEME_EMPLOYEE, 1 + p % 2, err) ||
        mb_enrollee_set_designated_facility(e, "H001", err) ||
        mb_enrollee_add_disease(e, "糖尿病", 20200105, 0, err) ||
        mb_enrollee_add_disease(e, "高血压", 20200105, 0, err) ||
        mb_enrollee_set_account_balance(e, (int64_t)(p * 7919 % 100000), err) ||
        (w->kind == CHAIN && mb_enrollee_add_assistance(e, "minimum_living", 20220101, 0, err)))
        die("enrollee", err);
    return e;
}

static void make_claims(workload *w, int year, mb_error *err)
{
    for (int k = 0; k < CLAIMS; k++) {
        tmpl *t = &w->t[k];
        *t = (tmpl){.date = year * 10000 + (1 + k / 6) * 100 + 1 + (k % 6) * 4};
        if (w->kind == MIXED) {
            int kind = k % 4;
            t->med = kind == 1 ? MB_MED_PHARMACY : kind == 2 ? MB_MED_INPATIENT
                                                             : MB_MED_GENERAL_OUTPATIENT;
            t->level = kind == 1 ? MB_LEVEL_PHARMACY : 1 + (int)(next() % 3);
            t->facility = kind == 0 ? "C01" : "H9";
            if (kind == 1) {
                t->prescriber = "C01";
            }
            if (kind == 2)
                t->admitted = t->date - (t->date % 100 > 3 ? 3 : 0);
            t->flags = next() % 2 ? MB_CLAIM_REFERRAL : 0;
            t->nitems = 2;
            t->fen[0] = (int64_t)(next() % (kind == 2 ? 2000000 : 80000)) + 100;
            t->cls[0] = MB_CLASS_A;
            t->fen[1] = (int64_t)(next() % 20000);
            t->cls[1] = MB_CLASS_B;
        } else {
            t->med = MB_MED_CHRONIC;
            t->level = MB_LEVEL_TERTIARY;
            t->facility = "H001";
            t->disease = k % 2 ? "糖尿病" : "高血压";
            t->nitems = 3;
            t->fen[0] = (int64_t)(next() % 30000) + 100;
            t->cls[0] = MB_CLASS_A;
            t->fen[1] = (int64_t)(next() % 20000) + 100;
            t->cls[1] = MB_CLASS_B;
            t->fen[2] = (int64_t)(next() % 5000);
            t->cls[2] = MB_CLASS_C;
        }
        mb_claim *c;
        char id[16]; /* each claim its own id: a repeated one is refused as already settled */
        snprintf(id, sizeof id, "C%d", k);
        if (mb_claim_new(&c, id, t->date, t->med, t->facility, t->level, err) ||
            mb_claim_set_flags(c, t->flags, err) ||
            (t->disease && mb_claim_set_disease(c, t->disease, NULL, err)) ||
            (t->prescriber && mb_claim_set_prescriber(c, t->prescriber, MB_LEVEL_PRIMARY, err)) ||
            (t->admitted && mb_claim_set_admission(c, t->admitted, t->date, err)))
            die("claim", err);
        for (int i = 0; i < t->nitems; i++)
            if (mb_claim_add_item(c, t->fen[i], t->cls[i], -1, err))
                die("claim item", err);
        w->claims[k] = c;
    }
}

static int32_t index_of(const char *const *table, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(table[i], s) == 0)
            return i;
    return -1;
}

static void *must(void *p)
{
    if (p == NULL)
        die("out of memory", NULL);
    return p;
}

static void make_columns(workload *w)
{
    columns *k = &w->col;
    size_t rows = (size_t)w->people * CLAIMS;
    k->enrollee = must(calloc(rows, sizeof *k->enrollee));
    k->date = must(calloc(rows, sizeof *k->date));
    k->med = must(calloc(rows, sizeof *k->med));
    k->level = must(calloc(rows, sizeof *k->level));
    k->facility = must(calloc(rows, sizeof *k->facility));
    k->disease = must(calloc(rows, sizeof *k->disease));
    k->admitted = must(calloc(rows, sizeof *k->admitted));
    k->discharged = must(calloc(rows, sizeof *k->discharged));
    k->prescriber = must(calloc(rows, sizeof *k->prescriber));
    k->prescriber_level = must(calloc(rows, sizeof *k->prescriber_level));
    k->flags = must(calloc(rows, sizeof *k->flags));
    k->item_start = must(calloc(rows + 1, sizeof *k->item_start));
    k->fen = must(calloc(rows * 3, sizeof *k->fen));
    k->cls = must(calloc(rows * 3, sizeof *k->cls));
    k->claim_id = must(calloc(rows, sizeof *k->claim_id));
    for (int c = 0; c < CLAIMS; c++)
        snprintf(k->ids[c], sizeof k->ids[c], "C%d", c); /* the ids the claim handles have */
    k->facilities[0] = "H001";
    k->facilities[1] = "C01";
    k->facilities[2] = "H9";
    k->diseases[0] = "糖尿病";
    k->diseases[1] = "高血压";
    size_t i = 0, item = 0;
    for (int p = 0; p < w->people; p++)
        for (int c = 0; c < CLAIMS; c++, i++) {
            const tmpl *t = &w->t[c];
            k->enrollee[i] = (uint32_t)p;
            k->claim_id[i] = k->ids[c];
            k->date[i] = t->date;
            k->med[i] = t->med;
            k->level[i] = t->level;
            k->flags[i] = t->flags;
            k->facility[i] = index_of(k->facilities, 3, t->facility);
            k->disease[i] = index_of(k->diseases, 2, t->disease);
            k->admitted[i] = t->admitted;
            k->discharged[i] = t->admitted ? t->date : 0;
            k->prescriber[i] = index_of(k->facilities, 3, t->prescriber);
            k->prescriber_level[i] = t->prescriber ? MB_LEVEL_PRIMARY : 0;
            for (int j = 0; j < t->nitems; j++, item++) {
                k->fen[item] = t->fen[j];
                k->cls[item] = t->cls[j];
            }
            k->item_start[i + 1] = item;
        }
    k->c = (mb_columns)MB_COLUMNS_INIT;
    k->c.nrows = rows;
    k->c.enrollee = k->enrollee;
    k->c.claim_id = k->claim_id;
    k->c.date = k->date;
    k->c.med_type = k->med;
    k->c.level = k->level;
    k->c.flags = k->flags;
    k->c.facility = k->facility;
    k->c.disease = k->disease;
    k->c.admitted = k->admitted;
    k->c.discharged = k->discharged;
    k->c.prescriber = k->prescriber;
    k->c.prescriber_level = k->prescriber_level;
    k->c.item_start = k->item_start;
    k->c.item_fen = k->fen;
    k->c.item_class = k->cls;
    k->c.facilities = k->facilities;
    k->c.nfacilities = 3;
    k->c.diseases = k->diseases;
    k->c.ndiseases = 2;
}

static void workload_init(workload *w, int kind, const char *dir, int people, mb_error *err)
{
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->people = people;
    if (kind == MIXED) {
        w->name = "mixed (Changzhou)";
        w->chain[0] = load(dir, "changzhou-employee-outpatient-2023", err);
        w->nchain = 1;
        make_claims(w, 2023, err);
        make_columns(w);
        return;
    }
    w->name = kind == WUXI ? "wuxi (chronic)" : "chain (chronic+assist)";
    w->chain[0] = load(dir, "wuxi-employee-chronic-2021", err);
    w->nchain = 1;
    if (kind == CHAIN)
        w->chain[w->nchain++] = load(dir, "wuxi-medical-assistance-2023", err);
    make_claims(w, 2023, err);
    make_columns(w);
}

static void workload_free(workload *w)
{
    columns *col = &w->col;
    void *arrays[] = {col->enrollee, col->date, col->med, col->level, col->facility, col->disease,
                      col->admitted, col->discharged, col->prescriber, col->prescriber_level,
                      col->flags, col->item_start, col->fen, col->cls, (void *)col->claim_id};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    for (int k = 0; k < CLAIMS; k++)
        mb_claim_free(w->claims[k]);
    for (size_t i = 0; i < w->nchain; i++)
        mb_ruleset_free((mb_ruleset *)w->chain[i]);
}

/* ---- the calls ------------------------------------------------------------------------------ */

/* columns_nojournal: the columnar call for enrollees whose journal keeps no settlement
 * (mb_enrollee_set_journal_limit 0), as `medbenefit compare` settles them */
enum { API_SETTLE, API_BATCH, API_COLUMNS, API_COLUMNS_2, API_COLUMNS_NOJOURNAL, API_COUNT };
static const char *const api_name[API_COUNT] = {"mb_settle", "mb_settle_batch",
                                                "mb_settle_columns", "mb_settle_columns_2",
                                                "mb_settle_columns_nojournal"};

static bool counting; /* --callgrind-mode */
static bool smoke;    /* --smoke: a few enrollees, once, checksums compared; for the test suite */

/* What every call gives for one workload: the sum of every amount of every settlement. */
typedef struct run {
    long settlements;
    double secs;
    int64_t checksum;
} run;

static int64_t sum_amounts(const int64_t *a, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * (int64_t)(i % 7 + 1);
    return s;
}

/* Settle enrollees [0, people) through `api`; only the settlements are timed. Non-static and
 * not inlined: callgrind collects inside it (--toggle-collect=bench_measured). */
__attribute__((noinline)) void bench_measured(const workload *w, int api, mb_enrollee **people,
                                              mb_result *r, run *out, mb_error *err);
__attribute__((noinline)) void bench_measured(const workload *w, int api, mb_enrollee **people,
                                              mb_result *r, run *out, mb_error *err)
{
    bool check = !counting; /* under callgrind only the settlements count */
    static int64_t amounts[CLAIMS * MB_AMT_COUNT_];
    static int32_t status[CLAIMS], covered[CLAIMS];
    const mb_claim *const *claims = (const mb_claim *const *)w->claims;
    double t0 = now();
    if (api == API_COLUMNS || api == API_COLUMNS_2 || api == API_COLUMNS_NOJOURNAL) {
        size_t rows = w->col.c.nrows;
        int64_t *all = must(calloc(rows * MB_AMT_COUNT_, sizeof *all));
        int32_t *st = must(calloc(rows, sizeof *st));
        mb_column_results res = MB_COLUMN_RESULTS_INIT;
        res.amounts = all;
        res.stride = MB_AMT_COUNT_;
        res.status = st;
        mb_columns_options opt = MB_COLUMNS_OPTIONS_INIT;
        opt.threads = api == API_COLUMNS_2 ? 2 : 1;
        t0 = now();
        if (mb_settle_columns(w->chain, w->nchain, people, (size_t)w->people, &w->col.c, &res,
                              &opt, err) != MB_OK)
            die("settle_columns", err);
        out->secs += now() - t0;
        for (size_t i = 0; check && i < rows; i++)
            out->checksum += sum_amounts(all + i * MB_AMT_COUNT_, MB_AMT_COUNT_);
        free(all);
        free(st);
        out->settlements += (long)rows;
        return;
    }
    for (int p = 0; p < w->people; p++) {
        if (api == API_SETTLE) {
            for (int k = 0; k < CLAIMS; k++) {
                /* the documented protocol: room first (at once when it is there), then settle */
                if (mb_enrollee_reserve_for(people[p], w->chain, w->nchain, err) != MB_OK ||
                    mb_settle(r, w->chain, w->nchain, people[p], claims[k], err) != MB_OK)
                    die("settle", err);
                if (check) {
                    int64_t a[MB_AMT_COUNT_];
                    mb_result_amounts(r, a, MB_AMT_COUNT_);
                    out->checksum += sum_amounts(a, MB_AMT_COUNT_);
                }
            }
        } else {
            if (mb_settle_batch(r, w->chain, w->nchain, people[p], claims, CLAIMS, 0, amounts,
                                MB_AMT_COUNT_, status, covered, err) != MB_OK)
                die("settle_batch", err);
            for (int k = 0; check && k < CLAIMS; k++)
                out->checksum += sum_amounts(amounts + k * MB_AMT_COUNT_, MB_AMT_COUNT_);
        }
    }
    out->secs += now() - t0;
    out->settlements += (long)w->people * CLAIMS;
}

static run settle_all(const workload *w, int api, mb_error *err)
{
    mb_enrollee **people = calloc((size_t)w->people, sizeof *people);
    mb_result *r;
    if (people == NULL || mb_result_new(&r, err) != MB_OK)
        die("out of memory", err);
    for (int p = 0; p < w->people; p++) {
        people[p] = person(w, p, err);
        if (api == API_COLUMNS_NOJOURNAL && mb_enrollee_set_journal_limit(people[p], 0, err) != MB_OK)
            die("journal", err);
    }
    run out = {0};
    bench_measured(w, api, people, r, &out, err);
    for (int p = 0; p < w->people; p++)
        mb_enrollee_free(people[p]);
    free(people);
    mb_result_free(r);
    return out;
}

/* Bytes the library holds per enrollee handle: fresh, and after its year of claims; with the
 * journal of 32 settlements an enrollee keeps by default (docs/reversal.md), and without. */
static void bytes_per_enrollee(const workload *w, mb_error *err)
{
    enum { N = 200 };
    mb_enrollee *people[N];
    mb_result *r;
    if (mb_result_new(&r, err) != MB_OK)
        die("result", err);
    long long fresh[2], settled[2];
    for (int journal = 0; journal < 2; journal++) {
        long long before = live_bytes;
        for (int p = 0; p < N; p++) {
            people[p] = person(w, p, err);
            if (!journal && mb_enrollee_set_journal_limit(people[p], 0, err) != MB_OK)
                die("journal", err);
        }
        fresh[journal] = (live_bytes - before) / N;
        for (int p = 0; p < N; p++)
            for (int k = 0; k < CLAIMS; k++)
                if (mb_enrollee_reserve_for(people[p], w->chain, w->nchain, err) != MB_OK ||
                    mb_settle(r, w->chain, w->nchain, people[p], w->claims[k], err) != MB_OK)
                    die("settle", err);
        settled[journal] = (live_bytes - before) / N;
        for (int p = 0; p < N; p++)
            mb_enrollee_free(people[p]);
    }
    printf("  bytes per enrollee handle: %lld fresh, %lld after %d claims; with the default "
           "journal of 32: %lld, %lld\n", fresh[0], settled[0], CLAIMS, fresh[1], settled[1]);
    mb_result_free(r);
}

static void bench_workload(int kind, const char *dir, mb_error *err)
{
    workload w;
    workload_init(&w, kind, dir, smoke ? 50 : 2000, err);
    printf("%s, %d enrollees x %d claims, chain of %zu\n", w.name, w.people, CLAIMS, w.nchain);
    int64_t first = 0;
    for (int api = 0; api < API_COUNT; api++) {
        run best = {0};
        for (int rep = 0; rep < (smoke ? 1 : 3); rep++) { /* the best of three: the machine is shared */
            run r = settle_all(&w, api, err);
            if (rep == 0 || r.secs < best.secs)
                best = r;
        }
        if (api == 0)
            first = best.checksum;
        printf("  %-28s %9.0f claims/s  %6.0f ns/claim  checksum %lld%s\n", api_name[api],
               best.settlements / best.secs, best.secs * 1e9 / best.settlements,
               (long long)best.checksum, best.checksum == first ? "" : "  MISMATCH");
        if (best.checksum != first)
            die("checksums differ between calls", NULL);
    }
    bytes_per_enrollee(&w, err);
    workload_free(&w);
}

static void loading(const char *dir, mb_error *err)
{
    static const char *const ids[] = {"wuxi-employee-chronic-2021", "changzhou-employee-outpatient-2023",
                                      "wuxi-medical-assistance-2023", "jiaozuo-chronic-2022",
                                      "shanxi-chronic-special-2025"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const char *dirs[] = {dir, NULL};
        enum { N = 50 };
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

static int kind_of(const char *name)
{
    return strcmp(name, "wuxi") == 0 ? WUXI : strcmp(name, "chain") == 0 ? CHAIN
           : strcmp(name, "mixed") == 0 ? MIXED : -1;
}

static int api_of(const char *name)
{
    for (int a = 0; a < API_COUNT; a++)
        if (strcmp(name, api_name[a]) == 0 || strcmp(name, api_name[a] + 3) == 0)
            return a;
    return strcmp(name, "batch") == 0 ? API_BATCH : strcmp(name, "columns") == 0 ? API_COLUMNS : -1;
}

/* One workload through one call, for callgrind: prints the number of settlements. */
static int callgrind_mode(const char *workload_name, const char *api_text, const char *dir,
                          mb_error *err)
{
    int kind = kind_of(workload_name), api = api_of(api_text);
    if (kind < 0 || api < 0) {
        fprintf(stderr, "bench: unknown workload '%s' or call '%s'\n", workload_name, api_text);
        return 2;
    }
    workload w;
    workload_init(&w, kind, dir, 200, err);
    run r = settle_all(&w, api, err);
    printf("settlements %ld\n", r.settlements);
    workload_free(&w);
    return 0;
}

int main(int argc, char **argv)
{
    mb_set_allocator(&(mb_allocator){count_alloc, count_realloc, count_free, NULL});
    mb_error *err = mb_error_new();
    const char *dir = "rulesets", *mode = NULL, *api = "settle";
    bool list = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--callgrind-mode") == 0 && i + 1 < argc)
            mode = argv[++i];
        else if (strcmp(argv[i], "--api") == 0 && i + 1 < argc)
            api = argv[++i];
        else if (strcmp(argv[i], "--smoke") == 0)
            smoke = true;
        else if (strcmp(argv[i], "--list-apis") == 0)
            list = true;
        else
            dir = argv[i];
    }
    int rc = 0;
    if (list) {
        for (int a = 0; a < API_COUNT; a++)
            if (a != API_COLUMNS_2) /* two threads count the same instructions */
                printf("%s\n", api_name[a] + 3);
    } else if (mode != NULL) {
        counting = true;
        rc = callgrind_mode(mode, api, dir, err);
    } else {
        printf("libmedbenefit %s benchmark (%s)\n", mb_version(),
               smoke ? "smoke run: 50 enrollees, once" : "best of 3 runs per call");
        bench_workload(WUXI, dir, err);
        bench_workload(CHAIN, dir, err);
        bench_workload(MIXED, dir, err);
        if (!smoke)
            loading(dir, err);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("peak RSS %ld KiB\n", ru.ru_maxrss);
    }
    mb_error_free(err);
    return rc;
}
