#ifndef MB_LOCATE_H
#define MB_LOCATE_H
#include <stddef.h>
/* The 1-based line of `path` ("layers[0].ratio[1].in_service") in a YAML text; 0 if unknown. */
int mb_yaml_locate(const char *data, size_t len, const char *path);
#endif
