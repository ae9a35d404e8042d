/*
 * Layers: what claims a layer takes (claim types, schemes, disease group, requirements,
 * exclusive benefits), and what it pays: the deductible and how it is charged, the ratio or
 * bands, the caps and their raise, or a top-up to a target ratio.
 */
#include "compile_ctx.h"

static const mb_keyword requirement_words[] = {
    {"certified_disease", MB_REQ_CERTIFIED_DISEASE},
    {"designated_facility", MB_REQ_DESIGNATED_FACILITY},
    {"assistance_identity", MB_REQ_ASSISTANCE},
    {"in_province", MB_REQ_IN_PROVINCE},
    {"referral", MB_REQ_REFERRAL},
    {"prescription", MB_REQ_PRESCRIPTION},
};

static int rule_ids(ctx_t *c, mb_layer *l)
{
    mb_layer_rules *ids = &l->rules;
    return (ids->deductible = mb_rule_id(c, l->id, "deductible")) &&
                   (ids->ratio = mb_rule_id(c, l->id, "ratio")) &&
                   (ids->tilt = mb_rule_id(c, l->id, "tilt")) &&
                   (ids->cap = mb_rule_id(c, l->id, "cap")) &&
                   (ids->cap_raise = mb_rule_id(c, l->id, "cap.raise")) &&
                   (ids->disease_cap = mb_rule_id(c, l->id, "disease_cap")) &&
                   (ids->stacking = mb_rule_id(c, l->id, "stacking")) &&
                   (ids->self_pay = mb_rule_id(c, l->id, "self_pay")) &&
                   (ids->deductible_repeat = mb_rule_id(c, l->id, "deductible.repeat")) &&
                   (ids->deductible_ceiling = mb_rule_id(c, l->id, "deductible.ceiling")) &&
                   (ids->top_up = mb_rule_id(c, l->id, "top_up")) &&
                   (ids->pharmacy = mb_rule_id(c, l->id, "pharmacy"))
               ? MB_OK
               : NOMEM(c);
}

/* What claims the layer takes. */
static int compile_scope(ctx_t *c, const raw_layer *r, const char *p, mb_layer *l)
{
    mb_ruleset *rs = c->rs;
    char sub[PATH_MAX_LEN];
    int rc, v;
    if (r->med_types_count == 0)
        return mb_cfail(c, MB_E_SCHEMA, p, "med_types", "a layer lists the med_types it applies to");
    mb_path(sub, p, "med_types");
    if ((rc = mb_parse_claim_types(c, sub, r->med_types, r->med_types_count, &l->med_types)))
        return rc;
    l->schemes = rs->schemes;
    static const mb_keyword schemes[] = {{"employee", MB_SCHEME_EMPLOYEE},
                                         {"resident", MB_SCHEME_RESIDENT}};
    if (r->schemes_count) {
        l->schemes = 0;
        for (unsigned k = 0; k < r->schemes_count; k++) {
            mb_path(sub, p, "schemes");
            char sp[PATH_MAX_LEN];
            mb_path_index(sp, sub, k);
            if ((rc = mb_parse_keyword(c, sp, NULL, r->schemes[k], KEYWORDS(schemes), &v)))
                return rc;
            l->schemes |= 1u << v;
        }
    }
    for (unsigned k = 0; k < r->requires_count; k++) {
        char rp[PATH_MAX_LEN];
        mb_path(sub, p, "requires");
        mb_path_index(rp, sub, k);
        if ((rc = mb_parse_keyword(c, rp, NULL, r->requires[k], KEYWORDS(requirement_words), &v)))
            return rc;
        l->requires |= (uint32_t)v;
    }
    if (r->exclusive_with_count > 4)
        return mb_cfail(c, MB_E_RULESET, p, "exclusive_with", "at most 4 exclusive kinds");
    for (unsigned k = 0; k < r->exclusive_with_count; k++) {
        l->exclusive[k] = mb_hash_join("kind", r->exclusive_with[k]);
        if ((l->exclusive_names[k] = mb_cdup(c, r->exclusive_with[k])) == NULL)
            return NOMEM(c);
    }
    l->nexclusive = r->exclusive_with_count;
    if (r->exclusive_cite && !r->exclusive_with_count)
        return mb_cfail(c, MB_E_RULESET, p, "exclusive_cite",
                    "exclusive_cite cites the clause of exclusive_with, which the layer does not have");
    mb_path(sub, p, "exclusive_cite");
    if ((rc = mb_sourced(c, sub, r->exclusive_cite, NULL, l->cite, &l->exclusive_cite)))
        return rc;
    l->kind_key = mb_hash_join("kind", l->kind);
    l->group = mb_disease_group_index(rs, r->disease_group);
    if (l->group < 0)
        return mb_cfail(c, MB_E_RULESET, p, "disease_group",
                    "no catalogue entry is in group '%s' (any, or a group of the catalogue)",
                    r->disease_group);
    if (r->pharmacy) {
        static const mb_keyword as[] = {{"prescriber", MB_FAC_ANY},
                                        {"primary", MB_FAC_PRIMARY},
                                        {"secondary", MB_FAC_SECONDARY},
                                        {"tertiary", MB_FAC_TERTIARY},
                                        {"pharmacy", MB_FAC_PHARMACY}};
        mb_path(sub, p, "pharmacy");
        if ((rc = mb_parse_keyword(c, sub, "as", r->pharmacy->as, KEYWORDS(as), &l->pharmacy_as)) ||
            (rc = mb_sourced(c, sub, r->pharmacy->cite, r->pharmacy->assumption, NULL,
                          &l->pharmacy_cite)))
            return rc;
    }
    return MB_OK;
}

