#ifndef MB_CATALOGUE_H
#define MB_CATALOGUE_H
#include "handles.h"
#include "ruleset.h"

/* An enrollee's certification resolved against one ruleset's catalogue. */
typedef struct mb_held_disease {
    int disease;            /* catalogue index */
    int32_t certified_on, start, end;
} mb_held_disease;

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

int32_t mb_cert_start(const mb_ruleset *rs, int disease, int32_t certified_on);
int32_t mb_cert_end(const mb_ruleset *rs, int disease, const mb_certification *c);
/* Fill `out` (room for MB_MAX_DISEASES) with the certifications in this catalogue. */
uint32_t mb_held(const mb_ruleset *rs, const mb_enrollee *e, mb_held_disease *out);
/* Whether `h` renews an earlier certification of the same disease. */
bool mb_is_renewal(const mb_held_disease *held, uint32_t n, const mb_held_disease *h);
uint32_t mb_active_count(const mb_held_disease *held, uint32_t n, int32_t date);
/* Whether `disease` is covered on `date`; the reason when not. */
int mb_disease_check(const mb_ruleset *rs, const mb_held_disease *held, uint32_t n, int disease,
                     int32_t date, const mb_activity *act, mb_check *out);
/* The share of its own cap a disease keeps under the ruleset's stacking rule, in bp. */
int32_t mb_stack_share(const mb_ruleset *rs, const mb_held_disease *held, uint32_t n,
                       int disease, int32_t date, const mb_activity *act, int slot);
/* The activity keys of a ruleset, and reading them through a getter. */
uint64_t mb_activity_key(const mb_ruleset *rs);
uint64_t mb_revoked_key(const mb_ruleset *rs);
#endif
