/*
 * Compiling a ruleset's `platform` block, and the lookups the adapter makes in it. Every code
 * is checked at load: digits of the platform's widths, a med type, category or accumulator key
 * the library knows, each once, each with its cite or assumption.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "compile.h"
#include "platform_rules.h"

#define P_MAX 160

static bool digits(const char *s, size_t lo, size_t hi)
{
    size_t n = strlen(s);
    return n >= lo && n <= hi && strspn(s, "0123456789") == n;
}

static int compile_codes(mb_compile_ctx *c, const char *path, const raw_codes *raw,
                         size_t lo, size_t hi, const char *what, const char *const **out,
                         uint32_t *n)
{
    mb_arena *a = mb_compile_arena(c);
    const char **codes = mb_arena_alloc(a, (raw->codes_count + 1) * sizeof *codes);
    if (codes == NULL)
        return mb_compile_fail(c, MB_E_NOMEM, path, NULL, "out of memory");
    for (unsigned i = 0; i < raw->codes_count; i++) {
        char p[P_MAX];
        snprintf(p, sizeof p, "%s.codes[%u]", path, i);
        if (!digits(raw->codes[i], lo, hi))
            return mb_compile_fail(c, MB_E_SCHEMA, p, NULL, "expected %s, got '%s'", what,
                                   raw->codes[i]);
        for (unsigned k = 0; k < i; k++)
            if (strcmp(raw->codes[k], raw->codes[i]) == 0)
                return mb_compile_fail(c, MB_E_RULESET, p, NULL, "'%s' is listed twice",
                                       raw->codes[i]);
        if ((codes[i] = mb_arena_strdup(a, raw->codes[i])) == NULL)
            return mb_compile_fail(c, MB_E_NOMEM, path, NULL, "out of memory");
    }
    const char *cite;
    int rc = mb_compile_sourced(c, path, raw->cite, raw->assumption, &cite);
    if (rc)
        return rc;
    *out = codes;
    *n = raw->codes_count;
    return MB_OK;
}

/* The national core codes of the library's med types (docs/platform.md). */
static const struct {
    const char *code;
    int med_type;
} core_med[] = {{"11", MB_MED_GENERAL_OUTPATIENT},    {"13", MB_MED_EMERGENCY},
                {"14", MB_MED_CHRONIC},               {"21", MB_MED_INPATIENT},
                {"22", MB_MED_TRAUMA_INPATIENT},      {"23", MB_MED_REFERRED_OUT_INPATIENT},
                {"24", MB_MED_EMERGENCY_INPATIENT},   {"41", MB_MED_PHARMACY},
                {"51", MB_MED_MATERNITY_OUTPATIENT},  {"52", MB_MED_MATERNITY_INPATIENT}};

/* Without a `med_type` table, the core code of every med type a layer settles. */
static int default_med(mb_compile_ctx *c, const mb_ruleset *rs, mb_platform_rules *pr)
{
    mb_code_med *rows = mb_arena_alloc(mb_compile_arena(c), sizeof core_med / sizeof core_med[0]
                                                                * sizeof *rows);
    if (rows == NULL)
        return mb_compile_fail(c, MB_E_NOMEM, "platform", NULL, "out of memory");
    for (size_t i = 0; i < sizeof core_med / sizeof core_med[0]; i++) {
        uint32_t bit = 1u << (core_med[i].med_type % 32);
        bool settled = false;
        for (uint32_t l = 0; l < rs->nlayers; l++)
            settled |= (rs->layers[l].med_types & bit) != 0;
        if (settled)
            rows[pr->nmed++] = (mb_code_med){core_med[i].code, core_med[i].med_type};
    }
    pr->med = rows;
    return MB_OK;
}