/* The deductible rows and how they are charged. */
static int compile_deductible(ctx_t *c, const raw_layer *r, const char *p, mb_layer *l)
{
    char sub[PATH_MAX_LEN];
    int rc;
    mb_path(sub, p, "deductible");
    if ((rc = mb_compile_rows(c, sub, r->deductible, r->deductible_count, VALUE_MONEY, l->cite,
                              ROWS_CLAIM | ROWS_SCOPE, "deductible rows", &l->deductible)))
        return rc;
    if ((l->deductible_path = mb_cdup(c, sub)) == NULL)
        return NOMEM(c);
    mb_path(sub, p, "deductible_repeat");
    if ((rc = mb_compile_rows(c, sub, r->deductible_repeat, r->deductible_repeat_count,
                              VALUE_RATIO, l->cite, ROWS_REPEAT, "deductible_repeat rows",
                              &l->deductible_repeat)))
        return rc;
    mb_path(sub, p, "deductible_floor");
    if ((rc = mb_compile_rows(c, sub, r->deductible_floor, r->deductible_floor_count,
                              VALUE_MONEY, l->cite, ROWS_CLAIM, "deductible_floor rows",
                              &l->deductible_floor)))
        return rc;
    mb_path(sub, p, "deductible_ceiling");
    if ((rc = mb_compile_rows(c, sub, r->deductible_ceiling, r->deductible_ceiling_count,
                              VALUE_MONEY, l->cite, ROWS_CLAIM, "deductible_ceiling rows",
                              &l->deductible_ceiling)))
        return rc;
    bool units = false, firsts = false, scoped = false;
    for (uint32_t k = 0; k < l->deductible.n; k++) {
        int s = l->deductible.row[k].scope;
        units |= s == MB_SCOPE_VISIT || s == MB_SCOPE_ADMISSION || s == MB_SCOPE_DAY;
        firsts |= s == MB_SCOPE_YEAR_FIRST;
        scoped |= s != MB_SCOPE_YEAR;
    }
    if ((l->deductible_repeat.n || l->deductible_floor.n || l->deductible_ceiling.n) &&
        l->deductible.n == 0)
        return mb_cfail(c, MB_E_RULESET, p,
                    l->deductible_repeat.n  ? "deductible_repeat"
                    : l->deductible_floor.n ? "deductible_floor"
                                            : "deductible_ceiling",
                    "the layer has no deductible rows for this to apply to");
    if (l->deductible_repeat.n && !units)
        return mb_cfail(c, MB_E_RULESET, p, "deductible_repeat",
                    "deductible_repeat lowers the deductible of the nth visit, admission or day "
                    "of the year: give the deductible rows 'scope: visit', 'admission' or 'day'");
    if (l->deductible_floor.n && l->deductible_repeat.n == 0)
        return mb_cfail(c, MB_E_RULESET, p, "deductible_floor",
                    "deductible_floor is the least a repeated deductible comes down to: it "
                    "needs deductible_repeat");
    /* A deductible that is the same for every claim of a year is the first part of the year's
     * base, as it always was; one that can differ between claims of a year (by facility, area,
     * disease, group…), or is charged per visit, admission or day, or has a ceiling, is kept
     * apart from the base, so that topping up to a higher level's (补差) comes out right in any
     * order of visits. */
    l->ded_tracked = (l->deductible.uses & ~MB_SEL_FROM) || scoped || l->deductible_ceiling.n;
    l->ded_mixed = units && firsts;
    l->nded_keys = !l->ded_tracked ? 0 : l->ded_mixed ? MB_DED_KEYS : MB_DED_FIRST_PAID;
    if (l->ded_tracked) {
        static const char *const suffix[MB_DED_KEYS] = {"paid", "count", "unit", "due", "first_paid"};
        for (uint32_t k = 0; k < l->nded_keys; k++) {
            char key[300];
            snprintf(key, sizeof key, "%s.deductible.%s", l->id, suffix[k]);
            if ((l->ded_key_name[k] = mb_cdup(c, key)) == NULL)
                return NOMEM(c);
            l->ded_key[k] = mb_ns_key(c->rs, key);
        }
    }
    return MB_OK;
}

