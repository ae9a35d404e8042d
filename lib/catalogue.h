#ifndef MB_CATALOGUE_H
#define MB_CATALOGUE_H
#include "handles.h"
#include "ruleset.h"

/* The enrollee's chronic activity under a ruleset, for revocation: the last chronic claim or
 * discharge, and the date a qualification lapsed for want of activity (0: never). */
typedef struct mb_activity {
    int32_t last, revoked;
} mb_activity;

typedef struct mb_check {
    int reason;             /* MB_REASON_*, NONE when the disease is covered */
    const char *cite;
    int32_t date;           /* the date the reason turns on (start, expiry, revocation) */
    int held;               /* index into the held list, -1 */
    int other;              /* the other disease of an exclusive pair */
} mb_check;

/* One disease the enrollee holds, however many times it was certified, as the ruleset's
 * lifecycle rules see it on a date. */
typedef struct mb_standing {
    int disease;            /* catalogue index */
    int held;               /* the certification that decides: the one in force, else the next
                               to begin, else the last to have begun */
    int32_t since;          /* the first day of its continuous certification: its rank */
    bool renewal;           /* that certification renews an earlier one of the disease */
    bool in_force;          /* that certification's benefit period holds the date */
    bool counted;           /* takes one of the places the disease limit allows */
    mb_check chk;           /* reason NONE: covered on the date */
} mb_standing;

/* Every disease an enrollee holds under one ruleset, decided together on one date. The disease
 * limit, exclusive pairs, stacking and the multi-disease cap raise all count diseases, never
 * certification records, and both certification (certify.c) and settlement read them here. */
typedef struct mb_roster {
    int32_t date;
    mb_activity act;
    const mb_held_disease *held;               /* `own`, or a cache's (mb_roster_hold) */
    uint32_t nheld;
    bool repeats;                              /* a disease is held more than once */
    bool decided;                              /* d[] and n are filled */
    mb_standing d[MB_MAX_DISEASES + 1];        /* one per disease held, in rank order */
    uint32_t n;
    mb_held_disease own[MB_MAX_DISEASES + 1];  /* + a certification being considered */
} mb_roster;

/* The first day of benefit of a certification, and its last valid day. */
static inline int32_t mb_cert_start(const mb_ruleset *rs, int disease, int32_t certified_on)
{
    switch (rs->diseases[disease].start) {
    case MB_START_SAME_MONTH: return mb_month_start(certified_on, 0);
    case MB_START_NEXT_MONTH: return mb_month_start(certified_on, 1);
    default: return certified_on;
    }
}
int32_t mb_cert_end_of(const mb_ruleset *rs, int disease, int32_t certified_on);
static inline int32_t mb_cert_end(const mb_ruleset *rs, int disease, const mb_certification *c)
{
    if (c->valid_until != 0)
        return c->valid_until;
    return rs->diseases[disease].valid_months == 0 ? 29991231
                                                   : mb_cert_end_of(rs, disease, c->certified_on);
}
/* The enrollee's certifications in this catalogue, decided on `date`. */
void mb_roster_build(mb_roster *r, const mb_ruleset *rs, const mb_enrollee *e, int32_t date,
                     const mb_activity *act);
/* What settlement needs: the certifications (from `cache` when it holds this enrollee's under
 * this ruleset, else worked out into it; it may be NULL), decided together only where one
 * disease bears on another; mb_roster_check, mb_roster_nth and mb_stack_share answer either
 * way. */
void mb_roster_hold(mb_roster *r, const mb_ruleset *rs, const mb_enrollee *e, int32_t date,
                    const mb_activity *act, mb_held_cache *cache);
/* The same, as it would be with `disease` certified on `date` as well. */
void mb_roster_build_with(mb_roster *r, const mb_ruleset *rs, const mb_enrollee *e, int disease,
                          int32_t date, const mb_activity *act);
/* The standing of `disease`, or NULL when the enrollee does not hold it (a built roster). */
const mb_standing *mb_roster_find(const mb_roster *r, int disease);
/* Whether `disease` is covered on the roster's date; the reason when not. */
int mb_roster_check(const mb_ruleset *rs, const mb_roster *r, int disease, mb_check *out);
/* How many diseases take a place under the limit on the roster's date (a built roster). */
uint32_t mb_roster_places(const mb_roster *r);
/* The diseases a roster holds, each once, whether decided or only held: how many, and the k-th
 * (its catalogue index in *disease) with the reason it is not covered on the date (0: covered). */
uint32_t mb_roster_count(const mb_roster *r);
int mb_roster_nth(const mb_ruleset *rs, const mb_roster *r, uint32_t k, int *disease);
/* The cap a disease is ranked by (stacking, a raise by the diseases' caps): its whole-disease
 * cap, else its first line's. */
int64_t mb_disease_rank_cap(const mb_disease *d, int slot);
/* The share of its own cap a disease keeps under the ruleset's stacking rule, in bp. */
int32_t mb_stack_share(const mb_ruleset *rs, const mb_roster *r, int disease, int slot);
#endif
