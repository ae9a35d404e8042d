/* Reading scenario files and turning them into library objects through the public API. */
#include <cyaml/cyaml.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "locate.h"
#include "scenario.h"
#include "yamllog.h"

#define OPT (CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL)
#define STR(key, type, member) CYAML_FIELD_STRING_PTR(key, OPT, type, member, 0, 4096)
#define SEQ(key, type, member, schema) \
    CYAML_FIELD_SEQUENCE(key, OPT, type, member, schema, 0, CYAML_UNLIMITED)

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, 4096)};

static const cyaml_schema_field_t disease_fields[] = {
    STR("name", s_disease, name), STR("code", s_disease, code),
    STR("certified_on", s_disease, certified_on), STR("valid_until", s_disease, valid_until),
    CYAML_FIELD_END};
static const cyaml_schema_value_t disease_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, s_disease, disease_fields)};

static const cyaml_schema_field_t identity_fields[] = {
    STR("category", s_identity, category), STR("from", s_identity, from),
    STR("to", s_identity, to), CYAML_FIELD_END};
static const cyaml_schema_value_t identity_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, s_identity, identity_fields)};

static const cyaml_schema_field_t named_identity_fields[] = {
    STR("name", s_named_identity, name), STR("from", s_named_identity, from),
    STR("to", s_named_identity, to), CYAML_FIELD_END};
static const cyaml_schema_value_t named_identity_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, s_named_identity, named_identity_fields)};

static const cyaml_schema_field_t seed_fields[] = {
    STR("ruleset", s_seed, ruleset), STR("key", s_seed, key), STR("period", s_seed, period),
    STR("amount", s_seed, amount), CYAML_FIELD_END};
static const cyaml_schema_value_t seed_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, s_seed, seed_fields)};

static const cyaml_schema_field_t enrollee_fields[] = {
    STR("id", s_enrollee, id), STR("scheme", s_enrollee, scheme),
    STR("person_type", s_enrollee, person_type),
    STR("account_balance", s_enrollee, account_balance),
    STR("designated_facility", s_enrollee, designated_facility),
    STR("first_visit_facility", s_enrollee, first_visit_facility),
    STR("birth_date", s_enrollee, birth_date),
    SEQ("diseases", s_enrollee, diseases, &disease_entry),
    SEQ("assistance", s_enrollee, assistance, &identity_entry),
    SEQ("identities", s_enrollee, identities, &named_identity_entry),
    SEQ("accumulators", s_enrollee, accumulators, &seed_entry), CYAML_FIELD_END};

static const cyaml_schema_field_t facility_fields[] = {
    STR("id", s_facility, id), STR("level", s_facility, level),
    STR("category", s_facility, category), CYAML_FIELD_END};

static const cyaml_schema_field_t item_fields[] = {
    STR("amount", s_item, amount), STR("class", s_item, class_),
    STR("first_selfpay_ratio", s_item, first_selfpay_ratio), CYAML_FIELD_END};
static const cyaml_schema_value_t item_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, s_item, item_fields)};

static const cyaml_schema_field_t upstream_fields[] = {
    STR("compliant", s_upstream, compliant), STR("basic", s_upstream, basic),
    STR("critical_illness", s_upstream, critical_illness), STR("assistance", s_upstream, assistance),
    CYAML_FIELD_END};

static const cyaml_schema_field_t cite_fields[] = {
    STR("rule", s_cite, rule), STR("cite", s_cite, cite), CYAML_FIELD_END};
static const cyaml_schema_value_t cite_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, s_cite, cite_fields)};

static const cyaml_schema_field_t expect_fields[] = {
    STR("fund_pay", s_expect, fund_pay), STR("basic", s_expect, basic),
    STR("large_amount", s_expect, large_amount), STR("critical_illness", s_expect, critical_illness),
    STR("assistance", s_expect, assistance), STR("acct_pay", s_expect, acct_pay),
    STR("cash_pay", s_expect, cash_pay), STR("deductible", s_expect, deductible),
    STR("covered", s_expect, covered), STR("error", s_expect, error),
    SEQ("cites", s_expect, cites, &cite_entry), CYAML_FIELD_END};

