/*
 * Out of memory everywhere (include/medbenefit.h: "running out of memory returns MB_E_NOMEM";
 * "a failed call changes nothing it was given").
 *
 * The sequence is what an integrator does in a day: every bundled ruleset loaded; for every
 * chain of tests/chains.h an enrollee with an account, facilities, a certification and a
 * recorded disease, an assistance identity, room reserved, accumulators seeded unchecked and
 * checked; claims of four kinds (with upstream amounts where the chain has no basic tier),
 * presettled, settled one by one and in a batch, the last reversed; the enrollee saved and
 * restored into a second handle, which reverses the first claim by its setl_id and settles it
 * again, making its own room. Then a family member's account paying and its reversal, a
 * month's accrual, a facility change, a certification's status and an assessment. Every call
 * is made through an allocator (mb_set_allocator) that counts allocations.
 *
 * A reference run with a working allocator numbers the allocations 1..T and records, after
 * each call, a fingerprint of every handle (fingerprint.h: enrollees by their saved bytes and
 * getters, claims by what they presettle to, results by every amount, fund row and trace step,
 * rulesets by every getter). Then for each N in 1..T, twice:
 *
 *   transient   allocation N fails, the later ones work;
 *   persistent  allocation N and every later one fails;
 *
 * and the call in which allocation N falls must return MB_E_NOMEM, say so in its report,
 * leave every handle as the fingerprint before it has them, and free what it allocated. In
 * the transient mode the call is then made again and must do exactly what it did in the
 * reference run (same status, same fingerprint after it). With room reserved for it
 * (mb_enrollee_reserve, mb_enrollee_reserve_for), settlement, pre-settlement, batches and
 * reversals allocate nothing at all; a settlement without it makes its room first.
 *
 * The calls before the one that fails are made again each time, as in the reference run,
 * except the loads: a loaded ruleset is immutable and the same file loads to the same
 * ruleset, so a run borrows the ones the reference run loaded for the loads before its
 * failure (their allocations are counted as made). The run ends once the failing call is
 * checked, because the handles are then as the reference run had them after that call.
 * libyaml, under the YAML loader, allocates past the hook: test_oom_malloc.c fails those.
 * Public API only.
 */
#include <string.h>

#include "check.h"
#include "failing_alloc.h"
#include "fingerprint.h"
#include "fixtures.h"
#include "medbenefit.h"

enum { MAX_RULESETS = 32, MAX_CALLS = 1024, CLAIMS = 4 };

/* ---- the handles of the sequence ------------------------------------------------------------ */

typedef struct world {
    mb_error *err;
    size_t nrs;
    mb_ruleset *rs[MAX_RULESETS];    /* every bundled ruleset, in fx_bundled_ids order */
    int borrowed[MAX_RULESETS];      /* loaded by the reference run, not to be freed */
    mb_enrollee *person[MB_TEST_CHAINS];
    mb_enrollee *copy[MB_TEST_CHAINS]; /* person, saved and restored */
    mb_claim *claim[MB_TEST_CHAINS][CLAIMS];
    mb_result *result[MB_TEST_CHAINS][CLAIMS];
    mb_enrollee *payer; /* pays the Changzhou patient's share from their account */
    mb_claim *family_claim;
    mb_result *family_result;
    unsigned char blob[BLOB_MAX];
    size_t blob_len;
} world;

static char ids[MAX_RULESETS][128];
static size_t nids;
static world cache; /* the reference run's rulesets, lent to the later runs */

/* ---- the run ------------------------------------------------------------------------------- */

typedef struct run {
    int reference;        /* the reference run: record, do not check */
    fault_mode mode;      /* how allocations fail in this run */
    long target;          /* the call in which the failing allocation falls */
    long index;           /* the calls begun so far */
    int stop;             /* the run is over */
    fingerprint before;   /* the handles before the target call */
    long live_before;     /* blocks live before it */
} run;

/* The reference run's record, per call: allocations made before it, the fingerprint's hash
 * after it, and the call's text. */
static long call_start[MAX_CALLS + 1];
static uint64_t call_hash[MAX_CALLS];
static const char *call_text[MAX_CALLS];
static long ncalls;

