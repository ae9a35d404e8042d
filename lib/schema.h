/* The ruleset YAML as libcyaml loads it: every scalar is kept as text and checked, with its
 * location, by compile.c. docs/ruleset-format.md documents every key. */
#ifndef MB_SCHEMA_H
#define MB_SCHEMA_H

#include <cyaml/cyaml.h>

#define RAW_PERSON_VALUES char *all, *employee, *in_service, *retired, *veteran, *resident
#define RAW_SOURCE char *cite, *assumption

typedef struct raw_values {
    char *from, *facility, *referred;
    RAW_PERSON_VALUES;
    RAW_SOURCE;
} raw_values;

typedef struct raw_band {
    char *above, *up_to, *fund;
    RAW_PERSON_VALUES;
    RAW_SOURCE;
} raw_band;

typedef struct raw_raise {
    char *min_diseases, *amount;
    RAW_SOURCE;
} raw_raise;

typedef struct raw_cap {
    char *period, *key;
    raw_values *values;
    unsigned values_count;
    raw_raise *raise;
    RAW_SOURCE;
} raw_cap;

typedef struct raw_layer {
    char *id, *name, *kind, *fund, *base, *base_key, *disease_group, *ratio_source;
    char *disease_caps, *referral_penalty, *tilt;
    char **med_types;
    unsigned med_types_count;
    char **schemes;
    unsigned schemes_count;
    char **requires;
    unsigned requires_count;
    char **exclusive_with;
    unsigned exclusive_with_count;
    raw_values *deductible;
    unsigned deductible_count;
    raw_values *ratio;
    unsigned ratio_count;
    raw_band *bands;
    unsigned bands_count;
    raw_cap *cap;
    RAW_SOURCE;
} raw_layer;

typedef struct raw_disease_cap {
    char *line;
    RAW_PERSON_VALUES;
    RAW_SOURCE;
} raw_disease_cap;

typedef struct raw_item {
    char *n, *text, *rule;
    struct raw_item *items;
    unsigned items_count;
} raw_item;

typedef struct raw_criteria {
    raw_item *items;
    unsigned items_count;
    char *rule, *text, *cite;
} raw_criteria;

typedef struct raw_disease {
    char *code, *name, *group, *start, *valid_months, *cap_period;
    char **aliases;
    unsigned aliases_count;
    raw_disease_cap *caps;
    unsigned caps_count;
    raw_criteria *criteria;
    RAW_SOURCE;
} raw_disease;

typedef struct raw_pair {
    char *a, *b, *renewable;
    RAW_SOURCE;
} raw_pair;

typedef struct raw_stacking {
    char *group, *partial_count, *partial_ratio;
    RAW_SOURCE;
} raw_stacking;

typedef struct raw_param {
    char *value;
    RAW_SOURCE;
} raw_param;

typedef struct raw_source {
    RAW_SOURCE;
} raw_source;

typedef struct raw_rules {
    raw_param *max_diseases, *revoke_after_idle_months, *start, *validity;
    raw_pair *exclusive_pairs;
    unsigned exclusive_pairs_count;
    raw_stacking *stacking;
    char *pairs_cite;
} raw_rules;

typedef struct raw_fund {
    char *key, *employee, *resident, *name, *resident_name, *amount;
} raw_fund;

typedef struct raw_category {
    char *name, *ratio;
    RAW_SOURCE;
} raw_category;

typedef struct raw_tilt {
    char **categories;
    unsigned categories_count;
    char *deductible_ratio, *ratio_points, *uncapped;
    RAW_SOURCE;
} raw_tilt;

typedef struct raw_referral {
    char **exempt;
    unsigned exempt_count;
    char *penalty_points;
    char **penalty_levels;
    unsigned penalty_levels_count;
    RAW_SOURCE;
} raw_referral;

typedef struct raw_facility_rule {
    char *change_from, *change_to;
    RAW_SOURCE;
} raw_facility_rule;

typedef struct raw_identity_rule {
    char *lost, *admission;
    RAW_SOURCE;
} raw_identity_rule;

typedef struct raw_family {
    char **relations;
    unsigned relations_count;
    RAW_SOURCE;
} raw_family;

/* The national platform's codes for this ruleset (platform_rules.c, docs/platform.md). */
typedef struct raw_codes {
    char **codes;
    unsigned codes_count;
    RAW_SOURCE;
} raw_codes;

typedef struct raw_code_row {
    char *code, *as, *category, *key, *insutype;
    RAW_SOURCE;
} raw_code_row;

typedef struct raw_account_fund {
    char *employee, *resident, *name;
    RAW_SOURCE;
} raw_account_fund;

typedef struct raw_platform {
    raw_codes *insuplc_admdvs, *insutype;
    raw_code_row *med_type;
    unsigned med_type_count;
    raw_code_row *psn_idet_type;
    unsigned psn_idet_type_count;
    raw_code_row *cum_type_code;
    unsigned cum_type_code_count;
    raw_account_fund *account_fund;
} raw_platform;

typedef struct raw_ruleset {
    char *id, *title, *document, *tier, *effective_from, *effective_to, *region, *notes;
    char **schemes;
    unsigned schemes_count;
    raw_param *account;
    raw_param *class_b_first_selfpay;
    raw_source *upstream;
    raw_fund *funds;
    unsigned funds_count;
    raw_disease *catalogue;
    unsigned catalogue_count;
    raw_rules *catalogue_rules;
    raw_category *categories;
    unsigned categories_count;
    raw_tilt *tilt;
    raw_referral *referral;
    raw_facility_rule *designated_facility;
    raw_family *family_account;
    raw_identity_rule *identity;
    raw_values *account_accrual;
    unsigned account_accrual_count;
    raw_layer *layers;
    unsigned layers_count;
    raw_platform *platform;
} raw_ruleset;

extern const cyaml_schema_value_t mb_ruleset_schema;

#endif