static const cyaml_schema_field_t claim_fields[] = {
    STR("id", s_claim, id), STR("date", s_claim, date), STR("med_type", s_claim, med_type),
    STR("disease", s_claim, disease), STR("treatment", s_claim, treatment),
    STR("admitted", s_claim, admitted), STR("discharged", s_claim, discharged),
    STR("referral", s_claim, referral), STR("emergency", s_claim, emergency),
    STR("out_of_area", s_claim, out_of_area),
    STR("designated_specialty", s_claim, designated_specialty),
    STR("in_province", s_claim, in_province), STR("reverse", s_claim, reverse),
    CYAML_FIELD_MAPPING_PTR("facility", OPT, s_claim, facility, facility_fields),
    CYAML_FIELD_MAPPING_PTR("prescribed_by", OPT, s_claim, prescribed_by, facility_fields),
    SEQ("items", s_claim, items, &item_entry),
    CYAML_FIELD_MAPPING_PTR("upstream", OPT, s_claim, upstream, upstream_fields),
    CYAML_FIELD_MAPPING_PTR("expect", OPT, s_claim, expect, expect_fields), CYAML_FIELD_END};
static const cyaml_schema_value_t claim_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, s_claim, claim_fields)};

static const cyaml_schema_field_t assess_expect_fields[] = {
    STR("certified", s_assess_expect, certified), STR("unmet", s_assess_expect, unmet),
    CYAML_FIELD_END};

static const cyaml_schema_field_t assessment_fields[] = {
    STR("id", s_assessment, id), STR("disease", s_assessment, disease),
    SEQ("findings", s_assessment, findings, &string_entry),
    CYAML_FIELD_MAPPING_PTR("expect", OPT, s_assessment, expect, assess_expect_fields),
    CYAML_FIELD_END};
static const cyaml_schema_value_t assessment_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, s_assessment, assessment_fields)};

static const cyaml_schema_field_t scenario_fields[] = {
    STR("name", s_scenario, name), SEQ("rulesets", s_scenario, rulesets, &string_entry),
    CYAML_FIELD_MAPPING_PTR("enrollee", OPT, s_scenario, enrollee, enrollee_fields),
    SEQ("claims", s_scenario, claims, &claim_entry),
    SEQ("assessments", s_scenario, assessments, &assessment_entry), CYAML_FIELD_END};
static const cyaml_schema_value_t scenario_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, s_scenario, scenario_fields)};

static const cyaml_config_t *config(mb_yaml_log *log)
{
    static cyaml_config_t cfg;
    cfg = (cyaml_config_t){.log_fn = mb_yaml_log_collect, .log_ctx = log, .mem_fn = cyaml_mem,
                           .log_level = CYAML_LOG_ERROR, .flags = CYAML_CFG_NO_ALIAS};
    return &cfg;
}

/* The whole file, NUL-terminated; NULL when it cannot be read or is absurdly large. */
/* Read a whole scenario file. Only regular files, or standard input ("-" reads /dev/stdin)
 * when the user pipes a scenario in: a FIFO or a device named as a file would block or never
 * end. On failure, errno says why (EINVAL for a file that is not regular, EFBIG above 64 MiB). */
static char *slurp(const char *path, size_t *len)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    if (!S_ISREG(st.st_mode) && strcmp(path, "/dev/stdin") != 0) {
        errno = EINVAL;
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1 || cap > (64u << 20))
            break;
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf != NULL && (ferror(f) || n >= cap - 1)) {
        int why = ferror(f) ? EIO : EFBIG;
        free(buf);
        buf = NULL;
        errno = why;
    }
    fclose(f);
    if (buf != NULL) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

/* No value: absent, null, ~ or empty. */
static bool is_null(const char *s)
{
    return s == NULL || strcmp(s, "null") == 0 || strcmp(s, "~") == 0 || *s == '\0';
}

