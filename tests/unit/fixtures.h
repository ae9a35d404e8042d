/* Fixtures: the handles a test needs, made through the public API as an integrator would make
 * them, in one place instead of a copy in every test. Each call that makes or sets up a handle
 * is checked: a fixture that cannot be made is a failed CHECK naming the call and carrying the
 * library's message, and returns NULL (every call given NULL refuses it), so that a broken
 * fixture fails where it was made. The fixtures share one error report, fx_err. Not for use
 * from several threads at once (CHECK counts without a lock); fx_save and fx_same are, as is
 * the random generator with one state per thread. */
#ifndef MB_TEST_FIXTURES_H
#define MB_TEST_FIXTURES_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../chains.h"
#include "check.h"
#include "medbenefit.h"
#include "memory_store.h" /* a platform's state in memory (mb_platform_set_store) */

#ifndef MB_SOURCE_ROOT
#define MB_SOURCE_ROOT "."
#endif

#define YUAN(y) ((int64_t)(y) * 100)
#define BLOB_MAX 65536 /* room for any enrollee the tests make */

static mb_error *fx_err;

/* The fixtures' error report, made on first use. */
static inline mb_error *fx_error(void)
{
    if (fx_err == NULL)
        fx_err = mb_error_new();
    return fx_err;
}

/* A fixture's call: on failure, a failed CHECK with the call and the library's message. */
static inline bool fx_ok(int rc, const char *call, const char *file, int line)
{
    if (rc == MB_OK)
        return true;
    check_failed++;
    fprintf(stderr, "%s:%d: FAIL fixture %s: %s: %s\n", file, line, call, mb_status_name(rc),
            mb_error_message(fx_error()));
    return false;
}
#define FX_OK(call) fx_ok((call), #call, __FILE__, __LINE__)

/* ---- rulesets ------------------------------------------------------------------------------ */

/* The bundled ruleset `id`, loaded from rulesets/<id>.yaml. */
static inline mb_ruleset *fx_ruleset(const char *id)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rulesets/%s.yaml", MB_SOURCE_ROOT, id);
    mb_ruleset *rs = NULL;
    FX_OK(mb_ruleset_load_file(&rs, path, fx_error()));
    return rs;
}

/* A ruleset written for a test, loaded from its text; `name` stands for its file in errors. */
static inline mb_ruleset *fx_ruleset_text(const char *text, const char *name)
{
    mb_ruleset *rs = NULL;
    FX_OK(mb_ruleset_load_buffer(&rs, text, strlen(text), name, fx_error()));
    return rs;
}

/* Two rulesets a test chains, each from its text: true with both loaded, else false with
 * neither held (the failure already reported by FX_OK), so that a test returns at once. */
static inline bool fx_ruleset_both(mb_ruleset **a, const char *text_a, const char *name_a,
                                   mb_ruleset **b, const char *text_b, const char *name_b)
{
    *a = fx_ruleset_text(text_a, name_a);
    *b = fx_ruleset_text(text_b, name_b);
    if (*a != NULL && *b != NULL)
        return true;
    mb_ruleset_free(*a);
    mb_ruleset_free(*b);
    *a = *b = NULL;
    return false;
}

/* The head of a ruleset written for a test, as string literals to append to: a basic
 * employee ruleset in force from 2024-01-01, without a personal account, of `id`, `title`
 * and `doc` (the document its clauses 一 and 二 are cited from); FX_POOLING_FUND, its one
 * fund; FX_RULESET_HEAD both, with a 10% class B first self-pay between them. */
#define FX_RULESET_TOP(id, title, doc)                                                         \
    "id: " id "\n"                                                                             \
    "title: " title "\n"                                                                       \
    "document: " doc "\n"                                                                      \
    "tier: basic\n"                                                                            \
    "effective_from: 2024-01-01\n"                                                             \
    "schemes: [employee]\n"                                                                    \
    "account: {value: none, cite: " doc " 一}\n"
