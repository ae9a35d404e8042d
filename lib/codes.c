/* Code tables: the names and national codes the API accepts, and the names it reports. */
#include <string.h>

#include "internal.h"

typedef struct {
    const char *text;
    int value;
} code_entry;

static int lookup(const code_entry *t, size_t n, const char *text)
{
    if (text == NULL)
        return MB_E_INVALID_ARGUMENT;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].text, text) == 0)
            return t[i].value;
    return MB_E_UNKNOWN_CODE;
}
#define LOOKUP(table, text) lookup(table, sizeof table / sizeof table[0], text)

static const code_entry schemes[] = {
    {"employee", MB_SCHEME_EMPLOYEE}, {"310", MB_SCHEME_EMPLOYEE},
    {"resident", MB_SCHEME_RESIDENT}, {"390", MB_SCHEME_RESIDENT},
};
int mb_scheme_parse(const char *text) { return LOOKUP(schemes, text); }

static const code_entry person_types[] = {
    {"in_service", MB_PERSON_IN_SERVICE}, {"11", MB_PERSON_IN_SERVICE},
    {"retired", MB_PERSON_RETIRED},       {"12", MB_PERSON_RETIRED},
    {"veteran", MB_PERSON_VETERAN},       {"resident", MB_PERSON_RESIDENT},
    {"14", MB_PERSON_RESIDENT},           {"15", MB_PERSON_RESIDENT},
    {"16", MB_PERSON_RESIDENT},
};
int mb_person_type_parse(const char *text) { return LOOKUP(person_types, text); }

static const code_entry med_types[] = {
    {"general_outpatient", MB_MED_GENERAL_OUTPATIENT}, {"11", MB_MED_GENERAL_OUTPATIENT},
    {"emergency", MB_MED_EMERGENCY},                   {"13", MB_MED_EMERGENCY},
    {"chronic", MB_MED_CHRONIC},                       {"14", MB_MED_CHRONIC},
    {"inpatient", MB_MED_INPATIENT},                   {"21", MB_MED_INPATIENT},
    {"trauma_inpatient", MB_MED_TRAUMA_INPATIENT},     {"22", MB_MED_TRAUMA_INPATIENT},
    {"referred_out_inpatient", MB_MED_REFERRED_OUT_INPATIENT},
    {"23", MB_MED_REFERRED_OUT_INPATIENT},
    {"emergency_inpatient", MB_MED_EMERGENCY_INPATIENT}, {"24", MB_MED_EMERGENCY_INPATIENT},
    {"pharmacy", MB_MED_PHARMACY},                     {"41", MB_MED_PHARMACY},
    {"maternity_outpatient", MB_MED_MATERNITY_OUTPATIENT},
    {"51", MB_MED_MATERNITY_OUTPATIENT},
    {"maternity_inpatient", MB_MED_MATERNITY_INPATIENT}, {"52", MB_MED_MATERNITY_INPATIENT},
};
int mb_med_type_parse(const char *text) { return LOOKUP(med_types, text); }

static const code_entry levels[] = {
    {"primary", MB_LEVEL_PRIMARY},     {"1", MB_LEVEL_PRIMARY},
    {"secondary", MB_LEVEL_SECONDARY}, {"2", MB_LEVEL_SECONDARY},
    {"tertiary", MB_LEVEL_TERTIARY},   {"3", MB_LEVEL_TERTIARY},
    {"pharmacy", MB_LEVEL_PHARMACY},
};
int mb_level_parse(const char *text) { return LOOKUP(levels, text); }

static const code_entry classes[] = {
    {"A", MB_CLASS_A}, {"01", MB_CLASS_A}, {"B", MB_CLASS_B},
    {"02", MB_CLASS_B}, {"C", MB_CLASS_C}, {"03", MB_CLASS_C},
};
int mb_item_class_parse(const char *text) { return LOOKUP(classes, text); }

/* Assistance categories: the vocabulary of the scenario contract (docs/scenario-format.md). */
static const char *const categories[MB_CATEGORY_COUNT] = {
    "extreme_poverty",   "minimum_living",       "child_in_difficulty", "orphan",
    "entitled_group",    "downsized_1960s",      "hardship_worker",     "low_income_margin",
    "expenditure_hardship", "temporary_relief",  "severe_disability",   "other_hardship",
};