/* Band k follows band k - 1: it begins where that one ends, or later (bands that overlap would
 * pay the same part of the base twice). A band out of order is said to be so first. */
static int band_follows(ctx_t *c, const char *bp, const mb_band *bands, unsigned k)
{
    const mb_band *prev = &bands[k - 1], *band = &bands[k];
    if (band->above < prev->above)
        return mb_cfail(c, MB_E_RULESET, bp, "above", "bands must be in increasing order");
    if (prev->up_to == MB_UNLIMITED)
        return mb_cfail(c, MB_E_RULESET, bp, NULL,
                        "bands must not overlap: bands[%u] has no up_to, so it runs on under this "
                        "band; give it an up_to where this band begins", k - 1);
    if (band->above < 0)
        return mb_cfail(c, MB_E_RULESET, bp, "above",
                        "bands must not overlap: a band after the first needs an 'above' (without "
                        "one it would begin at the deductible, under bands[%u]); give it at least "
                        "that band's up_to, %lld.%02lld", k - 1, MB_YUAN_ARGS(prev->up_to));
    if (band->above < prev->up_to)
        return mb_cfail(c, MB_E_RULESET, bp, "above",
                        "bands must not overlap: this band begins at %lld.%02lld, below the up_to "
                        "of bands[%u], %lld.%02lld", MB_YUAN_ARGS(band->above), k - 1,
                        MB_YUAN_ARGS(prev->up_to));
    return MB_OK;
}

