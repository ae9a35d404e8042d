/*
 * Compile a loaded ruleset (text as libcyaml read it) into the immutable lookup tables that
 * settlement reads: amounts in fen, ratios in basis points, dates as YYYYMMDD, names as hashes.
 * Every check that fails names the file, line and key (through mb_yaml_locate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compile.h"
#include "criteria.h"
#include "locate.h"
#include "ruleset.h"

typedef struct mb_compile_ctx {
    mb_ruleset *rs;
    mb_arena *arena;
    const raw_ruleset *raw;
    const char *text;
    size_t len;
    const char *file;
    mb_error *err;
    mb_assumption *assumptions;
    uint32_t nassumptions, cap_assumptions;
} ctx_t;

#define PATH_MAX_LEN 160
#define NOMEM(c) mb_fail((c)->err, MB_E_NOMEM, "out of memory compiling ruleset %s", (c)->file)

static int fail(ctx_t *c, int status, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(ctx_t *c, int status, const char *path, const char *key, const char *fmt, ...)
{
    char full[PATH_MAX_LEN + 64];
    if (path && *path && key && *key)
        snprintf(full, sizeof full, "%s.%s", path, key);
    else
        snprintf(full, sizeof full, "%s", path && *path ? path : (key ? key : ""));
    char msg[MB_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = mb_yaml_locate(c->text, c->len, full);
    if (line < 0) /* libyaml's malloc failed: the report would lack its line */
        return NOMEM(c);
    return mb_fail_at(c->err, status, c->file, line, full, "%s", msg);
}

static const char *dup(ctx_t *c, const char *s) { return s ? mb_arena_strdup(c->arena, s) : NULL; }

static int note_assumption(ctx_t *c, const char *path, const char *reason)
{
    if (reason == NULL)
        return MB_OK;
    if (c->nassumptions == c->cap_assumptions) {
        uint32_t cap = c->cap_assumptions ? c->cap_assumptions * 2 : 16;
        mb_assumption *a = mb_realloc(c->assumptions, cap * sizeof *a);
        if (a == NULL)
            return NOMEM(c);
        c->assumptions = a;
        c->cap_assumptions = cap;
    }
    const char *where = dup(c, path), *why = dup(c, reason);
    if (where == NULL || why == NULL)
        return NOMEM(c);
    c->assumptions[c->nassumptions++] = (mb_assumption){where, why};
    return MB_OK;
}

/* A value must say where it comes from: a clause, or an assumption with its reason. */
static int sourced(ctx_t *c, const char *path, const char *cite, const char *assumption,
                   const char *inherited, const char **out)
{
    int rc = note_assumption(c, path, assumption);
    if (rc)
        return rc;
    const char *s = cite ? cite : (assumption ? "assumption" : inherited);
    if (s == NULL)
        return fail(c, MB_E_SCHEMA, path, "cite",
                     "every parameter needs 'cite' (document and clause) or 'assumption' (why)");
    if (cite != NULL) {
        *out = dup(c, cite);
    } else if (assumption != NULL) {
        /* the trace shows an assumption with its reason, so an auditor sees why */
        size_t n = strlen("（假设）") + strlen(assumption) + 1;
        char *text = mb_arena_alloc(c->arena, n);
        if (text != NULL)
            snprintf(text, n, "（假设）%s", assumption);
        *out = text;
    } else {
        *out = inherited;
    }
    return *out ? MB_OK : NOMEM(c);
}

/* A trace step's rule id, "<layer>.<step>", made once at load. */
static const char *rule_id(ctx_t *c, const char *layer, const char *step)
{
    size_t n = strlen(layer) + 1 + strlen(step) + 1;
    char *id = mb_arena_alloc(c->arena, n);
    if (id != NULL)
        snprintf(id, n, "%s.%s", layer, step);
    return id;
}

static int parse_bool(ctx_t *c, const char *path, const char *key, const char *text, bool *out)
{
    if (text == NULL) {
        *out = false;
        return MB_OK;
    }
    if (strcmp(text, "true") == 0 || strcmp(text, "yes") == 0)
        *out = true;
    else if (strcmp(text, "false") == 0 || strcmp(text, "no") == 0)
        *out = false;
    else
        return fail(c, MB_E_SCHEMA, path, key, "expected true or false, got '%s'", text);
    return MB_OK;
}

static int parse_money(ctx_t *c, const char *path, const char *key, const char *text,
                       bool unlimited_ok, int64_t *out)
{
    if (unlimited_ok && strcmp(text, "unlimited") == 0) {
        *out = MB_UNLIMITED;
        return MB_OK;
    }
    if (mb_amount_parse(text, out, NULL) != MB_OK)
        return fail(c, MB_E_SCHEMA, path, key, "expected an amount in yuan such as 500 or 3500.00%s, got '%s'",
                    unlimited_ok ? " (or 'unlimited')" : "", text);
    return MB_OK;
}

static int parse_ratio(ctx_t *c, const char *path, const char *key, const char *text, int32_t *bp)
{
    if (mb_ratio_parse(text, bp, NULL) != MB_OK)
        return fail(c, MB_E_SCHEMA, path, key, "expected a ratio such as 70%% or 0.7, got '%s'",
                    text);
    return MB_OK;
}

static int parse_int(ctx_t *c, const char *path, const char *key, const char *text, int lo,
                     int hi, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < lo || v > hi)
        return fail(c, MB_E_SCHEMA, path, key, "expected a whole number from %d to %d, got '%s'",
                    lo, hi, text);
    *out = (int)v;
    return MB_OK;
}

static int parse_date(ctx_t *c, const char *path, const char *key, const char *text,
                      int32_t *out)
{
    if (mb_date_parse(text, out, NULL) != MB_OK)
        return fail(c, MB_E_SCHEMA, path, key, "expected a date YYYY-MM-DD, got '%s'", text);
    return MB_OK;
}

enum value_kind { VALUE_MONEY, VALUE_CAP, VALUE_RATIO };

static int parse_value(ctx_t *c, const char *path, const char *key, const char *text,
                       enum value_kind kind, int64_t *out)
{
    if (kind == VALUE_RATIO) {
        int32_t bp;
        int rc = parse_ratio(c, path, key, text, &bp);
        *out = bp;
        return rc;
    }
    return parse_money(c, path, key, text, kind == VALUE_CAP, out);
}

/* Fill v[slot] from the most specific column given: in_service > employee > all. */
static int person_values(ctx_t *c, const char *path, const char *all, const char *employee,
                         const char *in_service, const char *retired, const char *veteran,
                         const char *resident, enum value_kind kind, int64_t v[MB_SLOT_COUNT])
{
    int64_t a = MB_ABSENT, e = MB_ABSENT;
    int rc;
    if (all && (rc = parse_value(c, path, "all", all, kind, &a)))
        return rc;
    if (employee && (rc = parse_value(c, path, "employee", employee, kind, &e)))
        return rc;
    if (e == MB_ABSENT)
        e = a;
    const char *texts[MB_SLOT_COUNT] = {in_service, retired, veteran, resident};
    const char *keys[MB_SLOT_COUNT] = {"in_service", "retired", "veteran", "resident"};
    for (int s = 0; s < MB_SLOT_COUNT; s++) {
        v[s] = s == MB_SLOT_RESIDENT ? a : e;
        if (texts[s] && (rc = parse_value(c, path, keys[s], texts[s], kind, &v[s])))
            return rc;
    }
    return MB_OK;
}

