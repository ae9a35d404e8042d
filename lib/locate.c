/*
 * Where is "layers[2].ratio[0].in_service" in a YAML text? libcyaml reports schema errors with
 * lines, but the values it loads carry none, so errors found while compiling name a path and
 * this walks the YAML events once more to turn the path into a line. Only ever run on the error
 * path. A path that does not exist resolves to the deepest part that does (for a missing key:
 * the mapping that should hold it).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "locate.h"

typedef struct {
    yaml_parser_t parser;
    bool done; /* the stream ended, or failed to parse */
} walker;

/* The next event, or false at the end of the stream or on an error: past the end libyaml goes
 * on returning empty events, which no loop here may wait on for the end of a node. */
static bool next(walker *w, yaml_event_t *ev)
{
    if (w->done || !yaml_parser_parse(&w->parser, ev)) {
        w->done = true;
        return false;
    }
    if (ev->type == YAML_STREAM_END_EVENT || ev->type == YAML_NO_EVENT) {
        yaml_event_delete(ev);
        w->done = true;
        return false;
    }
    return true;
}

/* Consume the rest of a node whose start event has been read. */
static void skip(walker *w, yaml_event_type_t start)
{
    if (start != YAML_MAPPING_START_EVENT && start != YAML_SEQUENCE_START_EVENT)
        return;
    int depth = 1;
    yaml_event_t ev;
    while (depth > 0 && next(w, &ev)) {
        if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT)
            depth++;
        else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT)
            depth--;
        yaml_event_delete(&ev);
    }
}

/* Path components: "key" or "[n]". */
static const char *component(const char *p, char *key, size_t cap, long *index)
{
    *index = -1;
    key[0] = '\0';
    if (*p == '.')
        p++;
    if (*p == '[') {
        *index = strtol(p + 1, (char **)&p, 10);
        if (*p == ']')
            p++;
        return p;
    }
    size_t n = 0;
    while (*p && *p != '.' && *p != '[') {
        if (n + 1 < cap)
            key[n++] = *p;
        p++;
    }
    key[n] = '\0';
    return p;
}

/* The node whose start event is `start` (at line `line`) is matched against `path`. */
static int walk(walker *w, yaml_event_type_t start, int line, const char *path)
{
    if (*path == '\0') {
        skip(w, start);
        return line;
    }
    char key[256];
    long index;
    const char *rest = component(path, key, sizeof key, &index);
    int found = line;
    yaml_event_t ev;
    if (start == YAML_MAPPING_START_EVENT && index < 0) {
        while (next(w, &ev)) {
            if (ev.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&ev);
                break;
            }
            bool match = ev.type == YAML_SCALAR_EVENT &&
                         strcmp((const char *)ev.data.scalar.value, key) == 0;
            int key_line = (int)ev.start_mark.line + 1;
            yaml_event_type_t key_type = ev.type;
            yaml_event_delete(&ev);
            skip(w, key_type); /* a complex key ("? [a, b]") is a whole node */
            if (!next(w, &ev))
                break;
            yaml_event_type_t t = ev.type;
            int vline = (int)ev.start_mark.line + 1;
            yaml_event_delete(&ev);
            if (match) {
                found = *rest ? walk(w, t, vline, rest) : key_line;
                if (!*rest)
                    skip(w, t);
            } else {
                skip(w, t);
            }
        }
    } else if (start == YAML_SEQUENCE_START_EVENT && index >= 0) {
        long i = 0;
        while (next(w, &ev)) {
            if (ev.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&ev);
                break;
            }
            yaml_event_type_t t = ev.type;
            int vline = (int)ev.start_mark.line + 1;
            yaml_event_delete(&ev);
            if (i++ == index)
                found = walk(w, t, vline, rest);
            else
                skip(w, t);
        }
    } else {
        skip(w, start);
    }
    return found;
}