static int compile_bands(ctx_t *c, const raw_layer *r, const char *p, mb_layer *l)
{
    mb_ruleset *rs = c->rs;
    mb_band *bands = r->bands_count ? mb_arena_alloc(c->arena, r->bands_count * sizeof *bands) : NULL;
    if (r->bands_count && bands == NULL)
        return NOMEM(c);
    bool need_ratio_rows = r->bands_count == 0;
    int rc;
    for (unsigned k = 0; k < r->bands_count; k++) {
        const raw_band *b = &r->bands[k];
        char bp[PATH_MAX_LEN], sub[PATH_MAX_LEN];
        mb_path(sub, p, "bands");
        mb_path_index(bp, sub, k);
        bands[k].above = -1; /* absent: the band starts where the deductible ends */
        bands[k].up_to = MB_UNLIMITED;
        if (b->above && (rc = mb_parse_money(c, bp, "above", b->above, false, &bands[k].above)))
            return rc;
        if (b->up_to && (rc = mb_parse_money(c, bp, "up_to", b->up_to, true, &bands[k].up_to)))
            return rc;
        if (bands[k].up_to != MB_UNLIMITED && bands[k].up_to <= bands[k].above)
            return mb_cfail(c, MB_E_RULESET, bp, "up_to", "a band's up_to must be above its 'above'");
        if (k > 0 && (rc = band_follows(c, bp, bands, k)))
            return rc;
        bands[k].fund = -1;
        if (b->fund) {
            bands[k].fund = mb_fund_index(rs, b->fund);
            if (bands[k].fund < 0)
                return mb_cfail(c, MB_E_RULESET, bp, "fund", "fund '%s' is not listed under funds",
                            b->fund);
        }
        if ((rc = mb_sourced(c, bp, b->cite, b->assumption, l->cite, &bands[k].cite)))
            return rc;
        bool inline_ratio = mb_person_given(&b->p);
        if (inline_ratio && b->ratio_count)
            return mb_cfail(c, MB_E_SCHEMA, bp, "ratio",
                        "a band gives its ratio by person columns or as 'ratio' rows, not both");
        if (inline_ratio) {
            /* the band's own columns: one row, citing the band */
            mb_row *row = mb_arena_alloc(c->arena, sizeof *row);
            if (row == NULL)
                return NOMEM(c);
            if ((rc = mb_compile_sel(c, bp, &(raw_sel){0}, 0, "a band", &row->sel)) ||
                (rc = mb_person_values(c, bp, &b->p, VALUE_RATIO, row->v)))
                return rc;
            row->cite = bands[k].cite;
            if ((row->path = mb_cdup(c, bp)) == NULL)
                return NOMEM(c);
            bands[k].ratio = (mb_rows){.row = row, .n = 1};
            mb_rows_by_person(&bands[k].ratio);
        } else if (b->ratio_count) {
            mb_path(sub, bp, "ratio");
            if ((rc = mb_compile_rows(c, sub, b->ratio, b->ratio_count, VALUE_RATIO,
                                      bands[k].cite, ROWS_CLAIM, "a band's ratio rows",
                                      &bands[k].ratio)))
                return rc;
        } else {
            need_ratio_rows = true;
        }
        char step[32];
        snprintf(step, sizeof step, "bands[%u]", k);
        if ((bands[k].rule = mb_rule_id(c, l->id, step)) == NULL)
            return NOMEM(c);
    }
    l->bands = bands;
    l->nbands = r->bands_count;
    if (need_ratio_rows && l->ratio_source == MB_RATIO_TABLE && l->ratio.n == 0 &&
        l->top_up_of == MB_TOPUP_NONE)
        return mb_cfail(c, MB_E_SCHEMA, p, "ratio", "a layer needs ratio rows (or bands with ratios)");
    return MB_OK;
}

/* One row of a cap's raise: its values, each inherited from `dflt` (the raise's own) where not
 * given. */
static int compile_raise_row(ctx_t *c, const raw_raise *r, const char *rp, const mb_raise *dflt,
                             const char *cap_cite, mb_raise *out)
{
    mb_ruleset *rs = c->rs;
    int rc;
    *out = dflt ? *dflt : (mb_raise){.ceiling = MB_UNLIMITED};
    if ((r->min_diseases != NULL) != (r->amount != NULL))
        return mb_cfail(c, MB_E_SCHEMA, rp, r->min_diseases ? "amount" : "min_diseases",
                    "a fixed raise gives both min_diseases and amount");
    if (!dflt && !r->min_diseases && !r->each && !r->share)
        return mb_cfail(c, MB_E_SCHEMA, rp, NULL,
                    "a raise says how the cap grows: min_diseases and amount (once, from N "
                    "diseases), each (per disease beyond the first) or share (of each further "
                    "disease's own cap)");
    if ((rc = mb_compile_sel(c, rp, &r->sel, dflt ? ROWS_CLAIM : 0, "raise rows", &out->sel)))
        return rc;
    if (r->min_diseases &&
        ((rc = mb_parse_int(c, rp, "min_diseases", r->min_diseases, 2, 100, &out->min_diseases)) ||
         (rc = mb_parse_money(c, rp, "amount", r->amount, false, &out->amount))))
        return rc;
    if (r->each && (rc = mb_parse_money(c, rp, "each", r->each, false, &out->each)))
        return rc;
    if (r->share && (rc = mb_parse_ratio(c, rp, "share", r->share, &out->share_bp)))
        return rc;
    if (r->ceiling && (rc = mb_parse_money(c, rp, "ceiling", r->ceiling, false, &out->ceiling)))
        return rc;
    if (r->group) {
        out->group = mb_disease_group_index(rs, r->group);
        if (out->group <= 0)
            return mb_cfail(c, MB_E_RULESET, rp, "group", "no catalogue entry is in group '%s'",
                        r->group);
    }
    return mb_sourced(c, rp, r->cite, r->assumption, dflt ? dflt->cite : cap_cite, &out->cite);
}

/* A cap's raise: its own values (the default row) and rows choosing others where their
 * selectors match (a date, a scheme, a group …). */
