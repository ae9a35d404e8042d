/* The ruleset YAML as libcyaml loads it: every scalar is kept as text and checked, with its
 * location, by compile.c. docs/ruleset-format.md documents every key. */
#ifndef MB_SCHEMA_H
#define MB_SCHEMA_H

#include <cyaml/cyaml.h>

#define RAW_SOURCE char *cite, *assumption

/* A value by person: the most specific column given applies (compile_values.c). */
typedef struct raw_person {
    char *value, *all, *employee, *in_service, *retired, *veteran, *resident;
} raw_person;

/* The selectors a row may carry (docs/ruleset-format.md, Selectors). */
typedef struct raw_sel {
    char *from, *facility, *referred, *area, *scheme, *group, *category, *disease, *disease_group,
        *age, *nth, *claim_type, *treatment;
} raw_sel;

/* One row of a table: selectors, values by person, and (deductible rows) a scope. */
typedef struct raw_values {
    raw_sel sel;
    raw_person p;
    char *scope;
    RAW_SOURCE;
} raw_values;

typedef struct raw_band {
    char *above, *up_to, *fund;
    raw_person p;
    struct raw_values *ratio;
    unsigned ratio_count;
    RAW_SOURCE;
} raw_band;

typedef struct raw_raise {
    char *min_diseases, *amount, *each, *share, *ceiling, *group;
    raw_sel sel;                  /* rows only: where the row applies */
    struct raw_raise *rows;       /* the raise where these match (the default elsewhere) */
    unsigned rows_count;
    RAW_SOURCE;
} raw_raise;

typedef struct raw_cap {
    char *period, *key, *base;
    raw_values *values;
    unsigned values_count;
    raw_raise *raise;
    RAW_SOURCE;
} raw_cap;

typedef struct raw_pharmacy {
    char *as;
    RAW_SOURCE;
} raw_pharmacy;

typedef struct raw_layer {
    char *id, *name, *kind, *fund, *base, *base_key, *disease_group, *ratio_source, *top_up_of;
    char *top_up_within, *top_up_period;
    char *disease_caps, *referral_penalty, *tilt;
    char **med_types;
    unsigned med_types_count;
    char **schemes;
    unsigned schemes_count;
    char **requires;
    unsigned requires_count;
    char **exclusive_with;
    unsigned exclusive_with_count;
    char *exclusive_cite;
    char *referral_penalty_cite;
    raw_values *deductible;
    unsigned deductible_count;
    raw_values *deductible_repeat;
    unsigned deductible_repeat_count;
    raw_values *deductible_floor;
    unsigned deductible_floor_count;
    raw_values *deductible_ceiling;
    unsigned deductible_ceiling_count;
    raw_values *top_up;
    unsigned top_up_count;
    raw_pharmacy *pharmacy;
    raw_values *ratio;
    unsigned ratio_count;
    raw_band *bands;
    unsigned bands_count;
    raw_cap *cap;
    RAW_SOURCE;
} raw_layer;

typedef struct raw_disease_cap {
    char *line;
    raw_sel sel;
    raw_person p;
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

/* A parameter with a default value and, optionally, rows that choose another by selectors. */
typedef struct raw_table_param {
    char *value;
    raw_values *rows;
    unsigned rows_count;
    RAW_SOURCE;
} raw_table_param;

/* A person group (or assistance category) the ruleset declares. */
typedef struct raw_group {
    char *name, *label, *scheme, *certified;
    char **members;
    unsigned members_count;
    char **psn_idet_type;
    unsigned psn_idet_type_count;
    RAW_SOURCE;
} raw_group;

typedef struct raw_facility_category {
    char *name, *label;
    RAW_SOURCE;
} raw_facility_category;

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
    raw_sel sel;
    RAW_SOURCE;
} raw_category;

typedef struct raw_tilt {
    char **categories;
    unsigned categories_count;
    char *deductible_ratio, *ratio_points, *uncapped;
    raw_sel sel;
    struct raw_tilt *rows;        /* the tilt where these match (the default elsewhere) */
    unsigned rows_count;
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
    char *format;                 /* the format version: absent or 2 (1.1); 1 is refused */
    char *continues;
    char **schemes;
    unsigned schemes_count;
    raw_param *account;
    raw_table_param *class_b_first_selfpay;
    raw_values *first_selfpay;
    unsigned first_selfpay_count;
    raw_group *groups;
    unsigned groups_count;
    raw_facility_category *facility_categories;
    unsigned facility_categories_count;
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

/* The ruleset key nearest `key` (one or two edits away), for "did you mean"; NULL if none. */
const char *mb_schema_near_key(const char *key);

#endif