#define FX_POOLING_FUND                                                                        \
    "funds:\n"                                                                                 \
    "  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"
#define FX_RULESET_HEAD(id, title, doc)                                                        \
    FX_RULESET_TOP(id, title, doc)                                                             \
    "class_b_first_selfpay: {value: 10%, cite: " doc " 二}\n" FX_POOLING_FUND

/* The rulesets of the tests of a settlement's limits (its changes, its trace, its fund rows):
 * `layers` chronic layers l0, l1, … each paying 1% of the claim. In force from 2023-01-01, a
 * 10% class B first self-pay, every cite "c"; of tier `tier` (NULL: basic, its account paid
 * last; any other tier gets its upstream); `extra`, top-level lines before the funds; `funds`
 * funds f0, f1, … (at least one; codes 31000k, 32000k outside the basic tier), every layer
 * paying from f0 or, `own_funds`, layer i from f<i>; `kinds` > 0: layer i of benefit kind
 * k<i % kinds>. */
typedef struct fx_layers {
    const char *id, *tier, *extra;
    int layers, funds, kinds;
    bool own_funds;
} fx_layers;

/* The fx_layers ruleset's text into text[cap]; its length. */
static inline size_t fx_layers_text(char *text, size_t cap, fx_layers spec)
{
    bool basic = spec.tier == NULL || strcmp(spec.tier, "basic") == 0;
    size_t n = (size_t)snprintf(text, cap,
                                "id: %s\ntitle: t\ndocument: d\ntier: %s\neffective_from: 2023-01-01\n"
                                "%s%sclass_b_first_selfpay: {value: 10%%, cite: c}\nfunds:\n",
                                spec.id, basic ? "basic" : spec.tier,
                                basic ? "account: {value: last, cite: c}\n" : "upstream: {cite: c}\n",
                                spec.extra ? spec.extra : "");
    for (int f = 0; f < (spec.funds > 0 ? spec.funds : 1) && n < cap; f++)
        n += (size_t)snprintf(text + n, cap - n,
                              "  - {key: f%d, employee: '3%d%04d', name: n, amount: hifp_pay}\n", f,
                              basic ? 1 : 2, f);
    if (n < cap)
        n += (size_t)snprintf(text + n, cap - n, "layers:\n");
    for (int l = 0; l < spec.layers && n < cap; l++) {
        char kind[24] = "";
        if (spec.kinds > 0)
            snprintf(kind, sizeof kind, "kind: k%d, ", l % spec.kinds);
        n += (size_t)snprintf(text + n, cap - n,
                              "  - {id: l%d, %scite: c, med_types: [chronic], fund: f%d, "
                              "ratio: [{all: 1%%}]}\n",
                              l, kind, spec.own_funds ? l : 0);
    }
    return n < cap ? n : cap - 1;
}

/* The fx_layers ruleset, loaded (a fixture: NULL and a failed CHECK when it does not load). */
static inline mb_ruleset *fx_layers_ruleset(fx_layers spec)
{
    static char text[1 << 15];
    char name[80];
    fx_layers_text(text, sizeof text, spec);
    snprintf(name, sizeof name, "%s.yaml", spec.id);
    return fx_ruleset_text(text, name);
}

/* `text` (`name` in reports) does not load: refused with `status` (0: any refusal) and its
 * handle left NULL; the report naming `key` exactly; its message holding `message` (NULL:
 * anything) at `line` (0: any). Three CHECKs of `why`; what the report said instead is
 * printed. The tables of refused rulesets each test file writes run through it. */