/* A plain integer that fits int32_t: an optional '-', then digits and nothing else. atoi()
 * would read "2023abc" as 2023 and wrap 99999999999, and a figure seeded under a period
 * nobody meant is one no settlement reads. */
static bool int32_of(const char *text, int32_t *out)
{
    const char *digits = text[0] == '-' ? text + 1 : text;
    if (digits[0] == '\0' || strspn(digits, "0123456789") != strlen(digits))
        return false;
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}

#define NOT_A_PERIOD "'%s' is not a period: a year (2023) or a quarter (20232), in digits"

/* The values the schema reads as text that must be numbers, checked while the file's text is
 * at hand, so that the message names the line as a schema error does. */
static bool numbers_ok(const s_scenario *s, const char *path, const char *data, size_t len,
                       char *msg, size_t cap)
{
    for (unsigned i = 0; s->enrollee && i < s->enrollee->accumulators_count; i++) {
        const char *period = s->enrollee->accumulators[i].period;
        int32_t v;
        if (is_null(period) || int32_of(period, &v))
            continue;
        char where[64];
        snprintf(where, sizeof where, "enrollee.accumulators[%u].period", i);
        int line = mb_yaml_locate(data, len, where); /* 0 unknown, -1 out of memory */
        char at[16] = "";
        if (line > 0)
            snprintf(at, sizeof at, ":%d", line);
        snprintf(msg, cap, "%s%s: %s: " NOT_A_PERIOD, path, at, where, period);
        return false;
    }
    return true;
}

s_scenario *scenario_load(const char *path, char *msg, size_t cap)
{
    size_t len = 0;
    char *data = slurp(path, &len);
    if (data == NULL) {
        snprintf(msg, cap, "%s: cannot read: %s", path,
                 errno == EINVAL ? "not a regular file" : strerror(errno));
        return NULL;
    }
    s_scenario *s = scenario_parse(data, len, path, msg, cap);
    free(data);
    return s;
}

s_scenario *scenario_parse(const char *data, size_t len, const char *path, char *msg, size_t cap)
{
    mb_yaml_log log = {{0}, {0}, 0, false, false};
    s_scenario *s = NULL;
    cyaml_err_t e = cyaml_load_data((const uint8_t *)data, len, config(&log), &scenario_schema,
                                    (cyaml_data_t **)&s, NULL);
    if (e != CYAML_OK) {
        char problem[200];
        int line = mb_yaml_log_line(&log, e == CYAML_ERR_LIBYAML_PARSER, data, len, problem,
                                    sizeof problem);
        if (line == 0 || e == CYAML_ERR_OOM || e == CYAML_ERR_LIBYAML_PARSER_INIT)
            snprintf(msg, cap, "%s: out of memory", path);
        else
            snprintf(msg, cap, "%s:%d: %s", path, line,
                     problem[0] ? problem : log.first[0] ? log.first : cyaml_strerror(e));
        return NULL;
    }
    if (s != NULL && !numbers_ok(s, path, data, len, msg, cap)) {
        scenario_free(s);
        s = NULL;
    } else if (s == NULL) {
        snprintf(msg, cap, "%s: the scenario file is empty", path);
    }
    return s;
}

void scenario_free(s_scenario *s)
{
    mb_yaml_log log;
    if (s)
        cyaml_free(config(&log), &scenario_schema, s, 0);
}

/* ---- rulesets by id ----------------------------------------------------------------------- */

struct ruleset_cache {
    const char *dir;
    struct cached_ruleset {
        char *id;
        mb_ruleset *rs;
    } *e;
    int n, cap;
};

ruleset_cache *cache_new(const char *dir)
{
    ruleset_cache *c = calloc(1, sizeof *c);
    if (c)
        c->dir = dir;
    return c;
}

void cache_free(ruleset_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++) {
        free(c->e[i].id);
        mb_ruleset_free(c->e[i].rs);
    }
    free(c->e);
    free(c);
}

