/* The chain a claim settles under, as a batch keeps it from one claim to the next
 * (mb_in_force, lib/settle.c): for every day from 2022-12-01 to 2024-01-31, visited in date
 * order, backwards and shuffled, a kept mb_in_force must give what one worked out afresh for
 * that day gives: the same status, the same rulesets in force. The chain: a basic line of two
 * revisions with a gap between them (2023-01-01 to 06-30, then from 08-01) and a critical
 * illness ruleset in force from 2023-03-01 to 12-31 (and the line alone), so that the runs of
 * days on which the same rulesets are in force end at each of their dates; and a line whose
 * second revision starts on 06-01, before the first ends, so that a run ends where a ruleset
 * not in force begins, or after it ended. The runs themselves are checked on dates
 * worked out by hand. Internal: links the static library. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

#include "../../lib/handles.h"
#include "../../lib/pipeline.h"

#define LAYER(doc)                                                                             \
    "funds:\n"                                                                                 \
    "  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"             \
    "layers:\n"                                                                                \
    "  - id: outpatient\n"                                                                     \
    "    cite: " doc " 三\n"                                                                   \
    "    med_types: [general_outpatient]\n"                                                    \
    "    fund: pooling\n"                                                                      \
    "    ratio: [{all: 60%, cite: " doc " 三（60%）}]\n"

#define BASIC(doc)                                                                             \
    "title: 门诊统筹\n"                                                                        \
    "document: " doc "\n"                                                                      \
    "tier: basic\n"                                                                            \
    "schemes: [employee]\n"                                                                    \
    "account: {value: none, cite: " doc " 一}\n"                                               \
    "class_b_first_selfpay: {value: 10%, cite: " doc " 二}\n" LAYER(doc)

static const char FIRST[] = "id: t-2023-01\neffective_from: 2023-01-01\neffective_to: 2023-06-30\n"
                            BASIC("测试〔2023〕5号");
static const char SECOND[] = "id: t-2023-08\ncontinues: t-2023-01\neffective_from: 2023-08-01\n"
                             BASIC("测试〔2023〕6号");
/* a revision whose period overlaps the first's: a claim of June is refused (MB_E_CHAIN) */
static const char OVERLAPPING[] = "id: t-2023-06\ncontinues: t-2023-01\neffective_from: 2023-06-01\n"
                                  BASIC("测试〔2023〕8号");
static const char CRITICAL[] =
    "id: t-critical\neffective_from: 2023-03-01\neffective_to: 2023-12-31\n"
    "title: 大病保险\n"
    "document: 测试〔2023〕7号\n"
    "tier: critical_illness\n"
    "schemes: [employee]\n"
    "upstream: {cite: 测试〔2023〕7号 一}\n"
    "class_b_first_selfpay: {value: 0%, cite: 测试〔2023〕7号 二}\n"
    "funds:\n"
    "  - {key: critical, employee: \"390200\", name: 大病保险基金, amount: hifmi_pay}\n"
    "layers:\n"
    "  - id: critical\n"
    "    cite: 测试〔2023〕7号 三\n"
    "    med_types: [general_outpatient]\n"
    "    fund: critical\n"
    "    base: remaining\n"
    "    ratio: [{all: 50%, cite: 测试〔2023〕7号 三（50%）}]\n";

#define DAYS 430
static int32_t days[DAYS];
static size_t ndays;

static fx_rng rng = {UINT64_C(0x853c49e6748fea9b)};

/* Every calendar day from 2022-12-01 to 2024-01-31, in order. */
static void calendar(void)
{
    static const int in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int32_t y = 2022; y <= 2024; y++)
        for (int32_t m = 1; m <= 12; m++)
            for (int32_t d = 1; d <= in_month[m - 1]; d++) {
                int32_t date = y * 10000 + m * 100 + d;
                if (date >= 20221201 && date <= 20240131 && ndays < DAYS)
                    days[ndays++] = date;
            }
}

/* The claim of one day, its checks passed but for its date. */
static mb_bill bill_on(int32_t date)
{
    mb_bill b = {.id = "", .disease = "", .date = date, .med_type = MB_MED_GENERAL_OUTPATIENT,
                 .level = MB_LEVEL_PRIMARY, .up_critical = -1, .nitems = 1, .total = 10000};
    return b;
}

/* Visit days[order[0..n)] with one kept mb_in_force, each against a fresh one. */
static long visit(const mb_ruleset *const *chain, size_t n, const mb_enrollee *e,
                  const size_t *order, const char *how)
{
    mb_in_force kept;
    mb_in_force_none(&kept, true);
    long differ = 0;
    for (size_t k = 0; k < ndays; k++) {
        mb_bill b = bill_on(days[order[k]]);
        mb_in_force fresh;
        mb_in_force_none(&fresh, false);
        int want = mb_bill_check(chain, n, e, &b, &fresh, NULL);
        int got = mb_bill_check(chain, n, e, &b, &kept, NULL);
        bool same = want == got &&
                    (want != MB_OK || (fresh.n == kept.n &&
                                       memcmp(fresh.eff, kept.eff, fresh.n * sizeof *fresh.eff) == 0 &&
                                       kept.from <= b.date && b.date <= kept.to));
        char why[160];
        snprintf(why, sizeof why, "%s: %d: status %d, %zu in force; kept: %d, %zu", how, b.date,
                 want, fresh.n, got, kept.n);
        if (!same && differ++ == 0)
            CHECK(same, why); /* the first of a visit's differences told */
        else if (same)
            CHECK(same, why);
    }
    return differ;
}

