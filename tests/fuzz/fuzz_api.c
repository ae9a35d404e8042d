/* Fuzz target: sequences of API calls. The input's first bytes choose a bundled chain and the
 * enrollee; each following group of bytes is one call (certify, add a disease or an identity,
 * seed, set the account or a facility, accrue, reserve, make and change claims, presettle,
 * settle, settle with a family member's account, settle a batch or columns, reverse, save and
 * restore, parse), with arguments that are mostly plausible and sometimes not. After every call:
 *
 *   - a failed call returns a negative status, says why, and changes nothing: the enrollee's
 *     (and payer's) saved bytes are the same, a claim settles as before;
 *   - presettle changes nothing and gives the amounts the settle that follows gives;
 *   - each settlement keeps the contract (fz_check_result: funds + account + cash = total …);
 *   - a claim whose id the enrollee's journal holds is refused as settled already;
 *   - a batch gives what settling its claims one by one gives, and so does a columnar batch
 *     (mb_settle_columns) of the same claims as columns, for the enrollee and the payer;
 *   - any settlement the journal holds reverses, once, by its result handle (not on a restored
 *     copy) or by its id (also on a restored copy); reversing the latest gives back the bytes
 *     saved before it, and so does each earlier one once the ones after it are reversed
 *     (unless a settlement since dropped the oldest from a full journal: that one stays out);
 *     a family settlement reverses only with both enrollees;
 *   - save -> restore -> save gives the same bytes, and an altered blob does not restore;
 *   - every string the enrollee holds is UTF-8;
 *   - mb_date_parse accepts only YYYY-MM-DD, and amounts round-trip through mb_amount_parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { SLOTS = 4, DONE_MAX = 8, BATCH_MAX = 8, OPS_MAX = 64 };

/* A committed settlement, with the saved bytes from before it. */
typedef struct settled {
    mb_result *r;
    bool family;
    bool exact; /* nothing else changed the enrollee since, but the settlements after it: once
                   they are reversed, reversing it must give back `before` */
    bool stale; /* the enrollee was replaced by a restored copy: reversal by the handle must
                   fail, by the id must not */
    size_t n, npayer;
    uint8_t *before, *payer_before; /* copies, freed with the entry */
} settled;

static mb_error *err;
static char err_text[600];
static const mb_ruleset *chain[3];
static size_t chain_len;
static mb_enrollee *e, *payer, *replay, *replay_payer;
static mb_claim *claims[SLOTS];

/* What each claim handle was given by the calls that succeeded, so that a columnar batch can
 * be given the same claims as columns (a claim handle keeps its items only as sums). */
enum { ITEMS_MAX = 64, TEXT_MAX = 192 };
typedef struct shadow {
    char id[TEXT_MAX], facility[TEXT_MAX], disease[TEXT_MAX], treatment[TEXT_MAX],
        prescriber[TEXT_MAX], category[TEXT_MAX];
    bool has_id, has_facility, has_prescriber;
    bool has_upstream; /* the claim carries amounts settled upstream */
    int32_t date, med_type, level, admitted, discharged, prescriber_level;
    uint32_t flags;
    uint32_t nitems; /* past ITEMS_MAX: the claim is left out of columnar batches */
    int64_t item_fen[ITEMS_MAX];
    int32_t item_class[ITEMS_MAX], item_bp[ITEMS_MAX];
    int64_t up_compliant, up_basic, up_critical;
} shadow;
static shadow shadows[SLOTS];
static mb_result *pre, *pre2, *batch_r, *replay_r, *reversed;
static settled done[DONE_MAX];
static int ndone;
static uint8_t b0[FZ_BLOB_MAX], b1[FZ_BLOB_MAX], p0[FZ_BLOB_MAX], p1[FZ_BLOB_MAX];

/* An enrollee's saved bytes as they are now, while `valid`. The checks after a call save the
 * enrollee anyway, and the next call needs those same bytes as its "before": a copy of them
 * instead of a second save halves the saves an input makes. Every call that may change the
 * enrollee clears it first (changing); the calls that must not (presettle, the accessors) leave
 * it, so that a failed call's check also catches them changing something. */
typedef struct saved_now {
    uint8_t bytes[FZ_BLOB_MAX];
    size_t n;
    bool valid;
} saved_now;
static saved_now e_now, payer_now;

static void changing(saved_now *now) { now->valid = false; }

static void remember(saved_now *now, const uint8_t *bytes, size_t n)
{
    memcpy(now->bytes, bytes, n);
    now->n = n;
    now->valid = true;
}

/* The saved bytes of `x` (whose saved_now is `now`) into `buf`. */
static size_t save_now(const mb_enrollee *x, saved_now *now, uint8_t *buf)
{
    if (now->valid) {
        memcpy(buf, now->bytes, now->n);
        return now->n;
    }
    size_t n = fz_save(x, buf);
    remember(now, buf, n);
    return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    err = mb_error_new();
    return 0;
}

static mb_result *new_result(void)
{
    mb_result *r = NULL;
    if (mb_result_new(&r, NULL) != MB_OK)
        abort();
    return r;
}

/* Forget entry i of the settlements (its result handle too unless `keep`). */
static void forget(int i, bool keep)
{
    if (!keep)
        mb_result_free(done[i].r);
    free(done[i].before);
    free(done[i].payer_before);
    memmove(&done[i], &done[i + 1], (size_t)(ndone - i - 1) * sizeof done[0]);
    ndone--;
}

static void drop(int i) { forget(i, false); }

static void release(void)
{
    mb_enrollee_free(e);
    mb_enrollee_free(payer);
    mb_enrollee_free(replay);
    mb_enrollee_free(replay_payer);
    e = payer = replay = replay_payer = NULL;
    for (int i = 0; i < SLOTS; i++) {
        mb_claim_free(claims[i]);
        claims[i] = NULL;
    }
    while (ndone > 0)
        drop(0);
    mb_result *rs[] = {pre, pre2, batch_r, replay_r, reversed};
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
        mb_result_free(rs[i]);
    pre = pre2 = batch_r = replay_r = reversed = NULL;
}

/* ---- tracing (MB_FUZZ_TRACE=1) ------------------------------------------------------------- */

/* What a call returned, after the line that named it. */
static void trace_rc(int rc)
{
    if (rc == MB_OK)
        FZ_TRACE("  -> MB_OK");
    else
        FZ_TRACE("  -> %s: %s", mb_status_name(rc), mb_error_message(err));
}

static const char *rs_name(const mb_ruleset *rs) { return fz_quote(mb_ruleset_id(rs)); }

/* A chain as its ruleset ids. */
static const char *chain_name(const mb_ruleset *const *ch, size_t n)
{
    static char buf[256];
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < sizeof buf; i++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", i ? ", " : "", mb_ruleset_id(ch[i]));
    return buf;
}

/* ---- arguments ----------------------------------------------------------------------------- */

/* A ruleset of the chain. */
static const mb_ruleset *some_ruleset(fz_input *in) { return chain[fz_pick(in, (unsigned)chain_len)]; }

/* A disease of `rs`'s catalogue by code or name, or raw bytes. */
static const char *disease_of(fz_input *in, const mb_ruleset *rs, char *buf, size_t cap)
{
    const char *choice[2] = {"", ""}, *group;
    size_t count = mb_ruleset_disease_count(rs);
    if (count > 0)
        mb_ruleset_disease(rs, fz_pick(in, (unsigned)count), &choice[0], &choice[1], &group);
    return fz_text(in, choice, count > 0 ? 2 : 0, buf, cap);
}

static const char *facility_of(fz_input *in, char *buf, size_t cap)
{
    const char *choice[] = {"H001", "H777", "P001", "", mb_enrollee_first_visit_facility(e),
                            mb_enrollee_designated_facility(e, 20230101)};
    return fz_text(in, choice, sizeof choice / sizeof choice[0], buf, cap);
}

