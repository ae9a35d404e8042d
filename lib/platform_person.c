/*
 * What the platform knows of a person: 1101 (person and insurance), 5301 (chronic and special
 * disease registrations), 5206 (year-to-date accumulators).
 *
 * Offline there is no national database to ask, so the HIS records the platform's answers:
 * a request that carries `output` (the platform's answer to that same request, as the HIS
 * received it or keeps it) is recorded, turning into the person's enrollee through the
 * rulesets' declared mappings. A request without `output` is answered from what was recorded
 * and settled since: the balance in 1101, the accumulators in 5206.
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"

#define WHERE_DATA "input.data"

/* ---- 1101 ---------------------------------------------------------------------------------- */

/* The insuinfo row that makes the enrollee: the one whose insutype is a scheme (310, 390). */
static int scheme_row(mb_call *c, const mb_json *insuinfo, const mb_json **row, int *scheme)
{
    *row = NULL;
    size_t i = 0;
    for (const mb_json *r = insuinfo->first; r; r = r->next, i++) {
        char where[48];
        snprintf(where, sizeof where, "output.insuinfo[%zu]", i);
        if (r->type != MB_JSON_OBJECT)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s must be an object", where);
        const char *insutype;
        int rc = mb_field_text(c, r, where, "insutype", true, 6, &insutype);
        if (rc != MB_OK)
            return rc;
        int s = mb_scheme_parse(insutype);
        if (s < 0)
            continue; /* 330, 510 …: funds and schemes the basic row's settlement reaches */
        if (*row != NULL)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                           "output.insuinfo lists two basic insurances (%s and %s): the library "
                           "settles a person under one",
                           mb_state_text(*row, "insutype"), insutype);
        *row = r;
        *scheme = s;
    }
    if (*row == NULL)
        return mb_fail(c->err, MB_E_UNKNOWN_CODE,
                       "output.insuinfo has no row of insutype 310 (职工基本医疗保险) or 390 "
                       "(城乡居民基本医疗保险): the library settles these two");
    return MB_OK;
}

/* psn_type: the national code's first two digits are its class (1101 is 11 在职). */
static int person_type(mb_call *c, const char *where, const char *psn_type, int *out)
{
    char head[3] = {0};
    if (psn_type == NULL || strlen(psn_type) < 2 || strspn(psn_type, "0123456789") != strlen(psn_type))
        return mb_fail(c->err, MB_E_UNKNOWN_CODE, "%s.psn_type '%s' is not a psn_type code",
                       where, psn_type ? psn_type : "");
    memcpy(head, psn_type, 2);
    *out = mb_person_type_parse(head);
    if (*out < 0)
        return mb_fail(c->err, MB_E_UNKNOWN_CODE,
                       "%s.psn_type %s is of class %s, which the library does not settle "
                       "(11 在职, 12 退休, 14-16 居民; 13 离休 is settled under insutype 340)",
                       where, psn_type, head);
    return MB_OK;
}

/* The answer to a 1101: what was recorded, with the balance as settlements left it. */
static void answer_1101(mb_call *c, const mb_json *person, const mb_enrollee *e)
{
    mb_json_doc *d = &c->out;
    mb_json_set(d, c->output, "baseinfo", mb_json_copy(d, mb_json_member(person, "baseinfo")));
    mb_json *insuinfo = mb_json_set(d, c->output, "insuinfo",
                                    mb_json_copy(d, mb_json_member(person, "insuinfo")));
    for (mb_json *r = insuinfo ? insuinfo->first : NULL; r; r = r->next)
        if (strcmp(mb_state_text(r, "insutype"), mb_state_text(person, "insutype")) == 0)
            mb_json_set_fen(d, r, "balc", mb_enrollee_account_balance(e));
    mb_json_set(d, c->output, "idetinfo", mb_json_copy(d, mb_json_member(person, "idetinfo")));
}

