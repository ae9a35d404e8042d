#ifndef MEDBENEFIT_TOOL_COMPARE_H
#define MEDBENEFIT_TOOL_COMPARE_H
/* What-if: settle the scenario files under the rulesets of dir_a and of dir_b (same ids) and
 * print each claim that settles differently and the totals. Returns the exit status. */
int compare_files(const char *dir_a, const char *dir_b, int argc, char **argv);
#endif
