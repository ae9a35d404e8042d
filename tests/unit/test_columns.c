/* A columnar batch (mb_settle_columns) settles exactly as mb_settle does, claim by claim.
 *
 * For every chain the bundled rulesets form (basic, critical illness, assistance; each tier at
 * most once; and a line of revisions, each row under the one in force on its date),
 * pseudo-random claims (fixed seed) of every med_type, some at a facility of a category the
 * rulesets name, for enrollees of every person type, some with a birth date, over two years,
 * some with a bad value, are settled twice over identical
 * enrollees: once as claim handles through mb_enrollee_reserve_for and mb_settle, once as
 * columns in one call (on one thread, on two, and pre-settled). Every row must give the same
 * status, covered flag and amounts to the fen, and the enrollees must save to the same bytes.
 * The rows of the enrollees are interleaved, so that the batch keeps each enrollee's order.
 *
 * Then the batch's own errors: a row that fails reports its status and changes nothing, the
 * rest go on; arguments that make the batch unreadable fail it before anything settles.
 * Public API only. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

#define MAX_RULESETS 32
#define PEOPLE 8
#define CLAIMS 24 /* per person, over two years */
#define ROWS (PEOPLE * CLAIMS)

static mb_error *err;
static mb_ruleset *bundled[MAX_RULESETS];
static size_t nbundled;
static long compared, failed_rows, covered_rows, by_status[20];
static long chains_compared, chains_apart;

static fx_rng rng = {UINT64_C(0x9e3779b97f4a7c15)};

static int64_t range(int64_t lo, int64_t hi) { return fx_range(&rng, lo, hi); }

/* ---- claims as data, from which both the handles and the columns are made ----------------- */

static const char *const facilities[] = {"H1", "H2", "C01", "H\xff"}; /* the last is not UTF-8 */
enum { NFACILITIES = 4, BAD_FACILITY = 3 };
static const char *const treatments[] = {"放化疗", "药物维持治疗", "终末期透析", "非终末期"};
enum { NTREATMENTS = 4 };
/* facility categories bundled rulesets declare (their names and labels), one none declares,
 * and one that is not UTF-8 */
static const char *const categories_of_facility[] = {"community", "社区卫生服务机构", "county",
                                                     "provincial", "specialist", "未列明类别",
                                                     "\xff类"};
enum { NCATEGORIES = 7, BAD_CATEGORY = 6 };

enum { MAX_DISEASES = 64 };
static const char *diseases[MAX_DISEASES];
static size_t ndiseases;

typedef struct row {
    uint32_t who;
    char id[16];
    int32_t date;
    int med, level;
    unsigned flags;
    int facility, disease, treatment, prescriber, prescriber_level, category;
    int32_t admitted, discharged;
    int nitems;
    int64_t fen[3];
    int cls[3], bp[3];
    int64_t up_compliant, up_basic, up_critical; /* up_compliant -1: none */
} row;

static row rows[ROWS];

/* Each person's certified diseases, as indices into `diseases`. */
static int held[PEOPLE][3], nheld[PEOPLE];

/* The diseases of the chain's catalogues, by code and by name; first those whose caps depend
 * on the treatment line, so that people hold them often; last one no catalogue lists. */
static void chain_diseases(const mb_ruleset *const *chain, size_t n)
{
    ndiseases = 0;
    static const char *const lined[] = {"恶性肿瘤", "慢性肾功能不全"};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < 2; k++) {
            size_t index;
            if (mb_ruleset_find_disease(chain[i], lined[k], &index, NULL) == MB_OK)
                diseases[ndiseases++] = lined[k];
        }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < mb_ruleset_disease_count(chain[i]) && ndiseases < MAX_DISEASES - 1; k++) {
            const char *code, *name, *group;
            if (mb_ruleset_disease(chain[i], k, &code, &name, &group) == MB_OK)
                diseases[ndiseases++] = k % 2 ? name : code; /* by code and by name */
        }
    diseases[ndiseases++] = "不在任何目录的病"; /* in no catalogue */
}

static int first_year; /* the chain's claims fall in first_year and the year after, when in force */
static int years;

/* Whether a med_type is a stay, with admission dates (21-24, 52). */
static bool stay(int med)
{
    return med == MB_MED_INPATIENT || med == MB_MED_TRAUMA_INPATIENT ||
           med == MB_MED_REFERRED_OUT_INPATIENT || med == MB_MED_EMERGENCY_INPATIENT ||
           med == MB_MED_MATERNITY_INPATIENT;
}

