/*
 * The platform adapter: a handle over rulesets and a state store, and one call per request
 * envelope. A call reads the state, lets the message's handler change it in memory, and only
 * when the handler succeeded writes it back, whole; a refused request is answered with
 * infcode -1 and leaves the state as it was (docs/platform.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

/* ---- the handle ---------------------------------------------------------------------------- */

int mb_platform_new(mb_platform **out, const mb_ruleset *const *rulesets, size_t n,
                    unsigned flags, mb_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (out == NULL || rulesets == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_platform_new: NULL argument");
    if (n == 0 || n > MB_PLATFORM_RULESETS_MAX)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_platform_new: %zu rulesets; a platform takes 1 to %d", n,
                       MB_PLATFORM_RULESETS_MAX);
    if (flags & ~MB_PLATFORM_FIXED_CHAIN)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_platform_new: unknown flags 0x%x", flags);
    for (size_t i = 0; i < n; i++)
        if (rulesets[i] == NULL)
            return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_platform_new: rulesets[%zu] is NULL",
                           i);
    if (flags & MB_PLATFORM_FIXED_CHAIN) {
        if (n > MB_CHAIN_MAX)
            return mb_fail(err, MB_E_CHAIN, "a chain has at most %d rulesets, got %zu",
                           MB_CHAIN_MAX, n);
        for (size_t i = 1; i < n; i++)
            if (rulesets[i]->tier <= rulesets[i - 1]->tier)
                return mb_fail(err, MB_E_CHAIN,
                               "the chain lists %s after %s: a chain is in tier order (basic, "
                               "critical illness, assistance), each tier once",
                               rulesets[i]->id, rulesets[i - 1]->id);
    }
    mb_platform *p = mb_calloc(1, sizeof *p);
    if (p == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory");
    if (mb_result_new(&p->result, err) != MB_OK) {
        mb_free(p);
        return MB_E_NOMEM;
    }
    memcpy(p->rulesets, rulesets, n * sizeof *rulesets);
    p->nrulesets = n;
    p->fixed_chain = (flags & MB_PLATFORM_FIXED_CHAIN) != 0;
    p->store_kind = STORE_MEMORY;
    p->dir_fd = -1;
    *out = p;
    return MB_OK;
}

void mb_platform_free(mb_platform *p)
{
    if (p == NULL)
        return;
    mb_free(p->dir);
    mb_free(p->memory);
    mb_free(p->facilities);
    mb_free(p->response);
    mb_result_free(p->result);
    mb_free(p);
}

