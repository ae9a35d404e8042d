#ifndef MB_COMPILE_H
#define MB_COMPILE_H
#include "arena.h"
#include "ruleset.h"
#include "schema.h"
/* Validate `raw` (loaded from `text`, named `file` in errors) and fill `rs` from `arena`. */
int mb_compile(mb_ruleset *rs, mb_arena *arena, const raw_ruleset *raw, const char *text,
               size_t len, const char *file, mb_error *err);
#endif