/* Mostly the input's chain; now and then another bundled chain, or one out of tier order or
 * with a tier twice (*bad: it must be refused). */
static size_t chain_of(fz_input *in, const mb_ruleset **out, bool *bad)
{
    unsigned mode = fz_pick(in, 16);
    *bad = false;
    if (mode < 12) {
        memcpy(out, chain, chain_len * sizeof *out);
        return chain_len;
    }
    size_t n = fz_chain(fz_pick(in, MB_TEST_CHAINS), out);
    if (mode == 15 && n > 1) { /* reversed: refused with MB_E_CHAIN */
        const mb_ruleset *t = out[0];
        out[0] = out[n - 1];
        out[n - 1] = t;
        *bad = true;
    } else if (mode == 14) { /* a tier twice */
        out[n] = out[n - 1];
        n++;
        *bad = true;
    }
    return n;
}

/* ---- checks around a call ------------------------------------------------------------------ */

static void taint(void)
{
    for (int i = 0; i < ndone; i++)
        done[i].exact = false;
}

/* Whether settling for `x` now drops the oldest settlement of its journal (docs/reversal.md, the
 * journal's bound): the dropped one does not come back when the new one is reversed. */
static bool journal_full(const mb_enrollee *x)
{
    return mb_enrollee_journal_limit(x) > 0 &&
           mb_enrollee_journal_count(x) == mb_enrollee_journal_limit(x);
}

/* Settlement i reversed: the ones after it were settled on a state that held it. */
static void taint_after(int i)
{
    for (int k = i + 1; k < ndone; k++)
        done[k].exact = false;
}

/* Whether `x`'s journal holds settlement `setl_id`, as `role` (mb_journal_family; -1: any). */
static bool in_journal_as(const mb_enrollee *x, const char *setl_id, int role)
{
    for (size_t i = 0; i < mb_enrollee_journal_count(x); i++) {
        mb_journal_entry j;
        if (mb_enrollee_journal(x, i, &j) == MB_OK && strcmp(j.setl_id, setl_id) == 0)
            return role < 0 || j.family == role;
    }
    return false;
}

static bool in_journal(const mb_enrollee *x, const char *setl_id)
{
    return in_journal_as(x, setl_id, -1);
}

/* Whether settlement `d` is still in the journals as itself: its id held as a family one by the
 * patient and the payer, or as the enrollee's own. Once it dropped out of a full journal its id
 * may name another settlement: a claim without an id takes the smallest ordinal no other holds
 * (docs/reversal.md, the settlement id), so a plain settlement can take the id of a family one
 * whose payer's journal still holds it. */
static bool still_held(const settled *d)
{
    const char *id = mb_result_setl_id(d->r);
    if (d->family)
        return in_journal_as(e, id, MB_JOURNAL_PATIENT) && in_journal_as(payer, id, MB_JOURNAL_PAYER);
    return in_journal_as(e, id, MB_JOURNAL_OWN);
}

/* Forget the settlements that dropped out of a journal, after every call that settles: they
 * can never be reversed, and their ids may come to name others. */
static void forget_dropped(void)
{
    for (int i = ndone - 1; i >= 0; i--)
        if (!still_held(&done[i]))
            drop(i);
}

/* Every string the enrollee holds is UTF-8, as the setters require. */
static void check_strings(const char *what)
{
    /* the designated facility now, and the one a change requested for next year names */
    const char *texts[4 + 16] = {mb_enrollee_id(e), mb_enrollee_first_visit_facility(e),
                                 mb_enrollee_designated_facility(e, 0),
                                 mb_enrollee_designated_facility(e, 29991231)};
    size_t n = 4;
    for (size_t i = 0; i < mb_enrollee_disease_count(e) && n < 20; i++)
        mb_enrollee_disease(e, i, &texts[n++], NULL, NULL);
    for (size_t i = 0; i < n; i++)
        FZ_REQUIRE("strings-utf8", mb_utf8_valid(texts[i], strlen(texts[i])),
                   "after %s the enrollee holds a string that is not UTF-8", what);
}

/* After a call on the enrollee whose saved bytes were b0[0..n0]. */
static void after_call(const char *what, int rc, size_t n0)
{
    trace_rc(rc);
    if (rc != MB_OK) {
        fz_check_error(rc, err, what);
        size_t n1 = fz_save(e, b1);
        fz_check_bytes(b0, n0, b1, n1, "failed-call-changes-nothing", what);
        remember(&e_now, b1, n1);
        return;
    }
    check_strings(what);
    size_t n1 = fz_check_roundtrip(e, b1, what);
    remember(&e_now, b1, n1);
    if (n1 != n0 || memcmp(b0, b1, n0) != 0)
        taint();
}

#define ON_ENROLLEE(what, call)                    \
    do {                                           \
        size_t n0_ = save_now(e, &e_now, b0);      \
        changing(&e_now);                          \
        int rc_ = (call);                          \
        after_call(what, rc_, n0_);                \
    } while (0)

/* A call on claim `c` that fails leaves it settling as before: the same amounts, or the same
 * error. */
static int presettle_claim(mb_result *r, const mb_claim *c)
{
    int rc = mb_presettle(r, chain, chain_len, e, c, err);
    if (rc != MB_OK)
        snprintf(err_text, sizeof err_text, "%s", mb_error_message(err));
    return rc;
}

#define ON_CLAIM(what, c, call)                                                              \
    do {                                                                                     \
        int before_ = presettle_claim(pre, c);                                               \
        char text_[sizeof err_text];                                                         \
        memcpy(text_, err_text, sizeof text_);                                               \
        int rc_ = (call);                                                                    \
        trace_rc(rc_);                                                                       \
        if (rc_ != MB_OK) {                                                                  \
            fz_check_error(rc_, err, what);                                                  \
            int after_ = presettle_claim(pre2, c);                                           \
            FZ_REQUIRE("failed-call-changes-claim", after_ == before_,                       \
                       "%s failed, and the claim then presettles %s instead of %s", what,    \
                       mb_status_name(after_), mb_status_name(before_));                     \
            if (after_ == MB_OK)                                                             \
                fz_check_same_result(pre, pre2, "failed-call-changes-claim", what);          \
            else                                                                             \
                FZ_REQUIRE("failed-call-changes-claim", strcmp(text_, err_text) == 0,        \
                           "%s failed, and the claim then fails with '%s' instead of '%s'",  \
                           what, err_text, text_);                                           \
        }                                                                                    \
    } while (0)

/* ---- the enrollee -------------------------------------------------------------------------- */

static void op_certify(fz_input *in)
{
    char name[192];
    const mb_ruleset *rs = some_ruleset(in);
    disease_of(in, rs, name, sizeof name);
    int32_t date = fz_date(in);
    FZ_TRACE("mb_enrollee_certify(e, %s, %s, %d)", rs_name(rs), fz_quote(name), date);
    ON_ENROLLEE("mb_enrollee_certify", mb_enrollee_certify(e, rs, name, date, err));
}

static void op_add_disease(fz_input *in)
{
    char name[192];
    disease_of(in, some_ruleset(in), name, sizeof name);
    int32_t on = fz_date(in), until = fz_pick(in, 2) ? 0 : fz_date(in);
    FZ_TRACE("mb_enrollee_add_disease(e, %s, %d, %d)", fz_quote(name), on, until);
    ON_ENROLLEE("mb_enrollee_add_disease", mb_enrollee_add_disease(e, name, on, until, err));
}

static void op_add_assistance(fz_input *in)
{
    char category[192];
    fz_text(in, mb_test_categories, sizeof mb_test_categories / sizeof mb_test_categories[0],
            category, sizeof category);
    int32_t from = fz_date(in), to = fz_pick(in, 2) ? 0 : fz_date(in);
    FZ_TRACE("mb_enrollee_add_assistance(e, %s, %d, %d)", fz_quote(category), from, to);
    ON_ENROLLEE("mb_enrollee_add_assistance", mb_enrollee_add_assistance(e, category, from, to, err));
}

