/* A platform's state directory whose system calls fail (mb_platform_set_state_dir; include/
 * medbenefit.h: "a failure leaves the old one"): the recorded sequences' calls
 * (tests/unit/data/platform-calls.txt), each sent once with one system call of the store
 * failing: the directory's open or lock, the state's open, fstat or read (an error, or the
 * file shorter than its size), the temporary file's open, write, fsync or close, the rename.
 * Each such call is refused with MB_E_IO and a message naming the directory and the system's
 * reason, and leaves the directory as it was: the state byte for byte, no temporary file
 * behind. Sent again without the fault, the call answers. A write cut short or interrupted by
 * a signal (EINTR) is carried on, not failed. The system calls are wrapped at link time
 * (-Wl,--wrap, tests/meson.build): this program links the static library. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"
#include "platform_calls.h"

/* ---- the wrapped system calls -------------------------------------------------------------- */

enum fault {
    NONE,
    DIR_OPEN,   /* open(2) of the directory */
    DIR_LOCK,   /* flock(2) */
    STATE_OPEN, /* openat(2) of the state file, to read it */
    STATE_STAT, /* fstat(2) */
    STATE_READ, /* read(2): an error */
    STATE_EOF,  /* read(2): 0, the file shorter than its size */
    TMP_OPEN,   /* openat(2) of the temporary file, to write it */
    TMP_WRITE,  /* write(2): an error */
    TMP_FSYNC,  /* fsync(2) of the temporary file */
    TMP_CLOSE,  /* close(2) of the temporary file */
    RENAME,     /* renameat(2) over the state */
    WRITE_INTR, /* write(2): EINTR once, then as it comes */
    WRITE_BYTE, /* write(2): one byte at a time */
};

static enum fault armed;
static bool struck; /* the armed fault was met in this call */
static int tmp_fd = -1;
static bool intr_done;

int __real_open64(const char *path, int flags, ...);
int __real_flock(int fd, int op);
int __real_openat64(int dir, const char *path, int flags, ...);
int __real_fstat64(int fd, struct stat *st);
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __real_close(int fd);
int __real_renameat(int a, const char *from, int b, const char *to);

int __wrap_open64(const char *path, int flags, ...);
int __wrap_flock(int fd, int op);
int __wrap_openat64(int dir, const char *path, int flags, ...);
int __wrap_fstat64(int fd, struct stat *st);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __wrap_fsync(int fd);
int __wrap_close(int fd);
int __wrap_renameat(int a, const char *from, int b, const char *to);

/* Whether `f` is armed: then it strikes, with errno `e`. */
static bool strikes(enum fault f, int e)
{
    if (armed != f)
        return false;
    struck = true;
    errno = e;
    return true;
}

static mode_t mode_of(int flags, va_list ap) { return flags & O_CREAT ? va_arg(ap, mode_t) : 0; }

int __wrap_open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_of(flags, ap);
    va_end(ap);
    if ((flags & O_DIRECTORY) && strikes(DIR_OPEN, EACCES))
        return -1;
    return __real_open64(path, flags, mode);
}

int __wrap_flock(int fd, int op) { return strikes(DIR_LOCK, ENOLCK) ? -1 : __real_flock(fd, op); }

int __wrap_openat64(int dir, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_of(flags, ap);
    va_end(ap);
    if (strikes((flags & O_CREAT) ? TMP_OPEN : STATE_OPEN, (flags & O_CREAT) ? EROFS : EACCES))
        return -1;
    int fd = __real_openat64(dir, path, flags, mode);
    if (flags & O_CREAT)
        tmp_fd = fd;
    return fd;
}

int __wrap_fstat64(int fd, struct stat *st)
{
    return strikes(STATE_STAT, EIO) ? -1 : __real_fstat64(fd, st);
}

ssize_t __wrap_read(int fd, void *buf, size_t n)
{
    if (strikes(STATE_READ, EIO))
        return -1;
    if (armed == STATE_EOF) {
        struck = true;
        return 0;
    }
    return __real_read(fd, buf, n);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    if (fd == tmp_fd) {
        if (strikes(TMP_WRITE, ENOSPC))
            return -1;
        if (armed == WRITE_INTR && !intr_done) {
            intr_done = struck = true;
            errno = EINTR;
            return -1;
        }
        if (armed == WRITE_BYTE && n > 1) {
            struck = true;
            n = 1;
        }
    }
    return __real_write(fd, buf, n);
}

int __wrap_fsync(int fd) { return fd == tmp_fd && strikes(TMP_FSYNC, EIO) ? -1 : __real_fsync(fd); }

int __wrap_close(int fd)
{
    int rc = __real_close(fd); /* the descriptor is gone either way, as on Linux */
    if (fd == tmp_fd) {
        tmp_fd = -1;
        if (strikes(TMP_CLOSE, EIO))
            return -1;
    }
    return rc;
}

int __wrap_renameat(int a, const char *from, int b, const char *to)
{
    return strikes(RENAME, EXDEV) ? -1 : __real_renameat(a, from, b, to);
}

/* ---- the calls ----------------------------------------------------------------------------- */

