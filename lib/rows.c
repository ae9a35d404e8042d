/* Rows of values: the one that applies to a claim is chosen by date, facility and referral. */
#include "ruleset.h"

const mb_row *mb_rows_pick(const mb_rows *rows, int32_t date, int facility, int referred, int slot)
{
    const mb_row *best = NULL;
    for (uint32_t i = 0; i < rows->n; i++) {
        const mb_row *row = &rows->row[i];
        if (row->from > date || (row->facility != MB_FAC_ANY && row->facility != facility) ||
            (row->referred >= 0 && row->referred != referred) || row->v[slot] == MB_ABSENT)
            continue;
        /* a later `from` wins (a parameter that changed on a date); then file order */
        if (best == NULL || row->from > best->from)
            best = row;
    }
    return best;
}