static void random_row(row *r, uint32_t who, int k, bool has_basic)
{
    static const int meds[] = {MB_MED_GENERAL_OUTPATIENT, MB_MED_EMERGENCY, MB_MED_CHRONIC,
                               MB_MED_CHRONIC, MB_MED_CHRONIC, MB_MED_INPATIENT, MB_MED_PHARMACY,
                               MB_MED_INPATIENT, MB_MED_TRAUMA_INPATIENT,
                               MB_MED_REFERRED_OUT_INPATIENT, MB_MED_EMERGENCY_INPATIENT,
                               MB_MED_MATERNITY_OUTPATIENT, MB_MED_MATERNITY_INPATIENT};
    *r = (row){.who = who, .facility = -1, .disease = -1, .treatment = -1, .prescriber = -1,
               .category = -1, .up_compliant = -1};
    snprintf(r->id, sizeof r->id, "P%uC%d", who, k);
    int year = first_year + k * years / CLAIMS;
    r->date = year * 10000 + (int32_t)(1 + (k * 12 * years / CLAIMS) % 12) * 100 + (int32_t)range(1, 28);
    r->med = meds[range(0, 1) ? range(0, 6) : range(0, 12)];
    r->level = r->med == MB_MED_PHARMACY ? MB_LEVEL_PHARMACY : (int)range(MB_LEVEL_PRIMARY, MB_LEVEL_TERTIARY);
    r->facility = range(0, 4) ? (int)range(0, 2) : -1;
    if (range(0, 2) == 0)
        r->category = (int)range(0, NCATEGORIES - 2);
    static const unsigned bits[] = {MB_CLAIM_REFERRAL, MB_CLAIM_EMERGENCY, MB_CLAIM_OUT_OF_AREA,
                                    MB_CLAIM_DESIGNATED_SPECIALTY, MB_CLAIM_OUT_OF_PROVINCE,
                                    MB_CLAIM_NO_ACCOUNT};
    for (int b = 0; b < 6; b++)
        if (range(0, b == 0 ? 1 : 7) == 0)
            r->flags |= bits[b];
    if (r->med == MB_MED_CHRONIC || range(0, 5) == 0) /* mostly one the person holds */
        r->disease = nheld[who] && range(0, 4) ? held[who][range(0, nheld[who] - 1)]
                     : ndiseases > 1 && range(0, 15) ? (int)range(0, (int64_t)ndiseases - 2)
                                                    : (int)ndiseases - 1;
    if (r->disease >= 0 && range(0, 3) == 0)
        r->treatment = (int)range(0, NTREATMENTS - 1);
    if (stay(r->med)) {
        r->discharged = r->date;
        r->admitted = r->date - (r->date % 100 > 10 ? 9 : 0);
    }
    if (r->med == MB_MED_PHARMACY && range(0, 3)) {
        r->prescriber = (int)range(0, 2);
        r->prescriber_level = (int)range(MB_LEVEL_PRIMARY, MB_LEVEL_TERTIARY);
    }
    int64_t class_a = 0; /* what an upstream policy-scope cost can always be within */
    r->nitems = (int)range(1, 3);
    for (int i = 0; i < r->nitems; i++) {
        r->fen[i] = range(0, 9) == 0 ? range(YUAN(10000), YUAN(300000)) : range(1, YUAN(8000));
        r->cls[i] = (int)range(MB_CLASS_A, MB_CLASS_C);
        r->bp[i] = r->cls[i] == MB_CLASS_B && range(0, 3) == 0 ? (int)range(0, 3000) : -1;
        class_a += r->cls[i] == MB_CLASS_A ? r->fen[i] : 0;
    }
    if (!has_basic || range(0, 5) == 0) {
        r->up_compliant = range(0, class_a);
        r->up_basic = range(0, r->up_compliant);
        r->up_critical = range(0, 2) == 0 ? range(0, r->up_compliant - r->up_basic) : -1;
    }
    /* one row in twelve has one bad value, which both ways must refuse alike */
    switch (range(0, 143) % 12 == 0 ? range(0, 12) : -1) {
    case 0: r->date = 20230230; break;
    case 1: r->med = 99; break;
    case 2: r->level = 7; break;
    case 3: r->flags = 0x80; break;
    case 4: r->facility = BAD_FACILITY; break;
    case 5: r->cls[0] = 5; break;
    case 6: r->fen[r->nitems - 1] = -1; break;
    case 7: r->bp[0] = r->cls[0] == MB_CLASS_B ? 20000 : 100; break;
    case 8: r->nitems = 0; break;
    case 9: r->disease = (int)ndiseases - 1; break; /* unknown to every catalogue */
    case 10: r->category = BAD_CATEGORY; break;
    case 11: r->fen[0] = INT64_C(100000000000001); break; /* past 10^12 yuan, the largest */
    case 12: /* each an amount, their sum past the largest */
        r->nitems = 3;
        for (int i = 0; i < r->nitems; i++)
            r->fen[i] = INT64_C(40000000000000), r->cls[i] = MB_CLASS_C - i, r->bp[i] = -1;
        break;
    default: break;
    }
}

/* The claim handle for a row, and the status of the first setter that refuses it. */
static int claim_of(const row *r, mb_claim **out)
{
    mb_claim *c = NULL;
    int rc = mb_claim_new(&c, r->id, r->date, r->med, r->facility >= 0 ? facilities[r->facility] : NULL,
                          r->level, NULL);
    if (rc == MB_OK)
        rc = mb_claim_set_flags(c, r->flags, NULL);
    if (rc == MB_OK && (r->disease >= 0 || r->treatment >= 0))
        rc = mb_claim_set_disease(c, r->disease >= 0 ? diseases[r->disease] : NULL,
                                  r->treatment >= 0 ? treatments[r->treatment] : NULL, NULL);
    if (rc == MB_OK && r->category >= 0)
        rc = mb_claim_set_facility_category(c, categories_of_facility[r->category], NULL);
    if (rc == MB_OK && (r->admitted || r->discharged))
        rc = mb_claim_set_admission(c, r->admitted, r->discharged, NULL);
    if (rc == MB_OK && r->prescriber >= 0)
        rc = mb_claim_set_prescriber(c, facilities[r->prescriber], r->prescriber_level, NULL);
    for (int i = 0; rc == MB_OK && i < r->nitems; i++)
        rc = mb_claim_add_item(c, r->fen[i], r->cls[i], r->bp[i], NULL);
    if (rc == MB_OK && r->up_compliant != -1)
        rc = mb_claim_set_upstream(c, r->up_compliant, r->up_basic, r->up_critical, NULL);
    *out = c;
    return rc;
}