static int facility_parse(const char *text)
{
    static const char *const names[] = {"any", "first_visit", "primary", "secondary", "tertiary"};
    for (int i = 0; i < 5; i++)
        if (strcmp(text, names[i]) == 0)
            return i;
    return -1;
}

static int compile_rows(ctx_t *c, const char *path, const raw_values *raw, unsigned n,
                        enum value_kind kind, const char *inherited_cite, mb_rows *out)
{
    mb_row *rows = n ? mb_arena_alloc(c->arena, n * sizeof *rows) : NULL;
    if (n && rows == NULL)
        return NOMEM(c);
    for (unsigned i = 0; i < n; i++) {
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "%s[%u]", path, i);
        const raw_values *r = &raw[i];
        mb_row *row = &rows[i];
        int rc;
        row->referred = -1;
        if (r->from && (rc = parse_date(c, p, "from", r->from, &row->from)))
            return rc;
        if (r->facility) {
            int f = facility_parse(r->facility);
            if (f < 0)
                return fail(c, MB_E_SCHEMA, p, "facility",
                            "expected first_visit, primary, secondary, tertiary or any, got '%s'",
                            r->facility);
            row->facility = (int8_t)f;
        }
        if (r->referred) {
            bool b;
            if ((rc = parse_bool(c, p, "referred", r->referred, &b)))
                return rc;
            row->referred = b;
        }
        if (!r->all && !r->employee && !r->in_service && !r->retired && !r->veteran &&
            !r->resident)
            return fail(c, MB_E_SCHEMA, p, NULL,
                        "a row needs a value: all, employee, in_service, retired, veteran or resident");
        if ((rc = person_values(c, p, r->all, r->employee, r->in_service, r->retired, r->veteran,
                                r->resident, kind, row->v)))
            return rc;
        if ((rc = sourced(c, p, r->cite, r->assumption, inherited_cite, &row->cite)))
            return rc;
        if ((row->path = dup(c, p)) == NULL)
            return NOMEM(c);
    }
    out->row = rows;
    out->n = n;
    return MB_OK;
}

static int med_bits(ctx_t *c, const char *path, char **names, unsigned n, uint32_t *out)
{
    *out = 0;
    for (unsigned i = 0; i < n; i++) {
        int m = mb_med_type_parse(names[i]);
        if (m < 0) {
            char p[PATH_MAX_LEN];
            snprintf(p, sizeof p, "%s[%u]", path, i);
            return fail(c, MB_E_SCHEMA, p, NULL,
                        "unknown med_type '%s' (general_outpatient, emergency, chronic, inpatient, pharmacy)",
                        names[i]);
        }
        *out |= 1u << (m % 32);
    }
    return MB_OK;
}

static int scheme_bits(ctx_t *c, const char *path, char **names, unsigned n, uint32_t *out)
{
    *out = 0;
    for (unsigned i = 0; i < n; i++) {
        int s = mb_scheme_parse(names[i]);
        if (s < 0) {
            char p[PATH_MAX_LEN];
            snprintf(p, sizeof p, "%s[%u]", path, i);
            return fail(c, MB_E_SCHEMA, p, NULL, "unknown scheme '%s' (employee, resident)",
                        names[i]);
        }
        *out |= 1u << s;
    }
    return MB_OK;
}

static int group_parse(const char *text)
{
    if (text == NULL || strcmp(text, "any") == 0)
        return MB_GROUP_ANY;
    if (strcmp(text, "chronic") == 0)
        return MB_GROUP_CHRONIC;
    if (strcmp(text, "special") == 0)
        return MB_GROUP_SPECIAL;
    return -1;
}

static int period_parse(const char *text)
{
    if (text == NULL || strcmp(text, "year") == 0)
        return MB_PERIOD_YEAR;
    if (strcmp(text, "quarter") == 0)
        return MB_PERIOD_QUARTER;
    return -1;
}

static int fund_index(const mb_ruleset *rs, const char *key)
{
    for (uint32_t i = 0; i < rs->nfunds; i++)
        if (strcmp(rs->funds[i].key, key) == 0)
            return (int)i;
    return -1;
}

static uint64_t ns_key(const mb_ruleset *rs, const char *name)
{
    return mb_hash_join(rs->id, name);
}

static int compile_funds(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_fund *funds = mb_arena_alloc(c->arena, (raw->funds_count + 1) * sizeof *funds);
    if (funds == NULL)
        return NOMEM(c);
    static const struct {
        const char *name;
        int slot;
    } slots[] = {{"hifp_pay", MB_AMT_HIFP_PAY}, {"hifob_pay", MB_AMT_HIFOB_PAY},
                 {"hifmi_pay", MB_AMT_HIFMI_PAY}, {"maf_pay", MB_AMT_MAF_PAY}};
    for (unsigned i = 0; i < raw->funds_count; i++) {
        const raw_fund *f = &raw->funds[i];
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "funds[%u]", i);
        mb_fund *o = &funds[i];
        o->amount_slot = -1;
        for (size_t k = 0; k < sizeof slots / sizeof slots[0]; k++)
            if (strcmp(f->amount, slots[k].name) == 0)
                o->amount_slot = slots[k].slot;
        if (o->amount_slot < 0)
            return fail(c, MB_E_SCHEMA, p, "amount",
                        "expected hifp_pay, hifob_pay, hifmi_pay or maf_pay, got '%s'", f->amount);
        if (!f->employee && !f->resident)
            return fail(c, MB_E_SCHEMA, p, NULL,
                        "a fund needs its fund_pay_type code for 'employee' and/or 'resident'");
        const char *codes[2] = {f->employee, f->resident};
        for (int s = 0; s < 2; s++) {
            const char *code = codes[s];
            if (code == NULL)
                continue;
            if (strlen(code) != 6 || strspn(code, "0123456789") != 6)
                return fail(c, MB_E_SCHEMA, p, s ? "resident" : "employee",
                            "a fund_pay_type is six digits such as 310100, got '%s'", code);
        }
        o->key = dup(c, f->key);
        o->code[MB_SCHEME_EMPLOYEE] = dup(c, f->employee);
        o->code[MB_SCHEME_RESIDENT] = dup(c, f->resident);
        o->name[MB_SCHEME_EMPLOYEE] = dup(c, f->name);
        o->name[MB_SCHEME_RESIDENT] = dup(c, f->resident_name ? f->resident_name : f->name);
        /* a copy that ran out of memory would leave NULL where settlement reads a string */
        if (!o->key || !o->name[MB_SCHEME_EMPLOYEE] || !o->name[MB_SCHEME_RESIDENT] ||
            (f->employee && !o->code[MB_SCHEME_EMPLOYEE]) ||
            (f->resident && !o->code[MB_SCHEME_RESIDENT]))
            return NOMEM(c);
        for (unsigned j = 0; j < i; j++)
            if (strcmp(funds[j].key, f->key) == 0)
                return fail(c, MB_E_RULESET, p, "key", "fund key '%s' is defined twice", f->key);
    }
    c->rs->funds = funds;
    c->rs->nfunds = raw->funds_count;
    return MB_OK;
}