static int compile_raise(ctx_t *c, const raw_raise *r, const char *rp, mb_cap *cap)
{
    mb_raise *rows = mb_arena_alloc(c->arena, (r->rows_count + 1) * sizeof *rows);
    if (rows == NULL)
        return NOMEM(c);
    int rc = compile_raise_row(c, r, rp, NULL, cap->cite, &rows[0]);
    for (unsigned i = 0; rc == MB_OK && i < r->rows_count; i++) {
        char p[PATH_MAX_LEN], sub[PATH_MAX_LEN];
        mb_path(sub, rp, "rows");
        mb_path_index(p, sub, i);
        rc = compile_raise_row(c, &r->rows[i], p, &rows[0], NULL, &rows[i + 1]);
        if (rc == MB_OK && !rows[i + 1].sel.specificity && rows[i + 1].sel.from <= rows[0].sel.from)
            rc = mb_cfail(c, MB_E_RULESET, p, NULL,
                          "a raise row names where it applies (a date, a scheme, a group …): "
                          "without, the raise's own values apply");
    }
    cap->has_raise = true;
    cap->raise = rows;
    cap->nraise = r->rows_count + 1;
    return rc;
}

static int compile_cap(ctx_t *c, const raw_layer *r, const char *p, mb_layer *l)
{
    mb_ruleset *rs = c->rs;
    const raw_cap *cp = r->cap;
    char cpp[PATH_MAX_LEN], key[300];
    int rc;
    mb_path(cpp, p, "cap");
    l->has_cap = true;
    static const mb_keyword periods[] = {{"year", MB_PERIOD_YEAR}, {"quarter", MB_PERIOD_QUARTER}};
    l->cap.period = MB_PERIOD_YEAR;
    if (cp->period &&
        (rc = mb_parse_keyword(c, cpp, "period", cp->period, KEYWORDS(periods), &l->cap.period)))
        return rc;
    snprintf(key, sizeof key, "%s.paid", cp->key ? cp->key : r->id);
    if ((l->cap.key_name = mb_cdup(c, key)) == NULL)
        return NOMEM(c);
    l->cap.key = mb_ns_key(rs, key);
    if ((rc = mb_sourced(c, cpp, cp->cite, cp->assumption, l->cite, &l->cap.cite)))
        return rc;
    if (cp->base) {
        static const mb_keyword bases[] = {{"highest_disease", 1}};
        int v;
        if ((rc = mb_parse_keyword(c, cpp, "base", cp->base, KEYWORDS(bases), &v)))
            return rc;
        l->cap.of_diseases = true;
        if (cp->values_count)
            return mb_cfail(c, MB_E_SCHEMA, cpp, "values",
                        "a cap based on the diseases' caps (base: highest_disease) takes no "
                        "values of its own");
    }
    char vp[PATH_MAX_LEN];
    mb_path(vp, cpp, "values");
    if (cp->values_count == 0 && !l->cap.of_diseases)
        return mb_cfail(c, MB_E_SCHEMA, cpp, "values", "a cap needs values");
    if ((rc = mb_compile_rows(c, vp, cp->values, cp->values_count, VALUE_CAP, l->cap.cite,
                              ROWS_CLAIM, "cap rows", &l->cap.rows)))
        return rc;
    /* a cap silently missing for some person would mean no cap at all: every person the
     * layer's schemes reach needs a value (`unlimited` says so explicitly) */
    static const char *const slot_names[MB_SLOT_COUNT] = {"in_service", "retired", "veteran",
                                                          "resident"};
    for (int slot = 0; slot < MB_SLOT_COUNT && !l->cap.of_diseases; slot++) {
        int scheme = slot == MB_SLOT_RESIDENT ? MB_SCHEME_RESIDENT : MB_SCHEME_EMPLOYEE;
        if (!((l->schemes >> scheme) & 1u))
            continue;
        bool given = false;
        for (uint32_t k = 0; k < l->cap.rows.n && !given; k++)
            given = l->cap.rows.row[k].v[slot] != MB_ABSENT;
        if (!given)
            return mb_cfail(c, MB_E_RULESET, cpp, "values",
                        "the cap gives no value for %s, whom the layer covers (write "
                        "'unlimited' if none applies)", slot_names[slot]);
    }
    if (cp->raise) {
        char rp[PATH_MAX_LEN];
        mb_path(rp, cpp, "raise");
        if ((rc = compile_raise(c, cp->raise, rp, &l->cap)))
            return rc;
    }
    return MB_OK;
}

