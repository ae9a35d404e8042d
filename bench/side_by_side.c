/*
 * The C leg of bench/side-by-side.py: settle a workload it wrote (the seeded Wuxi chronic
 * claims) through mb_settle_columns on one thread, and print one JSON line with the claims, the
 * best wall and CPU times and the checksum every leg computes. Prints figures; asserts nothing about time.
 *
 *   build/bench/side-by-side WORKLOAD_DIR RULESETS_DIR [ROUNDS]
 *
 * WORKLOAD_DIR holds `counts` ("people rows items") and little-endian arrays, one file each:
 * person_type.i32 and balance.i64 (per enrollee); enrollee.u32, date.i32, med_type.i32,
 * level.i32, disease.i32 (0 糖尿病, 1 高血压), item_start.u64 (rows + 1) per row; item_fen.i64
 * and item_class.i32 per item. Every enrollee is an employee designated to H001 with both
 * diseases certified on 2020-01-05; every claim is at H001 (side-by-side.py says so too).
 */
#include <medbenefit.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

_Noreturn static void die(const char *what, const char *detail)
{
    fprintf(stderr, "side-by-side: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* Wall time, or the process's CPU time (what a shared machine's load changes least). */
static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole file `dir/name`, which must hold `count` cells of `size` bytes. */
static void *array(const char *dir, const char *name, size_t count, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("cannot open", path);
    void *p = malloc(count * size + 1);
    if (p == NULL)
        die("out of memory", NULL);
    size_t got = fread(p, size, count, f);
    int extra = fgetc(f);
    fclose(f);
    if (got != count || extra != EOF)
        die("not the size the counts say", path);
    return p;
}

/* The weighted sum of every amount of every row, as every leg computes it. */
static long long checksum(const int64_t *amounts, size_t rows)
{
    long long s = 0;
    for (size_t i = 0; i < rows * MB_AMT_COUNT_; i++)
        s += amounts[i] * (long long)(i % MB_AMT_COUNT_ % 7 + 1);
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage: side-by-side WORKLOAD_DIR RULESETS_DIR [ROUNDS]", NULL);
    const char *dir = argv[1];
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    size_t people = 0, rows = 0, items = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/counts", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL || fscanf(f, "%zu %zu %zu", &people, &rows, &items) != 3)
        die("cannot read", path);
    fclose(f);

    const int32_t *person_type = array(dir, "person_type.i32", people, 4);
    const int64_t *balance = array(dir, "balance.i64", people, 8);
    mb_columns c = MB_COLUMNS_INIT;
    static const char *const facilities[] = {"H001"}, *const diseases[] = {"糖尿病", "高血压"};
    int32_t *facility = malloc(rows * sizeof *facility + 1);
    if (facility == NULL)
        die("out of memory", NULL);
    for (size_t i = 0; i < rows; i++)
        facility[i] = 0;
    c.nrows = rows;
    c.enrollee = array(dir, "enrollee.u32", rows, 4);
    c.date = array(dir, "date.i32", rows, 4);
    c.med_type = array(dir, "med_type.i32", rows, 4);
    c.level = array(dir, "level.i32", rows, 4);
    c.disease = array(dir, "disease.i32", rows, 4);
    c.item_start = array(dir, "item_start.u64", rows + 1, 8);
    c.item_fen = array(dir, "item_fen.i64", items, 8);
    c.item_class = array(dir, "item_class.i32", items, 4);
    c.facility = facility;
    c.facilities = facilities;
    c.nfacilities = 1;
    c.diseases = diseases;
    c.ndiseases = 2;

    mb_error *err = mb_error_new();
    mb_ruleset *rs = NULL;
    const char *dirs[] = {argv[2], NULL};
    if (err == NULL || mb_ruleset_load_id(&rs, "wuxi-employee-chronic-2021", dirs, err) != MB_OK)
        die("wuxi-employee-chronic-2021", err ? mb_error_message(err) : NULL);
    const mb_ruleset *chain[] = {rs};
    mb_enrollee **e = calloc(people, sizeof *e);
    int64_t *amounts = malloc(rows * MB_AMT_COUNT_ * sizeof *amounts + 1);
    int32_t *status = malloc(rows * sizeof *status + 1);
    if (e == NULL || amounts == NULL || status == NULL)
        die("out of memory", NULL);
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    out.amounts = amounts;
    out.stride = MB_AMT_COUNT_;
    out.status = status;
    mb_columns_options opt = MB_COLUMNS_OPTIONS_INIT; /* one thread, as every other leg */

    double best = 0, best_cpu = 0;
    long long sum = 0;
    for (int round = 0; round < rounds; round++) {
        for (size_t p = 0; p < people; p++)
            if (mb_enrollee_new(&e[p], "E", MB_SCHEME_EMPLOYEE, person_type[p], err) ||
                mb_enrollee_set_designated_facility(e[p], "H001", err) ||
                mb_enrollee_add_disease(e[p], "糖尿病", 20200105, 0, err) ||
                mb_enrollee_add_disease(e[p], "高血压", 20200105, 0, err) ||
                mb_enrollee_set_account_balance(e[p], balance[p], err))
                die("enrollee", mb_error_message(err));
        double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        if (mb_settle_columns(chain, 1, e, people, &c, &out, &opt, err) != MB_OK)
            die("mb_settle_columns", mb_error_message(err));
        double t = now(CLOCK_MONOTONIC) - t0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (round == 0 || t < best)
            best = t;
        if (round == 0 || cpu < best_cpu)
            best_cpu = cpu;
        sum = checksum(amounts, rows);
        for (size_t p = 0; p < people; p++)
            mb_enrollee_free(e[p]);
    }
    printf("{\"engine\": \"C (mb_settle_columns, 1 thread)\", \"claims\": %zu, \"seconds\": %.6f, "
           "\"cpu\": %.6f, \"checksum\": %lld}\n", rows, best, best_cpu, sum);
    void *arrays[] = {(void *)person_type, (void *)balance, (void *)c.enrollee, (void *)c.date,
                      (void *)c.med_type, (void *)c.level, (void *)c.disease, (void *)c.item_start,
                      (void *)c.item_fen, (void *)c.item_class, facility, e, amounts, status};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    mb_ruleset_free(rs);
    mb_error_free(err);
    return 0;
}