/* Accumulator names of the bundled rulesets (docs/accumulators.md). */
static const char *const seed_keys[] = {
    "chronic.paid", "chronic.base", "general_outpatient_pooling.paid",
    "general_outpatient_pooling.base", "outpatient_pooling.paid", "outpatient_large_amount.paid",
    "outpatient.base", "outpatient.paid", "inpatient.paid", "inpatient.base", "special.paid",
    "special.base", "annual_fund.paid", "annual.paid", "chronic_inpatient.base", "tilted.paid",
    "burden.base", "critical_illness.paid", "critical_illness.base",
};

static void op_seed(fz_input *in)
{
    char id[192], key[192];
    const char *ids[MB_TEST_RULESETS];
    for (int i = 0; i < MB_TEST_RULESETS; i++)
        ids[i] = mb_test_ruleset_ids[i];
    fz_text(in, ids, MB_TEST_RULESETS, id, sizeof id);
    if (fz_pick(in, 4) == 0) { /* a disease's own cap */
        const char *code = "", *name, *group;
        const mb_ruleset *rs = some_ruleset(in);
        size_t count = mb_ruleset_disease_count(rs);
        if (count > 0)
            mb_ruleset_disease(rs, fz_pick(in, (unsigned)count), &code, &name, &group);
        snprintf(key, sizeof key, "disease.%s.paid", code);
    } else {
        fz_text(in, seed_keys, sizeof seed_keys / sizeof seed_keys[0], key, sizeof key);
    }
    int32_t period; /* a quarter (20232), anything, or a year */
    switch (fz_pick(in, 4)) {
    case 0: period = (2020 + (int32_t)fz_pick(in, 7)) * 10 + 1 + (int32_t)fz_pick(in, 4); break;
    case 1: period = (int32_t)fz_u32(in); break;
    default: period = 2020 + (int32_t)fz_pick(in, 7);
    }
    int64_t fen = fz_amount(in);
    FZ_TRACE("mb_enrollee_seed(e, %s, %s, %d, %lld)", fz_quote(id), fz_quote(key), period,
             (long long)fen);
    size_t n0 = save_now(e, &e_now, b0);
    changing(&e_now);
    int rc = mb_enrollee_seed(e, id, key, period, fen, err);
    after_call("mb_enrollee_seed", rc, n0);
    if (rc == MB_OK)
        FZ_REQUIRE("seed-reads-back", mb_enrollee_accumulator(e, id, key, period) == fen,
                   "seeded %s %s %d with %lld fen, reads back %lld", id, key, period,
                   (long long)fen, (long long)mb_enrollee_accumulator(e, id, key, period));
}

static void op_account(fz_input *in)
{
    int64_t fen = fz_amount(in);
    FZ_TRACE("mb_enrollee_set_account_balance(e, %lld)", (long long)fen);
    ON_ENROLLEE("mb_enrollee_set_account_balance", mb_enrollee_set_account_balance(e, fen, err));
}

static void op_facility(fz_input *in)
{
    char id[192];
    unsigned which = fz_pick(in, 3);
    facility_of(in, id, sizeof id);
    if (which == 0)
        FZ_TRACE("mb_enrollee_set_designated_facility(e, %s)", fz_quote(id));
    else if (which == 1)
        FZ_TRACE("mb_enrollee_set_first_visit_facility(e, %s)", fz_quote(id));
    if (which == 0)
        ON_ENROLLEE("mb_enrollee_set_designated_facility",
                    mb_enrollee_set_designated_facility(e, id, err));
    else if (which == 1)
        ON_ENROLLEE("mb_enrollee_set_first_visit_facility",
                    mb_enrollee_set_first_visit_facility(e, id, err));
    else {
        const mb_ruleset *rs = some_ruleset(in);
        int32_t date = fz_date(in);
        FZ_TRACE("mb_enrollee_request_facility_change(e, %s, %d, %s)", rs_name(rs), date,
                 fz_quote(id));
        ON_ENROLLEE("mb_enrollee_request_facility_change",
                    mb_enrollee_request_facility_change(e, rs, date, id, err));
    }
}

static void op_accrue(fz_input *in)
{
    const mb_ruleset *rs = some_ruleset(in);
    int32_t date = fz_date(in);
    int64_t base = fz_amount(in), credited = -1;
    FZ_TRACE("mb_enrollee_accrue(e, %s, %d, %lld)", rs_name(rs), date, (long long)base);
    ON_ENROLLEE("mb_enrollee_accrue", mb_enrollee_accrue(e, rs, date, base, &credited, err));
}

static void op_reserve(fz_input *in)
{
    /* a few hundred, or past the 2^24 limit (refused): a table of millions of entries would
     * make every later save slow and find nothing more */
    size_t entries = fz_pick(in, 8) == 0 ? (1u << 24) + 1 + fz_u16(in) : fz_u16(in) % 600;
    FZ_TRACE("mb_enrollee_reserve(e, %zu)", entries);
    ON_ENROLLEE("mb_enrollee_reserve", mb_enrollee_reserve(e, entries, err));
}

static void op_status(fz_input *in)
{
    char name[192];
    const mb_ruleset *rs = some_ruleset(in);
    disease_of(in, rs, name, sizeof name);
    int state = -1;
    int32_t since = -1;
    const char *cite = NULL;
    int32_t date = fz_date(in);
    FZ_TRACE("mb_enrollee_status(e, %s, %s, %d)", rs_name(rs), fz_quote(name), date);
    int rc = mb_enrollee_status(e, rs, name, date, &state, &since, &cite, err);
    trace_rc(rc);
    if (rc != MB_OK)
        fz_check_error(rc, err, "mb_enrollee_status");
    else
        FZ_REQUIRE("status", state >= MB_CERT_NONE && state <= MB_CERT_REFUSED && cite != NULL,
                   "mb_enrollee_status gave state %d", state);
}

/* save -> restore, carrying on with the restored copy; an altered or cut blob is refused. */
static void op_save_restore(fz_input *in)
{
    size_t n = fz_check_roundtrip(e, b0, "save and restore");
    remember(&e_now, b0, n); /* b0 is altered below */
    mb_enrollee_free(replay);
    replay = NULL;
    if (fz_pick(in, 4) == 0) {
        size_t at = fz_u16(in) % n;
        uint8_t x = (uint8_t)(1 + fz_pick(in, 255));
        b0[at] ^= x;
        size_t len = fz_pick(in, 2) ? n : at;
        FZ_TRACE("mb_enrollee_restore of the saved %zu bytes with byte %zu ^= 0x%02x, %zu bytes "
                 "long", n, at, x, len);
        int rc = mb_enrollee_restore(&replay, b0, len, err);
        trace_rc(rc);
        FZ_REQUIRE("restore-rejects-altered", rc != MB_OK && replay == NULL,
                   "a blob with byte %zu of %zu changed (or cut there) restores", at, n);
        fz_check_error(rc, err, "mb_enrollee_restore");
        return;
    }
    FZ_TRACE("mb_enrollee_save(e) (%zu bytes), then e = mb_enrollee_restore of them", n);
    if (mb_enrollee_restore(&replay, b0, n, err) != MB_OK)
        abort(); /* fz_check_roundtrip restored it already */
    mb_enrollee_free(e);
    e = replay;
    replay = NULL;
    changing(&e_now); /* another enrollee, saved afresh */
    for (int i = 0; i < ndone; i++)
        done[i].stale = true;
}

/* ---- claims -------------------------------------------------------------------------------- */

static void shadow_disease(shadow *sh, const char *name, const char *treatment)
{
    snprintf(sh->disease, sizeof sh->disease, "%s", name ? name : "");
    snprintf(sh->treatment, sizeof sh->treatment, "%s", treatment ? treatment : "");
}