/* The columns of rows[0, n). */
typedef struct columns {
    uint32_t enrollee[ROWS];
    const char *claim_id[ROWS];
    int32_t date[ROWS], med[ROWS], level[ROWS], facility[ROWS], disease[ROWS], treatment[ROWS];
    int32_t category[ROWS];
    uint32_t flags[ROWS];
    int32_t admitted[ROWS], discharged[ROWS], prescriber[ROWS], prescriber_level[ROWS];
    uint64_t item_start[ROWS + 1];
    int64_t fen[ROWS * 3];
    int32_t cls[ROWS * 3], bp[ROWS * 3];
    int64_t up_compliant[ROWS], up_basic[ROWS], up_critical[ROWS];
    mb_columns c;
} columns;

static void columns_of(const row *r, size_t n, columns *k)
{
    k->item_start[0] = 0;
    for (size_t i = 0; i < n; i++) {
        k->enrollee[i] = r[i].who;
        k->claim_id[i] = r[i].id;
        k->date[i] = r[i].date;
        k->med[i] = r[i].med;
        k->level[i] = r[i].level;
        k->flags[i] = r[i].flags;
        k->facility[i] = r[i].facility;
        k->disease[i] = r[i].disease;
        k->treatment[i] = r[i].treatment;
        k->category[i] = r[i].category;
        k->admitted[i] = r[i].admitted;
        k->discharged[i] = r[i].discharged;
        k->prescriber[i] = r[i].prescriber;
        k->prescriber_level[i] = r[i].prescriber_level;
        uint64_t at = k->item_start[i];
        for (int j = 0; j < r[i].nitems; j++) {
            k->fen[at + j] = r[i].fen[j];
            k->cls[at + j] = r[i].cls[j];
            k->bp[at + j] = r[i].bp[j];
        }
        k->item_start[i + 1] = at + (uint64_t)r[i].nitems;
        k->up_compliant[i] = r[i].up_compliant;
        k->up_basic[i] = r[i].up_basic;
        k->up_critical[i] = r[i].up_critical;
    }
    k->c = (mb_columns)MB_COLUMNS_INIT;
    k->c.nrows = n;
    k->c.enrollee = k->enrollee;
    k->c.claim_id = k->claim_id;
    k->c.date = k->date;
    k->c.med_type = k->med;
    k->c.level = k->level;
    k->c.flags = k->flags;
    k->c.facility = k->facility;
    k->c.disease = k->disease;
    k->c.treatment = k->treatment;
    k->c.admitted = k->admitted;
    k->c.discharged = k->discharged;
    k->c.prescriber = k->prescriber;
    k->c.prescriber_level = k->prescriber_level;
    k->c.item_start = k->item_start;
    k->c.item_fen = k->fen;
    k->c.item_class = k->cls;
    k->c.item_selfpay_bp = k->bp;
    k->c.up_compliant = k->up_compliant;
    k->c.up_basic = k->up_basic;
    k->c.up_critical = k->up_critical;
    k->c.facilities = facilities;
    k->c.nfacilities = NFACILITIES;
    k->c.diseases = diseases;
    k->c.ndiseases = ndiseases;
    k->c.treatments = treatments;
    k->c.ntreatments = NTREATMENTS;
    k->c.facility_category = k->category;
    k->c.facility_categories = categories_of_facility;
    k->c.nfacility_categories = NCATEGORIES;
    /* an optional column whose every row says "none" is left out (NULL), as a caller without
     * that data would: the rows must settle the same */
    bool facility = false, disease = false, treatment = false, category = false,
         admission = false, prescriber = false, flags = false, bp = false, upstream = false,
         basic = false, critical = false;
    for (size_t i = 0; i < n; i++) {
        facility |= r[i].facility >= 0;
        disease |= r[i].disease >= 0;
        treatment |= r[i].treatment >= 0;
        category |= r[i].category >= 0;
        admission |= r[i].admitted || r[i].discharged;
        prescriber |= r[i].prescriber >= 0;
        flags |= r[i].flags != 0;
        for (int j = 0; j < r[i].nitems; j++)
            bp |= r[i].bp[j] != -1;
        upstream |= r[i].up_compliant != -1;
        basic |= r[i].up_compliant != -1 && r[i].up_basic != 0;
        critical |= r[i].up_compliant != -1 && r[i].up_critical != -1;
    }
    if (!facility)
        k->c.facility = NULL;
    if (!disease)
        k->c.disease = NULL;
    if (!treatment)
        k->c.treatment = NULL;
    if (!category)
        k->c.facility_category = NULL;
    if (!admission)
        k->c.admitted = k->c.discharged = NULL;
    if (!prescriber)
        k->c.prescriber = k->c.prescriber_level = NULL;
    if (!flags)
        k->c.flags = NULL;
    if (!bp)
        k->c.item_selfpay_bp = NULL;
    if (!upstream)
        k->c.up_compliant = NULL;
    if (!basic)
        k->c.up_basic = NULL;
    if (!critical)
        k->c.up_critical = NULL;
}

/* Row fields set to "none" in every row of a chain, one field a chain in turn (0: none), so
 * that each optional column is also left out of some batches. */
static void clear_field(row *r, size_t n, int field)
{
    for (size_t i = 0; i < n; i++)
        switch (field) {
        case 1: r[i].facility = -1; break;
        case 2: r[i].disease = -1; break;
        case 3: r[i].treatment = -1; break;
        case 4: r[i].category = -1; break;
        case 5: r[i].admitted = r[i].discharged = 0; break;
        case 6: r[i].prescriber = -1; break;
        case 7: r[i].flags = 0; break;
        case 8:
            for (int j = 0; j < r[i].nitems; j++)
                r[i].bp[j] = -1;
            break;
        case 9: r[i].up_basic = 0, r[i].up_critical = -1; break;
        case 10: r[i].up_compliant = -1; break;
        }
}

