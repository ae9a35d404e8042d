/* Properties over many pseudo-random claims (fixed seed, xorshift64*): a year of claims for
 * each of several enrollees under the Wuxi and Changzhou rulesets, and a year of claims whose
 * basic insurance was settled upstream with Wuxi assistance after it. Every settlement keeps the
 * platform's setlinfo identities, no amount is negative, no fund pays more than the policy-scope
 * cost, the year's caps hold, pre-settlement agrees with settlement, an upstream claim whose
 * parts exceed its total is refused, and reversing the whole year in a random order (half of it
 * through the result handles, the rest by settlement id from a copy restored from the saved
 * blob, as a second process would) gives back the initial saved bytes. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

#define WUXI "wuxi-employee-chronic-2021"
#define CHANGZHOU "changzhou-employee-outpatient-2023"
#define ASSIST "wuxi-medical-assistance-2023"
#define CLAIMS_PER_YEAR 300
#define YEAR_BLOB (1 << 20) /* a year of settlements in the journal */

static mb_error *err;
static mb_ruleset *wuxi, *changzhou, *assist;
static mb_result *pool[CLAIMS_PER_YEAR];
static mb_result *scratch;
static long settlements;

/* Violations are counted per property and checked once each at the end, so that a failure
 * names the property and the first claim that broke it instead of flooding the log. */
enum {
    P_SUM, P_NONNEG, P_FUND_LE_SCOPE, P_SCOPE_SPLIT, P_FUND_SUM, P_PART, P_CASH, P_ROWS,
    P_ACCOUNT, P_PRESETTLE, P_REASON, P_SETTLE_OK, P_OVER_LIMIT, P_REFUSED, P_COUNT
};
static long violations[P_COUNT];
static const char *const property_why[P_COUNT] = {
    "fund_pay_sumamt + acct_pay + psn_cash_pay == medfee_sumamt on every claim",
    "every amount is >= 0 on every claim",
    "fund_pay_sumamt <= inscp_scp_amt on every claim",
    "fulamt_ownpay + overlmt_selfpay + preselfpay + inscp_scp == medfee_sumamt on every claim",
    "hifp_pay + hifob_pay + hifmi_pay + maf_pay == fund_pay_sumamt on every claim",
    "psn_part_amt == medfee_sumamt - fund_pay_sumamt on every claim",
    "psn_cash_pay == psn_part_amt - acct_pay on every claim",
    "the fund rows add up to fund_pay_sumamt on every claim",
    "the account pays at most its balance, and balc is what is left",
    "presettle gives the same amounts as the settle that follows",
    "a claim not covered says why; a covered one gives no reason",
    "every generated claim settles",
    ("overlmt_selfpay is what an upstream claim's total holds beyond class C, first self-pay "
     "and the upstream policy-scope cost, and 0 when the library classifies the items"),
    "an upstream claim whose parts exceed its total is refused (invalid_amount), changing nothing",
};

static void violated(int p, const char *who, int i, const char *what)
{
    if (violations[p]++ == 0)
        fprintf(stderr, "  first violation of '%s': %s claim %d: %s\n", property_why[p], who, i,
                what);
}

/* ---- the generators (fixtures.h), seeded so that every run settles the same claims -------- */

static fx_rng rng = {UINT64_C(0x9e3779b97f4a7c15)};
static fx_rng orders = {UINT64_C(0x2545f4914f6cdd1d)}; /* the reversal orders: its own stream,
                                                          the claims keep theirs */

/* The claim ids of a year: each claim its own (a repeated id is refused as already settled). */
static const char *claim_id(int i)
{
    static char id[16];
    snprintf(id, sizeof id, "C%03d", i);
    return id;
}

/* An enrollee whose journal keeps the whole year, so that all of it can be reversed. */
static mb_enrollee *year_enrollee(const char *who, int scheme, int person_type, int64_t balance)
{
    mb_enrollee *e = fx_enrollee(who, scheme, person_type, balance);
    FX_OK(mb_enrollee_set_journal_limit(e, CLAIMS_PER_YEAR, fx_error()));
    return e;
}