static inline void fx_refused(const char *text, const char *name, int status, const char *key,
                              const char *message, int line, const char *why)
{
    mb_ruleset *rs = (mb_ruleset *)(uintptr_t)1; /* must be overwritten */
    mb_error *err = fx_error();
    mb_error_clear(err);
    int rc = mb_ruleset_load_buffer(&rs, text, strlen(text), name, err);
    const char *got = mb_error_key(err) ? mb_error_key(err) : "";
    bool refused = rc != MB_OK && (status == 0 || rc == status) && rs == NULL;
    bool located = strcmp(got, key) == 0;
    bool said = (message == NULL || strstr(mb_error_message(err), message) != NULL) &&
                (line == 0 || mb_error_line(err) == line);
    CHECK(refused, why);
    CHECK(located, why);
    CHECK(said, why);
    if (!refused || !located || !said)
        fprintf(stderr, "  %s: %s, key '%s', line %d: %s\n", why, mb_status_name(rc), got,
                mb_error_line(err), mb_error_message(err));
    if (rc == MB_OK)
        mb_ruleset_free(rs);
}

static inline bool fx_ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* The ids of every file of rulesets/, sorted, into ids[0..max-1]; returns how many files there
 * are (when more than max, only the first max found are listed). */
static inline size_t fx_bundled_ids(char (*ids)[128], size_t max)
{
    DIR *d = opendir(MB_SOURCE_ROOT "/rulesets");
    CHECK(d != NULL, "the bundled rulesets directory opens");
    if (d == NULL)
        return 0;
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (!fx_ends_with(ent->d_name, ".yaml") || len - 5 >= 128)
            continue;
        if (n < max) {
            memcpy(ids[n], ent->d_name, len - 5);
            ids[n][len - 5] = '\0';
            for (size_t i = n; i > 0 && strcmp(ids[i - 1], ids[i]) > 0; i--) {
                char swap[128];
                memcpy(swap, ids[i], 128);
                memcpy(ids[i], ids[i - 1], 128);
                memcpy(ids[i - 1], swap, 128);
            }
        }
        n++;
    }
    closedir(d);
    return n;
}

/* Every bundled ruleset, in fx_bundled_ids order, into rs[0..max-1]; how many loaded. */
static inline size_t fx_load_bundled(mb_ruleset **rs, size_t max)
{
    char (*ids)[128] = malloc(max * sizeof *ids);
    size_t found = ids ? fx_bundled_ids(ids, max) : 0, n = 0;
    CHECK(found <= max, "room for every bundled ruleset");
    for (size_t i = 0; i < found && i < max; i++)
        if ((rs[n] = fx_ruleset(ids[i])) != NULL)
            n++;
    free(ids);
    return n;
}

/* Every chain rulesets rs[0..n) make, at most one per tier, in tier order, at least one (the
 * bundled rulesets' every combination, wider than tests/chains.h): visit(chain, length) each. */
#define FX_MAX_TIER_RULESETS 32
static inline void fx_each_tier_chain(mb_ruleset *const *rs, size_t n,
                                      void (*visit)(const mb_ruleset *const *chain, size_t len))
{
    const mb_ruleset *by_tier[3][FX_MAX_TIER_RULESETS];
    size_t count[3] = {0};
    for (size_t i = 0; i < n; i++) {
        int t = mb_ruleset_tier(rs[i]) - 1;
        if (t >= 0 && t < 3 && count[t] < FX_MAX_TIER_RULESETS)
            by_tier[t][count[t]++] = rs[i];
    }
    /* index count[t] stands for "no ruleset of tier t" */
    for (size_t b = 0; b <= count[0]; b++)
        for (size_t c = 0; c <= count[1]; c++)
            for (size_t a = 0; a <= count[2]; a++) {
                const mb_ruleset *chain[3];
                size_t len = 0;
                if (b < count[0])
                    chain[len++] = by_tier[0][b];
                if (c < count[1])
                    chain[len++] = by_tier[1][c];
                if (a < count[2])
                    chain[len++] = by_tier[2][a];
                if (len > 0)
                    visit(chain, len);
            }
}