/* Their names in the assistance documents (004), which also name them as identities. */
static const char *const category_labels[MB_CATEGORY_COUNT] = {
    "特困人员",           "最低生活保障对象",   "困境儿童",
    "困境儿童中的孤儿、事实无人抚养儿童",     "享受国家抚恤补助的优抚对象",
    "20世纪60年代精减退职职工",               "总工会核定的特困职工",
    "低保边缘家庭成员",   "支出型困难家庭中的大重病患者",
    "临时救助对象中的大重病患者",             "符合条件的重度残疾人",
    "设区市人民政府规定的其他特殊困难人员",
};

const char *mb_category_label(int c) { return c >= 0 && c < MB_CATEGORY_COUNT ? category_labels[c] : "?"; }

const int mb_med_types[MB_MED_TYPE_COUNT] = {
    MB_MED_GENERAL_OUTPATIENT, MB_MED_EMERGENCY, MB_MED_CHRONIC, MB_MED_INPATIENT,
    MB_MED_TRAUMA_INPATIENT, MB_MED_REFERRED_OUT_INPATIENT, MB_MED_EMERGENCY_INPATIENT,
    MB_MED_PHARMACY, MB_MED_MATERNITY_OUTPATIENT, MB_MED_MATERNITY_INPATIENT};

bool mb_med_inpatient(int med_type)
{
    return med_type == MB_MED_INPATIENT || med_type == MB_MED_TRAUMA_INPATIENT ||
           med_type == MB_MED_REFERRED_OUT_INPATIENT || med_type == MB_MED_EMERGENCY_INPATIENT ||
           med_type == MB_MED_MATERNITY_INPATIENT;
}

int mb_category_parse(const char *text)
{
    if (text == NULL)
        return MB_E_INVALID_ARGUMENT;
    for (int i = 0; i < MB_CATEGORY_COUNT; i++)
        if (strcmp(categories[i], text) == 0)
            return i;
    return MB_E_UNKNOWN_CODE;
}

const char *mb_category_name(int c) { return c >= 0 && c < MB_CATEGORY_COUNT ? categories[c] : "?"; }

static const char *const amount_names[MB_AMT_COUNT_] = {
    "medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc",
    "hifp_pay",      "hifob_pay",         "hifmi_pay",      "maf_pay",       "fund_pay_sumamt",
    "psn_part_amt",  "acct_pay",          "psn_cash_pay",   "balc",          "acct_mulaid_pay",
    "overlmt_selfpay",
};
int mb_amount_count(void) { return MB_AMT_COUNT_; }

const char *mb_amount_name(int which)
{
    return which >= 0 && which < MB_AMT_COUNT_ ? amount_names[which] : NULL;
}

static const struct {
    int status;
    const char *name, *text;
} statuses[] = {
    {MB_OK, "ok", "success"},
    {MB_E_INVALID_ARGUMENT, "invalid_argument", "invalid argument"},
    {MB_E_NOMEM, "out_of_memory", "out of memory"},
    {MB_E_IO, "io", "file could not be read"},
    {MB_E_PARSE, "parse", "malformed YAML or invalid UTF-8"},
    {MB_E_SCHEMA, "schema", "ruleset key unknown, missing or of the wrong type"},
    {MB_E_RULESET, "ruleset", "ruleset inconsistent"},
    {MB_E_NOT_FOUND, "not_found", "no ruleset with that id"},
    {MB_E_INVALID_AMOUNT, "invalid_amount", "invalid amount"},
    {MB_E_INVALID_DATE, "invalid_date", "invalid date or dates out of order"},
    {MB_E_UNKNOWN_CODE, "unknown_code", "unknown code"},
    {MB_E_UNKNOWN_DISEASE, "unknown_disease", "disease not in the catalogue"},
    {MB_E_OVERFLOW, "overflow", "amount overflow"},
    {MB_E_CHAIN, "chain", "rulesets chained in the wrong order"},
    {MB_E_STATE, "state", "reversal out of order or repeated"},
    {MB_E_CORRUPT, "corrupt", "saved state truncated, altered or from a newer version"},
    {MB_E_CAPACITY, "capacity", "accumulator table full"},
    {MB_E_BUFFER, "buffer", "buffer too small"},
    {MB_E_NOT_ELIGIBLE, "not_eligible", "certification refused"},
};

const char *mb_status_name(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status)
            return statuses[i].name;
    return "unknown";
}

const char *mb_status_text(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status)
            return statuses[i].text;
    return "unknown status";
}
