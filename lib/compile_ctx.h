/*
 * What the compile_*.c files share: the compile context, located failures, sources (cite or
 * assumption), the scalar parsers and the keyword tables. One file per section of the YAML:
 *
 *   compile.c            the top level, funds, trace sources, the accumulator keys
 *   compile_values.c     values, person columns, selectors, tables of rows
 *   compile_groups.c     person groups, assistance categories, the tilt, referral, identities
 *   compile_catalogue.c  the disease catalogue and its lifecycle rules
 *   compile_layers.c     layers: deductibles, ratios, bands, caps, top-ups
 */
#ifndef MB_COMPILE_CTX_H
#define MB_COMPILE_CTX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compile.h"
#include "ruleset.h"

typedef struct mb_compile_ctx {
    mb_ruleset *rs;
    mb_arena *arena;
    const raw_ruleset *raw;
    const char *text;
    size_t len;
    const char *file;
    mb_error *err;
    mb_assumption *assumptions;
    uint32_t nassumptions, cap_assumptions;
} ctx_t;

#define PATH_MAX_LEN 160
#define NOMEM(c) mb_fail((c)->err, MB_E_NOMEM, "out of memory compiling ruleset %s", (c)->file)

/* A failure at `path`.`key` (either may be empty), located to its line in the text. */
int mb_cfail(ctx_t *c, int status, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

const char *mb_cdup(ctx_t *c, const char *s);

/* A value must say where it comes from: a clause, or an assumption with its reason (which
 * validate lists). `inherited` stands in when neither is given (NULL: one is required). */
int mb_sourced(ctx_t *c, const char *path, const char *cite, const char *assumption,
               const char *inherited, const char **out);

/* A trace step's rule id, "<layer>.<step>", made once at load. */
const char *mb_rule_id(ctx_t *c, const char *layer, const char *step);

/* "a.b" or "a[3]" into `out` (PATH_MAX_LEN). */
void mb_path(char *out, const char *path, const char *key);
void mb_path_index(char *out, const char *path, unsigned index);

/* ---- scalars ------------------------------------------------------------------------------ */
int mb_parse_bool(ctx_t *c, const char *path, const char *key, const char *text, bool *out);
int mb_parse_money(ctx_t *c, const char *path, const char *key, const char *text,
                   bool unlimited_ok, int64_t *out);
int mb_parse_ratio(ctx_t *c, const char *path, const char *key, const char *text, int32_t *bp);
int mb_parse_int(ctx_t *c, const char *path, const char *key, const char *text, int lo, int hi,
                 int *out);
int mb_parse_date(ctx_t *c, const char *path, const char *key, const char *text, int32_t *out);

/* ---- keywords: a word-to-value table, and the "expected a, b or c" message from it -------- */
typedef struct mb_keyword {
    const char *word;
    int value;
} mb_keyword;
#define KEYWORDS(table) (table), (sizeof(table) / sizeof((table)[0]))

/* The value of `text` in the table; false when it is none of its words. */
bool mb_keyword_find(const mb_keyword *table, size_t n, const char *text, int *value);
/* Parse `text` as a word of the table, or fail saying which words are expected and, for a
 * near miss, which one was probably meant. */
int mb_parse_keyword(ctx_t *c, const char *path, const char *key, const char *text,
                     const mb_keyword *table, size_t n, int *out);
/* The table's words as "a, b or c" into `out`. */
void mb_keyword_list(const mb_keyword *table, size_t n, char *out, size_t cap);
/* The word of the table nearest `text` (at most two edits away), or NULL. */
const char *mb_keyword_near(const mb_keyword *table, size_t n, const char *text);

/* ---- values and tables (compile_values.c) ------------------------------------------------- */
enum value_kind { VALUE_MONEY, VALUE_CAP, VALUE_RATIO };

/* Which selectors a table's rows may carry: every table settlement reads takes the claim's
 * selectors; the accrual (read without a claim) takes the date only; deductible_repeat rows
 * also take `nth`, and deductible rows their `scope`. */
enum {
    ROWS_DATE_ONLY = MB_SEL_FROM,
    ROWS_CLAIM = MB_SEL_FROM | MB_SEL_FACILITY | MB_SEL_REFERRED | MB_SEL_AREA | MB_SEL_SCHEME |
                 MB_SEL_GROUP | MB_SEL_CATEGORY | MB_SEL_DISEASE | MB_SEL_DISEASE_GROUP |
                 MB_SEL_AGE | MB_SEL_CLAIM_TYPE | MB_SEL_TREATMENT,
    ROWS_REPEAT = ROWS_CLAIM | MB_SEL_NTH,
    /* the items step comes before any tier decides the person's groups */
    ROWS_ITEMS = ROWS_CLAIM & ~MB_SEL_GROUP,
};
#define ROWS_SCOPE (1u << 30) /* with ROWS_CLAIM: deductible rows carry `scope` */

/* Fill v[slot] from the most specific column given: in_service > employee > all (value). */
int mb_person_values(ctx_t *c, const char *path, const raw_person *p, enum value_kind kind,
                     int64_t v[MB_SLOT_COUNT]);
bool mb_person_given(const raw_person *p);
/* The selectors of one row (`allowed`: ROWS_* bits; any other given is refused, located). */
int mb_compile_sel(ctx_t *c, const char *path, const raw_sel *raw, uint32_t allowed,
                   const char *table, mb_sel *out);
/* The selectors a row names (MB_SEL_* bits), as mb_rows.uses records them. */
uint32_t mb_sel_uses(const raw_sel *r);
/* A table of rows. `table` names it in messages ("deductible rows"). */
int mb_compile_rows(ctx_t *c, const char *path, const raw_values *raw, unsigned n,
                    enum value_kind kind, const char *inherited_cite, uint32_t allowed,
                    const char *table, mb_rows *out);

/* ---- sections ----------------------------------------------------------------------------- */
int mb_compile_groups(ctx_t *c);      /* groups and categories, before the layers */
int mb_compile_assistance(ctx_t *c);  /* categories, tilt, identity rules */
int mb_compile_referral(ctx_t *c);
int mb_compile_facility_categories(ctx_t *c);
int mb_compile_disease_groups(ctx_t *c); /* the catalogue's group names, first */
int mb_compile_catalogue(ctx_t *c);
int mb_compile_layer(ctx_t *c, unsigned i, mb_layer *l);
int mb_group_index(const mb_ruleset *rs, const char *name); /* -1 when none */
int mb_disease_group_index(const mb_ruleset *rs, const char *name); /* 0 any, -1 unknown */
int mb_fund_index(const mb_ruleset *rs, const char *key);
uint64_t mb_ns_key(const mb_ruleset *rs, const char *name);

/* Facility classes and claim types as the YAML writes them. */
extern const mb_keyword mb_facility_words[];
extern const size_t mb_nfacility_words;
int mb_parse_claim_types(ctx_t *c, const char *path, char **names, unsigned n, uint32_t *bits);

#endif