/* What went wrong, counted per property and reported once each with the first case. */
enum {
    F_REFERENCE, F_DIVERGED, F_STATUS, F_REPORT, F_CHANGED, F_LEAKED, F_RUN_LEAKED, F_RETRY,
    F_ABSORBED, F_UNINJECTED, F_COUNT
};
static const char *const failure_why[F_COUNT] = {
    "every call of the sequence succeeds with a working allocator",
    "the calls before the failing one do what they did in the reference run",
    "a call whose allocation fails returns MB_E_NOMEM",
    "its error report says nomem, with a message",
    "it leaves every handle as it was (saved bytes, claim and result fingerprints, rulesets)",
    "it frees what it allocated",
    "a run that failed somewhere frees every block once its handles are freed",
    "made again with memory, the call does exactly what it did in the reference run",
    "a call that survives an allocation failure does exactly what it did in the reference run",
    "no call fails for memory unless an allocation failed",
};
static long failures[F_COUNT];
static long checked[PERSISTENT + 1]; /* failing calls checked, per mode */
static long absorbed[PERSISTENT + 1]; /* calls that succeeded although an allocation failed */

static void failed(int what, const run *r, const char *call, int line, const char *detail)
{
    if (failures[what]++ == 0)
        fprintf(stderr, "  first failure of '%s': %s mode, N=%ld, line %d: %s%s%s\n",
                failure_why[what],
                r->reference ? "reference" : r->mode == TRANSIENT ? "transient" : "persistent",
                fa.fail_at, line, call, detail ? ": " : "", detail ? detail : "");
}

static mb_result *probe_result;

/* Every handle of the world, as text, with allocations uncounted (saving allocates). */
static void print_world(fingerprint *t, const world *w)
{
    fa.paused++;
    t->len = 0;
    fp_put(t, "rulesets %zu\n", w->nrs);
    for (size_t i = 0; i < w->nrs; i++)
        if (w->rs[i] != NULL)
            fp_ruleset(t, w->rs[i]);
        else
            fp_put(t, "== ruleset %zu: none\n", i);
    const mb_ruleset *const *rs = (const mb_ruleset *const *)w->rs;
    for (int k = 0; k < MB_TEST_CHAINS; k++) {
        char name[32];
        snprintf(name, sizeof name, "person %d", k);
        if (w->person[k])
            fp_enrollee(t, name, w->person[k], rs, w->nrs);
        snprintf(name, sizeof name, "copy %d", k);
        if (w->copy[k])
            fp_enrollee(t, name, w->copy[k], rs, w->nrs);
        for (int i = 0; i < CLAIMS; i++) {
            fp_put(t, "== claim %d.%d %s\n", k, i, w->claim[k][i] ? mb_claim_id(w->claim[k][i]) : "none");
            const mb_ruleset *chain[3];
            size_t n = mb_test_chain_len(&mb_test_chains[k]);
            for (size_t j = 0; j < n; j++)
                chain[j] = NULL;
            for (size_t j = 0; j < n; j++)
                for (size_t m = 0; m < w->nrs; m++)
                    if (w->rs[m] && strcmp(mb_ruleset_id(w->rs[m]), mb_test_chains[k].ids[j]) == 0)
                        chain[j] = w->rs[m];
            if (w->claim[k][i] && w->person[k]) {
                int rc = mb_presettle(probe_result, chain, n, w->person[k], w->claim[k][i], NULL);
                fp_put(t, "presettle %s\n", mb_status_name(rc));
                if (rc == MB_OK)
                    fp_result(t, probe_result);
            }
            fp_put(t, "== result %d.%d %s\n", k, i, w->result[k][i] ? "" : "none");
            if (w->result[k][i])
                fp_result(t, w->result[k][i]);
        }
    }
    if (w->payer)
        fp_enrollee(t, "payer", w->payer, rs, w->nrs);
    fp_put(t, "== family claim %s\n", w->family_claim ? mb_claim_id(w->family_claim) : "none");
    if (w->family_result)
        fp_result(t, w->family_result);
    fa.paused--;
}

static uint64_t hash_of(const fingerprint *t)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < t->len; i++)
        h = (h ^ (unsigned char)t->s[i]) * UINT64_C(1099511628211);
    return h;
}

static fingerprint scratch;

static uint64_t world_hash(const world *w)
{
    print_world(&scratch, w);
    return hash_of(&scratch);
}

/* Before a call: the reference run records where it begins; the target call's run keeps the
 * handles' fingerprint and the live blocks. */
