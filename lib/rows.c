/* Tables of rows: the one that applies to a claim is chosen by its selectors (select.h). */
#include "ruleset.h"

const mb_row *mb_rows_pick(const mb_rows *rows, const mb_view *v)
{
    if (rows->by_person) /* chosen at load (mb_rows_by_person) */
        return rows->person_row[v->slot] < 0 ? NULL : &rows->row[rows->person_row[v->slot]];
    const mb_row *best = NULL;
    for (uint32_t i = 0; i < rows->n; i++) {
        const mb_row *row = &rows->row[i];
        if (row->v[v->slot] == MB_ABSENT || !mb_sel_match(&row->sel, v, rows->first_visit))
            continue;
        /* the most specific, then a later `from` (a parameter that changed on a date); then
         * file order */
        if (best == NULL || mb_sel_better(&row->sel, &best->sel))
            best = row;
    }
    return best;
}

const void *mb_sel_pick(const void *rows, uint32_t n, size_t size, const mb_view *v)
{
    const mb_sel *best = NULL;
    for (uint32_t i = 0; i < n; i++) {
        const mb_sel *sel = (const mb_sel *)((const char *)rows + i * size);
        if (mb_sel_match(sel, v, false) && (best == NULL || mb_sel_better(sel, best)))
            best = sel;
    }
    return best;
}

void mb_rows_by_person(mb_rows *rows)
{
    rows->by_person = rows->uses == 0 && rows->n > 0 && rows->n < INT8_MAX;
    for (int slot = 0; rows->by_person && slot < MB_SLOT_COUNT; slot++) {
        /* mb_rows_pick's choice when every row matches: the same loop without the match */
        const mb_row *best = NULL;
        for (uint32_t i = 0; i < rows->n; i++) {
            const mb_row *row = &rows->row[i];
            if (row->v[slot] != MB_ABSENT && (best == NULL || mb_sel_better(&row->sel, &best->sel)))
                best = row;
        }
        rows->person_row[slot] = best ? (int8_t)(best - rows->row) : -1;
    }
}

/* Whether another matching row of the same group is preferred to `row`. */
static bool superseded(const mb_rows *rows, const mb_row *row, const mb_view *v)
{
    for (uint32_t i = 0; i < rows->n; i++) {
        const mb_row *other = &rows->row[i];
        if (other != row && other->sel.group == row->sel.group &&
            other->v[v->slot] != MB_ABSENT && mb_sel_match(&other->sel, v, rows->first_visit) &&
            (mb_sel_better(&other->sel, &row->sel) ||
             (other < row && !mb_sel_better(&row->sel, &other->sel))))
            return true;
    }
    return false;
}

const mb_row *mb_rows_pick_max(const mb_rows *rows, const mb_view *v)
{
    const mb_row *best = NULL;
    for (uint32_t i = 0; i < rows->n; i++) {
        const mb_row *row = &rows->row[i];
        /* a category's row: most are of groups the person does not hold */
        if (row->sel.group >= 0 && !((v->groups >> row->sel.group) & 1u))
            continue;
        if (row->v[v->slot] == MB_ABSENT || !mb_sel_match(&row->sel, v, rows->first_visit) ||
            (!rows->one_per_group && superseded(rows, row, v)))
            continue;
        /* each group's row as mb_rows_pick would choose it; of those, the highest */
        if (best == NULL || row->v[v->slot] > best->v[v->slot])
            best = row;
    }
    return best;
}

void mb_view_plain(mb_view *v, int32_t date, int slot)
{
    *v = (mb_view){.date = date, .slot = slot, .age = -1, .category = -1, .disease = -1};
}

uint32_t mb_rows_max_order(const mb_rows *rows, int slot, const mb_row **out)
{
    /* every group held: a row is then superseded by what its own group's rows hold, the same
     * whenever its group is held, which is when mb_rows_pick_max looks at it */
    mb_view all;
    mb_view_plain(&all, 0, slot);
    all.groups = ~UINT64_C(0);
    uint32_t n = 0;
    for (uint32_t i = 0; i < rows->n; i++) {
        const mb_row *row = &rows->row[i];
        if (row->v[slot] == MB_ABSENT || (!rows->one_per_group && superseded(rows, row, &all)))
            continue;
        uint32_t k = n++; /* insertion in order: after those of a value at least its own */
        while (k > 0 && out[k - 1]->v[slot] < row->v[slot]) {
            out[k] = out[k - 1];
            k--;
        }
        out[k] = row;
    }
    return n;
}
