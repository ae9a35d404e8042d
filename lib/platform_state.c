/*
 * The platform's state: one JSON document, read at the start of a call and changed in place.
 *
 *   {"format": "medbenefit-platform-state", "version": 1,
 *    "next_mdtrt": 1, "next_setl": 1,
 *    "persons":     {psn_no:   {baseinfo, insuinfo, idetinfo, opsp, cuminfo, enrollee, …}},
 *    "visits":      {mdtrt_id: {psn_no, insutype, begntime, med_type, fees: […], …}},
 *    "settlements": {setl_id:  {infno, mdtrt_id, psn_no, setlinfo, setldetail, …}}}
 *
 * A person's enrollee (accumulators, account, certifications, journal) is the library's own
 * saved blob in base64, restored and validated by mb_enrollee_restore on every use. The text
 * is untrusted like any input: its shape is checked when it is opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

#define STATE_FORMAT "medbenefit-platform-state"

static const char *const tables[] = {"persons", "visits", "settlements"};
static const char *const sequences[][2] = {{"mdtrt", "next_mdtrt"}, {"setl", "next_setl"}};

static int corrupt(mb_call *c, const char *what)
{
    return mb_fail(c->err, MB_E_CORRUPT,
                   "the platform state is not one this library wrote (%s); restore it from a "
                   "copy, or start from an empty state",
                   what);
}

/* A counter: a plain integer from 1 to 10^11 (ids have 12 digits). */
static bool counter(const mb_json *v, long long *out)
{
    if (v == NULL || v->type != MB_JSON_NUMBER || v->len > 12 ||
        strspn(v->text, "0123456789") != v->len || v->text[0] == '0')
        return false;
    *out = atoll(v->text);
    return *out >= 1 && *out < 100000000000LL;
}

static bool is_array(const mb_json *v) { return v != NULL && v->type == MB_JSON_ARRAY; }

int mb_state_open(mb_call *c, const char *text, size_t len)
{
    mb_json_doc *d = &c->st;
    if (text == NULL || len == 0) {
        mb_json *root = mb_json_object(d);
        mb_json_set_string(d, root, "format", STATE_FORMAT);
        mb_json_set_number(d, root, "version", "1");
        mb_json_set_number(d, root, "next_mdtrt", "1");
        mb_json_set_number(d, root, "next_setl", "1");
        for (size_t i = 0; i < 3; i++)
            mb_json_set(d, root, tables[i], mb_json_object(d));
        d->root = root;
        return mb_json_failed(d) ? mb_fail(c->err, MB_E_NOMEM, "out of memory") : MB_OK;
    }
    if (len > MB_PLATFORM_STATE_MAX)
        return corrupt(c, "it is larger than 256 MiB");
    int rc = mb_json_parse(d, text, len, "the platform state", c->err);
    if (rc != MB_OK)
        return rc == MB_E_NOMEM ? rc : corrupt(c, mb_error_message(c->err));
    const mb_json *root = d->root, *f = mb_json_member(root, "format"),
                  *v = mb_json_member(root, "version");
    if (root->type != MB_JSON_OBJECT || f == NULL || f->type != MB_JSON_STRING ||
        strcmp(f->text, STATE_FORMAT) != 0)
        return corrupt(c, "its format is not " STATE_FORMAT);
    if (v == NULL || v->type != MB_JSON_NUMBER || strcmp(v->text, "1") != 0)
        return corrupt(c, "its version is not 1: it may come from a newer library");
    long long n;
    for (size_t i = 0; i < 2; i++)
        if (!counter(mb_json_member(root, sequences[i][1]), &n))
            return corrupt(c, "an id counter is not a number from 1 to 10^11");
    for (size_t i = 0; i < 3; i++) {
        const mb_json *t = mb_json_member(root, tables[i]);
        if (t == NULL || t->type != MB_JSON_OBJECT)
            return corrupt(c, "a table is missing");
        for (const mb_json *r = t->first; r; r = r->next)
            if (r->type != MB_JSON_OBJECT)
                return corrupt(c, "a record is not an object");
    }
    /* the lists the handlers walk and add to: a person's insurances, a visit's fee details and
     * settlements */
    for (const mb_json *r = mb_json_member(root, "persons")->first; r; r = r->next)
        if (!is_array(mb_json_member(r, "insuinfo")))
            return corrupt(c, "a person's insuinfo is not a list");
    for (const mb_json *r = mb_json_member(root, "visits")->first; r; r = r->next) {
        const mb_json *settled = mb_json_member(r, "settlements");
        if (!is_array(mb_json_member(r, "fees")) || (settled != NULL && !is_array(settled)))
            return corrupt(c, "a visit's fees or settlements are not a list");
    }
    return MB_OK;
}

mb_json *mb_state_table(mb_call *c, const char *name)
{
    return mb_json_member(c->st.root, name);
}

const char *mb_state_text(const mb_json *record, const char *key)
{
    const mb_json *v = mb_json_member(record, key);
    return v && (v->type == MB_JSON_STRING || v->type == MB_JSON_NUMBER) ? v->text : "";
}

int mb_state_next_id(mb_call *c, const char *sequence, char out[32])
{
    size_t s = strcmp(sequence, "mdtrt") == 0 ? 0 : 1;
    long long n;
    if (!counter(mb_json_member(c->st.root, sequences[s][1]), &n))
        return corrupt(c, "an id counter is not a number");
    if (n + 1 >= 100000000000LL)
        return mb_fail(c->err, MB_E_CAPACITY, "the state has issued every %s id it can",
                       sequence);
    /* twelve digits, as the platform's: 9… for visits, 8… for settlements */
    snprintf(out, 32, "%c%011lld", s == 0 ? '9' : '8', n);
    char next[24];
    snprintf(next, sizeof next, "%lld", n + 1);
    mb_json_set_number(&c->st, c->st.root, sequences[s][1], next);
    c->changed = true;
    return mb_json_failed(&c->st) ? mb_fail(c->err, MB_E_NOMEM, "out of memory") : MB_OK;
}

