/* The libcyaml schema of a ruleset. Unknown keys are errors (no CYAML_CFG_IGNORE_UNKNOWN_KEYS);
 * aliases are refused at load (CYAML_CFG_NO_ALIAS), so no alias bomb can expand. */
#include <stddef.h>

#include "internal.h"
#include "schema.h"

#define OPT (CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL)
#define STR(key, type, member) CYAML_FIELD_STRING_PTR(key, OPT, type, member, 0, 4096)
#define REQ_STR(key, type, member) \
    CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER, type, member, 1, 4096)
#define SEQ(key, type, member, schema) \
    CYAML_FIELD_SEQUENCE(key, OPT, type, member, schema, 0, CYAML_UNLIMITED)
/* The person columns of a row, in member `m` (a raw_person) of `type`. */
#define PERSON_FIELDS(type, m)                                                                 \
    STR("value", type, m.value), STR("all", type, m.all), STR("employee", type, m.employee),   \
        STR("in_service", type, m.in_service), STR("retired", type, m.retired),              \
        STR("veteran", type, m.veteran), STR("resident", type, m.resident)
/* The selectors of a row, in member `m` (a raw_sel) of `type`. */
#define SELECTOR_FIELDS(type, m)                                                               \
    STR("from", type, m.from), STR("facility", type, m.facility),                              \
        STR("referred", type, m.referred), STR("area", type, m.area),                        \
        STR("scheme", type, m.scheme), STR("group", type, m.group),                          \
        STR("category", type, m.category), STR("disease", type, m.disease),                  \
        STR("disease_group", type, m.disease_group), STR("age", type, m.age),                \
        STR("nth", type, m.nth), STR("claim_type", type, m.claim_type),                      \
        STR("treatment", type, m.treatment)
#define SOURCE_FIELDS(type) STR("cite", type, cite), STR("assumption", type, assumption)

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, 4096),
};

static const cyaml_schema_field_t values_fields[] = {
    SELECTOR_FIELDS(raw_values, sel), PERSON_FIELDS(raw_values, p),
    STR("scope", raw_values, scope), SOURCE_FIELDS(raw_values), CYAML_FIELD_END};
static const cyaml_schema_value_t values_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_values, values_fields)};

static const cyaml_schema_field_t band_fields[] = {
    STR("above", raw_band, above), STR("up_to", raw_band, up_to), STR("fund", raw_band, fund),
    PERSON_FIELDS(raw_band, p), SEQ("ratio", raw_band, ratio, &values_entry),
    SOURCE_FIELDS(raw_band), CYAML_FIELD_END};
static const cyaml_schema_value_t band_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_band, band_fields)};

#define RAISE_FIELDS                                                                           \
    STR("min_diseases", raw_raise, min_diseases), STR("amount", raw_raise, amount),             \
        STR("each", raw_raise, each), STR("share", raw_raise, share),                          \
        STR("ceiling", raw_raise, ceiling), STR("group", raw_raise, group), SOURCE_FIELDS(raw_raise)
static const cyaml_schema_field_t raise_row_fields[] = {
    RAISE_FIELDS, SELECTOR_FIELDS(raw_raise, sel), CYAML_FIELD_END};
static const cyaml_schema_value_t raise_row_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_raise, raise_row_fields)};
static const cyaml_schema_field_t raise_fields[] = {
    RAISE_FIELDS, SEQ("rows", raw_raise, rows, &raise_row_entry), CYAML_FIELD_END};

static const cyaml_schema_field_t cap_fields[] = {
    STR("period", raw_cap, period), STR("key", raw_cap, key), STR("base", raw_cap, base),
    SEQ("values", raw_cap, values, &values_entry),
    CYAML_FIELD_MAPPING_PTR("raise", OPT, raw_cap, raise, raise_fields), SOURCE_FIELDS(raw_cap),
    CYAML_FIELD_END};

static const cyaml_schema_field_t pharmacy_fields[] = {
    REQ_STR("as", raw_pharmacy, as), SOURCE_FIELDS(raw_pharmacy), CYAML_FIELD_END};