static void shadow_item(shadow *sh, int64_t fen, int cls, int bp)
{
    if (sh->nitems < ITEMS_MAX) {
        sh->item_fen[sh->nitems] = fen;
        sh->item_class[sh->nitems] = cls;
        sh->item_bp[sh->nitems] = bp;
    }
    sh->nitems++;
}

static const int med_types[] = {MB_MED_GENERAL_OUTPATIENT, MB_MED_EMERGENCY, MB_MED_CHRONIC,
                                MB_MED_INPATIENT,          MB_MED_PHARMACY,  0,
                                12,                        MB_MED_CHRONIC};

static void op_claim_new(fz_input *in)
{
    unsigned slot = fz_pick(in, SLOTS);
    mb_claim_free(claims[slot]);
    claims[slot] = NULL;
    memset(&shadows[slot], 0, sizeof shadows[slot]);
    static const char *const ids[] = {"C1", "C2", ""};
    char id[192], facility[192];
    fz_text(in, ids, 3, id, sizeof id);
    int32_t date = fz_date(in);
    int med = med_types[fz_pick(in, sizeof med_types / sizeof med_types[0])];
    facility_of(in, facility, sizeof facility);
    int level = (int)fz_pick(in, 6);
    const char *claim_id = fz_pick(in, 8) ? id : NULL;
    const char *at = fz_pick(in, 8) ? facility : NULL;
    FZ_TRACE("mb_claim_new(&claim[%u], %s, %d, %d, %s, %d)", slot,
             claim_id ? fz_quote(claim_id) : "NULL", date, med, at ? fz_quote(at) : "NULL", level);
    int rc = mb_claim_new(&claims[slot], claim_id, date, med, at, level, err);
    trace_rc(rc);
    if (rc != MB_OK) {
        fz_check_error(rc, err, "mb_claim_new");
        FZ_REQUIRE("failed-call-changes-nothing", claims[slot] == NULL, "a failed mb_claim_new gave a claim");
        return;
    }
    shadow *sh = &shadows[slot];
    sh->has_id = claim_id != NULL;
    snprintf(sh->id, sizeof sh->id, "%s", claim_id ? claim_id : "");
    sh->has_facility = at != NULL;
    snprintf(sh->facility, sizeof sh->facility, "%s", at ? at : "");
    sh->date = date;
    sh->med_type = med;
    sh->level = level;
    sh->up_critical = -1;
    /* most claims get a disease and an item straight away */
    char name[192];
    if (med == MB_MED_CHRONIC && fz_pick(in, 4)) {
        disease_of(in, some_ruleset(in), name, sizeof name);
        FZ_TRACE("mb_claim_set_disease(claim[%u], %s, NULL)", slot, fz_quote(name));
        rc = mb_claim_set_disease(claims[slot], name, NULL, err);
        trace_rc(rc);
        if (rc == MB_OK)
            shadow_disease(sh, name, NULL);
    }
    if (fz_pick(in, 4)) {
        int64_t fen = (int64_t)(1 + fz_pick(in, 200)) * 5000;
        FZ_TRACE("mb_claim_add_item(claim[%u], %lld, MB_CLASS_A, -1)", slot, (long long)fen);
        rc = mb_claim_add_item(claims[slot], fen, MB_CLASS_A, -1, err);
        trace_rc(rc);
        if (rc == MB_OK)
            shadow_item(sh, fen, MB_CLASS_A, -1);
    }
}

static void op_claim_change(fz_input *in)
{
    unsigned slot = fz_pick(in, SLOTS);
    mb_claim *c = claims[slot];
    if (c == NULL)
        return;
    shadow *sh = &shadows[slot];
    char a[192], b[192];
    switch (fz_pick(in, 7)) {
    case 0: {
        unsigned flags = fz_u8(in);
        FZ_TRACE("mb_claim_set_flags(claim[%u], 0x%x)", slot, flags);
        int rc = MB_OK;
        ON_CLAIM("mb_claim_set_flags", c, rc = mb_claim_set_flags(c, flags, err));
        if (rc == MB_OK)
            sh->flags = flags;
        break;
    }
    case 1: {
        disease_of(in, some_ruleset(in), a, sizeof a);
        const char *t = fz_pick(in, 3) ? NULL : fz_text(in, mb_test_treatments, 4, b, sizeof b);
        FZ_TRACE("mb_claim_set_disease(claim[%u], %s, %s)", slot, fz_quote(a),
                 t ? fz_quote(t) : "NULL");
        int rc = MB_OK;
        ON_CLAIM("mb_claim_set_disease", c, rc = mb_claim_set_disease(c, a, t, err));
        if (rc == MB_OK)
            shadow_disease(sh, a, t);
        break;
    }
    case 2: {
        int32_t admitted = fz_date(in), discharged = fz_date(in);
        FZ_TRACE("mb_claim_set_admission(claim[%u], %d, %d)", slot, admitted, discharged);
        int rc = MB_OK;
        ON_CLAIM("mb_claim_set_admission", c,
                 rc = mb_claim_set_admission(c, admitted, discharged, err));
        if (rc == MB_OK)
            sh->admitted = admitted, sh->discharged = discharged;
        break;
    }
    case 3: {
        if (fz_pick(in, 4) == 0) { /* the facility's category, by name or label, or none */
            static const char *const categories[] = {
                "county", "县级医院", "provincial", "省属三级医院", "community",
                "社区卫生服务机构", "tcm", "中医医疗机构", "specialist", "专科医院"};
            const char *cat = fz_pick(in, 8)
                                  ? fz_text(in, categories, sizeof categories / sizeof categories[0],
                                            a, sizeof a)
                                  : NULL;
            FZ_TRACE("mb_claim_set_facility_category(claim[%u], %s)", slot,
                     cat ? fz_quote(cat) : "NULL");
            int rc = MB_OK;
            ON_CLAIM("mb_claim_set_facility_category", c,
                     rc = mb_claim_set_facility_category(c, cat, err));
            if (rc == MB_OK)
                snprintf(sh->category, sizeof sh->category, "%s", cat ? cat : "");
            break;
        }
        const char *f = fz_pick(in, 8) ? facility_of(in, a, sizeof a) : NULL;
        int level = (int)fz_pick(in, 6);
        FZ_TRACE("mb_claim_set_prescriber(claim[%u], %s, %d)", slot, f ? fz_quote(f) : "NULL",
                 level);
        int rc = MB_OK;
        ON_CLAIM("mb_claim_set_prescriber", c, rc = mb_claim_set_prescriber(c, f, level, err));
        if (rc == MB_OK) {
            sh->has_prescriber = true;
            snprintf(sh->prescriber, sizeof sh->prescriber, "%s", f);
            sh->prescriber_level = level;
        }
        break;
    }
    case 4:
    case 5: {
        int64_t fen = fz_amount(in);
        int cls = (int)fz_pick(in, 5);
        int bp = fz_pick(in, 2) ? -1 : fz_pick(in, 8) ? (int)fz_pick(in, 10001) : (int)fz_u32(in);
        FZ_TRACE("mb_claim_add_item(claim[%u], %lld, %d, %d)", slot, (long long)fen, cls, bp);
        int rc = MB_OK;
        ON_CLAIM("mb_claim_add_item", c, rc = mb_claim_add_item(c, fen, cls, bp, err));
        if (rc == MB_OK)
            shadow_item(sh, fen, cls, bp);
        break;
    }
    default: {
        int64_t compliant = fz_amount(in), basic = fz_amount(in);
        int64_t ci = fz_pick(in, 2) ? -1 : fz_amount(in);
        FZ_TRACE("mb_claim_set_upstream(claim[%u], %lld, %lld, %lld)", slot,
                 (long long)compliant, (long long)basic, (long long)ci);
        int rc = MB_OK;
        ON_CLAIM("mb_claim_set_upstream", c,
                 rc = mb_claim_set_upstream(c, compliant, basic, ci, err));
        if (rc == MB_OK) {
            sh->has_upstream = true;
            sh->up_compliant = compliant;
            sh->up_basic = basic;
            sh->up_critical = ci;
        }
    }
    }
}

