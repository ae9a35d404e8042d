/*
 * medbenefit migrate OLD.yaml > NEW.yaml: rewrite a ruleset of the 1.0 format as format 2.
 *
 * Format 2 (library 1.1) requires three entries a 1.0 ruleset could leave out, so that every
 * step of the trace cites a clause: class_b_first_selfpay (1.0 classified class B items with
 * no first self-pay), account on a basic ruleset (1.0: the account paid last) and upstream on
 * a later tier (1.0 cited nothing for it). The rewrite keeps the file as written (comments,
 * order, layout) and adds what is missing, each with the value 1.0 settled with and an
 * `assumption:` saying it was migrated, and `format: 2`; so the rewritten file settles every
 * claim to the fen as 1.0 did. A file already of format 2 is printed unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "migrate.h"
#include "options.h"

enum { MAX_BYTES = 4 << 20, FORMAT_CURRENT = 2 };

/* What migrating needs to know of a ruleset: its top-level keys, its tier, its format. */
typedef struct shape {
    bool class_b, account, upstream, format;
    char tier[32];
    char format_value[16];
    size_t format_start, format_end; /* the format value's bytes in the text */
} shape;

static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_BYTES + 1, f) : 0;
    if (f != stdin)
        fclose(f);
    if (buf == NULL || n > MAX_BYTES) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The byte offset of character `index` of the UTF-8 text (libyaml's marks count characters). */
static size_t byte_at(const char *text, size_t len, size_t index)
{
    size_t b = 0;
    for (size_t chars = 0; b < len; b++) {
        if (((unsigned char)text[b] & 0xC0) == 0x80)
            continue; /* a continuation byte */
        if (chars++ == index)
            return b;
    }
    return len;
}

/* Skip the value that began with `ev` (a scalar, or a collection up to its end). */
static bool skip_value(yaml_parser_t *p, yaml_event_t *ev)
{
    int depth = ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT;
    while (depth > 0) {
        yaml_event_t e;
        if (!yaml_parser_parse(p, &e))
            return false;
        if (e.type == YAML_MAPPING_START_EVENT || e.type == YAML_SEQUENCE_START_EVENT)
            depth++;
        else if (e.type == YAML_MAPPING_END_EVENT || e.type == YAML_SEQUENCE_END_EVENT)
            depth--;
        yaml_event_delete(&e);
    }
    return true;
}

/* Read the top level of the text; false with `why` said when it is no block mapping. */
static bool read_shape(const char *text, size_t len, shape *s, char *why, size_t cap)
{
    yaml_parser_t p;
    yaml_event_t ev;
    memset(s, 0, sizeof *s);
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    bool ok = false, in_map = false, key = true;
    char name[64] = "";
    for (;;) {
        if (!yaml_parser_parse(&p, &ev)) {
            snprintf(why, cap, "malformed YAML at line %zu: %s", p.problem_mark.line + 1,
                     p.problem ? p.problem : "?");
            break;
        }
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT || (in_map && t == YAML_MAPPING_END_EVENT)) {
            ok = in_map;
            if (!ok)
                snprintf(why, cap, "the file is empty: a ruleset is a mapping of keys");
            yaml_event_delete(&ev);
            break;
        }
        if (!in_map) {
            if (t == YAML_MAPPING_START_EVENT) {
                if (ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE) {
                    snprintf(why, cap, "a ruleset written as one flow mapping ({...}) is not "
                                       "rewritten: write its top level as block keys");
                    yaml_event_delete(&ev);
                    break;
                }
                in_map = true;
            } else if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT) {
                snprintf(why, cap, "a ruleset is a mapping of keys, not a %s",
                         t == YAML_SCALAR_EVENT ? "scalar" : "sequence");
                yaml_event_delete(&ev);
                break;
            }
        } else if (key) {
            if (t != YAML_SCALAR_EVENT) {
                snprintf(why, cap, "line %zu: a top-level key is a word", ev.start_mark.line + 1);
                yaml_event_delete(&ev);
                break;
            }
            snprintf(name, sizeof name, "%s", (const char *)ev.data.scalar.value);
            s->class_b |= strcmp(name, "class_b_first_selfpay") == 0;
            s->account |= strcmp(name, "account") == 0;
            s->upstream |= strcmp(name, "upstream") == 0;
            s->format |= strcmp(name, "format") == 0;
            key = false;
        } else {
            if (t == YAML_SCALAR_EVENT && strcmp(name, "tier") == 0)
                snprintf(s->tier, sizeof s->tier, "%s", (const char *)ev.data.scalar.value);
            if (t == YAML_SCALAR_EVENT && strcmp(name, "format") == 0) {
                snprintf(s->format_value, sizeof s->format_value, "%s",
                         (const char *)ev.data.scalar.value);
                s->format_start = byte_at(text, len, ev.start_mark.index);
                s->format_end = byte_at(text, len, ev.end_mark.index);
            }
            if (!skip_value(&p, &ev)) {
                snprintf(why, cap, "malformed YAML at line %zu: %s", p.problem_mark.line + 1,
                         p.problem ? p.problem : "?");
                yaml_event_delete(&ev);
                break;
            }
            key = true;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (ok && s->tier[0] == '\0') {
        snprintf(why, cap, "no 'tier': is this a ruleset?");
        ok = false;
    }
    return ok;
}

static const char *const MIGRATED =
    "# medbenefit migrate: the 1.0 format rewritten as format 2. Format 2 requires the entries\n"
    "# below, for the trace to cite them; each has the value 1.0 settled with. Replace each\n"
    "# assumption with the document's clause where the document states one.\n";

int migrate_main(int nargs, char **args)
{
    if (nargs != 1) {
        fputs("medbenefit: 'migrate' rewrites one ruleset per call (see medbenefit migrate "
              "--help)\n", stderr);
        return EXIT_USAGE;
    }
    const char *path = args[0];
    size_t len = 0;
    char *text = read_all(path, &len);
    if (text == NULL) {
        fprintf(stderr, "medbenefit: %s: cannot read (a file of at most 4 MiB)\n", path);
        return EXIT_USAGE;
    }
    shape s;
    char why[256];
    if (!read_shape(text, len, &s, why, sizeof why)) {
        fprintf(stderr, "medbenefit: %s: %s\n", path, why);
        free(text);
        return EXIT_FAILURE;
    }
    int format = s.format ? atoi(s.format_value) : 1;
    if (s.format && (format < 1 || format > FORMAT_CURRENT ||
                     strspn(s.format_value, "0123456789") != strlen(s.format_value))) {
        fprintf(stderr, "medbenefit: %s: format '%s' is not one this program knows (1 or %d)\n",
                path, s.format_value, FORMAT_CURRENT);
        free(text);
        return EXIT_FAILURE;
    }
    bool basic = strcmp(s.tier, "basic") == 0;
    bool need_class_b = !s.class_b, need_account = basic && !s.account;
    bool need_upstream = !basic && !s.upstream;
    if (s.format && format == FORMAT_CURRENT) {
        fwrite(text, 1, len, stdout); /* nothing to rewrite */
        free(text);
        return EXIT_SUCCESS;
    }
    if (s.format) { /* format: 1 written out: the value becomes 2, in place */
        fwrite(text, 1, s.format_start, stdout);
        printf("%d", FORMAT_CURRENT);
        fwrite(text + s.format_end, 1, len - s.format_end, stdout);
    } else {
        fwrite(text, 1, len, stdout);
    }
    if (len > 0 && text[len - 1] != '\n')
        putchar('\n');
    if (need_class_b || need_account || need_upstream)
        printf("\n%s", MIGRATED);
    else if (!s.format)
        putchar('\n');
    if (!s.format)
        printf("format: %d\n", FORMAT_CURRENT);
    if (need_class_b)
        fputs("class_b_first_selfpay:\n"
              "  value: 0%\n"
              "  assumption: migrated from the 1.0 format, where a ruleset without "
              "class_b_first_selfpay classified class B items with no first self-pay (0%)\n",
              stdout);
    if (need_account)
        fputs("account:\n"
              "  value: last\n"
              "  assumption: migrated from the 1.0 format, where the personal account paid the "
              "person's share after the funds (last) unless the ruleset said otherwise\n",
              stdout);
    if (need_upstream)
        printf("upstream:\n"
               "  assumption: migrated from the 1.0 format, where a ruleset of tier %s settled what the "
               "tiers before it left without citing the clause that says so\n",
               s.tier);
    free(text);
    return EXIT_SUCCESS;
}