static int compile_referral(ctx_t *c)
{
    const raw_referral *r = c->raw->referral;
    mb_ruleset *rs = c->rs;
    if (r == NULL)
        return MB_OK;
    int rc;
    if ((rc = sourced(c, "referral", r->cite, r->assumption, NULL, &rs->referral_cite)))
        return rc;
    for (unsigned i = 0; i < r->exempt_count; i++) {
        const char *e = r->exempt[i];
        if (strcmp(e, "emergency") == 0)
            rs->referral_exempt |= MB_CLAIM_EMERGENCY;
        else if (strcmp(e, "out_of_area") == 0)
            rs->referral_exempt |= MB_CLAIM_OUT_OF_AREA;
        else if (strcmp(e, "designated_specialty") == 0)
            rs->referral_exempt |= MB_CLAIM_DESIGNATED_SPECIALTY;
        else {
            char p[PATH_MAX_LEN];
            snprintf(p, sizeof p, "referral.exempt[%u]", i);
            return fail(c, MB_E_SCHEMA, p, NULL,
                        "expected emergency, out_of_area or designated_specialty, got '%s'", e);
        }
    }
    if (r->penalty_points) {
        int points;
        if ((rc = parse_int(c, "referral", "penalty_points", r->penalty_points, 0, 100, &points)))
            return rc;
        rs->penalty_bp = points * 100;
    }
    for (unsigned i = 0; i < r->penalty_levels_count; i++) {
        int f = facility_parse(r->penalty_levels[i]);
        if (f <= 0) {
            char p[PATH_MAX_LEN];
            snprintf(p, sizeof p, "referral.penalty_levels[%u]", i);
            return fail(c, MB_E_SCHEMA, p, NULL, "expected a facility level, got '%s'",
                        r->penalty_levels[i]);
        }
        rs->penalty_levels |= 1u << f;
    }
    return MB_OK;
}

static int compile_categories(ctx_t *c)
{
    mb_ruleset *rs = c->rs;
    for (int i = 0; i < MB_CATEGORY_COUNT; i++)
        rs->category_bp[i] = -1;
    for (unsigned i = 0; i < c->raw->categories_count; i++) {
        const raw_category *r = &c->raw->categories[i];
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "categories[%u]", i);
        int cat = mb_category_parse(r->name);
        if (cat < 0)
            return fail(c, MB_E_SCHEMA, p, "name",
                        "unknown assistance category '%s' (see docs/ruleset-format.md)", r->name);
        int rc;
        if ((rc = parse_ratio(c, p, "ratio", r->ratio, &rs->category_bp[cat])))
            return rc;
        if ((rc = sourced(c, p, r->cite, r->assumption, NULL, &rs->category_cite[cat])))
            return rc;
    }
    const raw_identity_rule *id = c->raw->identity;
    rs->identity_any_admission_day = true;
    if (id != NULL) {
        int rc;
        if (id->lost && strcmp(id->lost, "end_of_month") == 0)
            rs->identity_to_month_end = true;
        else if (id->lost && strcmp(id->lost, "same_day") != 0)
            return fail(c, MB_E_SCHEMA, "identity", "lost",
                        "expected same_day or end_of_month, got '%s'", id->lost);
        if (id->admission && strcmp(id->admission, "claim_date") == 0)
            rs->identity_any_admission_day = false;
        else if (id->admission && strcmp(id->admission, "any_day") != 0)
            return fail(c, MB_E_SCHEMA, "identity", "admission",
                        "expected any_day or claim_date, got '%s'", id->admission);
        if ((rc = sourced(c, "identity", id->cite, id->assumption, NULL, &rs->identity_cite)))
            return rc;
    }
    const raw_tilt *t = c->raw->tilt;
    if (t != NULL) {
        int rc;
        if ((rc = sourced(c, "tilt", t->cite, t->assumption, NULL, &rs->tilt_cite)))
            return rc;
        for (unsigned i = 0; i < t->categories_count; i++) {
            int cat = mb_category_parse(t->categories[i]);
            if (cat < 0) {
                char p[PATH_MAX_LEN];
                snprintf(p, sizeof p, "tilt.categories[%u]", i);
                return fail(c, MB_E_SCHEMA, p, NULL, "unknown assistance category '%s'",
                            t->categories[i]);
            }
            rs->tilt_categories |= 1u << cat;
        }
        rs->tilt_deductible_bp = MB_BP_ONE;
        if (t->deductible_ratio &&
            (rc = parse_ratio(c, "tilt", "deductible_ratio", t->deductible_ratio,
                              &rs->tilt_deductible_bp)))
            return rc;
        if (t->ratio_points) {
            int points;
            if ((rc = parse_int(c, "tilt", "ratio_points", t->ratio_points, 0, 100, &points)))
                return rc;
            rs->tilt_points_bp = points * 100;
        }
        if ((rc = parse_bool(c, "tilt", "uncapped", t->uncapped, &rs->tilt_uncapped)))
            return rc;
    }
    return MB_OK;
}

static int add_disease_hash(ctx_t *c, uint64_t *hashes, uint32_t *index, uint32_t *n,
                            const char *name, uint32_t disease)
{
    uint64_t h = mb_hash(name);
    for (uint32_t i = 0; i < *n; i++)
        if (hashes[i] == h) {
            if (index[i] == disease)
                return MB_OK;
            char p[PATH_MAX_LEN];
            snprintf(p, sizeof p, "catalogue[%u]", disease);
            return fail(c, MB_E_RULESET, p, "name",
                        "'%s' already names catalogue entry %u (%s): names and codes must be unique",
                        name, index[i], c->rs->diseases[index[i]].name);
        }
    hashes[*n] = h;
    index[*n] = disease;
    (*n)++;
    return MB_OK;
}

