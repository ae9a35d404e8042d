/*
 * Reversal by settlement id, in any order, across processes (lib/reverse.c, lib/journal.c,
 * docs/reversal.md). Public API only.
 *
 * For each of four rulesets a few claims are settled, the enrollee is saved, and every order of
 * reversing them is tried on a fresh handle restored from that blob (a second process): after
 * each reversal the accumulators and the account are what the remaining settlements put there,
 * as each was settled (hand-worked below, clause by clause), and reversing all of them gives
 * back the bytes saved before the first. Wuxi caps a year's chronic payments; Changzhou has a
 * deductible, a large-amount band and an account that pays last; Shanxi stacks a second
 * disease's quarterly cap at half; Jiaozuo keeps the last activity and the lapse of a
 * qualification as dates, which reversal recomputes rather than subtracts.
 *
 * Then: what a reversal frees serves the claims that follow (a capped claim is not settled
 * again); a claim id settled already is refused; the journal's bound, dropping the oldest (and
 * the latest of a full journal reversed: the dropped one stays dropped); family
 * settlements reversed with both enrollees; the journal listed; a blob of version 1 (committed,
 * tests/unit/data/enrollee-v1.blob) restored; corrupt journals refused.
 */
#include <stdio.h>
#include <string.h>

#include "blob.h"
#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

#define WUXI "wuxi-employee-chronic-2021"
#define CHANGZHOU "changzhou-employee-outpatient-2023"
#define SHANXI "shanxi-chronic-special-2025"
#define JIAOZUO "jiaozuo-chronic-2022"
#define MAX_N 5

static mb_error *err;
static mb_ruleset *wuxi, *changzhou, *shanxi, *jiaozuo;

/* A claim of one class A item of `yuan`; `disease` for chronic claims. */
static mb_claim *claim(const char *id, int32_t date, int med, const char *facility, int level,
                       int64_t yuan, const char *disease)
{
    mb_claim *c = fx_claim(id, date, med, facility, level, YUAN(yuan));
    if (c != NULL && disease)
        FX_OK(mb_claim_set_disease(c, disease, NULL, fx_error()));
    return c;
}

/* ---- every order of reversal, from a restored copy ------------------------------------------ */

/* An accumulator the settlements change, and what each of them put there: a sum of the ones
 * that remain, or (`raised`) the largest of them, 0 when none raised it. */
typedef struct tracked {
    const char *ruleset_id, *key;
    int32_t period;
    int raised;
    int64_t each[MAX_N];
} tracked;

typedef struct scenario {
    const char *name;
    int n;
    char ids[MAX_N][32];
    unsigned char before[BLOB_MAX], after[BLOB_MAX];
    size_t nbefore, nafter;
    int64_t balance_after, acct[MAX_N]; /* the account after all, what each took from it */
    tracked t[8];
    int nt;
} scenario;

/* Settle `c` as settlement number `i` of `s` and keep its id. */
static void settle_into(scenario *s, int i, const mb_ruleset *rs, mb_result *r, mb_enrollee *e,
                        mb_claim *c)
{
    CHECK_RC(fx_settle(r, rs, e, c, err), MB_OK, "settle");
    snprintf(s->ids[i], sizeof s->ids[i], "%s", mb_result_setl_id(r));
    CHECK(strlen(s->ids[i]) == 16, "a settlement id of 16 hex digits");
    mb_claim_free(c);
}

/* The state `e` holds when the settlements of `remaining` (a bit each) stand. */
static void expect_state(const scenario *s, const mb_enrollee *e, unsigned remaining,
                         const char *where)
{
    char why[160];
    int64_t balance = s->balance_after;
    for (int i = 0; i < s->n; i++)
        if (!(remaining >> i & 1u))
            balance += s->acct[i];
    snprintf(why, sizeof why, "%s: the account", where);
    CHECK_FEN(mb_enrollee_account_balance(e), balance, why);
    for (int k = 0; k < s->nt; k++) {
        const tracked *t = &s->t[k];
        int64_t want = 0;
        for (int i = 0; i < s->n; i++)
            if (remaining >> i & 1u)
                want = t->raised ? (t->each[i] > want ? t->each[i] : want) : want + t->each[i];
        snprintf(why, sizeof why, "%s: %s %s (%d)", where, t->ruleset_id, t->key, t->period);
        CHECK_FEN(mb_enrollee_accumulator(e, t->ruleset_id, t->key, t->period), want, why);
    }
}

/* The next permutation of order[0..n) in lexicographic order; 0 after the last. */
static int next_permutation(int *order, int n)
{
    int i = n - 2;
    while (i >= 0 && order[i] > order[i + 1])
        i--;
    if (i < 0)
        return 0;
    int j = n - 1;
    while (order[j] < order[i])
        j--;
    int t = order[i];
    order[i] = order[j];
    order[j] = t;
    for (int a = i + 1, b = n - 1; a < b; a++, b--) {
        t = order[a];
        order[a] = order[b];
        order[b] = t;
    }
    return 1;
}

static void every_order(const scenario *s)
{
    int order[MAX_N], orders = 0, back = 0;
    for (int i = 0; i < s->n; i++)
        order[i] = i;
    mb_enrollee *e = fx_restore(s->after, s->nafter);
    if (e == NULL)
        return;
    expect_state(s, e, (1u << s->n) - 1, s->name);
    mb_enrollee_free(e);
    do {
        e = fx_restore(s->after, s->nafter);
        if (e == NULL)
            return;
        unsigned remaining = (1u << s->n) - 1;
        char where[160];
        for (int k = 0; k < s->n; k++) {
            int i = order[k];
            snprintf(where, sizeof where, "%s, order %d: reverse settlement %d (%s)", s->name,
                     orders, i + 1, s->ids[i]);
            CHECK_RC(mb_reverse_id(e, s->ids[i], err), MB_OK, where);
            remaining &= ~(1u << i);
            expect_state(s, e, remaining, where);
            if (k == 0)
                CHECK_RC(mb_reverse_id(e, s->ids[i], err), MB_E_STATE, "reversing it twice");
        }
        unsigned char now[BLOB_MAX];
        size_t n = fx_save(e, now, BLOB_MAX);
        back += fx_same(now, n, s->before, s->nbefore);
        mb_enrollee_free(e);
        orders++;
    } while (next_permutation(order, s->n));
    int want = 1;
    for (int i = 2; i <= s->n; i++)
        want *= i;
    CHECK(orders == want, "every order was tried");
    CHECK(back == orders, "reversing everything, in any order, gives back the saved bytes");
}

/* Wuxi, in service (锡医保服务〔2020〕41号 三): the account pays first, then the deductible of
 * 500, the fund 70%, the year's cap 3500.
 *   W1 1500: the account's 200 first; base 1300; (1300 - 500) x 70% = 560
 *   W2 2000: base 3300; 2000 x 70% = 1400 (paid 1960)
 *   W3 3000: 3000 x 70% = 2100, capped to 3500 - 1960 = 1540 (paid 3500)
 *   W4 1000: 700, capped to 0
 * Each that pays raises the year's chronic_outpatient flag (四.2: the benefit enjoyed); W4,
 * capped to 0, does not. */