/* ---- enrollees ---------------------------------------------------------------------------- */

static const char *const categories[] = {"extreme_poverty", "minimum_living", "low_income_margin",
                                         "temporary_relief"};

/* The same PEOPLE enrollees every time it is called with the same seed. */
static void people(uint64_t seed, mb_enrollee **out)
{
    fx_rng saved = rng;
    rng.state = seed;
    for (uint32_t p = 0; p < PEOPLE; p++) {
        static const int types[][2] = {{MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE},
                                       {MB_SCHEME_EMPLOYEE, MB_PERSON_RETIRED},
                                       {MB_SCHEME_EMPLOYEE, MB_PERSON_VETERAN},
                                       {MB_SCHEME_RESIDENT, 0}};
        char id[16];
        snprintf(id, sizeof id, "P%u", p);
        mb_enrollee *e = NULL;
        mb_enrollee_new(&e, id, types[p % 4][0], types[p % 4][1], err);
        if (types[p % 4][0] == MB_SCHEME_EMPLOYEE)
            mb_enrollee_set_account_balance(e, range(0, 1) ? range(0, YUAN(3000)) : 0, err);
        mb_enrollee_set_designated_facility(e, "H1", err);
        mb_enrollee_set_first_visit_facility(e, range(0, 1) ? "H1" : "C01", err);
        for (int k = 0; k < nheld[p]; k++)
            mb_enrollee_add_disease(e, diseases[held[p][k]], 20221201 + (int32_t)range(0, 20), 0, err);
        if (range(0, 2))
            mb_enrollee_add_assistance(e, categories[range(0, 3)], 20230101, 0, err);
        if (range(0, 3)) /* rows chosen by age need one; without, both ways refuse alike */
            mb_enrollee_set_birth_date(e, (int32_t)range(1940, 2010) * 10000 + 615, err);
        if (p % 3 == 2) /* a journal that keeps nothing (compare's): no settlement id is made */
            mb_enrollee_set_journal_limit(e, 0, err);
        out[p] = e;
    }
    rng = saved;
}

static void free_people(mb_enrollee **e)
{
    for (int p = 0; p < PEOPLE; p++)
        mb_enrollee_free(e[p]);
}

static size_t save(const mb_enrollee *e, unsigned char *buf)
{
    size_t len = 0;
    if (mb_enrollee_save(e, buf, BLOB_MAX, &len, err) != MB_OK)
        return 0;
    return len;
}

static bool same_people(mb_enrollee **a, mb_enrollee **b)
{
    static unsigned char x[BLOB_MAX], y[BLOB_MAX];
    for (int p = 0; p < PEOPLE; p++) {
        size_t nx = save(a[p], x), ny = save(b[p], y);
        if (nx == 0 || nx != ny || memcmp(x, y, nx) != 0)
            return false;
    }
    return true;
}

/* ---- one chain, both ways ----------------------------------------------------------------- */

typedef struct outcome {
    int64_t amounts[ROWS][MB_AMT_COUNT_];
    int32_t status[ROWS], covered[ROWS];
} outcome;

/* Claim by claim: mb_enrollee_reserve_for then mb_settle (or mb_presettle). */
static void one_by_one(const mb_ruleset *const *chain, size_t n, mb_enrollee **e, bool presettle,
                       outcome *o)
{
    mb_result *r = NULL;
    mb_result_new(&r, err);
    for (size_t i = 0; i < ROWS; i++) {
        mb_claim *c = NULL;
        int rc = claim_of(&rows[i], &c);
        if (rc == MB_OK && !presettle)
            rc = mb_enrollee_reserve_for(e[rows[i].who], chain, n, err);
        if (rc == MB_OK)
            rc = presettle ? mb_presettle(r, chain, n, e[rows[i].who], c, err)
                           : mb_settle(r, chain, n, e[rows[i].who], c, err);
        o->status[i] = rc;
        o->covered[i] = rc == MB_OK ? mb_result_covered(r) : 0;
        memset(o->amounts[i], 0, sizeof o->amounts[i]);
        if (rc == MB_OK)
            mb_result_amounts(r, o->amounts[i], MB_AMT_COUNT_);
        mb_claim_free(c);
    }
    mb_result_free(r);
}

static int in_columns(const mb_ruleset *const *chain, size_t n, mb_enrollee **e, unsigned threads,
                      bool presettle, outcome *o)
{
    static columns k;
    columns_of(rows, ROWS, &k);
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    out.amounts = &o->amounts[0][0];
    out.stride = MB_AMT_COUNT_;
    out.status = o->status;
    out.covered = o->covered;
    mb_columns_options opt = MB_COLUMNS_OPTIONS_INIT;
    opt.threads = threads;
    opt.flags = presettle ? MB_BATCH_PRESETTLE : 0;
    return mb_settle_columns(chain, n, e, PEOPLE, &k.c, &out, &opt, err);
}