static int cmp_hash(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int compile_catalogue(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_ruleset *rs = c->rs;
    const raw_rules *rules = raw->catalogue_rules;
    int rc;
    int default_start = MB_START_NEXT_MONTH;
    if (rules && rules->start) {
        const char *s = rules->start->value;
        if (strcmp(s, "same_month") == 0)
            default_start = MB_START_SAME_MONTH;
        else if (strcmp(s, "next_month") == 0)
            default_start = MB_START_NEXT_MONTH;
        else if (strcmp(s, "same_day") == 0)
            default_start = MB_START_SAME_DAY;
        else
            return fail(c, MB_E_SCHEMA, "catalogue_rules.start", "value",
                        "expected same_day, same_month or next_month, got '%s'", s);
        if ((rc = sourced(c, "catalogue_rules.start", rules->start->cite,
                          rules->start->assumption, NULL, &rs->start_cite)))
            return rc;
    } else {
        rs->start_cite = "";
        default_start = MB_START_SAME_DAY;
    }
    uint32_t n = raw->catalogue_count;
    mb_disease *d = n ? mb_arena_alloc(c->arena, n * sizeof *d) : NULL;
    if (n && d == NULL)
        return NOMEM(c);
    rs->diseases = d;
    rs->ndiseases = n;
    uint32_t nhash_cap = 0;
    for (uint32_t i = 0; i < n; i++)
        nhash_cap += 3 + raw->catalogue[i].aliases_count;
    uint64_t *hashes = mb_arena_alloc(c->arena, (nhash_cap + 1) * sizeof *hashes);
    uint32_t *index = mb_arena_alloc(c->arena, (nhash_cap + 1) * sizeof *index);
    if (hashes == NULL || index == NULL)
        return NOMEM(c);
    uint32_t nhash = 0;
    for (uint32_t i = 0; i < n; i++) {
        const raw_disease *r = &raw->catalogue[i];
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "catalogue[%u]", i);
        char shortname[256];
        mb_short_name(r->name, shortname, sizeof shortname);
        d[i].code = dup(c, r->code);
        d[i].name = dup(c, r->name);
        d[i].short_name = dup(c, shortname);
        if (!d[i].code || !d[i].name || !d[i].short_name)
            return NOMEM(c);
        d[i].group = group_parse(r->group ? r->group : "chronic");
        if (d[i].group <= 0)
            return fail(c, MB_E_SCHEMA, p, "group", "expected chronic or special, got '%s'",
                        r->group);
        d[i].group_name = d[i].group == MB_GROUP_SPECIAL ? "special" : "chronic";
        d[i].start = default_start;
        if (r->start) {
            if (strcmp(r->start, "same_month") == 0)
                d[i].start = MB_START_SAME_MONTH;
            else if (strcmp(r->start, "next_month") == 0)
                d[i].start = MB_START_NEXT_MONTH;
            else if (strcmp(r->start, "same_day") == 0)
                d[i].start = MB_START_SAME_DAY;
            else
                return fail(c, MB_E_SCHEMA, p, "start",
                            "expected same_day, same_month or next_month, got '%s'", r->start);
        }
        if (r->valid_months &&
            (rc = parse_int(c, p, "valid_months", r->valid_months, 1, 1200, &d[i].valid_months)))
            return rc;
        d[i].cap_period = period_parse(r->cap_period);
        if (d[i].cap_period < 0)
            return fail(c, MB_E_SCHEMA, p, "cap_period", "expected year or quarter, got '%s'",
                        r->cap_period);
        if ((rc = sourced(c, p, r->cite, r->assumption, rs->document, &d[i].cite)))
            return rc;
        mb_disease_cap *caps = r->caps_count ? mb_arena_alloc(c->arena, r->caps_count * sizeof *caps) : NULL;
        if (r->caps_count && caps == NULL)
            return NOMEM(c);
        for (unsigned k = 0; k < r->caps_count; k++) {
            const raw_disease_cap *rc_ = &r->caps[k];
            char pk[PATH_MAX_LEN];
            snprintf(pk, sizeof pk, "%s.caps[%u]", p, k);
            if ((rc = person_values(c, pk, rc_->all, rc_->employee, rc_->in_service, rc_->retired,
                                    rc_->veteran, rc_->resident, VALUE_CAP, caps[k].v)))
                return rc;
            if ((rc = sourced(c, pk, rc_->cite, rc_->assumption, d[i].cite, &caps[k].cite)))
                return rc;
            caps[k].line = mb_hash(rc_->line);
            caps[k].line_name = dup(c, rc_->line ? rc_->line : "");
            char key[512];
            snprintf(key, sizeof key, "disease.%s%s%s.paid", r->code, rc_->line ? "." : "",
                     rc_->line ? rc_->line : "");
            caps[k].key_name = dup(c, key);
            if (caps[k].line_name == NULL || caps[k].key_name == NULL)
                return NOMEM(c);
            caps[k].key = ns_key(rs, key);
            for (unsigned j = 0; j < k; j++)
                if (caps[j].line == caps[k].line)
                    return fail(c, MB_E_RULESET, pk, "line",
                                "treatment line '%s' has two caps", caps[k].line_name);
        }
        d[i].caps = caps;
        d[i].ncaps = r->caps_count;
        if (r->criteria) {
            char why[256], pc[PATH_MAX_LEN];
            const char *where;
            snprintf(pc, sizeof pc, "%s.criteria", p);
            rc = mb_criteria_compile(c->arena, r->criteria, &d[i].criteria, why, sizeof why, &where);
            if (rc == MB_E_NOMEM)
                return NOMEM(c);
            if (rc != MB_OK)
                return fail(c, MB_E_RULESET, pc, where, "%s", why);
        }
        if ((rc = add_disease_hash(c, hashes, index, &nhash, r->code, i)) ||
            (rc = add_disease_hash(c, hashes, index, &nhash, r->name, i)))
            return rc;
        for (unsigned k = 0; k < r->aliases_count; k++)
            if ((rc = add_disease_hash(c, hashes, index, &nhash, r->aliases[k], i)))
                return rc;
    }
    /* Short names last: one shared by variants (器官移植抗排异治疗（肾移植）and （肝移植）) is
     * ambiguous and names neither; the full name or code must then be used. */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t h = mb_hash(d[i].short_name);
        bool shared = false;
        for (uint32_t j = 0; j < n && !shared; j++)
            shared = j != i && mb_hash(d[j].short_name) == h;
        bool taken = false;
        for (uint32_t k = 0; k < nhash && !taken; k++)
            taken = hashes[k] == h;
        if (!shared && !taken) {
            hashes[nhash] = h;
            index[nhash++] = i;
        }
    }
    /* sort (hash, index) pairs by hash for binary search */
    struct pair { uint64_t h; uint32_t i; } *pairs = mb_alloc((nhash + 1) * sizeof *pairs);
    if (pairs == NULL)
        return NOMEM(c);
    for (uint32_t i = 0; i < nhash; i++)
        pairs[i] = (struct pair){hashes[i], index[i]};
    qsort(pairs, nhash, sizeof *pairs, cmp_hash);
    for (uint32_t i = 0; i < nhash; i++) {
        hashes[i] = pairs[i].h;
        index[i] = pairs[i].i;
    }
    mb_free(pairs);
    rs->disease_hash = hashes;
    rs->disease_index = index;
    rs->ndisease_hash = nhash;
    if (mb_catalogue_index(rs, c->arena) != MB_OK)
        return NOMEM(c);

    if (rules == NULL)
        return MB_OK;
    if (rules->max_diseases) {
        if ((rc = parse_int(c, "catalogue_rules.max_diseases", "value", rules->max_diseases->value,
                            1, 100, &rs->max_diseases)) ||
            (rc = sourced(c, "catalogue_rules.max_diseases", rules->max_diseases->cite,
                          rules->max_diseases->assumption, NULL, &rs->max_diseases_cite)))
            return rc;
    }
    if (rules->revoke_after_idle_months) {
        if ((rc = parse_int(c, "catalogue_rules.revoke_after_idle_months", "value",
                            rules->revoke_after_idle_months->value, 1, 1200,
                            &rs->revoke_idle_months)) ||
            (rc = sourced(c, "catalogue_rules.revoke_after_idle_months",
                          rules->revoke_after_idle_months->cite,
                          rules->revoke_after_idle_months->assumption, NULL, &rs->revoke_cite)))
            return rc;
    }
    if (rules->validity &&
        (rc = sourced(c, "catalogue_rules.validity", rules->validity->cite,
                      rules->validity->assumption, NULL, &rs->validity_cite)))
        return rc;
    if (rs->validity_cite == NULL)
        rs->validity_cite = rs->document;
    mb_pair *pairs_out = rules->exclusive_pairs_count
                             ? mb_arena_alloc(c->arena, rules->exclusive_pairs_count * sizeof *pairs_out)
                             : NULL;
    if (rules->exclusive_pairs_count && pairs_out == NULL)
        return NOMEM(c);
    for (unsigned i = 0; i < rules->exclusive_pairs_count; i++) {
        const raw_pair *r = &rules->exclusive_pairs[i];
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "catalogue_rules.exclusive_pairs[%u]", i);
        int a = mb_catalogue_lookup(rs, mb_hash(r->a)), b = mb_catalogue_lookup(rs, mb_hash(r->b));
        if (a < 0)
            return fail(c, MB_E_RULESET, p, "a", "'%s' is not in the catalogue", r->a);
        if (b < 0)
            return fail(c, MB_E_RULESET, p, "b", "'%s' is not in the catalogue", r->b);
        pairs_out[i].a = (uint32_t)a;
        pairs_out[i].b = (uint32_t)b;
        pairs_out[i].renewable = -1;
        if (r->renewable) {
            int w = mb_catalogue_lookup(rs, mb_hash(r->renewable));
            if (w != a && w != b)
                return fail(c, MB_E_RULESET, p, "renewable", "'%s' is neither side of the pair",
                            r->renewable);
            pairs_out[i].renewable = w;
        }
        if ((rc = sourced(c, p, r->cite, r->assumption, rules->pairs_cite, &pairs_out[i].cite)))
            return rc;
    }
    rs->pairs = pairs_out;
    rs->npairs = rules->exclusive_pairs_count;
    if (rules->stacking) {
        const raw_stacking *s = rules->stacking;
        rs->stack_group = group_parse(s->group);
        if (rs->stack_group <= 0)
            return fail(c, MB_E_SCHEMA, "catalogue_rules.stacking", "group",
                        "expected chronic or special, got '%s'", s->group);
        if ((rc = parse_int(c, "catalogue_rules.stacking", "partial_count", s->partial_count, 0,
                            100, &rs->stack_partial)) ||
            (rc = parse_ratio(c, "catalogue_rules.stacking", "partial_ratio", s->partial_ratio,
                              &rs->stack_partial_bp)) ||
            (rc = sourced(c, "catalogue_rules.stacking", s->cite, s->assumption, NULL,
                          &rs->stack_cite)))
            return rc;
    }
    return MB_OK;
}