static const cyaml_schema_field_t layer_fields[] = {
    REQ_STR("id", raw_layer, id), STR("name", raw_layer, name), STR("kind", raw_layer, kind),
    STR("fund", raw_layer, fund), STR("base", raw_layer, base),
    STR("base_key", raw_layer, base_key), STR("disease_group", raw_layer, disease_group),
    STR("ratio_source", raw_layer, ratio_source), STR("disease_caps", raw_layer, disease_caps),
    STR("referral_penalty", raw_layer, referral_penalty), STR("tilt", raw_layer, tilt),
    SEQ("med_types", raw_layer, med_types, &string_entry),
    SEQ("schemes", raw_layer, schemes, &string_entry),
    SEQ("requires", raw_layer, requires, &string_entry),
    SEQ("exclusive_with", raw_layer, exclusive_with, &string_entry),
    STR("exclusive_cite", raw_layer, exclusive_cite),
    STR("referral_penalty_cite", raw_layer, referral_penalty_cite),
    SEQ("deductible", raw_layer, deductible, &values_entry),
    SEQ("deductible_repeat", raw_layer, deductible_repeat, &values_entry),
    SEQ("deductible_floor", raw_layer, deductible_floor, &values_entry),
    SEQ("deductible_ceiling", raw_layer, deductible_ceiling, &values_entry),
    SEQ("top_up", raw_layer, top_up, &values_entry), STR("top_up_of", raw_layer, top_up_of),
    STR("top_up_within", raw_layer, top_up_within), STR("top_up_period", raw_layer, top_up_period),
    CYAML_FIELD_MAPPING_PTR("pharmacy", OPT, raw_layer, pharmacy, pharmacy_fields),
    SEQ("ratio", raw_layer, ratio, &values_entry), SEQ("bands", raw_layer, bands, &band_entry),
    CYAML_FIELD_MAPPING_PTR("cap", OPT, raw_layer, cap, cap_fields), SOURCE_FIELDS(raw_layer),
    CYAML_FIELD_END};
static const cyaml_schema_value_t layer_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_layer, layer_fields)};

static const cyaml_schema_field_t disease_cap_fields[] = {
    STR("line", raw_disease_cap, line), SELECTOR_FIELDS(raw_disease_cap, sel),
    PERSON_FIELDS(raw_disease_cap, p),
    SOURCE_FIELDS(raw_disease_cap), CYAML_FIELD_END};
static const cyaml_schema_value_t disease_cap_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_disease_cap, disease_cap_fields)};

/* Criteria items nest (items under items); libcyaml schemas are static, so the nesting is
 * spelled out to the depth the documents use: item 3, sub-item （2）, point ⑤. */
static const cyaml_schema_field_t item3_fields[] = {
    REQ_STR("n", raw_item, n), STR("text", raw_item, text), STR("rule", raw_item, rule),
    CYAML_FIELD_END};
static const cyaml_schema_value_t item3_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_item, item3_fields)};
static const cyaml_schema_field_t item2_fields[] = {
    REQ_STR("n", raw_item, n), STR("text", raw_item, text), STR("rule", raw_item, rule),
    SEQ("items", raw_item, items, &item3_entry), CYAML_FIELD_END};
static const cyaml_schema_value_t item2_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_item, item2_fields)};
static const cyaml_schema_field_t item1_fields[] = {
    REQ_STR("n", raw_item, n), STR("text", raw_item, text), STR("rule", raw_item, rule),
    SEQ("items", raw_item, items, &item2_entry), CYAML_FIELD_END};
static const cyaml_schema_value_t item1_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_item, item1_fields)};
static const cyaml_schema_field_t criteria_fields[] = {
    SEQ("items", raw_criteria, items, &item1_entry), REQ_STR("rule", raw_criteria, rule),
    STR("text", raw_criteria, text), STR("cite", raw_criteria, cite), CYAML_FIELD_END};

