/*
 * Values and tables of rows: located failures, sources, the scalar parsers, keyword tables,
 * person columns and the selectors every table's rows are chosen by (select.h).
 */
#include "catalogue.h"
#include "compile_ctx.h"
#include "locate.h"

int mb_cfail(ctx_t *c, int status, const char *path, const char *key, const char *fmt, ...)
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

const char *mb_cdup(ctx_t *c, const char *s) { return s ? mb_arena_strdup(c->arena, s) : NULL; }

void mb_path(char *out, const char *path, const char *key)
{
    snprintf(out, PATH_MAX_LEN, "%s%s%s", path, *path ? "." : "", key);
}

void mb_path_index(char *out, const char *path, unsigned index)
{
    snprintf(out, PATH_MAX_LEN, "%s[%u]", path, index);
}

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
    const char *where = mb_cdup(c, path), *why = mb_cdup(c, reason);
    if (where == NULL || why == NULL)
        return NOMEM(c);
    c->assumptions[c->nassumptions++] = (mb_assumption){where, why};
    return MB_OK;
}

/* Whether a cite or an assumption is only blanks: it names no clause, gives no reason. */
static bool blank(const char *s) { return s[strspn(s, " \t\r\n")] == '\0'; }

int mb_sourced(ctx_t *c, const char *path, const char *cite, const char *assumption,
               const char *inherited, const char **out)
{
    /* `cite:` with nothing after it (or only a comment) reads as the empty string */
    if (cite != NULL && blank(cite))
        return mb_cfail(c, MB_E_SCHEMA, path, "cite",
                    "'cite' is empty: give the document and clause (or 'assumption': why)");
    if (assumption != NULL && blank(assumption))
        return mb_cfail(c, MB_E_SCHEMA, path, "assumption",
                    "'assumption' is empty: say why the value is assumed");
    int rc = note_assumption(c, path, assumption);
    if (rc)
        return rc;
    const char *s = cite ? cite : (assumption ? "assumption" : inherited);
    if (s == NULL)
        return mb_cfail(c, MB_E_SCHEMA, path, "cite",
                    "every parameter needs 'cite' (document and clause) or 'assumption' (why)");
    if (assumption != NULL) {
        /* the trace shows an assumption with its reason, so an auditor sees why; after the
         * clause, where the value reads one (the clause, then how it is read) */
        const char *sep = cite ? "；" : "";
        size_t n = (cite ? strlen(cite) : 0) + strlen(sep) + strlen("（假设）") + strlen(assumption) + 1;
        char *text = mb_arena_alloc(c->arena, n);
        if (text != NULL)
            snprintf(text, n, "%s%s（假设）%s", cite ? cite : "", sep, assumption);
        *out = text;
    } else if (cite != NULL) {
        *out = mb_cdup(c, cite);
    } else {
        *out = inherited;
    }
    return *out ? MB_OK : NOMEM(c);
}

const char *mb_rule_id(ctx_t *c, const char *layer, const char *step)
{
    size_t n = strlen(layer) + 1 + strlen(step) + 1;
    char *id = mb_arena_alloc(c->arena, n);
    if (id != NULL)
        snprintf(id, n, "%s.%s", layer, step);
    return id;
}

/* ---- keywords ------------------------------------------------------------------------------ */

bool mb_keyword_find(const mb_keyword *table, size_t n, const char *text, int *value)
{
    for (size_t i = 0; text != NULL && i < n; i++)
        if (strcmp(table[i].word, text) == 0) {
            *value = table[i].value;
            return true;
        }
    return false;
}