static void wuxi_cap(void)
{
    static scenario s = {.name = "Wuxi chronic cap", .n = 4, .balance_after = 0,
                         .acct = {YUAN(200), 0, 0, 0}, .nt = 3,
                         .t = {{WUXI, "chronic.base", 2021, 0, {YUAN(1300), YUAN(2000), YUAN(3000), YUAN(1000)}},
                               {WUXI, "chronic.paid", 2021, 0, {YUAN(560), YUAN(1400), YUAN(1540), 0}},
                               {"kind", "chronic_outpatient", 2021, 1, {1, 1, 1, 0}}}};
    mb_enrollee *e = fx_enrollee("WX-R", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(200));
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "designated");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    mb_result *r = fx_result();
    s.nbefore = fx_save(e, s.before, BLOB_MAX);
    static const int32_t dates[4] = {20210201, 20210301, 20210401, 20210501};
    static const int64_t yuan[4] = {1500, 2000, 3000, 1000};
    static const int64_t paid[4] = {YUAN(560), YUAN(1400), YUAN(1540), 0};
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "W%d", i + 1);
        settle_into(&s, i, wuxi, r, e,
                    claim(id, dates[i], MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, yuan[i], "糖尿病"));
        CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), paid[i], "as hand-worked");
    }
    s.nafter = fx_save(e, s.after, BLOB_MAX);
    every_order(&s);

    /* what the cap means: reversing W1 frees its 560 for the claims that follow; W3 stays at
     * the 1540 it was capped to. W5 1000: 700, capped to 3500 - 2940 = 560 */
    CHECK_RC(mb_reverse_id(e, s.ids[0], err), MB_OK, "reverse W1, the earliest");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(2940), "3500 - 560");
    mb_claim *w5 = claim("W5", 20210601, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 1000, "糖尿病");
    CHECK_RC(fx_settle(r, wuxi, e, w5, err), MB_OK, "W5");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(560), "the room W1 left");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(3500), "the cap again");
    mb_claim_free(w5);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* Changzhou, in service, at the first-visit facility (常政办发〔2022〕91号 二（一）: deductible
 * 600, 80%, pooling cap 9000; 二（六）2: the large-amount fund 60% of the year's compliant cost
 * between 11000 and 100000; 二（三）: the account pays the person's share, after the funds).
 *   Z1 2000: (2000 - 600) x 80% = 1120; the account pays the share 880 (1000 -> 120)
 *   Z2 5000: base 7000; 5000 x 80% = 4000 (pooling 5120); the account's 120, cash 880
 *   Z3 6000: base 13000; 4800 capped to 9000 - 5120 = 3880; large (13000 - 11000) x 60% = 1200
 * A layer raises its benefit kind on a claim it pays: the pooling on each, the large-amount
 * fund on Z3 only. */
static void changzhou_bands(void)
{
    static scenario s = {.name = "Changzhou deductible, bands and account", .n = 3,
                         .balance_after = 0, .acct = {YUAN(880), YUAN(120), 0}, .nt = 5,
                         .t = {{CHANGZHOU, "outpatient.base", 2023, 0, {YUAN(2000), YUAN(5000), YUAN(6000)}},
                               {CHANGZHOU, "outpatient_pooling.paid", 2023, 0, {YUAN(1120), YUAN(4000), YUAN(3880)}},
                               {CHANGZHOU, "outpatient_large_amount.paid", 2023, 0, {0, 0, YUAN(1200)}},
                               {"kind", "general_outpatient_pooling", 2023, 1, {1, 1, 1}},
                               {"kind", "large_amount_outpatient", 2023, 1, {0, 0, 1}}}};
    mb_enrollee *e = fx_enrollee("CZ-R", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(1000));
    CHECK_RC(mb_enrollee_set_first_visit_facility(e, "C01", err), MB_OK, "first visit");
    mb_result *r = fx_result();
    s.nbefore = fx_save(e, s.before, BLOB_MAX);
    static const int32_t dates[3] = {20230116, 20230216, 20230316};
    static const int64_t yuan[3] = {2000, 5000, 6000};
    static const int64_t pool[3] = {YUAN(1120), YUAN(4000), YUAN(3880)};
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "Z%d", i + 1);
        settle_into(&s, i, changzhou, r, e,
                    claim(id, dates[i], MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, yuan[i], NULL));
        CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), pool[i], "pooling, as hand-worked");
    }
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFOB_PAY), YUAN(1200), "Z3's large-amount part");
    s.nafter = fx_save(e, s.after, BLOB_MAX);
    every_order(&s);

    /* what the deductible means: it is the first 600 of the year's base, and Z1 paid it. With
     * Z1 reversed the base holds Z2's and Z3's 11000, which Z4 continues: no deductible is
     * charged again, and Z4 is in the large-amount band. Z4 1000: pooling 800 (9000 - 7880 =
     * 1120 left); large 1000 x 60% = 600, cut to the 200 of policy-scope cost left */
    CHECK_RC(mb_reverse_id(e, s.ids[0], err), MB_OK, "reverse Z1");
    mb_claim *z4 = claim("Z4", 20230416, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, 1000, NULL);
    CHECK_RC(fx_settle(r, changzhou, e, z4, err), MB_OK, "Z4");
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACT_PAY_DEDC), 0, "no deductible again");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(800), "1000 x 80%");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFOB_PAY), YUAN(200), "the rest of the cost");
    mb_claim_free(z4);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* Shanxi, a resident with two chronic diseases (the report: no deductible, 70%; quarterly
 * caps per disease, assumed 900 for 肝硬化 and 600 for 糖尿病; the second disease at 50%:
 * 糖尿病 300 a quarter; every payment also counts against the annual fund maximum).
 *   S1 Q2 糖尿病 600: 420 capped to 300
 *   S2 Q2 肝硬化 1500: 1050 capped to 900
 *   S3 Q3 糖尿病 200: 140
 *   S4 Q3 糖尿病 400: 280 capped to 300 - 140 = 160 */
static void shanxi_stacking(void)
{
    static scenario s = {.name = "Shanxi stacking", .n = 4, .nt = 6,
                         .t = {{SHANXI, "disease.M01600.paid", 20252, 0, {YUAN(300), 0, 0, 0}},
                               {SHANXI, "disease.M06201.paid", 20252, 0, {0, YUAN(900), 0, 0}},
                               {SHANXI, "disease.M01600.paid", 20253, 0, {0, 0, YUAN(140), YUAN(160)}},
                               {SHANXI, "annual_fund.paid", 2025, 0, {YUAN(300), YUAN(900), YUAN(140), YUAN(160)}},
                               {SHANXI, "chronic.base", 2025, 0, {YUAN(600), YUAN(1500), YUAN(200), YUAN(400)}},
                               {"kind", "chronic_outpatient", 2025, 1, {1, 1, 1, 1}}}};
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, "SX-R", MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    CHECK_RC(mb_enrollee_add_disease(e, "肝硬化", 20250401, 0, err), MB_OK, "disease");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20250401, 0, err), MB_OK, "disease");
    mb_result *r = fx_result();
    s.nbefore = fx_save(e, s.before, BLOB_MAX);
    static const int32_t dates[4] = {20250410, 20250411, 20250710, 20250810};
    static const char *const diseases[4] = {"糖尿病", "肝硬化", "糖尿病", "糖尿病"};
    static const int64_t yuan[4] = {600, 1500, 200, 400};
    static const int64_t paid[4] = {YUAN(300), YUAN(900), YUAN(140), YUAN(160)};
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "S%d", i + 1);
        settle_into(&s, i, shanxi, r, e,
                    claim(id, dates[i], MB_MED_CHRONIC, "X01", MB_LEVEL_SECONDARY, yuan[i], diseases[i]));
        CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), paid[i], "as hand-worked");
    }
    s.nafter = fx_save(e, s.after, BLOB_MAX);
    every_order(&s);

    /* reversing S3, not the latest: S4 keeps its 160, and the quarter's 140 freed serves S5.
     * S5 Q3 糖尿病 400: 280 capped to 300 - 160 = 140 */
    CHECK_RC(mb_reverse_id(e, s.ids[2], err), MB_OK, "reverse S3");
    mb_claim *s5 = claim("S5", 20250910, MB_MED_CHRONIC, "X01", MB_LEVEL_SECONDARY, 400, "糖尿病");
    CHECK_RC(fx_settle(r, shanxi, e, s5, err), MB_OK, "S5");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(140), "the room S3 left");
    mb_claim_free(s5);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* Jiaozuo, in service (焦医保〔2021〕97号): 高血压Ⅲ期 certified 2022-01-10, in benefit from the
 * next month (三（五）); no deductible, 80% (assumptions), cap 1320 (附件). A chronic claim in
 * benefit or a discharge is activity; twelve idle months revoke the qualification (四（四）),
 * the lapse recorded when the next activity comes after it. Settled in this order:
 *   J1 chronic 2022-03-10 500: 400; activity 2022-03-10
 *   J2 admission discharged 2022-06-20 (no benefit of this ruleset): activity 2022-06-20
 *   J3 admission discharged 2023-09-01: idle since 2022-06-20, lapsed 2023-06-20; activity
 *      2023-09-01
 *   J0 chronic 2022-02-15 300, settled last: 240; its activity is earlier than the last
 * The dates are not sums: with some reversed, the last activity is the latest of the ones
 * that remain, and the lapse is J3's while J3 stands. */
