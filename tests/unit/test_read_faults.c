/* A ruleset file's reads answered badly (lib/reader.h puts a faulty read(2) under
 * mb_ruleset_load_file): reads of one byte, reads interrupted by a signal, an I/O error at the
 * first read or halfway, a file that never ends, one that grew or shrank to nothing since it
 * was looked at, and no memory to grow the buffer. Each is answered as it must be: the same
 * ruleset as a plain read gives, or a clear error naming the file, and none hangs. Refusing
 * what is not a regular file (a FIFO, a directory, a device) is test_load_errors.c's. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fingerprint.h"
#include "fixtures.h"
#include "medbenefit.h"
#include "reader.h"

#define RULESET_MAX (4u << 20) /* lib/load.c: the largest ruleset file read */

static mb_error *err;
static char path[512];
static fingerprint plain; /* the ruleset as read(2) reads it */

/* ---- faulty readers ------------------------------------------------------------------------ */

static long reads;   /* calls to the reader in this load */
static size_t given; /* bytes it gave */

static ssize_t count(ssize_t got)
{
    reads++;
    if (got > 0)
        given += (size_t)got;
    return got;
}

static ssize_t one_byte_at_a_time(int fd, void *buf, size_t n)
{
    (void)n;
    return count(read(fd, buf, 1));
}

/* Every other call is interrupted before it reads anything; the others read 7 bytes. */
static ssize_t interrupted(int fd, void *buf, size_t n)
{
    if (reads % 2 == 0) {
        count(-1);
        errno = EINTR;
        return -1;
    }
    return count(read(fd, buf, n < 7 ? n : 7));
}

static ssize_t eio_at_once(int fd, void *buf, size_t n)
{
    (void)fd, (void)buf, (void)n;
    count(-1);
    errno = EIO;
    return -1;
}

/* 100 bytes, then the disk fails. */
static ssize_t eio_halfway(int fd, void *buf, size_t n)
{
    if (reads == 0)
        return count(read(fd, buf, n < 100 ? n : 100));
    count(-1);
    errno = EIO;
    return -1;
}

/* A file that fills every read with YAML comment lines and never reaches its end: a broken
 * loader would read forever, so past 64 MiB the reader ends the file itself, and the test
 * sees it was not the loader that stopped. */
static ssize_t never_ends(int fd, void *buf, size_t n)
{
    (void)fd;
    if (given > (64u << 20))
        return count(0);
    char *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = i % 64 == 63 ? '\n' : '#';
    return count((ssize_t)n);
}

/* The file as it is, then 300 KiB more of comment lines written since it was looked at:
 * the buffer sized for the file must grow. */
static ssize_t grew(int fd, void *buf, size_t n)
{
    static int at_end;
    if (reads == 0)
        at_end = 0;
    if (!at_end) {
        ssize_t got = read(fd, buf, n);
        if (got != 0)
            return count(got);
        at_end = 1;
    }
    size_t extra = 300u << 10, done = given - (size_t)lseek(fd, 0, SEEK_CUR);
    if (done >= extra)
        return count(0);
    size_t k = n < extra - done ? n : extra - done;
    char *p = buf;
    for (size_t i = 0; i < k; i++)
        p[i] = (done + i) % 32 == 0 ? '\n' : (done + i) % 32 == 1 ? '#' : ' ';
    return count((ssize_t)k);
}

/* Truncated to nothing between the look and the read. */
static ssize_t shrank(int fd, void *buf, size_t n)
{
    (void)fd, (void)buf, (void)n;
    return count(0);
}

/* Load `path` through `reader`; returns the status, the ruleset's fingerprint in *fp. */
static int load_with(mb_read_fn reader, fingerprint *fp)
{
    reads = 0;
    given = 0;
    mb_set_reader(reader);
    mb_ruleset *rs = (mb_ruleset *)&rs; /* not NULL: a failed load must set it so */
    mb_error_clear(err);
    int rc = mb_ruleset_load_file(&rs, path, err);
    mb_set_reader(NULL);
    fp->len = 0;
    if (rc == MB_OK)
        fp_ruleset(fp, rs);
    else
        CHECK(rs == NULL, "a failed load leaves *out NULL");
    mb_ruleset_free(rc == MB_OK ? rs : NULL);
    return rc;
}

static void short_reads_load_the_same_ruleset(void)
{
    fingerprint got = {0};
    CHECK_RC(load_with(one_byte_at_a_time, &got), MB_OK, "read one byte at a time");
    CHECK(fp_same(&got, &plain), "the same ruleset as one read gives");
    CHECK(reads == (long)given + 1, "one read per byte, and one that finds the end");
    fp_free(&got);
}