void mb_keyword_list(const mb_keyword *table, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && len < cap; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = snprintf(out + len, cap - len, "%s%s", sep, table[i].word);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

const char *mb_keyword_near(const mb_keyword *table, size_t n, const char *text)
{
    const char *near = NULL;
    int best = 3;
    for (size_t i = 0; i < n; i++) {
        int d = mb_edit_distance(text, table[i].word, 2);
        if (d < best) {
            best = d;
            near = table[i].word;
        }
    }
    return near;
}

int mb_parse_keyword(ctx_t *c, const char *path, const char *key, const char *text,
                     const mb_keyword *table, size_t n, int *out)
{
    if (mb_keyword_find(table, n, text, out))
        return MB_OK;
    char words[256];
    mb_keyword_list(table, n, words, sizeof words);
    const char *near = mb_keyword_near(table, n, text);
    if (near != NULL)
        return mb_cfail(c, MB_E_SCHEMA, path, key, "expected %s, got '%s' (did you mean '%s'?)",
                    words, text, near);
    return mb_cfail(c, MB_E_SCHEMA, path, key, "expected %s, got '%s'", words, text);
}

/* ---- scalars ------------------------------------------------------------------------------- */

int mb_parse_bool(ctx_t *c, const char *path, const char *key, const char *text, bool *out)
{
    static const mb_keyword words[] = {{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}};
    *out = false;
    if (text == NULL)
        return MB_OK;
    int v;
    if (!mb_keyword_find(KEYWORDS(words), text, &v))
        return mb_cfail(c, MB_E_SCHEMA, path, key, "expected true or false, got '%s'", text);
    *out = v;
    return MB_OK;
}

int mb_parse_money(ctx_t *c, const char *path, const char *key, const char *text,
                   bool unlimited_ok, int64_t *out)
{
    if (unlimited_ok && strcmp(text, "unlimited") == 0) {
        *out = MB_UNLIMITED;
        return MB_OK;
    }
    if (mb_amount_parse(text, out, NULL) != MB_OK)
        return mb_cfail(c, MB_E_SCHEMA, path, key,
                    "expected an amount in yuan, at most two decimals and at most 10^12, such "
                    "as 500 or 3500.00%s, got '%s'",
                    unlimited_ok ? " (or 'unlimited')" : "", text);
    return MB_OK;
}

int mb_parse_ratio(ctx_t *c, const char *path, const char *key, const char *text, int32_t *bp)
{
    if (mb_ratio_parse(text, bp, NULL) != MB_OK)
        return mb_cfail(c, MB_E_SCHEMA, path, key,
                    "expected a ratio from 0%% to 100%% with at most two decimals, such as 70%% "
                    "or 0.7, got '%s'", text);
    return MB_OK;
}

int mb_parse_int(ctx_t *c, const char *path, const char *key, const char *text, int lo, int hi,
                 int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < lo || v > hi)
        return mb_cfail(c, MB_E_SCHEMA, path, key, "expected a whole number from %d to %d, got '%s'",
                    lo, hi, text);
    *out = (int)v;
    return MB_OK;
}

int mb_parse_date(ctx_t *c, const char *path, const char *key, const char *text, int32_t *out)
{
    if (mb_date_parse(text, out, NULL) != MB_OK)
        return mb_cfail(c, MB_E_SCHEMA, path, key, "expected a calendar date YYYY-MM-DD, got '%s'",
                    text);
    return MB_OK;
}

/* A range of whole numbers "a-b", "a-", "-b" or "a", each in lo..hi; open ends are -1. */
static int parse_range(ctx_t *c, const char *path, const char *key, const char *text, int lo,
                       int hi, const char *what, int16_t *from, int16_t *to)
{
    const char *dash = strchr(text, '-');
    char a[16] = "", b[16] = "";
    size_t n = strlen(text);
    bool ok = n > 0 && n < 15 && strspn(text, "0123456789-") == n &&
              (dash == NULL || strchr(dash + 1, '-') == NULL) && strcmp(text, "-") != 0;
    if (ok) {
        size_t k = dash ? (size_t)(dash - text) : n;
        memcpy(a, text, k);
        if (dash)
            memcpy(b, dash + 1, n - k - 1);
        else
            memcpy(b, text, n);
    }
    long x = a[0] ? strtol(a, NULL, 10) : -1, y = b[0] ? strtol(b, NULL, 10) : -1;
    if (!ok || (a[0] && (x < lo || x > hi)) || (b[0] && (y < lo || y > hi)) ||
        (x >= 0 && y >= 0 && y < x))
        return mb_cfail(c, MB_E_SCHEMA, path, key,
                    "expected %s as \"a-b\", \"a-\", \"-b\" or \"a\" (whole numbers %d to %d, "
                    "a <= b), got '%s'", what, lo, hi, text);
    *from = (int16_t)x;
    *to = (int16_t)y;
    return MB_OK;
}

/* ---- person columns ------------------------------------------------------------------------ */