/* uniform in [lo, hi] */
static int64_t range(int64_t lo, int64_t hi) { return fx_range(&rng, lo, hi); }

/* day `d` (0..364) of `year` as YYYYMMDD (both test years are not leap years) */
static int32_t day_of(int year, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int m = 0;
    while (d >= mdays[m]) {
        d -= mdays[m];
        m++;
    }
    return year * 10000 + (m + 1) * 100 + d + 1;
}

/* 1..4 random items, class A/B/C, 0.01..5000.00 each, class B with the default or an
 * explicit first self-pay ratio */
static void add_items(mb_claim *c)
{
    int n = (int)range(1, 4);
    for (int k = 0; k < n; k++) {
        int cls = (int)range(MB_CLASS_A, MB_CLASS_C);
        int bp = cls == MB_CLASS_B && range(0, 2) == 0 ? (int)range(0, 10000) : -1;
        CHECK_RC(mb_claim_add_item(c, range(1, 500000), cls, bp, err), MB_OK, "random item");
    }
}

/* Settle one claim (presettle first), check the per-claim properties, return the result. */
static mb_result *settle_chain_checked(const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
                                       const mb_claim *c, int i, const char *who)
{
    mb_result *r = pool[i];
    int64_t balance = mb_enrollee_account_balance(e);
    int prc = mb_presettle(scratch, chain, n, e, c, err);
    int rc = mb_settle(r, chain, n, e, c, err);
    if (rc != MB_OK || prc != MB_OK) {
        violated(P_SETTLE_OK, who, i, mb_error_message(err));
        return NULL;
    }
    settlements++;
    int64_t a[MB_AMT_COUNT_];
    for (int k = 0; k < MB_AMT_COUNT_; k++) {
        a[k] = mb_result_amount(r, k);
        if (a[k] < 0)
            violated(P_NONNEG, who, i, mb_amount_name(k));
        if (mb_result_amount(scratch, k) != a[k])
            violated(P_PRESETTLE, who, i, mb_amount_name(k));
    }
    if (a[MB_AMT_FUND_PAY_SUMAMT] + a[MB_AMT_ACCT_PAY] + a[MB_AMT_PSN_CASH_PAY] !=
        a[MB_AMT_MEDFEE_SUMAMT])
        violated(P_SUM, who, i, "sum");
    if (a[MB_AMT_FUND_PAY_SUMAMT] > a[MB_AMT_INSCP_SCP])
        violated(P_FUND_LE_SCOPE, who, i, "fund > scope");
    if (a[MB_AMT_FULAMT_OWNPAY] + a[MB_AMT_OVERLMT_SELFPAY] + a[MB_AMT_PRESELFPAY] +
            a[MB_AMT_INSCP_SCP] != a[MB_AMT_MEDFEE_SUMAMT])
        violated(P_SCOPE_SPLIT, who, i, "split");
    if (a[MB_AMT_HIFP_PAY] + a[MB_AMT_HIFOB_PAY] + a[MB_AMT_HIFMI_PAY] + a[MB_AMT_MAF_PAY] !=
        a[MB_AMT_FUND_PAY_SUMAMT])
        violated(P_FUND_SUM, who, i, "funds");
    if (a[MB_AMT_PSN_PART] != a[MB_AMT_MEDFEE_SUMAMT] - a[MB_AMT_FUND_PAY_SUMAMT])
        violated(P_PART, who, i, "psn_part");
    if (a[MB_AMT_PSN_CASH_PAY] != a[MB_AMT_PSN_PART] - a[MB_AMT_ACCT_PAY])
        violated(P_CASH, who, i, "psn_cash");
    int64_t rows = 0;
    mb_fund_row row;
    for (size_t k = 0; k < mb_result_fund_count(r); k++) {
        if (mb_result_fund(r, k, &row) == MB_OK) {
            rows += row.fund_payamt;
            if (row.fund_payamt < 0 || row.inscp_scp_amt < 0 ||
                (row.crt_payb_lmt_amt < 0 && row.crt_payb_lmt_amt != -1))
                violated(P_NONNEG, who, i, "fund row");
        }
    }
    if (rows != a[MB_AMT_FUND_PAY_SUMAMT])
        violated(P_ROWS, who, i, "rows");
    if (a[MB_AMT_ACCT_PAY] > balance || a[MB_AMT_BALC] != balance - a[MB_AMT_ACCT_PAY] ||
        mb_enrollee_account_balance(e) != a[MB_AMT_BALC])
        violated(P_ACCOUNT, who, i, "account");
    int covered = mb_result_covered(r);
    const char *reason = mb_result_reason(r);
    if ((covered && reason[0] != '\0') || (!covered && reason[0] == '\0'))
        violated(P_REASON, who, i, "reason");
    return r;
}

