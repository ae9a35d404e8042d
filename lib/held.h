/* An enrollee's certifications resolved against one ruleset's catalogue (catalogue.c), and the
 * copy of them a result handle or a batch keeps so that the next claim of the same enrollee
 * does not resolve them again. Internal. */
#ifndef MB_HELD_H
#define MB_HELD_H

#include <stdbool.h>
#include <stdint.h>

#include "medbenefit.h"

#define MB_MAX_DISEASES 16

/* One certification: its catalogue index, and its benefit period as the catalogue's rules give
 * it. */
typedef struct mb_held_disease {
    int disease;            /* catalogue index */
    int32_t certified_on, start, end;
} mb_held_disease;

/* What does not depend on the claim's date, kept under what it was worked out from: the
 * enrollee handle (its instance, never reused) and the state of its certifications, and the
 * ruleset (its address and its load serial, never reused), so that it is never stale: a
 * certification added or replaced, or another ruleset loaded at the same address, misses. */
typedef struct mb_held_cache {
    uint64_t instance;         /* mb_enrollee.instance; 0: nothing kept yet */
    uint64_t certs_gen;        /* mb_enrollee.certs_gen */
    const mb_ruleset *rs;
    uint64_t rs_serial;        /* mb_ruleset.serial */
    uint32_t nheld;
    bool repeats;              /* a disease is certified more than once */
    mb_held_disease held[MB_MAX_DISEASES];
} mb_held_cache;

#endif