static int compile_top_up(ctx_t *c, const raw_layer *r, const char *p, mb_layer *l)
{
    char sub[PATH_MAX_LEN];
    int rc;
    if (r->top_up_count == 0) {
        const char *alone = r->top_up_of       ? "top_up_of"
                            : r->top_up_within ? "top_up_within"
                            : r->top_up_period ? "top_up_period"
                                               : NULL;
        if (alone)
            return mb_cfail(c, MB_E_SCHEMA, p, alone, "%s goes with top_up rows", alone);
        return MB_OK;
    }
    static const mb_keyword of[] = {{"compliant", MB_TOPUP_COMPLIANT}, {"total", MB_TOPUP_TOTAL}};
    static const mb_keyword within[] = {{"policy_scope", MB_TOPUP_WITHIN_SCOPE},
                                        {"total", MB_TOPUP_WITHIN_TOTAL}};
    static const mb_keyword periods[] = {{"claim", MB_PERIOD_NONE}, {"year", MB_PERIOD_YEAR}};
    l->top_up_of = MB_TOPUP_COMPLIANT;
    if ((r->top_up_of &&
         (rc = mb_parse_keyword(c, p, "top_up_of", r->top_up_of, KEYWORDS(of), &l->top_up_of))) ||
        (r->top_up_within && (rc = mb_parse_keyword(c, p, "top_up_within", r->top_up_within,
                                                    KEYWORDS(within), &l->top_up_within))) ||
        (r->top_up_period && (rc = mb_parse_keyword(c, p, "top_up_period", r->top_up_period,
                                                    KEYWORDS(periods), &l->top_up_period))))
        return rc;
    if (l->top_up_within == MB_TOPUP_WITHIN_TOTAL && l->top_up_of != MB_TOPUP_TOTAL)
        return mb_cfail(c, MB_E_RULESET, p, "top_up_within",
                        "a top-up of the policy-scope cost pays within it: top_up_within: total "
                        "needs top_up_of: total");
    static const char *const target_names[MB_TARGET_KEYS] = {"target.base", "target.paid"};
    for (int k = 0; l->top_up_period && k < MB_TARGET_KEYS; k++) {
        char key[300];
        snprintf(key, sizeof key, "%s.%s", l->id, target_names[k]);
        if ((l->target_key_name[k] = mb_cdup(c, key)) == NULL)
            return NOMEM(c);
        l->target_key[k] = mb_ns_key(c->rs, key);
    }
    const char *clash = r->deductible_count ? "deductible"
                        : r->ratio_count    ? "ratio"
                        : r->bands_count    ? "bands"
                        : r->ratio_source   ? "ratio_source"
                                            : NULL;
    if (clash)
        return mb_cfail(c, MB_E_SCHEMA, p, clash,
                    "a top-up layer pays what brings the claim's funds up to its target ratio: "
                    "it takes no %s", clash);
    mb_path(sub, p, "top_up");
    return mb_compile_rows(c, sub, r->top_up, r->top_up_count, VALUE_RATIO, l->cite, ROWS_CLAIM,
                           "top_up rows", &l->top_up);
}

static int compile_layer(ctx_t *c, unsigned i, mb_layer *l);

/* A layer, and whether its rows choose by age (only the claims it takes need a birth date). */
int mb_compile_layer(ctx_t *c, unsigned i, mb_layer *l)
{
    bool outside = c->rs->uses_age;
    c->rs->uses_age = false;
    int rc = compile_layer(c, i, l);
    l->uses_age = c->rs->uses_age;
    c->rs->layers_use_age |= l->uses_age;
    c->rs->uses_age = outside;
    return rc;
}