static mb_result *settle_checked(const mb_ruleset *rs, mb_enrollee *e, const mb_claim *c, int i,
                                 const char *who)
{
    const mb_ruleset *chain[1] = {rs};
    mb_result *r = settle_chain_checked(chain, 1, e, c, i, who);
    if (r != NULL && mb_result_amount(r, MB_AMT_OVERLMT_SELFPAY) != 0)
        violated(P_OVER_LIMIT, who, i, "an over-limit part without upstream amounts");
    return r;
}

/* Reverse the year's `n` settlements in a random order: the first half through their result
 * handles, the rest by their ids from a copy restored from the blob saved in between (a second
 * process). The copy must then save as the initial bytes. */
static void reverse_all(mb_enrollee *e, mb_result **done, int n, const unsigned char *init,
                        size_t ninit, const char *who)
{
    static int order[CLAIMS_PER_YEAR];
    static char ids[CLAIMS_PER_YEAR][32];
    int m = 0;
    for (int i = 0; i < n; i++)
        if (done[i] != NULL) {
            snprintf(ids[i], sizeof ids[i], "%s", mb_result_setl_id(done[i]));
            order[m++] = i;
        }
    for (int i = m - 1; i > 0; i--) { /* Fisher-Yates */
        int k = (int)(fx_next(&orders) % (uint64_t)(i + 1));
        int t = order[i];
        order[i] = order[k];
        order[k] = t;
    }
    int ok = 1, k = 0;
    for (; k < m / 2; k++)
        if (mb_reverse(e, done[order[k]], err) != MB_OK) {
            if (ok)
                fprintf(stderr, "  %s: reversing claim %d: %s\n", who, order[k], mb_error_message(err));
            ok = 0;
        }
    static unsigned char now[YEAR_BLOB];
    size_t n1 = fx_save(e, now, YEAR_BLOB);
    mb_enrollee *copy = NULL;
    CHECK_RC(mb_enrollee_restore(&copy, now, n1, err), MB_OK, "the half-reversed year restores");
    if (copy == NULL)
        return;
    for (; k < m; k++) {
        char setl_id[32];
        snprintf(setl_id, sizeof setl_id, "%s", mb_result_setl_id(done[order[k]]));
        if (strcmp(setl_id, ids[order[k]]) != 0 || mb_reverse_id(copy, setl_id, err) != MB_OK) {
            if (ok)
                fprintf(stderr, "  %s: reversing %s by id: %s\n", who, setl_id, mb_error_message(err));
            ok = 0;
        }
    }
    CHECK(ok, "every settlement of the year reverses, in a random order, by handle and by id");
    CHECK(mb_enrollee_journal_count(copy) == 0, "the journal is empty again");
    n1 = fx_save(copy, now, YEAR_BLOB);
    CHECK(fx_same(now, n1, init, ninit),
          "reversing the whole year gives back the initial saved bytes");
    mb_enrollee_free(copy);
}

/* ---- Wuxi: chronic claims, one or two certified diseases ----------------------------------- */

