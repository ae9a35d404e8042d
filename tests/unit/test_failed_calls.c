/*
 * A failed call changes nothing it was given (include/medbenefit.h, conventions).
 *
 * The test builds a world of handles as an integrator would: the six bundled rulesets;
 * enrollees with certified diseases, assistance identities, accounts, seeded accumulators,
 * a requested facility change and committed settlements (one paid from a family member's
 * account); claims of every kind with items; results after settlements. Its fingerprint is
 * everything the public API can observe of it:
 *
 *   ruleset   id, title, document, tier, assumptions, catalogue, criteria, accumulator keys;
 *   enrollee  the bytes mb_enrollee_save() writes, and every getter, including the state of
 *             each of its certifications under each ruleset;
 *   claim     mb_claim_id(), and its pre-settlement under fixed enrollees and chains (`probes`):
 *             a claim has few getters, so what it settles to is its state;
 *   result    every amount, fund row and trace step, covered and reason.
 *
 * `functions` below lists every public function that takes a handle, one row each, with the
 * bad calls it can get: NULL handles and pointers, unknown enum values, bad UTF-8, over-long
 * strings, bad dates, negative and absurd amounts, unknown diseases, rulesets in the wrong
 * order, a claim settled twice, a settlement id that is not one... Each bad call must fail with the status the header
 * documents, and the world's fingerprint is compared after every one; a failed call's
 * out-parameters are left alone too. The test reads the header and fails when a function that
 * takes a handle has no row, so a new function cannot be forgotten.
 *
 * At the end the good path still works: the settlements reverse, and the enrollees save to the
 * bytes they had before them.
 */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "fingerprint.h"
#include "fixtures.h"
#include "medbenefit.h"

#define MONEY_MAX INT64_C(100000000000000) /* 10^12 yuan: the header's "absurdly large" */

static mb_error *err;

/* ---- bad arguments ------------------------------------------------------------------------ */

static const char BAD_UTF8[] = "H\xff";          /* 0xff never appears in UTF-8 */
static const char CUT_UTF8[] = "H\xe4\xb8";      /* 中 cut short */
static const char SURROGATE[] = "H\xed\xa0\x80"; /* U+D800 encoded */
static const char OVERLONG[] = "H\xc0\xaf";      /* '/' in two bytes */
static char LONG[4096];                          /* 4095 bytes: longer than any field */
static const char *const SENTINEL = "untouched";

/* ---- the world ---------------------------------------------------------------------------- */

enum { WUXI, CHANGZHOU, JIAOZUO, SHANXI, ASSIST, CRITICAL, NRULESETS };
static const char *const ruleset_ids[NRULESETS] = {
    "wuxi-employee-chronic-2021", "changzhou-employee-outpatient-2023", "jiaozuo-chronic-2022",
    "shanxi-chronic-special-2025", "wuxi-medical-assistance-2023",
    "example-critical-illness-resident"};
static mb_ruleset *rs[NRULESETS];

static mb_enrollee *alice; /* Wuxi, in service: two diseases, an identity, an account, a seed,
                              a facility change for 2022, two chronic settlements */
static mb_enrollee *bob;   /* Changzhou, in service: pays his wife's share from his account */
static mb_enrollee *carol; /* Changzhou, in service: the patient of that family settlement */
static mb_enrollee *twin;  /* Changzhou: another handle with carol's id */
static mb_enrollee *dan;   /* Jiaozuo resident: two diseases certified, the most 97号 allows */
static mb_enrollee *erin;  /* resident, minimum-living assistance recipient */
static mb_enrollee *fay;   /* Shanxi resident: one side of an exclusive pair certified */
static mb_enrollee *full;  /* Wuxi: 16 certifications and 16 identities, every table full */
static mb_enrollee *rich;  /* Changzhou, retired: an account at the largest balance there is */

static mb_claim *c_chronic;    /* Wuxi chronic 糖尿病 at the designated H001: A, B and C items */
static mb_claim *c_cancer;     /* Jiaozuo chronic 恶性肿瘤, 药物维持治疗 (its own cap) */
static mb_claim *c_outpatient; /* Changzhou outpatient at secondary S01, referred */
static mb_claim *c_pharmacy;   /* Changzhou pharmacy, prescribed at the first-visit C01 */
static mb_claim *c_inpatient;  /* Wuxi assistance inpatient, basic settled upstream */
static mb_claim *c_family;     /* Changzhou outpatient at C01, paid by carol and bob */
static mb_claim *c_empty;      /* no line items, dated when Wuxi and Changzhou are in force */
static mb_claim *c_unknown;    /* Wuxi chronic for a disease no catalogue lists */
static mb_claim *c_noadmit;    /* inpatient without admission dates */
static mb_claim *c_overup;     /* upstream policy-scope cost above the claim's total */

static mb_result *r_first;  /* alice's first settlement: committed, no longer the latest */
static mb_result *r_latest; /* alice's latest settlement */
static mb_result *r_family; /* carol's claim, the rest paid from bob's account */
static mb_result *r_pre;    /* a pre-settlement: never committed */
static mb_result *r_fresh;  /* never used */

/* The saved bytes before the settlements, for the good path at the end. */
static unsigned char alice_before[BLOB_MAX], carol_before[BLOB_MAX], bob_before[BLOB_MAX];
static size_t alice_before_len, carol_before_len, bob_before_len;

/* Probes: a claim's fingerprint is its pre-settlement under these enrollees and chains. Each
 * setter is exercised on a claim whose probe sees what it sets. */
static mb_enrollee *p_wuxi, *p_jiaozuo, *p_changzhou, *p_assist_from, *p_assist_day;
static mb_result *p_result;
static const struct probe {
    mb_claim **claim;
    mb_enrollee **enrollee;
    int chain[3];
    size_t n;
    const char *why;
} probes[] = {
    {&c_chronic, &p_wuxi, {WUXI}, 1, "disease certified, account pays first (flags: no_account)"},
    {&c_cancer, &p_jiaozuo, {JIAOZUO}, 1, "the treatment line chooses the disease's cap"},
    {&c_outpatient, &p_changzhou, {CHANGZHOU}, 1, "referral sets the secondary ratio"},
    {&c_pharmacy, &p_changzhou, {CHANGZHOU}, 1, "the prescriber's facility and level set the ratio"},
    {&c_inpatient, &p_assist_from, {ASSIST}, 1, "identity from 07-10: covered iff discharged >= 07-10"},
    {&c_inpatient, &p_assist_day, {ASSIST}, 1, "identity on 06-28 (to 06-30): iff admitted <= 06-30"},
    {&c_family, &p_changzhou, {CHANGZHOU}, 1, "amounts"},
    {&c_empty, &p_wuxi, {WUXI}, 1, "refused: no items"},
    {&c_unknown, &p_wuxi, {WUXI}, 1, "refused: unknown disease"},
    {&c_noadmit, &p_assist_from, {ASSIST}, 1, "refused: no admission"},
    {&c_overup, &p_assist_from, {ASSIST}, 1, "refused: upstream above the total"},
};

/* ---- the fingerprint (fingerprint.h), and the claims' probes --------------------------------- */

static int presettle_probe(const struct probe *p, mb_error *e)
{
    const mb_ruleset *chain[3];
    for (size_t k = 0; k < p->n; k++)
        chain[k] = rs[p->chain[k]];
    return mb_presettle(p_result, chain, p->n, *p->enrollee, *p->claim, e);
}

static void print_claims(fingerprint *t)
{
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        const struct probe *p = &probes[i];
        mb_error *e = mb_error_new();
        int rc = presettle_probe(p, e);
        fp_put(t, "== claim %s, probe %zu (%s)\npresettle %s %s\n", mb_claim_id(*p->claim), i,
               p->why, mb_status_name(rc), mb_error_message(e));
        if (rc == MB_OK)
            fp_result(t, p_result);
        mb_error_free(e);
    }
}

static void print_world(fingerprint *t)
{
    t->len = 0;
    for (int k = 0; k < NRULESETS; k++)
        fp_ruleset(t, rs[k]);
    const struct {
        const char *name;
        mb_enrollee *e;
    } people[] = {{"alice", alice}, {"bob", bob}, {"carol", carol}, {"twin", twin}, {"dan", dan},
                  {"erin", erin}, {"fay", fay}, {"full", full}, {"rich", rich}};
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
        fp_enrollee(t, people[i].name, people[i].e, (const mb_ruleset *const *)rs, NRULESETS);
    print_claims(t);
    const struct {
        const char *name;
        mb_result *r;
    } results[] = {{"r_first", r_first}, {"r_latest", r_latest}, {"r_family", r_family},
                   {"r_pre", r_pre}, {"r_fresh", r_fresh}};
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
        fp_put(t, "== result %s\n", results[i].name);
        fp_result(t, results[i].r);
    }
}

/* ---- comparing ---------------------------------------------------------------------------- */

static fingerprint baseline, now;

/* The world is as the baseline has it; else report where it differs (once: the baseline moves
 * on, so that one bad call does not fail every later one). */
static void unchanged(const char *call, int line)
{
    print_world(&now);
    if (fp_same(&baseline, &now)) {
        check_passed++;
        return;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: FAIL a failed call changed what it was given: %s\n", __FILE__, line, call);
    fp_show_difference(&baseline, &now);
    fingerprint swap = baseline;
    baseline = now;
    now = swap;
}

static void expect_status(int got, int want, const char *call, int line)
{
    if (got == want) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "%s:%d: FAIL %s: expected %s, got %s%s%s\n", __FILE__, line, call,
                mb_status_name(want), mb_status_name(got), got == MB_OK ? "" : ": ",
                got == MB_OK ? "" : mb_error_message(err));
    }
}