static int compile_rows(mb_compile_ctx *c, mb_ruleset *rs, const char *table,
                        const raw_code_row *raw, unsigned n, mb_platform_rules *pr)
{
    mb_arena *a = mb_compile_arena(c);
    mb_code_med *med = NULL;
    mb_code_category *idet = NULL;
    mb_code_acc *cum = NULL;
    bool is_med = strcmp(table, "med_type") == 0, is_idet = strcmp(table, "psn_idet_type") == 0;
    if (is_med)
        med = mb_arena_alloc(a, (n + 1) * sizeof *med);
    else if (is_idet)
        idet = mb_arena_alloc(a, (n + 1) * sizeof *idet);
    else
        cum = mb_arena_alloc(a, (n + 1) * sizeof *cum);
    if (!med && !idet && !cum)
        return mb_compile_fail(c, MB_E_NOMEM, "platform", table, "out of memory");
    for (unsigned i = 0; i < n; i++) {
        const raw_code_row *r = &raw[i];
        char p[P_MAX];
        snprintf(p, sizeof p, "platform.%s[%u]", table, i);
        const char *cite;
        int rc = mb_compile_sourced(c, p, r->cite, r->assumption, &cite);
        if (rc)
            return rc;
        for (unsigned k = 0; k < i; k++)
            if (strcmp(raw[k].code, r->code) == 0)
                return mb_compile_fail(c, MB_E_RULESET, p, "code",
                                       "code '%s' is mapped twice", r->code);
        const char *code = mb_arena_strdup(a, r->code);
        if (code == NULL)
            return mb_compile_fail(c, MB_E_NOMEM, p, NULL, "out of memory");
        /* each table takes one target */
        const char *target = is_med ? r->as : is_idet ? r->category : r->key;
        const char *want = is_med ? "as" : is_idet ? "category" : "key";
        if (target == NULL || (r->as && !is_med) || (r->category && !is_idet) ||
            ((r->key || r->insutype) && (is_med || is_idet)))
            return mb_compile_fail(c, MB_E_SCHEMA, p, want,
                                   "a %s row maps its code with '%s' (and nothing else)",
                                   table, want);
        if (is_med) {
            int m = mb_med_type_parse(target);
            if (!digits(r->code, 2, 6) || m < 0)
                return mb_compile_fail(
                    c, MB_E_SCHEMA, p, m < 0 ? "as" : "code",
                    m < 0 ? "unknown med type '%s' (general_outpatient, emergency, chronic, "
                            "inpatient, pharmacy)"
                          : "a med_type code is 2 to 6 digits, got '%s'",
                    m < 0 ? target : r->code);
            med[i] = (mb_code_med){code, m};
        } else if (is_idet) {
            int cat = mb_category_parse(target);
            if (!digits(r->code, 2, 6))
                return mb_compile_fail(c, MB_E_SCHEMA, p, "code",
                                       "a psn_idet_type is 2 to 6 digits, got '%s'", r->code);
            if (cat < 0)
                return mb_compile_fail(c, MB_E_SCHEMA, p, "category",
                                       "unknown assistance category '%s' (see "
                                       "docs/scenario-format.md)",
                                       target);
            idet[i] = (mb_code_category){code, cat};
        } else {
            const mb_acc_key *k = NULL;
            for (uint32_t j = 0; j < rs->nacc_keys && k == NULL; j++)
                if (strcmp(rs->acc_keys[j].name, target) == 0)
                    k = &rs->acc_keys[j];
            if (strlen(r->code) > 64 || strspn(r->code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
                                            strlen(r->code))
                return mb_compile_fail(c, MB_E_SCHEMA, p, "code",
                                       "a cum_type_code is capitals, digits and '_', got '%s'",
                                       r->code);
            if (k == NULL)
                return mb_compile_fail(c, MB_E_RULESET, p, "key",
                                       "the ruleset keeps no accumulator '%s' "
                                       "(docs/accumulators.md lists them)",
                                       target);
            const char *insutype = NULL;
            if (r->insutype != NULL) {
                if (!mb_platform_serves_insutype(rs, r->insutype))
                    return mb_compile_fail(c, MB_E_RULESET, p, "insutype",
                                           "the ruleset settles no insutype '%s' "
                                           "(platform.insutype)",
                                           r->insutype);
                if ((insutype = mb_arena_strdup(a, r->insutype)) == NULL)
                    return mb_compile_fail(c, MB_E_NOMEM, p, NULL, "out of memory");
            }
            cum[i] = (mb_code_acc){code, k->name, k->period, insutype};
        }
    }
    if (is_med) {
        pr->med = med;
        pr->nmed = n;
    } else if (is_idet) {
        pr->idet = idet;
        pr->nidet = n;
    } else {
        pr->cum = cum;
        pr->ncum = n;
    }
    return MB_OK;
}

int mb_compile_platform(mb_compile_ctx *c, mb_ruleset *rs, const raw_platform *raw)
{
    mb_arena *a = mb_compile_arena(c);
    mb_platform_rules *pr = mb_arena_alloc(a, sizeof *pr);
    static const char *const insutype_of[3] = {NULL, "310", "390"};
    const char **defaults = mb_arena_alloc(a, 3 * sizeof *defaults);
    if (pr == NULL || defaults == NULL)
        return mb_compile_fail(c, MB_E_NOMEM, "platform", NULL, "out of memory");
    rs->platform = pr;
    int rc;
    /* insutype: by default the schemes' own (310, 390) */
    for (int s = MB_SCHEME_EMPLOYEE; s <= MB_SCHEME_RESIDENT; s++)
        if ((rs->schemes >> s) & 1u)
            defaults[pr->ninsutypes++] = insutype_of[s];
    pr->insutypes = defaults;
    if (raw == NULL)
        return default_med(c, rs, pr);
    if (raw->insuplc_admdvs &&
        (rc = compile_codes(c, "platform.insuplc_admdvs", raw->insuplc_admdvs, 2, 6,
                            "an area code of 2, 4 or 6 digits", &pr->admdvs, &pr->nadmdvs)))
        return rc;
    for (uint32_t i = 0; i < pr->nadmdvs; i++)
        if (strlen(pr->admdvs[i]) % 2)
            return mb_compile_fail(c, MB_E_SCHEMA, "platform.insuplc_admdvs", "codes",
                                   "an area code has 2, 4 or 6 digits, got '%s'", pr->admdvs[i]);
    if (raw->insutype &&
        (rc = compile_codes(c, "platform.insutype", raw->insutype, 3, 6,
                            "an insutype of 3 to 6 digits", &pr->insutypes, &pr->ninsutypes)))
        return rc;
    if (raw->med_type_count) {
        if ((rc = compile_rows(c, rs, "med_type", raw->med_type, raw->med_type_count, pr)))
            return rc;
    } else if ((rc = default_med(c, rs, pr))) {
        return rc;
    }
    if ((rc = compile_rows(c, rs, "psn_idet_type", raw->psn_idet_type, raw->psn_idet_type_count,
                           pr)) ||
        (rc = compile_rows(c, rs, "cum_type_code", raw->cum_type_code, raw->cum_type_code_count,
                           pr)))
        return rc;
    const raw_account_fund *f = raw->account_fund;
    if (f != NULL) {
        const char *cite;
        if ((rc = mb_compile_sourced(c, "platform.account_fund", f->cite, f->assumption, &cite)))
            return rc;
        const char *codes[3] = {NULL, f->employee, f->resident};
        for (int s = MB_SCHEME_EMPLOYEE; s <= MB_SCHEME_RESIDENT; s++) {
            if (codes[s] == NULL)
                continue;
            if (!digits(codes[s], 6, 6))
                return mb_compile_fail(c, MB_E_SCHEMA, "platform.account_fund",
                                       s == MB_SCHEME_EMPLOYEE ? "employee" : "resident",
                                       "a fund_pay_type is 6 digits, got '%s'", codes[s]);
            pr->account_code[s] = mb_arena_strdup(a, codes[s]);
            pr->account_name[s] = mb_arena_strdup(a, f->name);
            if (!pr->account_code[s] || !pr->account_name[s])
                return mb_compile_fail(c, MB_E_NOMEM, "platform", NULL, "out of memory");
        }
    }
    return MB_OK;
}

/* ---- lookups ------------------------------------------------------------------------------ */

bool mb_platform_serves_region(const mb_ruleset *rs, const char *admdvs)
{
    const mb_platform_rules *pr = rs->platform;
    for (uint32_t i = 0; admdvs && i < pr->nadmdvs; i++)
        if (strncmp(admdvs, pr->admdvs[i], strlen(pr->admdvs[i])) == 0)
            return true;
    return false;
}

bool mb_platform_serves_insutype(const mb_ruleset *rs, const char *insutype)
{
    const mb_platform_rules *pr = rs->platform;
    for (uint32_t i = 0; insutype && i < pr->ninsutypes; i++)
        if (strcmp(insutype, pr->insutypes[i]) == 0)
            return true;
    return false;
}

int mb_platform_med_type(const mb_ruleset *rs, const char *code)
{
    const mb_platform_rules *pr = rs->platform;
    for (uint32_t i = 0; code && i < pr->nmed; i++)
        if (strcmp(code, pr->med[i].code) == 0)
            return pr->med[i].med_type;
    return -1;
}

int mb_platform_category(const mb_ruleset *rs, const char *psn_idet_type)
{
    const mb_platform_rules *pr = rs->platform;
    for (uint32_t i = 0; psn_idet_type && i < pr->nidet; i++)
        if (strcmp(psn_idet_type, pr->idet[i].code) == 0)
            return pr->idet[i].category;
    return -1;
}

const mb_code_acc *mb_platform_accumulator(const mb_ruleset *rs, const char *cum_type_code)
{
    const mb_platform_rules *pr = rs->platform;
    for (uint32_t i = 0; cum_type_code && i < pr->ncum; i++)
        if (strcmp(cum_type_code, pr->cum[i].code) == 0)
            return &pr->cum[i];
    return NULL;
}
