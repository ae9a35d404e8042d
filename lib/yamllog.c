/* libcyaml's log, collected into a located error (yamllog.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locate.h"
#include "yamllog.h"

void mb_yaml_log_collect(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
    mb_yaml_log *log = ctx;
    if (level < CYAML_LOG_ERROR)
        return;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, args);
    buf[strcspn(buf, "\n")] = '\0';
    const char *l = strstr(buf, "(line: ");
    if (l != NULL && log->line == 0)
        log->line = atoi(l + 7);
    const char *f = strstr(buf, "field '");
    if (f != NULL && log->key[0] == '\0' && !log->key_fixed) {
        f += 7;
        size_t n = strcspn(f, "'");
        if (n >= sizeof log->key)
            n = sizeof log->key - 1;
        memcpy(log->key, f, n);
        log->key[n] = '\0';
    }
    if (log->first[0] == '\0' && strstr(buf, "Backtrace") == NULL && l == NULL) {
        const char *msg = strncmp(buf, "Load: ", 6) == 0 ? buf + 6 : buf;
        snprintf(log->first, sizeof log->first, "%s", msg);
    }
    /* "Unexpected key: foo" and "Missing required mapping field: foo" name the key itself */
    const char *u = strstr(buf, "Unexpected key: ");
    const char *m = strstr(buf, "Missing required mapping field: ");
    if (u != NULL) {
        snprintf(log->key, sizeof log->key, "%s", u + 16);
        log->unexpected = true;
    } else if (m != NULL) {
        snprintf(log->key, sizeof log->key, "%s", m + 32);
        log->key_fixed = true;
    }
}

/* libcyaml places an unexpected key at the event before it; the key itself is on that line or
 * a later one, as "key:" in block style or inside a flow mapping ("{a: 1, key: 2}"). */
static int unexpected_key_line(const char *data, size_t len, int from, const char *key)
{
    int line = 1;
    size_t klen = strlen(key);
    for (size_t i = 0; i < len; line++) {
        size_t end = i;
        while (end < len && data[end] != '\n')
            end++;
        for (size_t j = i; line >= from && j + klen < end; j++) {
            char before = j == i ? ' ' : data[j - 1];
            if ((before == ' ' || before == '{' || before == ',' || before == '-') &&
                memcmp(data + j, key, klen) == 0 && data[j + klen] == ':')
                return line;
        }
        i = end + 1;
    }
    return from;
}

int mb_yaml_log_line(const mb_yaml_log *log, bool parse_error, const char *data, size_t len,
                     char *problem, size_t cap)
{
    problem[0] = '\0';
    if (parse_error) {
        /* parsing the same text again fails the same way, unless what failed was libyaml's
         * malloc, which no allocator hook reaches: then it parses, or runs out again */
        int at = mb_yaml_problem(data, len, problem, cap);
        return at > 0 ? at : 0;
    }
    /* libcyaml names no line when the document itself has the wrong shape (a scalar where a
     * mapping belongs): that is the document's first line */
    int line = log->line > 0 ? log->line : 1;
    return log->unexpected ? unexpected_key_line(data, len, line, log->key) : line;
}
