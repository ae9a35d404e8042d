#ifndef MB_COMPILE_H
#define MB_COMPILE_H
#include "arena.h"
#include "ruleset.h"
#include "schema.h"
/* Validate `raw` (loaded from `text`, named `file` in errors) and fill `rs` from `arena`. */
int mb_compile(mb_ruleset *rs, mb_arena *arena, const raw_ruleset *raw, const char *text,
               size_t len, const char *file, mb_error *err);

/* For the stages compiled in files of their own (platform_rules.c): failures located in the
 * YAML like every other, sources and assumptions recorded like every other. */
typedef struct mb_compile_ctx mb_compile_ctx;
int mb_compile_fail(mb_compile_ctx *c, int status, const char *path, const char *key,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int mb_compile_sourced(mb_compile_ctx *c, const char *path, const char *cite,
                       const char *assumption, const char **out);
mb_arena *mb_compile_arena(mb_compile_ctx *c);
/* The ruleset's `platform` block (NULL: none), after its layers and accumulator keys. */
int mb_compile_platform(mb_compile_ctx *c, mb_ruleset *rs, const raw_platform *raw);
#endif