static void jiaozuo_dates(void)
{
    static scenario s = {.name = "Jiaozuo activity and lapse dates", .n = 4, .nt = 5,
                         .t = {{JIAOZUO, "activity", 0, 1, {20220310, 20220620, 20230901, 20220215}},
                               {JIAOZUO, "revoked", 0, 1, {0, 0, 20230620, 0}},
                               {JIAOZUO, "disease.M03900.paid", 2022, 0, {YUAN(400), 0, 0, YUAN(240)}},
                               {JIAOZUO, "chronic.base", 2022, 0, {YUAN(500), 0, 0, YUAN(300)}},
                               {"kind", "chronic_outpatient", 2022, 1, {1, 0, 0, 1}}}};
    mb_enrollee *e = fx_enrollee("JZ-R", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(e, "M03900", 20220110, 0, err), MB_OK, "disease");
    mb_result *r = fx_result();
    s.nbefore = fx_save(e, s.before, BLOB_MAX);
    settle_into(&s, 0, jiaozuo, r, e,
                claim("J1", 20220310, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, 500, "M03900"));
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(400), "500 x 80%");
    mb_claim *c = claim("J2", 20220620, MB_MED_INPATIENT, "H9", MB_LEVEL_SECONDARY, 100, NULL);
    CHECK_RC(mb_claim_set_admission(c, 20220615, 20220620, err), MB_OK, "admission");
    settle_into(&s, 1, jiaozuo, r, e, c);
    c = claim("J3", 20230901, MB_MED_INPATIENT, "H9", MB_LEVEL_SECONDARY, 100, NULL);
    CHECK_RC(mb_claim_set_admission(c, 20230825, 20230901, err), MB_OK, "admission");
    settle_into(&s, 2, jiaozuo, r, e, c);
    settle_into(&s, 3, jiaozuo, r, e,
                claim("J0", 20220215, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, 300, "M03900"));
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(240), "300 x 80%");
    int state = -1;
    int32_t since = 0;
    CHECK_RC(mb_enrollee_status(e, jiaozuo, "M03900", 20231001, &state, &since, NULL, err), MB_OK,
             "status");
    CHECK(state == MB_CERT_REVOKED && since == 20230620, "revoked from the lapse");
    s.nafter = fx_save(e, s.after, BLOB_MAX);
    every_order(&s);

    /* J3 reversed: no lapse is recorded, and the qualification stands as J1, J2 and J0 leave it */
    mb_enrollee *copy = fx_restore(s.after, s.nafter);
    CHECK_RC(mb_reverse_id(copy, s.ids[2], err), MB_OK, "reverse J3");
    CHECK_FEN(mb_enrollee_accumulator(copy, JIAOZUO, "activity", 0), 20220620, "J2's discharge");
    CHECK_FEN(mb_enrollee_accumulator(copy, JIAOZUO, "revoked", 0), 0, "no lapse");
    CHECK_RC(mb_enrollee_status(copy, jiaozuo, "M03900", 20230301, &state, &since, NULL, err),
             MB_OK, "status");
    CHECK(state == MB_CERT_ACTIVE, "in benefit again before twelve idle months");
    mb_enrollee_free(copy);

    /* the value before the journal: with a journal of 2, J1 drops out of it when J3 comes; its
     * activity date stays, and reversing J2 and J3 leaves it (the 2022-03-10 J2 saw before it) */
    mb_enrollee *k = fx_enrollee("JZ-K", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_journal_limit(k, 2, err), MB_OK, "a journal of 2");
    CHECK_RC(mb_enrollee_add_disease(k, "M03900", 20220110, 0, err), MB_OK, "disease");
    c = claim("J1", 20220310, MB_MED_CHRONIC, "H1", MB_LEVEL_SECONDARY, 500, "M03900");
    CHECK_RC(fx_settle(r, jiaozuo, k, c, err), MB_OK, "J1");
    mb_claim_free(c);
    char j2[32], j3[32];
    c = claim("J2", 20220620, MB_MED_INPATIENT, "H9", MB_LEVEL_SECONDARY, 100, NULL);
    CHECK_RC(mb_claim_set_admission(c, 20220615, 20220620, err), MB_OK, "admission");
    CHECK_RC(fx_settle(r, jiaozuo, k, c, err), MB_OK, "J2");
    snprintf(j2, sizeof j2, "%s", mb_result_setl_id(r));
    mb_claim_free(c);
    c = claim("J3", 20230901, MB_MED_INPATIENT, "H9", MB_LEVEL_SECONDARY, 100, NULL);
    CHECK_RC(mb_claim_set_admission(c, 20230825, 20230901, err), MB_OK, "admission");
    CHECK_RC(fx_settle(r, jiaozuo, k, c, err), MB_OK, "J3");
    snprintf(j3, sizeof j3, "%s", mb_result_setl_id(r));
    mb_claim_free(c);
    unsigned char blob[BLOB_MAX];
    size_t n = fx_save(k, blob, BLOB_MAX);
    mb_enrollee_free(k);
    k = fx_restore(blob, n);
    CHECK(mb_enrollee_journal_count(k) == 2, "the journal keeps 2");
    CHECK_RC(mb_reverse_id(k, j2, err), MB_OK, "reverse J2");
    CHECK_FEN(mb_enrollee_accumulator(k, JIAOZUO, "activity", 0), 20230901, "J3's discharge");
    CHECK_RC(mb_reverse_id(k, j3, err), MB_OK, "reverse J3");
    CHECK_FEN(mb_enrollee_accumulator(k, JIAOZUO, "activity", 0), 20220310,
              "J1's date, from before the journal");
    CHECK_FEN(mb_enrollee_accumulator(k, JIAOZUO, "revoked", 0), 0, "no lapse");
    CHECK_FEN(mb_enrollee_accumulator(k, JIAOZUO, "disease.M03900.paid", 2022), YUAN(400),
              "J1's payment stays: it can no longer be reversed");
    mb_enrollee_free(k);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* ---- a claim settled twice ------------------------------------------------------------------ */

