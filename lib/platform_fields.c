/*
 * Reading a message's fields. Every value crosses here once, as text: amounts are parsed from
 * the digits the sender wrote (mb_amount_parse), never through a double; a field of the wrong
 * type, a third decimal, an exponent or an absurd number is refused with the field's path.
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"

static bool blank(const mb_json *v)
{
    return v == NULL || v->type == MB_JSON_NULL || (v->type == MB_JSON_STRING && v->len == 0);
}

static bool plain_integer(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

int mb_field_text(mb_call *c, const mb_json *obj, const char *where, const char *key,
                  bool required, size_t max, const char **out)
{
    const mb_json *v = mb_json_member(obj, key);
    *out = NULL;
    if (blank(v)) {
        if (required)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s.%s is required", where, key);
        return MB_OK;
    }
    if (v->type != MB_JSON_STRING && !(v->type == MB_JSON_NUMBER && plain_integer(v->text)))
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s.%s must be a string, such as \"%s\"",
                       where, key, strcmp(key, "psn_no") == 0 ? "99010100000000000001" : "14");
    if (v->len > max)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "%s.%s is %zu bytes long; the platform's field holds at most %zu", where,
                       key, v->len, max);
    *out = v->text;
    return MB_OK;
}

static int parse_day(const char *s, int32_t *out)
{
    char day[11];
    size_t n = strlen(s);
    if (n != 10 && n != 19)
        return -1;
    if (n == 19) {
        /* " HH:MM:SS", checked for its shape and ranges; the day is what settlement uses */
        const char *t = s + 10;
        if (t[0] != ' ' || t[3] != ':' || t[6] != ':' || strspn(t + 1, "0123456789:") != 8)
            return -1;
        int hh = (t[1] - '0') * 10 + (t[2] - '0'), mm = (t[4] - '0') * 10 + (t[5] - '0'),
            ss = (t[7] - '0') * 10 + (t[8] - '0');
        if (t[1] == ':' || t[4] == ':' || t[7] == ':' || hh > 23 || mm > 59 || ss > 59)
            return -1;
    }
    memcpy(day, s, 10);
    day[10] = '\0';
    return mb_date_parse(day, out, NULL) == MB_OK ? 0 : -1;
}

int mb_field_date(mb_call *c, const mb_json *obj, const char *where, const char *key,
                  bool required, int32_t *out)
{
    const char *text;
    int rc = mb_field_text(c, obj, where, key, required, 19, &text);
    *out = 0;
    if (rc != MB_OK || text == NULL)
        return rc;
    if (parse_day(text, out) != 0)
        return mb_fail(c->err, MB_E_INVALID_DATE,
                       "%s.%s '%s' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss",
                       where, key, text);
    return MB_OK;
}

int mb_field_amount(mb_call *c, const mb_json *obj, const char *where, const char *key,
                    bool required, int64_t *fen, bool *present)
{
    const mb_json *v = mb_json_member(obj, key);
    *fen = 0;
    if (present)
        *present = false;
    if (v == NULL || v->type == MB_JSON_NULL) {
        if (required)
            return mb_fail(c->err, MB_E_INVALID_AMOUNT, "%s.%s is required", where, key);
        return MB_OK;
    }
    if (v->type != MB_JSON_NUMBER && v->type != MB_JSON_STRING)
        return mb_fail(c->err, MB_E_INVALID_AMOUNT,
                       "%s.%s must be an amount such as 51.20 (数值型 16,2)", where, key);
    if (strpbrk(v->text, "eE") != NULL)
        return mb_fail(c->err, MB_E_INVALID_AMOUNT,
                       "%s.%s %s is written with an exponent: write the amount in yuan with at "
                       "most two decimals, such as 51.20",
                       where, key, v->text);
    if (v->len > 40)
        return mb_fail(c->err, MB_E_INVALID_AMOUNT,
                       "%s.%s %.40s… is absurdly long for an amount (at most 10^12 yuan)", where,
                       key, v->text);
    mb_error *e = mb_error_new();
    int rc = e ? mb_amount_parse(v->text, fen, e) : MB_E_NOMEM;
    if (rc != MB_OK)
        mb_fail(c->err, rc, "%s.%s: %s", where, key, e ? mb_error_message(e) : "out of memory");
    mb_error_free(e);
    if (rc == MB_OK && present)
        *present = true;
    return rc;
}

int mb_field_ratio(mb_call *c, const mb_json *obj, const char *where, const char *key,
                   int32_t *bp)
{
    const mb_json *v = mb_json_member(obj, key);
    *bp = -1;
    if (blank(v))
        return MB_OK;
    if ((v->type != MB_JSON_NUMBER && v->type != MB_JSON_STRING) || strpbrk(v->text, "eE%") ||
        v->len > 12 || mb_ratio_parse(v->text, bp, NULL) != MB_OK)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "%s.%s %s is not a ratio from 0 to 1 with at most four decimals, such as "
                       "0.10 (数值型 5,4)",
                       where, key, v->type == MB_JSON_NUMBER || v->type == MB_JSON_STRING
                                       ? v->text : "(not a number)");
    return MB_OK;
}

int mb_field_node(mb_call *c, const mb_json *obj, const char *where, const char *key,
                  mb_json_type type, bool required, const mb_json **out)
{
    const mb_json *v = mb_json_member(obj, key);
    *out = NULL;
    if (v == NULL || v->type == MB_JSON_NULL) {
        if (required)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s.%s is required", where, key);
        return MB_OK;
    }
    if (v->type != type)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s.%s must be %s", where, key,
                       type == MB_JSON_OBJECT ? "an object {…}" : "an array […]");
    *out = v;
    return MB_OK;
}

int mb_field_flag(mb_call *c, const mb_json *obj, const char *where, const char *key, int dflt,
                  int *out)
{
    const char *t;
    int rc = mb_field_text(c, obj, where, key, false, 3, &t);
    *out = dflt;
    if (rc != MB_OK || t == NULL)
        return rc;
    if (strcmp(t, "0") != 0 && strcmp(t, "1") != 0)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s.%s must be \"0\" (否) or \"1\" (是), got '%s'",
                       where, key, t);
    *out = t[0] - '0';
    return MB_OK;
}

void mb_ratio_text(int32_t bp, char buf[16])
{
    if (bp <= 0) {
        snprintf(buf, 16, "0");
        return;
    }
    if (bp >= MB_BP_ONE) {
        snprintf(buf, 16, "1");
        return;
    }
    snprintf(buf, 16, "0.%04d", (int)bp);
    size_t n = strlen(buf);
    while (n > 4 && buf[n - 1] == '0') /* keep two decimals: 0.10, 0.05, 0.125 */
        buf[--n] = '\0';
}

void mb_call_warn(mb_call *c, const char *fmt, ...)
{
    size_t n = strlen(c->warn);
    if (n + 4 >= sizeof c->warn)
        return;
    if (n > 0) {
        c->warn[n++] = ';';
        c->warn[n++] = ' ';
        c->warn[n] = '\0';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->warn + n, sizeof c->warn - n, fmt, ap);
    va_end(ap);
}
