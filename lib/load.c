/*
 * Loading a ruleset: read the text (size-capped), check it is UTF-8, let libcyaml load it
 * against the schema (unknown keys and aliases refused), turn libcyaml's log into a located
 * error, then compile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "compile.h"
#include "locate.h"
#include "reader.h"
#include "yamllog.h"
#include "ruleset.h"
#include "schema.h"

#define RULESET_MAX_BYTES (4u << 20) /* 4 MiB: the largest catalogue is a few dozen KiB */

static int try_path(mb_ruleset **out, const char *dir, size_t dirlen, const char *id,
                    mb_error *err);

#ifndef MB_RULESET_DIR
#define MB_RULESET_DIR "/usr/local/share/medbenefit/rulesets"
#endif

const char *mb_ruleset_default_dir(void) { return MB_RULESET_DIR; }

/* libcyaml logs one fragment per call; keep the first error and the first line number. */
/* The line of byte `offset`. */
static int line_of(const char *data, size_t offset)
{
    int line = 1;
    for (size_t i = 0; i < offset; i++)
        line += data[i] == '\n';
    return line;
}

/* What libcyaml's words mean, for a ruleset's author. */
static const char *shape(const char *word)
{
    return strncmp(word, "MAPPING", 7) == 0    ? "a mapping (key: value lines, or {key: value})"
           : strncmp(word, "SEQUENCE", 8) == 0 ? "a list ([a, b], or lines starting with '- ')"
           : strncmp(word, "SCALAR", 6) == 0   ? "a single value"
                                               : "a single value";
}

/* libcyaml's message in a ruleset author's words, with the key's full path: an unknown key with
 * the key probably meant, a value of the wrong shape. "" when there is nothing to add; -1 when
 * libyaml ran out of memory. */
