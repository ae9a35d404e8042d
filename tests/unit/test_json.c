/* JSON in and out (lib/json.c): strict parsing, numbers kept as written, exact round trips. */
#include "check.h"
#include "json.h"

static int parse(mb_json_doc *doc, const char *text, mb_error *err)
{
    *doc = (mb_json_doc){0};
    return mb_json_parse(doc, text, strlen(text), "the request", err);
}

static void numbers_keep_their_text(void)
{
    mb_json_doc doc;
    mb_error *err = mb_error_new();
    CHECK_RC(parse(&doc, "{\"a\": 51.20, \"b\": 0.1000, \"c\": 1e5, \"d\": "
                         "123456789012345678901234567890.10}", err),
             MB_OK, "valid JSON");
    mb_json *a = mb_json_member(doc.root, "a");
    CHECK(a && a->type == MB_JSON_NUMBER && strcmp(a->text, "51.20") == 0,
          "51.20 stays 51.20: no double rounds it or drops its trailing zero");
    CHECK(strcmp(mb_json_member(doc.root, "b")->text, "0.1000") == 0, "four decimals kept");
    CHECK(strcmp(mb_json_member(doc.root, "c")->text, "1e5") == 0,
          "an exponent is kept as written, for the amount reader to refuse");
    CHECK(strcmp(mb_json_member(doc.root, "d")->text, "123456789012345678901234567890.10") == 0,
          "a number beyond any double's precision is kept digit for digit");
    char *out;
    size_t len;
    CHECK_RC(mb_json_write(doc.root, false, &out, &len, err), MB_OK, "write");
    CHECK(strcmp(out, "{\"a\":51.20,\"b\":0.1000,\"c\":1e5,\"d\":"
                      "123456789012345678901234567890.10}") == 0,
          "the round trip gives the same numbers back");
    mb_free(out);
    mb_json_free(&doc);
    mb_error_free(err);
}

