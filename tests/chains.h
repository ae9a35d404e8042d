/* The bundled rulesets and the chains the conformance scenarios settle on, shared by the thread
 * test and the fuzz targets so that both cover every chain a scenario can name. */
#ifndef MB_TEST_CHAINS_H
#define MB_TEST_CHAINS_H

#include <stddef.h>

#include "medbenefit.h"

#define MB_TEST_WUXI "wuxi-employee-chronic-2021"
#define MB_TEST_JIAOZUO "jiaozuo-chronic-2022"
#define MB_TEST_CHANGZHOU "changzhou-employee-outpatient-2023"
#define MB_TEST_SHANXI "shanxi-chronic-special-2025"
#define MB_TEST_CI "example-critical-illness-resident"
#define MB_TEST_ASSIST "wuxi-medical-assistance-2023"

/* Every file of rulesets/, in the order the index below uses. */
static const char *const mb_test_ruleset_ids[] = {
    MB_TEST_WUXI, MB_TEST_JIAOZUO, MB_TEST_CHANGZHOU, MB_TEST_SHANXI, MB_TEST_CI, MB_TEST_ASSIST,
};
enum { MB_TEST_RULESETS = sizeof mb_test_ruleset_ids / sizeof mb_test_ruleset_ids[0] };

/* A chain: up to three rulesets in tier order, and the scheme its scenarios use. */
typedef struct mb_test_chain {
    const char *ids[3];
    int scheme;
} mb_test_chain;

static const mb_test_chain mb_test_chains[] = {
    {{MB_TEST_WUXI}, MB_SCHEME_EMPLOYEE},
    {{MB_TEST_JIAOZUO}, MB_SCHEME_EMPLOYEE},
    {{MB_TEST_JIAOZUO}, MB_SCHEME_RESIDENT},
    {{MB_TEST_CHANGZHOU}, MB_SCHEME_EMPLOYEE},
    {{MB_TEST_SHANXI}, MB_SCHEME_RESIDENT},
    {{MB_TEST_SHANXI}, MB_SCHEME_EMPLOYEE},
    {{MB_TEST_ASSIST}, MB_SCHEME_RESIDENT},
    {{MB_TEST_CI}, MB_SCHEME_RESIDENT},
    {{MB_TEST_CI, MB_TEST_ASSIST}, MB_SCHEME_RESIDENT},
    {{MB_TEST_WUXI, MB_TEST_ASSIST}, MB_SCHEME_EMPLOYEE},
    {{MB_TEST_SHANXI, MB_TEST_CI, MB_TEST_ASSIST}, MB_SCHEME_RESIDENT},
};
enum { MB_TEST_CHAINS = sizeof mb_test_chains / sizeof mb_test_chains[0] };

/* The number of rulesets in chain `c`. */
static inline size_t mb_test_chain_len(const mb_test_chain *c)
{
    size_t n = 0;
    while (n < 3 && c->ids[n] != NULL)
        n++;
    return n;
}

/* The index in mb_test_ruleset_ids of `id`, or -1. */
static inline int mb_test_ruleset_index(const char *id)
{
    for (int i = 0; i < MB_TEST_RULESETS; i++) {
        const char *a = mb_test_ruleset_ids[i], *b = id;
        while (*a && *a == *b)
            a++, b++;
        if (*a == *b)
            return i;
    }
    return -1;
}

/* Treatment lines the bundled catalogues cap by (mb_claim_set_disease). */
static const char *const mb_test_treatments[] = {"放化疗", "药物维持治疗", "终末期透析", "非终末期"};

/* Assistance identities (docs/scenario-format.md). */
static const char *const mb_test_categories[] = {
    "extreme_poverty",   "minimum_living",       "child_in_difficulty", "orphan",
    "entitled_group",    "downsized_1960s",      "hardship_worker",     "low_income_margin",
    "expenditure_hardship", "temporary_relief",  "severe_disability",   "other_hardship",
};

#endif