static void call_begin(run *r, const world *w, const char *text)
{
    if (r->index >= MAX_CALLS) {
        failed(F_REFERENCE, r, text, 0, "more calls than MAX_CALLS");
        r->stop = 1;
        return;
    }
    if (r->reference) {
        call_start[r->index] = fa.calls;
        call_text[r->index] = text;
    } else if (r->index == r->target) {
        print_world(&r->before, w);
        r->live_before = fa.live;
        fa.failed = 0;
    }
}

/* After the call's first try. Returns 1 when it must be made again (transient mode, after a
 * failure that was checked). */
static int call_end(run *r, const world *w, int rc, int want, const char *text, int line)
{
    if (r->stop)
        return 0;
    char detail[160];
    if (r->reference) {
        if (rc != want) {
            snprintf(detail, sizeof detail, "%s: %s", mb_status_name(rc), mb_error_message(w->err));
            failed(F_REFERENCE, r, text, line, detail);
            r->stop = 1;
            return 0;
        }
        call_hash[r->index++] = world_hash(w);
        ncalls = r->index;
        return 0;
    }
    if (r->index < r->target) {
        if (rc != want) {
            failed(F_DIVERGED, r, text, line, mb_status_name(rc));
            r->stop = 1;
        }
        r->index++;
        return 0;
    }
    /* the target call */
    r->stop = 1;
    if (!fa.failed) {
        if (rc == MB_E_NOMEM)
            failed(F_UNINJECTED, r, text, line, NULL);
        else
            failed(F_DIVERGED, r, text, line, "the allocation did not fall in this call");
        return 0;
    }
    if (rc == want) {
        absorbed[fa.mode]++;
        if (world_hash(w) != call_hash[r->index])
            failed(F_ABSORBED, r, text, line, NULL);
        return 0;
    }
    if (rc != MB_E_NOMEM) {
        snprintf(detail, sizeof detail, "%s: %s", mb_status_name(rc), mb_error_message(w->err));
        failed(F_STATUS, r, text, line, detail);
        return 0;
    }
    checked[fa.mode]++;
    if (w->err != NULL && /* mb_error_new itself failing has no report to fill */
        (mb_error_status(w->err) != MB_E_NOMEM || mb_error_message(w->err)[0] == '\0'))
        failed(F_REPORT, r, text, line, mb_status_name(mb_error_status(w->err)));
    if (fa.live != r->live_before) {
        snprintf(detail, sizeof detail, "%ld blocks", fa.live - r->live_before);
        failed(F_LEAKED, r, text, line, detail);
    }
    print_world(&scratch, w);
    if (!fp_same(&r->before, &scratch)) {
        if (failures[F_CHANGED] == 0)
            fp_show_difference(&r->before, &scratch);
        failed(F_CHANGED, r, text, line, NULL);
    }
    if (fa.mode != TRANSIENT)
        return 0;
    fa.mode = WORKING;
    return 1;
}

/* After the transient mode's second try, with memory. */
static void call_again(run *r, const world *w, int rc, int want, const char *text, int line)
{
    if (rc != want || world_hash(w) != call_hash[r->index])
        failed(F_RETRY, r, text, line, mb_status_name(rc));
}

