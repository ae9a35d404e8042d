/* medbenefit platform (tools/platform.c). */
#ifndef MEDBENEFIT_TOOL_PLATFORM_H
#define MEDBENEFIT_TOOL_PLATFORM_H

#include <stdbool.h>

#include "medbenefit.h"

/* The arguments after "platform"; `rulesets_dir` is the default of --rulesets. */
int platform_main(int argc, char **argv, const char *rulesets_dir);

#endif
