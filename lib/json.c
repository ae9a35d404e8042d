/*
 * JSON in and out. The parser is yajl's event parser: its number callback hands over each
 * number as the text the sender wrote, so "51.20" stays "51.20" (no double ever holds an
 * amount), and it refuses comments, trailing garbage and invalid UTF-8 by default. The
 * events build a tree in the document's arena; the writer turns a tree back into text.
 */
#include <setjmp.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json.h"

/* ---- building --------------------------------------------------------------------------- */

static mb_json *node(mb_json_doc *doc, mb_json_type type)
{
    mb_json *n = mb_arena_alloc(&doc->arena, sizeof *n);
    if (n == NULL)
        doc->failed = true;
    else
        n->type = type;
    return n;
}

static mb_json *text_node(mb_json_doc *doc, mb_json_type type, const char *s, size_t len)
{
    mb_json *n = node(doc, type);
    char *copy = n ? mb_arena_alloc(&doc->arena, len + 1) : NULL;
    if (copy == NULL) {
        doc->failed = true;
        return NULL;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    n->text = copy;
    n->len = len;
    return n;
}

mb_json *mb_json_object(mb_json_doc *doc) { return node(doc, MB_JSON_OBJECT); }
mb_json *mb_json_array(mb_json_doc *doc) { return node(doc, MB_JSON_ARRAY); }
mb_json *mb_json_null(mb_json_doc *doc) { return node(doc, MB_JSON_NULL); }

mb_json *mb_json_string(mb_json_doc *doc, const char *s)
{
    return s ? text_node(doc, MB_JSON_STRING, s, strlen(s)) : mb_json_null(doc);
}

mb_json *mb_json_number(mb_json_doc *doc, const char *text)
{
    return text ? text_node(doc, MB_JSON_NUMBER, text, strlen(text)) : mb_json_null(doc);
}

mb_json *mb_json_member(const mb_json *obj, const char *key)
{
    if (obj == NULL || obj->type != MB_JSON_OBJECT)
        return NULL;
    for (mb_json *m = obj->first; m; m = m->next)
        if (strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

static void link_last(mb_json *parent, mb_json *child)
{
    child->next = NULL;
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
    parent->count++;
}

mb_json *mb_json_append(mb_json_doc *doc, mb_json *array, mb_json *value)
{
    if (array == NULL || value == NULL) {
        doc->failed = true;
        return NULL;
    }
    link_last(array, value);
    return value;
}

mb_json *mb_json_set(mb_json_doc *doc, mb_json *obj, const char *key, mb_json *value)
{
    if (obj == NULL || value == NULL) {
        doc->failed = true;
        return NULL;
    }
    char *k = mb_arena_strdup(&doc->arena, key);
    if (k == NULL) {
        doc->failed = true;
        return NULL;
    }
    value->key = k;
    mb_json *prev = NULL;
    for (mb_json *m = obj->first; m; prev = m, m = m->next) {
        if (strcmp(m->key, key) != 0)
            continue;
        value->next = m->next;
        if (prev)
            prev->next = value;
        else
            obj->first = value;
        if (obj->last == m)
            obj->last = value;
        return value;
    }
    link_last(obj, value);
    return value;
}

void mb_json_remove(mb_json *obj, const char *key)
{
    if (obj == NULL || obj->type != MB_JSON_OBJECT)
        return;
    mb_json *prev = NULL;
    for (mb_json *m = obj->first; m; prev = m, m = m->next) {
        if (strcmp(m->key, key) != 0)
            continue;
        if (prev)
            prev->next = m->next;
        else
            obj->first = m->next;
        if (obj->last == m)
            obj->last = prev;
        obj->count--;
        return;
    }
}

void mb_json_set_string(mb_json_doc *doc, mb_json *obj, const char *key, const char *s)
{
    mb_json_set(doc, obj, key, mb_json_string(doc, s));
}

void mb_json_set_number(mb_json_doc *doc, mb_json *obj, const char *key, const char *text)
{
    mb_json_set(doc, obj, key, mb_json_number(doc, text));
}

void mb_fen_text(int64_t fen, char buf[32])
{
    const char *sign = fen < 0 ? "-" : "";
    uint64_t v = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    snprintf(buf, 32, "%s%llu.%02llu", sign, (unsigned long long)(v / 100),
             (unsigned long long)(v % 100));
}

void mb_json_set_fen(mb_json_doc *doc, mb_json *obj, const char *key, int64_t fen)
{
    char buf[32];
    mb_fen_text(fen, buf);
    mb_json_set_number(doc, obj, key, buf);
}

mb_json *mb_json_copy(mb_json_doc *doc, const mb_json *from)
{
    if (from == NULL) {
        doc->failed = true;
        return NULL;
    }
    mb_json *n = from->text ? text_node(doc, from->type, from->text, from->len)
                            : node(doc, from->type);
    if (n == NULL)
        return NULL;
    for (const mb_json *c = from->first; c; c = c->next) {
        mb_json *copy = mb_json_copy(doc, c);
        if (copy == NULL)
            return NULL;
        if (from->type == MB_JSON_OBJECT)
            mb_json_set(doc, n, c->key, copy);
        else
            mb_json_append(doc, n, copy);
    }
    return doc->failed ? NULL : n;
}

/* ---- parsing ------------------------------------------------------------------------------ */

typedef struct {
    mb_json_doc *doc;
    mb_json *stack[MB_JSON_MAX_DEPTH + 1];
    int depth;
    const char *key;       /* the key of the member being read, in the arena */
    const char *problem;   /* why a callback stopped the parse */
    char why[160];         /* the same, when it names a key */
} parse_ctx;

static int add(parse_ctx *p, mb_json *n)
{
    if (n == NULL) {
        p->problem = "out of memory";
        return 0;
    }
    if (p->depth == 0) {
        p->doc->root = n;
        return 1;
    }
    mb_json *parent = p->stack[p->depth - 1];
    if (parent->type == MB_JSON_OBJECT) {
        n->key = p->key;
        link_last(parent, n);
    } else {
        link_last(parent, n);
    }
    return 1;
}

static int on_null(void *ctx) { return add(ctx, node(((parse_ctx *)ctx)->doc, MB_JSON_NULL)); }

static int on_bool(void *ctx, int truth)
{
    parse_ctx *p = ctx;
    return add(p, node(p->doc, truth ? MB_JSON_TRUE : MB_JSON_FALSE));
}

static int on_number(void *ctx, const char *s, size_t len)
{
    parse_ctx *p = ctx;
    return add(p, text_node(p->doc, MB_JSON_NUMBER, s, len));
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    parse_ctx *p = ctx;
    if (memchr(s, '\0', len) != NULL) {
        p->problem = "a string holds a NUL character (\\u0000)";
        return 0;
    }
    return add(p, text_node(p->doc, MB_JSON_STRING, (const char *)s, len));
}

static int open_container(parse_ctx *p, mb_json_type type)
{
    if (p->depth == MB_JSON_MAX_DEPTH) {
        p->problem = "nested deeper than 32 levels";
        return 0;
    }
    mb_json *n = node(p->doc, type);
    if (!add(p, n))
        return 0;
    p->stack[p->depth++] = n;
    return 1;
}

static int on_start_map(void *ctx) { return open_container(ctx, MB_JSON_OBJECT); }
static int on_start_array(void *ctx) { return open_container(ctx, MB_JSON_ARRAY); }

static int on_end(void *ctx)
{
    ((parse_ctx *)ctx)->depth--;
    return 1;
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
    parse_ctx *p = ctx;
    if (memchr(s, '\0', len) != NULL) {
        p->problem = "a key holds a NUL character (\\u0000)";
        return 0;
    }
    mb_json *obj = p->stack[p->depth - 1];
    for (mb_json *m = obj->first; m; m = m->next)
        if (strlen(m->key) == len && memcmp(m->key, s, len) == 0) {
            snprintf(p->why, sizeof p->why, "the key \"%.100s\" appears twice in one object",
                     m->key);
            p->problem = p->why;
            return 0;
        }
    char *k = mb_arena_alloc(&p->doc->arena, len + 1);
    if (k == NULL) {
        p->problem = "out of memory";
        return 0;
    }
    memcpy(k, s, len);
    k[len] = '\0';
    p->key = k;
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,         .yajl_boolean = on_bool,       .yajl_number = on_number,
    .yajl_string = on_string,     .yajl_start_map = on_start_map, .yajl_map_key = on_key,
    .yajl_end_map = on_end,       .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

/*
 * yajl's own memory. yajl 2.1 does not check its allocations (yajl_alloc writes through the
 * pointer it got, yajl_buf asserts), so an allocation it cannot have must never return to it:
 * every block yajl holds is linked into a list, and a failed allocation jumps back to
 * mb_json_parse, which frees the list and reports MB_E_NOMEM. yajl keeps no locks or global
 * state, so leaving its frames this way loses nothing but the blocks the list frees.
 */
typedef struct yblock {
    struct yblock *prev, *next;
    alignas(max_align_t) unsigned char data[];
} yblock;

typedef struct ymem {
    jmp_buf out_of_memory;
    yblock *blocks;
} ymem;

static void y_link(ymem *m, yblock *b)
{
    b->prev = NULL;
    b->next = m->blocks;
    if (m->blocks)
        m->blocks->prev = b;
    m->blocks = b;
}

static void y_unlink(ymem *m, yblock *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        m->blocks = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

static void *y_malloc(void *ctx, size_t n)
{
    ymem *m = ctx;
    yblock *b = n < SIZE_MAX - sizeof *b ? mb_alloc(sizeof *b + n) : NULL;
    if (b == NULL)
        longjmp(m->out_of_memory, 1);
    y_link(m, b);
    return b->data;
}

static void *y_realloc(void *ctx, void *p, size_t n)
{
    ymem *m = ctx;
    if (p == NULL)
        return y_malloc(ctx, n);
    yblock *b = (yblock *)((unsigned char *)p - offsetof(yblock, data));
    y_unlink(m, b);
    yblock *grown = n < SIZE_MAX - sizeof *b ? mb_realloc(b, sizeof *b + n) : NULL;
    if (grown == NULL) {
        y_link(m, b); /* like realloc, the old block stays, to be freed with the rest */
        longjmp(m->out_of_memory, 1);
    }
    y_link(m, grown);
    return grown->data;
}

static void y_free(void *ctx, void *p)
{
    if (p == NULL)
        return;
    yblock *b = (yblock *)((unsigned char *)p - offsetof(yblock, data));
    y_unlink(ctx, b);
    mb_free(b);
}

/* The 1-based line and column of byte `at`. */
static void position(const char *data, size_t at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < at; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* yajl's own words for a lexical or parse error, without its byte dump. */
static void yajl_reason(yajl_handle h, const char *data, size_t len, char *out, size_t cap)
{
    unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)data, len);
    snprintf(out, cap, "%s", msg ? (const char *)msg : "malformed JSON");
    if (msg)
        yajl_free_error(h, msg);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '.'))
        out[--n] = '\0';
}

int mb_json_parse(mb_json_doc *doc, const char *data, size_t len, const char *what,
                  mb_error *err)
{
    size_t bad;
    if (!mb_utf8_prefix(data, len, &bad)) {
        int line, col;
        position(data, bad, &line, &col);
        return mb_fail(err, MB_E_PARSE,
                       "%s is not UTF-8: byte %zu (line %d, column %d) starts no UTF-8 character",
                       what, bad + 1, line, col);
    }
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a BOM */
    size_t blank = skip;
    while (blank < len && strchr(" \t\r\n", data[blank]) != NULL && data[blank] != '\0')
        blank++;
    if (blank == len)
        return mb_fail(err, MB_E_PARSE, "%s is empty: expected a JSON object", what);
    parse_ctx p = {.doc = doc};
    ymem mem = {.blocks = NULL};
    if (setjmp(mem.out_of_memory) != 0) {
        while (mem.blocks) {
            yblock *b = mem.blocks;
            y_unlink(&mem, b);
            mb_free(b);
        }
        mb_json_free(doc);
        doc->root = NULL;
        return mb_fail(err, MB_E_NOMEM, "out of memory parsing %s", what);
    }
    yajl_alloc_funcs funcs = {y_malloc, y_realloc, y_free, &mem};
    yajl_handle h = yajl_alloc(&callbacks, &funcs, &p);
    yajl_status st = yajl_parse(h, (const unsigned char *)data + skip, len - skip);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    int rc = MB_OK;
    if (st != yajl_status_ok) {
        size_t at = skip + yajl_get_bytes_consumed(h);
        int line, col;
        char reason[200];
        if (p.problem != NULL)
            snprintf(reason, sizeof reason, "%s", p.problem);
        else
            yajl_reason(h, data + skip, len - skip, reason, sizeof reason);
        position(data, at > len ? len : at, &line, &col);
        if (p.problem && strcmp(p.problem, "out of memory") == 0)
            rc = mb_fail(err, MB_E_NOMEM, "out of memory parsing %s", what);
        else
            rc = mb_fail(err, MB_E_PARSE, "%s is not valid JSON at line %d, column %d: %s", what,
                         line, col, reason);
    } else if (doc->failed) {
        rc = mb_fail(err, MB_E_NOMEM, "out of memory parsing %s", what);
    }
    yajl_free(h);
    if (rc != MB_OK) {
        mb_json_free(doc);
        doc->root = NULL;
    }
    return rc;
}

void mb_json_free(mb_json_doc *doc)
{
    if (doc)
        mb_arena_free(&doc->arena);
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} out_buf;

static void put_bytes(out_buf *o, const char *s, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 1024;
        while (o->len + n + 1 > cap)
            cap *= 2;
        char *b = mb_realloc(o->buf, cap);
        if (b == NULL) {
            o->failed = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void puts_(out_buf *o, const char *s) { put_bytes(o, s, strlen(s)); }

static void put_string(out_buf *o, const char *s, size_t n)
{
    put_bytes(o, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        /* Answers are mostly text with nothing to escape: skip it eight bytes at a time. */
        uint64_t word;
        while (n - i >= 8 && (memcpy(&word, s + i, 8), mb_json_string_stops(word) == 0))
            i += 8;
        if (i == n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put_bytes(o, s + run, i - run);
        run = i + 1;
        char esc[8];
        switch (c) {
        case '"': puts_(o, "\\\""); break;
        case '\\': puts_(o, "\\\\"); break;
        case '\n': puts_(o, "\\n"); break;
        case '\r': puts_(o, "\\r"); break;
        case '\t': puts_(o, "\\t"); break;
        case '\b': puts_(o, "\\b"); break;
        case '\f': puts_(o, "\\f"); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_(o, esc);
        }
    }
    put_bytes(o, s + run, n - run);
    put_bytes(o, "\"", 1);
}

static void indent(out_buf *o, bool pretty, int depth)
{
    if (!pretty)
        return;
    put_bytes(o, "\n", 1);
    for (int i = 0; i < depth; i++)
        put_bytes(o, "  ", 2);
}

static void write_node(out_buf *o, const mb_json *n, bool pretty, int depth)
{
    switch (n->type) {
    case MB_JSON_NULL: puts_(o, "null"); return;
    case MB_JSON_FALSE: puts_(o, "false"); return;
    case MB_JSON_TRUE: puts_(o, "true"); return;
    case MB_JSON_NUMBER: put_bytes(o, n->text, n->len); return;
    case MB_JSON_STRING: put_string(o, n->text, n->len); return;
    case MB_JSON_ARRAY:
    case MB_JSON_OBJECT: break;
    }
    bool object = n->type == MB_JSON_OBJECT;
    put_bytes(o, object ? "{" : "[", 1);
    for (const mb_json *c = n->first; c; c = c->next) {
        indent(o, pretty, depth + 1);
        if (object) {
            put_string(o, c->key, strlen(c->key));
            puts_(o, pretty ? ": " : ":");
        }
        write_node(o, c, pretty, depth + 1);
        if (c->next)
            put_bytes(o, ",", 1);
    }
    if (n->first)
        indent(o, pretty, depth);
    put_bytes(o, object ? "}" : "]", 1);
}

int mb_json_write(const mb_json *root, bool pretty, char **out, size_t *len, mb_error *err)
{
    out_buf o = {0};
    write_node(&o, root, pretty, 0);
    if (pretty)
        put_bytes(&o, "\n", 1);
    if (o.failed) {
        mb_free(o.buf);
        return mb_fail(err, MB_E_NOMEM, "out of memory writing JSON");
    }
    *out = o.buf;
    *len = o.len;
    return MB_OK;
}
