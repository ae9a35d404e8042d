/* The plain path (program.c): a tier whose only layer for a claim is plain pays without the
 * layers' general path, or declines the claim to it. Internal. */
#ifndef MB_PROGRAM_H
#define MB_PROGRAM_H

#include "handles.h"
#include "ruleset.h"

/* A plain layer and the row of each of its tables each person takes, found at load. */
typedef struct mb_plain {
    const mb_layer *layer;
    const mb_row *ratio[MB_SLOT_COUNT];      /* NULL: no ratio for the person (not covered) */
    const mb_row *deductible[MB_SLOT_COUNT]; /* NULL: none */
    const mb_row *cap[MB_SLOT_COUNT];        /* NULL: no cap for the person */
} mb_plain;

/* Work out at load, for each scheme and med_type, whether its claims take the plain path
 * (rs->plain_for): MB_E_NOMEM when memory runs out. */
struct mb_arena;
int mb_program_plan(mb_ruleset *rs, struct mb_arena *arena);

/* Pay the tier's plain layer `p` for the claim as the layers' general path would, its trace
 * steps too, with the tier's roster and the claim's disease in its catalogue (-1: none).
 * Returns false, having changed nothing, for a claim the path does not take (the general path
 * settles it); true when it paid, with *rc the outcome (an accumulator's overflow, say). */
struct settle_ctx;
struct mb_roster;
bool mb_plain_run(struct settle_ctx *x, const mb_ruleset *rs, const mb_plain *p,
                  const struct mb_roster *roster, int disease, int *rc);

#endif
