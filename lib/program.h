/* The plain path (program.c): a tier whose layers for a claim are all plain pays without the
 * layers' general path, or declines the claim to it. Internal. */
#ifndef MB_PROGRAM_H
#define MB_PROGRAM_H

#include "handles.h"
#include "ruleset.h"

#define MB_PLAIN_SPAN_MAX 4 /* a tier with more layers for a claim takes the general path */

/* How the rows a plain layer reads see a claim's facility: first-visit care at a primary,
 * secondary or tertiary facility, care at one of those, a pharmacy (a layer's `pharmacy: {as:
 * pharmacy}`), or none (a pharmacy claim without a prescriber), and whether it is referred. */
enum { MB_PLAIN_CASES = 8 };

/* The row of a table chosen by the person, the facility's class and the referral alone, for
 * each of them, found at load: NULL where none applies. Indexed by mb_plain_cell. */
typedef struct mb_plain_rows {
    const mb_row *at[MB_SLOT_COUNT * MB_PLAIN_CASES * 2];
} mb_plain_rows;

static inline int mb_plain_cell(int slot, int fcase, int referred)
{
    return (slot * MB_PLAIN_CASES + fcase) * 2 + referred;
}

/* A plain layer: its tables' rows, and its one band of the year's base (the whole of it
 * when the layer states none), found at load. */
typedef struct mb_plain {
    const mb_layer *layer;
    bool by_category;           /* its ratio is the assistance category's */
    bool reads_category;        /* by_category, or it requires an identity */
    mb_plain_rows ratio;        /* NULL: no ratio for the claim (all NULL: by_category) */
    mb_plain_rows deductible;   /* NULL: none */
    mb_plain_rows cap;          /* NULL: no cap for the claim */
    int64_t band_lo, band_hi;   /* the band, MB_UNLIMITED open above */
    const char *band_rule;      /* its trace steps' rule */
    int fund;                   /* the band's fund */
} mb_plain;

/* The assistance categories a person can be given, in the order mb_rows_pick_max prefers them
 * (mb_rows_max_order), for a ruleset whose categories are chosen by group alone. */
typedef struct mb_plain_categories {
    uint32_t n[MB_SLOT_COUNT];
    const mb_row **row[MB_SLOT_COUNT];
} mb_plain_categories;

/* The layers a claim of one scheme and med_type can apply, in the tier's order, all plain. */
typedef struct mb_plain_span {
    uint32_t n;
    const mb_plain *layer[MB_PLAIN_SPAN_MAX];
    const mb_plain_categories *categories; /* NULL: picked on a view of the groups held */
    bool by_facility;           /* a layer's rows or penalty read the facility or the referral */
} mb_plain_span;

/* Work out at load, for each scheme and med_type, whether its claims take the plain path
 * (rs->plain_for): MB_E_NOMEM when memory runs out. */
struct mb_arena;
int mb_program_plan(mb_ruleset *rs, struct mb_arena *arena);

/* Apply the tier's plain layers `span` to the claim as the layers' general path would, their
 * trace steps and the reasons a layer does not apply too, with the tier's roster and the
 * claim's disease in its catalogue (-1: none): *applied whether a layer applied. Returns the
 * outcome (an accumulator's overflow, say). */
struct settle_ctx;
struct mb_roster;
int mb_plain_run(struct settle_ctx *x, const mb_ruleset *rs, const mb_plain_span *span,
                 const struct mb_roster *roster, int disease, bool *applied);

#endif