static int record_1101(mb_call *c, mb_json **person_out, mb_enrollee **e_out)
{
    const mb_json *out = c->recorded, *base, *insuinfo, *idetinfo;
    int rc;
    const char *psn_no, *psn_type, *admdvs;
    if ((rc = mb_field_node(c, out, "output", "baseinfo", MB_JSON_OBJECT, true, &base)) ||
        (rc = mb_field_node(c, out, "output", "insuinfo", MB_JSON_ARRAY, true, &insuinfo)) ||
        (rc = mb_field_node(c, out, "output", "idetinfo", MB_JSON_ARRAY, false, &idetinfo)) ||
        (rc = mb_field_text(c, base, "output.baseinfo", "psn_no", true, 30, &psn_no)))
        return rc;
    const mb_json *row;
    int scheme = 0, ptype = 0;
    if ((rc = scheme_row(c, insuinfo, &row, &scheme)))
        return rc;
    int64_t balc;
    if ((rc = mb_field_text(c, row, "output.insuinfo", "psn_type", true, 6, &psn_type)) ||
        (rc = person_type(c, "output.insuinfo", psn_type, &ptype)) ||
        (rc = mb_field_text(c, row, "output.insuinfo", "insuplc_admdvs", false, 6, &admdvs)) ||
        (rc = mb_field_amount(c, row, "output.insuinfo", "balc", false, &balc, NULL)))
        return rc;
    if (admdvs == NULL)
        admdvs = c->insuplc_admdvs;
    if ((scheme == MB_SCHEME_RESIDENT) != (ptype == MB_PERSON_RESIDENT))
        return mb_fail(c->err, MB_E_UNKNOWN_CODE,
                       "output.insuinfo: psn_type %s does not belong to insutype %s", psn_type,
                       scheme == MB_SCHEME_EMPLOYEE ? "310" : "390");
    if (scheme == MB_SCHEME_RESIDENT && balc != 0)
        return mb_fail(c->err, MB_E_INVALID_AMOUNT,
                       "output.insuinfo: a resident (insutype 390) with balc %lld fen: the "
                       "library keeps personal accounts for employees only",
                       (long long)balc);
    /* the person's record: what the platform said, and what the library makes of it */
    mb_json_doc *s = &c->st;
    mb_json *persons = mb_state_table(c, "persons");
    mb_json *person = mb_json_member(persons, psn_no);
    mb_enrollee *e = NULL;
    if (person != NULL) {
        if ((rc = mb_state_enrollee(c, person, &e)))
            return rc;
        if (e->scheme != scheme) {
            rc = mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                         "psn_no %s is recorded under insutype %s; the answer says %s: a "
                         "person changing scheme starts a new record (another psn_no)",
                         psn_no, e->scheme == MB_SCHEME_EMPLOYEE ? "310" : "390",
                         scheme == MB_SCHEME_EMPLOYEE ? "310" : "390");
            mb_enrollee_free(e); /* after the message, which reads its scheme */
            return rc;
        }
        e->person_type = ptype; /* retirement changes the person type, not the person */
        e->nidentities = 0;     /* 1101 lists every identity held: it replaces them */
    } else {
        if ((rc = mb_enrollee_new(&e, psn_no, scheme, ptype, c->err)))
            return rc;
        person = mb_json_set(s, persons, psn_no, mb_json_object(s));
    }
    if ((rc = mb_enrollee_set_account_balance(e, balc, c->err)))
        goto fail;
    mb_json_set_string(s, person, "insuplc_admdvs", admdvs ? admdvs : "");
    mb_json_set_string(s, person, "insutype", scheme == MB_SCHEME_EMPLOYEE ? "310" : "390");
    mb_json_set_string(s, person, "psn_type", psn_type);
    /* identities: each psn_idet_type through the rulesets that hold the person's codes */
    const mb_ruleset *rs[MB_PLATFORM_RULESETS_MAX];
    size_t nrs = mb_person_rulesets(c, person, rs);
    size_t i = 0;
    for (const mb_json *r = idetinfo ? idetinfo->first : NULL; r; r = r->next, i++) {
        char where[48];
        snprintf(where, sizeof where, "output.idetinfo[%zu]", i);
        const char *code;
        int32_t from, to;
        if (r->type != MB_JSON_OBJECT) {
            rc = mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s must be an object", where);
            goto fail;
        }
        if ((rc = mb_field_text(c, r, where, "psn_idet_type", true, 6, &code)) ||
            (rc = mb_field_date(c, r, where, "begntime", true, &from)) ||
            (rc = mb_field_date(c, r, where, "endtime", false, &to)))
            goto fail;
        int category = -1;
        const mb_ruleset *by = NULL;
        for (size_t k = 0; k < nrs; k++) {
            int cat = mb_platform_category(rs[k], code);
            if (cat >= 0 && category >= 0 && cat != category) {
                rc = mb_fail(c->err, MB_E_RULESET,
                             "%s: psn_idet_type %s is %s in %s but %s in %s", where, code,
                             mb_category_name(category), mb_ruleset_id(by),
                             mb_category_name(cat), mb_ruleset_id(rs[k]));
                goto fail;
            }
            if (cat >= 0) {
                category = cat;
                by = rs[k];
            }
        }
        if (category < 0) {
            /* a code a ruleset's declared group lists (groups: psn_idet_type): a named
             * identity, which that ruleset's groups match */
            const mb_ruleset *knows = NULL;
            for (size_t k = 0; k < nrs && knows == NULL; k++)
                if (mb_ruleset_knows_identity(rs[k], mb_hash(code)))
                    knows = rs[k];
            if (knows != NULL) {
                if ((rc = mb_enrollee_add_identity(e, knows, code, from, to, c->err)))
                    goto fail;
                continue;
            }
            mb_call_warn(c, "idetinfo psn_idet_type %s is no assistance identity in these "
                            "rulesets and was passed over", code);
            continue;
        }
        if ((rc = mb_enrollee_add_assistance(e, mb_category_name(category), from, to, c->err)))
            goto fail;
    }
    mb_json_set(s, person, "baseinfo", mb_json_copy(s, base));
    mb_json_set(s, person, "insuinfo", mb_json_copy(s, insuinfo));
    mb_json_set(s, person, "idetinfo", idetinfo ? mb_json_copy(s, idetinfo) : mb_json_array(s));
    if ((rc = mb_state_keep_enrollee(c, person, e)))
        goto fail;
    *person_out = person;
    *e_out = e;
    return MB_OK;