static int explain(const mb_yaml_log *log, const char *data, size_t len, int line, char *out,
                   size_t cap)
{
    out[0] = '\0';
    if (log->key[0] == '\0')
        return 0;
    char path[256];
    int found = mb_yaml_path_at(data, len, line, log->key, path, sizeof path);
    if (found < 0)
        return -1;
    const char *where = found ? path : log->key;
    if (log->unexpected) {
        const char *near = mb_schema_near_key(log->key);
        /* a key that is no word: most likely a flow mapping's value cut at a ',' */
        bool word = strspn(log->key, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(log->key);
        snprintf(out, cap, "unknown key '%s'%s%s%s%s", where, near ? " (did you mean '" : "",
                 near ? near : "", near ? "'?)" : "",
                 word ? ""
                      : ": in a flow mapping {…}, a ',' ends a value, so a value holding a comma "
                        "must be quoted (\"…\")");
        return 0;
    }
    const char *expecting = strstr(log->first, "Expecting ");
    const char *got = strstr(log->first, "got event: ");
    if (expecting && got) {
        snprintf(out, cap, "'%s' takes %s, not %s", where, shape(expecting + 10),
                 shape(got + 11));
        return 0;
    }
    return 0;
}

/* libcyaml's failure as an error report. libyaml, underneath it, allocates with malloc, past
 * mb_set_allocator, and reports running out only as a failure to start or to parse: starting
 * fails for nothing else, and parsing fails for nothing else on a text that parses when read
 * again (mb_yaml_log_line returns 0). */
static int load_failure(cyaml_err_t cerr, const mb_yaml_log *log, const char *data, size_t len,
                        const char *file, mb_error *err)
{
    char problem[200];
    int line = 0;
    if (cerr != CYAML_ERR_OOM && cerr != CYAML_ERR_LIBYAML_PARSER_INIT)
        line = mb_yaml_log_line(log, cerr == CYAML_ERR_LIBYAML_PARSER, data, len, problem,
                                sizeof problem);
    if (line == 0)
        return mb_fail(err, MB_E_NOMEM, "out of memory loading %s", file);
    if (problem[0])
        return mb_fail_at(err, MB_E_PARSE, file, line, NULL, "malformed YAML: %s", problem);
    char msg[MB_MSG_MAX];
    int status = cerr == CYAML_ERR_ALIAS ? MB_E_PARSE : MB_E_SCHEMA;
    if (explain(log, data, len, line, msg, sizeof msg) < 0)
        return mb_fail(err, MB_E_NOMEM, "out of memory loading %s", file);
    return mb_fail_at(err, status, file, line, log->key, "%s",
                      msg[0] ? msg : log->first[0] ? log->first : cyaml_strerror(cerr));
}

int mb_ruleset_load_buffer(mb_ruleset **out, const char *data, size_t len, const char *name,
                           mb_error *err)
{
    if (out == NULL || data == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_ruleset_load_buffer: NULL argument");
    *out = NULL;
    const char *file = name ? name : "<buffer>";
    if (len > RULESET_MAX_BYTES)
        return mb_fail_at(err, MB_E_PARSE, file, 0, NULL,
                          "ruleset is %zu bytes, more than the %u allowed", len, RULESET_MAX_BYTES);
    size_t bad;
    if (!mb_utf8_prefix(data, len, &bad))
        return mb_fail_at(err, MB_E_PARSE, file, line_of(data, bad), NULL,
                          "ruleset is not valid UTF-8 (byte %zu)", bad + 1);
    mb_yaml_log log = {{0}, {0}, 0, false, false};
    cyaml_config_t cfg = {
        .log_fn = mb_yaml_log_collect,
        .log_ctx = &log,
        .mem_fn = mb_cyaml_mem,
        .mem_ctx = NULL,
        .log_level = CYAML_LOG_ERROR,
        .flags = CYAML_CFG_NO_ALIAS,
    };
    raw_ruleset *raw = NULL;
    cyaml_err_t cerr = cyaml_load_data((const uint8_t *)data, len, &cfg, &mb_ruleset_schema,
                                       (cyaml_data_t **)&raw, NULL);
    if (cerr != CYAML_OK)
        return load_failure(cerr, &log, data, len, file, err);
    if (raw == NULL)
        return mb_fail_at(err, MB_E_SCHEMA, file, 1, NULL,
                          "the ruleset is empty: it needs id, title, document, tier, "
                          "effective_from, funds and layers");
    mb_ruleset *rs = mb_calloc(1, sizeof *rs);
    mb_arena *arena = mb_calloc(1, sizeof *arena);
    int rc;
    if (rs == NULL || arena == NULL) {
        rc = mb_fail(err, MB_E_NOMEM, "out of memory loading %s", file);
    } else {
        rs->arena = arena;
        static _Atomic uint64_t loads;
        rs->serial = ++loads;
        rc = mb_compile(rs, arena, raw, data, len, file, err);
        if (rc == MB_OK)
            rc = mb_plan(rs, arena, err);
    }
    cyaml_free(&cfg, &mb_ruleset_schema, raw, 0);
    if (rc != MB_OK) {
        if (arena)
            mb_arena_free(arena);
        mb_free(arena);
        mb_free(rs);
        return rc;
    }
    *out = rs;
    return MB_OK;
}

/* What a path that is not a regular file is, for the error report. */
static const char *file_kind(mode_t mode)
{
    return S_ISDIR(mode)    ? "a directory"
           : S_ISFIFO(mode) ? "a FIFO (named pipe)"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a regular file";
}

/* A ruleset is read from a regular file of at most RULESET_MAX_BYTES only: a FIFO or a device
 * could block the caller forever or never end. */
static int check_regular(const struct stat *st, const char *path, mb_error *err)
{
    if (!S_ISREG(st->st_mode))
        return mb_fail_at(err, MB_E_IO, path, 0, NULL,
                          "is %s, not a regular file: a ruleset is read from a regular file only",
                          file_kind(st->st_mode));
    if (st->st_size > RULESET_MAX_BYTES)
        return mb_fail_at(err, MB_E_PARSE, path, 0, NULL,
                          "file is %lld bytes, more than the %u allowed", (long long)st->st_size,
                          RULESET_MAX_BYTES);
    return MB_OK;
}

/* Opens `path` for reading when it is a regular file. It is looked at before it is opened, so
 * that no device is ever opened, and again once open, in case it was replaced in between;
 * O_NONBLOCK keeps that open from waiting for a FIFO's writer, and is cleared for the reads. */
static int open_regular(const char *path, int *fd_out, size_t *size, mb_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return mb_fail_at(err, MB_E_IO, path, 0, NULL, "cannot open: %s", strerror(errno));
    int rc = check_regular(&st, path, err);
    if (rc != MB_OK)
        return rc;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return mb_fail_at(err, MB_E_IO, path, 0, NULL, "cannot open: %s", strerror(errno));
    int flags;
    if (fstat(fd, &st) != 0 || (flags = fcntl(fd, F_GETFL)) < 0 ||
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        rc = mb_fail_at(err, MB_E_IO, path, 0, NULL, "cannot open: %s", strerror(errno));
    else
        rc = check_regular(&st, path, err);
    if (rc != MB_OK) {
        close(fd);
        return rc;
    }
    *fd_out = fd;
    *size = (size_t)st.st_size;
    return MB_OK;
}

/* read(2), unless a test has put a faulty one in its place (reader.h). */
static mb_read_fn read_fn = read;

void mb_set_reader(mb_read_fn fn) { read_fn = fn != NULL ? fn : read; }

/* The whole file, read to its end: its size may have changed since it was looked at. */
static int read_file(const char *path, char **data, size_t *len, mb_error *err)
{
    int fd = -1;
    size_t size = 0;
    int rc = open_regular(path, &fd, &size, err);
    if (rc != MB_OK)
        return rc;
    /* a byte more than its size: the read that finds the end is then the second, not a third */
    size_t cap = size < 4096 ? 4096 : size + 1, n = 0;
    char *buf = mb_alloc(cap);
    if (buf == NULL)
        rc = mb_fail(err, MB_E_NOMEM, "out of memory reading %s", path);
    while (rc == MB_OK) {
        if (n == cap) {
            if (n > RULESET_MAX_BYTES) {
                rc = mb_fail_at(err, MB_E_PARSE, path, 0, NULL,
                                "file is larger than the %u bytes allowed", RULESET_MAX_BYTES);
                break;
            }
            size_t more = cap > RULESET_MAX_BYTES / 2 ? RULESET_MAX_BYTES + 1 : cap * 2;
            char *bigger = mb_realloc(buf, more);
            if (bigger == NULL) {
                rc = mb_fail(err, MB_E_NOMEM, "out of memory reading %s", path);
                break;
            }
            buf = bigger;
            cap = more;
        }
        ssize_t got = read_fn(fd, buf + n, cap - n);
        if (got == 0)
            break;
        if (got > 0)
            n += (size_t)got;
        else if (errno != EINTR)
            rc = mb_fail_at(err, MB_E_IO, path, 0, NULL, "read error: %s", strerror(errno));
    }
    close(fd);
    if (rc != MB_OK) {
        mb_free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return MB_OK;
}

int mb_ruleset_load_file(mb_ruleset **out, const char *path, mb_error *err)
{
    if (out == NULL || path == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_ruleset_load_file: NULL argument");
    *out = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc = read_file(path, &data, &len, err);
    if (rc != MB_OK)
        return rc;
    rc = mb_ruleset_load_buffer(out, data, len, path, err);
    mb_free(data);
    return rc;
}

static int try_dir(mb_ruleset **out, const char *dir, size_t dirlen, const char *id,
                   mb_error *err)
{
    int rc = try_path(out, dir, dirlen, id, err);
    if (rc == MB_OK && strcmp((*out)->id, id) != 0) {
        /* the file name is the id: a mismatch is a misplaced or misnamed file */
        mb_fail_at(err, MB_E_RULESET, (*out)->source_name, 1, "id",
                   "the file is named for id '%s' but declares id '%s'", id, (*out)->id);
        mb_ruleset_free(*out);
        *out = NULL;
        return MB_E_RULESET;
    }
    return rc;
}

static int try_path(mb_ruleset **out, const char *dir, size_t dirlen, const char *id,
                    mb_error *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%.*s/%s.yaml", (int)dirlen, dir, id);
    if (n < 0 || (size_t)n >= sizeof path)
        return MB_E_NOT_FOUND;
    /* only a file that is not there sends the search on: one that is there but cannot be read
     * (a FIFO, a directory, no permission) is reported, rather than loading a ruleset of the
     * same id from a directory later in the search. A path that cannot name a file (too long
     * as a whole, above, or in one of its names) has none there. */
    struct stat st;
    if (stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG))
        return MB_E_NOT_FOUND;
    return mb_ruleset_load_file(out, path, err);
}

int mb_ruleset_load_id(mb_ruleset **out, const char *id, const char *const *dirs, mb_error *err)
{
    if (out == NULL || id == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_ruleset_load_id: NULL argument");
    *out = NULL;
    if (*id == '\0' || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(id))
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "ruleset id '%s' may use a-z, 0-9, '-' and '_' only", id);
    int rc;
    for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++)
        if ((rc = try_dir(out, dirs[i], strlen(dirs[i]), id, err)) != MB_E_NOT_FOUND)
            return rc;
    const char *env = getenv("MEDBENEFIT_RULESETS");
    while (env != NULL && *env) {
        size_t n = strcspn(env, ":");
        if (n > 0 && (rc = try_dir(out, env, n, id, err)) != MB_E_NOT_FOUND)
            return rc;
        env += n + (env[n] == ':');
    }
    const char *def = mb_ruleset_default_dir();
    if ((rc = try_dir(out, def, strlen(def), id, err)) != MB_E_NOT_FOUND)
        return rc;

    return mb_fail(err, MB_E_NOT_FOUND,
                   "no ruleset '%s': looked for %s.yaml in the given directories, "
                   "MEDBENEFIT_RULESETS and %s",
                   id, id, def);
}

void mb_ruleset_free(mb_ruleset *rs)
{
    if (rs == NULL)
        return;
    mb_arena *arena = rs->arena;
    mb_arena_free(arena);
    mb_free(arena);
    mb_free(rs);
}

const char *mb_ruleset_id(const mb_ruleset *rs) { return rs ? rs->id : ""; }
const char *mb_ruleset_title(const mb_ruleset *rs) { return rs ? rs->title : ""; }
const char *mb_ruleset_document(const mb_ruleset *rs) { return rs ? rs->document : ""; }
int mb_ruleset_tier(const mb_ruleset *rs) { return rs ? rs->tier : MB_E_INVALID_ARGUMENT; }

size_t mb_ruleset_assumption_count(const mb_ruleset *rs) { return rs ? rs->nassumptions : 0; }

int mb_ruleset_assumption(const mb_ruleset *rs, size_t index, const char **where,
                          const char **reason)
{
    if (rs == NULL || index >= rs->nassumptions)
        return MB_E_INVALID_ARGUMENT;
    if (where)
        *where = rs->assumptions[index].where;
    if (reason)
        *reason = rs->assumptions[index].reason;
    return MB_OK;
}

size_t mb_ruleset_disease_count(const mb_ruleset *rs) { return rs ? rs->ndiseases : 0; }

int mb_ruleset_disease(const mb_ruleset *rs, size_t index, const char **code, const char **name,
                       const char **group)
{
    if (rs == NULL || index >= rs->ndiseases)
        return MB_E_INVALID_ARGUMENT;
    const mb_disease *d = &rs->diseases[index];
    if (code)
        *code = d->code;
    if (name)
        *name = d->name;
    if (group)
        *group = d->group_name;
    return MB_OK;
}

int mb_ruleset_find_disease(const mb_ruleset *rs, const char *name_or_code, size_t *index,
                            mb_error *err)
{
    if (rs == NULL || name_or_code == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_ruleset_find_disease: NULL argument");
    int i = mb_catalogue_lookup(rs, mb_hash(name_or_code));
    if (i < 0)
        return mb_fail(err, MB_E_UNKNOWN_DISEASE, "'%s' is not in the catalogue of %s",
                       name_or_code, rs->id);
    if (index)
        *index = (size_t)i;
    return MB_OK;
}