static const struct {
    enum fault fault;
    const char *says; /* in the message, after the directory */
} faults[] = {
    {DIR_OPEN, "Permission denied"},
    {DIR_LOCK, "cannot be locked: No locks available"},
    {STATE_OPEN, "/platform-state.json: Permission denied"},
    {STATE_STAT, "/platform-state.json is not a regular file"},
    {STATE_READ, "/platform-state.json: Input/output error"},
    {STATE_EOF, "/platform-state.json: shorter than its size"},
    {TMP_OPEN, "cannot write the state: Read-only file system"},
    {TMP_WRITE, "cannot write the state: No space left on device; the old state stands"},
    {TMP_FSYNC, "cannot write the state: Input/output error; the old state stands"},
    {TMP_CLOSE, "cannot write the state: Input/output error; the old state stands"},
    {RENAME, "cannot write the state: Invalid cross-device link; the old state stands"},
};

enum { MAX_RULESETS = 32, STATE_MAX = 1 << 20 };

static mb_ruleset *bundled[MAX_RULESETS];
static size_t nbundled;
static sequence seqs[PC_MAX_SEQUENCES];
static char dir[] = "/tmp/mb-state-faults.XXXXXX";
static char path[128];
static long refused, struck_total, unchanged, named, answered_after, carried_on;

/* The state file's bytes (0: none) and how many entries the directory holds. */
static size_t state_bytes(char *buf, int *entries)
{
    size_t n = 0;
    int fd = __real_openat64(AT_FDCWD, path, O_RDONLY);
    if (fd >= 0) {
        ssize_t r;
        while (n < STATE_MAX && (r = __real_read(fd, buf + n, STATE_MAX - n)) > 0)
            n += (size_t)r;
        __real_close(fd);
    }
    *entries = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        *entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static int send(mb_platform *p, const call_record *c, mb_error *err)
{
    const char *answer = NULL;
    size_t len = 0;
    return mb_platform_call(p, c->request, c->len, &answer, &len, err);
}

static void each_call_under_each_fault(const sequence *s, mb_error *err)
{
    mb_platform *p = pc_platform(s, bundled, nbundled, NULL, false);
    if (p == NULL)
        return;
    CHECK_RC(mb_platform_set_state_dir(p, dir, err), MB_OK, "the state directory");
    static char before[STATE_MAX], after[STATE_MAX];
    for (size_t i = 0; i < s->ncalls; i++) {
        const call_record *c = &s->calls[i];
        bool sent = false;
        for (size_t f = 0; f < sizeof faults / sizeof faults[0] && !sent; f++) {
            int n_before, n_after;
            size_t nb = state_bytes(before, &n_before);
            armed = faults[f].fault;
            struck = false;
            mb_error_clear(err);
            int rc = send(p, c, err);
            armed = NONE;
            if (!struck) { /* this call never reached the failing system call: it answered */
                CHECK_RC(rc, MB_OK, "a call the fault did not meet answers");
                sent = true;
                continue;
            }
            struck_total++;
            size_t na = state_bytes(after, &n_after);
            refused += rc == MB_E_IO;
            unchanged += na == nb && memcmp(before, after, nb) == 0 && n_after == n_before;
            named += strstr(mb_error_message(err), dir) != NULL &&
                     strstr(mb_error_message(err), faults[f].says) != NULL;
            if (rc != MB_E_IO || strstr(mb_error_message(err), faults[f].says) == NULL)
                fprintf(stderr, "  %s call %zu, fault %zu: %s: %s\n", s->name, i, f,
                        mb_status_name(rc), mb_error_message(err));
        }
        if (!sent) {
            CHECK_RC(send(p, c, err), MB_OK, "the call sent again without the fault answers");
            answered_after++;
        }
        /* the next call with its writes cut short, then interrupted: both carried on */
        if (i + 1 < s->ncalls) {
            const enum fault slow = i % 2 ? WRITE_BYTE : WRITE_INTR;
            armed = slow;
            intr_done = struck = false;
            int rc = send(p, &s->calls[++i], err);
            armed = NONE;
            CHECK_RC(rc, MB_OK, slow == WRITE_BYTE ? "writes of one byte are carried on"
                                                   : "a write interrupted by a signal is sent again");
            carried_on += struck;
        }
    }
    mb_platform_free(p);
}

int main(void)
{
    mb_error *err = mb_error_new();
    CHECK(mkdtemp(dir) != NULL, "a scratch directory");
    snprintf(path, sizeof path, "%s/platform-state.json", dir);
    nbundled = fx_load_bundled(bundled, MAX_RULESETS);
    size_t nseqs = pc_read(seqs);
    CHECK(nseqs > 0, "the recorded sequences");
    for (size_t k = 0; k < nseqs; k++) {
        unlink(path);
        each_call_under_each_fault(&seqs[k], err);
    }
    fprintf(stderr, "  %ld calls met a failing system call; %ld sent again; %ld writes carried on\n",
            struck_total, answered_after, carried_on);
    CHECK(struck_total > 0 && refused == struck_total,
          "every call meeting a failing system call is refused with MB_E_IO");
    CHECK(unchanged == struck_total,
          "and leaves the directory as it was: the state byte for byte, no temporary file");
    CHECK(named == struck_total, "its message names the directory and the system's reason");
    CHECK(carried_on > 0, "short and interrupted writes were met, and carried on");
    unlink(path);
    rmdir(dir);
    pc_free(seqs, nseqs);
    for (size_t i = 0; i < nbundled; i++)
        mb_ruleset_free(bundled[i]);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