/* ---- settlement ---------------------------------------------------------------------------- */

static void push(mb_result *r, bool family, size_t n, size_t npayer)
{
    if (ndone == DONE_MAX)
        drop(0);
    uint8_t *before = malloc(n + 1), *payer_before = malloc(npayer + 1);
    if (before == NULL || payer_before == NULL)
        abort();
    settled *d = &done[ndone++];
    d->r = r;
    d->family = family;
    d->exact = true;
    d->stale = false;
    d->n = n;
    d->npayer = npayer;
    d->before = memcpy(before, b0, n);
    d->payer_before = memcpy(payer_before, p0, npayer);
}

static void op_settle(fz_input *in)
{
    unsigned slot = fz_pick(in, SLOTS);
    mb_claim *c = claims[slot];
    const mb_ruleset *ch[4];
    bool bad;
    size_t len = chain_of(in, ch, &bad);
    size_t n0 = save_now(e, &e_now, b0);
    int64_t balance = mb_enrollee_account_balance(e);
    int repeat = fz_repeat(e, NULL, c);
    bool drops = journal_full(e);
    FZ_TRACE("mb_presettle and mb_settle(r, {%s}, e, claim[%u])", chain_name(ch, len), slot);
    int prc = mb_presettle(pre, ch, len, e, c, err);
    if (prc != MB_OK)
        fz_check_error(prc, err, "mb_presettle");
    size_t n1 = fz_save(e, b1);
    fz_check_bytes(b0, n0, b1, n1, "presettle-changes-nothing", "mb_presettle");
    mb_result *r = new_result();
    changing(&e_now);
    /* room first, as the header asks of every caller; a bad chain is mb_settle's to report */
    (void)mb_enrollee_reserve_for(e, ch, len, NULL);
    int rc = mb_settle(r, ch, len, e, c, err);
    trace_rc(rc);
    if (rc == MB_OK)
        FZ_TRACE("  setl_id %s: %lld fen, funds %lld, account %lld", mb_result_setl_id(r),
                 (long long)mb_result_amount(r, MB_AMT_MEDFEE_SUMAMT),
                 (long long)mb_result_amount(r, MB_AMT_FUND_PAY_SUMAMT),
                 (long long)mb_result_amount(r, MB_AMT_ACCT_PAY));
    if (rc == MB_OK)
        push(r, false, n0, 0); /* first, so that a dropped input frees it */
    else
        mb_result_free(r);
    if (rc == MB_OK && drops)
        taint(); /* no reversal gives back the bytes that held the entry dropped */
    FZ_REQUIRE("chain-order", !bad || rc != MB_OK,
               "a chain out of tier order, or with a tier twice, settles (%s)", mb_status_name(rc));
    fz_check_settle_status(prc, rc, repeat, "mb_settle");
    if (rc != MB_OK) {
        after_call("mb_settle", rc, n0);
        return;
    }
    fz_check_result(r, balance, shadows[slot].has_upstream, "mb_settle");
    fz_check_same_result(pre, r, "presettle-settle", "mb_settle");
    remember(&e_now, b1, fz_check_roundtrip(e, b1, "after mb_settle"));
    forget_dropped();
}

static void op_settle_family(fz_input *in)
{
    unsigned slot = fz_pick(in, SLOTS);
    mb_claim *c = claims[slot];
    int relation = (int)fz_pick(in, 5);
    size_t n0 = save_now(e, &e_now, b0), np0 = save_now(payer, &payer_now, p0);
    int64_t own = mb_enrollee_account_balance(e), theirs = mb_enrollee_account_balance(payer);
    int repeat = fz_repeat(e, payer, c);
    bool drops = journal_full(e) || journal_full(payer);
    mb_result *r = new_result();
    FZ_TRACE("mb_settle_family(r, {%s}, e, payer, %d, claim[%u])", chain_name(chain, chain_len),
             relation, slot);
    changing(&e_now);
    changing(&payer_now);
    (void)mb_enrollee_reserve_for(e, chain, chain_len, NULL);
    int rc = mb_settle_family(r, chain, chain_len, e, payer, relation, c, err);
    trace_rc(rc);
    if (rc == MB_OK)
        FZ_TRACE("  setl_id %s", mb_result_setl_id(r));
    FZ_REQUIRE("repeat-refused", rc != MB_OK || repeat != FZ_REPEAT_MUST,
               "a claim the patient's journal holds settles again with a family account");
    if (rc != MB_OK) {
        mb_result_free(r);
        size_t np1 = fz_save(payer, p1);
        fz_check_bytes(p0, np0, p1, np1, "failed-call-changes-nothing", "mb_settle_family (payer)");
        remember(&payer_now, p1, np1);
        after_call("mb_settle_family", rc, n0);
        return;
    }
    push(r, true, n0, np0);
    if (drops)
        taint(); /* no reversal gives back the bytes that held the entry dropped */
    fz_check_result(r, -1, shadows[slot].has_upstream, "mb_settle_family");
    int64_t acct = mb_result_amount(r, MB_AMT_ACCT_PAY), family = mb_result_amount(r, MB_AMT_ACCT_MULAID_PAY);
    FZ_REQUIRE("account", family <= acct && family <= theirs && acct - family <= own &&
                              mb_enrollee_account_balance(e) == own - (acct - family) &&
                              mb_enrollee_account_balance(payer) == theirs - family,
               "family settlement: own %lld, payer %lld, account paid %lld of which family %lld",
               (long long)own, (long long)theirs, (long long)acct, (long long)family);
    remember(&e_now, b1, fz_check_roundtrip(e, b1, "after mb_settle_family"));
    remember(&payer_now, p1, fz_check_roundtrip(payer, p1, "after mb_settle_family (payer)"));
    forget_dropped();
}

static void op_batch(fz_input *in)
{
    const mb_claim *list[BATCH_MAX];
    unsigned slot[BATCH_MAX];
    size_t k = 1 + fz_pick(in, BATCH_MAX);
    for (size_t i = 0; i < k; i++)
        list[i] = claims[slot[i] = fz_pick(in, SLOTS)];
    unsigned flags = fz_pick(in, 2) ? MB_BATCH_PRESETTLE : 0;
    size_t stride = MB_AMT_COUNT_ + fz_pick(in, 2);
    int64_t amounts[BATCH_MAX * (MB_AMT_COUNT_ + 1)];
    int32_t status[BATCH_MAX], covered[BATCH_MAX];
    memset(amounts, 0x55, sizeof amounts);
    size_t n0 = save_now(e, &e_now, b0);
    changing(&e_now);
    if (fz_tracing) {
        char slots[64];
        size_t at = 0;
        for (size_t i = 0; i < k; i++)
            at += (size_t)snprintf(slots + at, sizeof slots - at, "%sclaim[%u]", i ? ", " : "", slot[i]);
        FZ_TRACE("mb_settle_batch(r, {%s}, e, {%s}, %s, stride %zu)", chain_name(chain, chain_len),
                 slots, flags ? "MB_BATCH_PRESETTLE" : "0", stride);
    }
    int rc = mb_settle_batch(batch_r, chain, chain_len, e, list, k, flags, amounts, stride, status,
                             covered, err);
    trace_rc(rc);
    if (rc != MB_OK)
        fz_check_error(rc, err, "mb_settle_batch");
    /* the same claims one by one, on a copy restored from the bytes before the batch */
    mb_enrollee_free(replay);
    replay = NULL;
    if (mb_enrollee_restore(&replay, b0, n0, err) != MB_OK)
        abort();
    int first = MB_OK;
    for (size_t i = 0; i < k; i++) {
        int64_t balance = mb_enrollee_account_balance(replay);
        /* the batch makes room before each claim; one by one, the caller does */
        if (!(flags & MB_BATCH_PRESETTLE))
            (void)mb_enrollee_reserve_for(replay, chain, chain_len, NULL);
        int one = flags & MB_BATCH_PRESETTLE
                      ? mb_presettle(replay_r, chain, chain_len, replay, list[i], err)
                      : mb_settle(replay_r, chain, chain_len, replay, list[i], err);
        FZ_REQUIRE("batch-one-by-one", one == status[i], "batch claim %zu: %s, alone: %s", i,
                   mb_status_name(status[i]), mb_status_name(one));
        if (one != MB_OK) {
            if (first == MB_OK)
                first = one;
            continue;
        }
        fz_check_result(replay_r, balance, shadows[slot[i]].has_upstream,
                        "a batch's claim alone");
        FZ_REQUIRE("batch-one-by-one", covered[i] == mb_result_covered(replay_r),
                   "batch claim %zu: covered %d, alone %d", i, covered[i], mb_result_covered(replay_r));
        for (size_t a = 0; a < stride; a++) {
            int64_t want = a < MB_AMT_COUNT_ ? mb_result_amount(replay_r, (int)a) : 0;
            FZ_REQUIRE("batch-one-by-one", amounts[i * stride + a] == want,
                       "batch claim %zu: amount %zu is %lld, alone %lld", i, a,
                       (long long)amounts[i * stride + a], (long long)want);
        }
    }
    FZ_REQUIRE("batch-one-by-one", rc == first, "the batch returns %s, its first failure was %s",
               mb_status_name(rc), mb_status_name(first));
    size_t n1 = fz_save(e, b1), n2 = fz_save(replay, p1);
    remember(&e_now, b1, n1);
    fz_check_bytes(p1, n2, b1, n1, "batch-one-by-one", "the batch against its claims one by one");
    if (flags & MB_BATCH_PRESETTLE)
        fz_check_bytes(b0, n0, b1, n1, "presettle-changes-nothing", "mb_settle_batch presettle");
    else if (n0 != n1 || memcmp(b0, b1, n0) != 0)
        taint(); /* its settlements are not on the stack: the earlier ones no longer give back
                    their bytes */
    forget_dropped();
}