static int parse_value(ctx_t *c, const char *path, const char *key, const char *text,
                       enum value_kind kind, int64_t *out)
{
    if (kind == VALUE_RATIO) {
        int32_t bp;
        int rc = mb_parse_ratio(c, path, key, text, &bp);
        *out = bp;
        return rc;
    }
    return mb_parse_money(c, path, key, text, kind == VALUE_CAP, out);
}

bool mb_person_given(const raw_person *p)
{
    return p->value || p->all || p->employee || p->in_service || p->retired || p->veteran ||
           p->resident;
}

int mb_person_values(ctx_t *c, const char *path, const raw_person *p, enum value_kind kind,
                     int64_t v[MB_SLOT_COUNT])
{
    int64_t a = MB_ABSENT, e = MB_ABSENT;
    int rc;
    if (p->value && p->all)
        return mb_cfail(c, MB_E_SCHEMA, path, "value",
                    "'value' and 'all' say the same (every person): give one of them");
    const char *everyone = p->value ? p->value : p->all;
    if (everyone && (rc = parse_value(c, path, p->value ? "value" : "all", everyone, kind, &a)))
        return rc;
    if (p->employee && (rc = parse_value(c, path, "employee", p->employee, kind, &e)))
        return rc;
    if (e == MB_ABSENT)
        e = a;
    const char *texts[MB_SLOT_COUNT] = {p->in_service, p->retired, p->veteran, p->resident};
    const char *keys[MB_SLOT_COUNT] = {"in_service", "retired", "veteran", "resident"};
    for (int s = 0; s < MB_SLOT_COUNT; s++) {
        v[s] = s == MB_SLOT_RESIDENT ? a : e;
        if (texts[s] && (rc = parse_value(c, path, keys[s], texts[s], kind, &v[s])))
            return rc;
    }
    return MB_OK;
}

/* ---- selectors ----------------------------------------------------------------------------- */

const mb_keyword mb_facility_words[] = {
    {"any", MB_FAC_ANY},           {"first_visit", MB_FAC_FIRST_VISIT},
    {"primary", MB_FAC_PRIMARY},   {"secondary", MB_FAC_SECONDARY},
    {"tertiary", MB_FAC_TERTIARY}, {"pharmacy", MB_FAC_PHARMACY},
};
const size_t mb_nfacility_words = sizeof mb_facility_words / sizeof mb_facility_words[0];

static const mb_keyword area_words[] = {
    {"in_city", MB_AREA_IN_CITY},
    {"out_of_city", MB_AREA_OUT_OF_CITY},
    {"out_of_province", MB_AREA_OUT_OF_PROVINCE},
};

static const mb_keyword scheme_words[] = {
    {"employee", MB_SCHEME_EMPLOYEE},
    {"resident", MB_SCHEME_RESIDENT},
};

static const mb_keyword scope_words[] = {
    {"year", MB_SCOPE_YEAR},   {"year_first", MB_SCOPE_YEAR_FIRST},
    {"visit", MB_SCOPE_VISIT}, {"admission", MB_SCOPE_ADMISSION},
    {"day", MB_SCOPE_DAY},
};

/* The claim types a ruleset names: one, as a national med_type name or code, or
 * `any_inpatient`, every admission the national platform names (普通住院 21, 外伤住院 22,
 * 转外诊治住院 23, 急诊转住院 24; not 生育住院 52, which maternity insurance pays), for a
 * document that says 住院 and means them all. */
static int claim_type_bits(ctx_t *c, const char *path, const char *key, const char *text,
                           uint32_t *bits)
{
    if (strcmp(text, "any_inpatient") == 0) {
        *bits = mb_med_bit(MB_MED_INPATIENT) | mb_med_bit(MB_MED_TRAUMA_INPATIENT) |
                mb_med_bit(MB_MED_REFERRED_OUT_INPATIENT) | mb_med_bit(MB_MED_EMERGENCY_INPATIENT);
        return MB_OK;
    }
    int m = mb_med_type_parse(text);
    if (m < 0)
        return mb_cfail(c, MB_E_SCHEMA, path, key,
                    "unknown claim type '%s' (general_outpatient 11, emergency 13, chronic 14, "
                    "inpatient 21, trauma_inpatient 22, referred_out_inpatient 23, "
                    "emergency_inpatient 24, pharmacy 41, maternity_outpatient 51, "
                    "maternity_inpatient 52; any_inpatient: 21 to 24)", text);
    *bits = mb_med_bit(m);
    return MB_OK;
}