static bool same_outcome(const outcome *a, const outcome *b, const char *chain_name, const char *how)
{
    for (size_t i = 0; i < ROWS; i++) {
        compared++;
        if (a->status[i] != MB_OK)
            failed_rows++;
        covered_rows += a->covered[i];
        by_status[-a->status[i] < 20 ? -a->status[i] : 0]++;
        if (a->status[i] != b->status[i] || a->covered[i] != b->covered[i] ||
            memcmp(a->amounts[i], b->amounts[i], sizeof a->amounts[i]) != 0) {
            fprintf(stderr, "  %s, %s: row %zu (%s): status %s/%s, covered %d/%d, hifp_pay %lld/%lld\n",
                    chain_name, how, i, rows[i].id, mb_status_name(a->status[i]),
                    mb_status_name(b->status[i]), a->covered[i], b->covered[i],
                    (long long)a->amounts[i][MB_AMT_HIFP_PAY], (long long)b->amounts[i][MB_AMT_HIFP_PAY]);
            return false;
        }
    }
    return true;
}

/* Whether every ruleset of the chain is in force on `date`: a claim then is not refused for
 * its date. */
static bool in_force(const mb_ruleset *const *chain, size_t n, int32_t date)
{
    mb_claim *c = NULL;
    mb_enrollee *e = NULL;
    mb_result *r = NULL;
    mb_claim_new(&c, "probe", date, MB_MED_INPATIENT, "H1", MB_LEVEL_PRIMARY, NULL);
    mb_claim_set_admission(c, date, date, NULL);
    mb_claim_add_item(c, YUAN(1), MB_CLASS_A, -1, NULL);
    mb_enrollee_new(&e, "probe", MB_SCHEME_RESIDENT, 0, NULL);
    mb_result_new(&r, NULL);
    bool ok = mb_presettle(r, chain, n, e, c, NULL) != MB_E_INVALID_DATE;
    mb_result_free(r);
    mb_enrollee_free(e);
    mb_claim_free(c);
    return ok;
}

static void compare_chain(const mb_ruleset *const *chain, size_t n)
{
    char name[200] = "";
    bool has_basic = false;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(name);
        snprintf(name + len, sizeof name - len, "%s%s", i ? " + " : "", mb_ruleset_id(chain[i]));
        has_basic |= mb_ruleset_tier(chain[i]) == MB_TIER_BASIC;
    }
    chain_diseases(chain, n);
    /* two years the whole chain is in force (one when only one is): a claim dated outside is
     * refused before anything else, and would compare little. A line of revisions is in force
     * all year though each revision is for half of it. Rulesets of years that never meet (a
     * 2017 one and a 2023 one) form no chain a claim can settle under: passed over. */
    first_year = 0;
    years = 1;
    for (int y = 2015; y <= 2030 && years == 1; y++)
        if (in_force(chain, n, y * 10000 + 115) && in_force(chain, n, y * 10000 + 1215)) {
            if (first_year == 0)
                first_year = y;
            else if (y == first_year + 1)
                years = 2;
        }
    if (first_year == 0) {
        chains_apart++;
        return;
    }
    chains_compared++;
    for (int p = 0; p < PEOPLE; p++) {
        nheld[p] = ndiseases > 1 ? (int)range(0, 3) : 0;
        for (int k = 0; k < nheld[p]; k++)
            held[p][k] = range(0, 1) ? (int)range(0, ndiseases < 5 ? (int64_t)ndiseases - 2 : 3)
                                     : (int)range(0, (int64_t)ndiseases - 2);
    }
    /* each person's claims in date order; the people's rows interleaved */
    int next_of[PEOPLE] = {0};
    for (size_t i = 0; i < ROWS; i++) {
        uint32_t p = (uint32_t)range(0, PEOPLE - 1);
        while (next_of[p] == CLAIMS)
            p = (p + 1) % PEOPLE;
        random_row(&rows[i], p, next_of[p]++, has_basic);
    }
    clear_field(rows, ROWS, (int)(chains_compared % 11));
    uint64_t seed = fx_next(&rng);
    static outcome want, got;
    mb_enrollee *a[PEOPLE], *b[PEOPLE];

    people(seed, a);
    one_by_one(chain, n, a, false, &want);
    for (unsigned threads = 1; threads <= 2; threads++) {
        people(seed, b);
        int rc = in_columns(chain, n, b, threads, false, &got);
        int first = MB_OK;
        for (size_t i = 0; i < ROWS && first == MB_OK; i++)
            first = want.status[i];
        CHECK_RC(rc, first, "the batch returns the first failed row's status");
        CHECK(same_outcome(&want, &got, name, threads == 1 ? "one thread" : "two threads"),
              "every row settles in columns as with mb_settle: status, covered, amounts");
        CHECK(same_people(a, b), "and the enrollees end the same, byte for byte");
        free_people(b);
    }
    free_people(a);

    people(seed, a);
    people(seed, b);
    one_by_one(chain, n, a, true, &want);
    in_columns(chain, n, b, 2, true, &got);
    CHECK(same_outcome(&want, &got, name, "pre-settled"), "pre-settled rows as with mb_presettle");
    CHECK(same_people(a, b), "pre-settling changes no enrollee");
    free_people(a);
    free_people(b);
}

/* ---- the batch's own errors --------------------------------------------------------------- */

static const mb_ruleset *find(const char *id)
{
    for (size_t i = 0; i < nbundled; i++)
        if (strcmp(mb_ruleset_id(bundled[i]), id) == 0)
            return bundled[i];
    return NULL;
}

/* A Wuxi chronic claim of 1200 yuan, class A, at the designated H1 (row i of person p). */
static row wuxi_row(uint32_t p, int32_t date)
{
    row r = {.who = p, .date = date, .med = MB_MED_CHRONIC, .level = MB_LEVEL_TERTIARY,
             .facility = 0, .disease = 0, .treatment = -1, .prescriber = -1, .nitems = 1,
             .fen = {YUAN(1200)}, .cls = {MB_CLASS_A}, .bp = {-1}, .up_compliant = -1};
    snprintf(r.id, sizeof r.id, "W%u-%d", p, date % 1000000);
    return r;
}

