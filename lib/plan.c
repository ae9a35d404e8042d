/*
 * The settlement plan: what a compiled ruleset's settlement would otherwise work out on every
 * claim, worked out once at load.
 *
 *  - For each med_type, how many accumulator entries one settlement can add at most (each
 *    layer's base, payments, cap, per-disease cap, deductible figures and benefit kind, each
 *    key and period once, and the revocation dates), so that mb_enrollee_reserve_for can make
 *    exactly that room.
 *  - How many trace steps one claim can record, so that a result holds a chain's whole trace.
 *
 * The rows a claim's values come from are chosen by selectors compiled at load (select.h,
 * view.c), against a view of the claim built once per tier.
 */
#include <string.h>

#include "arena.h"
#include "program.h"
#include "ruleset.h"

/* An accumulator one settlement may add: a key, and the kind of period it is kept by. */
typedef struct entry {
    uint64_t key;
    int period;
} entry;

static void add_entry(entry *seen, uint32_t *n, uint64_t key, int period)
{
    for (uint32_t i = 0; i < *n; i++)
        if (seen[i].key == key && seen[i].period == period)
            return;
    seen[(*n)++] = (entry){key, period};
}

/* The most entries one claim of `med_type` can add under `rs` (layer.c's record stage, and
 * settle.c's revocation dates). A claim names one disease, so the per-disease caps of every
 * layer that applies them count once. */
static uint32_t new_entries(const mb_ruleset *rs, uint32_t nlayers, int med_type, entry *seen)
{
    uint32_t n = 0;
    bool disease_cap = false;
    for (uint32_t i = 0; i < nlayers; i++) {
        const mb_layer *l = &rs->layers[i];
        if (!(l->med_types & (1u << (med_type % 32))))
            continue;
        add_entry(seen, &n, l->base_key, MB_PERIOD_YEAR);
        if (l->has_cap)
            add_entry(seen, &n, l->cap.key, l->cap.period);
        if (l->cap.key != l->paid_key)
            add_entry(seen, &n, l->paid_key, MB_PERIOD_YEAR);
        add_entry(seen, &n, l->kind_key, MB_PERIOD_YEAR);
        for (uint32_t k = 0; k < l->nded_keys; k++) /* deductible.c's record */
            add_entry(seen, &n, l->ded_key[k], MB_PERIOD_YEAR);
        for (int k = 0; l->top_up_period && k < MB_TARGET_KEYS; k++) /* topup.c's record */
            add_entry(seen, &n, l->target_key[k], MB_PERIOD_YEAR);
        disease_cap |= l->disease_caps;
    }
    if (rs->revoke_idle_months > 0 && (med_type == MB_MED_CHRONIC || mb_med_inpatient(med_type)))
        n += 2; /* the last activity and the lapse, kept at period 0 */
    return n + disease_cap;
}

static bool pays_from(const mb_layer *l, int fund)
{
    if (l->fund == fund)
        return true;
    for (uint32_t k = 0; k < l->nbands; k++)
        if (l->bands[k].fund == fund)
            return true;
    return false;
}

/* The funds the first `nlayers` layers can pay a claim of `med_type` from: each a fund row of
 * the settlement (layer.c's fund_row). */
static uint32_t funds_used(const mb_ruleset *rs, uint32_t nlayers, int med_type)
{
    uint32_t n = 0;
    for (uint32_t f = 0; f < rs->nfunds; f++)
        for (uint32_t i = 0; i < nlayers; i++)
            if ((rs->layers[i].med_types & (1u << (med_type % 32))) &&
                pays_from(&rs->layers[i], (int)f)) {
                n++;
                break;
            }
    return n;
}

int mb_plan_over(const mb_ruleset *rs, mb_arena *arena, uint32_t max_entries, uint32_t max_funds,
                 mb_plan_excess *out)
{
    entry *seen = mb_arena_alloc(arena, (rs->nlayers * (4 + MB_DED_KEYS + MB_TARGET_KEYS) + 1) * sizeof *seen);
    if (seen == NULL)
        return -2;
    for (uint32_t i = 1; i <= rs->nlayers; i++)
        for (size_t k = 0; k < MB_MED_TYPE_COUNT; k++) {
            int med = mb_med_types[k];
            *out = (mb_plan_excess){med, new_entries(rs, i, med, seen), funds_used(rs, i, med)};
            if (out->entries > max_entries || out->funds > max_funds)
                return (int)i - 1;
        }
    return -1;
}

/* The most trace steps one claim records in the ruleset's tier (settle.c, layer.c,
 * deductible.c): the account paying first, and for each layer its pharmacy class, tilt,
 * deductible (with its repeat and ceiling), top-up, each band, the cap's raise, stacking, the
 * limit that cut it and the layer's own step. An upper bound: each is recorded at most once. */
static uint32_t trace_steps(const mb_ruleset *rs)
{
    uint32_t n = 1;
    for (uint32_t i = 0; i < rs->nlayers; i++)
        n += 10 + (rs->layers[i].nbands ? rs->layers[i].nbands : 1);
    return n;
}

/* The layers a claim of each scheme and med_type can apply, so that a tier visits only those
 * (settle.c): the ranges of rs->layers_for, in order of scheme, then med_type % 32. */
static int order_layers(mb_ruleset *rs, mb_arena *arena)
{
    uint16_t *order = mb_arena_alloc(arena, (size_t)2 * 32 * rs->nlayers * sizeof *order + 1);
    if (order == NULL)
        return MB_E_NOMEM;
    uint32_t n = 0;
    for (int scheme = 0; scheme < 3; scheme++)
        for (uint32_t m = 0; m < 32; m++) {
            rs->layers_for[scheme][m] = n;
            for (uint32_t i = 0; scheme > 0 && i < rs->nlayers; i++)
                if (((rs->layers[i].med_types >> m) & 1u) && ((rs->layers[i].schemes >> scheme) & 1u))
                    order[n++] = (uint16_t)i;
            rs->layers_for[scheme][m + 1] = n;
        }
    rs->layer_order = order;
    return MB_OK;
}

int mb_plan(mb_ruleset *rs, mb_arena *arena, mb_error *err)
{
    rs->trace_steps = trace_steps(rs);
    if (rs->nlayers > UINT16_MAX || order_layers(rs, arena) != MB_OK ||
        mb_program_plan(rs, arena) != MB_OK)
        return mb_fail(err, rs->nlayers > UINT16_MAX ? MB_E_RULESET : MB_E_NOMEM,
                       rs->nlayers > UINT16_MAX ? "%s has more than 65535 layers"
                                                : "out of memory planning %s", rs->id);
    entry *seen = mb_arena_alloc(arena, (rs->nlayers * (4 + MB_DED_KEYS + MB_TARGET_KEYS) + 1) * sizeof *seen);
    if (seen == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory planning %s", rs->id);
    for (size_t k = 0; k < MB_MED_TYPE_COUNT; k++) {
        uint32_t n = new_entries(rs, rs->nlayers, mb_med_types[k], seen);
        rs->new_entries[mb_med_types[k] % 32] = n;
        if (n > rs->most_new_entries)
            rs->most_new_entries = n;
        uint32_t f = funds_used(rs, rs->nlayers, mb_med_types[k]);
        if (f > rs->most_funds)
            rs->most_funds = f;
    }
    return MB_OK;
}