/* The claims of a few slots as columns (each string a table entry of its own), settled for the
 * enrollee and the payer by mb_settle_columns, against the same claims one by one on copies
 * restored from the bytes before: the same status, covered and amounts for every row, the
 * first failure returned, and the same saved bytes after ("columns-one-by-one"). Given one
 * enrollee's range, the other's rows are neither settled nor written. */
typedef struct columns_in {
    const char *ids[BATCH_MAX], *facilities[2 * BATCH_MAX], *diseases[BATCH_MAX],
        *treatments[BATCH_MAX], *categories[BATCH_MAX];
    uint32_t who[BATCH_MAX], flags[BATCH_MAX];
    int32_t date[BATCH_MAX], med[BATCH_MAX], level[BATCH_MAX], facility[BATCH_MAX],
        disease[BATCH_MAX], treatment[BATCH_MAX], admitted[BATCH_MAX], discharged[BATCH_MAX],
        prescriber[BATCH_MAX], prescriber_level[BATCH_MAX], category[BATCH_MAX];
    uint64_t start[BATCH_MAX + 1];
    int64_t fen[BATCH_MAX * ITEMS_MAX], up_compliant[BATCH_MAX], up_basic[BATCH_MAX],
        up_critical[BATCH_MAX];
    int32_t cls[BATCH_MAX * ITEMS_MAX], bp[BATCH_MAX * ITEMS_MAX];
    size_t nfacilities, ndiseases, ntreatments, ncategories;
} columns_in;

/* Row n of `k` from the claim the shadow describes, for enrollee `who`. */
static void add_row(columns_in *k, size_t n, const shadow *sh, uint32_t who)
{
    k->ids[n] = sh->has_id ? sh->id : NULL;
    k->who[n] = who;
    k->date[n] = sh->date;
    k->med[n] = sh->med_type;
    k->level[n] = sh->level;
    k->flags[n] = sh->flags;
    k->facility[n] = -1;
    if (sh->has_facility) {
        k->facility[n] = (int32_t)k->nfacilities;
        k->facilities[k->nfacilities++] = sh->facility;
    }
    k->disease[n] = k->treatment[n] = -1;
    if (sh->disease[0]) {
        k->disease[n] = (int32_t)k->ndiseases;
        k->diseases[k->ndiseases++] = sh->disease;
    }
    if (sh->treatment[0]) {
        k->treatment[n] = (int32_t)k->ntreatments;
        k->treatments[k->ntreatments++] = sh->treatment;
    }
    k->category[n] = -1;
    if (sh->category[0]) {
        k->category[n] = (int32_t)k->ncategories;
        k->categories[k->ncategories++] = sh->category;
    }
    k->admitted[n] = sh->admitted;
    k->discharged[n] = sh->discharged;
    k->prescriber[n] = -1;
    k->prescriber_level[n] = sh->prescriber_level;
    if (sh->has_prescriber) {
        k->prescriber[n] = (int32_t)k->nfacilities;
        k->facilities[k->nfacilities++] = sh->prescriber;
    }
    uint64_t at = k->start[n];
    for (uint32_t j = 0; j < sh->nitems; j++, at++) {
        k->fen[at] = sh->item_fen[j];
        k->cls[at] = sh->item_class[j];
        k->bp[at] = sh->item_bp[j];
    }
    k->start[n + 1] = at;
    k->up_compliant[n] = sh->has_upstream ? sh->up_compliant : -1;
    k->up_basic[n] = sh->up_basic;
    k->up_critical[n] = sh->up_critical;
}