/* The rulesets of tests/chains.h (mb_test_ruleset_ids, in its order) into rs[]. */
static inline void fx_chain_rulesets(mb_ruleset *rs[MB_TEST_RULESETS])
{
    for (int i = 0; i < MB_TEST_RULESETS; i++)
        rs[i] = fx_ruleset(mb_test_ruleset_ids[i]);
}

/* Chain `k` of tests/chains.h as an array of the rulesets loaded by fx_chain_rulesets; returns
 * its length. */
static inline size_t fx_chain(int k, mb_ruleset *const rs[MB_TEST_RULESETS],
                              const mb_ruleset *chain[3])
{
    size_t n = mb_test_chain_len(&mb_test_chains[k]);
    for (size_t i = 0; i < n; i++)
        chain[i] = rs[mb_test_ruleset_index(mb_test_chains[k].ids[i])];
    return n;
}

/* ---- enrollees, claims, results ------------------------------------------------------------ */

/* An enrollee of `scheme` and `person_type` with `balance` fen in the account (0: none set). */
static inline mb_enrollee *fx_enrollee(const char *id, int scheme, int person_type,
                                       int64_t balance)
{
    mb_enrollee *e = NULL;
    if (!FX_OK(mb_enrollee_new(&e, id, scheme, person_type, fx_error())))
        return NULL;
    if (balance != 0)
        FX_OK(mb_enrollee_set_account_balance(e, balance, fx_error()));
    return e;
}

/* A Wuxi chronic patient (锡医保服务〔2020〕41号), an employee: designated facility H001 and
 * 糖尿病 certified on 2021-01-05. */
static inline mb_enrollee *fx_wuxi_patient(const char *id, int person_type, int64_t balance)
{
    mb_enrollee *e = fx_enrollee(id, MB_SCHEME_EMPLOYEE, person_type, balance);
    FX_OK(mb_enrollee_set_designated_facility(e, "H001", fx_error()));
    FX_OK(mb_enrollee_add_disease(e, "糖尿病", 20210105, 0, fx_error()));
    return e;
}

/* A claim with one class A item of `fen` (none when `fen` is negative). */
static inline mb_claim *fx_claim(const char *id, int32_t date, int med_type, const char *facility,
                                 int level, int64_t fen)
{
    mb_claim *c = NULL;
    if (!FX_OK(mb_claim_new(&c, id, date, med_type, facility, level, fx_error())))
        return NULL;
    if (fen >= 0)
        FX_OK(mb_claim_add_item(c, fen, MB_CLASS_A, -1, fx_error()));
    return c;
}

/* An inpatient claim of one class A item of `fen`, admitted on `admitted` and settled on the
 * day of its discharge. */
static inline mb_claim *fx_admission(const char *id, int32_t admitted, int32_t discharged,
                                     const char *facility, int level, int64_t fen)
{
    mb_claim *c = fx_claim(id, discharged, MB_MED_INPATIENT, facility, level, fen);
    FX_OK(mb_claim_set_admission(c, admitted, discharged, fx_error()));
    return c;
}

/* A Wuxi chronic claim for 糖尿病 at the designated H001 (tertiary), one class A item. */
static inline mb_claim *fx_wuxi_claim(const char *id, int32_t date, int64_t fen)
{
    mb_claim *c = fx_claim(id, date, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, fen);
    FX_OK(mb_claim_set_disease(c, "糖尿病", NULL, fx_error()));
    return c;
}

static inline mb_result *fx_result(void)
{
    mb_result *r = NULL;
    FX_OK(mb_result_new(&r, fx_error()));
    return r;
}

/* Settle `c` for `e` on the chain of the one ruleset `rs`. */
static inline int fx_settle(mb_result *r, const mb_ruleset *rs, mb_enrollee *e, const mb_claim *c,
                            mb_error *err)
{
    const mb_ruleset *chain[1] = {rs};
    return mb_settle(r, chain, 1, e, c, err);
}