static uint32_t requirement_bit(const char *name)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } reqs[] = {{"certified_disease", MB_REQ_CERTIFIED_DISEASE},
                {"designated_facility", MB_REQ_DESIGNATED_FACILITY},
                {"assistance_identity", MB_REQ_ASSISTANCE},
                {"in_province", MB_REQ_IN_PROVINCE},
                {"referral", MB_REQ_REFERRAL},
                {"prescription", MB_REQ_PRESCRIPTION}};
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
        if (strcmp(reqs[i].name, name) == 0)
            return reqs[i].bit;
    return 0;
}

static int compile_layer(ctx_t *c, unsigned i, mb_layer *l)
{
    const raw_layer *r = &c->raw->layers[i];
    mb_ruleset *rs = c->rs;
    char p[PATH_MAX_LEN];
    snprintf(p, sizeof p, "layers[%u]", i);
    int rc;
    l->id = dup(c, r->id);
    l->name = dup(c, r->name ? r->name : r->id);
    l->kind = dup(c, r->kind ? r->kind : r->id);
    mb_layer_rules *ids = &l->rules;
    if (!l->id || !l->name || !l->kind ||
        !(ids->deductible = rule_id(c, l->id, "deductible")) ||
        !(ids->ratio = rule_id(c, l->id, "ratio")) || !(ids->tilt = rule_id(c, l->id, "tilt")) ||
        !(ids->cap = rule_id(c, l->id, "cap")) ||
        !(ids->cap_raise = rule_id(c, l->id, "cap.raise")) ||
        !(ids->disease_cap = rule_id(c, l->id, "disease_cap")) ||
        !(ids->stacking = rule_id(c, l->id, "stacking")) ||
        !(ids->self_pay = rule_id(c, l->id, "self_pay")))
        return NOMEM(c);
    if ((rc = sourced(c, p, r->cite, r->assumption, NULL, &l->cite)))
        return rc;
    if (r->med_types_count == 0)
        return fail(c, MB_E_SCHEMA, p, "med_types", "a layer lists the med_types it applies to");
    char mp[PATH_MAX_LEN];
    snprintf(mp, sizeof mp, "%s.med_types", p);
    if ((rc = med_bits(c, mp, r->med_types, r->med_types_count, &l->med_types)))
        return rc;
    l->schemes = rs->schemes;
    if (r->schemes_count) {
        char sp[PATH_MAX_LEN];
        snprintf(sp, sizeof sp, "%s.schemes", p);
        if ((rc = scheme_bits(c, sp, r->schemes, r->schemes_count, &l->schemes)))
            return rc;
    }
    for (unsigned k = 0; k < r->requires_count; k++) {
        uint32_t bit = requirement_bit(r->requires[k]);
        if (bit == 0) {
            char rp[PATH_MAX_LEN];
            snprintf(rp, sizeof rp, "%s.requires[%u]", p, k);
            return fail(c, MB_E_SCHEMA, rp, NULL,
                        "unknown requirement '%s' (certified_disease, designated_facility, "
                        "assistance_identity, in_province, referral, prescription)",
                        r->requires[k]);
        }
        l->requires |= bit;
    }
    if (r->exclusive_with_count > 4)
        return fail(c, MB_E_RULESET, p, "exclusive_with", "at most 4 exclusive kinds");
    for (unsigned k = 0; k < r->exclusive_with_count; k++) {
        l->exclusive[k] = mb_hash_join("kind", r->exclusive_with[k]);
        if ((l->exclusive_names[k] = dup(c, r->exclusive_with[k])) == NULL)
            return NOMEM(c);
    }
    l->nexclusive = r->exclusive_with_count;
    l->kind_key = mb_hash_join("kind", l->kind);
    l->group = group_parse(r->disease_group);
    if (l->group < 0)
        return fail(c, MB_E_SCHEMA, p, "disease_group", "expected chronic, special or any, got '%s'",
                    r->disease_group);
    if (r->fund == NULL)
        return fail(c, MB_E_SCHEMA, p, "fund", "a layer names the fund that pays it");
    l->fund = fund_index(rs, r->fund);
    if (l->fund < 0)
        return fail(c, MB_E_RULESET, p, "fund", "fund '%s' is not listed under funds", r->fund);
    l->base = MB_BASE_COMPLIANT;
    if (r->base) {
        if (strcmp(r->base, "remaining") == 0)
            l->base = MB_BASE_REMAINING;
        else if (strcmp(r->base, "compliant") != 0)
            return fail(c, MB_E_SCHEMA, p, "base", "expected compliant or remaining, got '%s'",
                        r->base);
    }
    char key[300];
    snprintf(key, sizeof key, "%s.base", r->base_key ? r->base_key : r->id);
    l->base_key_name = dup(c, key);
    l->base_key = ns_key(rs, key);
    snprintf(key, sizeof key, "%s.paid", r->id);
    l->paid_key = ns_key(rs, key);

    char sub[PATH_MAX_LEN];
    snprintf(sub, sizeof sub, "%s.deductible", p);
    if ((rc = compile_rows(c, sub, r->deductible, r->deductible_count, VALUE_MONEY, l->cite,
                           &l->deductible)))
        return rc;
    if ((l->deductible_path = dup(c, sub)) == NULL)
        return NOMEM(c);
    l->ratio_source = MB_RATIO_TABLE;
    if (r->ratio_source) {
        if (strcmp(r->ratio_source, "category") == 0)
            l->ratio_source = MB_RATIO_CATEGORY;
        else if (strcmp(r->ratio_source, "table") != 0)
            return fail(c, MB_E_SCHEMA, p, "ratio_source", "expected table or category, got '%s'",
                        r->ratio_source);
    }
    snprintf(sub, sizeof sub, "%s.ratio", p);
    if ((rc = compile_rows(c, sub, r->ratio, r->ratio_count, VALUE_RATIO, l->cite, &l->ratio)))
        return rc;
    if ((l->ratio_path = dup(c, sub)) == NULL)
        return NOMEM(c);
    if (l->ratio_source == MB_RATIO_CATEGORY && c->raw->categories_count == 0)
        return fail(c, MB_E_RULESET, p, "ratio_source",
                    "ratio_source category needs the ruleset's categories table");
    mb_band *bands = r->bands_count ? mb_arena_alloc(c->arena, r->bands_count * sizeof *bands) : NULL;
    if (r->bands_count && bands == NULL)
        return NOMEM(c);
    bool need_ratio_rows = r->bands_count == 0;
    for (unsigned k = 0; k < r->bands_count; k++) {
        const raw_band *b = &r->bands[k];
        char bp[PATH_MAX_LEN];
        snprintf(bp, sizeof bp, "%s.bands[%u]", p, k);
        bands[k].above = -1; /* absent: the band starts where the deductible ends */
        bands[k].up_to = MB_UNLIMITED;
        if (b->above && (rc = parse_money(c, bp, "above", b->above, false, &bands[k].above)))
            return rc;
        if (b->up_to && (rc = parse_money(c, bp, "up_to", b->up_to, true, &bands[k].up_to)))
            return rc;
        if (bands[k].up_to != MB_UNLIMITED && bands[k].up_to <= bands[k].above)
            return fail(c, MB_E_RULESET, bp, "up_to", "a band's up_to must be above its 'above'");
        if (k > 0 && bands[k].above < bands[k - 1].above)
            return fail(c, MB_E_RULESET, bp, "above", "bands must be in increasing order");
        bands[k].has_ratio = b->all || b->employee || b->in_service || b->retired || b->veteran ||
                             b->resident;
        if (bands[k].has_ratio &&
            (rc = person_values(c, bp, b->all, b->employee, b->in_service, b->retired,
                                b->veteran, b->resident, VALUE_RATIO, bands[k].ratio)))
            return rc;
        if (!bands[k].has_ratio)
            need_ratio_rows = true;
        bands[k].fund = -1;
        if (b->fund) {
            bands[k].fund = fund_index(rs, b->fund);
            if (bands[k].fund < 0)
                return fail(c, MB_E_RULESET, bp, "fund", "fund '%s' is not listed under funds",
                            b->fund);
        }
        if ((rc = sourced(c, bp, b->cite, b->assumption, l->cite, &bands[k].cite)))
            return rc;
        char step[32];
        snprintf(step, sizeof step, "bands[%u]", k);
        if ((bands[k].rule = rule_id(c, l->id, step)) == NULL)
            return NOMEM(c);
    }
    l->bands = bands;
    l->nbands = r->bands_count;
    if (need_ratio_rows && l->ratio_source == MB_RATIO_TABLE && l->ratio.n == 0)
        return fail(c, MB_E_SCHEMA, p, "ratio", "a layer needs ratio rows (or bands with ratios)");
    if (r->cap) {
        const raw_cap *cp = r->cap;
        char cpp[PATH_MAX_LEN];
        snprintf(cpp, sizeof cpp, "%s.cap", p);
        l->has_cap = true;
        l->cap.period = period_parse(cp->period);
        if (l->cap.period < 0)
            return fail(c, MB_E_SCHEMA, cpp, "period", "expected year or quarter, got '%s'",
                        cp->period);
        snprintf(key, sizeof key, "%s.paid", cp->key ? cp->key : r->id);
        if ((l->cap.key_name = dup(c, key)) == NULL)
            return NOMEM(c);
        l->cap.key = ns_key(rs, key);
        if ((rc = sourced(c, cpp, cp->cite, cp->assumption, l->cite, &l->cap.cite)))
            return rc;
        char vp[PATH_MAX_LEN];
        snprintf(vp, sizeof vp, "%s.values", cpp);
        if (cp->values_count == 0)
            return fail(c, MB_E_SCHEMA, cpp, "values", "a cap needs values");
        if ((rc = compile_rows(c, vp, cp->values, cp->values_count, VALUE_CAP, l->cap.cite,
                               &l->cap.rows)))
            return rc;
        /* a cap silently missing for some person would mean no cap at all: every person the
         * layer's schemes reach needs a value (`unlimited` says so explicitly) */
        static const char *const slot_names[MB_SLOT_COUNT] = {"in_service", "retired", "veteran",
                                                              "resident"};
        for (int slot = 0; slot < MB_SLOT_COUNT; slot++) {
            int scheme = slot == MB_SLOT_RESIDENT ? MB_SCHEME_RESIDENT : MB_SCHEME_EMPLOYEE;
            if (!((l->schemes >> scheme) & 1u))
                continue;
            bool given = false;
            for (uint32_t k = 0; k < l->cap.rows.n && !given; k++)
                given = l->cap.rows.row[k].v[slot] != MB_ABSENT;
            if (!given)
                return fail(c, MB_E_RULESET, cpp, "values",
                            "the cap gives no value for %s, whom the layer covers (write "
                            "'unlimited' if none applies)", slot_names[slot]);
        }
        if (cp->raise) {
            char rp[PATH_MAX_LEN];
            snprintf(rp, sizeof rp, "%s.raise", cpp);
            if ((rc = parse_int(c, rp, "min_diseases", cp->raise->min_diseases, 2, 100,
                                &l->cap.raise_min_diseases)) ||
                (rc = parse_money(c, rp, "amount", cp->raise->amount, false,
                                  &l->cap.raise_amount)) ||
                (rc = sourced(c, rp, cp->raise->cite, cp->raise->assumption, l->cap.cite,
                              &l->cap.raise_cite)))
                return rc;
        }
    }
    if ((rc = parse_bool(c, p, "disease_caps", r->disease_caps, &l->disease_caps)) ||
        (rc = parse_bool(c, p, "referral_penalty", r->referral_penalty, &l->referral_penalty)) ||
        (rc = parse_bool(c, p, "tilt", r->tilt, &l->tilt)))
        return rc;
    if (l->referral_penalty && c->raw->referral == NULL)
        return fail(c, MB_E_RULESET, p, "referral_penalty",
                    "referral_penalty needs the ruleset's referral block");
    if (l->tilt && c->raw->tilt == NULL)
        return fail(c, MB_E_RULESET, p, "tilt", "tilt needs the ruleset's tilt block");
    for (unsigned k = 0; k < i; k++)
        if (strcmp(rs->layers[k].id, l->id) == 0)
            return fail(c, MB_E_RULESET, p, "id", "layer id '%s' is used twice", l->id);
    return MB_OK;
}

