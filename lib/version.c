#include "internal.h"

int mb_version_number(void) { return MB_VERSION_NUMBER; }
const char *mb_version(void) { return MB_VERSION_STRING; }