static void wuxi_people(mb_enrollee **e, int n)
{
    for (int p = 0; p < n; p++) {
        e[p] = NULL;
        mb_enrollee_new(&e[p], "W", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err);
        mb_enrollee_set_designated_facility(e[p], "H1", err);
        mb_enrollee_add_disease(e[p], "糖尿病", 20200105, 0, err);
    }
}

static void row_errors(void)
{
    const mb_ruleset *chain[] = {find("wuxi-employee-chronic-2021")};
    CHECK(chain[0] != NULL, "the Wuxi ruleset is bundled");
    if (chain[0] == NULL)
        return;
    ndiseases = 0;
    diseases[ndiseases++] = "糖尿病";
    mb_enrollee *e[3];
    wuxi_people(e, 3);
    unsigned char before[BLOB_MAX];
    size_t nb = save(e[1], before);
    /* person 1's rows are all bad, each in its own way; persons 0 and 2 settle */
    row r[10];
    r[0] = wuxi_row(0, 20230110);
    r[1] = wuxi_row(1, 20230110);
    r[1].disease = 5;                           /* beyond the diseases table */
    r[2] = wuxi_row(1, 20230111);
    r[2].facility = BAD_FACILITY;               /* a table entry that is not UTF-8 */
    r[3] = wuxi_row(2, 20230112);
    r[4] = wuxi_row(1, 20230113);
    r[4].date = 20200113;                       /* before the ruleset is in force */
    r[5] = wuxi_row(1, 20230114);
    r[5].nitems = 0;                            /* no items */
    r[6] = wuxi_row(0, 20230115);
    r[7] = wuxi_row(3, 20230116);               /* beyond the enrollees */
    r[8] = wuxi_row(1, 20230117);
    r[8].med = 12;                              /* no such med_type */
    r[9] = wuxi_row(2, 20230118);
    static columns k;
    columns_of(r, 10, &k);
    int64_t amounts[10][MB_AMT_COUNT_ + 2];
    int32_t status[10], covered[10];
    memset(amounts, 0x55, sizeof amounts);
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    out.amounts = &amounts[0][0];
    out.stride = MB_AMT_COUNT_ + 2;
    out.status = status;
    out.covered = covered;
    mb_error_clear(err);
    int rc = mb_settle_columns(chain, 1, e, 3, &k.c, &out, NULL, err);
    CHECK_RC(rc, MB_E_INVALID_ARGUMENT, "the batch returns its first failed row's status");
    CHECK(strncmp(mb_error_message(err), "row 1 (claim W1-230110): disease 5 is beyond", 44) == 0,
          "and describes that row by index and claim id");
    fprintf(stderr, "  first failure: %s\n", mb_error_message(err));
    CHECK_RC(status[1], MB_E_INVALID_ARGUMENT, "a disease beyond its table");
    CHECK_RC(status[2], MB_E_INVALID_ARGUMENT, "a facility that is not valid text");
    CHECK_RC(status[4], MB_E_INVALID_DATE, "a claim before the ruleset is in force");
    CHECK_RC(status[5], MB_E_INVALID_ARGUMENT, "a claim without items");
    CHECK_RC(status[7], MB_E_INVALID_ARGUMENT, "an enrollee beyond the table");
    CHECK_RC(status[8], MB_E_UNKNOWN_CODE, "an unknown med_type");
    int64_t zero[MB_AMT_COUNT_ + 2] = {0};
    CHECK(memcmp(amounts[1], zero, sizeof zero) == 0 && covered[1] == 0,
          "a failed row's amounts and covered are 0");
    unsigned char after[BLOB_MAX];
    size_t na = save(e[1], after);
    CHECK(na == nb && memcmp(before, after, na) == 0, "failed rows change nothing");
    /* the others went on: 41号 三, in service: (1200 - 500) x 70% = 490, then 1200 x 70% = 840 */
    CHECK_RC(status[0], MB_OK, "person 0's first claim settles");
    CHECK_FEN(amounts[0][MB_AMT_HIFP_PAY], YUAN(490), "(1200 - 500) x 70% = 490");
    CHECK_FEN(amounts[6][MB_AMT_HIFP_PAY], YUAN(840), "the deductible met: 1200 x 70% = 840");
    CHECK_FEN(amounts[9][MB_AMT_HIFP_PAY], YUAN(840), "person 2's second claim: 840");
    CHECK(amounts[0][MB_AMT_COUNT_] == 0 && amounts[0][MB_AMT_COUNT_ + 1] == 0,
          "cells beyond the amounts the library reports are 0");
    CHECK(covered[0] == 1, "covered");
    CHECK_FEN(mb_enrollee_accumulator(e[0], "wuxi-employee-chronic-2021", "chronic.paid", 2023),
              YUAN(490 + 840), "person 0's year: 490 + 840 paid");

    /* the same rows again: each claim id is settled already (the journal keeps it), so each row
     * is refused and nothing changes */
    unsigned char again_before[BLOB_MAX], again_after[BLOB_MAX];
    size_t nab = save(e[0], again_before);
    rc = mb_settle_columns(chain, 1, e, 3, &k.c, &out, NULL, err);
    CHECK_RC(status[0], MB_E_STATE, "a row whose claim id is settled already is refused");
    CHECK_RC(status[9], MB_E_STATE, "every such row");
    size_t naa = save(e[0], again_after);
    CHECK(nab == naa && memcmp(again_before, again_after, nab) == 0, "and changes nothing");

    /* the results a caller may leave out: no status, no amounts, no error report, and no
     * claim ids (rows named by index). The batch still settles the good rows and returns the
     * first failed row's status; with a report, the row is named by its index alone */
    mb_enrollee *g[3];
    wuxi_people(g, 3);
    mb_columns unnamed = k.c;
    unnamed.claim_id = NULL;
    mb_column_results bare = MB_COLUMN_RESULTS_INIT;
    bare.covered = covered;
    covered[0] = covered[1] = 77;
    CHECK_RC(mb_settle_columns(chain, 1, g, 3, &unnamed, &bare, NULL, NULL), MB_E_INVALID_ARGUMENT,
             "without a report, the first failed row's status");
    CHECK(covered[0] == 1 && covered[1] == 0, "the covered column alone is written");
    CHECK_FEN(mb_enrollee_accumulator(g[0], "wuxi-employee-chronic-2021", "chronic.paid", 2023),
              YUAN(490 + 840), "person 0's rows settle as before: 490 + 840");
    for (int p = 0; p < 3; p++)
        mb_enrollee_free(g[p]);
    wuxi_people(g, 3);
    CHECK_RC(mb_settle_columns(chain, 1, g, 3, &unnamed, &bare, NULL, err), MB_E_INVALID_ARGUMENT,
             "with a report");
    CHECK(strncmp(mb_error_message(err), "row 1: disease 5 is beyond", 26) == 0,
          "a row without a claim id is named by its index");
    for (int p = 0; p < 3; p++)
        mb_enrollee_free(g[p]);

    /* rows of enrollees outside the range are neither settled nor written */
    mb_enrollee *f[3];
    wuxi_people(f, 3);
    for (int i = 0; i < 10; i++)
        status[i] = 77;
    mb_columns_options opt = MB_COLUMNS_OPTIONS_INIT;
    opt.enrollee_from = 2;
    rc = mb_settle_columns(chain, 1, f, 3, &k.c, &out, &opt, err);
    CHECK_RC(rc, MB_E_INVALID_ARGUMENT, "enrollees 2.. (and the row beyond the table)");
    CHECK(status[0] == 77 && status[1] == 77 && status[6] == 77, "rows of enrollees 0 and 1 untouched");
    CHECK(status[3] == MB_OK && status[9] == MB_OK && status[7] == MB_E_INVALID_ARGUMENT,
          "enrollee 2's rows settle, and the range reaching the end reports the row beyond it");
    CHECK_FEN(mb_enrollee_accumulator(f[0], "wuxi-employee-chronic-2021", "chronic.paid", 2023),
              0, "enrollee 0 was not settled");
    opt.enrollee_from = 0;
    opt.enrollee_to = 2;
    rc = mb_settle_columns(chain, 1, f, 3, &k.c, &out, &opt, err);
    CHECK_FEN(mb_enrollee_accumulator(f[0], "wuxi-employee-chronic-2021", "chronic.paid", 2023),
              YUAN(490 + 840), "the other range settles enrollee 0 as one call did");
    CHECK_FEN(mb_enrollee_accumulator(f[2], "wuxi-employee-chronic-2021", "chronic.paid", 2023),
              YUAN(490 + 840), "and enrollee 2 once only");

    /* the same handle twice, with two threads: settled on one thread, in row order */
    mb_enrollee *twice[3] = {f[0], f[1], f[0]};
    row t[4] = {wuxi_row(0, 20240110), wuxi_row(2, 20240111), wuxi_row(0, 20240112),
                wuxi_row(2, 20240113)};
    columns_of(t, 4, &k);
    opt = (mb_columns_options)MB_COLUMNS_OPTIONS_INIT;
    opt.threads = 2;
    rc = mb_settle_columns(chain, 1, twice, 3, &k.c, &out, &opt, err);
    CHECK_RC(rc, MB_OK, "four rows of one person under two indices");
    CHECK_FEN(amounts[0][MB_AMT_HIFP_PAY], YUAN(490), "the first pays the deductible: 490");
    CHECK_FEN(amounts[1][MB_AMT_HIFP_PAY] + amounts[2][MB_AMT_HIFP_PAY] + amounts[3][MB_AMT_HIFP_PAY],
              YUAN(3 * 840), "the three after it: 3 x 840");
    CHECK_FEN(mb_enrollee_accumulator(f[0], "wuxi-employee-chronic-2021", "chronic.paid", 2024),
              YUAN(490 + 3 * 840), "2024: 490 + 3 x 840 = 3010, below the 3500 cap");

    /* arguments that make the batch unreadable: nothing settles, nothing is written */
    columns_of(r, 10, &k);
    for (int i = 0; i < 10; i++)
        status[i] = 77;
    mb_columns bad = k.c;
    CHECK_RC(mb_settle_columns(NULL, 1, e, 3, &k.c, &out, NULL, err), MB_E_INVALID_ARGUMENT, "no chain");
    CHECK_RC(mb_settle_columns(chain, 0, e, 3, &k.c, &out, NULL, err), MB_E_CHAIN, "an empty chain");
    CHECK_RC(mb_settle_columns(chain, 1, NULL, 3, &k.c, &out, NULL, err), MB_E_INVALID_ARGUMENT, "no enrollees");
    CHECK_RC(mb_settle_columns(chain, 1, e, 3, NULL, &out, NULL, err), MB_E_INVALID_ARGUMENT, "no columns");
    CHECK_RC(mb_settle_columns(chain, 1, e, 3, &k.c, NULL, NULL, err), MB_E_INVALID_ARGUMENT, "no results");
    bad.size = sizeof bad - 8;
    CHECK_RC(mb_settle_columns(chain, 1, e, 3, &bad, &out, NULL, err), MB_E_INVALID_ARGUMENT,
             "a struct smaller than its first version");
    CHECK(strstr(mb_error_message(err), "MB_COLUMNS_INIT") != NULL, "which says how to initialise it");
    bad = k.c;
    bad.date = NULL;
    CHECK_RC(mb_settle_columns(chain, 1, e, 3, &bad, &out, NULL, err), MB_E_INVALID_ARGUMENT,
             "a required column missing");
    uint64_t offsets[11];
    memcpy(offsets, k.item_start, sizeof offsets);
    offsets[4] = offsets[3] - 1;
    bad = k.c;
    bad.item_start = offsets;
    CHECK_RC(mb_settle_columns(chain, 1, e, 3, &bad, &out, NULL, err), MB_E_INVALID_ARGUMENT,
             "item offsets that decrease");
    mb_columns_options wrong = MB_COLUMNS_OPTIONS_INIT;
    wrong.flags = 0x4;
    CHECK_RC(mb_settle_columns(chain, 1, e, 3, &k.c, &out, &wrong, err), MB_E_INVALID_ARGUMENT,
             "unknown flags");
    wrong = (mb_columns_options)MB_COLUMNS_OPTIONS_INIT;
    wrong.enrollee_from = 3;
    wrong.enrollee_to = 2;
    CHECK_RC(mb_settle_columns(chain, 1, e, 3, &k.c, &out, &wrong, err), MB_E_INVALID_ARGUMENT,
             "a range backwards");
    bool untouched = true;
    for (int i = 0; i < 10; i++)
        untouched &= status[i] == 77;
    CHECK(untouched, "no row was written by a refused batch");
    CHECK_FEN(mb_enrollee_accumulator(e[2], "wuxi-employee-chronic-2021", "chronic.paid", 2023),
              YUAN(490 + 840), "and no enrollee changed");
    /* an empty batch settles nothing and succeeds */
    mb_columns empty = MB_COLUMNS_INIT;
    CHECK_RC(mb_settle_columns(chain, 1, e, 3, &empty, &out, NULL, err), MB_OK, "no rows");
    for (int p = 0; p < 3; p++) {
        mb_enrollee_free(e[p]);
        mb_enrollee_free(f[p]);
    }
}