int mb_parse_claim_types(ctx_t *c, const char *path, char **names, unsigned n, uint32_t *bits)
{
    *bits = 0;
    for (unsigned i = 0; i < n; i++) {
        char p[PATH_MAX_LEN];
        uint32_t bit = 0;
        mb_path_index(p, path, i);
        int rc = claim_type_bits(c, p, NULL, names[i], &bit);
        if (rc != MB_OK)
            return rc;
        *bits |= bit;
    }
    return MB_OK;
}

/* The selector keys, in the order their MB_SEL_* bits are numbered. */
static const char *const selector_keys[] = {"from",    "facility",      "referred", "area",
                                            "scheme",  "group",         "category", "disease",
                                            "disease_group", "age",     "nth",      "claim_type",
                                            "treatment"};

static const char *selector_text(const raw_sel *r, int bit)
{
    const char *const texts[] = {r->from,     r->facility, r->referred,      r->area,
                                 r->scheme,   r->group,    r->category,      r->disease,
                                 r->disease_group, r->age, r->nth,          r->claim_type,
                                 r->treatment};
    return texts[bit];
}

/* What the selectors a table takes are, for the message refusing another. */
static void allowed_list(uint32_t allowed, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int b = 0; b < (int)(sizeof selector_keys / sizeof selector_keys[0]); b++)
        if ((allowed >> b) & 1u) {
            int w = snprintf(out + len, cap - len, "%s'%s'", len ? ", " : "", selector_keys[b]);
            if (w < 0 || (size_t)w >= cap - len)
                break;
            len += (size_t)w;
        }
}

int mb_compile_sel(ctx_t *c, const char *path, const raw_sel *r, uint32_t allowed,
                   const char *table, mb_sel *s)
{
    mb_ruleset *rs = c->rs;
    *s = (mb_sel){.referred = -1, .group = -1, .category = -1, .disease = -1, .age_lo = -1,
                  .age_hi = -1};
    for (int b = 0; b < (int)(sizeof selector_keys / sizeof selector_keys[0]); b++)
        if (selector_text(r, b) && !((allowed >> b) & 1u)) {
            char list[200];
            allowed_list(allowed, list, sizeof list);
            return mb_cfail(c, MB_E_SCHEMA, path, selector_keys[b],
                        "'%s' does not choose %s: they are chosen by %s%s", selector_keys[b],
                        table, list[0] ? list : "nothing", list[0] ? " (and person)" : "");
        }
    int rc, v;
    if (r->from && (rc = mb_parse_date(c, path, "from", r->from, &s->from)))
        return rc;
    if (r->facility) {
        if ((rc = mb_parse_keyword(c, path, "facility", r->facility,
                                   mb_facility_words, mb_nfacility_words, &v)))
            return rc;
        s->facility = (int8_t)v;
    }
    if (r->referred) {
        bool b;
        if ((rc = mb_parse_bool(c, path, "referred", r->referred, &b)))
            return rc;
        s->referred = b;
    }
    if (r->area) {
        if ((rc = mb_parse_keyword(c, path, "area", r->area, KEYWORDS(area_words), &v)))
            return rc;
        s->area = (int8_t)v;
    }
    if (r->scheme) {
        if ((rc = mb_parse_keyword(c, path, "scheme", r->scheme, KEYWORDS(scheme_words), &v)))
            return rc;
        s->scheme = (int8_t)v;
    }
    if (r->group) {
        int g = mb_group_index(rs, r->group);
        if (g < 0)
            return mb_cfail(c, MB_E_RULESET, path, "group",
                        "no person group '%s': declare it under groups, or name one of the "
                        "assistance categories (docs/ruleset-format.md, groups)", r->group);
        s->group = (int8_t)g;
    }
    if (r->category) {
        int k = -1;
        for (uint32_t i = 0; i < rs->nfacility_categories; i++)
            if (strcmp(rs->facility_categories[i], r->category) == 0)
                k = (int)i;
        if (k < 0)
            return mb_cfail(c, MB_E_RULESET, path, "category",
                        "no facility category '%s': declare it under facility_categories",
                        r->category);
        s->category = (int8_t)k;
    }
    if (r->disease) {
        int d = mb_catalogue_lookup(rs, mb_hash(r->disease));
        if (d < 0)
            return mb_cfail(c, MB_E_RULESET, path, "disease",
                        "'%s' is not in the catalogue (a code, a name or an alias)", r->disease);
        s->disease = (int16_t)d;
    }
    if (r->disease_group) {
        int g = mb_disease_group_index(rs, r->disease_group);
        if (g <= 0)
            return mb_cfail(c, MB_E_RULESET, path, "disease_group",
                        "no catalogue entry is in group '%s'", r->disease_group);
        s->disease_group = (int16_t)g;
    }
    if (r->age) {
        if ((rc = parse_range(c, path, "age", r->age, 0, 150, "an age band in completed years",
                              &s->age_lo, &s->age_hi)))
            return rc;
        rs->uses_age = true;
    }
    if (r->nth) {
        if ((rc = parse_range(c, path, "nth", r->nth, 1, 1000,
                              "which units of the year (2: the second, 3-: the third and later)",
                              &s->nth_lo, &s->nth_hi)))
            return rc;
        if (s->nth_lo < 0)
            s->nth_lo = 1;
        if (s->nth_hi < 0)
            s->nth_hi = 0;
    }
    if (r->claim_type &&
        (rc = claim_type_bits(c, path, "claim_type", r->claim_type, &s->claim_types)))
        return rc;
    if (r->treatment)
        s->treatment = mb_hash(r->treatment);
    int n = 0;
    bool beyond = false; /* a selector past facility and referral */
    for (int b = 1; b < (int)(sizeof selector_keys / sizeof selector_keys[0]); b++) {
        n += selector_text(r, b) != NULL;
        beyond |= b > 2 && selector_text(r, b) != NULL;
    }
    s->specificity = (uint8_t)n;
    s->depth = beyond ? MB_SEL_DEPTH_ALL : n ? MB_SEL_DEPTH_FACILITY : MB_SEL_DEPTH_DATE;
    return MB_OK;
}

