/*
 * Compile a loaded ruleset (text as libcyaml read it) into the immutable lookup tables that
 * settlement reads: amounts in fen, ratios in basis points, dates as YYYYMMDD, names as hashes
 * or indices. Every check that fails names the file, line and key (through mb_yaml_locate).
 * This file holds the top level; each section of the YAML has its own file (compile_ctx.h).
 */
#include "compile_ctx.h"
#include "handles.h"

/* What a 1.0 ruleset missing an entry format 2 requires can do about it. */
#define MIGRATE_HINT "; a ruleset written for 1.0: 'medbenefit migrate FILE > NEW.yaml' rewrites it"

int mb_fund_index(const mb_ruleset *rs, const char *key)
{
    for (uint32_t i = 0; i < rs->nfunds; i++)
        if (strcmp(rs->funds[i].key, key) == 0)
            return (int)i;
    return -1;
}

/* Accumulators are kept under the namespace of the first ruleset of a line of revisions, so
 * that a revision in force from a date continues the year-to-date figures of the one before. */
uint64_t mb_ns_key(const mb_ruleset *rs, const char *name) { return mb_hash_join(rs->ns_id, name); }

static int compile_funds(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_fund *funds = mb_arena_alloc(c->arena, (raw->funds_count + 1) * sizeof *funds);
    if (funds == NULL)
        return NOMEM(c);
    static const mb_keyword slots[] = {{"hifp_pay", MB_AMT_HIFP_PAY},
                                       {"hifob_pay", MB_AMT_HIFOB_PAY},
                                       {"hifmi_pay", MB_AMT_HIFMI_PAY},
                                       {"maf_pay", MB_AMT_MAF_PAY}};
    for (unsigned i = 0; i < raw->funds_count; i++) {
        const raw_fund *f = &raw->funds[i];
        char p[PATH_MAX_LEN];
        mb_path_index(p, "funds", i);
        mb_fund *o = &funds[i];
        int rc = mb_parse_keyword(c, p, "amount", f->amount, KEYWORDS(slots), &o->amount_slot);
        if (rc != MB_OK)
            return rc;
        if (!f->employee && !f->resident)
            return mb_cfail(c, MB_E_SCHEMA, p, NULL,
                        "a fund needs its fund_pay_type code for 'employee' and/or 'resident'");
        const char *codes[2] = {f->employee, f->resident};
        for (int s = 0; s < 2; s++) {
            const char *code = codes[s];
            if (code == NULL)
                continue;
            if (strlen(code) != 6 || strspn(code, "0123456789") != 6)
                return mb_cfail(c, MB_E_SCHEMA, p, s ? "resident" : "employee",
                            "a fund_pay_type is six digits such as 310100, got '%s'", code);
        }
        o->key = mb_cdup(c, f->key);
        o->code[MB_SCHEME_EMPLOYEE] = mb_cdup(c, f->employee);
        o->code[MB_SCHEME_RESIDENT] = mb_cdup(c, f->resident);
        o->name[MB_SCHEME_EMPLOYEE] = mb_cdup(c, f->name);
        o->name[MB_SCHEME_RESIDENT] = mb_cdup(c, f->resident_name ? f->resident_name : f->name);
        /* a copy that ran out of memory would leave NULL where settlement reads a string */
        if (!o->key || !o->name[MB_SCHEME_EMPLOYEE] || !o->name[MB_SCHEME_RESIDENT] ||
            (f->employee && !o->code[MB_SCHEME_EMPLOYEE]) ||
            (f->resident && !o->code[MB_SCHEME_RESIDENT]))
            return NOMEM(c);
        for (int s = MB_SCHEME_EMPLOYEE; s <= MB_SCHEME_RESIDENT; s++)
            o->row_code[s] = o->code[s] ? o->code[s] : o->code[3 - s];
        for (unsigned j = 0; j < i; j++)
            if (strcmp(funds[j].key, f->key) == 0)
                return mb_cfail(c, MB_E_RULESET, p, "key", "fund key '%s' is defined twice", f->key);
    }
    c->rs->funds = funds;
    c->rs->nfunds = raw->funds_count;
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
        return mb_cfail(c, MB_E_SCHEMA, "", "class_b_first_selfpay",
                    "every ruleset states the class B first self-pay it classifies items with, "
                    "for the trace to cite: class_b_first_selfpay: {value: 10%%, cite: … or "
                    "assumption: …}" MIGRATE_HINT);
    if (raw->account == NULL && rs->tier == MB_TIER_BASIC)
        return mb_cfail(c, MB_E_SCHEMA, "", "account",
                    "a basic ruleset states how the personal account pays, for the trace to "
                    "cite: account: {value: first, last or none, cite: … or assumption: …}"
                    MIGRATE_HINT);
    if (raw->upstream == NULL && rs->tier != MB_TIER_BASIC)
        return mb_cfail(c, MB_E_SCHEMA, "", "upstream",
                    "a ruleset of tier %s settles what the tiers before it left and states the "
                    "clause that says so, for the trace to cite: upstream: {cite: … or "
                    "assumption: …}" MIGRATE_HINT, raw->tier);
    if (raw->upstream == NULL)
        return MB_OK;
    if (rs->tier == MB_TIER_BASIC)
        return mb_cfail(c, MB_E_RULESET, "", "upstream",
                    "a basic ruleset settles first: no tier comes before it for 'upstream' to cite");
    return mb_sourced(c, "upstream", raw->upstream->cite, raw->upstream->assumption, NULL,
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
    size_t most = (size_t)rs->nlayers * (3 + MB_DED_KEYS + MB_TARGET_KEYS);
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
            !add_acc_key(keys, &n, mb_cdup(c, paid), l->paid_key,
                         paid_is_cap ? l->cap.period : MB_PERIOD_YEAR, -1) ||
            (l->has_cap && !paid_is_cap &&
             !add_acc_key(keys, &n, l->cap.key_name, l->cap.key, l->cap.period, -1)))
            return NOMEM(c);
        for (uint32_t k = 0; k < l->nded_keys; k++)
            add_acc_key(keys, &n, l->ded_key_name[k], l->ded_key[k], MB_PERIOD_YEAR, -1);
        for (int k = 0; l->top_up_period && k < MB_TARGET_KEYS; k++)
            add_acc_key(keys, &n, l->target_key_name[k], l->target_key[k], MB_PERIOD_YEAR, -1);
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

/* A settlement holds at most MB_MAX_DELTAS accumulator changes and MB_MAX_FUNDS fund rows, three
 * of them kept for the upstream amounts (basic, critical illness, assistance): a ruleset whose
 * layers could pass either on one claim is refused here, at the layer that passes it, rather
 * than failing the claims that reach it. */
static int check_limits(ctx_t *c)
{
    enum { UPSTREAM_ROWS = 3 };
    mb_plan_excess x;
    int at = mb_plan_over(c->rs, c->arena, MB_MAX_DELTAS, MB_MAX_FUNDS - UPSTREAM_ROWS, &x);
    if (at == -2)
        return NOMEM(c);
    if (at < 0)
        return MB_OK;
    char p[PATH_MAX_LEN];
    mb_path_index(p, "layers", (unsigned)at);
    char med[8];
    snprintf(med, sizeof med, "%d", x.med_type);
    if (x.entries > MB_MAX_DELTAS)
        return mb_cfail(c, MB_E_RULESET, p, NULL,
                        "with this layer, one claim of med_type %s could change %u accumulators "
                        "(bases, payments, caps, deductible figures), more than the %d a "
                        "settlement holds: let layers share a base_key or a cap key, or split the "
                        "ruleset", med, x.entries, MB_MAX_DELTAS);
    return mb_cfail(c, MB_E_RULESET, p, NULL,
                    "with this layer, one claim of med_type %s could be paid from %u funds, more "
                    "than the %d a settlement reports beside the upstream amounts' %d: let layers "
                    "pay from fewer funds", med, x.funds, MB_MAX_FUNDS - UPSTREAM_ROWS,
                    UPSTREAM_ROWS);
}

/* The class B first self-pay (the default, and rows that choose another) and the 个人先自付
 * share of the policy-scope cost (first_selfpay rows), both read by the items step. */
static int compile_first_selfpay(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_ruleset *rs = c->rs;
    rs->class_b_cite = "";
    int rc;
    const raw_table_param *p = raw->class_b_first_selfpay;
    if (p != NULL) {
        if ((rc = mb_parse_ratio(c, "class_b_first_selfpay", "value", p->value, &rs->class_b_bp)) ||
            (rc = mb_sourced(c, "class_b_first_selfpay", p->cite, p->assumption, NULL,
                          &rs->class_b_cite)))
            return rc;
        /* the rows, then the default as a row without selectors: the rows win where they match */
        mb_rows rows;
        if ((rc = mb_compile_rows(c, "class_b_first_selfpay.rows", p->rows, p->rows_count,
                                  VALUE_RATIO, rs->class_b_cite, ROWS_ITEMS,
                                  "class_b_first_selfpay rows", &rows)))
            return rc;
        mb_row *all = mb_arena_alloc(c->arena, (rows.n + 1) * sizeof *all);
        if (all == NULL)
            return NOMEM(c);
        if (rows.n)
            memcpy(all, rows.row, rows.n * sizeof *all);
        mb_row *dflt = &all[rows.n];
        dflt->sel = (mb_sel){.referred = -1, .group = -1, .category = -1, .disease = -1,
                             .age_lo = -1, .age_hi = -1};
        for (int s = 0; s < MB_SLOT_COUNT; s++)
            dflt->v[s] = rs->class_b_bp;
        dflt->cite = rs->class_b_cite;
        dflt->path = "class_b_first_selfpay";
        rs->class_b = (mb_rows){.row = all, .n = rows.n + 1, .uses = rows.uses,
                                .first_visit = rows.first_visit};
        mb_rows_by_person(&rs->class_b);
    }
    return mb_compile_rows(c, "first_selfpay", raw->first_selfpay, raw->first_selfpay_count,
                           VALUE_RATIO, NULL, ROWS_ITEMS, "first_selfpay rows",
                           &rs->first_selfpay);
}

static int compile_top(ctx_t *c)
{
    const raw_ruleset *raw = c->raw;
    mb_ruleset *rs = c->rs;
    int rc, v;
    if (raw->format && strcmp(raw->format, "2") != 0)
        return mb_cfail(c, MB_E_SCHEMA, "", "format",
                        strcmp(raw->format, "1") == 0
                            ? "format 1 is the 1.0 format, which this library no longer reads "
                              "as written: 'medbenefit migrate FILE > NEW.yaml' rewrites it as "
                              "format 2, got '%s'"
                            : "expected 2 (the format this library reads; absent means 2), got "
                              "'%s'",
                        raw->format);
    if (strspn(raw->id, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(raw->id) || !*raw->id)
        return mb_cfail(c, MB_E_SCHEMA, "", "id", "an id uses a-z, 0-9, '-' and '_' only, got '%s'",
                    raw->id);
    rs->ns_id = rs->id;
    if (raw->continues) {
        if (!*raw->continues ||
            strspn(raw->continues, "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
                strlen(raw->continues))
            return mb_cfail(c, MB_E_SCHEMA, "", "continues",
                        "continues names the id of the first ruleset of the line (a-z, 0-9, '-' "
                        "and '_'), got '%s'", raw->continues);
        if (strcmp(raw->continues, raw->id) == 0)
            return mb_cfail(c, MB_E_RULESET, "", "continues", "a ruleset cannot continue itself");
        if ((rs->ns_id = mb_cdup(c, raw->continues)) == NULL)
            return NOMEM(c);
    }
    rs->ns = mb_hash(rs->ns_id);
    /* a revision continues its predecessor's chronic activity, as its other figures */
    rs->activity_key = mb_hash_join(rs->ns_id, "activity");
    rs->revoked_key = mb_hash_join(rs->ns_id, "revoked");
    static const mb_keyword tiers[] = {{"basic", MB_TIER_BASIC},
                                       {"critical_illness", MB_TIER_CRITICAL_ILLNESS},
                                       {"assistance", MB_TIER_ASSISTANCE}};
    if ((rc = mb_parse_keyword(c, "", "tier", raw->tier, KEYWORDS(tiers), &rs->tier)))
        return rc;
    if ((rc = mb_parse_date(c, "", "effective_from", raw->effective_from, &rs->effective_from)))
        return rc;
    rs->effective_to = 29991231;
    if (raw->effective_to &&
        (rc = mb_parse_date(c, "", "effective_to", raw->effective_to, &rs->effective_to)))
        return rc;
    if (rs->effective_to < rs->effective_from)
        return mb_cfail(c, MB_E_RULESET, "", "effective_to",
                    "effective_to %s is before effective_from %s", raw->effective_to,
                    raw->effective_from);
    static const mb_keyword schemes[] = {{"employee", MB_SCHEME_EMPLOYEE},
                                         {"resident", MB_SCHEME_RESIDENT}};
    rs->schemes = (1u << MB_SCHEME_EMPLOYEE) | (1u << MB_SCHEME_RESIDENT);
    if (raw->schemes_count)
        rs->schemes = 0;
    for (unsigned i = 0; i < raw->schemes_count; i++) {
        char p[PATH_MAX_LEN];
        mb_path_index(p, "schemes", i);
        if ((rc = mb_parse_keyword(c, p, NULL, raw->schemes[i], KEYWORDS(schemes), &v)))
            return rc;
        rs->schemes |= 1u << v;
    }
    rs->account = MB_ACCOUNT_LAST;
    rs->account_cite = "";
    if (raw->account) {
        static const mb_keyword modes[] = {{"first", MB_ACCOUNT_FIRST},
                                           {"last", MB_ACCOUNT_LAST},
                                           {"none", MB_ACCOUNT_NONE}};
        if ((rc = mb_parse_keyword(c, "account", "value", raw->account->value, KEYWORDS(modes),
                                   &rs->account)) ||
            (rc = mb_sourced(c, "account", raw->account->cite, raw->account->assumption, NULL,
                          &rs->account_cite)))
            return rc;
    }
    if (raw->designated_facility) {
        const raw_facility_rule *f = raw->designated_facility;
        int32_t from, to;
        char buf[16];
        snprintf(buf, sizeof buf, "2000-%s", f->change_from);
        if (mb_date_parse(buf, &from, NULL) != MB_OK)
            return mb_cfail(c, MB_E_SCHEMA, "designated_facility", "change_from",
                        "expected MM-DD, got '%s'", f->change_from);
        snprintf(buf, sizeof buf, "2000-%s", f->change_to);
        if (mb_date_parse(buf, &to, NULL) != MB_OK || to < from)
            return mb_cfail(c, MB_E_SCHEMA, "designated_facility", "change_to",
                        "expected MM-DD on or after change_from, got '%s'", f->change_to);
        rs->facility_change_from = from % 10000;
        rs->facility_change_to = to % 10000;
        if ((rc = mb_sourced(c, "designated_facility", f->cite, f->assumption, NULL,
                          &rs->facility_cite)))
            return rc;
    }
    if (raw->family_account) {
        const raw_family *f = raw->family_account;
        static const mb_keyword relations[] = {{"spouse", MB_FAMILY_SPOUSE},
                                               {"parent", MB_FAMILY_PARENT},
                                               {"child", MB_FAMILY_CHILD}};
        for (unsigned i = 0; i < f->relations_count; i++) {
            char p[PATH_MAX_LEN];
            mb_path_index(p, "family_account.relations", i);
            if ((rc = mb_parse_keyword(c, p, NULL, f->relations[i], KEYWORDS(relations), &v)))
                return rc;
            rs->family_relations |= 1u << v;
        }
        if ((rc = mb_sourced(c, "family_account", f->cite, f->assumption, NULL, &rs->family_cite)))
            return rc;
    }
    return MB_OK;
}

int mb_compile(mb_ruleset *rs, mb_arena *arena, const raw_ruleset *raw, const char *text,
               size_t len, const char *file, mb_error *err)
{
    ctx_t c = {.rs = rs, .arena = arena, .raw = raw, .text = text, .len = len, .file = file,
               .err = err};
    int rc = MB_OK;
    rs->id = mb_cdup(&c, raw->id);
    rs->title = mb_cdup(&c, raw->title);
    rs->document = mb_cdup(&c, raw->document);
    rs->source_name = mb_cdup(&c, file);
    if (!rs->id || !rs->title || !rs->document || !rs->source_name) {
        rc = NOMEM(&c);
        goto out;
    }
    /* in the order the sections name each other: selectors name groups, facility categories
     * and diseases; groups name catalogue groups */
    if ((rc = compile_top(&c)) || (rc = compile_funds(&c)) ||
        (rc = mb_compile_facility_categories(&c)) || (rc = mb_compile_disease_groups(&c)) ||
        (rc = mb_compile_groups(&c)) || (rc = mb_compile_referral(&c)) ||
        (rc = mb_compile_catalogue(&c)) || (rc = mb_compile_assistance(&c)) ||
        (rc = compile_first_selfpay(&c)))
        goto out;
    if ((rc = mb_compile_rows(&c, "account_accrual", raw->account_accrual,
                              raw->account_accrual_count, VALUE_RATIO, NULL, ROWS_DATE_ONLY,
                              "account_accrual rows", &rs->accrual)))
        goto out;
    mb_layer *layers = mb_arena_alloc(arena, raw->layers_count * sizeof *layers);
    if (layers == NULL) {
        rc = NOMEM(&c);
        goto out;
    }
    rs->layers = layers;
    for (unsigned i = 0; i < raw->layers_count; i++) {
        rs->nlayers = i;
        if ((rc = mb_compile_layer(&c, i, &layers[i])))
            goto out;
    }
    rs->nlayers = raw->layers_count;
    if ((rc = compile_trace_sources(&c)) || (rc = compile_acc_keys(&c)) ||
        (rc = check_limits(&c)))
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
    return mb_cfail(c, status, path, key, "%s", msg);
}

int mb_compile_sourced(mb_compile_ctx *c, const char *path, const char *cite,
                       const char *assumption, const char **out)
{
    return mb_sourced(c, path, cite, assumption, NULL, out);
}

mb_arena *mb_compile_arena(mb_compile_ctx *c) { return c->arena; }