/* A caller's stride wider than the library's amounts keeps every amount, the last one too:
 * a row settled upstream with a part above the price limits (超限价, the last amount), at a
 * stride of two more, against the same row at the library's stride for a twin enrollee. */
static void wide_rows_keep_every_amount(void)
{
    const mb_ruleset *chain[] = {find("wuxi-employee-chronic-2021")};
    if (chain[0] == NULL)
        return;
    ndiseases = 0;
    diseases[ndiseases++] = "糖尿病";
    /* 1200 of class A, 1000 of it policy-scope upstream and 300 paid by basic insurance there:
     * 1200 - 1000 = 200 above the price limits */
    row r[1] = {wuxi_row(0, 20230110)};
    r[0].up_compliant = YUAN(1000), r[0].up_basic = YUAN(300), r[0].up_critical = -1;
    static columns k;
    columns_of(r, 1, &k);
    int64_t narrow[MB_AMT_COUNT_], wide[MB_AMT_COUNT_ + 2];
    memset(wide, 0x55, sizeof wide);
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    mb_enrollee *twins[2][1];
    wuxi_people(twins[0], 1);
    wuxi_people(twins[1], 1);
    out.amounts = narrow, out.stride = MB_AMT_COUNT_;
    CHECK_RC(mb_settle_columns(chain, 1, twins[0], 1, &k.c, &out, NULL, err), MB_OK, "narrow");
    out.amounts = wide, out.stride = MB_AMT_COUNT_ + 2;
    CHECK_RC(mb_settle_columns(chain, 1, twins[1], 1, &k.c, &out, NULL, err), MB_OK, "wide");
    CHECK_FEN(narrow[MB_AMT_OVERLMT_SELFPAY], YUAN(200), "1200 - 1000 above the price limits");
    CHECK(memcmp(wide, narrow, sizeof narrow) == 0, "the wide row holds every amount, the last too");
    CHECK(wide[MB_AMT_COUNT_] == 0 && wide[MB_AMT_COUNT_ + 1] == 0, "and zero beyond them");
    mb_enrollee_free(twins[0][0]);
    mb_enrollee_free(twins[1][0]);
}

int main(void)
{
    err = mb_error_new();
    nbundled = fx_load_bundled(bundled, MAX_RULESETS);
    CHECK(nbundled >= 6, "the six bundled rulesets load");
    fx_each_tier_chain(bundled, nbundled, compare_chain);
    fprintf(stderr, "  %ld rows compared, %ld of them covered, %ld refused alike:", compared,
            covered_rows, failed_rows);
    for (int k = 1; k < 20; k++)
        if (by_status[k])
            fprintf(stderr, " %s %ld", mb_status_name(-k), by_status[k]);
    fprintf(stderr, "\n  %ld chains compared, %ld passed over (rulesets of years that never "
            "meet)\n", chains_compared, chains_apart);
    CHECK(compared > 10000, "many rows were compared");
    CHECK(failed_rows > compared / 50 && failed_rows < compared / 2,
          "some rows, not most, are refused: the errors are compared too");
    row_errors();
    wide_rows_keep_every_amount();
    for (size_t i = 0; i < nbundled; i++)
        mb_ruleset_free(bundled[i]);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
