/*
 * The disease catalogue: its entries (codes, names, aliases, groups, caps by treatment line,
 * certification criteria), the lookup of a disease by any of its names, and the lifecycle
 * rules (limit, start, validity, revocation, exclusive pairs, stacking).
 */
#include "compile_ctx.h"
#include "criteria.h"

int mb_disease_group_index(const mb_ruleset *rs, const char *name)
{
    if (name == NULL || strcmp(name, "any") == 0)
        return MB_GROUP_ANY;
    for (uint32_t g = 1; g < rs->ndisease_groups; g++)
        if (strcmp(rs->disease_group_names[g], name) == 0)
            return (int)g;
    return -1;
}

/* The catalogue's groups, before anything names one: chronic and special always, then every
 * other group an entry names, in the order first named. */
int mb_compile_disease_groups(ctx_t *c)
{
    mb_ruleset *rs = c->rs;
    rs->disease_group_names[0] = "any";
    rs->disease_group_names[MB_GROUP_CHRONIC] = "chronic";
    rs->disease_group_names[MB_GROUP_SPECIAL] = "special";
    rs->ndisease_groups = 3;
    for (unsigned i = 0; i < c->raw->catalogue_count; i++) {
        const char *g = c->raw->catalogue[i].group;
        if (g == NULL || mb_disease_group_index(rs, g) >= 0)
            continue;
        char p[PATH_MAX_LEN];
        mb_path_index(p, "catalogue", i);
        if (*g == '\0' || strspn(g, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(g))
            return mb_cfail(c, MB_E_SCHEMA, p, "group",
                        "a catalogue group is a word of a-z, 0-9 and '_' (chronic, special, "
                        "dialysis…), got '%s'", g);
        if (rs->ndisease_groups == MB_MAX_DISEASE_GROUPS)
            return mb_cfail(c, MB_E_RULESET, p, "group", "at most %d catalogue groups",
                        MB_MAX_DISEASE_GROUPS - 1);
        if ((rs->disease_group_names[rs->ndisease_groups++] = mb_cdup(c, g)) == NULL)
            return NOMEM(c);
    }
    return MB_OK;
}

static bool sel_equal(const mb_sel *a, const mb_sel *b)
{
    return a->from == b->from && a->facility == b->facility && a->referred == b->referred &&
           a->area == b->area && a->scheme == b->scheme && a->group == b->group &&
           a->category == b->category && a->age_lo == b->age_lo && a->age_hi == b->age_hi &&
           a->claim_types == b->claim_types;
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
            return mb_cfail(c, MB_E_RULESET, p, "name",
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

int mb_compile_catalogue(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_ruleset *rs = c->rs;
    const raw_rules *rules = raw->catalogue_rules;
    int rc;
    int default_start = MB_START_NEXT_MONTH;
    static const mb_keyword starts[] = {{"same_day", MB_START_SAME_DAY},
                                        {"same_month", MB_START_SAME_MONTH},
                                        {"next_month", MB_START_NEXT_MONTH}};
    static const mb_keyword periods[] = {{"year", MB_PERIOD_YEAR}, {"quarter", MB_PERIOD_QUARTER}};
    if (rules && rules->start) {
        if ((rc = mb_parse_keyword(c, "catalogue_rules.start", "value", rules->start->value,
                                   KEYWORDS(starts), &default_start)))
            return rc;
        if ((rc = mb_sourced(c, "catalogue_rules.start", rules->start->cite,
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
        mb_path_index(p, "catalogue", i);
        char shortname[256];
        mb_short_name(r->name, shortname, sizeof shortname);
        d[i].code = mb_cdup(c, r->code);
        d[i].name = mb_cdup(c, r->name);
        d[i].short_name = mb_cdup(c, shortname);
        if (!d[i].code || !d[i].name || !d[i].short_name)
            return NOMEM(c);
        d[i].group = mb_disease_group_index(rs, r->group ? r->group : "chronic");
        d[i].group_name = rs->disease_group_names[d[i].group];
        d[i].start = default_start;
        if (r->start &&
            (rc = mb_parse_keyword(c, p, "start", r->start, KEYWORDS(starts), &d[i].start)))
            return rc;
        if (r->valid_months &&
            (rc = mb_parse_int(c, p, "valid_months", r->valid_months, 1, 1200,
                               &d[i].valid_months)))
            return rc;
        d[i].cap_period = MB_PERIOD_YEAR;
        if (r->cap_period && (rc = mb_parse_keyword(c, p, "cap_period", r->cap_period,
                                                    KEYWORDS(periods), &d[i].cap_period)))
            return rc;
        if ((rc = mb_sourced(c, p, r->cite, r->assumption, rs->document, &d[i].cite)))
            return rc;
        mb_disease_cap *caps = r->caps_count ? mb_arena_alloc(c->arena, r->caps_count * sizeof *caps) : NULL;
        if (r->caps_count && caps == NULL)
            return NOMEM(c);
        for (unsigned k = 0; k < r->caps_count; k++) {
            const raw_disease_cap *rc_ = &r->caps[k];
            char pk[PATH_MAX_LEN];
            char pc[PATH_MAX_LEN];
            mb_path(pc, p, "caps");
            mb_path_index(pk, pc, k);
            /* the disease is the entry's and the treatment its line: the other selectors
             * choose among its caps */
            if ((rc = mb_compile_sel(c, pk, &rc_->sel,
                                     ROWS_CLAIM & ~(MB_SEL_DISEASE | MB_SEL_DISEASE_GROUP |
                                                    MB_SEL_TREATMENT),
                                     "a disease's caps (the line is 'line')", &caps[k].sel)))
                return rc;
            if (!mb_person_given(&rc_->p))
                return mb_cfail(c, MB_E_SCHEMA, pk, NULL,
                            "a cap needs a value: value (or all), employee, in_service, "
                            "retired, veteran or resident");
            if ((rc = mb_person_values(c, pk, &rc_->p, VALUE_CAP, caps[k].v)))
                return rc;
            if ((rc = mb_sourced(c, pk, rc_->cite, rc_->assumption, d[i].cite, &caps[k].cite)))
                return rc;
            caps[k].line = mb_hash(rc_->line);
            caps[k].line_name = mb_cdup(c, rc_->line ? rc_->line : "");
            char key[512];
            snprintf(key, sizeof key, "disease.%s%s%s.paid", r->code, rc_->line ? "." : "",
                     rc_->line ? rc_->line : "");
            caps[k].key_name = mb_cdup(c, key);
            if (caps[k].line_name == NULL || caps[k].key_name == NULL)
                return NOMEM(c);
            caps[k].key = mb_ns_key(rs, key);
            for (unsigned j = 0; j < k; j++)
                if (caps[j].line == caps[k].line && sel_equal(&caps[j].sel, &caps[k].sel))
                    return mb_cfail(c, MB_E_RULESET, pk, "line",
                                "treatment line '%s' has two caps", caps[k].line_name);
        }
        d[i].caps = caps;
        d[i].ncaps = r->caps_count;
        if (r->criteria) {
            char why[256], pc[PATH_MAX_LEN];
            const char *where;
            mb_path(pc, p, "criteria");
            rc = mb_criteria_compile(c->arena, r->criteria, &d[i].criteria, why, sizeof why, &where);
            if (rc == MB_E_NOMEM)
                return NOMEM(c);
            if (rc != MB_OK)
                return mb_cfail(c, MB_E_RULESET, pc, where, "%s", why);
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
        if ((rc = mb_parse_int(c, "catalogue_rules.max_diseases", "value", rules->max_diseases->value,
                            1, 100, &rs->max_diseases)) ||
            (rc = mb_sourced(c, "catalogue_rules.max_diseases", rules->max_diseases->cite,
                          rules->max_diseases->assumption, NULL, &rs->max_diseases_cite)))
            return rc;
    }
    if (rules->revoke_after_idle_months) {
        if ((rc = mb_parse_int(c, "catalogue_rules.revoke_after_idle_months", "value",
                            rules->revoke_after_idle_months->value, 1, 1200,
                            &rs->revoke_idle_months)) ||
            (rc = mb_sourced(c, "catalogue_rules.revoke_after_idle_months",
                          rules->revoke_after_idle_months->cite,
                          rules->revoke_after_idle_months->assumption, NULL, &rs->revoke_cite)))
            return rc;
    }
    if (rules->validity &&
        (rc = mb_sourced(c, "catalogue_rules.validity", rules->validity->cite,
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
        mb_path_index(p, "catalogue_rules.exclusive_pairs", i);
        int a = mb_catalogue_lookup(rs, mb_hash(r->a)), b = mb_catalogue_lookup(rs, mb_hash(r->b));
        if (a < 0)
            return mb_cfail(c, MB_E_RULESET, p, "a", "'%s' is not in the catalogue", r->a);
        if (b < 0)
            return mb_cfail(c, MB_E_RULESET, p, "b", "'%s' is not in the catalogue", r->b);
        pairs_out[i].a = (uint32_t)a;
        pairs_out[i].b = (uint32_t)b;
        pairs_out[i].renewable = -1;
        if (r->renewable) {
            int w = mb_catalogue_lookup(rs, mb_hash(r->renewable));
            if (w != a && w != b)
                return mb_cfail(c, MB_E_RULESET, p, "renewable", "'%s' is neither side of the pair",
                            r->renewable);
            pairs_out[i].renewable = w;
        }
        if ((rc = mb_sourced(c, p, r->cite, r->assumption, rules->pairs_cite, &pairs_out[i].cite)))
            return rc;
    }
    rs->pairs = pairs_out;
    rs->npairs = rules->exclusive_pairs_count;
    if (rules->stacking) {
        const raw_stacking *s = rules->stacking;
        rs->stack_group = mb_disease_group_index(rs, s->group);
        if (rs->stack_group <= 0)
            return mb_cfail(c, MB_E_RULESET, "catalogue_rules.stacking", "group",
                        "no catalogue entry is in group '%s'", s->group);
        if ((rc = mb_parse_int(c, "catalogue_rules.stacking", "partial_count", s->partial_count,
                               0, 100, &rs->stack_partial)) ||
            (rc = mb_parse_ratio(c, "catalogue_rules.stacking", "partial_ratio",
                                 s->partial_ratio, &rs->stack_partial_bp)) ||
            (rc = mb_sourced(c, "catalogue_rules.stacking", s->cite, s->assumption, NULL,
                          &rs->stack_cite)))
            return rc;
    }
    return MB_OK;
}