/* Settle, on the chain of `rs` alone, a claim of one class A item of `fen` at H1 of `level` on
 * `date`, admitted on `admitted` (0: not an admission), for `disease` (NULL: none); each claim
 * gets its own id (the journal refuses a claim settled twice). Each call making the claim is a
 * CHECK; returns the settlement's status, its message printed when it fails. */
static inline int fx_settle_one(mb_result *r, const mb_ruleset *rs, mb_enrollee *e, int32_t date,
                                int med_type, int level, int32_t admitted, int64_t fen,
                                const char *disease, mb_error *err)
{
    static unsigned serial;
    char id[16];
    snprintf(id, sizeof id, "C%u", ++serial);
    mb_claim *c = NULL;
    CHECK_RC(mb_claim_new(&c, id, date, med_type, "H1", level, err), MB_OK, "claim");
    CHECK_RC(mb_claim_add_item(c, fen, MB_CLASS_A, -1, err), MB_OK, "item");
    if (admitted)
        CHECK_RC(mb_claim_set_admission(c, admitted, date, err), MB_OK, "admission");
    if (disease)
        CHECK_RC(mb_claim_set_disease(c, disease, NULL, err), MB_OK, "disease");
    int rc = fx_settle(r, rs, e, c, err);
    if (rc != MB_OK)
        fprintf(stderr, "  settle: %s\n", mb_error_message(err));
    mb_claim_free(c);
    return rc;
}

/* Whether r's trace has a step of `rule` citing `cite` (any clause when NULL). */
static inline bool fx_traced(const mb_result *r, const char *rule, const char *cite)
{
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        mb_trace_step s;
        if (mb_result_trace(r, i, &s) == MB_OK && strcmp(s.rule, rule) == 0 &&
            (cite == NULL || strcmp(s.cite, cite) == 0))
            return true;
    }
    return false;
}

/* Whether r's trace has a step of `rule` that applied `ratio` (-1: none) to `in`, giving `out`. */
static inline bool fx_step(const mb_result *r, const char *rule, int32_t ratio, int64_t in,
                           int64_t out)
{
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        mb_trace_step s;
        if (mb_result_trace(r, i, &s) == MB_OK && strcmp(s.rule, rule) == 0 &&
            s.ratio_bp == ratio && s.amount_in == in && s.amount_out == out)
            return true;
    }
    return false;
}

/* ---- saved bytes --------------------------------------------------------------------------- */

/* The saved bytes of `e` into buf (`cap` bytes); their length, or 0 when it cannot be saved (a
 * saved enrollee is never empty, so 0 compares unequal to any blob). */
static inline size_t fx_save(const mb_enrollee *e, void *buf, size_t cap)
{
    size_t len = 0;
    return mb_enrollee_save(e, buf, cap, &len, NULL) == MB_OK ? len : 0;
}

/* The enrollee saved as `blob` (`n` bytes), restored: what a second process reads back. */
static inline mb_enrollee *fx_restore(const void *blob, size_t n)
{
    mb_enrollee *e = NULL;
    FX_OK(mb_enrollee_restore(&e, blob, n, fx_error()));
    return e;
}

static inline bool fx_same(const void *a, size_t na, const void *b, size_t nb)
{
    return na == nb && memcmp(a, b, na) == 0;
}

/* ---- pseudo-random numbers: xorshift64*, a fixed seed per test ------------------------------ */

typedef struct fx_rng {
    uint64_t state; /* never 0 */
} fx_rng;

static inline uint64_t fx_next(fx_rng *g)
{
    uint64_t x = g->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->state = x;
    return x * UINT64_C(2685821657736338717);
}

/* uniform in [lo, hi] */
static inline int64_t fx_range(fx_rng *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(fx_next(g) % (uint64_t)(hi - lo + 1));
}

/* Frees the fixtures' error report; call before check_summary() for a leak-free exit. */
static inline void fx_done(void)
{
    mb_error_free(fx_err);
    fx_err = NULL;
}

#endif
