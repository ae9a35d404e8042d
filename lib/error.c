/* Error reports: a status, a message a person can act on, and where (file, line, key). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

mb_error *mb_error_new(void)
{
    mb_error *e = mb_calloc(1, sizeof *e);
    return e;
}

void mb_error_free(mb_error *err) { mb_free(err); }

void mb_error_clear(mb_error *err)
{
    if (err != NULL)
        memset(err, 0, sizeof *err);
}

int mb_error_status(const mb_error *err) { return err ? err->status : MB_OK; }
const char *mb_error_message(const mb_error *err) { return err ? err->message : ""; }
const char *mb_error_file(const mb_error *err) { return err ? err->file : ""; }
int mb_error_line(const mb_error *err) { return err ? err->line : 0; }
const char *mb_error_key(const mb_error *err) { return err ? err->key : ""; }

static void copy_field(char *dst, size_t cap, const char *src)
{
    if (src == NULL)
        src = "";
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    mb_utf8_scrub(dst); /* cut to the room: no part of a character */
}

static int record(mb_error *err, int status, const char *file, int line, const char *key,
                  const char *fmt, va_list ap)
{
    if (err == NULL)
        return status;
    char what[MB_MSG_MAX];
    vsnprintf(what, sizeof what, fmt, ap);
    err->status = status;
    err->line = line;
    copy_field(err->file, sizeof err->file, file);
    copy_field(err->key, sizeof err->key, key);
    if (file != NULL && *file && line > 0 && key != NULL && *key)
        snprintf(err->message, sizeof err->message, "%s:%d: key '%s': %s", file, line, key, what);
    else if (file != NULL && *file && line > 0)
        snprintf(err->message, sizeof err->message, "%s:%d: %s", file, line, what);
    else if (file != NULL && *file && key != NULL && *key)
        snprintf(err->message, sizeof err->message, "%s: key '%s': %s", file, key, what);
    else if (file != NULL && *file)
        snprintf(err->message, sizeof err->message, "%s: %s", file, what);
    else
        copy_field(err->message, sizeof err->message, what);
    /* the message and the texts it quotes are cut to their rooms, maybe inside a character:
     * what a caller reads (and a binding decodes) is valid UTF-8 all the same */
    mb_utf8_scrub(err->message);
    return status;
}

int mb_fail(mb_error *err, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(err, status, NULL, 0, NULL, fmt, ap);
    va_end(ap);
    return status;
}

int mb_fail_at(mb_error *err, int status, const char *file, int line, const char *key,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(err, status, file, line, key, fmt, ap);
    va_end(ap);
    return status;
}
