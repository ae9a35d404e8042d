/* Scenario files (docs/scenario-format.md) as the medbenefit program reads them. */
#ifndef MEDBENEFIT_TOOL_SCENARIO_H
#define MEDBENEFIT_TOOL_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>

#include "medbenefit.h"

typedef struct s_disease {
    char *name, *code, *certified_on, *valid_until;
} s_disease;

typedef struct s_identity {
    char *category, *from, *to;
} s_identity;

/* Extension (docs/scenario-extensions.md): accumulators seeded from the national platform. */
typedef struct s_seed {
    char *ruleset, *key, *period, *amount;
} s_seed;

/* Extension: an identity a ruleset's person groups know (返贫致贫人口, a psn_idet_type code). */
typedef struct s_named_identity {
    char *name, *from, *to;
} s_named_identity;

typedef struct s_enrollee {
    char *id, *scheme, *person_type, *account_balance, *designated_facility,
        *first_visit_facility, *birth_date;
    s_disease *diseases;
    unsigned diseases_count;
    s_identity *assistance;
    unsigned assistance_count;
    s_named_identity *identities;
    unsigned identities_count;
    s_seed *accumulators;
    unsigned accumulators_count;
} s_enrollee;

typedef struct s_facility {
    char *id, *level, *category;
} s_facility;

typedef struct s_item {
    char *amount, *class_, *first_selfpay_ratio;
} s_item;

typedef struct s_upstream {
    char *compliant, *basic, *critical_illness, *assistance;
} s_upstream;

/* Extension (docs/scenario-format.md): a trace step of `rule` must cite exactly `cite`. */
typedef struct s_cite {
    char *rule, *cite;
} s_cite;

typedef struct s_expect {
    char *fund_pay, *basic, *large_amount, *critical_illness, *assistance, *acct_pay, *cash_pay,
        *deductible, *covered, *error;
    s_cite *cites;
    unsigned cites_count;
} s_expect;

typedef struct s_claim {
    char *id, *date, *med_type, *disease, *treatment, *admitted, *discharged;
    char *referral, *emergency, *out_of_area, *designated_specialty, *in_province;
    char *reverse; /* extension: reverse this settlement right after it */
    s_facility *facility, *prescribed_by;
    s_item *items;
    unsigned items_count;
    s_upstream *upstream;
    s_expect *expect;
} s_claim;

typedef struct s_assess_expect {
    char *certified, *unmet;
} s_assess_expect;

typedef struct s_assessment {
    char *id, *disease;
    char **findings;
    unsigned findings_count;
    s_assess_expect *expect;
} s_assessment;

typedef struct s_scenario {
    char *name;
    char **rulesets;
    unsigned rulesets_count;
    s_enrollee *enrollee;
    s_claim *claims;
    unsigned claims_count;
    s_assessment *assessments;
    unsigned assessments_count;
} s_scenario;

/* Load a scenario file; on error print "file:line: message" into msg and return NULL. */
s_scenario *scenario_load(const char *path, char *msg, size_t msgcap);
/* The same from `len` bytes in memory (the fuzz target's entry), `path` naming them in errors. */
s_scenario *scenario_parse(const char *data, size_t len, const char *path, char *msg,
                           size_t msgcap);
void scenario_free(s_scenario *s);

/* A ruleset cache by id, searched in `dir` then the library's search path. */
typedef struct ruleset_cache ruleset_cache;
ruleset_cache *cache_new(const char *dir);
void cache_free(ruleset_cache *c);
const mb_ruleset *cache_get(ruleset_cache *c, const char *id, mb_error *err);

/* Building the library's objects from a scenario, through the public API only. */
/* Accumulators are seeded through `cache`, checked against the keys each ruleset defines. */
/* Named identities are checked against the scenario's rulesets (`rulesets`, `n`): the first
 * that knows the name records it. */
int build_enrollee(const s_enrollee *se, char *const *rulesets, unsigned n, ruleset_cache *cache,
                   mb_enrollee **out, char *msg, size_t cap);
int build_claim(const s_claim *sc, mb_claim **out, char *msg, size_t cap);

/* Settled amounts as the scenario names them. */
typedef struct s_amounts {
    int64_t fund_pay, basic, large_amount, critical_illness, assistance, acct_pay, cash_pay,
        deductible;
    int covered;
} s_amounts;
void amounts_of(const mb_result *r, s_amounts *a);

/* Yuan text of fen: 1234 -> "12.34". */
const char *yuan(int64_t fen, char buf[32]);

#endif