static const cyaml_schema_field_t disease_fields[] = {
    REQ_STR("code", raw_disease, code), REQ_STR("name", raw_disease, name),
    STR("group", raw_disease, group), STR("start", raw_disease, start),
    STR("valid_months", raw_disease, valid_months), STR("cap_period", raw_disease, cap_period),
    SEQ("aliases", raw_disease, aliases, &string_entry),
    SEQ("caps", raw_disease, caps, &disease_cap_entry),
    CYAML_FIELD_MAPPING_PTR("criteria", OPT, raw_disease, criteria, criteria_fields),
    SOURCE_FIELDS(raw_disease), CYAML_FIELD_END};
static const cyaml_schema_value_t disease_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_disease, disease_fields)};

static const cyaml_schema_field_t param_fields[] = {
    REQ_STR("value", raw_param, value), SOURCE_FIELDS(raw_param), CYAML_FIELD_END};

static const cyaml_schema_field_t table_param_fields[] = {
    REQ_STR("value", raw_table_param, value), SEQ("rows", raw_table_param, rows, &values_entry),
    SOURCE_FIELDS(raw_table_param), CYAML_FIELD_END};

static const cyaml_schema_field_t group_fields[] = {
    REQ_STR("name", raw_group, name), STR("label", raw_group, label),
    STR("scheme", raw_group, scheme), STR("certified", raw_group, certified),
    SEQ("members", raw_group, members, &string_entry),
    SEQ("psn_idet_type", raw_group, psn_idet_type, &string_entry), SOURCE_FIELDS(raw_group),
    CYAML_FIELD_END};
static const cyaml_schema_value_t group_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_group, group_fields)};

static const cyaml_schema_field_t facility_category_fields[] = {
    REQ_STR("name", raw_facility_category, name), STR("label", raw_facility_category, label),
    SOURCE_FIELDS(raw_facility_category), CYAML_FIELD_END};
static const cyaml_schema_value_t facility_category_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_facility_category, facility_category_fields)};

static const cyaml_schema_field_t source_fields[] = {SOURCE_FIELDS(raw_source), CYAML_FIELD_END};

static const cyaml_schema_field_t pair_fields[] = {
    REQ_STR("a", raw_pair, a), REQ_STR("b", raw_pair, b), STR("renewable", raw_pair, renewable),
    SOURCE_FIELDS(raw_pair),
    CYAML_FIELD_END};
static const cyaml_schema_value_t pair_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_pair, pair_fields)};

static const cyaml_schema_field_t stacking_fields[] = {
    REQ_STR("group", raw_stacking, group), REQ_STR("partial_count", raw_stacking, partial_count),
    REQ_STR("partial_ratio", raw_stacking, partial_ratio), SOURCE_FIELDS(raw_stacking),
    CYAML_FIELD_END};

static const cyaml_schema_field_t rules_fields[] = {
    CYAML_FIELD_MAPPING_PTR("max_diseases", OPT, raw_rules, max_diseases, param_fields),
    CYAML_FIELD_MAPPING_PTR("revoke_after_idle_months", OPT, raw_rules,
                            revoke_after_idle_months, param_fields),
    CYAML_FIELD_MAPPING_PTR("start", OPT, raw_rules, start, param_fields),
    CYAML_FIELD_MAPPING_PTR("validity", OPT, raw_rules, validity, param_fields),
    SEQ("exclusive_pairs", raw_rules, exclusive_pairs, &pair_entry),
    STR("pairs_cite", raw_rules, pairs_cite),
    CYAML_FIELD_MAPPING_PTR("stacking", OPT, raw_rules, stacking, stacking_fields),
    CYAML_FIELD_END};

static const cyaml_schema_field_t fund_fields[] = {
    REQ_STR("key", raw_fund, key), STR("employee", raw_fund, employee),
    STR("resident", raw_fund, resident), REQ_STR("name", raw_fund, name),
    STR("resident_name", raw_fund, resident_name), REQ_STR("amount", raw_fund, amount),
    CYAML_FIELD_END};
