/* What an enrollee handle holds, measured through the allocator hook (mb_set_allocator), and
 *  the room promises of medbenefit.h (mb_enrollee_reserve):
 *
 *  - a typical enrollee (an id, a designated facility, two certified diseases, an account)
 *    takes at most 512 bytes fresh with the default journal of 32 (issue 12: it took 9 KB, a
 *    256-entry table with three live entries; then 72 KB, a journal allocated whole when made),
 *    and after a year of Wuxi chronic claims with the journal's bound 0; with the default
 *    journal it takes that and what the journal holds, grown as the settlements come
 *    (docs/reversal.md);
 *  - a new enrollee has room for a first settlement under each bundled ruleset alone, of
 *    every med_type, without mb_enrollee_reserve_for;
 *  - after mb_enrollee_reserve_for, settling allocates nothing, year after year.
 * Public API only. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;

/* ---- an allocator that counts what the library holds -------------------------------------- */

typedef union { size_t size; max_align_t align; } head;
static long long live;
static long allocations;
static bool refuse; /* out of memory: every allocation fails */

static void *count_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (refuse)
        return NULL;
    head *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    live += (long long)size;
    allocations++;
    return h + 1;
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    if (p == NULL)
        return;
    head *h = (head *)p - 1;
    live -= (long long)h->size;
    free(h);
}

static void *count_realloc(void *ctx, void *p, size_t size)
{
    if (p == NULL)
        return count_alloc(ctx, size);
    if (refuse)
        return NULL;
    head *h = (head *)p - 1;
    long long old = (long long)h->size;
    head *n = realloc(h, sizeof *n + size);
    if (n == NULL)
        return NULL;
    n->size = size;
    live += (long long)size - old;
    allocations++;
    return n + 1;
}

/* ---- the typical enrollee ------------------------------------------------------------------ */

static mb_enrollee *typical(size_t journal)
{
    mb_enrollee *e = NULL;
    mb_enrollee_new(&e, "320200196501011234", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err);
    mb_enrollee_set_journal_limit(e, journal, err);
    mb_enrollee_set_designated_facility(e, "H32020100001", err);
    mb_enrollee_add_disease(e, "糖尿病", 20200105, 0, err);
    mb_enrollee_add_disease(e, "高血压", 20200105, 0, err);
    mb_enrollee_set_account_balance(e, YUAN(800), err);
    return e;
}

static mb_claim *chronic(int32_t date, const char *disease, int64_t fen)
{
    mb_claim *c = NULL;
    char id[16]; /* each claim its own id: a repeated one is refused as settled already */
    snprintf(id, sizeof id, "C%d", date);
    mb_claim_new(&c, id, date, MB_MED_CHRONIC, "H32020100001", MB_LEVEL_TERTIARY, err);
    mb_claim_set_disease(c, disease, NULL, err);
    mb_claim_add_item(c, fen, MB_CLASS_A, -1, err);
    mb_claim_add_item(c, fen / 4, MB_CLASS_B, -1, err);
    return c;
}

static void footprint(const mb_ruleset *wuxi)
{
    const mb_ruleset *chain[] = {wuxi};
    enum { N = 100 };
    mb_enrollee *people[N], *bare[N];
    long long before = live;
    for (int p = 0; p < N; p++)
        people[p] = typical(32);
    long long fresh = (live - before) / N;
    for (int p = 0; p < N; p++)
        bare[p] = typical(0);
    long long fresh_bare = (live - before) / N - fresh;
    fprintf(stderr, "  a typical enrollee: %lld bytes fresh with the default journal of 32, %lld "
            "with none", fresh, fresh_bare);
    CHECK(fresh <= 512, "a typical enrollee takes at most 512 bytes, with the default journal");
    CHECK(fresh == fresh_bare, "a journal that holds nothing takes nothing");
    mb_result *r = NULL;
    mb_result_new(&r, err);
    /* a year: two claims a month, the diseases in turn */
    int settled = 0;
    long long year = 0;
    for (int journaled = 1; journaled >= 0; journaled--) {
        mb_enrollee **who = journaled ? people : bare;
        long long at = live;
        for (int p = 0; p < N; p++)
            for (int m = 1; m <= 12; m++)
                for (int k = 0; k < 2; k++) {
                    mb_claim *c = chronic(20230000 + m * 100 + 3 + k * 14,
                                          k ? "糖尿病" : "高血压", YUAN(150 + 20 * m));
                    settled += mb_enrollee_reserve_for(who[p], chain, 1, err) == MB_OK &&
                               mb_settle(r, chain, 1, who[p], c, err) == MB_OK;
                    mb_claim_free(c);
                }
        if (journaled)
            year = (live - at) / N + fresh;
        else
            fresh_bare += (live - at) / N;
    }
    CHECK(settled == 2 * N * 24, "every claim of the year settles");
    mb_result_free(r);
    fprintf(stderr, "; after a year of 24 claims %lld with the journal, %lld without\n", year,
            fresh_bare);
    CHECK(fresh_bare <= 512, "and at most 512 bytes after a year of Wuxi chronic claims, "
          "the journal's bound 0");
    /* the journal holds the 24 settlements: their ids, claim ids and amounts, and the few
     * accumulators each changed; its places grow by doubling (32 for 24 entries) */
    size_t per_place = 512;
    CHECK(year - fresh_bare <= (long long)(32 * per_place),
          "the journal's storage grows with what it holds: at most 512 bytes a place");
    CHECK(year - fresh_bare > 24 * 128, "and it holds the year's 24 settlements");
    for (int p = 0; p < N; p++) {
        CHECK(mb_enrollee_journal_count(people[p]) == 24, "each enrollee's journal holds its year");
        mb_enrollee_free(people[p]);
        mb_enrollee_free(bare[p]);
    }
    CHECK(live == before, "freeing the enrollees gives every byte back");
}

