/*
 * Command-line options: "--name VALUE" or "--name=VALUE", "-h"/"--help", "--" before
 * arguments that begin with '-', and "-" as an argument (standard input). Anything else that
 * begins with '-' is an unknown option, said as such with the command it was given to, so that
 * a misspelt option is never read as a file name.
 */
#include <stdio.h>
#include <string.h>

#include "options.h"

static void see_help(const char *command)
{
    if (command)
        fprintf(stderr, " (see medbenefit %s --help)\n", command);
    else
        fputs(" (see medbenefit --help)\n", stderr);
}

static int unknown_option(const cli_parser *p, const char *arg)
{
    fprintf(stderr, "medbenefit: unknown option '%s'", arg);
    if (p->command)
        fprintf(stderr, " for '%s'", p->command);
    see_help(p->command);
    return CLI_ERROR;
}

int cli_next(cli_parser *p)
{
    if (p->next >= p->argc)
        return CLI_END;
    const char *a = p->argv[p->next++];
    if (p->after_dashes || a[0] != '-' || a[1] == '\0') {
        p->arg = a;
        return CLI_ARGUMENT;
    }
    if (strcmp(a, "--") == 0) {
        p->after_dashes = true;
        return cli_next(p);
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
        return CLI_HELP;
    const char *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    for (int k = 0; p->options && p->options[k].name; k++) {
        const cli_option *o = &p->options[k];
        if (strlen(o->name) != len || strncmp(a, o->name, len) != 0)
            continue;
        if (o->value == NULL) {
            if (eq == NULL)
                return k;
            fprintf(stderr, "medbenefit: option '%s' takes no value", o->name);
            see_help(p->command);
            return CLI_ERROR;
        }
        if (eq) {
            p->value = eq + 1;
        } else if (p->next < p->argc) {
            p->value = p->argv[p->next++];
        } else {
            fprintf(stderr, "medbenefit: option '%s' needs a value: %s %s", o->name, o->name,
                    o->value);
            see_help(p->command);
            return CLI_ERROR;
        }
        if (*p->value == '\0') {
            fprintf(stderr, "medbenefit: option '%s' needs a value: %s %s", o->name, o->name,
                    o->value);
            see_help(p->command);
            return CLI_ERROR;
        }
        return k;
    }
    return unknown_option(p, a);
}

int cli_unknown_command(const char *command)
{
    fprintf(stderr, "medbenefit: unknown command '%s'", command);
    see_help(NULL);
    return EXIT_USAGE;
}