static void wuxi_year(int person_type, int ndiseases, int64_t balance)
{
    static const char *const diseases[2] = {"糖尿病", "高血压"};
    char who[64];
    snprintf(who, sizeof who, "wuxi type %d diseases %d balance %lld", person_type, ndiseases,
             (long long)balance);
    mb_enrollee *e = year_enrollee(who, MB_SCHEME_EMPLOYEE, person_type, balance);
    if (e == NULL)
        return;
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "facility");
    for (int d = 0; d < ndiseases; d++)
        CHECK_RC(mb_enrollee_add_disease(e, diseases[d], 20201201, 0, err), MB_OK, "disease");
    static unsigned char init[YEAR_BLOB];
    size_t ninit = fx_save(e, init, YEAR_BLOB);

    mb_result *done[CLAIMS_PER_YEAR] = {0};
    int64_t paid = 0;
    for (int i = 0; i < CLAIMS_PER_YEAR; i++) {
        int32_t date = day_of(2021, i * 365 / CLAIMS_PER_YEAR);
        /* one claim in ten at a facility that is not the designated one */
        const char *facility = range(0, 9) == 0 ? "H777" : "H001";
        mb_claim *c = NULL;
        CHECK_RC(mb_claim_new(&c, claim_id(i), date, MB_MED_CHRONIC, facility, (int)range(1, 3), err),
                 MB_OK, "claim");
        if (c == NULL)
            continue;
        CHECK_RC(mb_claim_set_disease(c, diseases[range(0, ndiseases - 1)], NULL, err), MB_OK,
                 "disease");
        add_items(c);
        done[i] = settle_checked(wuxi, e, c, i, who);
        if (done[i] != NULL)
            paid += mb_result_amount(done[i], MB_AMT_HIFP_PAY);
        mb_claim_free(c);
    }
    /* 41号 三: 3500 in service, 4000 retired (and veterans, assumption), +1000 for two or more */
    int64_t cap = YUAN(person_type == MB_PERSON_IN_SERVICE ? 3500 : 4000) +
                  (ndiseases >= 2 ? YUAN(1000) : 0);
    CHECK(paid <= cap, "the year's Wuxi fund payments never exceed the cap");
    CHECK(paid > cap / 2, "a year of claims comes near the cap (the generator is not idle)");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), paid,
              "the accumulator holds the year's payments");
    reverse_all(e, done, CLAIMS_PER_YEAR, init, ninit, who);
    mb_enrollee_free(e);
}

/* ---- Changzhou: general outpatient, emergency and pharmacy claims --------------------------- */