/* After mb_enrollee_reserve_for, mb_settle allocates nothing: five years of claims. */
static void settle_allocates_nothing(const mb_ruleset *wuxi)
{
    const mb_ruleset *chain[] = {wuxi};
    mb_enrollee *e = typical(32);
    mb_result *r = NULL;
    mb_result_new(&r, err);
    long during = 0;
    bool ok = true;
    for (int y = 2021; y <= 2025; y++)
        for (int m = 1; m <= 12; m++) {
            mb_claim *c = chronic(y * 10000 + m * 100 + 10, "糖尿病", YUAN(300));
            ok &= mb_enrollee_reserve_for(e, chain, 1, err) == MB_OK;
            long at = allocations;
            ok &= mb_settle(r, chain, 1, e, c, err) == MB_OK;
            during += allocations - at;
            mb_claim_free(c);
        }
    CHECK(ok, "five years of monthly claims settle, with room made before each");
    CHECK(during == 0, "settling allocates nothing");
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* Without mb_enrollee_reserve_for, mb_settle makes the room itself, before it computes (as a
 * 1.0 caller, who never reserved, expects): years beyond a new enrollee's room settle, and when
 * that room cannot be had the settlement is MB_E_NOMEM and changes nothing. */
static void settle_makes_room(const mb_ruleset *wuxi)
{
    const mb_ruleset *chain[] = {wuxi};
    mb_enrollee *e = typical(32);
    mb_result *r = NULL;
    mb_result_new(&r, err);
    bool ok = true;
    long at = allocations;
    for (int y = 2021; y <= 2030; y++) { /* 3 accumulators a year: far beyond a new table */
        mb_claim *c = chronic(y * 10000 + 110, "糖尿病", YUAN(300));
        ok &= mb_settle(r, chain, 1, e, c, err) == MB_OK;
        mb_claim_free(c);
    }
    CHECK(ok, "ten years settle with no reserve");
    CHECK(allocations > at, "the table grew, between settlements' computations");
    unsigned char before[8192], after[8192];
    size_t nb = 0, na = 0;
    mb_enrollee_save(e, before, sizeof before, &nb, err);
    size_t room = 0;
    for (int y = 2031; y <= 2060 && room == 0; y++) { /* until a year needs the table to grow */
        mb_claim *c = chronic(y * 10000 + 110, "糖尿病", YUAN(300));
        refuse = true;
        int rc = mb_settle(r, chain, 1, e, c, err);
        refuse = false;
        if (rc == MB_E_NOMEM) {
            room = 1;
            mb_enrollee_save(e, after, sizeof after, &na, err);
            CHECK(nb == na && memcmp(before, after, nb) == 0,
                  "a settlement refused for want of memory changes nothing");
        } else {
            CHECK_RC(rc, MB_OK, "with room already there, no allocation is needed");
            mb_enrollee_save(e, before, sizeof before, &nb, err);
        }
        mb_claim_free(c);
    }
    CHECK(room == 1, "a year came that needed the table to grow, and memory was refused");
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* A new enrollee settles a first claim of each med_type under each bundled ruleset alone,
 * without making room first (mb_enrollee_reserve: room for 7). */
static void first_settlement(const mb_ruleset *rs)
{
    static const int meds[] = {MB_MED_GENERAL_OUTPATIENT, MB_MED_EMERGENCY, MB_MED_CHRONIC,
                               MB_MED_INPATIENT, MB_MED_PHARMACY, MB_MED_TRAUMA_INPATIENT,
                               MB_MED_REFERRED_OUT_INPATIENT, MB_MED_EMERGENCY_INPATIENT,
                               MB_MED_MATERNITY_OUTPATIENT, MB_MED_MATERNITY_INPATIENT};
    const mb_ruleset *chain[] = {rs};
    const char *code = NULL, *name = NULL, *group = NULL;
    if (mb_ruleset_disease_count(rs) > 0)
        mb_ruleset_disease(rs, 0, &code, &name, &group);
    mb_result *r = NULL;
    mb_result_new(&r, err);
    for (int scheme = MB_SCHEME_EMPLOYEE; scheme <= MB_SCHEME_RESIDENT; scheme++)
        for (size_t k = 0; k < sizeof meds / sizeof meds[0]; k++) {
            /* a date the ruleset is in force on: the first of 2015..2030 it accepts */
            int rc = MB_E_INVALID_DATE;
            for (int y = 2015; y <= 2030 && rc == MB_E_INVALID_DATE; y++) {
                mb_enrollee *e = NULL;
                mb_enrollee_new(&e, "F", scheme, scheme == MB_SCHEME_EMPLOYEE ? MB_PERSON_IN_SERVICE : 0, err);
                if (scheme == MB_SCHEME_EMPLOYEE)
                    mb_enrollee_set_account_balance(e, YUAN(100), err);
                mb_enrollee_set_designated_facility(e, "H1", err);
                mb_enrollee_set_first_visit_facility(e, "H1", err);
                if (code)
                    mb_enrollee_add_disease(e, code, (y - 1) * 10000 + 1201, 0, err);
                mb_enrollee_add_assistance(e, "minimum_living", (y - 1) * 10000 + 101, 0, err);
                int32_t date = y * 10000 + 615;
                mb_claim *c = NULL;
                mb_claim_new(&c, "C", date, meds[k], "H1",
                             meds[k] == MB_MED_PHARMACY ? MB_LEVEL_PHARMACY : MB_LEVEL_PRIMARY, err);
                if (meds[k] == MB_MED_INPATIENT || meds[k] == MB_MED_TRAUMA_INPATIENT ||
                    meds[k] == MB_MED_REFERRED_OUT_INPATIENT ||
                    meds[k] == MB_MED_EMERGENCY_INPATIENT || meds[k] == MB_MED_MATERNITY_INPATIENT)
                    mb_claim_set_admission(c, date - 5, date, err);
                if (meds[k] == MB_MED_PHARMACY)
                    mb_claim_set_prescriber(c, "H1", MB_LEVEL_PRIMARY, err);
                if (code)
                    mb_claim_set_disease(c, code, NULL, err);
                mb_claim_set_flags(c, MB_CLAIM_REFERRAL, err);
                mb_claim_add_item(c, YUAN(60000), MB_CLASS_A, -1, err);
                if (mb_ruleset_tier(rs) != MB_TIER_BASIC)
                    mb_claim_set_upstream(c, YUAN(60000), YUAN(30000), -1, err);
                rc = mb_settle(r, chain, 1, e, c, err);
                if (rc != MB_OK && rc != MB_E_INVALID_DATE)
                    fprintf(stderr, "  %s, scheme %d, med_type %d: %s\n", mb_ruleset_id(rs), scheme,
                            meds[k], mb_error_message(err));
                mb_claim_free(c);
                mb_enrollee_free(e);
            }
            CHECK_RC(rc, MB_OK, "a new enrollee has room for a first settlement under one ruleset");
        }
    mb_result_free(r);
}

int main(void)
{
    mb_set_allocator(&(mb_allocator){count_alloc, count_realloc, count_free, NULL});
    err = mb_error_new();
    mb_ruleset *wuxi = fx_ruleset("wuxi-employee-chronic-2021");
    if (wuxi) {
        footprint(wuxi);
        settle_allocates_nothing(wuxi);
        settle_makes_room(wuxi);
    }
    mb_ruleset *bundled[32];
    size_t n = fx_load_bundled(bundled, 32);
    for (size_t i = 0; i < n; i++) {
        first_settlement(bundled[i]);
        mb_ruleset_free(bundled[i]);
    }
    CHECK(n >= 6, "every bundled ruleset was tried");
    mb_ruleset_free(wuxi);
    mb_error_free(err);
    fx_done(); /* the fixtures' error report, made through the counting allocator */
    CHECK(live == 0, "everything the library allocated was freed");
    return check_summary();
}