static void interrupted_reads_are_made_again(void)
{
    fingerprint got = {0};
    CHECK_RC(load_with(interrupted, &got), MB_OK, "every other read interrupted (EINTR)");
    CHECK(fp_same(&got, &plain), "the same ruleset as one read gives");
    CHECK(reads > 2 * (long)(given / 7), "each interrupted read was made again");
    fp_free(&got);
}

static void an_io_error_names_the_file(void)
{
    fingerprint got = {0};
    CHECK_RC(load_with(eio_at_once, &got), MB_E_IO, "EIO on the first read");
    CHECK(strcmp(mb_error_file(err), path) == 0, "the report names the file");
    CHECK(strstr(mb_error_message(err), "read error: ") != NULL &&
              strstr(mb_error_message(err), strerror(EIO)) != NULL,
          "and says a read failed, and how");
    CHECK(reads == 1, "an I/O error is not retried");
    CHECK_RC(load_with(eio_halfway, &got), MB_E_IO, "EIO after 100 bytes");
    CHECK(strstr(mb_error_message(err), strerror(EIO)) != NULL, "the same report halfway");
    CHECK(reads == 2 && given == 100, "the read stops at the error");
    fp_free(&got);
}

static void a_file_that_never_ends_is_refused(void)
{
    fingerprint got = {0};
    CHECK_RC(load_with(never_ends, &got), MB_E_PARSE, "a file that never ends");
    CHECK(strstr(mb_error_message(err), "larger than the 4194304 bytes allowed") != NULL,
          "refused for its size, naming the limit");
    CHECK(strcmp(mb_error_file(err), path) == 0, "the report names the file");
    CHECK(given == RULESET_MAX + 1, "the loader stopped one byte past the limit, by itself");
    fp_free(&got);
}

static void a_file_grown_since_it_was_looked_at_is_read_to_its_end(void)
{
    fingerprint got = {0};
    CHECK_RC(load_with(grew, &got), MB_OK, "300 KiB of comments more than stat said");
    CHECK(fp_same(&got, &plain), "the same ruleset: comments change nothing");
    fp_free(&got);
}

static void a_file_shrunk_to_nothing_is_no_ruleset(void)
{
    fingerprint got = {0};
    CHECK_RC(load_with(shrank, &got), MB_E_SCHEMA, "the file is empty by the time it is read");
    CHECK(strstr(mb_error_message(err), "the ruleset is empty") != NULL, "and says so");
    fp_free(&got);
}

/* ---- no memory to grow the buffer ---------------------------------------------------------- */

static int fail_growth;
static void *t_alloc(void *ctx, size_t size) { (void)ctx; return malloc(size); }
static void *t_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return fail_growth ? NULL : realloc(ptr, size);
}
static void t_free(void *ctx, void *ptr) { (void)ctx; free(ptr); }

static void no_memory_to_grow_the_buffer(void)
{
    mb_allocator a = {t_alloc, t_realloc, t_free, NULL};
    CHECK_RC(mb_set_allocator(&a), MB_OK, "an allocator whose realloc fails");
    fail_growth = 1;
    fingerprint got = {0};
    CHECK_RC(load_with(grew, &got), MB_E_NOMEM, "the file grew and the buffer cannot");
    CHECK(strstr(mb_error_message(err), "out of memory reading") != NULL &&
              strstr(mb_error_message(err), path) != NULL,
          "the report says what ran out, reading which file");
    fail_growth = 0;
    CHECK_RC(load_with(grew, &got), MB_OK, "with memory again it loads");
    CHECK(fp_same(&got, &plain), "the same ruleset");
    CHECK_RC(mb_set_allocator(NULL), MB_OK, "the default allocator again");
    fp_free(&got);
}

int main(void)
{
    err = mb_error_new();
    snprintf(path, sizeof path, "%s/rulesets/%s.yaml", MB_SOURCE_ROOT, MB_TEST_JIAOZUO);
    CHECK_RC(load_with(NULL, &plain), MB_OK, "the ruleset loads with read(2)");
    CHECK(plain.len > 10000, "and its fingerprint is the whole catalogue");
    short_reads_load_the_same_ruleset();
    interrupted_reads_are_made_again();
    an_io_error_names_the_file();
    a_file_that_never_ends_is_refused();
    a_file_grown_since_it_was_looked_at_is_read_to_its_end();
    a_file_shrunk_to_nothing_is_no_ruleset();
    no_memory_to_grow_the_buffer();
    fp_free(&plain);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