static void repeated_claims(void)
{
    unsigned char one[BLOB_MAX], now[BLOB_MAX];
    mb_enrollee *e = fx_enrollee("DUP-1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "designated");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    mb_result *r = fx_result();
    mb_claim *c1 = claim("C1", 20210201, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 1200, "糖尿病");
    CHECK_RC(fx_settle(r, wuxi, e, c1, err), MB_OK, "C1");
    char id1[32];
    snprintf(id1, sizeof id1, "%s", mb_result_setl_id(r));
    size_t n1 = fx_save(e, one, BLOB_MAX);

    /* an HIS retrying after a network error: refused, nothing changes, the result still holds
     * the first settlement. (1200 - 500) x 70% = 490 (锡医保服务〔2020〕41号 三) */
    mb_error_clear(err);
    CHECK_RC(fx_settle(r, wuxi, e, c1, err), MB_E_STATE, "C1 again");
    CHECK(strstr(mb_error_message(err), "already settled") != NULL &&
              strstr(mb_error_message(err), id1) != NULL,
          "the message names the settlement that stands");
    size_t n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(one, n1, now, n), "the refused repeat changes nothing");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490), "the result still holds C1");
    CHECK(strcmp(mb_result_setl_id(r), id1) == 0, "and its id");
    /* the same in a second process, and in a batch */
    mb_enrollee *copy = fx_restore(one, n1);
    CHECK_RC(fx_settle(r, wuxi, copy, c1, err), MB_E_STATE, "C1 again, from the saved state");
    mb_claim *c2 = claim("C2", 20210301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 1000, "糖尿病");
    const mb_claim *batch[3] = {c2, c1, c2};
    int32_t status[3] = {1, 1, 1};
    const mb_ruleset *chain[1] = {wuxi};
    CHECK_RC(mb_settle_batch(r, chain, 1, copy, batch, 3, 0, NULL, 0, status, NULL, err),
             MB_E_STATE, "a batch repeating claims");
    CHECK(status[0] == MB_OK && status[1] == MB_E_STATE && status[2] == MB_E_STATE,
          "C2 settles once; C1 and C2 again are refused");
    CHECK(mb_enrollee_journal_count(copy) == 2, "the batch recorded C2 in the journal");
    mb_enrollee_free(copy);
    /* a presettlement of a settled claim is only a computation: allowed */
    CHECK_RC(mb_presettle(r, chain, 1, e, c1, err), MB_OK, "presettle C1");
    CHECK(strcmp(mb_result_setl_id(r), "") == 0, "a presettlement has no settlement id");

    /* reversed, the claim can be settled again: the same enrollee and claim, the same id */
    CHECK_RC(mb_reverse_id(e, id1, err), MB_OK, "reverse C1");
    CHECK_RC(fx_settle(r, wuxi, e, c1, err), MB_OK, "C1 settled again");
    CHECK(strcmp(mb_result_setl_id(r), id1) == 0, "under the same id");
    /* another enrollee's C1 is another settlement */
    mb_enrollee *other = fx_enrollee("DUP-2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_designated_facility(other, "H001", err), MB_OK, "designated");
    CHECK_RC(mb_enrollee_add_disease(other, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    CHECK_RC(fx_settle(r, wuxi, other, c1, err), MB_OK, "another enrollee's C1");
    CHECK(strcmp(mb_result_setl_id(r), id1) != 0, "has another id");
    CHECK_RC(mb_reverse_id(e, mb_result_setl_id(r), err), MB_E_STATE, "not reversed on DUP-1");

    /* claims without an id cannot be recognised as repeats: each is a settlement of its own,
     * numbered by the smallest ordinal free in the journal */
    mb_claim *a = claim(NULL, 20210401, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 100, "糖尿病");
    char ida[32], idb[32];
    CHECK_RC(fx_settle(r, wuxi, e, a, err), MB_OK, "a claim without an id");
    snprintf(ida, sizeof ida, "%s", mb_result_setl_id(r));
    CHECK_RC(fx_settle(r, wuxi, e, a, err), MB_OK, "the same, again: not recognised");
    snprintf(idb, sizeof idb, "%s", mb_result_setl_id(r));
    CHECK(strcmp(ida, idb) != 0 && strlen(idb) == 16, "two settlements, two ids");
    CHECK_RC(mb_reverse_id(e, ida, err), MB_OK, "reverse the first");
    CHECK_RC(fx_settle(r, wuxi, e, a, err), MB_OK, "a third");
    CHECK(strcmp(mb_result_setl_id(r), ida) == 0, "takes the first's ordinal, now free");
    mb_claim_free(a);
    mb_claim_free(c1);
    mb_claim_free(c2);
    mb_result_free(r);
    mb_enrollee_free(other);
    mb_enrollee_free(e);
}

/* ---- the journal's bound -------------------------------------------------------------------- */

/* Wuxi, in service: claims of 1000 each from 2021-02-01, the account empty. The first meets the
 * deductible: (1000 - 500) x 70% = 350; each later one 1000 x 70% = 700 (cap 3500). */
static void journal_limit(void)
{
    mb_enrollee *e = fx_enrollee("LIM-1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK(mb_enrollee_journal_limit(e) == 32, "32 by default");
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "designated");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    CHECK_RC(mb_enrollee_set_journal_limit(e, 3, err), MB_OK, "a journal of 3");
    CHECK_RC(mb_enrollee_set_journal_limit(e, 4097, err), MB_E_INVALID_ARGUMENT, "at most 4096");
    CHECK(mb_enrollee_journal_limit(e) == 3, "the refused limit changed nothing");
    mb_result *r = fx_result();
    char ids[5][32];
    for (int i = 0; i < 5; i++) {
        char id[8];
        snprintf(id, sizeof id, "L%d", i + 1);
        mb_claim *c = claim(id, 20210201 + 100 * i, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY,
                            1000, "糖尿病");
        CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
        snprintf(ids[i], sizeof ids[i], "%s", mb_result_setl_id(r));
        mb_claim_free(c);
    }
    CHECK(mb_enrollee_journal_count(e) == 3, "the journal keeps the latest 3");
    unsigned char blob[BLOB_MAX];
    size_t n = fx_save(e, blob, BLOB_MAX);
    mb_enrollee *copy = fx_restore(blob, n);
    CHECK(mb_enrollee_journal_limit(copy) == 3, "the bound is saved with the enrollee");
    mb_error_clear(err);
    CHECK_RC(mb_reverse_id(copy, ids[0], err), MB_E_STATE, "L1 dropped out of the journal");
    CHECK(strstr(mb_error_message(err), "3 settlements") != NULL &&
              strstr(mb_error_message(err), "mb_enrollee_set_journal_limit") != NULL,
          "the message says how many the journal keeps and how to raise it");
    unsigned char now[BLOB_MAX];
    size_t m = fx_save(copy, now, BLOB_MAX);
    CHECK(fx_same(blob, n, now, m), "the refused reversal changes nothing");
    for (int i = 4; i >= 2; i--)
        CHECK_RC(mb_reverse_id(copy, ids[i], err), MB_OK, "L3..L5 reverse");
    /* L1 and L2 stand: 350 + 700; base 2000 */
    CHECK_FEN(mb_enrollee_accumulator(copy, WUXI, "chronic.paid", 2021), YUAN(1050), "350 + 700");
    CHECK_FEN(mb_enrollee_accumulator(copy, WUXI, "chronic.base", 2021), YUAN(2000), "1000 + 1000");
    /* a claim dropped out of the journal is no longer recognised as settled */
    mb_claim *again = claim("L1", 20210201, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 1000, "糖尿病");
    CHECK_RC(fx_settle(r, wuxi, copy, again, err), MB_OK, "L1 dropped: settled again (documented)");
    mb_claim_free(again);
    mb_enrollee_free(copy);

    /* lowering the bound drops the oldest; raising it keeps what is there */
    CHECK_RC(mb_enrollee_set_journal_limit(e, 1, err), MB_OK, "a journal of 1");
    CHECK(mb_enrollee_journal_count(e) == 1, "the latest only");
    CHECK_RC(mb_reverse_id(e, ids[3], err), MB_E_STATE, "L4 dropped");
    CHECK_RC(mb_enrollee_set_journal_limit(e, 100, err), MB_OK, "a journal of 100");
    CHECK(mb_enrollee_journal_count(e) == 1 && mb_enrollee_journal_limit(e) == 100, "kept");
    CHECK_RC(mb_reverse_id(e, ids[4], err), MB_OK, "L5 reverses");

    /* a bound of 0 keeps nothing: nothing can be reversed */
    CHECK_RC(mb_enrollee_set_journal_limit(e, 0, err), MB_OK, "no journal");
    mb_claim *c = claim("L6", 20210801, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 1000, "糖尿病");
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settles all the same");
    CHECK(mb_enrollee_journal_count(e) == 0, "and is not kept");
    /* it has its settlement id all the same (the platform's setl_id): one a journal would keep */
    const char *kept_none = mb_result_setl_id(r);
    CHECK(strlen(kept_none) == 16 && strspn(kept_none, "0") < 16, "a settlement id all the same");
    mb_error_clear(err);
    CHECK_RC(mb_reverse(e, r, err), MB_E_STATE, "so it cannot be reversed");
    CHECK(strstr(mb_error_message(err), "keeps no journal") != NULL, "the message says why");
    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* The latest settlement of a full journal reversed (fuzz_api's reverse-latest-not-restoring):
 * settling dropped the oldest, and reversing the latest takes back its own changes only; the
 * dropped one does not come back. The bytes are those saved before it with the oldest dropped,
 * as lowering the bound by one would have dropped it. Wuxi chronic, in service (锡医保服务〔2020〕
 * 41号 三: deductible 500, 70%): F1 1000: (1000 - 500) x 70% = 350; F2, F3, F4 1000 each: 700. */
static void full_journal_latest(void)
{
    mb_enrollee *e = fx_enrollee("FULL-1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "designated");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    CHECK_RC(mb_enrollee_set_journal_limit(e, 3, err), MB_OK, "a journal of 3");
    mb_result *r = fx_result();
    char ids[4][32];
    unsigned char before[BLOB_MAX];
    size_t nbefore = 0;
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "F%d", i + 1);
        if (i == 3)
            nbefore = fx_save(e, before, BLOB_MAX); /* full: F1, F2, F3 */
        mb_claim *c = claim(id, 20210201 + 100 * i, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY,
                            1000, "糖尿病");
        CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
        CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(i == 0 ? 350 : 700), "as hand-worked");
        snprintf(ids[i], sizeof ids[i], "%s", mb_result_setl_id(r));
        mb_claim_free(c);
    }
    CHECK(mb_enrollee_journal_count(e) == 3, "F4 dropped F1");
    CHECK_RC(mb_reverse_id(e, ids[3], err), MB_OK, "reverse F4, the latest");
    /* F1, F2, F3 stand: 350 + 700 + 700; base 3000 */
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(1750), "350 + 700 + 700");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(3000), "3 x 1000");
    CHECK(mb_enrollee_journal_count(e) == 2, "F2 and F3 kept: F1 does not come back");
    mb_error_clear(err);
    CHECK_RC(mb_reverse_id(e, ids[0], err), MB_E_STATE, "F1 stays out of the journal");
    unsigned char now[BLOB_MAX], dropped[BLOB_MAX];
    size_t nnow = fx_save(e, now, BLOB_MAX);
    CHECK(!fx_same(before, nbefore, now, nnow), "not the bytes saved before F4: they held F1");
    mb_enrollee *k = fx_restore(before, nbefore);
    CHECK_RC(mb_enrollee_set_journal_limit(k, 2, err), MB_OK, "F1 dropped as F4 dropped it");
    CHECK_RC(mb_enrollee_set_journal_limit(k, 3, err), MB_OK, "the bound back to 3");
    size_t ndropped = fx_save(k, dropped, BLOB_MAX);
    CHECK(fx_same(dropped, ndropped, now, nnow), "the bytes saved before F4, F1 dropped");
    mb_enrollee_free(k);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* ---- family settlements --------------------------------------------------------------------- */

/* Changzhou, the patient P (account 100) and the spouse A (account 500) (常政办发〔2022〕91号
 * 二（一）, 二（三）): 2400 at the first-visit facility: (2400 - 600) x 80% = 1440; the share 960
 * is paid 100 by P's account, 500 by A's, 360 in cash. */
static void family(void)
{
    unsigned char p0[BLOB_MAX], a0[BLOB_MAX], p1[BLOB_MAX], a1[BLOB_MAX], now[BLOB_MAX];
    mb_enrollee *p = fx_enrollee("P", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(100));
    mb_enrollee *a = fx_enrollee("A", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(500));
    CHECK_RC(mb_enrollee_set_first_visit_facility(p, "C01", err), MB_OK, "first visit");
    CHECK_RC(mb_enrollee_set_first_visit_facility(a, "C01", err), MB_OK, "first visit");
    size_t np0 = fx_save(p, p0, BLOB_MAX), na0 = fx_save(a, a0, BLOB_MAX);
    mb_result *r = fx_result();
    const mb_ruleset *chain[1] = {changzhou};
    mb_claim *f1 = claim("F1", 20230310, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, 2400, NULL);
    CHECK_RC(mb_settle_family(r, chain, 1, p, a, MB_FAMILY_SPOUSE, f1, err), MB_OK, "family");
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACCT_MULAID_PAY), YUAN(500), "A's part");
    char id[32];
    snprintf(id, sizeof id, "%s", mb_result_setl_id(r));

    /* reversed through the result, the payer is the handle that paid: a copy of A restored from
     * its bytes (the same id, another handle) is refused, and neither side changes */
    size_t npc = fx_save(p, p1, BLOB_MAX), nac = fx_save(a, a1, BLOB_MAX);
    mb_enrollee *copy = fx_restore(a1, nac);
    CHECK_RC(mb_reverse_family(p, copy, r, err), MB_E_STATE, "a restored copy of the payer");
    CHECK(strcmp(mb_error_message(err), "this settlement was not paid from that payer's account") == 0,
          "says the settlement was paid from another payer");
    CHECK(fx_same(p1, npc, now, fx_save(p, now, BLOB_MAX)), "the patient is unchanged");
    CHECK(fx_same(a1, nac, now, fx_save(copy, now, BLOB_MAX)), "the copy is unchanged");
    mb_enrollee_free(copy);

    /* a claim without an id takes the smallest ordinal no claim without an id of its own
     * holds: Q's claim without an id, paid from B's account, is numbered 1 in both journals;
     * B's own first claim without an id is numbered 1 too (the payer's entry is Q's claim), so
     * it has the settlement id a B with an empty journal gives it */
    mb_enrollee *q = fx_enrollee("Q", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_enrollee *b = fx_enrollee("B", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(500));
    mb_enrollee *fresh = fx_enrollee("B", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(500));
    mb_claim *idless = claim(NULL, 20230312, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, 100, NULL);
    CHECK_RC(mb_settle_family(r, chain, 1, q, b, MB_FAMILY_SPOUSE, idless, err), MB_OK,
             "Q's claim without an id, from B's account");
    char first_of_fresh[32];
    CHECK_RC(fx_settle(r, changzhou, fresh, idless, err), MB_OK, "a fresh B's claim without an id");
    snprintf(first_of_fresh, sizeof first_of_fresh, "%s", mb_result_setl_id(r));
    CHECK_RC(fx_settle(r, changzhou, b, idless, err), MB_OK, "B's, beside the entry it paid");
    CHECK(strcmp(mb_result_setl_id(r), first_of_fresh) == 0, "ordinal 1: the same settlement id");
    mb_claim_free(idless);
    mb_enrollee_free(fresh);
    mb_enrollee_free(b);
    mb_enrollee_free(q);

    /* both journals hold it, under one id */
    mb_journal_entry j;
    CHECK(mb_enrollee_journal_count(p) == 1 && mb_enrollee_journal_count(a) == 1, "both journals");
    CHECK_RC(mb_enrollee_journal(p, 0, &j), MB_OK, "P's entry");
    CHECK(strcmp(j.setl_id, id) == 0 && strcmp(j.claim_id, "F1") == 0 &&
              j.family == MB_JOURNAL_PATIENT && strcmp(j.family_member, "A") == 0 &&
              j.acct_pay == YUAN(100) && j.family_pay == YUAN(500) && j.changes > 0,
          "P's side: its claim, its account's 100, A's 500, and the accumulators");
    CHECK_RC(mb_enrollee_journal(a, 0, &j), MB_OK, "A's entry");
    CHECK(strcmp(j.setl_id, id) == 0 && strcmp(j.claim_id, "F1") == 0 &&
              j.family == MB_JOURNAL_PAYER && strcmp(j.family_member, "P") == 0 &&
              j.acct_pay == YUAN(500) && j.changes == 0,
          "A's side: P's claim, A's account's 500, no accumulators");

    /* A settles a claim of its own with the same claim id: another settlement */
    mb_claim *own = claim("F1", 20230311, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, 100, NULL);
    CHECK_RC(fx_settle(r, changzhou, a, own, err), MB_OK, "A's own F1");
    CHECK(strcmp(mb_result_setl_id(r), id) != 0, "has its own id");
    CHECK_RC(mb_reverse(a, r, err), MB_OK, "and reverses");
    CHECK_RC(mb_reverse(a, r, err), MB_E_STATE, "once");
    CHECK(strcmp(mb_error_message(err), "this settlement has already been reversed") == 0,
          "the result says it was reversed already");
    mb_claim_free(own);

    /* in a second process: one side alone is refused, naming the call that takes both */
    size_t np1 = fx_save(p, p1, BLOB_MAX), na1 = fx_save(a, a1, BLOB_MAX);
    mb_enrollee *p2 = fx_restore(p1, np1), *a2 = fx_restore(a1, na1);
    mb_error_clear(err);
    CHECK_RC(mb_reverse_id(p2, id, err), MB_E_STATE, "the patient alone");
    CHECK(strstr(mb_error_message(err), "mb_reverse_family_id") != NULL, "names the call");
    CHECK_RC(mb_reverse_id(a2, id, err), MB_E_STATE, "the payer alone");
    CHECK(strstr(mb_error_message(err), "'P'") != NULL, "names the patient");
    CHECK_RC(mb_reverse_family_id(a2, p2, id, err), MB_E_STATE, "the sides swapped");
    size_t n = fx_save(p2, now, BLOB_MAX);
    CHECK(fx_same(p1, np1, now, n), "refusals change nothing (patient)");
    n = fx_save(a2, now, BLOB_MAX);
    CHECK(fx_same(a1, na1, now, n), "refusals change nothing (payer)");
    CHECK_RC(mb_reverse_family_id(p2, a2, id, err), MB_OK, "both, in one call");
    n = fx_save(p2, now, BLOB_MAX);
    CHECK(fx_same(p0, np0, now, n), "the patient is as before it");
    n = fx_save(a2, now, BLOB_MAX);
    CHECK(fx_same(a0, na0, now, n), "the payer is as before it");
    mb_enrollee_free(p2);
    mb_enrollee_free(a2);

    /* the payer's journal dropped it: nothing is given back to either */
    mb_enrollee *p3 = fx_restore(p1, np1), *a3 = fx_restore(a1, na1);
    CHECK_RC(mb_enrollee_set_journal_limit(a3, 0, err), MB_OK, "the payer keeps no journal");
    CHECK_RC(mb_reverse_family_id(p3, a3, id, err), MB_E_STATE, "the payer's part is gone");
    n = fx_save(p3, now, BLOB_MAX);
    CHECK(fx_same(p1, np1, now, n), "and the patient is unchanged");
    mb_enrollee_free(p3);
    mb_enrollee_free(a3);

    /* an account filled to the largest balance since (10^12 yuan): giving back its part
     * would pass it, so the reversal is refused and changes neither side; the payer's account,
     * then the patient's */
    for (int side = 0; side < 2; side++) {
        mb_enrollee *p5 = fx_restore(p1, np1), *a5 = fx_restore(a1, na1);
        CHECK_RC(mb_enrollee_set_account_balance(side ? p5 : a5, YUAN(1000000000000), err), MB_OK,
                 "the largest balance");
        unsigned char pb[BLOB_MAX], ab[BLOB_MAX];
        size_t npb = fx_save(p5, pb, BLOB_MAX), nab = fx_save(a5, ab, BLOB_MAX);
        mb_error_clear(err);
        CHECK_RC(mb_reverse_family_id(p5, a5, id, err), MB_E_OVERFLOW,
                 side ? "the patient's 100 back would pass 10^12 yuan"
                      : "the payer's 500 back would pass 10^12 yuan");
        CHECK(strstr(mb_error_message(err), side ? "enrollee 'P': giving back the account's 10000 fen"
                                                 : "enrollee 'A': giving back the account's 50000 fen") != NULL,
              "the message names the account and the amount");
        n = fx_save(p5, now, BLOB_MAX);
        CHECK(fx_same(pb, npb, now, n), "the patient is unchanged");
        n = fx_save(a5, now, BLOB_MAX);
        CHECK(fx_same(ab, nab, now, n), "the payer is unchanged");
        mb_enrollee_free(p5);
        mb_enrollee_free(a5);
    }

    /* the journals of two days: F1 reversed and settled again while A held 200, so P's entry
     * says A paid 200, and A restored from before says 500 under the same settlement id */
    mb_enrollee *p6 = fx_restore(p1, np1), *a6 = fx_restore(a1, na1);
    CHECK_RC(mb_reverse_family_id(p6, a6, id, err), MB_OK, "F1 reversed");
    CHECK_RC(mb_enrollee_set_account_balance(a6, YUAN(200), err), MB_OK, "A holds 200");
    CHECK_RC(mb_settle_family(r, chain, 1, p6, a6, MB_FAMILY_SPOUSE, f1, err), MB_OK, "F1 again");
    CHECK(strcmp(mb_result_setl_id(r), id) == 0 && mb_result_amount(r, MB_AMT_ACCT_MULAID_PAY) == YUAN(200),
          "the same settlement id, A's part now 200");
    mb_enrollee *a7 = fx_restore(a1, na1);
    unsigned char pb6[BLOB_MAX];
    size_t npb6 = fx_save(p6, pb6, BLOB_MAX);
    mb_error_clear(err);
    CHECK_RC(mb_reverse_family_id(p6, a7, id, err), MB_E_STATE, "journals of two days");
    CHECK(strstr(mb_error_message(err), "disagree about settlement") != NULL &&
              strstr(mb_error_message(err), "the payer's entry pays 50000 fen for 'P', the "
                                            "patient's says 20000 fen") != NULL,
          "the message gives both sides' amounts");
    n = fx_save(p6, now, BLOB_MAX);
    CHECK(fx_same(pb6, npb6, now, n), "the patient is unchanged");
    n = fx_save(a7, now, BLOB_MAX);
    CHECK(fx_same(a1, na1, now, n), "the payer is unchanged");
    mb_enrollee_free(a7);
    mb_enrollee_free(a6);
    mb_enrollee_free(p6);

    /* the patient's copy from before F1, with the payer that paid it: the payer's journal
     * holds F1's settlement id, so the claim is not paid twice through the payer's account */
    mb_enrollee *p4 = fx_restore(p0, np0), *a4 = fx_restore(a1, na1);
    mb_error_clear(err);
    CHECK_RC(mb_settle_family(r, chain, 1, p4, a4, MB_FAMILY_SPOUSE, f1, err), MB_E_STATE,
             "F1 again, from a patient saved before it");
    char want[160];
    snprintf(want, sizeof want, "settlement %s is already in the journal of the paying family "
                                "member 'A' (claim 'F1' of P, dated 20230310)", id);
    CHECK(strstr(mb_error_message(err), want) != NULL, "the message names the payer's entry");
    n = fx_save(p4, now, BLOB_MAX);
    CHECK(fx_same(p0, np0, now, n), "the patient is unchanged");
    n = fx_save(a4, now, BLOB_MAX);
    CHECK(fx_same(a1, na1, now, n), "the payer is unchanged");
    mb_enrollee_free(p4);
    mb_enrollee_free(a4);

    /* from this process, through the result handle */
    CHECK_RC(mb_settle_family(r, chain, 1, p, a, MB_FAMILY_SPOUSE, f1, err), MB_E_STATE,
             "F1 is settled already");
    mb_enrollee *p9 = fx_restore(p0, np0), *a9 = fx_restore(a0, na0);
    mb_result *r9 = fx_result();
    CHECK_RC(mb_settle_family(r9, chain, 1, p9, a9, MB_FAMILY_SPOUSE, f1, err), MB_OK, "F1 afresh");
    CHECK_RC(mb_reverse_family(p9, a9, r9, err), MB_OK, "reversed through its result");
    CHECK_RC(mb_reverse_family(p9, a9, r9, err), MB_E_STATE, "once");
    CHECK(strcmp(mb_error_message(err), "this settlement has already been reversed") == 0,
          "the result says it was reversed already");
    mb_result_free(r9);
    mb_enrollee_free(a9);
    mb_enrollee_free(p9);
    mb_claim_free(f1);
    mb_result_free(r);
    mb_enrollee_free(p);
    mb_enrollee_free(a);
}