/* Every step a settlement traces cites a clause (or an assumption and its reason): the items
 * step cites class_b_first_selfpay, the account steps the basic tier's `account`, the upstream
 * step the `upstream` of the tier that settles after it; layer steps cite their rows. */
static int compile_trace_sources(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_ruleset *rs = c->rs;
    if (raw->class_b_first_selfpay == NULL)
        return fail(c, MB_E_SCHEMA, "", "class_b_first_selfpay",
                    "every ruleset states the class B first self-pay it classifies items with, "
                    "for the trace to cite: class_b_first_selfpay: {value: 10%%, cite: … or "
                    "assumption: …}");
    if (raw->account == NULL && rs->tier == MB_TIER_BASIC)
        return fail(c, MB_E_SCHEMA, "", "account",
                    "a basic ruleset states how the personal account pays, for the trace to "
                    "cite: account: {value: first, last or none, cite: … or assumption: …}");
    if (raw->upstream == NULL && rs->tier != MB_TIER_BASIC)
        return fail(c, MB_E_SCHEMA, "", "upstream",
                    "a ruleset of tier %s settles what the tiers before it left and states the "
                    "clause that says so, for the trace to cite: upstream: {cite: … or "
                    "assumption: …}", raw->tier);
    if (raw->upstream == NULL)
        return MB_OK;
    if (rs->tier == MB_TIER_BASIC)
        return fail(c, MB_E_RULESET, "", "upstream",
                    "a basic ruleset settles first: no tier comes before it for 'upstream' to cite");
    return sourced(c, "upstream", raw->upstream->cite, raw->upstream->assumption, NULL,
                   &rs->upstream_cite);
}