uint32_t mb_sel_uses(const raw_sel *r)
{
    uint32_t u = 0;
    for (int b = 0; b < (int)(sizeof selector_keys / sizeof selector_keys[0]); b++)
        if (selector_text(r, b))
            u |= 1u << b;
    return u;
}

int mb_compile_rows(ctx_t *c, const char *path, const raw_values *raw, unsigned n,
                    enum value_kind kind, const char *inherited_cite, uint32_t allowed,
                    const char *table, mb_rows *out)
{
    mb_row *rows = n ? mb_arena_alloc(c->arena, n * sizeof *rows) : NULL;
    if (n && rows == NULL)
        return NOMEM(c);
    uint32_t uses = 0;
    out->first_visit = false;
    for (unsigned i = 0; i < n; i++) {
        char p[PATH_MAX_LEN];
        mb_path_index(p, path, i);
        const raw_values *r = &raw[i];
        mb_row *row = &rows[i];
        int rc;
        if ((rc = mb_compile_sel(c, p, &r->sel, allowed & ~ROWS_SCOPE, table, &row->sel)))
            return rc;
        uses |= mb_sel_uses(&r->sel);
        out->first_visit |= row->sel.facility == MB_FAC_FIRST_VISIT;
        if (r->scope) {
            if (!(allowed & ROWS_SCOPE))
                return mb_cfail(c, MB_E_SCHEMA, p, "scope",
                            "'scope' says how a deductible is charged: only deductible rows "
                            "take it");
            int v;
            if ((rc = mb_parse_keyword(c, p, "scope", r->scope, KEYWORDS(scope_words), &v)))
                return rc;
            row->scope = v;
        }
        if (!mb_person_given(&r->p))
            return mb_cfail(c, MB_E_SCHEMA, p, NULL,
                        "a row needs a value: value (or all), employee, in_service, retired, "
                        "veteran or resident");
        if ((rc = mb_person_values(c, p, &r->p, kind, row->v)))
            return rc;
        if ((rc = mb_sourced(c, p, r->cite, r->assumption, inherited_cite, &row->cite)))
            return rc;
        if ((row->path = mb_cdup(c, p)) == NULL)
            return NOMEM(c);
    }
    out->row = rows;
    out->n = n;
    out->uses = uses;
    mb_rows_by_person(out);
    return MB_OK;
}