/* ---- the journal, listed -------------------------------------------------------------------- */

static void listing(void)
{
    mb_enrollee *e = fx_enrollee("LS-1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(300));
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "designated");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    mb_result *r = fx_result();
    /* C1 1200: the account's 300 first, base 900, (900 - 500) x 70% = 280 (锡医保服务〔2020〕41号 三) */
    mb_claim *c = claim("C1", 20210201, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 1200, "糖尿病");
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "C1");
    mb_journal_entry j;
    CHECK_RC(mb_enrollee_journal(e, 0, &j), MB_OK, "the entry");
    CHECK(strcmp(j.setl_id, mb_result_setl_id(r)) == 0 && strcmp(j.claim_id, "C1") == 0 &&
              j.date == 20210201 && j.family == MB_JOURNAL_OWN && j.family_member[0] == '\0' &&
              j.acct_pay == YUAN(300) && j.family_pay == 0 && j.changes == 3,
          "its id, claim, date, account payment and three changes");
    const mb_ruleset *chain[1] = {wuxi};
    int found = 0;
    for (size_t k = 0; k < j.changes; k++) {
        mb_journal_change ch;
        CHECK_RC(mb_enrollee_journal_change(e, 0, k, chain, 1, &ch), MB_OK, "a change");
        found += strcmp(ch.ruleset_id, WUXI) == 0 && strcmp(ch.key, "chronic.base") == 0 &&
                 ch.period == 2021 && ch.kind == MB_CHANGE_ADDED && ch.amount == YUAN(900);
        found += strcmp(ch.ruleset_id, WUXI) == 0 && strcmp(ch.key, "chronic.paid") == 0 &&
                 ch.period == 2021 && ch.kind == MB_CHANGE_ADDED && ch.amount == YUAN(280);
        found += strcmp(ch.ruleset_id, "kind") == 0 && strcmp(ch.key, "chronic_outpatient") == 0 &&
                 ch.period == 2021 && ch.kind == MB_CHANGE_RAISED && ch.amount == 1 && ch.before == 0;
    }
    CHECK(found == 3, "base +900, paid +280, the benefit kind raised to 1, each named");
    mb_journal_change ch;
    CHECK_RC(mb_enrollee_journal_change(e, 0, 0, NULL, 0, &ch), MB_OK, "without a chain");
    CHECK(ch.key[0] == '\0' && ch.ruleset_id[0] == '\0', "the names are unknown");
    /* a chain with a gap (a NULL entry): the rulesets it has name the changes */
    const mb_ruleset *gap[2] = {NULL, wuxi};
    CHECK_RC(mb_enrollee_journal_change(e, 0, 0, gap, 2, &ch), MB_OK, "a chain with a gap");
    CHECK(strcmp(ch.ruleset_id, WUXI) == 0 && ch.key[0] != '\0', "named by the ruleset after the gap");
    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* ---- a blob of version 1 -------------------------------------------------------------------- */