fail:
    mb_enrollee_free(e);
    return rc;
}

/* The person a 1101 asks for: by certno, by the ID card number it was read from, or psn_no. */
static int find_person(mb_call *c, const mb_json *data, mb_json **out)
{
    const char *certno, *cert_type, *cert_no, *psn_no;
    int rc;
    if ((rc = mb_field_text(c, data, WHERE_DATA, "certno", false, 50, &certno)) ||
        (rc = mb_field_text(c, data, WHERE_DATA, "mdtrt_cert_type", false, 3, &cert_type)) ||
        (rc = mb_field_text(c, data, WHERE_DATA, "mdtrt_cert_no", false, 50, &cert_no)) ||
        (rc = mb_field_text(c, data, WHERE_DATA, "psn_no", false, 30, &psn_no)))
        return rc;
    const char *id = certno ? certno : cert_type && strcmp(cert_type, "02") == 0 ? cert_no : NULL;
    for (mb_json *p = mb_state_table(c, "persons")->first; p; p = p->next) {
        const mb_json *base = mb_json_member(p, "baseinfo");
        if ((psn_no && strcmp(p->key, psn_no) == 0) ||
            (id && strcmp(mb_state_text(base, "certno"), id) == 0)) {
            *out = p;
            return MB_OK;
        }
    }
    return mb_fail(c->err, MB_E_NOT_FOUND,
                   "1101: no person with %s %s is recorded on this offline platform: record the "
                   "platform's answer by sending this request with its \"output\" "
                   "(docs/platform.md)",
                   psn_no ? "psn_no" : "certno", psn_no ? psn_no : id ? id : "(none given)");
}

int mb_msg_1101(mb_call *c)
{
    const mb_json *data;
    int rc = mb_field_node(c, c->input, "input", "data", MB_JSON_OBJECT, true, &data);
    if (rc != MB_OK)
        return rc;
    mb_json *person = NULL;
    mb_enrollee *e = NULL;
    if (c->recorded)
        rc = record_1101(c, &person, &e);
    else if ((rc = find_person(c, data, &person)) == MB_OK)
        rc = mb_state_enrollee(c, person, &e);
    if (rc == MB_OK)
        answer_1101(c, person, e);
    mb_enrollee_free(e);
    return rc;
}

