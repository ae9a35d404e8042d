/* Certification criteria: numbered items and a rule over them (criteria.c). */
#ifndef MB_CRITERIA_H
#define MB_CRITERIA_H
#include <stdbool.h>

#include "arena.h"
#include "internal.h"
#include "schema.h"

typedef struct mb_criteria mb_criteria;

/* Compile `raw` into `arena`. On a bad rule, returns MB_E_RULESET with `why` and `where`
 * ("rule" or "items") set; MB_E_NOMEM when out of memory. */
int mb_criteria_compile(mb_arena *arena, const raw_criteria *raw, mb_criteria **out, char *why,
                        size_t whycap, const char **where);
/* Whether `findings` (item numbers) meet the rule; `unmet` is the first requirement not met. */
int mb_criteria_assess(const mb_criteria *c, const char *const *findings, size_t n,
                       bool *certified, const char **unmet, char *why, size_t whycap);
const char *mb_criteria_cite(const mb_criteria *c);
const char *mb_criteria_text(const mb_criteria *c);
uint32_t mb_criteria_item_count(const mb_criteria *c);
void mb_criteria_item(const mb_criteria *c, uint32_t i, const char **n, const char **text);
#endif