static void changzhou_year(int person_type, int64_t balance)
{
    char who[64];
    snprintf(who, sizeof who, "changzhou type %d balance %lld", person_type, (long long)balance);
    mb_enrollee *e = year_enrollee(who, MB_SCHEME_EMPLOYEE, person_type, balance);
    if (e == NULL)
        return;
    CHECK_RC(mb_enrollee_set_first_visit_facility(e, "C01", err), MB_OK, "first visit");
    static unsigned char init[YEAR_BLOB];
    size_t ninit = fx_save(e, init, YEAR_BLOB);

    mb_result *done[CLAIMS_PER_YEAR] = {0};
    int64_t pooling = 0, large = 0;
    static const char *const facilities[4] = {"C01", "P02", "S03", "T04"};
    for (int i = 0; i < CLAIMS_PER_YEAR; i++) {
        int32_t date = day_of(2023, i * 365 / CLAIMS_PER_YEAR);
        int kind = (int)range(0, 9); /* 0: emergency, 1-2: pharmacy, else general */
        int med = kind == 0 ? MB_MED_EMERGENCY
                  : kind <= 2 ? MB_MED_PHARMACY
                              : MB_MED_GENERAL_OUTPATIENT;
        /* a third of the visits at the first-visit facility, else a random level */
        int f = range(0, 2) == 0 ? 0 : (int)range(1, 3);
        int level = f == 0 ? MB_LEVEL_PRIMARY : f;
        const char *facility = facilities[f];
        if (med == MB_MED_PHARMACY) {
            facility = "D09";
            level = MB_LEVEL_PHARMACY;
        }
        mb_claim *c = NULL;
        CHECK_RC(mb_claim_new(&c, claim_id(i), date, med, facility, level, err), MB_OK, "claim");
        if (c == NULL)
            continue;
        unsigned flags = 0;
        if (range(0, 1))
            flags |= MB_CLAIM_REFERRAL;
        if (range(0, 19) == 0)
            flags |= MB_CLAIM_OUT_OF_AREA;
        if (range(0, 19) == 0)
            flags |= MB_CLAIM_DESIGNATED_SPECIALTY;
        if (range(0, 9) == 0)
            flags |= MB_CLAIM_NO_ACCOUNT;
        CHECK_RC(mb_claim_set_flags(c, flags, err), MB_OK, "flags");
        if (med == MB_MED_PHARMACY && range(0, 4) != 0) {
            int p = (int)range(0, 3);
            CHECK_RC(mb_claim_set_prescriber(c, facilities[p], p == 0 ? MB_LEVEL_PRIMARY : p, err),
                     MB_OK, "prescriber");
        }
        add_items(c);
        done[i] = settle_checked(changzhou, e, c, i, who);
        if (done[i] != NULL) {
            pooling += mb_result_amount(done[i], MB_AMT_HIFP_PAY);
            large += mb_result_amount(done[i], MB_AMT_HIFOB_PAY);
        }
        mb_claim_free(c);
    }
    /* 91号 二（一）: pooling cap 9000 / 10000 / 11000 */
    int64_t cap = YUAN(person_type == MB_PERSON_IN_SERVICE ? 9000
                       : person_type == MB_PERSON_RETIRED  ? 10000
                                                           : 11000);
    CHECK(pooling <= cap, "the year's Changzhou pooling never exceeds its cap");
    CHECK(pooling > cap / 2, "a year of claims comes near the pooling cap");
    /* 91号 二（六）2: 60% of the compliant cost between 11000 and 100000: at most
     * 60% x 89000 = 53400 */
    CHECK(large <= YUAN(53400), "the year's large-amount payments never exceed 60% of 89000");
    CHECK(large > 0, "a year of claims reaches the large-amount band");
    CHECK_FEN(mb_enrollee_accumulator(e, CHANGZHOU, "outpatient_pooling.paid", 2023), pooling,
              "the pooling accumulator holds the year's payments");
    CHECK_FEN(mb_enrollee_accumulator(e, CHANGZHOU, "outpatient_large_amount.paid", 2023), large,
              "the large-amount accumulator holds the year's payments");
    reverse_all(e, done, CLAIMS_PER_YEAR, init, ninit, who);
    mb_enrollee_free(e);
}

/* ---- upstream: basic insurance settled on the platform, Wuxi assistance after it ----------- */