int mb_yaml_locate(const char *data, size_t len, const char *path)
{
    walker w = {.done = false};
    if (!yaml_parser_initialize(&w.parser))
        return -1; /* it fails only for memory */
    yaml_parser_set_input_string(&w.parser, (const unsigned char *)data, len);
    int line = 0;
    yaml_event_t ev;
    while (next(&w, &ev)) {
        yaml_event_type_t t = ev.type;
        int l = (int)ev.start_mark.line + 1;
        yaml_event_delete(&ev);
        if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT ||
            t == YAML_SCALAR_EVENT) {
            line = walk(&w, t, l, path);
            break;
        }
    }
    if (w.parser.error == YAML_MEMORY_ERROR)
        line = -1;
    yaml_parser_delete(&w.parser);
    return line;
}

int mb_yaml_problem(const char *data, size_t len, char *msg, size_t cap)
{
    yaml_parser_t parser;
    msg[0] = '\0';
    if (!yaml_parser_initialize(&parser))
        return -1; /* it fails only for memory */
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int line = 0;
    yaml_event_t ev;
    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            if (parser.error == YAML_MEMORY_ERROR) {
                line = -1;
                break;
            }
            line = (int)parser.problem_mark.line + 1;
            snprintf(msg, cap, "%s%s%s", parser.problem ? parser.problem : "malformed YAML",
                     parser.context ? " " : "", parser.context ? parser.context : "");
            break;
        }
        yaml_event_type_t t = ev.type;
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&parser);
    return line;
}

/* ---- the path of a key on a line ------------------------------------------------------------ */

typedef struct {
    walker w;
    int line;
    const char *key;
    char *out;
    size_t cap;
    bool found;
} finder;

static void find_in(finder *f, yaml_event_type_t start, char *path, size_t len, size_t cap);

static void find_child(finder *f, yaml_event_type_t t, char *path, size_t len, size_t cap,
                       const char *fmt, const char *key, long index)
{
    int n = key ? snprintf(path + len, cap - len, fmt, len ? "." : "", key)
                : snprintf(path + len, cap - len, "[%ld]", index);
    if (n < 0 || (size_t)n >= cap - len) {
        skip(&f->w, t);
        path[len] = '\0';
        return;
    }
    find_in(f, t, path, len + (size_t)n, cap);
    path[len] = '\0';
}

static void find_in(finder *f, yaml_event_type_t start, char *path, size_t len, size_t cap)
{
    yaml_event_t ev;
    if (f->found) {
        skip(&f->w, start);
        return;
    }
    if (start == YAML_MAPPING_START_EVENT) {
        while (next(&f->w, &ev)) {
            if (ev.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&ev);
                return;
            }
            char key[256] = "";
            if (ev.type == YAML_SCALAR_EVENT)
                snprintf(key, sizeof key, "%s", (const char *)ev.data.scalar.value);
            bool here = ev.type == YAML_SCALAR_EVENT && (int)ev.start_mark.line + 1 == f->line &&
                        strcmp(key, f->key) == 0;
            yaml_event_delete(&ev);
            if (!next(&f->w, &ev))
                return;
            yaml_event_type_t t = ev.type;
            yaml_event_delete(&ev);
            if (here && !f->found) {
                snprintf(f->out, f->cap, "%s%s%s", path, len ? "." : "", key);
                f->found = true;
            }
            find_child(f, t, path, len, cap, "%s%s", key, -1);
        }
    } else if (start == YAML_SEQUENCE_START_EVENT) {
        long i = 0;
        while (next(&f->w, &ev)) {
            if (ev.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&ev);
                return;
            }
            yaml_event_type_t t = ev.type;
            yaml_event_delete(&ev);
            find_child(f, t, path, len, cap, NULL, NULL, i++);
        }
    }
}

int mb_yaml_path_at(const char *data, size_t len, int line, const char *key, char *out,
                    size_t cap)
{
    finder f = {.line = line, .key = key, .out = out, .cap = cap};
    out[0] = '\0';
    if (!yaml_parser_initialize(&f.w.parser))
        return -1;
    yaml_parser_set_input_string(&f.w.parser, (const unsigned char *)data, len);
    char path[512] = "";
    yaml_event_t ev;
    while (!f.found && next(&f.w, &ev)) {
        yaml_event_type_t t = ev.type;
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
        if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT)
            find_in(&f, t, path, 0, sizeof path);
    }
    int rc = f.w.parser.error == YAML_MEMORY_ERROR ? -1 : f.found;
    yaml_parser_delete(&f.w.parser);
    return rc;
}
