/* medbenefit migrate: a ruleset of the 1.0 format rewritten as format 2 (tools/migrate.c). */
#ifndef MEDBENEFIT_TOOL_MIGRATE_H
#define MEDBENEFIT_TOOL_MIGRATE_H

/* Rewrite the one ruleset args[0] names ('-': standard input) on standard output; the exit
 * status. */
int migrate_main(int nargs, char **args);

#endif