/* One library call of the sequence, expected to return `want` with a working allocator. */
#define CALL_EXPECT(want, call)                                                                \
    do {                                                                                       \
        call_begin(r, w, #call);                                                               \
        if (r->stop)                                                                           \
            return;                                                                            \
        int rc_ = (call);                                                                      \
        if (call_end(r, w, rc_, (want), #call, __LINE__))                                      \
            call_again(r, w, (call), (want), #call, __LINE__);                                 \
        if (r->stop)                                                                           \
            return;                                                                            \
    } while (0)
#define CALL(call) CALL_EXPECT(MB_OK, call)

/* Load ruleset i, or, before the target call, borrow the reference run's. */
static void load(run *r, world *w, size_t i)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rulesets/%s.yaml", MB_SOURCE_ROOT, ids[i]);
    if (!r->reference && r->index < r->target) {
        w->rs[i] = cache.rs[i];
        w->borrowed[i] = 1;
        fa.calls += call_start[r->index + 1] - call_start[r->index];
        r->index++;
        return;
    }
    CALL(mb_ruleset_load_file(&w->rs[i], path, w->err));
}

static const mb_ruleset *ruleset(const world *w, const char *id)
{
    for (size_t i = 0; i < w->nrs; i++)
        if (w->rs[i] && strcmp(mb_ruleset_id(w->rs[i]), id) == 0)
            return w->rs[i];
    return NULL;
}

/* The chain of tests/chains.h number k; returns its length. */
static size_t chain_of(const world *w, int k, const mb_ruleset *chain[3])
{
    size_t n = mb_test_chain_len(&mb_test_chains[k]);
    for (size_t i = 0; i < n; i++)
        chain[i] = ruleset(w, mb_test_chains[k].ids[i]);
    return n;
}

/* The first ruleset of the chain with a catalogue, or the first one. */
static const mb_ruleset *catalogue_of(const mb_ruleset *const *chain, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (mb_ruleset_disease_count(chain[i]) > 0)
            return chain[i];
    return chain[0];
}

/* The accumulator key `index` of rs (or its last one) and a period of its kind in 2025. */
static const char *acc_key(const mb_ruleset *rs, size_t index, int32_t *period)
{
    size_t n = mb_ruleset_accumulator_count(rs);
    const char *key = NULL;
    int kind = MB_PERIOD_YEAR;
    if (n == 0 || mb_ruleset_accumulator(rs, index < n ? index : n - 1, &key, &kind) != MB_OK)
        return NULL;
    *period = kind == MB_PERIOD_QUARTER ? 20252 : 2025;
    return key;
}

/* mb_settle on an enrollee given no room beforehand: it makes its own (and so may allocate,
 * which the check that settlement allocates nothing leaves to this name). */
static int settle_making_room(mb_result *r, const mb_ruleset *const *chain, size_t n,
                              mb_enrollee *e, const mb_claim *c, mb_error *err)
{
    return mb_settle(r, chain, n, e, c, err);
}

/* One chain's day: the enrollee, claims, settlements, save and restore. */
static void chain_day(run *r, world *w, int k)
{
    const mb_ruleset *chain[3];
    size_t n = chain_of(w, k, chain);
    const mb_test_chain *tc = &mb_test_chains[k];
    int employee = tc->scheme == MB_SCHEME_EMPLOYEE;
    int basic = 0;
    for (size_t i = 0; i < n; i++)
        basic |= mb_ruleset_tier(chain[i]) == MB_TIER_BASIC;
    const mb_ruleset *cat = catalogue_of(chain, n);
    const char *d0 = NULL, *d1 = NULL;
    mb_ruleset_disease(cat, 0, &d0, NULL, NULL);
    mb_ruleset_disease(cat, 1, &d1, NULL, NULL);
    char id[32];
    snprintf(id, sizeof id, "OOM-%d", k);

    CALL(mb_enrollee_new(&w->person[k], id, tc->scheme, employee ? 1 + k % 3 : 0, w->err));
    mb_enrollee *e = w->person[k];
    if (employee)
        CALL(mb_enrollee_set_account_balance(e, YUAN(800), w->err));
    CALL(mb_enrollee_set_designated_facility(e, "H001", w->err));
    CALL(mb_enrollee_set_first_visit_facility(e, "H001", w->err));
    if (d0)
        CALL(mb_enrollee_certify(e, cat, d0, 20250105, w->err));
    if (d1)
        CALL(mb_enrollee_add_disease(e, d1, 20250105, 0, w->err));
    CALL(mb_enrollee_add_assistance(e, "minimum_living", 20250101, 0, w->err));
    CALL(mb_enrollee_reserve(e, 400, w->err));
    CALL(mb_enrollee_reserve_for(e, chain, n, w->err));
    int32_t p0 = 0, p1 = 0;
    const char *k0 = acc_key(chain[0], 0, &p0), *k1 = acc_key(chain[0], 1, &p1);
    if (k0)
        CALL(mb_enrollee_seed(e, mb_ruleset_id(chain[0]), k0, p0, YUAN(10), w->err));
    if (k1)
        CALL(mb_enrollee_seed_checked(e, chain[0], k1, p1, YUAN(20), w->err));

    /* chronic at the designated facility, general outpatient, inpatient, pharmacy */
    static const int meds[CLAIMS] = {MB_MED_CHRONIC, MB_MED_GENERAL_OUTPATIENT, MB_MED_INPATIENT,
                                     MB_MED_PHARMACY};
    static const int levels[CLAIMS] = {MB_LEVEL_TERTIARY, MB_LEVEL_PRIMARY, MB_LEVEL_SECONDARY,
                                       MB_LEVEL_PHARMACY};
    for (int i = 0; i < CLAIMS; i++) {
        char claim_id[8]; /* each claim its own id: the journal refuses one settled already */
        snprintf(claim_id, sizeof claim_id, "C%d", i);
        CALL(mb_claim_new(&w->claim[k][i], claim_id, 20250410 + i, meds[i],
                          i == 3 ? "P01" : "H001", levels[i], w->err));
        mb_claim *c = w->claim[k][i];
        CALL(mb_claim_add_item(c, YUAN(800 + 100 * i), MB_CLASS_A, -1, w->err));
        CALL(mb_claim_add_item(c, YUAN(200), MB_CLASS_B, -1, w->err));
        CALL(mb_claim_add_item(c, YUAN(50), MB_CLASS_C, -1, w->err));
        if (i == 0 && d0)
            CALL(mb_claim_set_disease(c, d0, NULL, w->err));
        if (i == 2)
            CALL(mb_claim_set_admission(c, 20250405, 20250412, w->err));
        if (i == 3)
            CALL(mb_claim_set_prescriber(c, "H001", MB_LEVEL_PRIMARY, w->err));
        if (!basic) /* in scope: the class A item; basic insurance paid 60% of it upstream */
            CALL(mb_claim_set_upstream(c, YUAN(800 + 100 * i), YUAN(480 + 60 * i), -1, w->err));
        CALL(mb_result_new(&w->result[k][i], w->err));
    }
    mb_result *const *res = w->result[k];
    const mb_claim *const *claims = (const mb_claim *const *)w->claim[k];
    CALL(mb_presettle(res[0], chain, n, e, claims[0], w->err));
    CALL(mb_settle(res[0], chain, n, e, claims[0], w->err));
    CALL(mb_settle(res[1], chain, n, e, claims[1], w->err));
    int64_t amounts[2][MB_AMT_COUNT_];
    int32_t status[2], covered[2];
    CALL(mb_settle_batch(res[2], chain, n, e, claims + 2, 2, 0, &amounts[0][0], MB_AMT_COUNT_,
                         status, covered, w->err));
    CALL(mb_settle_batch(res[3], chain, n, e, claims + 2, 2, MB_BATCH_PRESETTLE, NULL, 0, NULL,
                         NULL, w->err));
    CALL(mb_reverse(e, res[2], w->err)); /* the batch's last settlement */
    size_t len = 0;
    CALL_EXPECT(MB_E_BUFFER, mb_enrollee_save(e, NULL, 0, &len, w->err));
    CALL(mb_enrollee_save(e, w->blob, sizeof w->blob, &w->blob_len, w->err));
    CALL(mb_enrollee_restore(&w->copy[k], w->blob, w->blob_len, w->err));
    /* the copy, sized to what it holds: the first claim reversed by its id, settled again */
    CALL(mb_reverse_id(w->copy[k], mb_result_setl_id(res[0]), w->err));
    CALL(settle_making_room(res[0], chain, n, w->copy[k], claims[0], w->err));
}

/* The whole sequence; returns at the end of the run (r->stop) or of the sequence. */
static void sequence(run *r, world *w)
{
    call_begin(r, w, "mb_error_new");
    w->err = mb_error_new();
    if (call_end(r, w, w->err ? MB_OK : MB_E_NOMEM, MB_OK, "mb_error_new", __LINE__))
        call_again(r, w, (w->err = mb_error_new()) ? MB_OK : MB_E_NOMEM, MB_OK,
                   "mb_error_new", __LINE__);
    if (r->stop)
        return;
    w->nrs = nids;
    for (size_t i = 0; i < nids; i++) {
        load(r, w, i);
        if (r->stop)
            return;
    }
    for (int k = 0; k < MB_TEST_CHAINS; k++) {
        chain_day(r, w, k);
        if (r->stop)
            return;
    }

    /* 常政办发〔2022〕91号 二（三）: the Changzhou patient's share, from a spouse's account */
    const mb_ruleset *cz = ruleset(w, MB_TEST_CHANGZHOU);
    int k = 0;
    while (k < MB_TEST_CHAINS - 1 && strcmp(mb_test_chains[k].ids[0], MB_TEST_CHANGZHOU) != 0)
        k++;
    CALL(mb_enrollee_new(&w->payer, "OOM-PAYER", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, w->err));
    CALL(mb_enrollee_set_account_balance(w->payer, YUAN(3000), w->err));
    CALL(mb_claim_new(&w->family_claim, "F", 20250601, MB_MED_GENERAL_OUTPATIENT, "H001",
                      MB_LEVEL_PRIMARY, w->err));
    CALL(mb_claim_add_item(w->family_claim, YUAN(2400), MB_CLASS_A, -1, w->err));
    CALL(mb_result_new(&w->family_result, w->err));
    const mb_ruleset *chain[1] = {cz};
    /* the payer's journal keeps its side of the settlement: its room too is made beforehand */
    CALL(mb_enrollee_reserve_for(w->payer, chain, 1, w->err));
    CALL(mb_settle_family(w->family_result, chain, 1, w->person[k], w->payer, MB_FAMILY_SPOUSE,
                          w->family_claim, w->err));
    CALL(mb_reverse_family(w->person[k], w->payer, w->family_result, w->err));
    CALL(mb_settle_family(w->family_result, chain, 1, w->person[k], w->payer, MB_FAMILY_SPOUSE,
                          w->family_claim, w->err));
    /* 二（二）: the month's accrual */
    int64_t credited = 0;
    CALL(mb_enrollee_accrue(w->person[k], cz, 20250715, YUAN(8000), &credited, w->err));

    /* 锡医保服务〔2020〕41号: a facility change in the window; a certification's state */
    const mb_ruleset *wuxi = ruleset(w, MB_TEST_WUXI);
    CALL(mb_enrollee_request_facility_change(w->person[0], wuxi, 20251105, "H002", w->err));
    int state = 0;
    int32_t since = 0;
    const char *cite = NULL, *code = NULL;
    mb_ruleset_disease(wuxi, 0, &code, NULL, NULL);
    CALL(mb_enrollee_status(w->person[0], wuxi, code, 20250601, &state, &since, &cite, w->err));
    /* texts past what the payer's block of text has left (56 bytes at first): each then takes
     * a block of its own, and the identity's name, short, one more */
    CALL(mb_enrollee_set_designated_facility(
        w->payer, "H0000000000000000000000000000000000000000000000000000001", w->err));
    CALL(mb_enrollee_set_first_visit_facility(
        w->payer, "H0000000000000000000000000000000000000000000000000000002", w->err));
    CALL(mb_enrollee_add_disease(
        w->payer, "一种名字很长的、目录里没有的疾病（测试用）", 20250105, 0, w->err));
    CALL(mb_enrollee_request_facility_change(
        w->payer, wuxi, 20251106, "H0000000000000000000000000000000000000000000000000000003",
        w->err));
    CALL(mb_enrollee_add_identity(w->payer, cz, "minimum_living", 20250101, 0, w->err));

    /* 焦医保〔2021〕97号 二: criteria of 急性脑血管疾病后遗症, all(1, 2, any(3-6)) */
    const char *const findings[] = {"1", "2", "4"};
    int certified = -1;
    const char *unmet = NULL;
    CALL(mb_assess(ruleset(w, MB_TEST_JIAOZUO), "急性脑血管疾病后遗症", findings, 3, &certified,
                   &unmet, &cite, w->err));
}

static void world_free(world *w)
{
    for (int k = 0; k < MB_TEST_CHAINS; k++) {
        mb_enrollee_free(w->person[k]);
        mb_enrollee_free(w->copy[k]);
        for (int i = 0; i < CLAIMS; i++) {
            mb_claim_free(w->claim[k][i]);
            mb_result_free(w->result[k][i]);
        }
    }
    mb_enrollee_free(w->payer);
    mb_claim_free(w->family_claim);
    mb_result_free(w->family_result);
    for (size_t i = 0; i < w->nrs; i++)
        if (!w->borrowed[i])
            mb_ruleset_free(w->rs[i]);
    mb_error_free(w->err);
    memset(w, 0, sizeof *w);
}

/* The run whose allocation N fails, in `mode`. */
static void fail_at(long n, fault_mode mode, world *w, run *r)
{
    long live0 = fa.live;
    fa_arm(n, mode);
    r->reference = 0;
    r->mode = mode;
    r->index = 0;
    r->stop = 0;
    r->target = 0;
    while (r->target + 1 < ncalls && call_start[r->target + 1] < n)
        r->target++;
    sequence(r, w);
    fa.mode = WORKING;
    world_free(w);
    if (fa.live != live0)
        failed(F_RUN_LEAKED, r, call_text[r->target], 0, NULL);
}

int main(void)
{
    CHECK_RC(fa_install(), MB_OK, "install the counting allocator");
    CHECK_RC(mb_result_new(&probe_result, NULL), MB_OK, "a result for the claims' fingerprints");
    nids = fx_bundled_ids(ids, MAX_RULESETS);
    CHECK(nids >= MB_TEST_RULESETS && nids <= MAX_RULESETS, "the bundled rulesets are listed");
    for (int i = 0; i < MB_TEST_RULESETS; i++) {
        size_t j = 0;
        while (j < nids && strcmp(ids[j], mb_test_ruleset_ids[i]) != 0)
            j++;
        CHECK(j < nids, "every ruleset tests/chains.h names is bundled");
    }

    /* the reference run: every call succeeds; its rulesets are lent to the later runs */
    run r = {1, WORKING, -1, 0, 0, {NULL, 0, 0}, 0};
    fa_arm(0, WORKING);
    sequence(&r, &cache);
    CHECK(failures[F_REFERENCE] == 0 && !r.stop, failure_why[F_REFERENCE]);
    if (r.stop)
        return check_summary();
    long total = fa.calls;
    call_start[ncalls] = total;
    long allocating = 0, settlements = 0, settlements_allocating = 0;
    for (long i = 0; i < ncalls; i++) {
        long made = call_start[i + 1] - call_start[i];
        int settlement = strncmp(call_text[i], "mb_settle", 9) == 0 ||
                         strncmp(call_text[i], "mb_presettle", 12) == 0 ||
                         strncmp(call_text[i], "mb_reverse", 10) == 0;
        allocating += made > 0;
        settlements += settlement;
        if (settlement && made > 0) {
            fprintf(stderr, "  %s allocated %ld blocks\n", call_text[i], made);
            settlements_allocating++;
        }
    }
    CHECK(settlements > 6 * MB_TEST_CHAINS, "the sequence settles every chain");
    CHECK(settlements_allocating == 0,
          "with room reserved, settlement, pre-settlement, batches and reversals allocate nothing");
    CHECK(call_start[1 + nids] - call_start[1] > 1000, "the loads allocate through the allocator");
    static world runs;
    for (int mode = TRANSIENT; mode <= PERSISTENT; mode++)
        for (long n = 1; n <= total; n++) {
            run f = {0, WORKING, 0, 0, 0, {NULL, 0, 0}, 0};
            fail_at(n, (fault_mode)mode, &runs, &f);
            fp_free(&f.before);
        }
    printf("%ld calls (%ld of them allocate), %ld allocations; failing calls checked: %ld "
           "transient, %ld persistent; %ld survived a failure\n", ncalls, allocating, total,
           checked[TRANSIENT], checked[PERSISTENT], absorbed[TRANSIENT] + absorbed[PERSISTENT]);
    CHECK(checked[TRANSIENT] + absorbed[TRANSIENT] == total &&
              checked[PERSISTENT] + absorbed[PERSISTENT] == total,
          "every allocation was made to fail, in both modes");
    for (int f = F_DIVERGED; f < F_COUNT; f++)
        CHECK(failures[f] == 0, failure_why[f]);

    /* a run past the last allocation completes, and nothing is left but the cache */
    run last = {0, PERSISTENT, ncalls, 0, 0, {NULL, 0, 0}, 0};
    fa_arm(total + 1, PERSISTENT);
    sequence(&last, &runs);
    fa.mode = WORKING;
    CHECK(!last.stop && last.index == ncalls, "with N past the last allocation the sequence completes");
    world_free(&runs);
    world_free(&cache);
    mb_result_free(probe_result);
    CHECK(fa.live == 0, "everything the library allocated was freed");

    /* restore the default allocator: NULL, or a table with a NULL function */
    CHECK_RC(mb_set_allocator(NULL), MB_OK, "restore malloc/realloc/free");
    long calls = fa.calls;
    mb_error *err = mb_error_new();
    CHECK(err != NULL, "the default allocator works");
    CHECK(fa.calls == calls, "the counting allocator is no longer called");
    mb_error_free(err);
    mb_allocator half = {fa_alloc, NULL, fa_free, NULL};
    CHECK_RC(mb_set_allocator(&half), MB_OK, "a table without realloc restores the default");
    err = mb_error_new();
    CHECK(err != NULL && fa.calls == calls, "the default allocator again");
    mb_error_free(err);
    fp_free(&scratch);
    fp_free(&r.before);
    fx_done();
    return check_summary();
}
