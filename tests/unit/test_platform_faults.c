/*
 * Every field of every request changed (include/medbenefit.h, mb_platform_call: "When the
 * request is refused, the envelope says infcode -1 with err_msg, the return is the negative
 * status and `err` holds the same message; nothing in the state changed").
 *
 * The requests are tests/unit/data/platform-calls.txt: the calls of tests/platform-cli.py's
 * three sequences and a resident's (the reference's outpatient visits, a chain picked from declarations, an
 * inpatient stay) that succeed. Replayed in order through a caller's store, the state before
 * each call is kept; then each request is sent again, from that state, with one node of it
 * changed: removed, or made a string, an empty string, a number, a number too large for any
 * amount, negative, with three decimals, zero, a long string, a date that is none, an unknown
 * code, null, an empty object, an empty array; its own text a character shorter, or with
 * every digit a 9 (a time of 99:99:99, a code of nines), its year five later or six earlier,
 * or another valid code in place of its own (insutype 310 and 390, med_type 14 and 21). And the state a store hands back is damaged
 * the same ways, node by node, before the last call. Whatever the change, the answer is a JSON
 * envelope with infcode 0 or -1, the return agrees with it, a refusal's err_msg is err's
 * message, and a refused call saves nothing. Each request is also cut short at every length
 * (a parse error, never a crash). The sanitizer build checks that nothing leaks.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fixtures.h"
#include "json.h"
#include "medbenefit.h"
#include "platform_calls.h"

enum { MAX_RULESETS = 32, MAX_NODES = 512 };

static mb_ruleset *bundled[MAX_RULESETS];
static char ids[MAX_RULESETS][128];
static size_t nbundled;

static sequence seqs[PC_MAX_SEQUENCES];
static size_t nseqs;

static mb_platform *platform_for(const sequence *s, fx_store *store)
{
    return pc_platform(s, bundled, nbundled, store, false);
}

/* ---- the contract of an answer --------------------------------------------------------------- */

static long answered, refused, accepted, broken;

static void check_answer(int rc, const char *response, size_t len, const mb_error *err,
                         int saves_before, const fx_store *store, const char *what)
{
    answered++;
    const char *why = NULL;
    mb_json_doc doc = {0};
    mb_error perr = {0};
    if (response == NULL) {
        why = "no envelope";
    } else if (mb_json_parse(&doc, response, len, "the response", &perr) != MB_OK) {
        why = "the envelope is not JSON";
    } else {
        const mb_json *infcode = mb_json_member(doc.root, "infcode");
        const mb_json *msg = mb_json_member(doc.root, "err_msg");
        if (infcode == NULL || infcode->type != MB_JSON_NUMBER)
            why = "no infcode";
        else if (rc == MB_OK && strcmp(infcode->text, "0") != 0)
            why = "MB_OK with an infcode other than 0";
        else if (rc != MB_OK && strcmp(infcode->text, "-1") != 0)
            why = "a refusal without infcode -1";
        else if (rc != MB_OK && (msg == NULL || msg->type != MB_JSON_STRING ||
                                 strcmp(msg->text, mb_error_message(err)) != 0))
            why = "err_msg is not err's message";
        else if (rc != MB_OK && store->saves != saves_before)
            why = "a refused call saved the state";
        else if (rc > 0)
            why = "a positive status";
    }
    mb_json_free(&doc);
    if (why != NULL) {
        if (broken++ < 5)
            fprintf(stderr, "  %s: %s (rc %s)\n    response: %.300s\n", what, why,
                    mb_status_name(rc), response ? response : "(null)");
        return;
    }
    if (rc == MB_OK)
        accepted++;
    else
        refused++;
}

/* ---- changing one node ------------------------------------------------------------------------ */

typedef struct walk {
    mb_json *node[MAX_NODES], *parent[MAX_NODES];
    size_t n;
} walk;

static void walk_nodes(walk *w, mb_json *node, mb_json *parent)
{
    if (w->n == MAX_NODES)
        return;
    w->node[w->n] = node;
    w->parent[w->n++] = parent;
    for (mb_json *m = node->first; m; m = m->next)
        walk_nodes(w, m, node);
}

static void unlink_node(mb_json *parent, mb_json *node)
{
    mb_json *prev = NULL;
    for (mb_json *m = parent->first; m; prev = m, m = m->next)
        if (m == node) {
            if (prev)
                prev->next = m->next;
            else
                parent->first = m->next;
            if (parent->last == m)
                parent->last = prev;
            parent->count--;
            return;
        }
}