/* tests/unit/data/enrollee-v1.blob was saved by libmedbenefit 1.0 (commit 7590c59, blob version
 * 1, before the journal): V1-老王, retired employee, account 300, designated H001, first visit
 * C01, 糖尿病 since 2021-01-05 and M03900 since 2021-12-15, low_income_margin in 2021; then
 *   W1 Wuxi chronic 2021-02-01 1200: the account's 300 first, base 900, (900 - 300) x 85% = 510
 *   J1 Jiaozuo chronic 2022-03-10 500 (M03900): 500 x 80% = 400; activity 2022-03-10 */
static void version_1(void)
{
    static unsigned char v1[BLOB_MAX], now[BLOB_MAX], again[BLOB_MAX];
    FILE *f = fopen(MB_SOURCE_ROOT "/tests/unit/data/enrollee-v1.blob", "rb");
    CHECK(f != NULL, "the committed version 1 blob opens");
    if (f == NULL)
        return;
    size_t n = fread(v1, 1, sizeof v1, f);
    fclose(f);
    CHECK(n > 16 && v1[4] == 1 && v1[5] == 0, "it is of version 1");
    mb_enrollee *e = fx_restore(v1, n);
    if (e == NULL)
        return;
    CHECK(strcmp(mb_enrollee_id(e), "V1-老王") == 0, "the id");
    CHECK(mb_enrollee_scheme(e) == MB_SCHEME_EMPLOYEE && mb_enrollee_person_type(e) == MB_PERSON_RETIRED,
          "scheme and person type");
    CHECK_FEN(mb_enrollee_account_balance(e), 0, "the account, used up by W1");
    CHECK(strcmp(mb_enrollee_designated_facility(e, 20210601), "H001") == 0 &&
              strcmp(mb_enrollee_first_visit_facility(e), "C01") == 0, "facilities");
    CHECK(mb_enrollee_disease_count(e) == 2 && mb_enrollee_assistance_count(e) == 1,
          "certifications and identity");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(900), "W1's base");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(510), "W1's payment");
    CHECK_FEN(mb_enrollee_accumulator(e, JIAOZUO, "disease.M03900.paid", 2022), YUAN(400), "J1's");
    CHECK_FEN(mb_enrollee_accumulator(e, JIAOZUO, "activity", 0), 20220310, "J1's activity");
    CHECK(mb_enrollee_journal_count(e) == 0 && mb_enrollee_journal_limit(e) == 32,
          "an empty journal of the default bound: 1.0 kept none");
    size_t m = fx_save(e, now, BLOB_MAX);
    CHECK(m > 16 && now[4] == 3, "it saves as the current version (3)");
    mb_enrollee *e2 = fx_restore(now, m);
    size_t m2 = fx_save(e2, again, BLOB_MAX);
    CHECK(fx_same(now, m, again, m2), "which restores and saves to the same bytes");
    /* and settles on: W2 2021-03-01 1000 x 85% = 850, reversed by id */
    mb_result *r = fx_result();
    mb_claim *c = claim("W2", 20210301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 1000, "糖尿病");
    CHECK_RC(fx_settle(r, wuxi, e2, c, err), MB_OK, "W2");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(850), "1000 x 85%");
    CHECK_RC(mb_reverse_id(e2, mb_result_setl_id(r), err), MB_OK, "reverse W2");
    m2 = fx_save(e2, again, BLOB_MAX);
    CHECK(fx_same(now, m, again, m2), "back to the restored state");
    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(e2);
    mb_enrollee_free(e);
}