/* The accumulator keys the layers and the catalogue read and write, each (name, period) once,
 * so that seeding or reading a key by name can refuse one the ruleset never uses. */
static bool add_acc_key(mb_acc_key *keys, uint32_t *n, const char *name, uint64_t key, int period,
                        int disease)
{
    if (name == NULL) /* its copy ran out of memory */
        return false;
    for (uint32_t i = 0; i < *n; i++)
        if (keys[i].key == key && keys[i].period == period)
            return true;
    keys[(*n)++] = (mb_acc_key){name, key, period, disease};
    return true;
}

static int compile_acc_keys(ctx_t *c)
{
    mb_ruleset *rs = c->rs;
    size_t most = (size_t)rs->nlayers * 3;
    for (uint32_t d = 0; d < rs->ndiseases; d++)
        most += rs->diseases[d].ncaps;
    mb_acc_key *keys = mb_arena_alloc(c->arena, (most + 1) * sizeof *keys);
    if (keys == NULL)
        return NOMEM(c);
    uint32_t n = 0;
    for (uint32_t i = 0; i < rs->nlayers; i++) {
        const mb_layer *l = &rs->layers[i];
        char paid[300];
        snprintf(paid, sizeof paid, "%s.paid", l->id);
        /* layer.c: the cap's accumulator is kept by the cap's period, the others by year */
        bool paid_is_cap = l->has_cap && l->cap.key == l->paid_key;
        if (!add_acc_key(keys, &n, l->base_key_name, l->base_key, MB_PERIOD_YEAR, -1) ||
            !add_acc_key(keys, &n, dup(c, paid), l->paid_key,
                         paid_is_cap ? l->cap.period : MB_PERIOD_YEAR, -1) ||
            (l->has_cap && !paid_is_cap &&
             !add_acc_key(keys, &n, l->cap.key_name, l->cap.key, l->cap.period, -1)))
            return NOMEM(c);
    }
    for (uint32_t d = 0; d < rs->ndiseases; d++)
        for (uint32_t k = 0; k < rs->diseases[d].ncaps; k++)
            if (!add_acc_key(keys, &n, rs->diseases[d].caps[k].key_name,
                             rs->diseases[d].caps[k].key, rs->diseases[d].cap_period, (int)d))
                return NOMEM(c);
    rs->acc_keys = keys;
    rs->nacc_keys = n;
    return MB_OK;
}