static int compile_layer(ctx_t *c, unsigned i, mb_layer *l)
{
    const raw_layer *r = &c->raw->layers[i];
    mb_ruleset *rs = c->rs;
    char p[PATH_MAX_LEN], sub[PATH_MAX_LEN];
    mb_path_index(p, "layers", i);
    int rc;
    l->id = mb_cdup(c, r->id);
    l->name = mb_cdup(c, r->name ? r->name : r->id);
    l->kind = mb_cdup(c, r->kind ? r->kind : r->id);
    if (!l->id || !l->name || !l->kind || (rc = rule_ids(c, l)))
        return NOMEM(c);
    if ((rc = mb_sourced(c, p, r->cite, r->assumption, NULL, &l->cite)) ||
        (rc = compile_scope(c, r, p, l)))
        return rc;
    if (r->fund == NULL)
        return mb_cfail(c, MB_E_SCHEMA, p, "fund", "a layer names the fund that pays it");
    l->fund = mb_fund_index(rs, r->fund);
    if (l->fund < 0)
        return mb_cfail(c, MB_E_RULESET, p, "fund", "fund '%s' is not listed under funds", r->fund);
    static const mb_keyword bases[] = {{"compliant", MB_BASE_COMPLIANT},
                                       {"remaining", MB_BASE_REMAINING}};
    l->base = MB_BASE_COMPLIANT;
    if (r->base && (rc = mb_parse_keyword(c, p, "base", r->base, KEYWORDS(bases), &l->base)))
        return rc;
    char key[300];
    snprintf(key, sizeof key, "%s.base", r->base_key ? r->base_key : r->id);
    l->base_key_name = mb_cdup(c, key);
    l->base_key = mb_ns_key(rs, key);
    snprintf(key, sizeof key, "%s.paid", r->id);
    l->paid_key = mb_ns_key(rs, key);

    if ((rc = compile_top_up(c, r, p, l)) || (rc = compile_deductible(c, r, p, l)))
        return rc;
    static const mb_keyword sources[] = {{"table", MB_RATIO_TABLE}, {"category", MB_RATIO_CATEGORY}};
    l->ratio_source = MB_RATIO_TABLE;
    if (r->ratio_source && (rc = mb_parse_keyword(c, p, "ratio_source", r->ratio_source,
                                                  KEYWORDS(sources), &l->ratio_source)))
        return rc;
    mb_path(sub, p, "ratio");
    if ((rc = mb_compile_rows(c, sub, r->ratio, r->ratio_count, VALUE_RATIO, l->cite, ROWS_CLAIM,
                              "ratio rows", &l->ratio)))
        return rc;
    if ((l->ratio_path = mb_cdup(c, sub)) == NULL)
        return NOMEM(c);
    if (l->ratio_source == MB_RATIO_CATEGORY && c->raw->categories_count == 0)
        return mb_cfail(c, MB_E_RULESET, p, "ratio_source",
                    "ratio_source category needs the ruleset's categories table");
    if ((rc = compile_bands(c, r, p, l)))
        return rc;
    if (r->cap && (rc = compile_cap(c, r, p, l)))
        return rc;
    if ((rc = mb_parse_bool(c, p, "disease_caps", r->disease_caps, &l->disease_caps)) ||
        (rc = mb_parse_bool(c, p, "referral_penalty", r->referral_penalty, &l->referral_penalty)) ||
        (rc = mb_parse_bool(c, p, "tilt", r->tilt, &l->tilt)))
        return rc;
    if (l->referral_penalty && c->raw->referral == NULL)
        return mb_cfail(c, MB_E_RULESET, p, "referral_penalty",
                    "referral_penalty needs the ruleset's referral block");
    if (r->referral_penalty_cite) {
        if (!l->referral_penalty)
            return mb_cfail(c, MB_E_RULESET, p, "referral_penalty_cite",
                        "referral_penalty_cite cites the clause of referral_penalty, which the "
                        "layer does not apply");
        mb_path(sub, p, "referral_penalty_cite");
        if ((rc = mb_sourced(c, sub, r->referral_penalty_cite, NULL, NULL, &l->referral_penalty_cite)))
            return rc;
    }
    if (l->tilt && c->raw->tilt == NULL)
        return mb_cfail(c, MB_E_RULESET, p, "tilt", "tilt needs the ruleset's tilt block");
    if (l->has_cap && l->cap.of_diseases && !l->disease_caps && rs->ndiseases == 0)
        return mb_cfail(c, MB_E_RULESET, p, "cap",
                    "a cap based on the diseases' caps needs a catalogue with caps");
    for (unsigned k = 0; k < i; k++)
        if (strcmp(rs->layers[k].id, l->id) == 0)
            return mb_cfail(c, MB_E_RULESET, p, "id", "layer id '%s' is used twice", l->id);
    return MB_OK;
}
