/* A ruleset's codes on the national platform (its `platform` block, docs/ruleset-format.md):
 * where and for whom it settles, and how the platform's codes map onto the library's. The
 * adapter (platform.c) reads only these: no region or code table is written in C. */
#ifndef MB_PLATFORM_RULES_H
#define MB_PLATFORM_RULES_H

#include "ruleset.h"

typedef struct mb_code_med {
    const char *code; /* the platform's med_type: "14", or a local "140104" */
    int med_type;     /* mb_med_type */
} mb_code_med;

typedef struct mb_code_category {
    const char *code; /* psn_idet_type from 1101 idetinfo: "2304" */
    int category;     /* assistance category index (codes.c) */
} mb_code_category;

typedef struct mb_code_acc {
    const char *code; /* cum_type_code from 5206 cuminfo: "D310101_BIZ14" */
    const char *key;  /* the ruleset's accumulator: "chronic.paid" */
    int period;       /* the key's mb_period_kind */
    const char *insutype; /* the cuminfo rows it reads, NULL: any the ruleset settles */
} mb_code_acc;

typedef struct mb_platform_rules {
    const char *const *admdvs; /* insuplc_admdvs prefixes (2, 4 or 6 digits); none: never
                                  picked by region, only named in a chain */
    uint32_t nadmdvs;
    const char *const *insutypes;
    uint32_t ninsutypes;
    const mb_code_med *med;
    uint32_t nmed;
    const mb_code_category *idet;
    uint32_t nidet;
    const mb_code_acc *cum;
    uint32_t ncum;
    const char *account_code[3]; /* by scheme: the setldetail row of the account, or NULL */
    const char *account_name[3];
} mb_platform_rules;

/* Whether the ruleset declares `admdvs` (a 6-digit insuplc_admdvs) as its region. */
bool mb_platform_serves_region(const mb_ruleset *rs, const char *admdvs);
/* Whether it settles claims of `insutype`. */
bool mb_platform_serves_insutype(const mb_ruleset *rs, const char *insutype);
/* The mb_med_type a platform med_type code stands for here, or -1 when not settled here. */
int mb_platform_med_type(const mb_ruleset *rs, const char *code);
/* The assistance category of a psn_idet_type, or -1 when the ruleset maps none. */
int mb_platform_category(const mb_ruleset *rs, const char *psn_idet_type);
/* The accumulator a cum_type_code seeds, or NULL. */
const mb_code_acc *mb_platform_accumulator(const mb_ruleset *rs, const char *cum_type_code);

#endif
