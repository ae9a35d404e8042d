/*
 * The settlement plan: what a compiled ruleset's settlement would otherwise work out on every
 * claim, worked out once at load.
 *
 *  - For each layer and person slot, the rows of its deductible, ratio and cap tables that
 *    give a value for that slot, latest `from` first: the first one a claim's date, facility
 *    and referral match is the row mb_rows_pick would choose.
 *  - For each med_type, how many accumulator entries one settlement can add at most (each
 *    layer's base, payments, cap, per-disease cap and benefit kind, each key and period once,
 *    and the revocation dates), so that mb_enrollee_reserve_for can make exactly that room.
 */
#include <string.h>

#include "arena.h"
#include "ruleset.h"

/* The rows of `rows` with a value for `slot`, in the order a pick tries them. */
static int picks_of(mb_arena *arena, const mb_rows *rows, int slot, mb_picks *out)
{
    *out = (mb_picks){NULL, 0};
    uint32_t n = 0;
    for (uint32_t i = 0; i < rows->n; i++)
        n += rows->row[i].v[slot] != MB_ABSENT;
    if (n == 0)
        return MB_OK;
    mb_pick *p = mb_arena_alloc(arena, n * sizeof *p);
    if (p == NULL)
        return MB_E_NOMEM;
    /* insertion by `from`, latest first; equal ones keep file order (mb_rows_pick keeps the
     * first of the latest) */
    uint32_t k = 0;
    for (uint32_t i = 0; i < rows->n; i++) {
        const mb_row *row = &rows->row[i];
        if (row->v[slot] == MB_ABSENT)
            continue;
        uint32_t j = k++;
        for (; j > 0 && p[j - 1].from < row->from; j--)
            p[j] = p[j - 1];
        p[j] = (mb_pick){row->from, row->facility, row->referred, row->v[slot], row};
    }
    *out = (mb_picks){p, n};
    return MB_OK;
}

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
static uint32_t new_entries(const mb_ruleset *rs, int med_type, entry *seen)
{
    uint32_t n = 0;
    bool disease_cap = false;
    for (uint32_t i = 0; i < rs->nlayers; i++) {
        const mb_layer *l = &rs->layers[i];
        if (!(l->med_types & (1u << (med_type % 32))))
            continue;
        add_entry(seen, &n, l->base_key, MB_PERIOD_YEAR);
        if (l->has_cap)
            add_entry(seen, &n, l->cap.key, l->cap.period);
        if (l->cap.key != l->paid_key)
            add_entry(seen, &n, l->paid_key, MB_PERIOD_YEAR);
        add_entry(seen, &n, l->kind_key, MB_PERIOD_YEAR);
        disease_cap |= l->disease_caps;
    }
    if (rs->revoke_idle_months > 0 && (med_type == MB_MED_CHRONIC || med_type == MB_MED_INPATIENT))
        n += 2; /* the last activity and the lapse, kept at period 0 */
    return n + disease_cap;
}

int mb_plan(mb_ruleset *rs, mb_arena *arena, mb_error *err)
{
    mb_layer_plan *plans = mb_arena_alloc(arena, (rs->nlayers + 1) * sizeof *plans);
    entry *seen = mb_arena_alloc(arena, (rs->nlayers * 4 + 1) * sizeof *seen);
    if (plans == NULL || seen == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory planning %s", rs->id);
    for (uint32_t i = 0; i < rs->nlayers; i++) {
        const mb_layer *l = &rs->layers[i];
        for (int slot = 0; slot < MB_SLOT_COUNT; slot++)
            if (picks_of(arena, &l->deductible, slot, &plans[i].deductible[slot]) ||
                picks_of(arena, &l->ratio, slot, &plans[i].ratio[slot]) ||
                picks_of(arena, &l->cap.rows, slot, &plans[i].cap[slot]))
                return mb_fail(err, MB_E_NOMEM, "out of memory planning %s", rs->id);
    }
    rs->plans = plans;
    static const int med_types[] = {MB_MED_GENERAL_OUTPATIENT, MB_MED_EMERGENCY, MB_MED_CHRONIC,
                                    MB_MED_INPATIENT, MB_MED_PHARMACY};
    for (size_t k = 0; k < sizeof med_types / sizeof med_types[0]; k++) {
        uint32_t n = new_entries(rs, med_types[k], seen);
        rs->new_entries[med_types[k] % 32] = n;
        if (n > rs->most_new_entries)
            rs->most_new_entries = n;
    }
    return MB_OK;
}