/* ---- 5301 ---------------------------------------------------------------------------------- */

static bool in_some_catalogue(const mb_ruleset *const *rs, size_t n, const char *code)
{
    size_t index;
    for (size_t k = 0; k < n; k++)
        if (mb_ruleset_find_disease(rs[k], code, &index, NULL) == MB_OK)
            return true;
    return false;
}

static int record_5301(mb_call *c, mb_json *person, mb_enrollee *e)
{
    const mb_json *rows;
    int rc = mb_field_node(c, c->recorded, "output", "feedetail", MB_JSON_ARRAY, true, &rows);
    if (rc != MB_OK)
        return rc;
    const mb_ruleset *rs[MB_PLATFORM_RULESETS_MAX];
    size_t nrs = mb_person_rulesets(c, person, rs);
    e->ndiseases = 0; /* 5301 lists every registration: it replaces them */
    e->certs_gen++;
    const char *designated = NULL;
    size_t i = 0;
    for (const mb_json *r = rows->first; r; r = r->next, i++) {
        char where[48];
        snprintf(where, sizeof where, "output.feedetail[%zu]", i);
        if (r->type != MB_JSON_OBJECT)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s must be an object", where);
        const char *code, *facility;
        int32_t from, to;
        if ((rc = mb_field_text(c, r, where, "opsp_dise_code", true, 30, &code)) ||
            (rc = mb_field_date(c, r, where, "begndate", true, &from)) ||
            (rc = mb_field_date(c, r, where, "enddate", false, &to)) ||
            (rc = mb_field_text(c, r, where, "fixmedins_code", false, MB_ID_MAX - 1, &facility)))
            return rc;
        if (facility && designated && strcmp(facility, designated) != 0)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                           "%s.fixmedins_code %s: another registration names %s, and a person "
                           "has one designated institution",
                           where, facility, designated);
        if (facility)
            designated = facility;
        if (!in_some_catalogue(rs, nrs, code))
            mb_call_warn(c, "opsp_dise_code %s is in no catalogue of the person's rulesets: it "
                            "is kept, and settles as no certified disease", code);
        if ((rc = mb_enrollee_add_disease(e, code, from, to, c->err)))
            return mb_fail(c->err, rc, "%s: %s", where, mb_error_message(c->err));
    }
    if (designated && (rc = mb_enrollee_set_designated_facility(e, designated, c->err)))
        return rc;
    mb_json_set(&c->st, person, "opsp", mb_json_copy(&c->st, rows));
    return mb_state_keep_enrollee(c, person, e);
}

/* The part of a query about one person (5301, 5206) that every such message shares: its
 * input.data, the person it names by psn_no, and that person's enrollee. */
static int person_query(mb_call *c, const char *infno, const mb_json **data, mb_json **person,
                        mb_enrollee **e)
{
    const char *psn_no;
    int rc;
    if ((rc = mb_field_node(c, c->input, "input", "data", MB_JSON_OBJECT, true, data)) ||
        (rc = mb_field_text(c, *data, WHERE_DATA, "psn_no", true, 30, &psn_no)) ||
        (rc = mb_state_person(c, psn_no, infno, person)))
        return rc;
    return mb_state_enrollee(c, *person, e);
}

int mb_msg_5301(mb_call *c)
{
    const mb_json *data;
    mb_json *person;
    mb_enrollee *e = NULL;
    int rc = person_query(c, "5301", &data, &person, &e);
    if (rc != MB_OK)
        return rc;
    if (c->recorded)
        rc = record_5301(c, person, e);
    if (rc == MB_OK) {
        const mb_json *opsp = mb_json_member(person, "opsp");
        mb_json_set(&c->out, c->output, "feedetail",
                    opsp ? mb_json_copy(&c->out, opsp) : mb_json_array(&c->out));
    }
    mb_enrollee_free(e);
    return rc;
}

/* ---- 5206 ---------------------------------------------------------------------------------- */

typedef struct seed {
    const mb_ruleset *rs;
    const char *key;
    int32_t period;
    int64_t fen;
} seed;

