/*
 * JSON documents for the platform adapter: parsed strictly (yajl), numbers kept as the text the
 * sender wrote so that amounts never pass through binary floating point, built and written
 * back without it either. Every node lives in its document's arena and dies with it.
 *
 * Builders are sticky on failure: a builder that cannot allocate returns NULL and marks the
 * document failed, and every builder takes NULL arguments quietly, so a handler builds a whole
 * answer and checks mb_json_failed() once.
 */
#ifndef MB_JSON_H
#define MB_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "internal.h"

typedef enum mb_json_type {
    MB_JSON_NULL = 0,
    MB_JSON_FALSE,
    MB_JSON_TRUE,
    MB_JSON_NUMBER, /* `text` is the number as written: "51.20", "-1", "1e5" */
    MB_JSON_STRING, /* `text` is the UTF-8 value, without NUL (one is refused) */
    MB_JSON_ARRAY,
    MB_JSON_OBJECT
} mb_json_type;

typedef struct mb_json mb_json;
struct mb_json {
    mb_json_type type;
    const char *text; /* numbers and strings; NUL-terminated */
    size_t len;
    const char *key;  /* the member's key within an object, else NULL */
    mb_json *first, *last, *next;
    size_t count;     /* members or elements */
};

typedef struct mb_json_doc {
    mb_arena arena;
    mb_json *root;
    bool failed;      /* a builder ran out of memory */
} mb_json_doc;

/* The deepest nesting a document may have: deeper is refused, not recursed into. */
#define MB_JSON_MAX_DEPTH 32

/* Parse `len` bytes as one JSON value into `doc` (zero it first). `what` names the text in
 * messages ("the request"). Invalid UTF-8, a NUL in a string, a key given twice in one object,
 * nesting past MB_JSON_MAX_DEPTH and anything that is not strict JSON are MB_E_PARSE, with the
 * line and column. */
int mb_json_parse(mb_json_doc *doc, const char *data, size_t len, const char *what,
                  mb_error *err);
void mb_json_free(mb_json_doc *doc);
static inline bool mb_json_failed(const mb_json_doc *doc) { return doc->failed; }

/* A member of an object, or NULL (also when `obj` is NULL or not an object). */
mb_json *mb_json_member(const mb_json *obj, const char *key);
/* Members and elements in order: for (mb_json *m = o->first; m; m = m->next). */

/* Builders (sticky on failure, see above). Texts and keys are copied. */
mb_json *mb_json_object(mb_json_doc *doc);
mb_json *mb_json_array(mb_json_doc *doc);
mb_json *mb_json_string(mb_json_doc *doc, const char *s);
mb_json *mb_json_number(mb_json_doc *doc, const char *text);
mb_json *mb_json_null(mb_json_doc *doc);
/* A deep copy of `node` (from any document) into `doc`. */
mb_json *mb_json_copy(mb_json_doc *doc, const mb_json *node);
/* Set `obj[key]` to `value`, replacing a member of that key in place, else appending. */
mb_json *mb_json_set(mb_json_doc *doc, mb_json *obj, const char *key, mb_json *value);
/* Shorthands: a string (NULL: JSON null), a number text, an amount in fen ("-130.73"). */
void mb_json_set_string(mb_json_doc *doc, mb_json *obj, const char *key, const char *s);
void mb_json_set_number(mb_json_doc *doc, mb_json *obj, const char *key, const char *text);
void mb_json_set_fen(mb_json_doc *doc, mb_json *obj, const char *key, int64_t fen);
mb_json *mb_json_append(mb_json_doc *doc, mb_json *array, mb_json *value);
void mb_json_remove(mb_json *obj, const char *key);

/* Write `root` as JSON text (indented by two spaces when `pretty`), NUL-terminated, into
 * memory from mb_alloc that the caller frees with mb_free. */
int mb_json_write(const mb_json *root, bool pretty, char **out, size_t *len, mb_error *err);

/* Yuan text of fen with two decimals: 13073 -> "130.73", -5000 -> "-50.00". */
void mb_fen_text(int64_t fen, char buf[32]);

#endif