static void op_columns(fz_input *in)
{
    static columns_in k;
    unsigned slot[BATCH_MAX];
    size_t want = 1 + fz_pick(in, BATCH_MAX), n = 0;
    k.nfacilities = k.ndiseases = k.ntreatments = k.ncategories = 0;
    k.start[0] = 0;
    for (size_t i = 0; i < want; i++) {
        unsigned s = fz_pick(in, SLOTS);
        uint32_t who = fz_pick(in, 4) == 0;
        if (claims[s] == NULL || shadows[s].nitems > ITEMS_MAX)
            continue;
        slot[n] = s;
        add_row(&k, n++, &shadows[s], who);
    }
    if (n == 0)
        return;
    mb_columns cols = MB_COLUMNS_INIT;
    cols.nrows = n;
    cols.enrollee = k.who;
    cols.claim_id = k.ids;
    cols.date = k.date;
    cols.med_type = k.med;
    cols.level = k.level;
    cols.flags = k.flags;
    cols.facility = k.facility;
    cols.disease = k.disease;
    cols.treatment = k.treatment;
    cols.admitted = k.admitted;
    cols.discharged = k.discharged;
    cols.prescriber = k.prescriber;
    cols.prescriber_level = k.prescriber_level;
    cols.item_start = k.start;
    cols.item_fen = k.fen;
    cols.item_class = k.cls;
    cols.item_selfpay_bp = k.bp;
    cols.up_compliant = k.up_compliant;
    cols.up_basic = k.up_basic;
    cols.up_critical = k.up_critical;
    cols.facilities = k.facilities;
    cols.nfacilities = k.nfacilities;
    cols.diseases = k.diseases;
    cols.ndiseases = k.ndiseases;
    cols.treatments = k.treatments;
    cols.ntreatments = k.ntreatments;
    cols.facility_category = k.category;
    cols.facility_categories = k.categories;
    cols.nfacility_categories = k.ncategories;
    int64_t amounts[BATCH_MAX * (MB_AMT_COUNT_ + 1)];
    int32_t status[BATCH_MAX], covered[BATCH_MAX];
    memset(amounts, 0x55, sizeof amounts);
    memset(status, 0x55, sizeof status);
    memset(covered, 0x55, sizeof covered);
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    out.amounts = amounts;
    out.stride = MB_AMT_COUNT_ + fz_pick(in, 2);
    out.status = status;
    out.covered = covered;
    mb_columns_options opt = MB_COLUMNS_OPTIONS_INIT;
    opt.flags = fz_pick(in, 2) ? MB_BATCH_PRESETTLE : 0;
    opt.threads = fz_pick(in, 8) == 0 ? 2 : 1; /* the enrollee's rows on one, the payer's on the other */
    /* now and then only one enrollee's rows, as a caller sharing the enrollees out does: the
     * other's are neither settled nor written */
    unsigned range = fz_pick(in, 4); /* 0, 1: both; 2: the enrollee's; 3: the payer's */
    opt.enrollee_from = range == 3;
    opt.enrollee_to = range == 2 ? 1 : range == 3 ? 2 : 0;
    bool presettle = opt.flags & MB_BATCH_PRESETTLE;
    size_t n0 = save_now(e, &e_now, b0), np0 = save_now(payer, &payer_now, p0);
    changing(&e_now);
    changing(&payer_now);
    if (fz_tracing) {
        char rows[160];
        size_t at = 0;
        for (size_t i = 0; i < n && at < sizeof rows; i++)
            at += (size_t)snprintf(rows + at, sizeof rows - at, "%sclaim[%u] for %s", i ? ", " : "",
                                   slot[i], k.who[i] ? "payer" : "e");
        FZ_TRACE("mb_settle_columns({%s}, {e, payer}, {%s}, %s, stride %zu, %u threads, "
                 "enrollees %zu to %zu)", chain_name(chain, chain_len), rows,
                 presettle ? "MB_BATCH_PRESETTLE" : "0", out.stride, opt.threads,
                 opt.enrollee_from, opt.enrollee_to);
    }
    mb_enrollee *people[2] = {e, payer};
    int rc = mb_settle_columns(chain, chain_len, people, 2, &cols, &out, &opt, err);
    trace_rc(rc);
    if (rc != MB_OK)
        fz_check_error(rc, err, "mb_settle_columns");
    /* the same claims one by one, on copies restored from the bytes before the batch (kept
     * where release() frees them, should a check drop the input) */
    mb_enrollee_free(replay);
    mb_enrollee_free(replay_payer);
    replay = replay_payer = NULL;
    if (mb_enrollee_restore(&replay, b0, n0, err) != MB_OK ||
        mb_enrollee_restore(&replay_payer, p0, np0, err) != MB_OK)
        abort();
    mb_enrollee *copy[2] = {replay, replay_payer};
    int first = MB_OK;
    for (size_t i = 0; i < n; i++) {
        if (range >= 2 && k.who[i] != range - 2) {
            bool untouched = status[i] == 0x55555555 && covered[i] == 0x55555555;
            for (size_t a = 0; a < out.stride; a++)
                untouched &= amounts[i * out.stride + a] == 0x5555555555555555;
            FZ_REQUIRE("columns-one-by-one", untouched,
                       "row %zu, of an enrollee outside the range, was written", i);
            continue;
        }
        mb_enrollee *x = copy[k.who[i]];
        int64_t balance = mb_enrollee_account_balance(x);
        if (!presettle)
            (void)mb_enrollee_reserve_for(x, chain, chain_len, NULL);
        const mb_claim *c = claims[slot[i]];
        int one = presettle ? mb_presettle(replay_r, chain, chain_len, x, c, err)
                            : mb_settle(replay_r, chain, chain_len, x, c, err);
        FZ_REQUIRE("columns-one-by-one", one == status[i], "row %zu: %s, alone: %s (%s)", i,
                   mb_status_name(status[i]), mb_status_name(one),
                   one != MB_OK ? mb_error_message(err) : "settled");
        if (one != MB_OK) {
            if (first == MB_OK)
                first = one;
            continue;
        }
        fz_check_result(replay_r, balance, shadows[slot[i]].has_upstream, "a columnar row alone");
        FZ_REQUIRE("columns-one-by-one", covered[i] == mb_result_covered(replay_r),
                   "row %zu: covered %d, alone %d", i, covered[i], mb_result_covered(replay_r));
        for (size_t a = 0; a < out.stride; a++) {
            int64_t got = amounts[i * out.stride + a];
            int64_t alone = a < MB_AMT_COUNT_ ? mb_result_amount(replay_r, (int)a) : 0;
            FZ_REQUIRE("columns-one-by-one", got == alone, "row %zu: amount %zu is %lld, alone %lld",
                       i, a, (long long)got, (long long)alone);
        }
    }
    FZ_REQUIRE("columns-one-by-one", rc == first,
               "mb_settle_columns returns %s, its first failure was %s", mb_status_name(rc),
               mb_status_name(first));
    size_t n1 = fz_save(e, b1), n2 = fz_save(copy[0], p1);
    fz_check_bytes(p1, n2, b1, n1, "columns-one-by-one", "the enrollee after the columns");
    remember(&e_now, b1, n1);
    if (presettle)
        fz_check_bytes(b0, n0, b1, n1, "presettle-changes-nothing", "mb_settle_columns presettle");
    else if (n0 != n1 || memcmp(b0, b1, n0) != 0)
        taint();
    n1 = fz_save(payer, b1), n2 = fz_save(copy[1], p1);
    fz_check_bytes(p1, n2, b1, n1, "columns-one-by-one", "the payer after the columns");
    remember(&payer_now, b1, n1);
    if (presettle)
        fz_check_bytes(p0, np0, b1, n1, "presettle-changes-nothing",
                       "mb_settle_columns presettle (payer)");
    else if (np0 != n1 || memcmp(p0, b1, np0) != 0)
        taint();
    forget_dropped();
}

static void op_reverse(fz_input *in)
{
    size_t n0 = save_now(e, &e_now, b0), np0 = save_now(payer, &payer_now, p0);
    changing(&e_now);
    changing(&payer_now);
    if (ndone == 0 || fz_pick(in, 8) == 0) {
        /* a result never settled, or already reversed: refused */
        mb_result *r = reversed ? reversed : pre;
        FZ_TRACE("mb_reverse(e, %s)", reversed ? "the result reversed last" : "a presettled result");
        int rc = mb_reverse(e, r, err);
        FZ_REQUIRE("reverse-once", rc == MB_E_STATE || rc == MB_E_INVALID_ARGUMENT,
                   "reversing a result never committed, or reversed already, gave %s",
                   mb_status_name(rc));
        after_call("mb_reverse", rc, n0);
        return;
    }
    int i = fz_pick(in, 4) ? ndone - 1 : (int)fz_pick(in, (unsigned)ndone);
    settled *d = &done[i];
    bool as_family = fz_pick(in, 8) ? d->family : !d->family;
    FZ_TRACE("%s(e, %sthe result of setl_id %s) (settlement %d of %d kept)",
             as_family ? "mb_reverse_family" : "mb_reverse", as_family ? "payer, " : "",
             mb_result_setl_id(d->r), i + 1, ndone);
    int rc = as_family ? mb_reverse_family(e, payer, d->r, err) : mb_reverse(e, d->r, err);
    if (rc != MB_OK) {
        size_t np1 = fz_save(payer, p1);
        fz_check_bytes(p0, np0, p1, np1, "failed-call-changes-nothing", "mb_reverse (payer)");
        remember(&payer_now, p1, np1);
        after_call(as_family ? "mb_reverse_family" : "mb_reverse", rc, n0);
        return;
    }
    FZ_REQUIRE("reverse-stale", !d->stale,
               "a settlement of the enrollee before it was saved and restored reversed on the "
               "restored copy through its result handle");
    FZ_REQUIRE("reverse-family", as_family == d->family,
               "a %s settlement reversed with %s", d->family ? "family" : "plain",
               as_family ? "mb_reverse_family" : "mb_reverse");
    size_t n1 = fz_check_roundtrip(e, b1, "after mb_reverse");
    remember(&e_now, b1, n1);
    if (d->exact && i == ndone - 1) {
        fz_check_bytes(d->before, d->n, b1, n1, "reverse-restores", "mb_reverse");
        if (d->family) {
            size_t np1 = fz_save(payer, p1);
            fz_check_bytes(d->payer_before, d->npayer, p1, np1, "reverse-restores",
                           "mb_reverse_family (payer)");
        }
    }
    taint_after(i);
    mb_result_free(reversed);
    reversed = d->r;
    forget(i, true);
}