static void strict(void)
{
    static const struct {
        const char *text, *why, *says;
    } bad[] = {
        {"{\"a\": 1,}", "a trailing comma", "line 1"},
        {"{a: 1}", "an unquoted key", "not valid JSON"},
        {"{\"a\": 1} x", "trailing garbage", "not valid JSON"},
        {"{\"a\": 1} /* c */", "a comment", "not valid JSON"},
        {"{\"a\": 'x'}", "a single-quoted string", "not valid JSON"},
        {"{\"a\": 1, \"a\": 2}", "a key given twice", "the key \"a\" appears twice"},
        {"{\"a\": \"x\\u0000y\"}", "a NUL in a string", "NUL"},
        {"{\"a\\u0000b\": 1}", "a NUL in a key", "a key holds a NUL character (\\u0000)"},
        {"{\"a\": \"\xff\"}", "invalid UTF-8", "not UTF-8: byte 8"},
        {"", "nothing", "is empty"},
        {"  \n ", "only blanks", "is empty"},
        {"{\"a\": [1, 2}", "a bracket closed by a brace", "not valid JSON"},
        {"{\"a\":\n  01}", "a leading zero", "line 2"},
        {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
         "nesting past 32 levels", "nested deeper than 32"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mb_json_doc doc;
        mb_error *err = mb_error_new();
        int rc = parse(&doc, bad[i].text, err);
        CHECK_RC(rc, MB_E_PARSE, bad[i].why);
        if (strstr(mb_error_message(err), bad[i].says) == NULL)
            fprintf(stderr, "  message for %s: %s\n", bad[i].why, mb_error_message(err));
        CHECK(strstr(mb_error_message(err), bad[i].says) != NULL, bad[i].why);
        CHECK(doc.root == NULL, "a refused text leaves no tree");
        mb_error_free(err);
    }
    /* a UTF-8 byte order mark, as Windows tools write it, is not part of the text */
    mb_json_doc doc;
    CHECK_RC(parse(&doc, "\xEF\xBB\xBF{\"a\": true}", NULL), MB_OK, "a BOM is skipped");
    CHECK(mb_json_member(doc.root, "a")->type == MB_JSON_TRUE, "the value after the BOM");
    mb_json_free(&doc);
    /* a NUL byte after blanks is no blank: the text is not empty, it is not JSON */
    mb_error *err = mb_error_new();
    doc = (mb_json_doc){0};
    CHECK_RC(mb_json_parse(&doc, " \0", 2, "the request", err), MB_E_PARSE, "a NUL byte");
    CHECK(strstr(mb_error_message(err), "is not valid JSON at line 1") != NULL &&
              strstr(mb_error_message(err), "invalid char in json text") != NULL,
          "refused as a character JSON does not have, not as empty");
    mb_error_free(err);
    mb_json_free(NULL); /* nothing to free */
}

static void building(void)
{
    mb_json_doc doc = {0};
    mb_json *o = mb_json_object(&doc);
    mb_json_set_string(&doc, o, "name", "测试\"患者\"\n");
    mb_json_set_fen(&doc, o, "pay", -13073);
    mb_json_set_fen(&doc, o, "zero", 0);
    mb_json_set_string(&doc, o, "name", "替换");
    mb_json *arr = mb_json_set(&doc, o, "rows", mb_json_array(&doc));
    mb_json_append(&doc, arr, mb_json_number(&doc, "1"));
    mb_json_set_string(&doc, o, "gone", NULL);
    mb_json_remove(o, "gone");
    CHECK(!mb_json_failed(&doc), "no allocation failed");
    char *out;
    size_t len;
    CHECK_RC(mb_json_write(o, false, &out, &len, NULL), MB_OK, "write");
    CHECK(strcmp(out, "{\"name\":\"替换\",\"pay\":-130.73,\"zero\":0.00,\"rows\":[1]}") == 0,
          "a set key is replaced in place, fen are written as yuan with two decimals");
    mb_free(out);
    mb_json_set_string(&doc, o, "esc", "a\"b\\c\x01");
    CHECK_RC(mb_json_write(mb_json_member(o, "esc"), false, &out, &len, NULL), MB_OK, "write");
    CHECK(strcmp(out, "\"a\\\"b\\\\c\\u0001\"") == 0, "quotes, backslashes, controls escaped");
    mb_free(out);
    mb_json_free(&doc);
}

/* Every kind of value both ways; every escape written; builders given NULL stay quiet but mark
 * the document; removal from the first, last and only place; a string long enough to make the
 * parser grow its buffer. */
static void every_kind_and_edge(void)
{
    mb_json_doc doc;
    CHECK_RC(parse(&doc, "{\"t\": true, \"f\": false, \"n\": null, \"a\": [], \"o\": {}}", NULL),
             MB_OK, "true, false, null, an empty array and object");
    char *out;
    size_t len;
    CHECK_RC(mb_json_write(doc.root, false, &out, &len, NULL), MB_OK, "write");
    CHECK(strcmp(out, "{\"t\":true,\"f\":false,\"n\":null,\"a\":[],\"o\":{}}") == 0,
          "written back as read");
    mb_free(out);
    CHECK_RC(mb_json_write(doc.root, true, &out, &len, NULL), MB_OK, "pretty");
    CHECK(strcmp(out, "{\n  \"t\": true,\n  \"f\": false,\n  \"n\": null,\n  \"a\": [],\n  \"o\": {}\n}\n") == 0,
          "indented by two, a newline at the end");
    mb_free(out);
    mb_json_remove(doc.root, "t");     /* the first */
    mb_json_remove(doc.root, "o");     /* the last */
    mb_json_remove(doc.root, "nope");  /* none */
    mb_json_remove(mb_json_member(doc.root, "a"), "x"); /* not an object */
    mb_json_remove(NULL, "x");
    CHECK_RC(mb_json_write(doc.root, false, &out, &len, NULL), MB_OK, "write");
    CHECK(strcmp(out, "{\"f\":false,\"n\":null,\"a\":[]}") == 0, "first and last removed");
    mb_free(out);
    mb_json_free(&doc);

    mb_json_doc b = {0};
    mb_json *o = mb_json_object(&b);
    mb_json_set_string(&b, o, "s", "\b\f\n\r\t\x1f");
    mb_json_set_number(&b, o, "none", NULL);
    CHECK_RC(mb_json_write(o, false, &out, &len, NULL), MB_OK, "write");
    CHECK(strcmp(out, "{\"s\":\"\\b\\f\\n\\r\\t\\u001f\",\"none\":null}") == 0,
          "each control written as JSON escapes it; a NULL number is null");
    mb_free(out);
    CHECK(!mb_json_failed(&b), "nothing failed yet");
    CHECK(mb_json_append(&b, NULL, mb_json_null(&b)) == NULL && mb_json_failed(&b),
          "appending to nothing marks the document failed");
    mb_json_free(&b);
    mb_json_doc c = {0};
    CHECK(mb_json_copy(&c, NULL) == NULL && mb_json_failed(&c), "a copy of nothing too");
    mb_json_free(&c);

    static char big[200000];
    size_t n = (size_t)snprintf(big, sizeof big, "{\"long\": \"");
    memset(big + n, 'x', 150000);
    n += 150000;
    n += (size_t)snprintf(big + n, sizeof big - n, "\"}");
    CHECK_RC(mb_json_parse(&doc, big, n, "the request", NULL), MB_OK, "a 150000-byte string");
    CHECK(mb_json_member(doc.root, "long")->len == 150000, "read whole");
    mb_json_free(&doc);
}

/* What the writer makes of one string, byte by byte, as JSON escapes it: the reference the
 * writer's eight-bytes-at-a-time skip must agree with. */
static size_t escaped_by_hand(const char *s, size_t n, char *out)
{
    size_t k = 0;
    out[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f" : NULL;
        if (named)
            k += (size_t)sprintf(out + k, "%s", named);
        else if (c < 0x20)
            k += (size_t)sprintf(out + k, "\\u%04x", c);
        else
            out[k++] = (char)c;
    }
    out[k++] = '"';
    out[k] = '\0';
    return k;
}

/* A byte to escape at every place of strings of 1 to 24 bytes (each alignment of the skip, and
 * its last short word), and the bytes next to those that need it (space, '!', '#', '[', ']',
 * DEL, a UTF-8 byte), which must pass through as they are. */
static void every_escape_at_every_offset(void)
{
    static const unsigned char probes[] = {'"', '\\', '\n', 0x01, 0x1f, '\t',
                                           ' ', '!', '#', '[', ']', 0x7f, 0xe6};
    size_t wrong = 0, tried = 0;
    for (size_t n = 1; n <= 24; n++)
        for (size_t at = 0; at < n; at++)
            for (size_t k = 0; k < sizeof probes; k++) {
                char text[32], want[200];
                memset(text, 'a', n);
                text[at] = (char)probes[k];
                text[n] = '\0';
                mb_json_doc doc = {0};
                mb_json *o = mb_json_object(&doc);
                mb_json_set_string(&doc, o, "s", text);
                char *out = NULL;
                size_t len = 0;
                size_t want_len = escaped_by_hand(text, n, want);
                tried++;
                if (mb_json_write(mb_json_member(o, "s"), false, &out, &len, NULL) != MB_OK ||
                    len != want_len || memcmp(out, want, len) != 0)
                    wrong++;
                mb_free(out);
                mb_json_free(&doc);
            }
    CHECK(tried == 24 * 25 / 2 * 13 && wrong == 0,
          "each byte that needs an escape gets it at every offset, and its neighbours do not");
}

/* The UTF-8 check takes ASCII eight bytes at a time: a bad byte at every place of a run of 1 to
 * 24 is still found where it is; a three-byte character across every word boundary passes; one
 * cut short at the end is reported at its first byte. */
static void utf8_faults_at_every_offset(void)
{
    size_t wrong = 0;
    for (size_t n = 1; n <= 24; n++)
        for (size_t at = 0; at < n; at++) {
            char text[32];
            size_t bad = 0;
            memset(text, 'a', n);
            text[at] = (char)0xff;
            if (mb_utf8_prefix(text, n, &bad) || bad != at)
                wrong++;
            if (at + 3 <= n) {
                memcpy(text + at, "\xe6\x9b\xbf", 3); /* 替 */
                if (!mb_utf8_prefix(text, n, &bad) || bad != n)
                    wrong++;
                if (mb_utf8_prefix(text, at + 2, &bad) || bad != at)
                    wrong++;
            }
        }
    CHECK(wrong == 0, "a fault is found at its own byte after any run of ASCII");
}

int main(void)
{
    numbers_keep_their_text();
    strict();
    building();
    every_kind_and_edge();
    every_escape_at_every_offset();
    utf8_faults_at_every_offset();
    return check_summary();
}