/* ---- corrupt journals ----------------------------------------------------------------------- */

/* HB-J, in service, H001, 糖尿病, after C1 (Wuxi chronic 2021-02-01 1200, the account empty):
 * base 1200, (1200 - 500) x 70% = 490, the benefit kind raised; as the fields of its blob. */
static blob_fields journal_fields(void)
{
    uint64_t base = acc_key(WUXI, "chronic.base"), paid = acc_key(WUXI, "chronic.paid"),
             kind = acc_key("kind", "chronic_outpatient");
    blob_fields f = {
        .version = 3, .id = "HB-J", .scheme = MB_SCHEME_EMPLOYEE, .person = MB_PERSON_IN_SERVICE,
        .designated = "H001", .first_visit = "", .next_designated = "",
        .ndiseases = 1, .diseases = {{"糖尿病", 20210105, 0}},
        .naccs = 3, .accs = {{base, 2021, YUAN(1200)}, {paid, 2021, YUAN(490)}, {kind, 2021, 1}},
        .journal_limit = 32, .nentries = 1,
        .entries = {{.claim = "C1", .date = 20210201, .other = "", .nchanges = 3,
                     .changes = {{base, 2021, MB_CHANGE_ADDED, YUAN(1200), 0},
                                 {paid, 2021, MB_CHANGE_ADDED, YUAN(490), 0},
                                 {kind, 2021, MB_CHANGE_RAISED, 1, 0}}}},
    };
    qsort(f.accs, f.naccs, sizeof f.accs[0], cmp_blob_acc);
    return f;
}

#define CORRUPT(what, word, ...)                                                               \
    do {                                                                                       \
        blob_fields f = journal_fields();                                                      \
        __VA_ARGS__;                                                                           \
        size_t n_ = write_blob(&f, blob);                                                      \
        blob_expect_refused(err, blob, n_, what, word);                                        \
    } while (0)