/* Reverse a settlement by its id: held in the journal (and, for a family one, the payer's),
 * it reverses, also on a restored copy; otherwise it is refused and nothing changes. */
static void op_reverse_id(fz_input *in)
{
    size_t n0 = save_now(e, &e_now, b0), np0 = save_now(payer, &payer_now, p0);
    changing(&e_now);
    changing(&payer_now);
    if (ndone == 0 || fz_pick(in, 16) == 0) {
        static const char *const bogus[] = {"0000000000000000", "C1", "", "ffffffffffffffff"};
        char id[192];
        fz_text(in, bogus, 4, id, sizeof id);
        FZ_TRACE("mb_reverse_id(e, %s)", fz_quote(id));
        int rc = mb_reverse_id(e, id, err);
        if (rc == MB_OK)
            trace_rc(rc);
        FZ_REQUIRE("reverse-by-id", rc != MB_OK || in_journal(e, id),
                   "'%s', no settlement the journal holds, reversed", id);
        if (rc != MB_OK)
            after_call("mb_reverse_id", rc, n0);
        else
            taint();
        return;
    }
    int i = (int)fz_pick(in, (unsigned)ndone);
    settled *d = &done[i];
    char id[32];
    snprintf(id, sizeof id, "%s", mb_result_setl_id(d->r));
    bool held = still_held(d);
    bool as_family = fz_pick(in, 8) ? d->family : !d->family;
    FZ_TRACE("%s(e, %s\"%s\") (settlement %d of %d kept)",
             as_family ? "mb_reverse_family_id" : "mb_reverse_id", as_family ? "payer, " : "", id,
             i + 1, ndone);
    int rc = as_family ? mb_reverse_family_id(e, payer, id, err) : mb_reverse_id(e, id, err);
    if (rc == MB_OK)
        trace_rc(rc);
    if (rc != MB_OK) {
        /* giving an account back may pass 10^12 yuan when a balance was set since */
        FZ_REQUIRE("reverse-by-id", !held || as_family != d->family || rc == MB_E_OVERFLOW,
                   "settlement %s, held in the journal, refused: %s", id, mb_error_message(err));
        size_t np1 = fz_save(payer, p1);
        fz_check_bytes(p0, np0, p1, np1, "failed-call-changes-nothing", "mb_reverse_id (payer)");
        remember(&payer_now, p1, np1);
        after_call(as_family ? "mb_reverse_family_id" : "mb_reverse_id", rc, n0);
        if (!held)
            drop(i); /* dropped out of the journal: it can never be reversed */
        return;
    }
    FZ_REQUIRE("reverse-by-id", held && as_family == d->family,
               "settlement %s (%s, %s in the journal) reversed with %s", id,
               d->family ? "family" : "plain", held ? "held" : "not",
               as_family ? "mb_reverse_family_id" : "mb_reverse_id");
    size_t n1 = fz_check_roundtrip(e, b1, "after mb_reverse_id");
    remember(&e_now, b1, n1);
    if (d->exact && i == ndone - 1) {
        fz_check_bytes(d->before, d->n, b1, n1, "reverse-restores", "mb_reverse_id");
        if (d->family) {
            size_t np1 = fz_save(payer, p1);
            fz_check_bytes(d->payer_before, d->npayer, p1, np1, "reverse-restores",
                           "mb_reverse_family_id (payer)");
        }
    }
    taint_after(i);
    drop(i);
}

/* ---- parsing ------------------------------------------------------------------------------- */

static void op_parse(fz_input *in)
{
    /* well-formed, impossible, short, padded and signed forms */
    static const char *const dates[] = {"2023-01-16", "2024-02-29", "2023-02-29", "2023-1-16",
                                        "20230116",   " 2023-01-16", "2023-01-16x", "2023-13-01",
                                        "+2023-01-16", "2023-01-16\n", "2023-01- 6", "2023-+1-16"};
    char text[192];
    fz_text(in, dates, sizeof dates / sizeof dates[0], text, sizeof text);
    int32_t date = 0;
    FZ_TRACE("mb_date_parse(%s)", fz_quote(text));
    int rc = mb_date_parse(text, &date, err);
    trace_rc(rc);
    if (rc != MB_OK) {
        fz_check_error(rc, err, "mb_date_parse");
    } else {
        char back[16];
        snprintf(back, sizeof back, "%04d-%02d-%02d", date / 10000 % 10000, date / 100 % 100,
                 date % 100);
        FZ_REQUIRE("date-parse-strict", strcmp(back, text) == 0,
                   "mb_date_parse accepts '%s' as %d", text, date);
    }
    int64_t fen = fz_amount(in), got = -1;
    if (fen >= 0 && fen <= INT64_C(100000000000000)) {
        snprintf(text, sizeof text, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
        FZ_TRACE("mb_amount_parse(%s)", fz_quote(text));
        rc = mb_amount_parse(text, &got, err);
        trace_rc(rc);
        FZ_REQUIRE("amount-parse", rc == MB_OK && got == fen, "'%s' parses to %lld (%s)", text,
                   (long long)got, mb_status_name(rc));
    }
}

/* ---- one input ----------------------------------------------------------------------------- */

typedef void (*op_fn)(fz_input *);
static const op_fn ops[] = {
    op_certify,  op_add_disease, op_add_assistance, op_seed,        op_account,
    op_facility, op_accrue,      op_reserve,        op_status,      op_save_restore,
    op_claim_new, op_claim_new,  op_claim_change,   op_claim_change, op_settle,
    op_settle,   op_columns,     op_settle_family,  op_batch,       op_reverse,
    op_reverse_id, op_parse, /* as many as before: the committed inputs pick the calls they did
                                (those that settled a third time now settle columns) */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    if (setjmp(fz_drop)) {
        release();
        return -1;
    }
    chain_len = fz_chain(fz_u8(&in), chain);
    unsigned who = fz_pick(&in, 4);
    int scheme = who == 3 ? MB_SCHEME_RESIDENT : MB_SCHEME_EMPLOYEE;
    if (mb_enrollee_new(&e, "E", scheme, who == 3 ? 0 : (int)who + 1, err) != MB_OK ||
        mb_enrollee_new(&payer, "P", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err) != MB_OK)
        abort();
    mb_enrollee_set_account_balance(payer, (int64_t)fz_u16(&in) * 100, err);
    if (scheme == MB_SCHEME_EMPLOYEE)
        mb_enrollee_set_account_balance(e, (int64_t)fz_u16(&in) * 10, err);
    mb_enrollee_set_designated_facility(e, "H001", err);
    FZ_TRACE("chain {%s}; mb_enrollee_new(&e, \"E\", %s, %d); payer \"P\", employee in "
             "service, account %lld; e's account %lld; e's designated facility \"H001\"",
             chain_name(chain, chain_len), scheme == MB_SCHEME_RESIDENT ? "resident" : "employee",
             who == 3 ? 0 : (int)who + 1, (long long)mb_enrollee_account_balance(payer),
             (long long)mb_enrollee_account_balance(e));
    changing(&e_now);
    changing(&payer_now);
    pre = new_result();
    pre2 = new_result();
    batch_r = new_result();
    replay_r = new_result();
    for (int k = 0; k < OPS_MAX && in.n > 0; k++) {
        unsigned op = fz_pick(&in, sizeof ops / sizeof ops[0]);
        FZ_TRACE("#%d (op %u)", k, op);
        ops[op](&in);
        if (fz_tracing)
            FZ_TRACE("  e: %zu bytes saved, %zu settlements in its journal", fz_save(e, b1),
                     mb_enrollee_journal_count(e));
    }
    release();
    return 0;
}
