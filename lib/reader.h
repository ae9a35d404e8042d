/* The loader's read(2), replaceable by the tests (tests/unit/test_read_faults.c) so that they can
 * answer a ruleset file's reads with short reads, EINTR, EIO or a file that never ends. Not
 * installed, not in lib/medbenefit.map, and hidden like every internal symbol: no program
 * linked against the shared library can reach it. */
#ifndef MB_READER_H
#define MB_READER_H

#include <stddef.h>
#include <sys/types.h>

typedef ssize_t (*mb_read_fn)(int fd, void *buf, size_t count);

/* Make mb_ruleset_load_file read with `fn`; NULL restores read(2). Not thread-safe. */
void mb_set_reader(mb_read_fn fn);

#endif