int mb_platform_set_state_dir(mb_platform *p, const char *dir, mb_error *err)
{
    if (p == NULL || dir == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_platform_set_state_dir: NULL argument");
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return mb_fail(err, MB_E_IO,
                       "state directory '%s' %s: create it (an empty directory is an empty "
                       "platform)",
                       dir, stat(dir, &st) != 0 ? "does not exist" : "is not a directory");
    char *copy = mb_strdup(dir);
    if (copy == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory");
    mb_free(p->dir);
    p->dir = copy;
    p->store_kind = STORE_DIR;
    return MB_OK;
}

int mb_platform_set_store(mb_platform *p, const mb_platform_store *store, mb_error *err)
{
    if (p == NULL || store == NULL || store->load == NULL || store->save == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_platform_set_store: a store needs load and save");
    p->store = *store;
    p->store_kind = STORE_CALLER;
    return MB_OK;
}

int mb_platform_set_facility(mb_platform *p, const char *code, int level, mb_error *err)
{
    if (p == NULL || code == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_platform_set_facility: NULL argument");
    if (level < MB_LEVEL_PRIMARY || level > MB_LEVEL_PHARMACY)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "level %d is not an mb_level (1 primary … 4 pharmacy)", level);
    if (*code == '\0' || strlen(code) >= MB_ID_MAX || !mb_utf8_valid(code, strlen(code)))
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "fixmedins_code must be 1 to %d bytes of UTF-8", MB_ID_MAX - 1);
    for (size_t i = 0; i < p->nfacilities; i++)
        if (strcmp(p->facilities[i].code, code) == 0) {
            p->facilities[i].level = level;
            return MB_OK;
        }
    if (p->nfacilities == p->cap_facilities) {
        size_t cap = p->cap_facilities ? p->cap_facilities * 2 : 8;
        mb_facility_level *f = mb_realloc(p->facilities, cap * sizeof *f);
        if (f == NULL)
            return mb_fail(err, MB_E_NOMEM, "out of memory");
        p->facilities = f;
        p->cap_facilities = cap;
    }
    snprintf(p->facilities[p->nfacilities].code, MB_ID_MAX, "%s", code);
    p->facilities[p->nfacilities++].level = level;
    return MB_OK;
}

/* ---- stores -------------------------------------------------------------------------------- */

static int dir_load(mb_platform *p, const void **data, size_t *len, mb_error *err)
{
    *data = NULL;
    *len = 0;
    int fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return mb_fail(err, MB_E_IO, "state directory '%s': %s", p->dir, strerror(errno));
    if (flock(fd, LOCK_EX) != 0) {
        int e = errno;
        close(fd);
        return mb_fail(err, MB_E_IO, "state directory '%s' cannot be locked: %s", p->dir,
                       strerror(e));
    }
    p->dir_fd = fd;
    int f = openat(fd, MB_PLATFORM_STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (f < 0)
        return errno == ENOENT ? MB_OK
                               : mb_fail(err, MB_E_IO, "%s/%s: %s", p->dir,
                                         MB_PLATFORM_STATE_FILE, strerror(errno));
    struct stat st;
    int rc = MB_OK;
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode))
        rc = mb_fail(err, MB_E_IO, "%s/%s is not a regular file", p->dir, MB_PLATFORM_STATE_FILE);
    else if ((uint64_t)st.st_size > MB_PLATFORM_STATE_MAX)
        rc = mb_fail(err, MB_E_CORRUPT, "%s/%s is larger than 256 MiB", p->dir,
                     MB_PLATFORM_STATE_FILE);
    char *buf = rc == MB_OK ? mb_alloc((size_t)st.st_size + 1) : NULL;
    if (rc == MB_OK && buf == NULL)
        rc = mb_fail(err, MB_E_NOMEM, "out of memory");
    size_t got = 0;
    while (rc == MB_OK && got < (size_t)st.st_size) {
        ssize_t r = read(f, buf + got, (size_t)st.st_size - got);
        if (r <= 0) {
            rc = mb_fail(err, MB_E_IO, "%s/%s: %s", p->dir, MB_PLATFORM_STATE_FILE,
                         r < 0 ? strerror(errno) : "shorter than its size");
            break;
        }
        got += (size_t)r;
    }
    close(f);
    if (rc != MB_OK) {
        mb_free(buf);
        return rc;
    }
    p->dir_data = buf;
    *data = buf;
    *len = got;
    return MB_OK;
}

/* Write a temporary file beside the state, sync it, and rename it over the state: a reader
 * sees the old state or the new one, never part of either; a failure leaves the old one. */
static int dir_save(mb_platform *p, const void *data, size_t len, mb_error *err)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", MB_PLATFORM_STATE_FILE, (long)getpid());
    int f = openat(p->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (f < 0)
        return mb_fail(err, MB_E_IO, "%s: cannot write the state: %s", p->dir, strerror(errno));
    const char *at = data;
    size_t left = len;
    int e = 0;
    while (left > 0 && e == 0) {
        ssize_t w = write(f, at, left);
        if (w < 0) {
            if (errno != EINTR)
                e = errno;
            continue;
        }
        at += w;
        left -= (size_t)w;
    }
    if (e == 0 && fsync(f) != 0)
        e = errno;
    if (close(f) != 0 && e == 0)
        e = errno;
    if (e == 0 && renameat(p->dir_fd, tmp, p->dir_fd, MB_PLATFORM_STATE_FILE) != 0)
        e = errno;
    if (e != 0) {
        unlinkat(p->dir_fd, tmp, 0);
        return mb_fail(err, MB_E_IO, "%s: cannot write the state: %s; the old state stands",
                       p->dir, strerror(e));
    }
    fsync(p->dir_fd); /* the rename itself, on its way to the disk */
    return MB_OK;
}

static void dir_done(mb_platform *p)
{
    mb_free(p->dir_data);
    p->dir_data = NULL;
    if (p->dir_fd >= 0)
        close(p->dir_fd); /* and with it the lock */
    p->dir_fd = -1;
}

static int store_load(mb_platform *p, const void **data, size_t *len, mb_error *err)
{
    switch (p->store_kind) {
    case STORE_DIR: return dir_load(p, data, len, err);
    case STORE_CALLER: {
        *data = NULL;
        *len = 0;
        int rc = p->store.load(p->store.ctx, data, len, err);
        if (rc != MB_OK && mb_error_status(err) == MB_OK)
            mb_fail(err, rc, "the state store's load failed");
        return rc;
    }
    case STORE_MEMORY: break;
    }
    *data = p->memory;
    *len = p->memory_len;
    return MB_OK;
}

static int store_save(mb_platform *p, const char *data, size_t len, mb_error *err)
{
    switch (p->store_kind) {
    case STORE_DIR: return dir_save(p, data, len, err);
    case STORE_CALLER: {
        int rc = p->store.save(p->store.ctx, data, len, err);
        if (rc != MB_OK && mb_error_status(err) == MB_OK)
            mb_fail(err, rc, "the state store's save failed");
        return rc;
    }
    case STORE_MEMORY: break;
    }
    char *copy = mb_alloc(len + 1);
    if (copy == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory");
    memcpy(copy, data, len);
    copy[len] = '\0';
    mb_free(p->memory);
    p->memory = copy;
    p->memory_len = len;
    return MB_OK;
}

static void store_done(mb_platform *p)
{
    if (p->store_kind == STORE_DIR)
        dir_done(p);
    else if (p->store_kind == STORE_CALLER && p->store.done)
        p->store.done(p->store.ctx);
}

/* ---- messages ------------------------------------------------------------------------------ */

static const struct {
    const char *infno;
    int (*handler)(mb_call *c);
    bool records; /* takes the platform's answer in `output` */
} messages[] = {
    {"1101", mb_msg_1101, true},    {"5301", mb_msg_5301, true},
    {"5206", mb_msg_5206, true},    {"2201", mb_msg_2201, false},
    {"2203", mb_msg_2203, false},   {"2204", mb_msg_2204, false},
    {"2206", mb_msg_settle, false}, {"2207", mb_msg_settle, false},
    {"2208", mb_msg_reverse, false}, {"2401", mb_msg_2401, false},
    {"2301", mb_msg_2204, false},   {"2303", mb_msg_settle, false},
    {"2304", mb_msg_settle, false}, {"2305", mb_msg_reverse, false},
};

/* The envelope's fields, and the handler of its infno. */
static int read_envelope(mb_call *c, int (**handler)(mb_call *))
{
    const mb_json *root = c->req.root;
    const char *w = "the request";
    int rc;
    if (root->type != MB_JSON_OBJECT)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "the request must be a JSON object (the platform's envelope)");
    if ((rc = mb_field_text(c, root, w, "infno", true, 6, &c->infno)) ||
        (rc = mb_field_text(c, root, w, "msgid", false, 30, &c->msgid)) ||
        (rc = mb_field_text(c, root, w, "mdtrtarea_admvs", false, 6, &c->mdtrtarea_admvs)) ||
        (rc = mb_field_text(c, root, w, "insuplc_admdvs", false, 6, &c->insuplc_admdvs)) ||
        (rc = mb_field_text(c, root, w, "fixmedins_code", false, MB_ID_MAX - 1,
                            &c->fixmedins_code)) ||
        (rc = mb_field_text(c, root, w, "inf_time", true, 19, &c->inf_time)) ||
        (rc = mb_field_date(c, root, w, "inf_time", true, &c->date)) ||
        (rc = mb_field_node(c, root, w, "input", MB_JSON_OBJECT, true, &c->input)) ||
        (rc = mb_field_node(c, root, w, "output", MB_JSON_OBJECT, false, &c->recorded)))
        return rc;
    if (c->fixmedins_code == NULL)
        c->fixmedins_code = "";
    if (c->msgid == NULL)
        c->msgid = "";
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        if (strcmp(messages[i].infno, c->infno) != 0)
            continue;
        if (c->recorded && !messages[i].records)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                           "infno %s: the request carries an \"output\"; only the answers of "
                           "1101, 5301 and 5206 are recorded",
                           c->infno);
        *handler = messages[i].handler;
        return MB_OK;
    }
    return mb_fail(c->err, MB_E_UNKNOWN_CODE,
                   "infno %s is not answered offline; these are: 1101, 5301, 5206, 2201, 2203, "
                   "2204, 2206, 2207, 2208, 2401, 2301, 2303, 2304, 2305 (docs/platform.md)",
                   c->infno);
}