/* The cache grows with the rulesets a run names: a directory of many cities is not a limit.
 * Out of memory is said on stderr, as mb_error cannot be set from outside the library. */
const mb_ruleset *cache_get(ruleset_cache *c, const char *id, mb_error *err)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->e[i].id, id) == 0)
            return c->e[i].rs;
    const char *dirs[] = {c->dir, NULL};
    mb_ruleset *rs;
    if (mb_ruleset_load_id(&rs, id, dirs, err) != MB_OK)
        return NULL;
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        struct cached_ruleset *e = realloc(c->e, (size_t)cap * sizeof *e);
        if (!e) {
            fprintf(stderr, "medbenefit: out of memory keeping ruleset %s loaded\n", id);
            mb_ruleset_free(rs);
            return NULL;
        }
        c->e = e;
        c->cap = cap;
    }
    char *copy = strdup(id);
    if (!copy) {
        fprintf(stderr, "medbenefit: out of memory keeping ruleset %s loaded\n", id);
        mb_ruleset_free(rs);
        return NULL;
    }
    c->e[c->n].id = copy;
    c->e[c->n].rs = rs;
    c->n++;
    return rs;
}

/* ---- building objects --------------------------------------------------------------------- */

static int fail(char *msg, size_t cap, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *msg, size_t cap, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
    return rc;
}

static int date_of(const char *text, const char *what, int32_t *out, char *msg, size_t cap)
{
    mb_error *err = mb_error_new();
    int rc = mb_date_parse(text, out, err);
    if (rc != MB_OK)
        fail(msg, cap, rc, "%s: %s", what, mb_error_message(err));
    mb_error_free(err);
    return rc;
}

static int amount_of(const char *text, const char *what, int64_t *out, char *msg, size_t cap)
{
    mb_error *err = mb_error_new();
    int rc = mb_amount_parse(text, out, err);
    if (rc != MB_OK)
        fail(msg, cap, rc, "%s: %s", what, mb_error_message(err));
    mb_error_free(err);
    return rc;
}

static int flag_of(const char *text, const char *what, bool dflt, bool *out, char *msg, size_t cap)
{
    if (is_null(text)) {
        *out = dflt;
        return MB_OK;
    }
    if (strcmp(text, "true") == 0)
        *out = true;
    else if (strcmp(text, "false") == 0)
        *out = false;
    else
        return fail(msg, cap, MB_E_INVALID_ARGUMENT, "%s: expected true or false, got '%s'", what,
                    text);
    return MB_OK;
}

