/* Turning libcyaml's log into a located error: libcyaml reports problems only as log text, one
 * fragment per call, sometimes a line early. Shared by the library's loader and the CLI. */
#ifndef MB_YAMLLOG_H
#define MB_YAMLLOG_H
#include <cyaml/cyaml.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct mb_yaml_log {
    char first[256]; /* the first error message */
    char key[128];   /* the key it names */
    int line;        /* the first line libcyaml reports */
    bool unexpected, key_fixed;
} mb_yaml_log;

/* A cyaml_config_t log_fn; `ctx` is an mb_yaml_log, zeroed before the load. */
void mb_yaml_log_collect(cyaml_log_t level, void *ctx, const char *fmt, va_list args);

/* The line to report for a failed load of `data`: an unexpected key's own line, or, for
 * malformed YAML (`parse_error`), libyaml's problem line with its message in `problem`
 * (otherwise problem[0] is '\0'). 0 when the parser's failure was libyaml running out of
 * memory (the text parses, or libyaml runs out again). */
int mb_yaml_log_line(const mb_yaml_log *log, bool parse_error, const char *data, size_t len,
                     char *problem, size_t cap);
#endif