/* A call that must fail with `want` and change nothing. */
#define BAD(want, call)                                                                        \
    do {                                                                                       \
        expect_status((call), (want), #call, __LINE__);                                        \
        unchanged(#call, __LINE__);                                                            \
    } while (0)

/* A getter given a bad argument reads the documented default (`cond`) and changes nothing. */
#define READS(cond)                                                                            \
    do {                                                                                       \
        CHECK(cond, "a bad argument reads the default");                                       \
        unchanged(#cond, __LINE__);                                                            \
    } while (0)

/* A call that returns nothing (a free of NULL) ignores a bad argument and changes nothing. */
#define IGNORED(call)                                                                          \
    do {                                                                                       \
        call;                                                                                  \
        unchanged(#call, __LINE__);                                                            \
    } while (0)

/* ---- building the world ------------------------------------------------------------------- */

static void ok(int rc, const char *what)
{
    if (rc != MB_OK) {
        fprintf(stderr, "setup: %s: %s: %s\n", what, mb_status_name(rc), mb_error_message(err));
        exit(1);
    }
}

static void build(void)
{
    for (int k = 0; k < NRULESETS; k++)
        if ((rs[k] = fx_ruleset(ruleset_ids[k])) == NULL)
            exit(1);
    const mb_ruleset *wuxi[] = {rs[WUXI]}, *changzhou[] = {rs[CHANGZHOU]};

    alice = fx_enrollee("ALICE", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(200));
    ok(mb_enrollee_set_designated_facility(alice, "H001", err), "designated");
    ok(mb_enrollee_set_first_visit_facility(alice, "C01", err), "first visit");
    ok(mb_enrollee_add_disease(alice, "糖尿病", 20210105, 0, err), "disease");
    ok(mb_enrollee_certify(alice, rs[WUXI], "M03900", 20210210, err), "certify");
    ok(mb_enrollee_add_assistance(alice, "low_income_margin", 20210101, 20211231, err), "identity");
    ok(mb_enrollee_seed_checked(alice, rs[WUXI], "chronic.base", 2021, YUAN(100), err), "seed");
    ok(mb_enrollee_request_facility_change(alice, rs[WUXI], 20211105, "H002", err), "change");
    alice_before_len = fx_save(alice, alice_before, BLOB_MAX);
    r_first = fx_result();
    r_latest = fx_result();
    mb_claim *c = fx_claim("A1", 20210301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, -1);
    ok(mb_claim_set_disease(c, "糖尿病", NULL, err), "disease");
    ok(mb_claim_add_item(c, YUAN(800), MB_CLASS_A, -1, err), "item");
    ok(mb_settle(r_first, wuxi, 1, alice, c, err), "first settlement");
    mb_claim_free(c);
    c = fx_claim("A2", 20210401, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, -1);
    ok(mb_claim_set_disease(c, "M03900", NULL, err), "disease");
    ok(mb_claim_add_item(c, YUAN(600), MB_CLASS_A, -1, err), "item");
    ok(mb_settle(r_latest, wuxi, 1, alice, c, err), "latest settlement");
    mb_claim_free(c);

    bob = fx_enrollee("BOB", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(1000));
    carol = fx_enrollee("CAROL", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(50));
    ok(mb_enrollee_set_first_visit_facility(carol, "C01", err), "first visit");
    twin = fx_enrollee("CAROL", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(70));
    c_family = fx_claim("F1", 20230301, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, -1);
    ok(mb_claim_add_item(c_family, YUAN(2000), MB_CLASS_A, -1, err), "item");
    carol_before_len = fx_save(carol, carol_before, BLOB_MAX);
    bob_before_len = fx_save(bob, bob_before, BLOB_MAX);
    r_family = fx_result();
    ok(mb_settle_family(r_family, changzhou, 1, carol, bob, MB_FAMILY_SPOUSE, c_family, err),
       "family settlement");

    dan = fx_enrollee("DAN", MB_SCHEME_RESIDENT, 0, 0);
    ok(mb_enrollee_certify(dan, rs[JIAOZUO], "恶性肿瘤", 20220110, err), "certify");
    ok(mb_enrollee_certify(dan, rs[JIAOZUO], "M01600", 20220110, err), "certify");
    ok(mb_enrollee_seed_checked(dan, rs[JIAOZUO], "disease.JZC01.药物维持治疗.paid", 2022,
                                YUAN(1000), err), "seed");
    erin = fx_enrollee("ERIN", MB_SCHEME_RESIDENT, 0, 0);
    ok(mb_enrollee_add_assistance(erin, "minimum_living", 20230101, 0, err), "identity");
    fay = fx_enrollee("FAY", MB_SCHEME_RESIDENT, 0, 0);
    ok(mb_enrollee_certify(fay, rs[SHANXI], "尿毒症透析", 20250501, err), "certify");
    full = fx_enrollee("FULL", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, 0);
    for (size_t i = 0; mb_enrollee_disease_count(full) < 16; i++) {
        const char *code = NULL;
        ok(mb_ruleset_disease(rs[WUXI], i, &code, NULL, NULL), "catalogue");
        ok(mb_enrollee_add_disease(full, code, 20210301, 0, err), "disease");
    }
    for (int i = 0; i < 16; i++)
        ok(mb_enrollee_add_assistance(full, "temporary_relief", (2021 + i) * 10000 + 101, 0, err),
           "identity");
    rich = fx_enrollee("RICH", MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED, MONEY_MAX);

    c_chronic = fx_claim("CHRONIC", 20210601, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, -1);
    ok(mb_claim_set_disease(c_chronic, "糖尿病", NULL, err), "disease");
    ok(mb_claim_add_item(c_chronic, YUAN(1000), MB_CLASS_A, -1, err), "item");
    ok(mb_claim_add_item(c_chronic, YUAN(200), MB_CLASS_B, -1, err), "item");
    ok(mb_claim_add_item(c_chronic, YUAN(100), MB_CLASS_B, 2000, err), "item");
    ok(mb_claim_add_item(c_chronic, YUAN(50), MB_CLASS_C, -1, err), "item");
    c_cancer = fx_claim("CANCER", 20220601, MB_MED_CHRONIC, "J01", MB_LEVEL_SECONDARY, -1);
    ok(mb_claim_set_disease(c_cancer, "恶性肿瘤", "药物维持治疗", err), "disease");
    ok(mb_claim_add_item(c_cancer, YUAN(6000), MB_CLASS_A, -1, err), "item");
    c_outpatient = fx_claim("OUT", 20230310, MB_MED_GENERAL_OUTPATIENT, "S01", MB_LEVEL_SECONDARY, -1);
    ok(mb_claim_set_flags(c_outpatient, MB_CLAIM_REFERRAL, err), "flags");
    ok(mb_claim_add_item(c_outpatient, YUAN(1500), MB_CLASS_A, -1, err), "item");
    c_pharmacy = fx_claim("PHARMACY", 20230320, MB_MED_PHARMACY, "P01", MB_LEVEL_PHARMACY, -1);
    ok(mb_claim_set_prescriber(c_pharmacy, "C01", MB_LEVEL_PRIMARY, err), "prescriber");
    ok(mb_claim_add_item(c_pharmacy, YUAN(1000), MB_CLASS_A, -1, err), "item");
    c_inpatient = fx_claim("INPATIENT", 20230710, MB_MED_INPATIENT, "W02", MB_LEVEL_TERTIARY, -1);
    ok(mb_claim_set_admission(c_inpatient, 20230628, 20230710, err), "admission");
    ok(mb_claim_add_item(c_inpatient, YUAN(20000), MB_CLASS_A, -1, err), "item");
    ok(mb_claim_set_upstream(c_inpatient, YUAN(20000), YUAN(14000), 0, err), "upstream");
    c_empty = fx_claim("EMPTY", 20230301, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY, -1);
    c_unknown = fx_claim("UNKNOWN", 20210601, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, -1);
    ok(mb_claim_set_disease(c_unknown, "感冒", NULL, err), "disease");
    ok(mb_claim_add_item(c_unknown, YUAN(100), MB_CLASS_A, -1, err), "item");
    c_noadmit = fx_claim("NOADMIT", 20230710, MB_MED_INPATIENT, "W02", MB_LEVEL_TERTIARY, -1);
    ok(mb_claim_add_item(c_noadmit, YUAN(100), MB_CLASS_A, -1, err), "item");
    c_overup = fx_claim("OVERUP", 20230710, MB_MED_GENERAL_OUTPATIENT, "W01", MB_LEVEL_PRIMARY, -1);
    ok(mb_claim_add_item(c_overup, YUAN(100), MB_CLASS_A, -1, err), "item");
    ok(mb_claim_set_upstream(c_overup, YUAN(200), YUAN(50), 0, err), "upstream");

    r_pre = fx_result();
    ok(mb_presettle(r_pre, wuxi, 1, alice, c_chronic, err), "presettle");
    r_fresh = fx_result();

    p_wuxi = fx_enrollee("P-WUXI", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(100));
    ok(mb_enrollee_set_designated_facility(p_wuxi, "H001", err), "designated");
    ok(mb_enrollee_add_disease(p_wuxi, "糖尿病", 20210105, 0, err), "disease");
    p_jiaozuo = fx_enrollee("P-JIAOZUO", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    ok(mb_enrollee_add_disease(p_jiaozuo, "恶性肿瘤", 20220110, 0, err), "disease");
    p_changzhou = fx_enrollee("P-CHANGZHOU", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(100));
    ok(mb_enrollee_set_first_visit_facility(p_changzhou, "C01", err), "first visit");
    p_assist_from = fx_enrollee("P-ASSIST-FROM", MB_SCHEME_RESIDENT, 0, 0);
    ok(mb_enrollee_add_assistance(p_assist_from, "minimum_living", 20230710, 0, err), "identity");
    p_assist_day = fx_enrollee("P-ASSIST-DAY", MB_SCHEME_RESIDENT, 0, 0);
    ok(mb_enrollee_add_assistance(p_assist_day, "minimum_living", 20230628, 20230628, err),
       "identity");
    p_result = fx_result();
}

/* What the probes see, worked out by hand: the fingerprint is only as good as they are. */
static void probes_see(void)
{
    /* c_chronic, Wuxi in service (41号 三): items 1000 A + 200 B + 100 B at 20% + 50 C;
     * first self-pay 200 x 10% + 100 x 20% = 40; policy scope 1350 - 50 - 40 = 1260; the
     * account (100) pays first (account: first): 1160; deductible 500; (1160 - 500) x 70% = 462 */
    CHECK_RC(presettle_probe(&probes[0], err), MB_OK, "c_chronic settles");
    CHECK(mb_result_covered(p_result) == 1, "c_chronic is covered: 糖尿病 is certified");
    CHECK_FEN(mb_result_amount(p_result, MB_AMT_PRESELFPAY), YUAN(40), "200 x 10% + 100 x 20%");
    CHECK_FEN(mb_result_amount(p_result, MB_AMT_HIFP_PAY), YUAN(462), "(1260 - 100 - 500) x 70%");
    /* c_cancer, Jiaozuo employee, 恶性肿瘤 药物维持治疗: 80% (assumed ratio), cap 3600 (附件):
     * 6000 x 80% = 4800, cut to 3600 */
    CHECK_RC(presettle_probe(&probes[1], err), MB_OK, "c_cancer settles");
    CHECK_FEN(mb_result_amount(p_result, MB_AMT_HIFP_PAY), YUAN(3600), "the line's cap: 3600");
    /* c_outpatient, Changzhou in service at secondary S01 with referral: (1500 - 600) x 70% =
     * 630 (91号 二（一）); without referral 20 points less */
    CHECK_RC(presettle_probe(&probes[2], err), MB_OK, "c_outpatient settles");
    CHECK_FEN(mb_result_amount(p_result, MB_AMT_HIFP_PAY), YUAN(630), "(1500 - 600) x 70%");
    /* c_pharmacy prescribed at the first-visit C01: (1000 - 600) x 80% = 320 */
    CHECK_RC(presettle_probe(&probes[3], err), MB_OK, "c_pharmacy settles");
    CHECK_FEN(mb_result_amount(p_result, MB_AMT_HIFP_PAY), YUAN(320), "(1000 - 600) x 80%");
    /* c_inpatient, minimum living (85%, 实施意见 四（六）) on some day of the admission:
     * (20000 - 14000) x 85% = 5100, under both probes */
    CHECK_RC(presettle_probe(&probes[4], err), MB_OK, "c_inpatient settles");
    CHECK_FEN(mb_result_amount(p_result, MB_AMT_MAF_PAY), YUAN(5100), "identity from discharge day");
    CHECK_RC(presettle_probe(&probes[5], err), MB_OK, "c_inpatient settles");
    CHECK_FEN(mb_result_amount(p_result, MB_AMT_MAF_PAY), YUAN(5100), "identity on admission day");
    CHECK_RC(presettle_probe(&probes[7], err), MB_E_INVALID_ARGUMENT, "c_empty has no items");
    CHECK_RC(presettle_probe(&probes[8], err), MB_E_UNKNOWN_DISEASE, "c_unknown's disease");
    CHECK_RC(presettle_probe(&probes[9], err), MB_E_INVALID_DATE, "c_noadmit's admission");
    CHECK_RC(presettle_probe(&probes[10], err), MB_E_INVALID_AMOUNT, "c_overup's upstream");
}

/* The fingerprint sees what each setter sets: another good value changes it, and setting the
 * value back restores it exactly. A failed call that half-applied would be seen. */
static fingerprint before_change;
#define SEEN(change, restore)                                                                  \
    do {                                                                                       \
        print_world(&before_change);                                                           \
        ok((change), #change);                                                                 \
        print_world(&now);                                                                     \
        CHECK(!fp_same(&before_change, &now), "the fingerprint sees " #change);              \
        ok((restore), #restore);                                                               \
        print_world(&now);                                                                     \
        CHECK(fp_same(&before_change, &now), #restore " restores it");                       \
    } while (0)

static void fingerprint_sees(void)
{
    SEEN(mb_claim_set_flags(c_chronic, MB_CLAIM_NO_ACCOUNT, err), mb_claim_set_flags(c_chronic, 0, err));
    SEEN(mb_claim_set_flags(c_outpatient, 0, err), mb_claim_set_flags(c_outpatient, MB_CLAIM_REFERRAL, err));
    SEEN(mb_claim_set_disease(c_chronic, "恶性肿瘤", NULL, err), mb_claim_set_disease(c_chronic, "糖尿病", NULL, err));
    SEEN(mb_claim_set_disease(c_cancer, "恶性肿瘤", "放化疗", err), mb_claim_set_disease(c_cancer, "恶性肿瘤", "药物维持治疗", err));
    SEEN(mb_claim_set_disease(c_cancer, NULL, NULL, err), mb_claim_set_disease(c_cancer, "恶性肿瘤", "药物维持治疗", err));
    SEEN(mb_claim_set_admission(c_inpatient, 20230628, 20230709, err), mb_claim_set_admission(c_inpatient, 20230628, 20230710, err));
    SEEN(mb_claim_set_admission(c_inpatient, 20230701, 20230710, err), mb_claim_set_admission(c_inpatient, 20230628, 20230710, err));
    SEEN(mb_claim_set_prescriber(c_pharmacy, "H002", MB_LEVEL_PRIMARY, err), mb_claim_set_prescriber(c_pharmacy, "C01", MB_LEVEL_PRIMARY, err));
    SEEN(mb_claim_set_upstream(c_inpatient, YUAN(20000), YUAN(15000), 0, err), mb_claim_set_upstream(c_inpatient, YUAN(20000), YUAN(14000), 0, err));
    int64_t balance = mb_enrollee_account_balance(alice);
    SEEN(mb_enrollee_set_account_balance(alice, balance + 1, err), mb_enrollee_set_account_balance(alice, balance, err));
    SEEN(mb_enrollee_set_designated_facility(alice, "H009", err), mb_enrollee_set_designated_facility(alice, "H001", err));
    int64_t base = mb_enrollee_accumulator(alice, ruleset_ids[WUXI], "chronic.base", 2021);
    SEEN(mb_enrollee_seed_checked(alice, rs[WUXI], "chronic.base", 2021, base + 1, err),
         mb_enrollee_seed_checked(alice, rs[WUXI], "chronic.base", 2021, base, err));
}

/* ---- the bad calls, one function per row -------------------------------------------------- */

#define CHAIN(...) ((const mb_ruleset *const[]){__VA_ARGS__})

/* errors */
static void bad_mb_error_free(void) { IGNORED(mb_error_free(NULL)); }
static void bad_mb_error_clear(void) { IGNORED(mb_error_clear(NULL)); }
static void bad_mb_error_status(void) { READS(mb_error_status(NULL) == MB_OK); }
static void bad_mb_error_message(void) { READS(strcmp(mb_error_message(NULL), "") == 0); }
static void bad_mb_error_file(void) { READS(strcmp(mb_error_file(NULL), "") == 0); }
static void bad_mb_error_line(void) { READS(mb_error_line(NULL) == 0); }
static void bad_mb_error_key(void) { READS(strcmp(mb_error_key(NULL), "") == 0); }

/* rulesets: immutable, and a failed read leaves its out-parameters alone */
static void bad_mb_ruleset_free(void) { IGNORED(mb_ruleset_free(NULL)); }
static void bad_mb_ruleset_id(void) { READS(strcmp(mb_ruleset_id(NULL), "") == 0); }
static void bad_mb_ruleset_title(void) { READS(strcmp(mb_ruleset_title(NULL), "") == 0); }
static void bad_mb_ruleset_document(void) { READS(strcmp(mb_ruleset_document(NULL), "") == 0); }
static void bad_mb_ruleset_tier(void) { READS(mb_ruleset_tier(NULL) == MB_E_INVALID_ARGUMENT); }
static void bad_mb_ruleset_assumption_count(void) { READS(mb_ruleset_assumption_count(NULL) == 0); }

static void bad_mb_ruleset_assumption(void)
{
    const char *where = SENTINEL, *reason = SENTINEL;
    size_t n = mb_ruleset_assumption_count(rs[JIAOZUO]);
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_assumption(NULL, 0, &where, &reason));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_assumption(rs[JIAOZUO], n, &where, &reason));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_assumption(rs[JIAOZUO], SIZE_MAX, &where, &reason));
    CHECK(where == SENTINEL && reason == SENTINEL, "a failed read writes nothing");
}

static void bad_mb_ruleset_disease_count(void) { READS(mb_ruleset_disease_count(NULL) == 0); }

static void bad_mb_ruleset_disease(void)
{
    const char *code = SENTINEL, *name = SENTINEL, *group = SENTINEL;
    size_t n = mb_ruleset_disease_count(rs[WUXI]);
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_disease(NULL, 0, &code, &name, &group));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_disease(rs[WUXI], n, &code, &name, &group));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_disease(rs[WUXI], SIZE_MAX, &code, &name, &group));
    CHECK(code == SENTINEL && name == SENTINEL && group == SENTINEL, "a failed read writes nothing");
}

static void bad_mb_ruleset_find_disease(void)
{
    size_t index = 12345;
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_find_disease(NULL, "糖尿病", &index, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_find_disease(rs[WUXI], NULL, &index, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_ruleset_find_disease(rs[WUXI], "感冒", &index, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_ruleset_find_disease(rs[WUXI], "", &index, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_ruleset_find_disease(rs[WUXI], BAD_UTF8, &index, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_ruleset_find_disease(rs[WUXI], LONG, &index, err));
    CHECK(index == 12345, "a failed lookup writes nothing");
}

static void bad_mb_assess(void)
{
    int certified = -1;
    const char *unmet = SENTINEL, *cite = SENTINEL;
    const char *const findings[] = {"1", "2"}, *const not_items[] = {"1", "99"},
                      *const with_null[] = {"1", NULL};
    const mb_ruleset *j = rs[JIAOZUO];
    const char *stroke = "急性脑血管疾病后遗症"; /* criteria: all(1, 2, any(3-6)) */
    BAD(MB_E_INVALID_ARGUMENT, mb_assess(NULL, stroke, findings, 2, &certified, &unmet, &cite, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_assess(j, NULL, findings, 2, &certified, &unmet, &cite, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_assess(j, stroke, findings, 2, NULL, &unmet, &cite, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_assess(j, stroke, NULL, 2, &certified, &unmet, &cite, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_assess(j, "感冒", findings, 2, &certified, &unmet, &cite, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_assess(j, BAD_UTF8, findings, 2, &certified, &unmet, &cite, err));
    BAD(MB_E_NOT_FOUND, mb_assess(rs[WUXI], "糖尿病", findings, 2, &certified, &unmet, &cite, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_assess(j, stroke, not_items, 2, &certified, &unmet, &cite, err));
    CHECK(strstr(mb_error_message(err), "'99'") != NULL, "the message names the finding");
    BAD(MB_E_INVALID_ARGUMENT, mb_assess(j, stroke, with_null, 2, &certified, &unmet, &cite, err));
    CHECK(strstr(mb_error_message(err), "finding 1 is NULL") != NULL,
          "the message says which finding is missing");
    CHECK(certified == -1 && unmet == SENTINEL && cite == SENTINEL, "a failed assessment writes nothing");
}

static void bad_mb_ruleset_criteria(void)
{
    const char *text_ = SENTINEL, *cite = SENTINEL;
    size_t items = 12345;
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_criteria(NULL, 0, &text_, &cite, &items));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_criteria(rs[JIAOZUO], mb_ruleset_disease_count(rs[JIAOZUO]), &text_, &cite, &items));
    BAD(MB_E_NOT_FOUND, mb_ruleset_criteria(rs[WUXI], 0, &text_, &cite, &items));
    CHECK(text_ == SENTINEL && cite == SENTINEL && items == 12345, "a failed read writes nothing");
}

static void bad_mb_ruleset_criteria_item(void)
{
    const char *number = SENTINEL, *text_ = SENTINEL;
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_criteria_item(NULL, 0, 0, &number, &text_));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_criteria_item(rs[JIAOZUO], 0, 9999, &number, &text_));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_criteria_item(rs[JIAOZUO], 9999, 0, &number, &text_));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_criteria_item(rs[WUXI], 0, 0, &number, &text_));
    CHECK(number == SENTINEL && text_ == SENTINEL, "a failed read writes nothing");
}

static void bad_mb_ruleset_accumulator_count(void) { READS(mb_ruleset_accumulator_count(NULL) == 0); }

static void bad_mb_ruleset_accumulator(void)
{
    const char *key = SENTINEL;
    int kind = -1;
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_accumulator(NULL, 0, &key, &kind));
    BAD(MB_E_INVALID_ARGUMENT, mb_ruleset_accumulator(rs[WUXI], mb_ruleset_accumulator_count(rs[WUXI]), &key, &kind));
    CHECK(key == SENTINEL && kind == -1, "a failed read writes nothing");
}

static void bad_mb_account_accrual(void)
{
    int64_t accrual = -7;
    const mb_ruleset *cz = rs[CHANGZHOU];
    BAD(MB_E_INVALID_ARGUMENT, mb_account_accrual(NULL, MB_PERSON_IN_SERVICE, 20230315, YUAN(8000), &accrual, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_account_accrual(cz, MB_PERSON_IN_SERVICE, 20230315, YUAN(8000), NULL, err));
    BAD(MB_E_UNKNOWN_CODE, mb_account_accrual(cz, 0, 20230315, YUAN(8000), &accrual, err));
    BAD(MB_E_UNKNOWN_CODE, mb_account_accrual(cz, 99, 20230315, YUAN(8000), &accrual, err));
    BAD(MB_E_INVALID_DATE, mb_account_accrual(cz, MB_PERSON_IN_SERVICE, 20230230, YUAN(8000), &accrual, err));
    BAD(MB_E_INVALID_AMOUNT, mb_account_accrual(cz, MB_PERSON_IN_SERVICE, 20230315, -1, &accrual, err));
    BAD(MB_E_INVALID_AMOUNT, mb_account_accrual(cz, MB_PERSON_IN_SERVICE, 20230315, INT64_MAX, &accrual, err));
    BAD(MB_E_NOT_FOUND, mb_account_accrual(rs[WUXI], MB_PERSON_IN_SERVICE, 20210315, YUAN(8000), &accrual, err));
    BAD(MB_E_NOT_FOUND, mb_account_accrual(cz, MB_PERSON_IN_SERVICE, 20221215, YUAN(8000), &accrual, err));
    CHECK(accrual == -7, "a failed accrual writes nothing");
}

/* enrollees: getters */
static void bad_mb_enrollee_free(void) { IGNORED(mb_enrollee_free(NULL)); }
static void bad_mb_enrollee_id(void) { READS(strcmp(mb_enrollee_id(NULL), "") == 0); }
static void bad_mb_enrollee_scheme(void) { READS(mb_enrollee_scheme(NULL) == MB_E_INVALID_ARGUMENT); }
static void bad_mb_enrollee_person_type(void) { READS(mb_enrollee_person_type(NULL) == MB_E_INVALID_ARGUMENT); }
static void bad_mb_enrollee_designated_facility(void)
{
    READS(strcmp(mb_enrollee_designated_facility(NULL, 20210601), "") == 0);
    READS(strcmp(mb_enrollee_designated_facility(alice, -1), "H001") == 0);
}
static void bad_mb_enrollee_first_visit_facility(void) { READS(strcmp(mb_enrollee_first_visit_facility(NULL), "") == 0); }
static void bad_mb_enrollee_disease_count(void) { READS(mb_enrollee_disease_count(NULL) == 0); }

static void bad_mb_enrollee_disease(void)
{
    const char *name = SENTINEL;
    int32_t on = -7, until = -7;
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_disease(NULL, 0, &name, &on, &until));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_disease(alice, 2, &name, &on, &until));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_disease(alice, SIZE_MAX, &name, &on, &until));
    CHECK(name == SENTINEL && on == -7 && until == -7, "a failed read writes nothing");
}

static void bad_mb_enrollee_assistance_count(void) { READS(mb_enrollee_assistance_count(NULL) == 0); }

static void bad_mb_enrollee_assistance(void)
{
    const char *category = SENTINEL;
    int32_t from = -7, to = -7;
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_assistance(NULL, 0, &category, &from, &to));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_assistance(alice, 1, &category, &from, &to));
    CHECK(category == SENTINEL && from == -7 && to == -7, "a failed read writes nothing");
}

static void bad_mb_enrollee_account_balance(void) { READS(mb_enrollee_account_balance(NULL) == 0); }

static void bad_mb_enrollee_accumulator(void)
{
    READS(mb_enrollee_accumulator(NULL, ruleset_ids[WUXI], "chronic.base", 2021) == 0);
    READS(mb_enrollee_accumulator(alice, NULL, "chronic.base", 2021) == 0);
    READS(mb_enrollee_accumulator(alice, ruleset_ids[WUXI], NULL, 2021) == 0);
    READS(mb_enrollee_accumulator(alice, ruleset_ids[WUXI], BAD_UTF8, 2021) == 0);
}

static void bad_mb_enrollee_accumulator_checked(void)
{
    int64_t fen = -7;
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_accumulator_checked(NULL, rs[WUXI], "chronic.base", 2021, &fen, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_accumulator_checked(alice, NULL, "chronic.base", 2021, &fen, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_accumulator_checked(alice, rs[WUXI], "chronic.base", 2021, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_accumulator_checked(alice, rs[WUXI], NULL, 2021, &fen, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_accumulator_checked(alice, rs[WUXI], BAD_UTF8, 2021, &fen, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_accumulator_checked(alice, rs[WUXI], "chronc.base", 2021, &fen, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_accumulator_checked(alice, rs[WUXI], "chronic.base", 20215, &fen, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_accumulator_checked(alice, rs[WUXI], "chronic.base", 20212, &fen, err));
    CHECK(fen == -7, "a failed read writes nothing");
}

static void bad_mb_enrollee_status(void)
{
    int state = -7;
    int32_t since = -7;
    const char *cite = SENTINEL;
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_status(NULL, rs[WUXI], "糖尿病", 20210601, &state, &since, &cite, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_status(alice, NULL, "糖尿病", 20210601, &state, &since, &cite, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_status(alice, rs[WUXI], NULL, 20210601, &state, &since, &cite, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_status(alice, rs[WUXI], "糖尿病", 20210601, NULL, &since, &cite, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_enrollee_status(alice, rs[WUXI], "感冒", 20210601, &state, &since, &cite, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_enrollee_status(alice, rs[WUXI], BAD_UTF8, 20210601, &state, &since, &cite, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_status(alice, rs[WUXI], "糖尿病", 20210631, &state, &since, &cite, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_status(alice, rs[WUXI], "糖尿病", 0, &state, &since, &cite, err));
    CHECK(state == -7 && since == -7 && cite == SENTINEL, "a failed read writes nothing");
}

static void bad_mb_enrollee_save(void)
{
    static unsigned char buf[BLOB_MAX];
    size_t len = 12345;
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_save(NULL, buf, sizeof buf, &len, err));
    CHECK(len == 12345, "a refused save writes no length");
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_save(alice, buf, sizeof buf, NULL, err));
    /* too small a buffer: the size needed is returned, the buffer is left as it was */
    memset(buf, 0xa5, sizeof buf);
    BAD(MB_E_BUFFER, mb_enrollee_save(alice, NULL, 0, &len, err));
    size_t need = len;
    BAD(MB_E_BUFFER, mb_enrollee_save(alice, buf, need - 1, &len, err));
    CHECK(len == need, "the size needed, again");
    size_t touched = 0;
    for (size_t i = 0; i < sizeof buf; i++)
        touched += buf[i] != 0xa5;
    CHECK(touched == 0, "a buffer too small is left as it was");
}

/* enrollees: setters */
static void bad_mb_enrollee_set_account_balance(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_set_account_balance(NULL, YUAN(1), err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_set_account_balance(alice, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_set_account_balance(alice, INT64_MIN, err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_set_account_balance(alice, MONEY_MAX + 1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_set_account_balance(alice, INT64_MAX, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_set_account_balance(erin, YUAN(1), err));
}

static void bad_facility(int (*set)(mb_enrollee *, const char *, mb_error *), const char *what)
{
    const struct {
        mb_enrollee *e;
        const char *id, *why;
    } cases[] = {{NULL, "H009", "no enrollee"}, {alice, BAD_UTF8, "0xff"},
                 {alice, CUT_UTF8, "a character cut short"}, {alice, SURROGATE, "a surrogate"},
                 {alice, OVERLONG, "an overlong encoding"}, {alice, LONG, "4095 bytes"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char call[160];
        snprintf(call, sizeof call, "%s: %s", what, cases[i].why);
        expect_status(set(cases[i].e, cases[i].id, err), MB_E_INVALID_ARGUMENT, call, __LINE__);
        unchanged(call, __LINE__);
    }
}
static void bad_mb_enrollee_set_designated_facility(void) { bad_facility(mb_enrollee_set_designated_facility, "mb_enrollee_set_designated_facility"); }
static void bad_mb_enrollee_set_first_visit_facility(void) { bad_facility(mb_enrollee_set_first_visit_facility, "mb_enrollee_set_first_visit_facility"); }

static void bad_mb_enrollee_add_disease(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_disease(NULL, "肝硬化", 20210301, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_disease(alice, NULL, 20210301, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_disease(alice, "", 20210301, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_disease(alice, BAD_UTF8, 20210301, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_disease(alice, CUT_UTF8, 20210301, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_disease(alice, LONG, 20210301, 0, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_disease(alice, "肝硬化", 20210230, 0, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_disease(alice, "肝硬化", 0, 0, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_disease(alice, "肝硬化", 18991231, 0, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_disease(alice, "肝硬化", 20210301, 20210228, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_disease(alice, "肝硬化", 20210301, 20211301, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_disease(alice, "糖尿病", 20210105, 0, err));
    BAD(MB_E_CAPACITY, mb_enrollee_add_disease(full, "肝硬化", 20210301, 0, err));
}

static void bad_mb_enrollee_add_assistance(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_assistance(NULL, "orphan", 20210101, 0, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_add_assistance(alice, NULL, 20210101, 0, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_add_assistance(alice, "rich", 20210101, 0, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_add_assistance(alice, BAD_UTF8, 20210101, 0, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_add_assistance(alice, LONG, 20210101, 0, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_assistance(alice, "orphan", 20210230, 0, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_assistance(alice, "orphan", 20210301, 20210201, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_assistance(alice, "orphan", 20210301, 20219999, err));
    BAD(MB_E_CAPACITY, mb_enrollee_add_assistance(full, "orphan", 20210101, 0, err));
}

static void bad_mb_enrollee_add_identity(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_identity(NULL, rs[WUXI], "orphan", 20210101, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_identity(alice, NULL, "orphan", 20210101, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_identity(alice, rs[WUXI], NULL, 20210101, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_add_identity(alice, rs[WUXI], BAD_UTF8, 20210101, 0, err));
    /* no group of 41号 names it */
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_add_identity(alice, rs[WUXI], "返贫致贫人口", 20210101, 0, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_add_identity(alice, rs[WUXI], LONG, 20210101, 0, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_identity(alice, rs[WUXI], "orphan", 20210230, 0, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_add_identity(alice, rs[WUXI], "特困人员", 20210301, 20210201, err));
    BAD(MB_E_CAPACITY, mb_enrollee_add_identity(full, rs[WUXI], "orphan", 20210101, 0, err));
}

static void bad_mb_enrollee_set_birth_date(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_set_birth_date(NULL, 19600101, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_set_birth_date(alice, 19600230, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_set_birth_date(alice, -1, err));
}

static void bad_mb_enrollee_birth_date(void) { READS(mb_enrollee_birth_date(NULL) == 0); }

static void bad_mb_enrollee_certify(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_certify(NULL, rs[WUXI], "肝硬化", 20210301, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_certify(alice, NULL, "肝硬化", 20210301, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_certify(alice, rs[WUXI], NULL, 20210301, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_enrollee_certify(alice, rs[WUXI], "感冒", 20210301, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_enrollee_certify(alice, rs[WUXI], BAD_UTF8, 20210301, err));
    BAD(MB_E_UNKNOWN_DISEASE, mb_enrollee_certify(alice, rs[WUXI], LONG, 20210301, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_certify(alice, rs[WUXI], "肝硬化", 20210229, err));
    /* the same certification again, on the same day */
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_certify(alice, rs[WUXI], "糖尿病", 20210105, err));
    /* 焦医保〔2021〕97号 一（三）: two diseases at most */
    BAD(MB_E_NOT_ELIGIBLE, mb_enrollee_certify(dan, rs[JIAOZUO], "肝硬化", 20220301, err));
    /* Shanxi's exclusive pair: 尿毒症透析 and 器官移植抗排异治疗（肾移植） */
    BAD(MB_E_NOT_ELIGIBLE, mb_enrollee_certify(fay, rs[SHANXI], "器官移植抗排异治疗（肾移植）", 20250601, err));
    BAD(MB_E_CAPACITY, mb_enrollee_certify(full, rs[WUXI], "WXC26", 20210301, err));
}

static void bad_mb_enrollee_request_facility_change(void)
{
    const mb_ruleset *w = rs[WUXI];
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(NULL, w, 20211110, "H003", err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(alice, NULL, 20211110, "H003", err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(alice, w, 20211110, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(alice, w, 20211110, "", err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(alice, w, 20211110, LONG, err));
    /* in the change window (41号 四.2: 11-01 to 12-20) and out of it, and without a window */
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(alice, w, 20211110, BAD_UTF8, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(alice, w, 20211110, CUT_UTF8, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(alice, w, 20210615, BAD_UTF8, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_request_facility_change(alice, rs[CHANGZHOU], 20230615, BAD_UTF8, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_request_facility_change(alice, w, 20211131, "H003", err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_request_facility_change(alice, w, 0, "H003", err));
    BAD(MB_E_NOT_ELIGIBLE, mb_enrollee_request_facility_change(alice, w, 20210615, "H003", err));
    BAD(MB_E_NOT_ELIGIBLE, mb_enrollee_request_facility_change(alice, w, 20211221, "H003", err));
}

static void bad_mb_enrollee_seed(void)
{
    const char *w = ruleset_ids[WUXI];
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed(NULL, w, "chronic.paid", 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed(alice, NULL, "chronic.paid", 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed(alice, "", "chronic.paid", 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed(alice, BAD_UTF8, "chronic.paid", 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed(alice, w, NULL, 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed(alice, w, "", 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed(alice, w, "chronic\xff.paid", 2021, YUAN(1), err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_seed(alice, w, "chronic", 2021, YUAN(1), err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_seed(alice, w, "chronic.paid", 20215, YUAN(1), err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_seed(alice, w, "chronic.paid", 0, YUAN(1), err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_seed(alice, w, "chronic.paid", 2021, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_seed(alice, w, "chronic.paid", 2021, INT64_MAX, err));
}

static void bad_mb_enrollee_seed_checked(void)
{
    const mb_ruleset *w = rs[WUXI];
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed_checked(NULL, w, "chronic.paid", 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed_checked(alice, NULL, "chronic.paid", 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed_checked(alice, w, NULL, 2021, YUAN(1), err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_seed_checked(alice, w, "chronic\xff.paid", 2021, YUAN(1), err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_seed_checked(alice, w, "chronc.paid", 2021, YUAN(1), err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_seed_checked(alice, w, LONG, 2021, YUAN(1), err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_seed_checked(alice, w, "chronic.paid", 20212, YUAN(1), err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_seed_checked(alice, w, "chronic.paid", 2020, YUAN(1), err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_seed_checked(alice, w, "chronic.paid", 2021, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_seed_checked(alice, w, "chronic.paid", 2021, MONEY_MAX + 1, err));
}

static void bad_mb_enrollee_reserve(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_reserve(NULL, 16, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_reserve(alice, SIZE_MAX, err));
}

static void bad_mb_enrollee_reserve_for(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_reserve_for(NULL, CHAIN(rs[WUXI]), 1, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_reserve_for(alice, NULL, 1, err));
    BAD(MB_E_CHAIN, mb_enrollee_reserve_for(alice, CHAIN(rs[WUXI]), 0, err));
    BAD(MB_E_CHAIN, mb_enrollee_reserve_for(alice, CHAIN(rs[WUXI]), 9, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_reserve_for(alice, CHAIN(rs[WUXI], NULL), 2, err));
    BAD(MB_E_CHAIN, mb_enrollee_reserve_for(alice, CHAIN(rs[ASSIST], rs[CRITICAL]), 2, err));
}

static void bad_mb_enrollee_accrue(void)
{
    int64_t credited = -7;
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_accrue(NULL, rs[CHANGZHOU], 20230315, YUAN(8000), &credited, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_accrue(bob, NULL, 20230315, YUAN(8000), &credited, err));
    BAD(MB_E_INVALID_DATE, mb_enrollee_accrue(bob, rs[CHANGZHOU], 20230229, YUAN(8000), &credited, err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_accrue(bob, rs[CHANGZHOU], 20230315, -1, &credited, err));
    BAD(MB_E_INVALID_AMOUNT, mb_enrollee_accrue(bob, rs[CHANGZHOU], 20230315, INT64_MAX, &credited, err));
    BAD(MB_E_NOT_FOUND, mb_enrollee_accrue(alice, rs[WUXI], 20210315, YUAN(8000), &credited, err));
    BAD(MB_E_NOT_FOUND, mb_enrollee_accrue(bob, rs[CHANGZHOU], 20221215, YUAN(8000), &credited, err));
    /* 常政办发〔2022〕91号 二（二）: the retired get 100% of the base; on the largest balance the
     * sum would exceed 10^12 yuan */
    BAD(MB_E_OVERFLOW, mb_enrollee_accrue(rich, rs[CHANGZHOU], 20230315, YUAN(300), &credited, err));
    CHECK(credited == -7, "a failed accrual credits nothing");
}

/* constructors: a failure leaves *out NULL and nothing else changed */
static void bad_mb_enrollee_new(void)
{
    mb_enrollee *e = (mb_enrollee *)&e;
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_new(NULL, "X", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_new(&e, "X", 0, MB_PERSON_IN_SERVICE, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_new(&e, "X", MB_SCHEME_EMPLOYEE, 0, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_new(&e, "X", MB_SCHEME_EMPLOYEE, MB_PERSON_RESIDENT, err));
    BAD(MB_E_UNKNOWN_CODE, mb_enrollee_new(&e, "X", MB_SCHEME_RESIDENT, MB_PERSON_RETIRED, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_new(&e, BAD_UTF8, MB_SCHEME_RESIDENT, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_new(&e, LONG, MB_SCHEME_RESIDENT, 0, err));
    CHECK(e == NULL, "a failed constructor leaves *out NULL");
}

static void bad_mb_enrollee_restore(void)
{
    static unsigned char blob[BLOB_MAX], copy[BLOB_MAX];
    size_t len = fx_save(alice, blob, BLOB_MAX);
    CHECK(len > 0, "alice saves");
    memcpy(copy, blob, len);
    mb_enrollee *e = (mb_enrollee *)&e;
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_restore(NULL, blob, len, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_restore(&e, NULL, len, err));
    BAD(MB_E_CORRUPT, mb_enrollee_restore(&e, blob, len - 1, err));
    BAD(MB_E_CORRUPT, mb_enrollee_restore(&e, blob, 3, err));
    blob[len / 2] ^= 1;
    BAD(MB_E_CORRUPT, mb_enrollee_restore(&e, blob, len, err));
    blob[len / 2] ^= 1;
    CHECK(e == NULL, "a failed restore leaves *out NULL");
    CHECK(memcmp(blob, copy, len) == 0, "and reads the blob only");
}

static void bad_mb_claim_new(void)
{
    mb_claim *c = (mb_claim *)&c;
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_new(NULL, "X", 20210601, MB_MED_CHRONIC, "H001", MB_LEVEL_PRIMARY, err));
    BAD(MB_E_INVALID_DATE, mb_claim_new(&c, "X", 20210631, MB_MED_CHRONIC, "H001", MB_LEVEL_PRIMARY, err));
    BAD(MB_E_UNKNOWN_CODE, mb_claim_new(&c, "X", 20210601, 12, "H001", MB_LEVEL_PRIMARY, err));
    BAD(MB_E_UNKNOWN_CODE, mb_claim_new(&c, "X", 20210601, MB_MED_CHRONIC, "H001", 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_new(&c, BAD_UTF8, 20210601, MB_MED_CHRONIC, "H001", MB_LEVEL_PRIMARY, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_new(&c, "X", 20210601, MB_MED_CHRONIC, LONG, MB_LEVEL_PRIMARY, err));
    CHECK(c == NULL, "a failed constructor leaves *out NULL");
}

static void bad_mb_result_new(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_result_new(NULL, err));
}

/* claims */
static void bad_mb_claim_free(void) { IGNORED(mb_claim_free(NULL)); }
static void bad_mb_claim_id(void) { READS(strcmp(mb_claim_id(NULL), "") == 0); }

static void bad_mb_claim_set_flags(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_flags(NULL, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_flags(c_outpatient, 0x40u, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_flags(c_outpatient, UINT_MAX, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_flags(c_chronic, MB_CLAIM_NO_ACCOUNT | 0x80u, err));
}

static void bad_mb_claim_set_disease(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_disease(NULL, "糖尿病", NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_disease(c_chronic, BAD_UTF8, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_disease(c_chronic, LONG, NULL, err));
    /* issue 9: a good disease with a bad treatment line must not replace the disease */
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_disease(c_chronic, "恶性肿瘤", BAD_UTF8, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_disease(c_chronic, "恶性肿瘤", LONG, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_disease(c_cancer, "糖尿病", CUT_UTF8, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_disease(c_cancer, NULL, SURROGATE, err));
}

static void bad_mb_claim_set_facility_category(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_facility_category(NULL, "community", err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_facility_category(c_outpatient, BAD_UTF8, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_facility_category(c_outpatient, LONG, err));
}

static void bad_mb_claim_set_admission(void)
{
    /* each pair would change a probe's coverage were it applied (see `probes`) */
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_admission(NULL, 20230628, 20230710, err));
    BAD(MB_E_INVALID_DATE, mb_claim_set_admission(c_inpatient, 20230230, 20230705, err));
    BAD(MB_E_INVALID_DATE, mb_claim_set_admission(c_inpatient, 20230701, 20230732, err));
    BAD(MB_E_INVALID_DATE, mb_claim_set_admission(c_inpatient, 0, 0, err));
    BAD(MB_E_INVALID_DATE, mb_claim_set_admission(c_inpatient, 20230708, 20230701, err));
    BAD(MB_E_INVALID_DATE, mb_claim_set_admission(c_inpatient, 20230711, 20230712, err));
    /* the header: admitted <= discharged <= the claim's date */
    BAD(MB_E_INVALID_DATE, mb_claim_set_admission(c_inpatient, 20230705, 20230711, err));
}

static void bad_mb_claim_set_prescriber(void)
{
    /* each would change the ratio were it applied: H002 is not the first-visit facility */
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_prescriber(NULL, "C01", MB_LEVEL_PRIMARY, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_prescriber(c_pharmacy, NULL, MB_LEVEL_PRIMARY, err));
    BAD(MB_E_UNKNOWN_CODE, mb_claim_set_prescriber(c_pharmacy, "H002", 0, err));
    BAD(MB_E_UNKNOWN_CODE, mb_claim_set_prescriber(c_pharmacy, "H002", MB_LEVEL_PHARMACY, err));
    BAD(MB_E_UNKNOWN_CODE, mb_claim_set_prescriber(c_pharmacy, "H002", 99, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_prescriber(c_pharmacy, BAD_UTF8, MB_LEVEL_TERTIARY, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_prescriber(c_pharmacy, LONG, MB_LEVEL_TERTIARY, err));
}

static void bad_mb_claim_add_item(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_add_item(NULL, YUAN(1), MB_CLASS_A, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_add_item(c_chronic, -1, MB_CLASS_A, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_add_item(c_chronic, INT64_MIN, MB_CLASS_A, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_add_item(c_chronic, MONEY_MAX + 1, MB_CLASS_A, -1, err));
    BAD(MB_E_UNKNOWN_CODE, mb_claim_add_item(c_chronic, YUAN(1), 0, -1, err));
    BAD(MB_E_UNKNOWN_CODE, mb_claim_add_item(c_chronic, YUAN(1), 4, -1, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_add_item(c_chronic, YUAN(1), MB_CLASS_B, -2, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_add_item(c_chronic, YUAN(1), MB_CLASS_B, 10001, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_add_item(c_chronic, YUAN(1), MB_CLASS_A, 1000, err));
    BAD(MB_E_OVERFLOW, mb_claim_add_item(c_chronic, MONEY_MAX, MB_CLASS_C, -1, err));
}

static void bad_mb_claim_set_upstream(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_upstream(NULL, YUAN(100), 0, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream(c_inpatient, -1, 0, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream(c_inpatient, YUAN(100), -1, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream(c_inpatient, YUAN(100), 0, -2, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream(c_inpatient, YUAN(100), YUAN(80), YUAN(30), err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream(c_inpatient, MONEY_MAX + 1, 0, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream(c_inpatient, YUAN(100), MONEY_MAX + 1, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream(c_inpatient, YUAN(100), 0, MONEY_MAX + 1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream(c_inpatient, INT64_MAX, INT64_MAX, INT64_MAX, err));
}

static void bad_mb_claim_set_upstream_assistance(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_upstream_assistance(NULL, YUAN(100), err));
    /* no upstream amounts to pay it from */
    BAD(MB_E_INVALID_ARGUMENT, mb_claim_set_upstream_assistance(c_empty, YUAN(100), err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream_assistance(c_inpatient, -1, err));
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream_assistance(c_inpatient, MONEY_MAX + 1, err));
    /* 14000 basic + 6000.01 > the 20000 policy-scope cost */
    BAD(MB_E_INVALID_AMOUNT, mb_claim_set_upstream_assistance(c_inpatient, YUAN(6000) + 1, err));
}

/* settlement: every way a chain, an enrollee or a claim can be wrong, whichever call settles */
typedef int settle_fn(mb_result *, const mb_ruleset *const *, size_t, mb_enrollee *,
                      const mb_claim *, mb_error *);

static void bad_settlements(settle_fn *settle, mb_result *r, const mb_ruleset *basic,
                            mb_enrollee *patient, const mb_claim *good, const char *what)
{
    struct {
        int want;
        const mb_ruleset *const *chain;
        size_t n;
        mb_enrollee *e;
        const mb_claim *c;
        const char *why;
    } cases[] = {
        {MB_E_INVALID_ARGUMENT, NULL, 1, patient, good, "no chain"},
        {MB_E_CHAIN, CHAIN(basic), 0, patient, good, "an empty chain"},
        {MB_E_CHAIN, CHAIN(basic), 9, patient, good, "a chain of 9"},
        {MB_E_INVALID_ARGUMENT, CHAIN(NULL), 1, patient, good, "a NULL ruleset"},
        {MB_E_INVALID_ARGUMENT, CHAIN(basic, NULL), 2, patient, good, "a NULL ruleset second"},
        {MB_E_CHAIN, CHAIN(rs[ASSIST], rs[CRITICAL]), 2, patient, c_inpatient,
         "tiers in the wrong order"},
        {MB_E_CHAIN, CHAIN(basic, rs[JIAOZUO]), 2, patient, good, "a tier repeated"},
        {MB_E_INVALID_ARGUMENT, CHAIN(basic), 1, NULL, good, "no enrollee"},
        {MB_E_INVALID_ARGUMENT, CHAIN(basic), 1, patient, NULL, "no claim"},
        {MB_E_INVALID_ARGUMENT, CHAIN(basic), 1, patient, c_empty, "a claim without items"},
        {MB_E_INVALID_DATE, CHAIN(rs[CHANGZHOU]), 1, patient, c_chronic,
         "a 2021 claim under a ruleset in force from 2023"},
        {MB_E_INVALID_DATE, CHAIN(rs[ASSIST]), 1, patient, c_noadmit,
         "an inpatient claim without admission"},
        {MB_E_INVALID_AMOUNT, CHAIN(rs[ASSIST]), 1, patient, c_overup,
         "upstream above the claim's total"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char call[160];
        snprintf(call, sizeof call, "%s: %s", what, cases[i].why);
        expect_status(settle(r, cases[i].chain, cases[i].n, cases[i].e, cases[i].c, err),
                      cases[i].want, call, __LINE__);
        unchanged(call, __LINE__);
    }
    char call[160];
    snprintf(call, sizeof call, "%s: no result", what);
    expect_status(settle(NULL, CHAIN(basic), 1, patient, good, err), MB_E_INVALID_ARGUMENT, call,
                  __LINE__);
    unchanged(call, __LINE__);
}

static int presettle(mb_result *r, const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
                     const mb_claim *c, mb_error *e_)
{
    return mb_presettle(r, chain, n, e, c, e_);
}

static void bad_mb_presettle(void)
{
    bad_settlements(presettle, r_pre, rs[WUXI], alice, c_chronic, "mb_presettle");
    BAD(MB_E_UNKNOWN_DISEASE, mb_presettle(r_pre, CHAIN(rs[WUXI]), 1, alice, c_unknown, err));
}

static void bad_mb_settle(void)
{
    bad_settlements(mb_settle, r_latest, rs[WUXI], alice, c_chronic, "mb_settle");
    BAD(MB_E_UNKNOWN_DISEASE, mb_settle(r_latest, CHAIN(rs[WUXI]), 1, alice, c_unknown, err));
    /* a claim whose id alice's journal holds: a repeated request must not pay twice */
    mb_claim *again = fx_claim("A2", 20210401, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, -1);
    ok(mb_claim_set_disease(again, "M03900", NULL, err), "disease");
    ok(mb_claim_add_item(again, YUAN(600), MB_CLASS_A, -1, err), "item");
    BAD(MB_E_STATE, mb_settle(r_latest, CHAIN(rs[WUXI]), 1, alice, again, err));
    CHECK(strstr(mb_error_message(err), "already settled") != NULL, "the message says why");
    mb_claim_free(again);
}

/* One row of alice's: a Wuxi chronic claim for `disease` at H001, with one item of `fen`. */
typedef struct one_row {
    uint32_t who;
    int32_t date, med, level, facility, disease;
    uint64_t items[2];
    int64_t fen;
    int32_t cls;
    mb_columns c;
} one_row;

static void one_row_of(one_row *o, int32_t disease, int64_t fen, int32_t cls)
{
    static const char *const facilities[] = {"H001"};
    static const char *const diseases[] = {"糖尿病", "not a disease"};
    *o = (one_row){0, 20210315, MB_MED_CHRONIC, MB_LEVEL_TERTIARY, 0, disease, {0, 1}, fen, cls,
                   MB_COLUMNS_INIT};
    o->c.nrows = 1;
    o->c.enrollee = &o->who;
    o->c.date = &o->date;
    o->c.med_type = &o->med;
    o->c.level = &o->level;
    o->c.facility = &o->facility;
    o->c.disease = &o->disease;
    o->c.item_start = o->items;
    o->c.item_fen = &o->fen;
    o->c.item_class = &o->cls;
    o->c.facilities = facilities;
    o->c.nfacilities = 1;
    o->c.diseases = diseases;
    o->c.ndiseases = 2;
}

static void bad_mb_settle_columns(void)
{
    mb_enrollee *people[] = {alice};
    const mb_ruleset *const *chain = CHAIN(rs[WUXI]);
    one_row good, bad;
    one_row_of(&good, 0, YUAN(1200), MB_CLASS_A);
    int64_t amounts[MB_AMT_COUNT_];
    int32_t status = 1, covered = 1;
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    out.amounts = amounts;
    out.stride = MB_AMT_COUNT_;
    out.status = &status;
    out.covered = &covered;
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_columns(NULL, 1, people, 1, &good.c, &out, NULL, err));
    BAD(MB_E_CHAIN, mb_settle_columns(CHAIN(rs[ASSIST], rs[CRITICAL]), 2, people, 1, &good.c, &out, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_columns(chain, 1, NULL, 1, &good.c, &out, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_columns(chain, 1, people, 1, NULL, &out, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_columns(chain, 1, people, 1, &good.c, NULL, NULL, err));
    bad = good;
    bad.c.size = 8;
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_columns(chain, 1, people, 1, &bad.c, &out, NULL, err));
    CHECK(status == 1 && covered == 1, "a refused batch writes no row");
    /* rows that fail change nothing and say why */
    one_row_of(&bad, 1, YUAN(1200), MB_CLASS_A);
    BAD(MB_E_UNKNOWN_DISEASE, mb_settle_columns(chain, 1, people, 1, &bad.c, &out, NULL, err));
    CHECK(status == MB_E_UNKNOWN_DISEASE && covered == 0 && amounts[MB_AMT_MEDFEE_SUMAMT] == 0,
          "the failed row's status says why, its amounts are 0");
    one_row_of(&bad, 0, -1, MB_CLASS_A);
    BAD(MB_E_INVALID_AMOUNT, mb_settle_columns(chain, 1, people, 1, &bad.c, &out, NULL, err));
    one_row_of(&bad, 0, YUAN(1200), 9);
    BAD(MB_E_UNKNOWN_CODE, mb_settle_columns(chain, 1, people, 1, &bad.c, &out, NULL, err));
    one_row_of(&bad, 0, YUAN(1200), MB_CLASS_A);
    bad.who = 1;
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_columns(chain, 1, people, 1, &bad.c, &out, NULL, err));
    /* pre-settled, a good row changes nothing either */
    mb_columns_options presettle = MB_COLUMNS_OPTIONS_INIT;
    presettle.flags = MB_BATCH_PRESETTLE;
    CHECK_RC(mb_settle_columns(chain, 1, people, 1, &good.c, &out, &presettle, err), MB_OK,
             "a pre-settled row");
    unchanged("mb_settle_columns pre-settled", __LINE__);
}

static int batch_of_one(mb_result *r, const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
                        const mb_claim *c, mb_error *e_)
{
    int64_t amounts[MB_AMT_COUNT_];
    int32_t status = 1, covered = 1;
    const mb_claim *claims[] = {c};
    int rc = mb_settle_batch(r, chain, n, e, claims, 1, 0, amounts, MB_AMT_COUNT_, &status,
                             &covered, e_);
    if (r != NULL && e != NULL)
        CHECK(status == rc && covered == 0 && amounts[MB_AMT_MEDFEE_SUMAMT] == 0,
              "the failed claim's row says so");
    return rc;
}

static void bad_mb_settle_batch(void)
{
    bad_settlements(batch_of_one, r_latest, rs[WUXI], alice, c_chronic, "mb_settle_batch");
    const mb_ruleset *const *chain = CHAIN(rs[WUXI]);
    const mb_claim *claims[] = {c_empty, c_unknown, NULL};
    int32_t status[3] = {1, 1, 1};
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_batch(NULL, chain, 1, alice, claims, 3, 0, NULL, 0, NULL, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_batch(r_latest, chain, 1, NULL, claims, 3, 0, NULL, 0, NULL, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_batch(r_latest, chain, 1, alice, NULL, 3, 0, NULL, 0, NULL, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_batch(r_latest, chain, 1, alice, claims, 3, 0x2u, NULL, 0, NULL, NULL, err));
    /* every claim fails: the first failure is returned, each row says why, nothing changes */
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_batch(r_latest, chain, 1, alice, claims, 3, 0, NULL, 0, status, NULL, err));
    CHECK(status[0] == MB_E_INVALID_ARGUMENT && status[1] == MB_E_UNKNOWN_DISEASE &&
              status[2] == MB_E_INVALID_ARGUMENT, "each claim's status");
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_batch(r_latest, chain, 1, alice, claims, 3, MB_BATCH_PRESETTLE, NULL, 0, NULL, NULL, err));
    /* the first failure is the one returned and described, whatever fails after it */
    const mb_claim *two[] = {c_unknown, c_empty};
    BAD(MB_E_UNKNOWN_DISEASE, mb_settle_batch(r_latest, chain, 1, alice, two, 2, 0, NULL, 0, NULL, NULL, err));
    CHECK(strstr(mb_error_message(err), "is not in the catalogue") != NULL,
          "the message is the first failure's");
}

static int family(mb_result *r, const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
                  const mb_claim *c, mb_error *e_)
{
    return mb_settle_family(r, chain, n, e, bob, MB_FAMILY_SPOUSE, c, e_);
}

static void bad_mb_settle_family(void)
{
    bad_settlements(family, r_family, rs[CHANGZHOU], carol, c_family, "mb_settle_family");
    const mb_ruleset *const *chain = CHAIN(rs[CHANGZHOU]);
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_family(r_family, chain, 1, carol, NULL, MB_FAMILY_SPOUSE, c_family, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_family(r_family, chain, 1, carol, carol, MB_FAMILY_SPOUSE, c_family, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_settle_family(r_family, chain, 1, carol, twin, MB_FAMILY_SPOUSE, c_family, err));
    BAD(MB_E_UNKNOWN_CODE, mb_settle_family(r_family, chain, 1, carol, bob, 0, c_family, err));
    BAD(MB_E_UNKNOWN_CODE, mb_settle_family(r_family, chain, 1, carol, bob, 4, c_family, err));
    /* 41号 lets no family member's account pay */
    BAD(MB_E_NOT_ELIGIBLE, mb_settle_family(r_family, CHAIN(rs[WUXI]), 1, alice, bob, MB_FAMILY_SPOUSE, c_chronic, err));
    /* carol's claim F1 is settled already */
    BAD(MB_E_STATE, mb_settle_family(r_family, chain, 1, carol, bob, MB_FAMILY_SPOUSE, c_family, err));
}

static void bad_mb_reverse(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse(NULL, r_latest, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse(alice, NULL, err));
    BAD(MB_E_STATE, mb_reverse(alice, r_pre, err));    /* never committed */
    BAD(MB_E_STATE, mb_reverse(alice, r_fresh, err));  /* never used */
    BAD(MB_E_STATE, mb_reverse(bob, r_latest, err));   /* another enrollee's */
    BAD(MB_E_STATE, mb_reverse(carol, r_family, err)); /* a family settlement */
}

static void bad_mb_reverse_family(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_family(NULL, bob, r_family, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_family(carol, NULL, r_family, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_family(carol, bob, NULL, err));
    BAD(MB_E_STATE, mb_reverse_family(carol, alice, r_family, err)); /* not the payer */
    BAD(MB_E_STATE, mb_reverse_family(alice, bob, r_family, err));   /* not the patient */
    BAD(MB_E_STATE, mb_reverse_family(twin, bob, r_family, err));    /* carol's id, not carol */
    BAD(MB_E_STATE, mb_reverse_family(alice, bob, r_latest, err));   /* no family payer */
    BAD(MB_E_STATE, mb_reverse_family(carol, bob, r_pre, err));
}

static void bad_mb_reverse_id(void)
{
    char first[32];
    snprintf(first, sizeof first, "%s", mb_result_setl_id(r_first));
    char upper[32];
    for (size_t i = 0; i < sizeof upper; i++)
        upper[i] = first[i] >= 'a' && first[i] <= 'f' ? (char)(first[i] - 32) : first[i];
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(NULL, first, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(alice, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(alice, "", err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(alice, "A1", err));       /* a claim id, not a setl_id */
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(alice, first + 1, err));  /* 15 digits */
    char longer[40];
    snprintf(longer, sizeof longer, "%s0", first);
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(alice, longer, err));     /* 17 digits */
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(alice, "0123456789abcdeg", err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(alice, BAD_UTF8, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_id(alice, LONG, err));
    BAD(MB_E_STATE, mb_reverse_id(alice, "0000000000000000", err));    /* no such settlement */
    BAD(MB_E_STATE, mb_reverse_id(bob, first, err));                   /* alice's */
    BAD(MB_E_STATE, mb_reverse_id(bob, upper, err));                   /* in either case */
    BAD(MB_E_STATE, mb_reverse_id(carol, mb_result_setl_id(r_family), err)); /* the patient's side */
    CHECK(strstr(mb_error_message(err), "mb_reverse_family_id") != NULL, "names the call to use");
    BAD(MB_E_STATE, mb_reverse_id(bob, mb_result_setl_id(r_family), err));   /* the payer's side */
    CHECK(strstr(mb_error_message(err), "CAROL") != NULL, "names the patient");
}

static void bad_mb_reverse_family_id(void)
{
    char fam[32];
    snprintf(fam, sizeof fam, "%s", mb_result_setl_id(r_family));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_family_id(NULL, bob, fam, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_family_id(carol, NULL, fam, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_family_id(carol, bob, NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_family_id(carol, carol, fam, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_reverse_family_id(carol, bob, "F1", err));
    BAD(MB_E_STATE, mb_reverse_family_id(bob, carol, fam, err));   /* the sides swapped */
    BAD(MB_E_STATE, mb_reverse_family_id(carol, alice, fam, err)); /* not the payer */
    BAD(MB_E_STATE, mb_reverse_family_id(twin, bob, fam, err));    /* carol's id, not carol */
    BAD(MB_E_STATE, mb_reverse_family_id(alice, bob, mb_result_setl_id(r_first), err)); /* own */
}

/* the journal */
static void bad_mb_enrollee_set_journal_limit(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_set_journal_limit(NULL, 8, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_set_journal_limit(alice, 4097, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_set_journal_limit(alice, (size_t)-1, err));
}
static void bad_mb_enrollee_journal_limit(void) { READS(mb_enrollee_journal_limit(NULL) == 0); }
static void bad_mb_enrollee_journal_count(void) { READS(mb_enrollee_journal_count(NULL) == 0); }

static void bad_mb_enrollee_journal(void)
{
    mb_journal_entry j = {SENTINEL, SENTINEL, -7, -7, SENTINEL, -7, -7, 7};
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_journal(NULL, 0, &j));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_journal(alice, 0, NULL));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_journal(alice, mb_enrollee_journal_count(alice), &j));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_journal(dan, 0, &j)); /* no settlement */
    CHECK(j.setl_id == SENTINEL && j.acct_pay == -7, "a failed read writes nothing");
}

static void bad_mb_enrollee_journal_change(void)
{
    mb_journal_change ch = {SENTINEL, SENTINEL, -7, -7, -7, -7};
    const mb_ruleset *const *all = (const mb_ruleset *const *)rs;
    size_t n = mb_enrollee_journal_count(alice);
    mb_journal_entry j;
    ok(mb_enrollee_journal(alice, 0, &j), "alice's first entry");
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_journal_change(NULL, 0, 0, all, NRULESETS, &ch));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_journal_change(alice, 0, 0, all, NRULESETS, NULL));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_journal_change(alice, n, 0, all, NRULESETS, &ch));
    BAD(MB_E_INVALID_ARGUMENT, mb_enrollee_journal_change(alice, 0, j.changes, all, NRULESETS, &ch));
    CHECK(ch.key == SENTINEL && ch.amount == -7, "a failed read writes nothing");
}

/* results: reads */
static void bad_mb_result_free(void) { IGNORED(mb_result_free(NULL)); }
static void bad_mb_result_amount(void)
{
    READS(mb_result_amount(NULL, MB_AMT_HIFP_PAY) == 0);
    READS(mb_result_amount(r_latest, -1) == 0);
    READS(mb_result_amount(r_latest, MB_AMT_COUNT_) == 0);
    READS(mb_result_amount(r_latest, INT_MAX) == 0);
}
static void bad_mb_result_amounts(void)
{
    int64_t out[4] = {-7, -7, -7, -7};
    READS(mb_result_amounts(NULL, out, 4) == 0 && out[0] == -7);
    READS(mb_result_amounts(r_latest, NULL, 4) == 0);
    READS(mb_result_amounts(r_latest, out, 0) == 0 && out[0] == -7);
}
static void bad_mb_result_covered(void) { READS(mb_result_covered(NULL) == 0); }
static void bad_mb_result_setl_id(void)
{
    READS(strcmp(mb_result_setl_id(NULL), "") == 0);
    READS(strcmp(mb_result_setl_id(r_pre), "") == 0);
    READS(strcmp(mb_result_setl_id(r_fresh), "") == 0);
}
static void bad_mb_result_reason(void) { READS(strcmp(mb_result_reason(NULL), "") == 0); }
static void bad_mb_result_fund_count(void) { READS(mb_result_fund_count(NULL) == 0); }

static void bad_mb_result_fund(void)
{
    mb_fund_row row = {SENTINEL, SENTINEL, -7, -7, -7};
    BAD(MB_E_INVALID_ARGUMENT, mb_result_fund(NULL, 0, &row));
    BAD(MB_E_INVALID_ARGUMENT, mb_result_fund(r_latest, 0, NULL));
    BAD(MB_E_INVALID_ARGUMENT, mb_result_fund(r_latest, mb_result_fund_count(r_latest), &row));
    BAD(MB_E_INVALID_ARGUMENT, mb_result_fund(r_fresh, 0, &row));
    CHECK(row.fund_pay_type == SENTINEL && row.fund_payamt == -7, "a failed read writes nothing");
}

static void bad_mb_result_trace_count(void) { READS(mb_result_trace_count(NULL) == 0); }

static void bad_mb_result_trace(void)
{
    mb_trace_step step = {SENTINEL, SENTINEL, SENTINEL, SENTINEL, -7, -7, -7};
    BAD(MB_E_INVALID_ARGUMENT, mb_result_trace(NULL, 0, &step));
    BAD(MB_E_INVALID_ARGUMENT, mb_result_trace(r_latest, 0, NULL));
    BAD(MB_E_INVALID_ARGUMENT, mb_result_trace(r_latest, mb_result_trace_count(r_latest), &step));
    BAD(MB_E_INVALID_ARGUMENT, mb_result_trace(r_fresh, 0, &step));
    CHECK(step.rule == SENTINEL && step.amount_out == -7, "a failed read writes nothing");
}

/* 6. the platform: its arguments here; what a refused request leaves of its state is
 * test_platform's */
static void bad_mb_platform_new(void)
{
    mb_platform *p = (mb_platform *)&p;
    const mb_ruleset *wrong_order[] = {rs[ASSIST], rs[WUXI]}, *with_null[] = {rs[WUXI], NULL};
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_new(NULL, wrong_order, 1, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_new(&p, NULL, 1, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_new(&p, wrong_order, 0, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_new(&p, wrong_order, 65, 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_new(&p, wrong_order, 1, 0x80u, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_new(&p, with_null, 2, 0, err));
    BAD(MB_E_CHAIN, mb_platform_new(&p, wrong_order, 2, MB_PLATFORM_FIXED_CHAIN, err));
    CHECK(p == NULL, "a failed constructor leaves *out NULL");
}

static mb_platform *platform(void)
{
    static mb_platform *p;
    const mb_ruleset *chain[] = {rs[WUXI]};
    if (p == NULL)
        ok(mb_platform_new(&p, chain, 1, MB_PLATFORM_FIXED_CHAIN, err), "platform");
    return p;
}

static void bad_mb_platform_free(void) { IGNORED(mb_platform_free(NULL)); }

static void bad_mb_platform_set_state_dir(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_state_dir(NULL, ".", err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_state_dir(platform(), NULL, err));
    BAD(MB_E_IO, mb_platform_set_state_dir(platform(), "/nonexistent/medbenefit-state", err));
    BAD(MB_E_IO, mb_platform_set_state_dir(platform(), MB_SOURCE_ROOT "/meson.build", err));
}

static int store_load(void *ctx, const void **data, size_t *len, mb_error *e)
{
    (void)ctx, (void)e;
    *data = NULL;
    *len = 0;
    return MB_OK;
}

static void bad_mb_platform_set_store(void)
{
    mb_platform_store no_save = {store_load, NULL, NULL, NULL};
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_store(NULL, &no_save, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_store(platform(), NULL, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_store(platform(), &no_save, err));
}

static void bad_mb_platform_set_facility(void)
{
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_facility(NULL, "H001", MB_LEVEL_PRIMARY, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_facility(platform(), NULL, MB_LEVEL_PRIMARY, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_facility(platform(), "", MB_LEVEL_PRIMARY, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_facility(platform(), BAD_UTF8, MB_LEVEL_PRIMARY, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_facility(platform(), LONG, MB_LEVEL_PRIMARY, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_facility(platform(), "H001", 0, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_set_facility(platform(), "H001", 5, err));
}

static void bad_mb_platform_call(void)
{
    const char *response = SENTINEL;
    size_t len = 7;
    static const char req[] = "{\"infno\": \"1101\"";
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_call(NULL, req, sizeof req - 1, &response, &len, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_call(platform(), NULL, 0, &response, &len, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_call(platform(), req, sizeof req - 1, NULL, &len, err));
    BAD(MB_E_INVALID_ARGUMENT, mb_platform_call(platform(), req, sizeof req - 1, &response, NULL, err));
    /* a refused request is answered: infcode -1, and the status */
    BAD(MB_E_PARSE, mb_platform_call(platform(), req, sizeof req - 1, &response, &len, err));
    CHECK(response != NULL && strstr(response, "\"infcode\": -1") != NULL,
          "malformed JSON is answered with infcode -1");
    mb_platform_free(platform());
}

/* ---- the table ---------------------------------------------------------------------------- */

#define ROW(f) {#f, bad_##f}
static const struct row {
    const char *function;
    void (*bad_calls)(void);
} functions[] = {
    /* 1. errors */
    ROW(mb_error_free), ROW(mb_error_clear), ROW(mb_error_status), ROW(mb_error_message),
    ROW(mb_error_file), ROW(mb_error_line), ROW(mb_error_key),
    /* 2. rulesets and criteria */
    ROW(mb_ruleset_free), ROW(mb_ruleset_id), ROW(mb_ruleset_title), ROW(mb_ruleset_document),
    ROW(mb_ruleset_tier), ROW(mb_ruleset_assumption_count), ROW(mb_ruleset_assumption),
    ROW(mb_ruleset_disease_count), ROW(mb_ruleset_disease), ROW(mb_ruleset_find_disease),
    ROW(mb_assess), ROW(mb_ruleset_criteria), ROW(mb_ruleset_criteria_item),
    ROW(mb_ruleset_accumulator_count), ROW(mb_ruleset_accumulator),
    /* 3. enrollees */
    ROW(mb_enrollee_new), ROW(mb_enrollee_free), ROW(mb_enrollee_id), ROW(mb_enrollee_scheme),
    ROW(mb_enrollee_person_type), ROW(mb_enrollee_designated_facility),
    ROW(mb_enrollee_first_visit_facility), ROW(mb_enrollee_disease_count),
    ROW(mb_enrollee_disease), ROW(mb_enrollee_assistance_count), ROW(mb_enrollee_assistance),
    ROW(mb_enrollee_set_account_balance), ROW(mb_enrollee_account_balance),
    ROW(mb_enrollee_set_designated_facility), ROW(mb_enrollee_set_first_visit_facility),
    ROW(mb_enrollee_add_disease), ROW(mb_enrollee_add_assistance),
    ROW(mb_enrollee_add_identity), ROW(mb_enrollee_set_birth_date), ROW(mb_enrollee_birth_date),
    ROW(mb_enrollee_certify),
    ROW(mb_enrollee_status), ROW(mb_enrollee_request_facility_change), ROW(mb_enrollee_seed),
    ROW(mb_enrollee_accumulator), ROW(mb_enrollee_seed_checked),
    ROW(mb_enrollee_accumulator_checked), ROW(mb_enrollee_reserve), ROW(mb_enrollee_reserve_for), ROW(mb_enrollee_save),
    ROW(mb_enrollee_restore),
    /* 4. claims */
    ROW(mb_claim_new), ROW(mb_claim_free), ROW(mb_claim_id), ROW(mb_claim_set_flags),
    ROW(mb_claim_set_disease), ROW(mb_claim_set_facility_category), ROW(mb_claim_set_admission),
    ROW(mb_claim_set_prescriber),
    ROW(mb_claim_add_item), ROW(mb_claim_set_upstream), ROW(mb_claim_set_upstream_assistance),
    /* 5. settlement, accounts and results */
    ROW(mb_result_new), ROW(mb_result_free), ROW(mb_presettle), ROW(mb_settle),
    ROW(mb_settle_batch), ROW(mb_settle_columns), ROW(mb_settle_family), ROW(mb_reverse_family), ROW(mb_account_accrual),
    ROW(mb_enrollee_accrue), ROW(mb_reverse), ROW(mb_result_amount), ROW(mb_result_amounts),
    ROW(mb_result_covered), ROW(mb_result_reason), ROW(mb_result_fund_count),
    ROW(mb_result_fund), ROW(mb_result_trace_count), ROW(mb_result_trace),
    /* reversal by id and the journal */
    ROW(mb_result_setl_id), ROW(mb_reverse_id), ROW(mb_reverse_family_id),
    ROW(mb_enrollee_set_journal_limit), ROW(mb_enrollee_journal_limit),
    ROW(mb_enrollee_journal_count), ROW(mb_enrollee_journal), ROW(mb_enrollee_journal_change),
    /* 6. the platform (mb_platform_free last: it frees the platform the others use) */
    ROW(mb_platform_new), ROW(mb_platform_set_state_dir), ROW(mb_platform_set_store),
    ROW(mb_platform_set_facility), ROW(mb_platform_call), ROW(mb_platform_free),
};

/* Functions that take no handle: parsers, names, versions, the allocator, and the loaders
 * (which make a ruleset; test_load_errors covers what they refuse). */
static const char *const no_handle[] = {
    "mb_version_number", "mb_version", "mb_status_name", "mb_status_text", "mb_error_new",
    "mb_set_allocator", "mb_ruleset_load_file", "mb_ruleset_load_buffer", "mb_ruleset_load_id",
    "mb_ruleset_default_dir", "mb_scheme_parse", "mb_person_type_parse", "mb_med_type_parse",
    "mb_level_parse", "mb_item_class_parse", "mb_amount_parse", "mb_ratio_parse",
    "mb_date_parse", "mb_amount_name", "mb_amount_count",
};

static bool in_table(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
        if (strlen(functions[i].function) == n && strncmp(functions[i].function, name, n) == 0)
            return true;
    return false;
}

static bool is_no_handle(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof no_handle / sizeof no_handle[0]; i++)
        if (strlen(no_handle[i]) == n && strncmp(no_handle[i], name, n) == 0)
            return true;
    return false;
}

/* Whether a parameter list passes a handle: a pointer to one of the opaque types, not a
 * pointer to a pointer (the constructors' `out`). */
static bool takes_handle(const char *params, size_t len, const char *name)
{
    static const char *const types[] = {"mb_enrollee", "mb_claim", "mb_result", "mb_ruleset",
                                        "mb_platform"};
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        size_t tl = strlen(types[t]);
        for (const char *p = params; p + tl < params + len; p++) {
            if (strncmp(p, types[t], tl) != 0 || (p[tl] != ' ' && p[tl] != '*'))
                continue;
            const char *q = p + tl;
            while (*q == ' ')
                q++;
            if (q[0] == '*' && q[1] != '*')
                return true;
        }
    }
    return strncmp(name, "mb_error_", 9) == 0 && strstr(name, "mb_error_new") != name;
}

/* Every function the header declares that takes a handle has a row in `functions` (so do the
 * constructors), every other one is in `no_handle`, and every row names a declared function. */
static void header_is_covered(void)
{
    FILE *f = fopen(MB_SOURCE_ROOT "/include/medbenefit.h", "rb");
    CHECK(f != NULL, "the header opens");
    if (f == NULL)
        return;
    static char h[1 << 17];
    size_t len = fread(h, 1, sizeof h - 1, f);
    fclose(f);
    h[len] = '\0';
    int declared = 0, rows_found = 0;
    for (const char *p = strstr(h, "\nMB_EXTERN "); p; p = strstr(p + 1, "\nMB_EXTERN ")) {
        const char *open = strchr(p, '('), *end = strchr(p, ';');
        if (open == NULL || end == NULL || open > end)
            continue;
        const char *name_end = open;
        while (name_end > p && name_end[-1] == ' ')
            name_end--;
        const char *name = name_end;
        while (name > p && (name[-1] == '_' || (name[-1] >= 'a' && name[-1] <= 'z') ||
                            (name[-1] >= '0' && name[-1] <= '9')))
            name--;
        size_t n = (size_t)(name_end - name);
        char fn[128];
        snprintf(fn, sizeof fn, "%.*s", (int)n, name);
        declared++;
        if (in_table(name, n)) {
            rows_found++;
        } else if (takes_handle(open, (size_t)(end - open), fn)) {
            check_failed++;
            fprintf(stderr, "%s: FAIL %s takes a handle but has no row in `functions`\n",
                    __FILE__, fn);
        } else if (!is_no_handle(name, n)) {
            check_failed++;
            fprintf(stderr, "%s: FAIL %s is in neither `functions` nor `no_handle`\n", __FILE__, fn);
        }
    }
    CHECK(declared > 80, "the header was read");
    CHECK(rows_found == (int)(sizeof functions / sizeof functions[0]),
          "every row names a function of the header");
}

/* ---- the good path, afterwards ------------------------------------------------------------- */

static void still_reversible(void)
{
    unsigned char blob[BLOB_MAX];
    CHECK_RC(mb_reverse_family(carol, bob, r_family, err), MB_OK, "the family settlement reverses");
    size_t n = fx_save(carol, blob, BLOB_MAX);
    CHECK(n == carol_before_len && memcmp(blob, carol_before, n) == 0, "carol is as before it");
    n = fx_save(bob, blob, BLOB_MAX);
    CHECK(n == bob_before_len && memcmp(blob, bob_before, n) == 0, "bob is as before it");
    CHECK_RC(mb_reverse(alice, r_first, err), MB_OK, "alice's first settlement reverses");
    CHECK_RC(mb_reverse_id(alice, mb_result_setl_id(r_latest), err), MB_OK, "then her latest, by id");
    n = fx_save(alice, blob, BLOB_MAX);
    CHECK(n == alice_before_len && memcmp(blob, alice_before, n) == 0, "alice is as before them");
}

int main(void)
{
    err = mb_error_new();
    if (err == NULL)
        return 1;
    memset(LONG, 'X', sizeof LONG - 1);
    build();
    probes_see();
    fingerprint_sees();
    header_is_covered();
    print_world(&baseline);
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
        functions[i].bad_calls();
    still_reversible();

    mb_enrollee *people[] = {alice, bob, carol, twin, dan, erin, fay, full, rich, p_wuxi,
                             p_jiaozuo, p_changzhou, p_assist_from, p_assist_day};
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
        mb_enrollee_free(people[i]);
    mb_claim *claims[] = {c_chronic, c_cancer, c_outpatient, c_pharmacy, c_inpatient, c_family,
                          c_empty, c_unknown, c_noadmit, c_overup};
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++)
        mb_claim_free(claims[i]);
    mb_result *results[] = {r_first, r_latest, r_family, r_pre, r_fresh, p_result};
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++)
        mb_result_free(results[i]);
    for (int k = 0; k < NRULESETS; k++)
        mb_ruleset_free(rs[k]);
    fp_free(&baseline);
    fp_free(&now);
    fp_free(&before_change);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