/* The period a cuminfo row counts for a key kept by `kind`. */
static int row_period(mb_call *c, const char *where, const mb_json *r, int kind, int32_t *out)
{
    const char *year, *ym;
    int rc;
    if ((rc = mb_field_text(c, r, where, "year", false, 4, &year)) ||
        (rc = mb_field_text(c, r, where, "cum_ym", false, 6, &ym)))
        return rc;
    if (ym && (strlen(ym) != 6 || strspn(ym, "0123456789") != 6 || ym[4] > '1' ||
               (ym[4] == '1' && ym[5] > '2') || (ym[4] == '0' && ym[5] == '0')))
        return mb_fail(c->err, MB_E_INVALID_DATE, "%s.cum_ym '%s' is not yyyyMM", where, ym);
    if (year && (strlen(year) != 4 || strspn(year, "0123456789") != 4))
        return mb_fail(c->err, MB_E_INVALID_DATE, "%s.year '%s' is not yyyy", where, year);
    if (year && ym && strncmp(year, ym, 4) != 0)
        return mb_fail(c->err, MB_E_INVALID_DATE, "%s: year %s and cum_ym %s disagree", where,
                       year, ym);
    if (!year && !ym)
        return mb_fail(c->err, MB_E_INVALID_DATE, "%s: year or cum_ym is required", where);
    int y = 0;
    for (int k = 0; k < 4; k++)
        y = y * 10 + ((year ? year : ym)[k] - '0');
    if (kind == MB_PERIOD_QUARTER) {
        if (!ym)
            return mb_fail(c->err, MB_E_INVALID_DATE,
                           "%s: cum_ym is required, its accumulator is kept by quarter", where);
        int month = (ym[4] - '0') * 10 + (ym[5] - '0');
        *out = y * 10 + (month - 1) / 3 + 1;
    } else {
        *out = y;
    }
    return MB_OK;
}

static bool in_force_in(const mb_ruleset *rs, int32_t period)
{
    int year = period > 9999 ? period / 10 : period;
    return rs->effective_from <= year * 10000 + 1231 && rs->effective_to >= year * 10000 + 101;
}

static int record_5206(mb_call *c, mb_json *person, mb_enrollee *e)
{
    const mb_json *rows;
    int rc = mb_field_node(c, c->recorded, "output", "cuminfo", MB_JSON_ARRAY, true, &rows);
    if (rc != MB_OK)
        return rc;
    const mb_ruleset *rs[MB_PLATFORM_RULESETS_MAX];
    size_t nrs = mb_person_rulesets(c, person, rs);
    seed *seeds = mb_calloc(rows->count * nrs + 1, sizeof *seeds);
    if (seeds == NULL)
        return mb_fail(c->err, MB_E_NOMEM, "out of memory");
    size_t nseeds = 0, i = 0;
    for (const mb_json *r = rows->first; r; r = r->next, i++) {
        char where[48];
        snprintf(where, sizeof where, "output.cuminfo[%zu]", i);
        const char *code, *insutype;
        int64_t fen;
        if (r->type != MB_JSON_OBJECT) {
            rc = mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s must be an object", where);
            goto out;
        }
        if ((rc = mb_field_text(c, r, where, "cum_type_code", true, 64, &code)) ||
            (rc = mb_field_text(c, r, where, "insutype", true, 6, &insutype)) ||
            (rc = mb_field_amount(c, r, where, "cum", true, &fen, NULL)))
            goto out;
        bool used = false;
        for (size_t k = 0; k < nrs; k++) {
            const mb_code_acc *m = mb_platform_accumulator(rs[k], code);
            if (m == NULL || !mb_platform_serves_insutype(rs[k], insutype) ||
                (m->insutype && strcmp(m->insutype, insutype) != 0))
                continue;
            int32_t period;
            if ((rc = row_period(c, where, r, m->period, &period)))
                goto out;
            if (!in_force_in(rs[k], period))
                continue;
            used = true;
            size_t s = 0;
            while (s < nseeds && !(seeds[s].rs == rs[k] && strcmp(seeds[s].key, m->key) == 0 &&
                                   seeds[s].period == period))
                s++;
            if (s == nseeds)
                seeds[nseeds++] = (seed){rs[k], m->key, period, 0};
            /* several codes that seed one key add up (docs/ruleset-format.md) */
            if (!mb_add_checked(seeds[s].fen, fen, &seeds[s].fen)) {
                rc = mb_fail(c->err, MB_E_OVERFLOW, "%s: the figures for %s add up past 10^12 yuan",
                             where, m->key);
                goto out;
            }
        }
        if (!used)
            mb_call_warn(c, "cuminfo %s (insutype %s) seeds no accumulator of these rulesets",
                         code, insutype);
    }
    for (size_t s = 0; s < nseeds; s++)
        if ((rc = mb_enrollee_seed_checked(e, seeds[s].rs, seeds[s].key, seeds[s].period,
                                           seeds[s].fen, c->err)))
            goto out;
    mb_json_set(&c->st, person, "cuminfo", mb_json_copy(&c->st, rows));
    rc = mb_state_keep_enrollee(c, person, e);
out:
    mb_free(seeds);
    return rc;
}