int build_enrollee(const s_enrollee *se, char *const *rulesets, unsigned nrulesets,
                   ruleset_cache *cache, mb_enrollee **out, char *msg, size_t cap)
{
    *out = NULL;
    if (se == NULL)
        return fail(msg, cap, MB_E_INVALID_ARGUMENT, "the scenario has claims but no enrollee");
    if (is_null(se->scheme))
        return fail(msg, cap, MB_E_INVALID_ARGUMENT, "enrollee: scheme is required");
    int scheme = mb_scheme_parse(se->scheme);
    if (scheme < 0)
        return fail(msg, cap, scheme, "enrollee: unknown scheme '%s'", se->scheme);
    int person = 0;
    if (!is_null(se->person_type) && (person = mb_person_type_parse(se->person_type)) < 0)
        return fail(msg, cap, person, "enrollee: unknown person_type '%s'", se->person_type);
    mb_error *err = mb_error_new();
    mb_enrollee *e = NULL;
    int rc = mb_enrollee_new(&e, se->id, scheme, person, err);
    int64_t fen;
    if (rc == MB_OK && !is_null(se->account_balance) &&
        (rc = amount_of(se->account_balance, "enrollee.account_balance", &fen, msg, cap)) == MB_OK)
        rc = mb_enrollee_set_account_balance(e, fen, err);
    if (rc == MB_OK && !is_null(se->designated_facility))
        rc = mb_enrollee_set_designated_facility(e, se->designated_facility, err);
    if (rc == MB_OK && !is_null(se->first_visit_facility))
        rc = mb_enrollee_set_first_visit_facility(e, se->first_visit_facility, err);
    for (unsigned i = 0; rc == MB_OK && i < se->diseases_count; i++) {
        const s_disease *d = &se->diseases[i];
        int32_t on = 0, until = 0;
        const char *name = !is_null(d->code) ? d->code : d->name;
        if (is_null(name) || is_null(d->certified_on)) {
            rc = fail(msg, cap, MB_E_INVALID_ARGUMENT,
                      "enrollee.diseases[%u]: name (or code) and certified_on are required", i);
            break;
        }
        if ((rc = date_of(d->certified_on, "certified_on", &on, msg, cap)) ||
            (!is_null(d->valid_until) && (rc = date_of(d->valid_until, "valid_until", &until, msg, cap))))
            break;
        rc = mb_enrollee_add_disease(e, name, on, until, err);
    }
    for (unsigned i = 0; rc == MB_OK && i < se->assistance_count; i++) {
        const s_identity *a = &se->assistance[i];
        int32_t from = 0, to = 0;
        if (is_null(a->from) || is_null(a->category)) {
            rc = fail(msg, cap, MB_E_INVALID_ARGUMENT,
                      "enrollee.assistance[%u]: category and from are required", i);
            break;
        }
        if ((rc = date_of(a->from, "from", &from, msg, cap)) ||
            (!is_null(a->to) && (rc = date_of(a->to, "to", &to, msg, cap))))
            break;
        rc = mb_enrollee_add_assistance(e, a->category, from, to, err);
    }
    if (rc == MB_OK && !is_null(se->birth_date)) {
        int32_t born = 0;
        if ((rc = date_of(se->birth_date, "enrollee.birth_date", &born, msg, cap)) == MB_OK)
            rc = mb_enrollee_set_birth_date(e, born, err);
    }
    for (unsigned i = 0; rc == MB_OK && i < se->identities_count; i++) {
        const s_named_identity *a = &se->identities[i];
        int32_t from = 0, to = 0;
        if (is_null(a->from) || is_null(a->name)) {
            rc = fail(msg, cap, MB_E_INVALID_ARGUMENT,
                      "enrollee.identities[%u]: name and from are required", i);
            break;
        }
        if ((rc = date_of(a->from, "from", &from, msg, cap)) ||
            (!is_null(a->to) && (rc = date_of(a->to, "to", &to, msg, cap))))
            break;
        /* the first ruleset of the scenario whose groups know the name records it */
        rc = MB_E_NOT_FOUND;
        for (unsigned k = 0; k < nrulesets && rc != MB_OK; k++) {
            const mb_ruleset *rs = cache_get(cache, rulesets[k], err);
            if (rs == NULL) {
                rc = mb_error_status(err) != MB_OK ? mb_error_status(err) : MB_E_NOT_FOUND;
                break;
            }
            rc = mb_enrollee_add_identity(e, rs, a->name, from, to, err);
            if (rc != MB_OK && rc != MB_E_UNKNOWN_CODE)
                break;
        }
        if (rc == MB_E_NOT_FOUND && mb_error_status(err) == MB_OK)
            rc = fail(msg, cap, MB_E_INVALID_ARGUMENT,
                      "enrollee.identities[%u]: the scenario names no ruleset", i);
    }
    for (unsigned i = 0; rc == MB_OK && i < se->accumulators_count; i++) {
        const s_seed *s = &se->accumulators[i];
        if (is_null(s->ruleset) || is_null(s->key) || is_null(s->period) || is_null(s->amount)) {
            rc = fail(msg, cap, MB_E_INVALID_ARGUMENT,
                      "enrollee.accumulators[%u]: ruleset, key, period and amount are required", i);
            break;
        }
        int32_t period;
        if (!int32_of(s->period, &period)) {
            rc = fail(msg, cap, MB_E_INVALID_DATE, "enrollee.accumulators[%u].period: " NOT_A_PERIOD,
                      i, s->period);
            break;
        }
        if ((rc = amount_of(s->amount, "accumulators.amount", &fen, msg, cap)))
            break;
        /* checked against the ruleset, so that a misspelt key is an error, not a figure that
         * no settlement reads */
        const mb_ruleset *rs = cache_get(cache, s->ruleset, err);
        rc = rs ? mb_enrollee_seed_checked(e, rs, s->key, period, fen, err)
                : mb_error_status(err) != MB_OK ? mb_error_status(err) : MB_E_NOT_FOUND;
    }
    if (rc != MB_OK && mb_error_status(err) != MB_OK)
        fail(msg, cap, rc, "enrollee: %s", mb_error_message(err));
    mb_error_free(err);
    if (rc != MB_OK) {
        mb_enrollee_free(e);
        return rc;
    }
    *out = e;
    return MB_OK;
}

