#ifndef MB_LOCATE_H
#define MB_LOCATE_H
#include <stddef.h>
/* libyaml allocates with malloc, past mb_set_allocator: both return -1 when it runs out. */
/* The 1-based line of `path` ("layers[0].ratio[1].in_service") in a YAML text; 0 if unknown. */
int mb_yaml_locate(const char *data, size_t len, const char *path);
/* Where libyaml's parser fails on a text: its 1-based line and message; 0 if it parses. */
int mb_yaml_problem(const char *data, size_t len, char *msg, size_t cap);
/* The full path of `key` where it is a mapping key on `line` ("layers[0].deductable") into
 * `out`: 1 when found, 0 when not, -1 when libyaml ran out of memory. */
int mb_yaml_path_at(const char *data, size_t len, int line, const char *key, char *out,
                    size_t cap);
#endif