/* The run of days around `date`, and the rulesets in force on it. */
static void run_of(const mb_ruleset *const *chain, size_t n, const mb_enrollee *e, int32_t date,
                   int want, int32_t from, int32_t to, size_t in_force, const char *why)
{
    mb_bill b = bill_on(date);
    mb_in_force f;
    mb_in_force_none(&f, true);
    int rc = mb_bill_check(chain, n, e, &b, &f, NULL);
    char text[200];
    snprintf(text, sizeof text, "%s: status %d, the run %d..%d, %zu in force", why, rc, f.from,
             f.to, rc == MB_OK ? f.n : 0);
    CHECK(rc == want, text);
    if (rc == MB_OK) {
        CHECK(f.from == from && f.to == to, text);
        CHECK(f.n == in_force, text);
    } else {
        CHECK(f.from > f.to, text); /* a refused date keeps no run */
    }
}

int main(void)
{
    mb_ruleset *first = fx_ruleset_text(FIRST, "t-2023-01.yaml");
    mb_ruleset *second = fx_ruleset_text(SECOND, "t-2023-08.yaml");
    mb_ruleset *critical = fx_ruleset_text(CRITICAL, "t-critical.yaml");
    mb_ruleset *overlapping = fx_ruleset_text(OVERLAPPING, "t-2023-06.yaml");
    mb_enrollee *e = NULL;
    FX_OK(mb_enrollee_new(&e, "E", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, fx_error()));
    if (first == NULL || second == NULL || critical == NULL || overlapping == NULL || e == NULL)
        return check_summary();
    calendar();
    CHECK(ndays == 427, "427 days from 2022-12-01 to 2024-01-31");
    const mb_ruleset *line[3] = {first, second, critical}, *alone[1] = {critical},
                     *overlap[2] = {first, overlapping};

    /* by hand: each line must have a ruleset in force, the basic line's revisions ending 06-30
     * and starting 08-01, critical illness in force 03-01 to 12-31. In March the first
     * revision's period (to 06-30) and critical illness's (from 03-01) bound the run; in August
     * the second's start (08-01; the first ended before) and critical illness's end */
    run_of(line, 3, e, 20230115, MB_E_INVALID_DATE, 0, 0, 0, "January: no critical illness yet");
    run_of(line, 3, e, 20230301, MB_OK, 20230301, 20230630, 2, "critical illness's first day");
    run_of(line, 3, e, 20230315, MB_OK, 20230301, 20230630, 2, "March: the first and critical illness");
    run_of(line, 3, e, 20230630, MB_OK, 20230301, 20230630, 2, "the first's last day");
    run_of(line, 3, e, 20230701, MB_E_INVALID_DATE, 0, 0, 0, "July: no revision of the line");
    run_of(line, 3, e, 20230801, MB_OK, 20230801, 20231231, 2, "August: the second and critical illness");
    run_of(line, 3, e, 20231231, MB_OK, 20230801, 20231231, 2, "critical illness's last day");
    run_of(line, 3, e, 20240101, MB_E_INVALID_DATE, 0, 0, 0, "2024: no critical illness");
    run_of(line, 3, e, 20221231, MB_E_INVALID_DATE, 0, 0, 0, "2022: before the line");
    run_of(alone, 1, e, 20230301, MB_OK, 20230301, 20231231, 1, "critical illness alone");
    run_of(line, 2, e, 20230102, MB_OK, 20230101, 20230630, 1, "the line alone, January");
    run_of(line, 2, e, 20240101, MB_OK, 20230801, 29991231, 1, "the line alone, 2024 (open: to 2999)");
    /* the overlapping revision: in May the run ends where it begins, less one (20230601 - 1:
     * a number past every May date), in July it starts where the first ended, plus one
     * (20230630 + 1, past every June date); runs are of the dates' numbers, not of days */
    run_of(overlap, 2, e, 20230515, MB_OK, 20230101, 20230600, 1, "May: before the overlap");
    run_of(overlap, 2, e, 20230615, MB_E_CHAIN, 0, 0, 0, "June: two revisions in force");
    run_of(overlap, 2, e, 20230701, MB_OK, 20230631, 29991231, 1, "July: after the overlap");

    size_t order[DAYS];
    for (size_t k = 0; k < ndays; k++)
        order[k] = k;
    long differ = visit(line, 3, e, order, "in date order");
    for (size_t k = 0; k < ndays; k++)
        order[k] = ndays - 1 - k;
    differ += visit(line, 3, e, order, "backwards");
    for (int round = 0; round < 20; round++) {
        for (size_t k = ndays - 1; k > 0; k--) {
            size_t j = (size_t)fx_range(&rng, 0, (int64_t)k), t = order[k];
            order[k] = order[j], order[j] = t;
        }
        differ += visit(line, 3, e, order, "shuffled");
        differ += visit(alone, 1, e, order, "critical illness alone, shuffled");
        differ += visit(line, 2, e, order, "the line alone, shuffled");
        differ += visit(overlap, 2, e, order, "overlapping revisions, shuffled");
    }
    CHECK(differ == 0, "no day differs kept and worked out afresh");

    mb_enrollee_free(e);
    mb_ruleset_free(first);
    mb_ruleset_free(second);
    mb_ruleset_free(critical);
    mb_ruleset_free(overlapping);
    fx_done();
    return check_summary();
}