static void corrupt_journals(void)
{
    static unsigned char blob[BLOB_MAX], theirs[BLOB_MAX];
    /* the fields are the library's own bytes */
    mb_enrollee *e = fx_enrollee("HB-J", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "designated");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    mb_result *r = fx_result();
    mb_claim *c = claim("C1", 20210201, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 1200, "糖尿病");
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "C1");
    size_t nt = fx_save(e, theirs, BLOB_MAX);
    blob_fields g = journal_fields();
    size_t nm = write_blob(&g, blob);
    CHECK(fx_same(blob, nm, theirs, nt), "the test writes the journal as mb_enrollee_save does");
    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(e);

    uint64_t base = acc_key(WUXI, "chronic.base"), act = acc_key(JIAOZUO, "activity");
    char long_id[65];
    memset(long_id, 'x', 64);
    long_id[64] = '\0';
    /* the bound and the count */
    CORRUPT("a journal limit of 4097", "journal limit", f.journal_limit = 4097);
    CORRUPT("more entries than the limit", "more than its limit", f.journal_limit = 0);
    {   /* a count above the entries there: the count sits just before the first entry */
        blob_fields f = journal_fields();
        f.nentries = 0;
        size_t count_at = write_blob(&f, blob) - 4 - 2;
        f.nentries = 1;
        size_t n = write_blob(&f, blob);
        blob[count_at] = 2;
        put_crc(blob, n);
        blob_expect_refused(err, blob, n, "a count of 2 for 1 entry", "journal");
    }
    /* each entry's fields, as settlement records them */
    CORRUPT("a claim id of 64 bytes", "claim id", f.entries[0].claim = long_id);
    CORRUPT("a claim id not UTF-8", "UTF-8", f.entries[0].claim = "C\xff");
    CORRUPT("an ordinal for a claim with an id", "ordinal", f.entries[0].ordinal = 1);
    CORRUPT("no ordinal for a claim without an id", "ordinal", f.entries[0].claim = "");
    CORRUPT("a claim date 2021-02-30", "date", f.entries[0].date = 20210230);
    CORRUPT("role 3", "role", f.entries[0].role = 3);
    CORRUPT("a negative account payment", "account", f.entries[0].account = -1);
    CORRUPT("an absurd account payment", "account", f.entries[0].account = INT64_C(100000000000001));
    CORRUPT("a family member of the enrollee's own id", "one id",
            (f.entries[0].role = 1, f.entries[0].other = "HB-J"));
    CORRUPT("a family member id not UTF-8", "UTF-8",
            (f.entries[0].role = 1, f.entries[0].other = "\xc0\xaf"));
    CORRUPT("the payer's side changing accumulators", "changes",
            (f.entries[0].role = 2, f.entries[0].other = "P"));
    CORRUPT("a resident paying from an account", "resident",
            (f.scheme = MB_SCHEME_RESIDENT, f.person = MB_PERSON_RESIDENT, f.entries[0].account = 1));
    /* the changes */
    CORRUPT("a change of key 0", "key 0", f.entries[0].changes[0].key = 0);
    CORRUPT("a change that neither adds nor raises", "neither", f.entries[0].changes[0].op = 3);
    CORRUPT("a sum added 0", "adds nothing", f.entries[0].changes[0].value = 0);
    CORRUPT("a sum added -1", "adds nothing", f.entries[0].changes[0].value = -1);
    CORRUPT("a sum in quarter 5", "journal change", f.entries[0].changes[0].period = 20215);
    CORRUPT("a sum at period 0", "journal change", f.entries[0].changes[0].period = 0);
    CORRUPT("a value raised to 0", "nothing", f.entries[0].changes[2].value = 0);
    CORRUPT("a date raised to 2021-13-01", "journal change", {
        f.accs[f.naccs++] = (blob_acc){act, 0, 20211201};
        f.entries[0].changes[f.entries[0].nchanges++] =
            (blob_change){act, 0, MB_CHANGE_RAISED, 20211301, 0};
        qsort(f.accs, f.naccs, sizeof f.accs[0], cmp_blob_acc);
    });
    CORRUPT("65 changes (a settlement makes at most 64)", "changes", f.entries[0].nchanges = 65);
    /* against the accumulators and the other entries */
    CORRUPT("a journal adding more than the accumulator holds", "more to the accumulator", {
        for (uint32_t i = 0; i < f.naccs; i++)
            if (f.accs[i].key == base)
                f.accs[i].value = YUAN(1199);
    });
    CORRUPT("an accumulator changed twice by one entry", "once",
            f.entries[0].changes[1] = f.entries[0].changes[0]);
    CORRUPT("an accumulator both summed and raised", "either summed or raised", {
        f.nentries = 2;
        f.entries[1] = (blob_entry){.claim = "C2", .date = 20210301, .other = "", .nchanges = 1,
                                    .changes = {{base, 2021, MB_CHANGE_RAISED, 1, 0}}};
    });
    CORRUPT("a raised value the accumulator does not hold", "largest value raised",
            f.entries[0].changes[2].before = 2);
    CORRUPT("the same claim twice", "twice", {
        f.nentries = 2;
        f.entries[1] = (blob_entry){.claim = "C1", .date = 20210301, .other = ""};
    });
    CORRUPT("a second entry that did not see the first's raise", "largest before it", {
        f.nentries = 2;
        f.entries[1] = (blob_entry){.claim = "C2", .date = 20210301, .other = "", .nchanges = 1,
                                    .changes = {{acc_key("kind", "chronic_outpatient"), 2021,
                                                 MB_CHANGE_RAISED, 1, 0}}};
    });
    /* a dropped settlement's amounts stay in the accumulators: less in the journal is fine */
    blob_fields ok = journal_fields();
    for (uint32_t i = 0; i < ok.naccs; i++)
        if (ok.accs[i].key == base)
            ok.accs[i].value = YUAN(5000);
    size_t n = write_blob(&ok, blob);
    mb_enrollee *x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, blob, n, err), MB_OK, "a base above what the journal added");
    mb_enrollee_free(x);
    /* a byte after the journal, the frame's length agreeing */
    ok = journal_fields();
    n = write_blob(&ok, blob);
    memmove(blob + n - 3, blob + n - 4, 4);
    blob[n - 4] = 0;
    n++;
    for (int i = 0; i < 4; i++)
        blob[8 + i] = (unsigned char)((n - 16) >> (8 * i));
    put_crc(blob, n);
    blob_expect_refused(err, blob, n, "a byte after the journal", "follow the journal");
}

/* The journal finds each settlement it keeps by its id through an index kept beside the ring:
 * as the ring grows, wraps, drops its oldest and gives up an entry reversed from its middle,
 * every claim it keeps is still recognised as settled. Wuxi, claims of 100 yuan in 2021 and
 * 2022 (the amounts do not matter here, only which claims the journal holds). */
static void journal_index(void)
{
    enum { LIMIT = 40, CLAIMS = 600 };
    mb_enrollee *e = fx_enrollee("IDX-1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_enrollee_set_designated_facility(e, "H001", err);
    mb_enrollee_add_disease(e, "糖尿病", 20200105, 0, err);
    CHECK_RC(mb_enrollee_set_journal_limit(e, LIMIT, err), MB_OK, "a journal of 40");
    mb_result *r = fx_result();
    uint64_t rng = 12;
    int kept[LIMIT], nkept = 0, wrong = 0, reversed = 0; /* the claims kept, oldest first */
    for (int i = 0; i < CLAIMS; i++) {
        char id[8];
        snprintf(id, sizeof id, "X%d", i);
        int32_t date = (2021 + i / 150) * 10000 + (1 + i % 150 / 13) * 100 + 1 + i % 13;
        mb_claim *c = claim(id, date, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 100, "糖尿病");
        wrong += fx_settle(r, wuxi, e, c, err) != MB_OK;
        mb_claim_free(c);
        if (nkept == LIMIT)
            memmove(kept, kept + 1, --nkept * sizeof *kept);
        kept[nkept++] = i;
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        if ((rng >> 33) % 24 == 0) { /* reverse one of those kept, found by its id */
            int k = (int)((rng >> 40) % (uint64_t)nkept);
            mb_journal_entry en;
            mb_enrollee_journal(e, (size_t)k, &en);
            char setl[32];
            snprintf(setl, sizeof setl, "%s", en.setl_id);
            wrong += mb_reverse_id(e, setl, err) != MB_OK;
            memmove(kept + k, kept + k + 1, (size_t)(nkept - k - 1) * sizeof *kept);
            nkept--;
            reversed++;
        }
        /* each claim kept is refused as settled already, found by its id */
        wrong += mb_enrollee_journal_count(e) != (size_t)nkept;
        for (int k = 0; k < nkept; k++) {
            snprintf(id, sizeof id, "X%d", kept[k]);
            mb_claim *again = claim(id, 20221231, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, 100,
                                    "糖尿病");
            wrong += fx_settle(r, wuxi, e, again, err) != MB_E_STATE;
            mb_claim_free(again);
        }
    }
    CHECK(reversed > 20, "reversals from the middle of the journal were made");
    CHECK(wrong == 0, "the journal finds every settlement it keeps");
    mb_result_free(r);
    mb_enrollee_free(e);
}

int main(void)
{
    err = mb_error_new();
    if (err == NULL)
        return 1;
    wuxi = fx_ruleset(WUXI);
    changzhou = fx_ruleset(CHANGZHOU);
    shanxi = fx_ruleset(SHANXI);
    jiaozuo = fx_ruleset(JIAOZUO);
    if (wuxi == NULL || changzhou == NULL || shanxi == NULL || jiaozuo == NULL)
        return check_summary();
    wuxi_cap();
    changzhou_bands();
    shanxi_stacking();
    jiaozuo_dates();
    repeated_claims();
    journal_limit();
    full_journal_latest();
    journal_index();
    family();
    listing();
    version_1();
    corrupt_journals();
    mb_ruleset_free(wuxi);
    mb_ruleset_free(changzhou);
    mb_ruleset_free(shanxi);
    mb_ruleset_free(jiaozuo);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
