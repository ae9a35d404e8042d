/* Command-line options of the medbenefit program: each command's own, in one table. */
#ifndef MEDBENEFIT_TOOL_OPTIONS_H
#define MEDBENEFIT_TOOL_OPTIONS_H

#include <stdbool.h>

enum { EXIT_USAGE = 2 };

/* One option of a command: "--rulesets" and the name of its value ("DIR"), NULL for none. */
typedef struct cli_option {
    const char *name;
    const char *value;
} cli_option;

/* What cli_next() found at argv[*i]. */
enum {
    CLI_ARGUMENT = -1, /* an argument: not an option, "-", or anything after "--" */
    CLI_HELP = -2,     /* -h or --help */
    CLI_ERROR = -3,    /* said on stderr: an unknown option, a value missing or not wanted */
    CLI_END = -4       /* no more arguments */
};

typedef struct cli_parser {
    const char *command;       /* "check", or NULL before a command */
    const cli_option *options; /* ending with {NULL, NULL} */
    int argc;
    char **argv;
    int next;                  /* the index to read; start at the first after the command */
    bool after_dashes;         /* "--" seen: the rest are arguments */
    const char *arg;           /* CLI_ARGUMENT: the argument */
    const char *value;         /* an option taking a value: its value */
} cli_parser;

/* Read the next argument. "--name VALUE" and "--name=VALUE" are the same. Returns the index of
 * the option in `options` (with p->value set when it takes one), or a CLI_* code. A
 * CLI_ERROR has printed, for example:
 *   medbenefit: unknown option '--format' for 'check' (see medbenefit check --help) */
int cli_next(cli_parser *p);

/* Say on stderr that `command` is not a command, and return EXIT_USAGE. */
int cli_unknown_command(const char *command);

#endif