static void upstream_year(int64_t balance)
{
    const char *who = "upstream wuxi + assistance";
    const mb_ruleset *chain[2] = {wuxi, assist};
    mb_enrollee *e = year_enrollee(who, MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, balance);
    if (e == NULL)
        return;
    CHECK_RC(mb_enrollee_add_assistance(e, "minimum_living", 20230101, 0, err), MB_OK, "identity");
    static unsigned char init[YEAR_BLOB], before[YEAR_BLOB], after[YEAR_BLOB];
    size_t ninit = fx_save(e, init, YEAR_BLOB);

    mb_result *done[CLAIMS_PER_YEAR] = {0};
    long refused = 0, over = 0;
    int64_t assisted = 0;
    for (int i = 0; i < CLAIMS_PER_YEAR; i++) {
        int32_t date = day_of(2023, i * 365 / CLAIMS_PER_YEAR);
        int med = range(0, 1) ? MB_MED_CHRONIC : MB_MED_INPATIENT;
        mb_claim *c = NULL;
        CHECK_RC(mb_claim_new(&c, claim_id(i), date, med, "H001", (int)range(1, 3), err), MB_OK, "claim");
        if (c == NULL)
            continue;
        if (med == MB_MED_INPATIENT)
            CHECK_RC(mb_claim_set_admission(c, date, date, err), MB_OK, "admission");
        add_items(c);
        /* what the items leave for the platform's policy-scope cost and the over-limit part:
         * read from a pre-settlement with nothing in scope upstream */
        CHECK_RC(mb_claim_set_upstream(c, 0, 0, 0, err), MB_OK, "upstream probe");
        CHECK_RC(mb_presettle(scratch, chain, 2, e, c, err), MB_OK, "probe");
        int64_t room = mb_result_amount(scratch, MB_AMT_MEDFEE_SUMAMT) -
                       mb_result_amount(scratch, MB_AMT_FULAMT_OWNPAY) -
                       mb_result_amount(scratch, MB_AMT_PRESELFPAY);
        /* one claim in five contradicts itself: its policy-scope cost exceeds the room */
        int bad = range(0, 4) == 0;
        int64_t compliant = bad ? room + range(1, 100000) : range(0, room);
        int64_t basic = range(0, compliant);
        int64_t ci = range(0, 1) ? -1 : range(0, compliant - basic);
        CHECK_RC(mb_claim_set_upstream(c, compliant, basic, ci, err), MB_OK, "upstream");
        if (bad) {
            size_t n0 = fx_save(e, before, YEAR_BLOB);
            int rc = mb_settle(pool[i], chain, 2, e, c, err);
            size_t n1 = fx_save(e, after, YEAR_BLOB);
            if (rc != MB_E_INVALID_AMOUNT || !fx_same(before, n0, after, n1))
                violated(P_REFUSED, who, i, rc == MB_OK ? "settled" : mb_error_message(err));
            refused++;
        } else {
            done[i] = settle_chain_checked(chain, 2, e, c, i, who);
            if (done[i] != NULL) {
                int64_t got = mb_result_amount(done[i], MB_AMT_OVERLMT_SELFPAY);
                if (got != room - compliant)
                    violated(P_OVER_LIMIT, who, i, "overlmt_selfpay");
                over += got > 0;
                assisted += mb_result_amount(done[i], MB_AMT_MAF_PAY);
            }
        }
        mb_claim_free(c);
    }
    CHECK(refused > 0 && over > 0, "the generator makes refused claims and over-limit parts");
    CHECK(assisted > 0, "assistance settles after the upstream tiers");
    reverse_all(e, done, CLAIMS_PER_YEAR, init, ninit, who);
    mb_enrollee_free(e);
}

int main(void)
{
    err = mb_error_new();
    if (err == NULL || mb_result_new(&scratch, err) != MB_OK)
        return 1;
    for (int i = 0; i < CLAIMS_PER_YEAR; i++)
        if (mb_result_new(&pool[i], err) != MB_OK)
            return 1;
    wuxi = fx_ruleset(WUXI);
    changzhou = fx_ruleset(CHANGZHOU);
    assist = fx_ruleset(ASSIST);
    if (wuxi == NULL || changzhou == NULL || assist == NULL)
        return check_summary();

    static const int wuxi_types[3] = {MB_PERSON_IN_SERVICE, MB_PERSON_RETIRED, MB_PERSON_VETERAN};
    for (int t = 0; t < 3; t++)
        for (int d = 1; d <= 2; d++)
            wuxi_year(wuxi_types[t], d, t == 2 ? 0 : range(0, YUAN(3000)));
    wuxi_year(MB_PERSON_IN_SERVICE, 2, 0);
    wuxi_year(MB_PERSON_RETIRED, 1, YUAN(100000)); /* an account that pays everything first */
    for (int t = MB_PERSON_IN_SERVICE; t <= MB_PERSON_VETERAN; t++) {
        changzhou_year(t, 0);
        changzhou_year(t, range(1, YUAN(5000)));
        changzhou_year(t, YUAN(1000000));
    }
    upstream_year(0);
    upstream_year(range(1, YUAN(5000)));

    for (int p = 0; p < P_COUNT; p++)
        CHECK(violations[p] == 0, property_why[p]);
    printf("%ld settlements\n", settlements);
    CHECK(settlements >= 5000, "at least 5000 settlements were checked");

    for (int i = 0; i < CLAIMS_PER_YEAR; i++)
        mb_result_free(pool[i]);
    mb_result_free(scratch);
    mb_ruleset_free(wuxi);
    mb_ruleset_free(changzhou);
    mb_ruleset_free(assist);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