enum {
    V_REMOVE, V_STRING, V_EMPTY, V_LONG, V_DATE, V_CODE, V_NUMBER, V_HUGE, V_NEGATIVE,
    V_FRACTION, V_ZERO, V_NULL, V_OBJECT, V_ARRAY,
    /* changes of the text itself (strings and numbers only) */
    V_SHORTER, V_NINES,
    /* a date, time or month (yyyy…) five years later or six earlier; a basic insurance or
     * claim type swapped for another valid one (310 and 390, 14 and 21) */
    V_LATER, V_EARLIER, V_OTHER_CODE, V_COUNT
};
static const char *const variant_name[V_COUNT] = {
    "removed", "a string", "an empty string", "a long string", "a date that is none",
    "an unknown code", "a number", "a huge number", "a negative number", "three decimals",
    "zero", "null", "an empty object", "an empty array", "a character shorter",
    "every digit a 9", "five years later", "six years earlier", "another valid code"};
static const char LONG_TEXT[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/* Make node `k` of the request variant `v`; false when the variant would change nothing. */
static bool change(mb_json *node, mb_json *parent, int v)
{
    static const char huge[] = "123456789012345678901234567890";
    static char derived[512];
    if (v >= V_SHORTER) {
        if ((node->type != MB_JSON_STRING && node->type != MB_JSON_NUMBER) || node->len == 0 ||
            node->len + 2 >= sizeof derived)
            return false;
        const char *t = node->text;
        size_t n = node->len;
        if (v == V_SHORTER) {
            memcpy(derived, t, n - 1), derived[n - 1] = '\0';
        } else if (v == V_LATER || v == V_EARLIER) {
            if (n < 4 || t[0] != '2' || t[1] != '0' || strspn(t, "0123456789") < 4)
                return false;
            int year = (t[2] - '0') * 10 + (t[3] - '0') + (v == V_LATER ? 5 : -6);
            if (year < 0 || year > 99)
                return false;
            memcpy(derived, t, n + 1);
            derived[2] = (char)('0' + year / 10);
            derived[3] = (char)('0' + year % 10);
        } else if (v == V_OTHER_CODE) {
            static const char *const swaps[][2] = {{"310", "390"}, {"390", "310"}, {"14", "21"},
                                                   {"21", "14"}};
            size_t k = 0;
            while (k < 4 && (strlen(swaps[k][0]) != n || memcmp(t, swaps[k][0], n) != 0))
                k++;
            if (k == 4)
                return false;
            strcpy(derived, swaps[k][1]);
        } else {
            for (size_t i = 0; i <= n; i++)
                derived[i] = t[i] >= '0' && t[i] <= '9' ? '9' : t[i];
            if (strcmp(derived, t) == 0)
                return false;
        }
        node->text = derived;
        node->len = strlen(derived);
        return true;
    }
    if (v == V_REMOVE) {
        if (parent == NULL)
            return false;
        unlink_node(parent, node);
        return true;
    }
    static const char *const texts[V_COUNT] = {
        [V_STRING] = "X9", [V_EMPTY] = "", [V_LONG] = LONG_TEXT, [V_DATE] = "2025-02-30",
        [V_CODE] = "99", [V_NUMBER] = "7", [V_HUGE] = huge, [V_NEGATIVE] = "-1",
        [V_FRACTION] = "1.005", [V_ZERO] = "0"};
    mb_json_type type = v <= V_CODE ? MB_JSON_STRING
                        : v <= V_ZERO ? MB_JSON_NUMBER
                        : v == V_NULL ? MB_JSON_NULL
                        : v == V_OBJECT ? MB_JSON_OBJECT : MB_JSON_ARRAY;
    const char *text = texts[v];
    if (node->type == type && node->count == 0 &&
        (text == NULL || (node->text && strcmp(node->text, text) == 0)))
        return false;
    node->type = type;
    node->text = text;
    node->len = text ? strlen(text) : 0;
    node->first = node->last = NULL;
    node->count = 0;
    return true;
}

static void every_field_changed(sequence *s)
{
    fx_store store = {0};
    mb_platform *p = platform_for(s, &store);
    mb_error *err = mb_error_new();
    for (size_t i = 0; i < s->ncalls; i++) {
        call_record *c = &s->calls[i];
        walk w = {.n = 0};
        mb_json_doc doc = {0};
        if (mb_json_parse(&doc, c->request, c->len, "the request", NULL) != MB_OK)
            continue;
        walk_nodes(&w, doc.root, NULL);
        size_t nodes = w.n;
        mb_json_free(&doc);
        for (size_t k = 0; k < nodes; k++)
            for (int v = 0; v < V_COUNT; v++) {
                mb_json_doc d = {0};
                mb_json_parse(&d, c->request, c->len, "the request", NULL);
                walk wv = {.n = 0};
                walk_nodes(&wv, d.root, NULL);
                if (!change(wv.node[k], wv.parent[k], v)) {
                    mb_json_free(&d);
                    continue;
                }
                char *text = NULL;
                size_t len = 0;
                if (mb_json_write(d.root, false, &text, &len, NULL) == MB_OK) {
                    fx_store_put(&store, c->state, c->state_len);
                    int saves = store.saves;
                    const char *response = NULL;
                    size_t rlen = 0;
                    mb_error_clear(err);
                    int rc = mb_platform_call(p, text, len, &response, &rlen, err);
                    char what[160];
                    snprintf(what, sizeof what, "%s call %zu, node %zu (%s) %s", s->name, i + 1,
                             k, wv.node[k]->key ? wv.node[k]->key : "-", variant_name[v]);
                    check_answer(rc, response, rlen, err, saves, &store, what);
                    mb_free(text);
                }
                mb_json_free(&d);
            }
        /* the request cut short, every 7th length */
        for (size_t cut = 0; cut < c->len; cut += 7) {
            fx_store_put(&store, c->state, c->state_len);
            int saves = store.saves;
            const char *response = NULL;
            size_t rlen = 0;
            int rc = mb_platform_call(p, c->request, cut, &response, &rlen, err);
            char what[96];
            snprintf(what, sizeof what, "%s call %zu cut at %zu", s->name, i + 1, cut);
            check_answer(rc, response, rlen, err, saves, &store, what);
        }
    }
    mb_platform_free(p);
    mb_error_free(err);
    free(store.data);
}

/* A store that hands back a damaged state: the state before the last call of the sequence,
 * with one node of it changed, and the call made from it. */
static void every_field_of_the_state_changed(sequence *s)
{
    fx_store store = {0};
    mb_platform *p = platform_for(s, &store);
    mb_error *err = mb_error_new();
    const call_record *c = &s->calls[s->ncalls - 1];
    mb_json_doc doc = {0};
    if (c->state == NULL || mb_json_parse(&doc, c->state, c->state_len, "the state", NULL) != MB_OK) {
        CHECK(0, "the state before the last call is JSON");
        mb_json_free(&doc);
        mb_platform_free(p);
        mb_error_free(err);
        return;
    }
    walk w = {.n = 0};
    walk_nodes(&w, doc.root, NULL);
    size_t nodes = w.n;
    mb_json_free(&doc);
    for (size_t k = 0; k < nodes; k++)
        for (int v = 0; v < V_SHORTER; v++) { /* the state's texts are the library's own */
            mb_json_doc d = {0};
            mb_json_parse(&d, c->state, c->state_len, "the state", NULL);
            walk wv = {.n = 0};
            walk_nodes(&wv, d.root, NULL);
            char *text = NULL;
            size_t len = 0;
            if (change(wv.node[k], wv.parent[k], v) &&
                mb_json_write(d.root, false, &text, &len, NULL) == MB_OK) {
                fx_store_put(&store, text, len);
                int saves = store.saves;
                const char *response = NULL;
                size_t rlen = 0;
                int rc = mb_platform_call(p, c->request, c->len, &response, &rlen, err);
                char what[160];
                snprintf(what, sizeof what, "%s's state, node %zu (%s) %s", s->name, k,
                         wv.node[k]->key ? wv.node[k]->key : "-", variant_name[v]);
                check_answer(rc, response, rlen, err, saves, &store, what);
                mb_free(text);
            }
            mb_json_free(&d);
        }
    mb_platform_free(p);
    mb_error_free(err);
    free(store.data);
}

/* The reference run: each call succeeds, and the state before it is kept. */
static void replay(sequence *s)
{
    fx_store store = {0};
    mb_platform *p = platform_for(s, &store);
    mb_error *err = mb_error_new();
    int ok = 0;
    for (size_t i = 0; i < s->ncalls; i++) {
        call_record *c = &s->calls[i];
        c->state = store.len ? malloc(store.len) : NULL;
        if (c->state)
            memcpy(c->state, store.data, store.len);
        c->state_len = store.len;
        const char *response = NULL;
        size_t rlen = 0;
        int rc = mb_platform_call(p, c->request, c->len, &response, &rlen, err);
        if (rc == MB_OK)
            ok++;
        else
            fprintf(stderr, "  %s call %zu: %s\n", s->name, i + 1, mb_error_message(err));
    }
    CHECK(ok == (int)s->ncalls, "every recorded call of the sequence succeeds again");
    mb_platform_free(p);
    mb_error_free(err);
    free(store.data);
}

/* ---- stores that fail, a directory that is not one, and the platform's own arguments ------- */

/* A store's own failure, in its own words. */
static int store_says(mb_error *err, const char *what)
{
    return mb_fail_at(err, MB_E_IO, "the store", 0, NULL, "%s", what);
}

typedef struct failing_store {
    fx_store kept;
    int fail_load, fail_save, say; /* fail with MB_E_IO; `say`: fill err too */
} failing_store;

static int failing_load(void *ctx, const void **data, size_t *len, mb_error *err)
{
    failing_store *f = ctx;
    if (f->fail_load)
        return f->say ? store_says(err, "the disk is gone") : MB_E_IO;
    return fx_store_load(&f->kept, data, len, err);
}

static int failing_save(void *ctx, const void *data, size_t len, mb_error *err)
{
    failing_store *f = ctx;
    if (f->fail_save)
        return f->say ? store_says(err, "the disk is full") : MB_E_IO;
    return fx_store_save(&f->kept, data, len, err);
}

static void failing_done(void *ctx) { ((failing_store *)ctx)->kept.dones++; }

static void stores_that_fail(void)
{
    const sequence *s = &seqs[0];
    mb_platform *p = NULL;
    const mb_ruleset *chain[1] = {bundled[0]};
    CHECK_RC(mb_platform_new(&p, chain, 1, 0, NULL), MB_OK, "a platform");
    failing_store f = {{0}, 0, 0, 0};
    mb_platform_store st = {failing_load, failing_save, failing_done, &f};
    CHECK_RC(mb_platform_set_store(p, &st, NULL), MB_OK, "a store that can fail");
    mb_error *err = mb_error_new();
    const char *response = NULL;
    size_t rlen = 0;
    const call_record *first = &s->calls[0]; /* 1101: recording a person changes the state */
    for (int say = 0; say < 2; say++) {
        f.say = say;
        f.fail_load = 1, f.fail_save = 0;
        CHECK_RC(mb_platform_call(p, first->request, first->len, &response, &rlen, err), MB_E_IO,
                 "the store's load fails");
        CHECK(strstr(mb_error_message(err), say ? "the disk is gone" : "the state store's load failed") &&
                  response && strstr(response, "\"infcode\": -1"),
              "answered with the store's words, or the platform's");
        f.fail_load = 0, f.fail_save = 1;
        CHECK_RC(mb_platform_call(p, first->request, first->len, &response, &rlen, err), MB_E_IO,
                 "the store's save fails");
        CHECK(strstr(mb_error_message(err), say ? "the disk is full" : "the state store's save failed") &&
                  response && strstr(response, "\"infcode\": -1") && f.kept.saves == 0,
              "the call is refused, and nothing was kept");
    }
    CHECK(f.kept.dones == 4, "done is called whatever happened");
    mb_platform_store half = {failing_load, NULL, NULL, &f};
    CHECK_RC(mb_platform_set_store(p, &half, err), MB_E_INVALID_ARGUMENT, "a store without save");
    CHECK_RC(mb_platform_set_store(p, NULL, err), MB_E_INVALID_ARGUMENT, "no store");
    free(f.kept.data);

    /* the levels of institutions: one set again, many set */
    CHECK_RC(mb_platform_set_facility(p, "H1", MB_LEVEL_PRIMARY, err), MB_OK, "a level");
    CHECK_RC(mb_platform_set_facility(p, "H1", MB_LEVEL_TERTIARY, err), MB_OK, "changed");
    int many = 0;
    for (int i = 0; i < 20; i++) {
        char code[16];
        snprintf(code, sizeof code, "F%02d", i);
        many += mb_platform_set_facility(p, code, MB_LEVEL_SECONDARY, err) == MB_OK;
    }
    CHECK(many == 20, "twenty institutions");
    CHECK_RC(mb_platform_set_facility(p, "H1", 0, err), MB_E_INVALID_ARGUMENT, "level 0");
    CHECK_RC(mb_platform_set_facility(p, "", MB_LEVEL_PRIMARY, err), MB_E_INVALID_ARGUMENT,
             "an empty code");
    CHECK_RC(mb_platform_set_facility(p, "H\xff", MB_LEVEL_PRIMARY, err), MB_E_INVALID_ARGUMENT,
             "a code that is not UTF-8");
    CHECK_RC(mb_platform_set_facility(NULL, "H1", MB_LEVEL_PRIMARY, err), MB_E_INVALID_ARGUMENT,
             "no platform");
    mb_platform_free(p);

    /* the rulesets a platform takes */
    const mb_ruleset *backwards[2] = {NULL, NULL};
    for (size_t i = 0; i < nbundled; i++) {
        if (mb_ruleset_tier(bundled[i]) == MB_TIER_BASIC && backwards[1] == NULL)
            backwards[1] = bundled[i];
        if (mb_ruleset_tier(bundled[i]) == MB_TIER_ASSISTANCE && backwards[0] == NULL)
            backwards[0] = bundled[i];
    }
    CHECK_RC(mb_platform_new(&p, backwards, 2, MB_PLATFORM_FIXED_CHAIN, err), MB_E_CHAIN,
             "a fixed chain out of tier order");
    const mb_ruleset *nine[9];
    for (int i = 0; i < 9; i++)
        nine[i] = bundled[0];
    CHECK_RC(mb_platform_new(&p, nine, 9, MB_PLATFORM_FIXED_CHAIN, err), MB_E_CHAIN,
             "a fixed chain of nine");
    CHECK_RC(mb_platform_new(&p, nine, 9, 0, err), MB_OK, "nine to choose from is fine");
    mb_platform_free(p);
    CHECK_RC(mb_platform_new(&p, nine, 0, 0, err), MB_E_INVALID_ARGUMENT, "none");
    CHECK_RC(mb_platform_new(&p, nine, 1, 0x80, err), MB_E_INVALID_ARGUMENT, "an unknown flag");
    CHECK(p == NULL, "a refused platform is not made");
    mb_error_free(err);
}

/* A state directory whose state file is a directory, or larger than the platform reads. */
static void a_state_file_that_is_none(void)
{
    char tmpl[] = "/tmp/mb-platform-faults-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL, "a directory");
    if (dir == NULL)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/platform-state.json", dir);
    mb_platform *p = NULL;
    const mb_ruleset *chain[1] = {bundled[0]};
    mb_error *err = mb_error_new();
    CHECK_RC(mb_platform_new(&p, chain, 1, 0, NULL), MB_OK, "a platform");
    CHECK_RC(mb_platform_set_state_dir(p, dir, err), MB_OK, "its directory");
    const call_record *first = &seqs[0].calls[0];
    const char *response = NULL;
    size_t rlen = 0;
    CHECK(mkdir(path, 0700) == 0, "platform-state.json made a directory");
    CHECK_RC(mb_platform_call(p, first->request, first->len, &response, &rlen, err), MB_E_IO,
             "refused");
    CHECK(strstr(mb_error_message(err), "is not a regular file") != NULL, "as no regular file");
    rmdir(path);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0 && ftruncate(fd, (off_t)257 << 20) == 0, "a 257 MiB sparse state");
    if (fd >= 0)
        close(fd);
    CHECK_RC(mb_platform_call(p, first->request, first->len, &response, &rlen, err),
             MB_E_CORRUPT, "refused unread");
    CHECK(strstr(mb_error_message(err), "larger than 256 MiB") != NULL, "for its size");
    unlink(path);
    CHECK_RC(mb_platform_set_state_dir(p, path, err), MB_E_IO, "a directory that does not exist");
    CHECK_RC(mb_platform_set_state_dir(p, "/dev/null", err), MB_E_IO, "a path that is no directory");
    CHECK(strstr(mb_error_message(err), "is not a directory") != NULL, "says so");
    mb_platform_free(p);
    rmdir(dir);
    mb_error_free(err);
}

int main(void)
{
    nbundled = fx_bundled_ids(ids, MAX_RULESETS);
    for (size_t i = 0; i < nbundled && i < MAX_RULESETS; i++)
        bundled[i] = fx_ruleset(ids[i]);
    nseqs = pc_read(seqs);
    CHECK(nseqs == 4, "four recorded sequences");
    for (size_t i = 0; i < nseqs; i++) {
        replay(&seqs[i]);
        every_field_changed(&seqs[i]);
        every_field_of_the_state_changed(&seqs[i]);
    }
    if (nseqs > 0) {
        stores_that_fail();
        a_state_file_that_is_none();
    }
    printf("%ld answers: %ld refused, %ld accepted\n", answered, refused, accepted);
    CHECK(broken == 0, "every answer keeps the contract: JSON, infcode as the return, err_msg as "
                       "err, nothing saved when refused");
    CHECK(refused > 1000 && accepted > 100, "the changes were both refused and accepted");
    pc_free(seqs, nseqs);
    for (size_t i = 0; i < nbundled && i < MAX_RULESETS; i++)
        mb_ruleset_free(bundled[i]);
    fx_done();
    return check_summary();
}