/* The answer to a 5206 asked offline: each mapped figure as the library keeps it now. */
static int answer_5206(mb_call *c, const mb_json *data, const mb_json *person, mb_enrollee *e)
{
    const char *ym;
    int rc = mb_field_text(c, data, WHERE_DATA, "cum_ym", false, 6, &ym);
    if (rc != MB_OK)
        return rc;
    char ymbuf[8];
    if (ym == NULL) {
        snprintf(ymbuf, sizeof ymbuf, "%06d", c->date / 100);
        ym = ymbuf;
    }
    mb_json row = {.type = MB_JSON_OBJECT};
    mb_json ymnode = {.type = MB_JSON_STRING, .text = ym, .len = strlen(ym), .key = "cum_ym"};
    row.first = row.last = &ymnode;
    row.count = 1;
    mb_json_doc *d = &c->out;
    mb_json *rows = mb_json_set(d, c->output, "cuminfo", mb_json_array(d));
    const mb_ruleset *rs[MB_PLATFORM_RULESETS_MAX];
    size_t nrs = mb_person_rulesets(c, person, rs);
    const char *insutype = mb_state_text(person, "insutype");
    for (size_t k = 0; k < nrs; k++) {
        const mb_platform_rules *pr = rs[k]->platform;
        if (!mb_platform_serves_insutype(rs[k], insutype))
            continue;
        for (uint32_t m = 0; m < pr->ncum; m++) {
            if (pr->cum[m].insutype && strcmp(pr->cum[m].insutype, insutype) != 0)
                continue;
            bool shared = false;
            for (uint32_t o = 0; o < pr->ncum; o++)
                shared |= o != m && strcmp(pr->cum[o].key, pr->cum[m].key) == 0 &&
                          (!pr->cum[o].insutype || strcmp(pr->cum[o].insutype, insutype) == 0);
            if (shared) /* one key several codes add into cannot be split back */
                continue;
            int32_t period;
            int64_t fen;
            if ((rc = row_period(c, WHERE_DATA, &row, pr->cum[m].period, &period)))
                return rc;
            if (!in_force_in(rs[k], period))
                continue;
            if ((rc = mb_enrollee_accumulator_checked(e, rs[k], pr->cum[m].key, period, &fen,
                                                      c->err)))
                return rc;
            mb_json *r = mb_json_append(d, rows, mb_json_object(d));
            char year[8];
            snprintf(year, sizeof year, "%.4s", ym);
            mb_json_set_string(d, r, "insutype", insutype);
            mb_json_set_string(d, r, "year", year);
            mb_json_set_string(d, r, "cum_ym", ym);
            mb_json_set_string(d, r, "cum_type_code", pr->cum[m].code);
            mb_json_set_fen(d, r, "cum", fen);
        }
    }
    return MB_OK;
}

int mb_msg_5206(mb_call *c)
{
    const mb_json *data;
    mb_json *person;
    mb_enrollee *e = NULL;
    int rc = person_query(c, "5206", &data, &person, &e);
    if (rc != MB_OK)
        return rc;
    if (c->recorded) {
        if ((rc = record_5206(c, person, e)) == MB_OK)
            mb_json_set(&c->out, c->output, "cuminfo",
                        mb_json_copy(&c->out, mb_json_member(person, "cuminfo")));
    } else {
        rc = answer_5206(c, data, person, e);
    }
    mb_enrollee_free(e);
    return rc;
}