static const cyaml_schema_value_t fund_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_fund, fund_fields)};

static const cyaml_schema_field_t category_fields[] = {
    REQ_STR("name", raw_category, name), REQ_STR("ratio", raw_category, ratio),
    SELECTOR_FIELDS(raw_category, sel), SOURCE_FIELDS(raw_category), CYAML_FIELD_END};
static const cyaml_schema_value_t category_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_category, category_fields)};

#define TILT_FIELDS                                                                            \
    STR("deductible_ratio", raw_tilt, deductible_ratio),                                       \
        STR("ratio_points", raw_tilt, ratio_points), STR("uncapped", raw_tilt, uncapped),      \
        SELECTOR_FIELDS(raw_tilt, sel), SOURCE_FIELDS(raw_tilt)
static const cyaml_schema_field_t tilt_row_fields[] = {TILT_FIELDS, CYAML_FIELD_END};
static const cyaml_schema_value_t tilt_row_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_tilt, tilt_row_fields)};
static const cyaml_schema_field_t tilt_fields[] = {
    SEQ("categories", raw_tilt, categories, &string_entry), TILT_FIELDS,
    SEQ("rows", raw_tilt, rows, &tilt_row_entry), CYAML_FIELD_END};

static const cyaml_schema_field_t referral_fields[] = {
    SEQ("exempt", raw_referral, exempt, &string_entry),
    STR("penalty_points", raw_referral, penalty_points),
    SEQ("penalty_levels", raw_referral, penalty_levels, &string_entry),
    SOURCE_FIELDS(raw_referral), CYAML_FIELD_END};

static const cyaml_schema_field_t facility_rule_fields[] = {
    REQ_STR("change_from", raw_facility_rule, change_from),
    REQ_STR("change_to", raw_facility_rule, change_to), SOURCE_FIELDS(raw_facility_rule),
    CYAML_FIELD_END};

static const cyaml_schema_field_t identity_fields[] = {
    STR("lost", raw_identity_rule, lost), STR("admission", raw_identity_rule, admission),
    SOURCE_FIELDS(raw_identity_rule), CYAML_FIELD_END};

static const cyaml_schema_field_t family_fields[] = {
    SEQ("relations", raw_family, relations, &string_entry), SOURCE_FIELDS(raw_family),
    CYAML_FIELD_END};

static const cyaml_schema_field_t codes_fields[] = {
    CYAML_FIELD_SEQUENCE("codes", CYAML_FLAG_POINTER, raw_codes, codes, &string_entry, 1,
                         CYAML_UNLIMITED),
    SOURCE_FIELDS(raw_codes), CYAML_FIELD_END};

/* One row type for the three code tables; platform_rules.c checks that each row carries the
 * one target its table takes (as, category or key). */
static const cyaml_schema_field_t code_row_fields[] = {
    REQ_STR("code", raw_code_row, code), STR("as", raw_code_row, as),
    STR("category", raw_code_row, category), STR("key", raw_code_row, key),
    STR("insutype", raw_code_row, insutype),
    SOURCE_FIELDS(raw_code_row), CYAML_FIELD_END};
static const cyaml_schema_value_t code_row_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_code_row, code_row_fields)};

static const cyaml_schema_field_t account_fund_fields[] = {
    STR("employee", raw_account_fund, employee), STR("resident", raw_account_fund, resident),
    REQ_STR("name", raw_account_fund, name), SOURCE_FIELDS(raw_account_fund), CYAML_FIELD_END};

static const cyaml_schema_field_t platform_fields[] = {
    CYAML_FIELD_MAPPING_PTR("insuplc_admdvs", OPT, raw_platform, insuplc_admdvs, codes_fields),
    CYAML_FIELD_MAPPING_PTR("insutype", OPT, raw_platform, insutype, codes_fields),
    SEQ("med_type", raw_platform, med_type, &code_row_entry),
    SEQ("psn_idet_type", raw_platform, psn_idet_type, &code_row_entry),
    SEQ("cum_type_code", raw_platform, cum_type_code, &code_row_entry),
    CYAML_FIELD_MAPPING_PTR("account_fund", OPT, raw_platform, account_fund,
                            account_fund_fields),
    CYAML_FIELD_END};