int mb_state_person(mb_call *c, const char *psn_no, const char *where, mb_json **out)
{
    *out = mb_json_member(mb_state_table(c, "persons"), psn_no);
    if (*out == NULL)
        return mb_fail(c->err, MB_E_NOT_FOUND,
                       "%s: psn_no %s is not known to this offline platform: record the "
                       "platform's 1101 answer for the person first (docs/platform.md)",
                       where, psn_no);
    return MB_OK;
}

int mb_state_visit(mb_call *c, const char *mdtrt_id, const char *where, mb_json **out)
{
    *out = mb_json_member(mb_state_table(c, "visits"), mdtrt_id);
    if (*out == NULL)
        return mb_fail(c->err, MB_E_NOT_FOUND,
                       "%s: mdtrt_id %s is not a visit of this offline platform: register the "
                       "visit with 2201 (outpatient) or 2401 (admission) and use the mdtrt_id "
                       "it answers",
                       where, mdtrt_id);
    return MB_OK;
}

/* ---- enrollee blobs in base64 -------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char ch)
{
    const char *p = ch ? strchr(b64, ch) : NULL;
    return p ? (int)(p - b64) : -1;
}

int mb_state_enrollee(mb_call *c, const mb_json *person, mb_enrollee **out)
{
    const mb_json *v = mb_json_member(person, "enrollee");
    if (v == NULL || v->type != MB_JSON_STRING || v->len % 4 != 0)
        return corrupt(c, "a person's enrollee is not base64");
    unsigned char *blob = mb_alloc(v->len / 4 * 3 + 1);
    if (blob == NULL)
        return mb_fail(c->err, MB_E_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < v->len; i += 4) {
        int q[4];
        for (int k = 0; k < 4; k++)
            q[k] = v->text[i + k] == '=' && i + 4 == v->len && k >= 2 ? 0 : b64_value(v->text[i + k]);
        if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[3] < 0) {
            mb_free(blob);
            return corrupt(c, "a person's enrollee is not base64");
        }
        uint32_t w = (uint32_t)q[0] << 18 | (uint32_t)q[1] << 12 | (uint32_t)q[2] << 6 | (uint32_t)q[3];
        blob[n++] = (unsigned char)(w >> 16);
        if (v->text[i + 2] != '=')
            blob[n++] = (unsigned char)(w >> 8);
        if (v->text[i + 3] != '=')
            blob[n++] = (unsigned char)w;
    }
    int rc = mb_enrollee_restore(out, blob, n, c->err);
    mb_free(blob);
    return rc;
}

int mb_state_keep_enrollee(mb_call *c, mb_json *person, const mb_enrollee *e)
{
    size_t len = 0;
    /* the size query "fails" with MB_E_BUFFER by design: that must not stay in the call's
     * report, where a later failure that says nothing of itself would be read as it */
    mb_error why;
    mb_error_clear(&why);
    int rc = mb_enrollee_save(e, NULL, 0, &len, &why);
    if (rc != MB_E_BUFFER && rc != MB_OK) {
        *c->err = why;
        return rc;
    }
    unsigned char *blob = mb_alloc(len ? len : 1);
    char *text = mb_alloc((len + 2) / 3 * 4 + 1);
    if (blob == NULL || text == NULL) {
        mb_free(blob);
        mb_free(text);
        return mb_fail(c->err, MB_E_NOMEM, "out of memory");
    }
    if ((rc = mb_enrollee_save(e, blob, len, &len, c->err)) == MB_OK) {
        size_t o = 0;
        for (size_t i = 0; i < len; i += 3) {
            uint32_t w = (uint32_t)blob[i] << 16 | (i + 1 < len ? (uint32_t)blob[i + 1] << 8 : 0) |
                         (i + 2 < len ? blob[i + 2] : 0);
            text[o++] = b64[w >> 18 & 63];
            text[o++] = b64[w >> 12 & 63];
            text[o++] = i + 1 < len ? b64[w >> 6 & 63] : '=';
            text[o++] = i + 2 < len ? b64[w & 63] : '=';
        }
        text[o] = '\0';
        mb_json_set_string(&c->st, person, "enrollee", text);
        c->changed = true;
        if (mb_json_failed(&c->st))
            rc = mb_fail(c->err, MB_E_NOMEM, "out of memory");
    }
    mb_free(blob);
    mb_free(text);
    return rc;
}

/* ---- the rulesets that hold a person's codes ---------------------------------------------- */

size_t mb_person_rulesets(const mb_call *c, const mb_json *person,
                          const mb_ruleset *out[MB_PLATFORM_RULESETS_MAX])
{
    const mb_platform *p = c->p;
    size_t n = 0;
    const char *admdvs = mb_state_text(person, "insuplc_admdvs");
    const char *insutype = mb_state_text(person, "insutype");
    for (size_t i = 0; i < p->nrulesets; i++)
        if (p->fixed_chain || (mb_platform_serves_region(p->rulesets[i], admdvs) &&
                               mb_platform_serves_insutype(p->rulesets[i], insutype)))
            out[n++] = p->rulesets[i];
    return n;
}