int build_claim(const s_claim *sc, mb_claim **out, char *msg, size_t cap)
{
    *out = NULL;
    int32_t date = 0;
    int rc;
    if (is_null(sc->date) || is_null(sc->med_type))
        return fail(msg, cap, MB_E_INVALID_ARGUMENT, "date and med_type are required");
    if ((rc = date_of(sc->date, "date", &date, msg, cap)))
        return rc;
    int med = mb_med_type_parse(sc->med_type);
    if (med < 0)
        return fail(msg, cap, med, "unknown med_type '%s'", sc->med_type);
    int level = MB_LEVEL_PRIMARY;
    const char *fac = NULL;
    if (sc->facility) {
        fac = sc->facility->id;
        if (!is_null(sc->facility->level) && (level = mb_level_parse(sc->facility->level)) < 0)
            return fail(msg, cap, level, "unknown facility level '%s'", sc->facility->level);
    } else if (med == MB_MED_PHARMACY) {
        level = MB_LEVEL_PHARMACY;
    }
    mb_error *err = mb_error_new();
    mb_claim *c = NULL;
    rc = mb_claim_new(&c, sc->id, date, med, fac, level, err);
    if (rc == MB_OK && sc->facility && !is_null(sc->facility->category))
        rc = mb_claim_set_facility_category(c, sc->facility->category, err);
    bool referral, emergency, out_of_area, specialty, in_province;
    if (rc == MB_OK &&
        !(rc = flag_of(sc->referral, "referral", false, &referral, msg, cap)) &&
        !(rc = flag_of(sc->emergency, "emergency", false, &emergency, msg, cap)) &&
        !(rc = flag_of(sc->out_of_area, "out_of_area", false, &out_of_area, msg, cap)) &&
        !(rc = flag_of(sc->designated_specialty, "designated_specialty", false, &specialty, msg, cap)) &&
        !(rc = flag_of(sc->in_province, "in_province", true, &in_province, msg, cap))) {
        unsigned flags = (referral ? MB_CLAIM_REFERRAL : 0) | (emergency ? MB_CLAIM_EMERGENCY : 0) |
                         (out_of_area ? MB_CLAIM_OUT_OF_AREA : 0) |
                         (specialty ? MB_CLAIM_DESIGNATED_SPECIALTY : 0) |
                         (in_province ? 0 : MB_CLAIM_OUT_OF_PROVINCE);
        rc = mb_claim_set_flags(c, flags, err);
    }
    if (rc == MB_OK && !is_null(sc->disease))
        rc = mb_claim_set_disease(c, sc->disease, is_null(sc->treatment) ? NULL : sc->treatment, err);
    if (rc == MB_OK && (!is_null(sc->admitted) || !is_null(sc->discharged))) {
        int32_t a = 0, d = 0;
        if (is_null(sc->admitted) || is_null(sc->discharged))
            rc = fail(msg, cap, MB_E_INVALID_DATE, "admitted and discharged go together");
        else if (!(rc = date_of(sc->admitted, "admitted", &a, msg, cap)) &&
                 !(rc = date_of(sc->discharged, "discharged", &d, msg, cap)))
            rc = mb_claim_set_admission(c, a, d, err);
    }
    if (rc == MB_OK && sc->prescribed_by) {
        int plevel = is_null(sc->prescribed_by->level) ? MB_LEVEL_PRIMARY
                                                        : mb_level_parse(sc->prescribed_by->level);
        rc = plevel < 0 ? fail(msg, cap, plevel, "unknown prescriber level '%s'",
                               sc->prescribed_by->level)
                        : mb_claim_set_prescriber(c, sc->prescribed_by->id, plevel, err);
    }
    for (unsigned i = 0; rc == MB_OK && i < sc->items_count; i++) {
        const s_item *it = &sc->items[i];
        int64_t fen;
        if (is_null(it->amount)) {
            rc = fail(msg, cap, MB_E_INVALID_ARGUMENT, "items[%u]: amount is required", i);
            break;
        }
        if ((rc = amount_of(it->amount, "item amount", &fen, msg, cap)))
            break;
        int cls = mb_item_class_parse(is_null(it->class_) ? "A" : it->class_);
        if (cls < 0) {
            rc = fail(msg, cap, cls, "items[%u]: unknown class '%s'", i, it->class_);
            break;
        }
        int bp = -1;
        if (!is_null(it->first_selfpay_ratio)) {
            int32_t v;
            if ((rc = mb_ratio_parse(it->first_selfpay_ratio, &v, err)) != MB_OK)
                break;
            bp = v;
        }
        rc = mb_claim_add_item(c, fen, cls, bp, err);
    }
    if (rc == MB_OK && sc->upstream) {
        int64_t comp = 0, basic = 0, ci = -1;
        const s_upstream *u = sc->upstream;
        if (is_null(u->compliant))
            rc = fail(msg, cap, MB_E_INVALID_ARGUMENT, "upstream: compliant is required");
        else if (!(rc = amount_of(u->compliant, "upstream.compliant", &comp, msg, cap)) &&
                 !(rc = is_null(u->basic) ? MB_OK : amount_of(u->basic, "upstream.basic", &basic, msg, cap)) &&
                 !(rc = is_null(u->critical_illness) ? MB_OK
                                                     : amount_of(u->critical_illness, "upstream.critical_illness", &ci, msg, cap)))
            rc = mb_claim_set_upstream(c, comp, basic, ci, err);
        int64_t assistance = 0;
        if (rc == MB_OK && !is_null(u->assistance) &&
            !(rc = amount_of(u->assistance, "upstream.assistance", &assistance, msg, cap)))
            rc = mb_claim_set_upstream_assistance(c, assistance, err);
    }
    if (rc != MB_OK && mb_error_status(err) != MB_OK)
        fail(msg, cap, rc, "%s", mb_error_message(err));
    mb_error_free(err);
    if (rc != MB_OK) {
        mb_claim_free(c);
        return rc;
    }
    *out = c;
    return MB_OK;
}

void amounts_of(const mb_result *r, s_amounts *a)
{
    a->fund_pay = mb_result_amount(r, MB_AMT_FUND_PAY_SUMAMT);
    a->basic = mb_result_amount(r, MB_AMT_HIFP_PAY);
    a->large_amount = mb_result_amount(r, MB_AMT_HIFOB_PAY);
    a->critical_illness = mb_result_amount(r, MB_AMT_HIFMI_PAY);
    a->assistance = mb_result_amount(r, MB_AMT_MAF_PAY);
    a->acct_pay = mb_result_amount(r, MB_AMT_ACCT_PAY);
    a->cash_pay = mb_result_amount(r, MB_AMT_PSN_CASH_PAY);
    a->deductible = mb_result_amount(r, MB_AMT_ACT_PAY_DEDC);
    a->covered = mb_result_covered(r);
}

const char *yuan(int64_t fen, char buf[32])
{
    const char *sign = fen < 0 ? "-" : "";
    uint64_t v = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    snprintf(buf, 32, "%s%llu.%02llu", sign, (unsigned long long)(v / 100),
             (unsigned long long)(v % 100));
    return buf;
}