/* inf_refmsgid: the treating area (6), the request's time (14), a sequence (10) taken from
 * the request's msgid, so that the same request is always answered the same way. */
static void refmsgid(const mb_call *c, char out[40], char time17[24])
{
    char digits[16] = "00000000000000";
    const char *t = c->inf_time;
    size_t k = 0;
    for (size_t i = 0; t && t[i] && k < 14; i++)
        if (t[i] >= '0' && t[i] <= '9')
            digits[k++] = t[i];
    const char *area = c->mdtrtarea_admvs && strlen(c->mdtrtarea_admvs) == 6 ? c->mdtrtarea_admvs
                                                                             : "000000";
    char seq[11] = "0000000000";
    size_t m = c->msgid ? strlen(c->msgid) : 0;
    size_t most = m == 30 ? 4 : 10; /* a msgid of the platform's form ends in a 4-digit 顺序号 */
    for (size_t i = 0; i < most && i < m && c->msgid[m - 1 - i] >= '0' && c->msgid[m - 1 - i] <= '9';
         i++)
        seq[9 - i] = c->msgid[m - 1 - i];
    snprintf(out, 40, "%s%s%s", area, digits, seq);
    snprintf(time17, 24, "%s000", digits);
}

/* The response envelope of a call that ended with `status`, as text from mb_alloc. */
static int respond(mb_call *c, int status, char **text, size_t *len)
{
    mb_json_doc *d = &c->out;
    mb_json *env = mb_json_object(d);
    char id[40], time17[24];
    refmsgid(c, id, time17);
    mb_json_set_number(d, env, "infcode", status == MB_OK ? "0" : "-1");
    mb_json_set_string(d, env, "inf_refmsgid", id);
    mb_json_set_string(d, env, "refmsg_time", time17);
    mb_json_set_string(d, env, "respond_time", time17);
    mb_json_set_string(d, env, "enctype", "");
    mb_json_set_string(d, env, "signtype", "");
    mb_json_set(d, env, "cainfo", mb_json_null(d));
    mb_json_set_string(d, env, "err_msg", status == MB_OK ? NULL : mb_error_message(c->err));
    mb_json_set_string(d, env, "warn_msg", c->warn[0] ? c->warn : NULL);
    if (status == MB_OK)
        mb_json_set(d, env, "output", c->output);
    else
        mb_json_set(d, env, "output", mb_json_null(d));
    mb_error scratch;
    if (mb_json_failed(d) || mb_json_write(env, true, text, len, &scratch) != MB_OK)
        return MB_E_NOMEM;
    return MB_OK;
}