int mb_compile(mb_ruleset *rs, mb_arena *arena, const raw_ruleset *raw, const char *text,
               size_t len, const char *file, mb_error *err)
{
    ctx_t c = {.rs = rs, .arena = arena, .raw = raw, .text = text, .len = len, .file = file,
               .err = err};
    int rc = MB_OK;
    rs->id = dup(&c, raw->id);
    rs->title = dup(&c, raw->title);
    rs->document = dup(&c, raw->document);
    rs->source_name = dup(&c, file);
    if (!rs->id || !rs->title || !rs->document || !rs->source_name) {
        rc = NOMEM(&c);
        goto out;
    }
    if (strspn(raw->id, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(raw->id)) {
        rc = fail(&c, MB_E_SCHEMA, "", "id", "an id uses a-z, 0-9, '-' and '_' only, got '%s'",
                  raw->id);
        goto out;
    }
    rs->ns = mb_hash(rs->id);
    rs->activity_key = mb_hash_join(rs->id, "activity");
    rs->revoked_key = mb_hash_join(rs->id, "revoked");
    static const char *const tiers[] = {NULL, "basic", "critical_illness", "assistance"};
    rs->tier = 0;
    for (int t = 1; t <= 3; t++)
        if (strcmp(raw->tier, tiers[t]) == 0)
            rs->tier = t;
    if (rs->tier == 0) {
        rc = fail(&c, MB_E_SCHEMA, "", "tier",
                  "expected basic, critical_illness or assistance, got '%s'", raw->tier);
        goto out;
    }
    if ((rc = parse_date(&c, "", "effective_from", raw->effective_from, &rs->effective_from)))
        goto out;
    rs->effective_to = 29991231;
    if (raw->effective_to &&
        (rc = parse_date(&c, "", "effective_to", raw->effective_to, &rs->effective_to)))
        goto out;
    if (rs->effective_to < rs->effective_from) {
        rc = fail(&c, MB_E_RULESET, "", "effective_to", "effective_to is before effective_from");
        goto out;
    }
    rs->schemes = (1u << MB_SCHEME_EMPLOYEE) | (1u << MB_SCHEME_RESIDENT);
    if (raw->schemes_count &&
        (rc = scheme_bits(&c, "schemes", raw->schemes, raw->schemes_count, &rs->schemes)))
        goto out;
    rs->account = MB_ACCOUNT_LAST;
    rs->account_cite = "";
    if (raw->account) {
        const char *v = raw->account->value;
        if (strcmp(v, "first") == 0)
            rs->account = MB_ACCOUNT_FIRST;
        else if (strcmp(v, "last") == 0)
            rs->account = MB_ACCOUNT_LAST;
        else if (strcmp(v, "none") == 0)
            rs->account = MB_ACCOUNT_NONE;
        else {
            rc = fail(&c, MB_E_SCHEMA, "account", "value", "expected first, last or none, got '%s'", v);
            goto out;
        }
        if ((rc = sourced(&c, "account", raw->account->cite, raw->account->assumption, NULL,
                          &rs->account_cite)))
            goto out;
    }
    rs->class_b_cite = "";
    if (raw->class_b_first_selfpay) {
        const raw_param *p = raw->class_b_first_selfpay;
        if ((rc = parse_ratio(&c, "class_b_first_selfpay", "value", p->value, &rs->class_b_bp)) ||
            (rc = sourced(&c, "class_b_first_selfpay", p->cite, p->assumption, NULL,
                          &rs->class_b_cite)))
            goto out;
    }
    if (raw->designated_facility) {
        const raw_facility_rule *f = raw->designated_facility;
        int32_t from, to;
        char buf[16];
        snprintf(buf, sizeof buf, "2000-%s", f->change_from);
        if (mb_date_parse(buf, &from, NULL) != MB_OK) {
            rc = fail(&c, MB_E_SCHEMA, "designated_facility", "change_from",
                      "expected MM-DD, got '%s'", f->change_from);
            goto out;
        }
        snprintf(buf, sizeof buf, "2000-%s", f->change_to);
        if (mb_date_parse(buf, &to, NULL) != MB_OK || to < from) {
            rc = fail(&c, MB_E_SCHEMA, "designated_facility", "change_to",
                      "expected MM-DD on or after change_from, got '%s'", f->change_to);
            goto out;
        }
        rs->facility_change_from = from % 10000;
        rs->facility_change_to = to % 10000;
        if ((rc = sourced(&c, "designated_facility", f->cite, f->assumption, NULL, &rs->facility_cite)))
            goto out;
    }
    if (raw->family_account) {
        const raw_family *f = raw->family_account;
        static const char *const relations[] = {NULL, "spouse", "parent", "child"};
        for (unsigned i = 0; i < f->relations_count; i++) {
            int found = 0;
            for (int k = 1; k <= 3; k++)
                if (strcmp(f->relations[i], relations[k]) == 0)
                    found = k;
            if (found == 0) {
                char p[PATH_MAX_LEN];
                snprintf(p, sizeof p, "family_account.relations[%u]", i);
                rc = fail(&c, MB_E_SCHEMA, p, NULL, "expected spouse, parent or child, got '%s'",
                          f->relations[i]);
                goto out;
            }
            rs->family_relations |= 1u << found;
        }
        if ((rc = sourced(&c, "family_account", f->cite, f->assumption, NULL, &rs->family_cite)))
            goto out;
    }
    if ((rc = compile_rows(&c, "account_accrual", raw->account_accrual, raw->account_accrual_count,
                           VALUE_RATIO, NULL, &rs->accrual)))
        goto out;
    if ((rc = compile_funds(&c)) || (rc = compile_referral(&c)) ||
        (rc = compile_categories(&c)) || (rc = compile_catalogue(&c)))
        goto out;
    mb_layer *layers = mb_arena_alloc(arena, raw->layers_count * sizeof *layers);
    if (layers == NULL) {
        rc = NOMEM(&c);
        goto out;
    }
    rs->layers = layers;
    for (unsigned i = 0; i < raw->layers_count; i++) {
        rs->nlayers = i;
        if ((rc = compile_layer(&c, i, &layers[i])))
            goto out;
    }
    rs->nlayers = raw->layers_count;
    if ((rc = compile_trace_sources(&c)))
        goto out;
    if ((rc = compile_acc_keys(&c)))
        goto out;
    if ((rc = mb_compile_platform(&c, rs, raw->platform)))
        goto out;
    mb_assumption *a = mb_arena_alloc(arena, (c.nassumptions + 1) * sizeof *a);
    if (a == NULL) {
        rc = NOMEM(&c);
        goto out;
    }
    if (c.nassumptions)
        memcpy(a, c.assumptions, c.nassumptions * sizeof *a);
    rs->assumptions = a;
    rs->nassumptions = c.nassumptions;
out:
    mb_free(c.assumptions);
    return rc;
}

/* The compile helpers other stages of compilation use (compile.h). */
int mb_compile_fail(mb_compile_ctx *c, int status, const char *path, const char *key,
                    const char *fmt, ...)
{
    char msg[MB_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(c, status, path, key, "%s", msg);
}

int mb_compile_sourced(mb_compile_ctx *c, const char *path, const char *cite,
                       const char *assumption, const char **out)
{
    return sourced(c, path, cite, assumption, NULL, out);
}

mb_arena *mb_compile_arena(mb_compile_ctx *c) { return c->arena; }