static const cyaml_schema_field_t ruleset_fields[] = {
    REQ_STR("id", raw_ruleset, id), REQ_STR("title", raw_ruleset, title),
    STR("format", raw_ruleset, format),
    REQ_STR("document", raw_ruleset, document), REQ_STR("tier", raw_ruleset, tier),
    REQ_STR("effective_from", raw_ruleset, effective_from),
    STR("effective_to", raw_ruleset, effective_to), STR("region", raw_ruleset, region),
    STR("notes", raw_ruleset, notes), STR("continues", raw_ruleset, continues),
    SEQ("schemes", raw_ruleset, schemes, &string_entry),
    CYAML_FIELD_MAPPING_PTR("account", OPT, raw_ruleset, account, param_fields),
    CYAML_FIELD_MAPPING_PTR("class_b_first_selfpay", OPT, raw_ruleset, class_b_first_selfpay,
                            table_param_fields),
    SEQ("first_selfpay", raw_ruleset, first_selfpay, &values_entry),
    SEQ("groups", raw_ruleset, groups, &group_entry),
    SEQ("facility_categories", raw_ruleset, facility_categories, &facility_category_entry),
    CYAML_FIELD_MAPPING_PTR("upstream", OPT, raw_ruleset, upstream, source_fields),
    SEQ("funds", raw_ruleset, funds, &fund_entry),
    SEQ("catalogue", raw_ruleset, catalogue, &disease_entry),
    CYAML_FIELD_MAPPING_PTR("catalogue_rules", OPT, raw_ruleset, catalogue_rules, rules_fields),
    SEQ("categories", raw_ruleset, categories, &category_entry),
    CYAML_FIELD_MAPPING_PTR("tilt", OPT, raw_ruleset, tilt, tilt_fields),
    CYAML_FIELD_MAPPING_PTR("referral", OPT, raw_ruleset, referral, referral_fields),
    CYAML_FIELD_MAPPING_PTR("designated_facility", OPT, raw_ruleset, designated_facility,
                            facility_rule_fields),
    CYAML_FIELD_MAPPING_PTR("family_account", OPT, raw_ruleset, family_account, family_fields),
    CYAML_FIELD_MAPPING_PTR("identity", OPT, raw_ruleset, identity, identity_fields),
    SEQ("account_accrual", raw_ruleset, account_accrual, &values_entry),
    CYAML_FIELD_SEQUENCE("layers", CYAML_FLAG_POINTER, raw_ruleset, layers, &layer_entry, 1,
                         CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING_PTR("platform", OPT, raw_ruleset, platform, platform_fields),
    CYAML_FIELD_END};

const cyaml_schema_value_t mb_ruleset_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, raw_ruleset, ruleset_fields),
};

/* ---- did you mean ----------------------------------------------------------------------------- */

static void nearest(const cyaml_schema_value_t *v, const char *key, int depth, const char **best,
                    int *dist)
{
    if (depth > 8 || v == NULL)
        return;
    if (v->type == CYAML_SEQUENCE || v->type == CYAML_SEQUENCE_FIXED) {
        nearest(v->sequence.entry, key, depth + 1, best, dist);
        return;
    }
    if (v->type != CYAML_MAPPING)
        return;
    for (const cyaml_schema_field_t *f = v->mapping.fields; f->key != NULL; f++) {
        int d = mb_edit_distance(key, f->key, 2);
        if (d > 0 && d < *dist) {
            *dist = d;
            *best = f->key;
        }
        nearest(&f->value, key, depth + 1, best, dist);
    }
}

const char *mb_schema_near_key(const char *key)
{
    const char *best = NULL;
    int dist = 3;
    nearest(&mb_ruleset_schema, key, 0, &best, &dist);
    return best;
}