/* One call: the answer is made before the state is saved, so that a call that cannot answer
 * (out of memory) has changed nothing either. */
static int handle(mb_call *c, const char *request, size_t len, char **answer, size_t *answer_len)
{
    int (*handler)(mb_call *) = NULL;
    int rc = MB_OK;
    bool loaded = false;
    *answer = NULL;
    if (len > MB_PLATFORM_REQUEST_MAX)
        rc = mb_fail(c->err, MB_E_PARSE, "the request is longer than 8 MiB (%u bytes), the most "
                     "a request may be", MB_PLATFORM_REQUEST_MAX);
    if (rc == MB_OK)
        rc = mb_json_parse(&c->req, request, len, "the request", c->err);
    if (rc == MB_OK)
        rc = read_envelope(c, &handler);
    if (rc == MB_OK && (c->output = mb_json_object(&c->out)) == NULL)
        rc = mb_fail(c->err, MB_E_NOMEM, "out of memory");
    const void *text;
    size_t text_len;
    if (rc == MB_OK) {
        loaded = true;
        rc = store_load(c->p, &text, &text_len, c->err);
    }
    if (rc == MB_OK)
        rc = mb_state_open(c, text, text_len);
    if (rc == MB_OK)
        rc = handler(c);
    if (rc == MB_OK && (mb_json_failed(&c->out) || mb_json_failed(&c->st)))
        rc = mb_fail(c->err, MB_E_NOMEM, "out of memory");
    if (rc == MB_OK && respond(c, MB_OK, answer, answer_len) != MB_OK)
        rc = mb_fail(c->err, MB_E_NOMEM, "out of memory answering the request");
    if (rc == MB_OK && c->changed) {
        char *state;
        size_t state_len;
        if ((rc = mb_json_write(c->st.root, true, &state, &state_len, c->err)) == MB_OK) {
            rc = store_save(c->p, state, state_len, c->err);
            mb_free(state);
        }
    }
    if (loaded)
        store_done(c->p);
    if (rc != MB_OK) {
        mb_free(*answer);
        *answer = NULL;
        if (mb_error_status(c->err) == MB_OK)
            mb_fail(c->err, rc, "%s", mb_status_text(rc));
        if (respond(c, rc, answer, answer_len) != MB_OK)
            *answer = NULL;
    }
    return rc;
}

int mb_platform_call(mb_platform *p, const char *request, size_t len, const char **response,
                     size_t *response_len, mb_error *err)
{
    if (response)
        *response = NULL;
    if (response_len)
        *response_len = 0;
    if (p == NULL || request == NULL || response == NULL || response_len == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_platform_call: NULL argument");
    /* the call's own error report: the caller's is written only when the call fails */
    mb_error local;
    mb_error_clear(&local);
    mb_call c = {.p = p, .err = &local};
    char *answer;
    size_t answer_len = 0;
    int rc = handle(&c, request, len, &answer, &answer_len);
    mb_json_free(&c.req);
    mb_json_free(&c.st);
    mb_json_free(&c.out);
    if (rc != MB_OK && err != NULL)
        *err = local;
    if (answer == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory answering the request");
    mb_free(p->response);
    p->response = answer;
    p->response_len = answer_len;
    *response = p->response;
    *response_len = p->response_len;
    return rc;
}
