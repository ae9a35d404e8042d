/* Where a ruleset's error is: a path such as "layers[0].ratio[1]" walked to its line in the YAML
 * text (lib/locate.c), libyaml's own problem and line for malformed YAML, and libcyaml's log
 * turned into a message, a key and a line (lib/yamllog.c). */
#include <stdarg.h>
#include <string.h>

#include "check.h"
#include "locate.h"
#include "yamllog.h"

static int line_of(const char *text, const char *path)
{
    return mb_yaml_locate(text, strlen(text), path);
}

static void paths_walk_to_their_line(void)
{
    static const char doc[] =
        "id: x\n"                      /* 1 */
        "layers:\n"                    /* 2 */
        "  - id: a\n"                  /* 3 */
        "    ratio:\n"                 /* 4 */
        "      - {all: 70%}\n"         /* 5 */
        "      - in_service: 80%\n"    /* 6 */
        "        retired: 90%\n"       /* 7 */
        "  - {id: b, ratio: [{all: 1%}]}\n" /* 8 */
        "? [complex, key]\n"           /* 9 */
        ": 1\n"                        /* 10 */
        "tail: end\n";                 /* 11 */
    CHECK(line_of(doc, "id") == 1, "a top-level key");
    CHECK(line_of(doc, "layers[0].ratio[1].retired") == 7, "a key deep in sequences");
    CHECK(line_of(doc, "layers[1].ratio[0].all") == 8, "inside flow collections");
    CHECK(line_of(doc, "layers[0].ratio[1]") == 6, "a sequence entry");
    CHECK(line_of(doc, "layers[0].ratio[1].veteran") == 6, "a missing key: its mapping");
    CHECK(line_of(doc, "layers[5]") == 3, "a missing entry: its sequence, where it starts");
    CHECK(line_of(doc, "tail") == 11, "a key after a complex (non-scalar) key");
    CHECK(line_of(doc, "layers.id") == 3, "a key asked of a sequence: the sequence");
    CHECK(line_of(doc, "[0]") == 1, "an index asked of a mapping: the mapping");
    CHECK(line_of(doc, "layers[1") == 8, "an index without its ']' is still an index");
    char long_key[400];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    CHECK(line_of(doc, long_key) == 1, "a key longer than any is cut, and found nowhere");
    CHECK(line_of("just a scalar\n", "id") == 1, "a document that is one scalar");
    CHECK(line_of("", "id") == 0, "an empty text: no line");
    CHECK(line_of("a: [1, 2\n", "a[0]") == 1, "a text that breaks while walking");
}

static void malformed_yaml_says_what_and_where(void)
{
    char msg[200];
    static const char flow[] = "id: x\nlist: [1, 2\nnext: 3\n";
    int line = mb_yaml_problem(flow, strlen(flow), msg, sizeof msg);
    CHECK(line == 3, "an unclosed flow sequence, found at the next line");
    CHECK(strstr(msg, "while parsing a flow sequence") != NULL, "the problem and its context");
    static const char colon[] = "id: x\na: b: c\n";
    line = mb_yaml_problem(colon, strlen(colon), msg, sizeof msg);
    CHECK(line == 2 && strstr(msg, "mapping values are not allowed") != NULL, "a stray colon");
    static const char fine[] = "id: x\n";
    CHECK(mb_yaml_problem(fine, strlen(fine), msg, sizeof msg) == 0 && msg[0] == '\0',
          "a text that parses has no problem");
}

static void collect(mb_yaml_log *log, cyaml_log_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void collect(mb_yaml_log *log, cyaml_log_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mb_yaml_log_collect(level, log, fmt, ap);
    va_end(ap);
}

static void libcyaml_log_becomes_a_report(void)
{
    mb_yaml_log log = {{0}, {0}, 0, false, false};
    collect(&log, CYAML_LOG_WARNING, "Load: something minor (line: 3)\n");
    CHECK(log.first[0] == '\0' && log.line == 0, "below errors nothing is kept");
    collect(&log, CYAML_LOG_ERROR, "Invalid value for field 'ratio'\n");
    CHECK(strcmp(log.first, "Invalid value for field 'ratio'") == 0, "a message without 'Load: '");
    CHECK(strcmp(log.key, "ratio") == 0, "the field it names");
    collect(&log, CYAML_LOG_ERROR, "Load: Backtrace: (line: 9)\n");
    CHECK(log.line == 9 && strcmp(log.first, "Invalid value for field 'ratio'") == 0,
          "the first line reported is kept; the first message stays the first");

    mb_yaml_log wide = {{0}, {0}, 0, false, false};
    char name[300];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    collect(&wide, CYAML_LOG_ERROR, "Load: Invalid value for field '%s'\n", name);
    CHECK(strlen(wide.key) == sizeof wide.key - 1, "a field name longer than the key is cut");

    mb_yaml_log missing = {{0}, {0}, 0, false, false};
    collect(&missing, CYAML_LOG_ERROR, "Load: Missing required mapping field: tier\n");
    collect(&missing, CYAML_LOG_ERROR, "Load: Invalid value for field 'other'\n");
    CHECK(strcmp(missing.key, "tier") == 0, "a missing field names itself, and stays named");
    char problem[100];
    CHECK(mb_yaml_log_line(&missing, false, "a: 1\n", 5, problem, sizeof problem) == 1 &&
              problem[0] == '\0',
          "no line reported: the document's first");
}

int main(void)
{
    paths_walk_to_their_line();
    malformed_yaml_says_what_and_where();
    libcyaml_log_becomes_a_report();
    return check_summary();
}
