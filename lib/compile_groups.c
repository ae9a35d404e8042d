/*
 * Who the person is: person groups (the assistance categories built in, and the groups a
 * ruleset declares, with the platform's psn_idet_type codes that make one a member), the
 * assistance ratios by group, the tilt, the identity rules, the referral rules and the facility
 * categories a claim may carry.
 */
#include "compile_ctx.h"

int mb_group_index(const mb_ruleset *rs, const char *name)
{
    for (uint32_t g = 0; g < rs->ngroups; g++)
        if (strcmp(rs->groups[g].name, name) == 0)
            return (int)g;
    return -1;
}

/* ---- groups -------------------------------------------------------------------------------- */

typedef struct {
    uint64_t hash, groups;
} ident_entry;

/* `text` (an identity's name, label or code) makes one a member of group g. */
static void add_ident(ident_entry *t, uint32_t *n, const char *text, uint32_t g)
{
    uint64_t h = mb_hash(text);
    if (h == 0)
        return;
    for (uint32_t i = 0; i < *n; i++)
        if (t[i].hash == h) {
            t[i].groups |= UINT64_C(1) << g;
            return;
        }
    t[(*n)++] = (ident_entry){h, UINT64_C(1) << g};
}

static int valid_name(const char *s)
{
    return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

int mb_compile_groups(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_ruleset *rs = c->rs;
    uint32_t declared = raw->groups_count;
    if (MB_CATEGORY_COUNT + declared > MB_MAX_GROUPS)
        return mb_cfail(c, MB_E_RULESET, "", "groups",
                    "a ruleset declares at most %d groups (with the %d assistance categories, "
                    "%d in all); this one declares %u", MB_MAX_GROUPS - MB_CATEGORY_COUNT,
                    MB_CATEGORY_COUNT, MB_MAX_GROUPS, declared);
    uint32_t n = MB_CATEGORY_COUNT + declared;
    mb_group *groups = mb_arena_alloc(c->arena, n * sizeof *groups);
    size_t idents = 2 * MB_CATEGORY_COUNT + 1;
    for (uint32_t i = 0; i < declared; i++)
        idents += 2 + raw->groups[i].members_count + raw->groups[i].psn_idet_type_count;
    ident_entry *table = mb_alloc(idents * sizeof *table);
    if (groups == NULL || table == NULL) {
        mb_free(table);
        return NOMEM(c);
    }
    uint32_t nident = 0;
    rs->groups = groups;
    /* the assistance categories: named in English (the API's words) and Chinese */
    for (int k = 0; k < MB_CATEGORY_COUNT; k++) {
        groups[k] = (mb_group){.name = mb_category_name(k), .label = mb_category_label(k),
                               .by_identity = true, .cite = rs->document};
        add_ident(table, &nident, groups[k].name, (uint32_t)k);
        add_ident(table, &nident, groups[k].label, (uint32_t)k);
    }
    int rc = MB_OK;
    for (uint32_t i = 0; i < declared && rc == MB_OK; i++) {
        const raw_group *r = &raw->groups[i];
        uint32_t g = MB_CATEGORY_COUNT + i;
        mb_group *o = &groups[g];
        char p[PATH_MAX_LEN];
        mb_path_index(p, "groups", i);
        rs->ngroups = g; /* the groups before it, for lookups */
        if (!valid_name(r->name)) {
            rc = mb_cfail(c, MB_E_SCHEMA, p, "name",
                      "a group's name is the word selectors use: a-z, 0-9 and '_', got '%s'",
                      r->name);
            break;
        }
        if (mb_group_index(rs, r->name) >= 0) {
            rc = mb_cfail(c, MB_E_RULESET, p, "name",
                      "group '%s' is %s", r->name,
                      mb_group_index(rs, r->name) < MB_CATEGORY_COUNT
                          ? "an assistance category already: name the category itself"
                          : "declared twice");
            break;
        }
        o->name = mb_cdup(c, r->name);
        o->label = mb_cdup(c, r->label ? r->label : r->name);
        if (o->name == NULL || o->label == NULL) {
            rc = NOMEM(c);
            break;
        }
        if ((rc = mb_sourced(c, p, r->cite, r->assumption, NULL, &o->cite)))
            break;
        static const mb_keyword schemes[] = {{"employee", MB_SCHEME_EMPLOYEE},
                                             {"resident", MB_SCHEME_RESIDENT}};
        if (r->scheme &&
            (rc = mb_parse_keyword(c, p, "scheme", r->scheme, KEYWORDS(schemes), &o->scheme)))
            break;
        if (r->certified) {
            o->certified = mb_disease_group_index(rs, r->certified);
            if (o->certified <= 0) {
                rc = mb_cfail(c, MB_E_RULESET, p, "certified",
                          "no catalogue entry is in group '%s'", r->certified);
                break;
            }
        }
        /* by identity: members, codes, or (with no condition to go by) its own name and label */
        o->by_identity = r->members_count || r->psn_idet_type_count || (!r->scheme && !r->certified);
        if (o->by_identity) {
            add_ident(table, &nident, o->name, g);
            add_ident(table, &nident, o->label, g);
        }
        for (unsigned k = 0; k < r->psn_idet_type_count; k++)
            add_ident(table, &nident, r->psn_idet_type[k], g);
        for (unsigned k = 0; k < r->members_count; k++) {
            int m = mb_group_index(rs, r->members[k]);
            if (m >= 0)
                o->members |= UINT64_C(1) << m; /* a group declared before it, or a category */
            else
                add_ident(table, &nident, r->members[k], g); /* an identity's own name */
        }
    }
    rs->ngroups = rc == MB_OK ? n : rs->ngroups;
    if (rc == MB_OK) {
        /* at most half full, as the catalogue's (catalogue.c): a probe or two per identity of
         * every claim's enrollee; it has the categories' names, so never none */
        uint32_t cap = 2;
        while (cap < nident * 2)
            cap *= 2;
        struct mb_ident_slot *slots = mb_arena_alloc(c->arena, cap * sizeof *slots);
        if (slots == NULL) {
            rc = NOMEM(c);
        } else {
            for (uint32_t i = 0; i < nident; i++) {
                uint32_t k = (uint32_t)table[i].hash & (cap - 1);
                while (slots[k].hash != 0)
                    k = (k + 1) & (cap - 1);
                slots[k] = (struct mb_ident_slot){table[i].hash, table[i].groups};
            }
            rs->ident_slots = slots;
            rs->ident_mask = cap - 1;
        }
    }
    mb_free(table);
    return rc;
}

/* ---- assistance: categories, tilt, identity rules ------------------------------------------ */

/* One row of the tilt: its values, each inherited from `dflt` (the tilt's own) where not given. */
static int compile_tilt_row(ctx_t *c, const char *p, const raw_tilt *t, const mb_tilt *dflt,
                            uint32_t allowed, mb_tilt *out)
{
    int rc;
    *out = dflt ? *dflt : (mb_tilt){.deductible_bp = MB_BP_ONE};
    if ((rc = mb_sourced(c, p, t->cite, t->assumption, dflt ? dflt->cite : NULL, &out->cite)) ||
        (rc = mb_compile_sel(c, p, &t->sel, allowed,
                             dflt ? "tilt rows" : "the tilt (its categories are its groups)",
                             &out->sel)))
        return rc;
    if (t->deductible_ratio &&
        (rc = mb_parse_ratio(c, p, "deductible_ratio", t->deductible_ratio, &out->deductible_bp)))
        return rc;
    if (t->ratio_points) {
        int points;
        if ((rc = mb_parse_int(c, p, "ratio_points", t->ratio_points, 0, 100, &points)))
            return rc;
        out->points_bp = points * 100;
    }
    return t->uncapped ? mb_parse_bool(c, p, "uncapped", t->uncapped, &out->uncapped) : MB_OK;
}

/* The tilt: its categories, its own values (the default row) and rows that choose others where
 * their selectors match (a group among its categories, a date, a facility …). */
static int compile_tilt(ctx_t *c, const raw_tilt *t)
{
    mb_ruleset *rs = c->rs;
    int rc;
    for (unsigned i = 0; i < t->categories_count; i++) {
        int g = mb_group_index(rs, t->categories[i]);
        if (g < 0) {
            char p[PATH_MAX_LEN];
            mb_path_index(p, "tilt.categories", i);
            return mb_cfail(c, MB_E_SCHEMA, p, NULL,
                            "unknown assistance category or group '%s'", t->categories[i]);
        }
        rs->tilt_groups |= UINT64_C(1) << g;
    }
    mb_tilt *rows = mb_arena_alloc(c->arena, (t->rows_count + 1) * sizeof *rows);
    if (rows == NULL)
        return NOMEM(c);
    if ((rc = compile_tilt_row(c, "tilt", t, NULL, ROWS_CLAIM & ~MB_SEL_GROUP, &rows[0])))
        return rc;
    for (unsigned i = 0; i < t->rows_count; i++) {
        char p[PATH_MAX_LEN];
        mb_path_index(p, "tilt.rows", i);
        if ((rc = compile_tilt_row(c, p, &t->rows[i], &rows[0], ROWS_CLAIM, &rows[i + 1])))
            return rc;
        /* a row applies where its own selectors match: one without would never apply */
        if (!rows[i + 1].sel.specificity && rows[i + 1].sel.from <= rows[0].sel.from)
            return mb_cfail(c, MB_E_RULESET, p, NULL,
                            "a tilt row names where it applies (a group, a date, a facility …): "
                            "without, the tilt's own values apply");
    }
    rs->tilts = rows;
    rs->ntilts = t->rows_count + 1;
    return MB_OK;
}



int mb_compile_assistance(ctx_t *c)
{
    mb_ruleset *rs = c->rs;
    const raw_ruleset *raw = c->raw;
    int rc;
    unsigned n = raw->categories_count;
    mb_row *rows = n ? mb_arena_alloc(c->arena, n * sizeof *rows) : NULL;
    if (n && rows == NULL)
        return NOMEM(c);
    uint32_t uses = MB_SEL_GROUP;
    for (unsigned i = 0; i < n; i++) {
        const raw_category *r = &raw->categories[i];
        char p[PATH_MAX_LEN];
        mb_path_index(p, "categories", i);
        if ((rc = mb_compile_sel(c, p, &r->sel, ROWS_CLAIM & ~MB_SEL_GROUP,
                                 "a category's ratio (its name is its group)", &rows[i].sel)))
            return rc;
        int g = mb_group_index(rs, r->name);
        if (g < 0)
            return mb_cfail(c, MB_E_SCHEMA, p, "name",
                        "unknown assistance category or group '%s' (the twelve categories of "
                        "docs/ruleset-format.md, or a group declared under groups)", r->name);
        rows[i].sel.group = (int8_t)g;
        rows[i].sel.specificity++;
        rows[i].sel.depth = MB_SEL_DEPTH_ALL;
        uses |= mb_sel_uses(&r->sel);
        int32_t bp;
        if ((rc = mb_parse_ratio(c, p, "ratio", r->ratio, &bp)))
            return rc;
        for (int s = 0; s < MB_SLOT_COUNT; s++)
            rows[i].v[s] = bp;
        if ((rc = mb_sourced(c, p, r->cite, r->assumption, NULL, &rows[i].cite)) ||
            (rows[i].path = mb_cdup(c, p)) == NULL)
            return rc ? rc : NOMEM(c);
    }
    bool one_per_group = true;
    for (unsigned i = 0; i < n && one_per_group; i++)
        for (unsigned j = 0; j < i && one_per_group; j++)
            one_per_group = rows[i].sel.group != rows[j].sel.group;
    rs->categories = (mb_rows){.row = rows, .n = n, .uses = uses, .one_per_group = one_per_group};

    const raw_identity_rule *id = raw->identity;
    rs->identity_any_admission_day = true;
    if (id != NULL) {
        static const mb_keyword lost[] = {{"same_day", 0}, {"end_of_month", 1}};
        static const mb_keyword admission[] = {{"any_day", 1}, {"claim_date", 0}};
        int v;
        if (id->lost) {
            if ((rc = mb_parse_keyword(c, "identity", "lost", id->lost, KEYWORDS(lost), &v)))
                return rc;
            rs->identity_to_month_end = v;
        }
        if (id->admission) {
            if ((rc = mb_parse_keyword(c, "identity", "admission", id->admission,
                                       KEYWORDS(admission), &v)))
                return rc;
            rs->identity_any_admission_day = v;
        }
        if ((rc = mb_sourced(c, "identity", id->cite, id->assumption, NULL, &rs->identity_cite)))
            return rc;
    }
    return raw->tilt ? compile_tilt(c, raw->tilt) : MB_OK;
}

/* ---- referral ------------------------------------------------------------------------------ */

int mb_compile_referral(ctx_t *c)
{
    const raw_referral *r = c->raw->referral;
    mb_ruleset *rs = c->rs;
    if (r == NULL)
        return MB_OK;
    static const mb_keyword exempt[] = {{"emergency", MB_CLAIM_EMERGENCY},
                                        {"out_of_area", MB_CLAIM_OUT_OF_AREA},
                                        {"designated_specialty", MB_CLAIM_DESIGNATED_SPECIALTY}};
    static const mb_keyword levels[] = {{"primary", MB_FAC_PRIMARY},
                                        {"secondary", MB_FAC_SECONDARY},
                                        {"tertiary", MB_FAC_TERTIARY},
                                        {"first_visit", MB_FAC_FIRST_VISIT},
                                        {"pharmacy", MB_FAC_PHARMACY}};
    int rc, v;
    if ((rc = mb_sourced(c, "referral", r->cite, r->assumption, NULL, &rs->referral_cite)))
        return rc;
    for (unsigned i = 0; i < r->exempt_count; i++) {
        char p[PATH_MAX_LEN];
        mb_path_index(p, "referral.exempt", i);
        if ((rc = mb_parse_keyword(c, p, NULL, r->exempt[i], KEYWORDS(exempt), &v)))
            return rc;
        rs->referral_exempt |= (uint32_t)v;
    }
    /* care out of the province is out of the area too, whichever flags the claim carries */
    if (rs->referral_exempt & MB_CLAIM_OUT_OF_AREA)
        rs->referral_exempt |= MB_CLAIM_OUT_OF_PROVINCE;
    if (r->penalty_points) {
        int points;
        if ((rc = mb_parse_int(c, "referral", "penalty_points", r->penalty_points, 0, 100,
                               &points)))
            return rc;
        rs->penalty_bp = points * 100;
    }
    for (unsigned i = 0; i < r->penalty_levels_count; i++) {
        char p[PATH_MAX_LEN];
        mb_path_index(p, "referral.penalty_levels", i);
        if ((rc = mb_parse_keyword(c, p, NULL, r->penalty_levels[i], KEYWORDS(levels), &v)))
            return rc;
        rs->penalty_levels |= 1u << v;
    }
    return MB_OK;
}

/* ---- facility categories ------------------------------------------------------------------- */

typedef struct {
    uint64_t hash;
    int8_t index;
} category_entry;

static int cmp_category(const void *a, const void *b)
{
    uint64_t x = ((const category_entry *)a)->hash, y = ((const category_entry *)b)->hash;
    return x < y ? -1 : x > y;
}

int mb_compile_facility_categories(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_ruleset *rs = c->rs;
    unsigned n = raw->facility_categories_count;
    if (n > 64)
        return mb_cfail(c, MB_E_RULESET, "", "facility_categories",
                    "at most 64 facility categories, not %u", n);
    const char **names = mb_arena_alloc(c->arena, (n + 1) * sizeof *names);
    category_entry *e = mb_arena_alloc(c->arena, (2 * n + 1) * sizeof *e);
    uint64_t *hashes = mb_arena_alloc(c->arena, (2 * n + 1) * sizeof *hashes);
    int8_t *index = mb_arena_alloc(c->arena, (2 * n + 1) * sizeof *index);
    if (names == NULL || e == NULL || hashes == NULL || index == NULL)
        return NOMEM(c);
    uint32_t nh = 0;
    for (unsigned i = 0; i < n; i++) {
        const raw_facility_category *r = &raw->facility_categories[i];
        char p[PATH_MAX_LEN];
        mb_path_index(p, "facility_categories", i);
        const char *cite;
        int rc;
        if (!valid_name(r->name))
            return mb_cfail(c, MB_E_SCHEMA, p, "name",
                        "a category's name is the word selectors use: a-z, 0-9 and '_', got "
                        "'%s'", r->name);
        if ((rc = mb_sourced(c, p, r->cite, r->assumption, NULL, &cite)))
            return rc;
        if ((names[i] = mb_cdup(c, r->name)) == NULL)
            return NOMEM(c);
        const char *texts[2] = {r->name, r->label};
        for (int k = 0; k < 2; k++) {
            uint64_t h = mb_hash(texts[k]);
            bool seen = false;
            for (uint32_t j = 0; j < nh; j++)
                if (e[j].hash == h) {
                    if (e[j].index != (int8_t)i)
                        return mb_cfail(c, MB_E_RULESET, p, k ? "label" : "name",
                                    "'%s' already names facility category %s", texts[k],
                                    names[e[j].index]);
                    seen = true;
                }
            if (h != 0 && !seen)
                e[nh++] = (category_entry){h, (int8_t)i};
        }
    }
    qsort(e, nh, sizeof *e, cmp_category);
    for (uint32_t j = 0; j < nh; j++) {
        hashes[j] = e[j].hash;
        index[j] = e[j].index;
    }
    rs->facility_categories = names;
    rs->nfacility_categories = n;
    rs->facility_category_hash = hashes;
    rs->facility_category_index = index;
    rs->nfacility_category_hash = nh;
    return MB_OK;
}

bool mb_ruleset_knows_identity(const mb_ruleset *rs, uint64_t hash)
{
    return mb_identity_groups(rs, hash) != 0;
}

void mb_ruleset_group_names(const mb_ruleset *rs, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (uint32_t g = MB_CATEGORY_COUNT; g < rs->ngroups && len < cap; g++) {
        const mb_group *grp = &rs->groups[g];
        int w = strcmp(grp->label, grp->name) == 0
                    ? snprintf(out + len, cap - len, "%s%s", len ? ", " : "", grp->name)
                    : snprintf(out + len, cap - len, "%s%s (%s)", len ? ", " : "", grp->name,
                               grp->label);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (len == 0)
        snprintf(out, cap, "none declared");
}
