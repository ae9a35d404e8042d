/* The columnar batch's refusals (mb_settle_columns, include/medbenefit.h): arguments that
 * cannot be right are refused whole with MB_E_INVALID_ARGUMENT and a message saying which;
 * a row that cannot be settled fails alone, its status the setter's, the batch going on and
 * the first failure described with its row and claim; and, over several threads, an enrollee
 * given twice is settled on one. Each refusal changes no enrollee. test_columns.c has the
 * amounts. Public API only. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;
static mb_ruleset *cz; /* 常政办发〔2022〕91号: general outpatient at first-visit C01 */

enum { ROWS = 3 };

/* Three Changzhou outpatient claims of 1000.00, class A, at the first-visit facility. */
static uint32_t who[ROWS] = {0, 1, 0};
static const char *ids[ROWS] = {"R0", "R1", "R2"};
static int32_t dates[ROWS] = {20230301, 20230302, 20230303};
static int32_t meds[ROWS] = {MB_MED_GENERAL_OUTPATIENT, MB_MED_GENERAL_OUTPATIENT,
                             MB_MED_GENERAL_OUTPATIENT};
static int32_t levels[ROWS] = {MB_LEVEL_PRIMARY, MB_LEVEL_PRIMARY, MB_LEVEL_PRIMARY};
static int32_t facility[ROWS] = {0, 0, 0};
static uint64_t starts[ROWS + 1] = {0, 1, 2, 3};
static int64_t fen[ROWS] = {100000, 100000, 100000};
static int32_t classes[ROWS] = {MB_CLASS_A, MB_CLASS_A, MB_CLASS_A};
static const char *facilities[1] = {"C01"};

static mb_columns columns(void)
{
    mb_columns c = MB_COLUMNS_INIT;
    c.nrows = ROWS;
    c.enrollee = who;
    c.claim_id = ids;
    c.date = dates;
    c.med_type = meds;
    c.level = levels;
    c.facility = facility;
    c.item_start = starts;
    c.item_fen = fen;
    c.item_class = classes;
    c.facilities = facilities;
    c.nfacilities = 1;
    return c;
}

static mb_enrollee *people[2];
static unsigned char before[2][4096];
static size_t nbefore[2];

static void keep(void)
{
    for (int k = 0; k < 2; k++)
        nbefore[k] = fx_save(people[k], before[k], sizeof before[k]);
}

static bool unchanged(void)
{
    unsigned char now[4096];
    for (int k = 0; k < 2; k++)
        if (!fx_same(before[k], nbefore[k], now, fx_save(people[k], now, sizeof now)))
            return false;
    return true;
}

static int run(const mb_columns *c, const mb_column_results *out, const mb_columns_options *o)
{
    const mb_ruleset *chain[1] = {cz};
    mb_error_clear(err);
    return mb_settle_columns(chain, 1, people, 2, c, out, o, err);
}

static bool says(const char *part)
{
    if (strstr(mb_error_message(err), part) != NULL)
        return true;
    fprintf(stderr, "  message: %s\n  lacks: %s\n", mb_error_message(err), part);
    return false;
}

static void whole_batches_refused(void)
{
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    mb_columns c = columns();
    keep();
    c.size = 8;
    CHECK_RC(run(&c, &out, NULL), MB_E_INVALID_ARGUMENT, "a columns struct of another size");
    CHECK(says("MB_COLUMNS.size is 8: initialise it with MB_COLUMNS_INIT"), "names the fix");
    c = columns();
    mb_column_results bad_out = out;
    bad_out.size = sizeof bad_out + 64;
    CHECK_RC(run(&c, &bad_out, NULL), MB_E_INVALID_ARGUMENT, "results of a newer library");
    mb_columns_options o = MB_COLUMNS_OPTIONS_INIT;
    o.flags = 0x10;
    CHECK_RC(run(&c, &out, &o), MB_E_INVALID_ARGUMENT, "an unknown flag");
    CHECK(says("unknown batch flags 0x10"), "names it");
    o = (mb_columns_options)MB_COLUMNS_OPTIONS_INIT;
    o.enrollee_from = 2, o.enrollee_to = 1;
    CHECK_RC(run(&c, &out, &o), MB_E_INVALID_ARGUMENT, "a range backwards");
    CHECK(says("enrollees 2 to 1 are not a range of the 2 given"), "names it");
    o.enrollee_from = 0, o.enrollee_to = 3;
    CHECK_RC(run(&c, &out, &o), MB_E_INVALID_ARGUMENT, "a range past the end");
    /* each required column missing in turn */
    for (int k = 0; k < 5; k++) {
        c = columns();
        if (k == 0)
            c.enrollee = NULL;
        else if (k == 1)
            c.date = NULL;
        else if (k == 2)
            c.med_type = NULL;
        else if (k == 3)
            c.level = NULL;
        else
            c.item_start = NULL;
        CHECK_RC(run(&c, &out, NULL), MB_E_INVALID_ARGUMENT, "a required column missing");
        CHECK(says("the enrollee, date, med_type, level and item_start columns are required"),
              "names the required columns");
    }
    c = columns();
    static uint64_t from_one[ROWS + 1] = {1, 1, 2, 3}, backwards[ROWS + 1] = {0, 2, 1, 3};
    c.item_start = from_one;
    CHECK_RC(run(&c, &out, NULL), MB_E_INVALID_ARGUMENT, "item_start[0] not 0");
    CHECK(says("item_start[0] is 1, not 0"), "says so");
    c.item_start = backwards;
    CHECK_RC(run(&c, &out, NULL), MB_E_INVALID_ARGUMENT, "offsets that decrease");
    CHECK(says("item_start[2] = 1 is below item_start[1] = 2: offsets never decrease"), "says so");
    c = columns();
    c.item_fen = NULL;
    CHECK_RC(run(&c, &out, NULL), MB_E_INVALID_ARGUMENT, "items without their amounts");
    CHECK(says("rows have items, but item_fen or item_class is NULL"), "says so");
    c = columns();
    c.item_class = NULL;
    CHECK_RC(run(&c, &out, NULL), MB_E_INVALID_ARGUMENT, "items without their classes");
    CHECK(says("rows have items, but item_fen or item_class is NULL"), "says so");
    /* each string table counted but not given */
    for (int k = 0; k < 4; k++) {
        c = columns();
        if (k == 0)
            c.facilities = NULL;
        else if (k == 1)
            c.ndiseases = 1;
        else if (k == 2)
            c.ntreatments = 1;
        else
            c.nfacility_categories = 1;
        CHECK_RC(run(&c, &out, NULL), MB_E_INVALID_ARGUMENT, "a table without its array");
        CHECK(says("a string table has entries but no array"), "says so");
    }
    /* counts no array can have: their tables' size would wrap (the arrays are never read) */
    for (int k = 0; k < 3; k++) {
        c = columns();
        static const char *many[1] = {"X"};
        c.diseases = c.treatments = many;
        if (k == 0)
            c.nfacilities = SIZE_MAX;
        else if (k == 1)
            c.nfacilities = SIZE_MAX / 16 + 1, c.ndiseases = 1; /* 16-byte entries */
        else
            c.ndiseases = SIZE_MAX / 4, c.ntreatments = 2;
        CHECK_RC(run(&c, &out, NULL), MB_E_INVALID_ARGUMENT, "string tables past any array");
        CHECK(says("the string tables' counts") && says("are past any array"), "says so");
    }
    /* no string table at all: nothing is allocated or pointed into (clang's UBSan saw NULL + 0
     * there, found by fuzz_api's columnar batches) */
    c = columns();
    c.facility = NULL, c.facilities = NULL, c.nfacilities = 0;
    mb_columns_options presettle = MB_COLUMNS_OPTIONS_INIT;
    presettle.flags = MB_BATCH_PRESETTLE;
    CHECK_RC(run(&c, &out, &presettle), MB_OK, "a batch without string tables");
    const mb_ruleset *chain[1] = {cz};
    CHECK_RC(mb_settle_columns(chain, 1, NULL, 2, &c, &out, NULL, err), MB_E_INVALID_ARGUMENT,
             "no enrollees");
    CHECK_RC(mb_settle_columns(chain, 1, people, 2, NULL, &out, NULL, err), MB_E_INVALID_ARGUMENT,
             "no columns");
    c = columns();
    c.nrows = 0;
    CHECK_RC(run(&c, &out, NULL), MB_OK, "no rows: nothing to do");
    CHECK_RC(mb_settle_columns(chain, 1, NULL, 0, &c, &out, NULL, err), MB_OK,
             "no rows and no enrollees (NULL, 0): nothing to do");
    CHECK(unchanged(), "the refused batches changed no enrollee");
}

static void rows_that_fail_alone(void)
{
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    int32_t status[ROWS], covered[ROWS];
    int64_t amounts[ROWS][MB_AMT_COUNT_];
    out.status = status, out.covered = covered, out.amounts = &amounts[0][0];
    out.stride = MB_AMT_COUNT_;
    static const struct {
        const char *why, *says;
        int status;
    } cases[] = {
        {"a facility beyond the table", "facility 5 is beyond the 1 of its table", MB_E_INVALID_ARGUMENT},
        {"a facility entry that is NULL", "facility 0 of the table is NULL", MB_E_INVALID_ARGUMENT},
        {"a facility entry that is not UTF-8", "facility is not valid UTF-8", MB_E_INVALID_ARGUMENT},
        {"an enrollee beyond those given", "enrollee 7 is beyond the 2 given", MB_E_INVALID_ARGUMENT},
        {"a claim id that is not UTF-8", "claim id is not valid UTF-8", MB_E_INVALID_ARGUMENT},
        {"a prescriber without a level", "", MB_E_UNKNOWN_CODE},
        {"a prescriber with no level column", "", MB_E_UNKNOWN_CODE},
        {"a treatment beyond the table", "treatment 3 is beyond the 0 of its table", MB_E_INVALID_ARGUMENT},
        {"a facility category beyond the table", "facility category 2 is beyond the 0 of its table", MB_E_INVALID_ARGUMENT},
        {"a discharge before the admission", "", MB_E_INVALID_DATE},
        {"more settled upstream than its compliant cost", "", MB_E_INVALID_AMOUNT},
        {"a prescriber beyond the facilities", "prescriber 5 is beyond the 1 of its table", MB_E_INVALID_ARGUMENT},
        {"an admission without a discharge", "", MB_E_INVALID_DATE},
        /* named by its row alone, and as a claim without an id: not "row 1 (claim ): claim  has" */
        {"a claim without an id or items", "row 1: claim (no id) has no line items",
         MB_E_INVALID_ARGUMENT},
        /* one past the end, where a bound made inclusive would read past the table */
        {"a facility just past the table", "facility 1 is beyond the 1 of its table", MB_E_INVALID_ARGUMENT},
        {"an enrollee just past those given", "enrollee 2 is beyond the 2 given", MB_E_INVALID_ARGUMENT},
        /* a row's items, refused as mb_claim_add_item refuses them: the sums' one pass sees
         * that one is, and the row is added again item by item to say which and why */
        {"a negative item", "row 1 (claim R1): item amount -1 fen is negative or absurd",
         MB_E_INVALID_AMOUNT},
        {"an item past the largest amount",
         "item amount 100000000000001 fen is negative or absurd", MB_E_INVALID_AMOUNT},
        {"an item of the class after C", "unknown item class 4 (A, B or C)", MB_E_UNKNOWN_CODE},
        /* after an amount, a negative one's 64 bits wrap the row's sum below the largest */
        {"a negative item after another", "item amount -1 fen is negative or absurd",
         MB_E_INVALID_AMOUNT},
        {"items whose total passes the largest amount",
         "the claim's total would exceed 10^12 yuan", MB_E_OVERFLOW},
        {"a first self-pay ratio past 100%", "first self-pay ratio 10001 bp is outside 0..10000",
         MB_E_INVALID_ARGUMENT},
        {"a first self-pay ratio on a class A item",
         "only class B items have a first self-pay ratio", MB_E_INVALID_ARGUMENT},
        {"a negative item beside first self-pay ratios", "item amount -5 fen is negative or absurd",
         MB_E_INVALID_AMOUNT},
        /* a row's claim id is measured as ASCII and checked whole only where it is not: one
         * byte past the 63 a field takes, and a stray byte after the ASCII */
        {"a claim id of 64 ASCII bytes", "claim id is longer than 63 bytes",
         MB_E_INVALID_ARGUMENT},
        {"a claim id whose last byte is not UTF-8", "claim id is not valid UTF-8",
         MB_E_INVALID_ARGUMENT},
        /* within what the upstream setter takes, past the claim's total: refused by the claim's
         * check, which a batch passes over inline only for a claim settled nowhere upstream */
        {"an upstream policy-scope cost past the claim's total", "exceed the claim's total",
         MB_E_INVALID_AMOUNT},
    };
    for (int k = 0; k < (int)(sizeof cases / sizeof cases[0]); k++) {
        mb_columns c = columns();
        static int32_t bad_facility[ROWS], prescriber[ROWS], plevel[ROWS];
        static uint32_t bad_who[ROWS];
        static const char *bad_ids[ROWS], *null_table[1] = {NULL}, *bad_table[1] = {"C\xff"};
        memcpy(bad_facility, facility, sizeof facility);
        memcpy(bad_who, who, sizeof who);
        memcpy(bad_ids, ids, sizeof ids);
        switch (k) {
        case 0: bad_facility[1] = 5, c.facility = bad_facility; break;
        case 1: c.facilities = null_table; break;
        case 2: c.facilities = bad_table; break;
        case 3: bad_who[1] = 7, c.enrollee = bad_who; break;
        case 4: bad_ids[1] = "R\xff", c.claim_id = bad_ids; break;
        case 5:
            for (int i = 0; i < ROWS; i++)
                prescriber[i] = i == 1 ? 0 : -1, plevel[i] = 0;
            c.prescriber = prescriber, c.prescriber_level = plevel;
            break;
        case 6:
            for (int i = 0; i < ROWS; i++)
                prescriber[i] = i == 1 ? 0 : -1;
            c.prescriber = prescriber;
            break;
        case 7: {
            static int32_t treatment[ROWS] = {-1, 3, -1};
            c.treatment = treatment;
            break;
        }
        case 8: {
            static int32_t category[ROWS] = {-1, 2, -1};
            c.facility_category = category;
            break;
        }
        case 9: {
            static int32_t admitted[ROWS] = {0, 20230305, 0}, discharged[ROWS] = {0, 20230302, 0};
            c.admitted = admitted, c.discharged = discharged;
            break;
        }
        case 10: {
            static int64_t compliant[ROWS] = {-1, 100000, -1}, basic[ROWS] = {0, 200000, 0};
            c.up_compliant = compliant, c.up_basic = basic;
            break;
        }
        case 11:
            for (int i = 0; i < ROWS; i++)
                prescriber[i] = i == 1 ? 5 : -1, plevel[i] = MB_LEVEL_TERTIARY;
            c.prescriber = prescriber, c.prescriber_level = plevel;
            break;
        case 12: {
            static int32_t admitted[ROWS] = {0, 20230301, 0}, discharged[ROWS] = {0, 0, 0};
            c.admitted = admitted, c.discharged = discharged;
            break;
        }
        case 13: {
            static uint64_t no_items[ROWS + 1] = {0, 1, 1, 2};
            bad_ids[1] = "", c.claim_id = bad_ids, c.item_start = no_items;
            break;
        }
        case 14: bad_facility[1] = 1, c.facility = bad_facility; break;
        case 15: bad_who[1] = 2, c.enrollee = bad_who; break;
        case 16: case 17: case 18: {
            static int64_t bad_fen[ROWS];
            static int32_t bad_class[ROWS];
            memcpy(bad_fen, fen, sizeof fen);
            memcpy(bad_class, classes, sizeof classes);
            if (k == 16)
                bad_fen[1] = -1;
            else if (k == 17)
                bad_fen[1] = INT64_C(100000000000001);
            else
                bad_class[1] = MB_CLASS_C + 1;
            c.item_fen = bad_fen, c.item_class = bad_class;
            break;
        }
        case 19: { /* row 1: an amount, then -1 */
            static uint64_t two[ROWS + 1] = {0, 1, 3, 4};
            static int64_t wrap[4] = {100000, 100000, -1, 100000};
            static int32_t cls[4] = {MB_CLASS_A, MB_CLASS_A, MB_CLASS_A, MB_CLASS_A};
            c.item_start = two, c.item_fen = wrap, c.item_class = cls;
            break;
        }
        case 20: { /* row 1: two items, each an amount, together past the largest */
            static uint64_t two[ROWS + 1] = {0, 1, 3, 4};
            static int64_t big[4] = {100000, INT64_C(100000000000000), 1, 100000};
            static int32_t cls[4] = {MB_CLASS_A, MB_CLASS_A, MB_CLASS_A, MB_CLASS_A};
            c.item_start = two, c.item_fen = big, c.item_class = cls;
            break;
        }
        case 21: case 22: case 23: {
            static int32_t bp[ROWS], cls[ROWS];
            static int64_t amounts_of[ROWS];
            memcpy(amounts_of, fen, sizeof fen);
            for (int i = 0; i < ROWS; i++)
                bp[i] = -1, cls[i] = MB_CLASS_B;
            if (k == 21)
                bp[1] = 10001;
            else if (k == 22)
                bp[1] = 1000, cls[1] = MB_CLASS_A;
            else
                amounts_of[1] = -5;
            c.item_fen = amounts_of, c.item_class = cls, c.item_selfpay_bp = bp;
            break;
        }
        case 24: /* 64 bytes of ASCII, no room for the NUL */
            bad_ids[1] = "R123456789012345678901234567890123456789012345678901234567890123";
            c.claim_id = bad_ids;
            break;
        case 25: bad_ids[1] = "R\xe6\x97\xa0\xe9", c.claim_id = bad_ids; break; /* 无, then a lead byte alone */
        case 26: {
            static int64_t compliant[ROWS] = {-1, 100001, -1}; /* 1000.00 of class A, 1000.01 */
            c.up_compliant = compliant;
            break;
        }
        }
        /* the other rows settle: give each a fresh pair of enrollees */
        mb_enrollee_free(people[0]);
        mb_enrollee_free(people[1]);
        people[0] = fx_enrollee("P0", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        people[1] = fx_enrollee("P1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        FX_OK(mb_enrollee_set_first_visit_facility(people[0], "C01", fx_error()));
        FX_OK(mb_enrollee_set_first_visit_facility(people[1], "C01", fx_error()));
        int rc = run(&c, &out, NULL);
        bool alone = k == 1 || k == 2 ? status[0] == cases[k].status && status[2] == cases[k].status
                                      : status[0] == MB_OK && status[2] == MB_OK;
        if (rc == cases[k].status && status[1] == cases[k].status && alone &&
            covered[1] == 0 && amounts[1][MB_AMT_MEDFEE_SUMAMT] == 0 && says(cases[k].says) &&
            says("row "))
            check_passed++;
        else {
            check_failed++;
            fprintf(stderr, "%s:%d: FAIL %s: rc %s, statuses %d %d %d\n", __FILE__, __LINE__,
                    cases[k].why, mb_status_name(rc), status[0], status[1], status[2]);
        }
    }
}

static void one_enrollee_twice_over_threads(void)
{
    mb_enrollee_free(people[0]);
    mb_enrollee_free(people[1]);
    people[0] = fx_enrollee("P0", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    FX_OK(mb_enrollee_set_first_visit_facility(people[0], "C01", fx_error()));
    people[1] = people[0]; /* the same enrollee at both indexes */
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    int32_t status[ROWS];
    int64_t amounts[ROWS][MB_AMT_COUNT_];
    out.status = status, out.amounts = &amounts[0][0], out.stride = MB_AMT_COUNT_;
    mb_columns c = columns();
    /* the first row of index 1, which a second thread would take: were the handle settled on
     * both threads, its rows' order would be the threads' race, and row 1 (index 0, the calling
     * thread's) could take the deductible (a mutant of the check did, in 1 run of 6) */
    static const uint32_t first_on_the_other[ROWS] = {1, 0, 1};
    c.enrollee = first_on_the_other;
    mb_columns_options o = MB_COLUMNS_OPTIONS_INIT;
    o.threads = 2;
    CHECK_RC(run(&c, &out, &o), MB_OK, "three rows of one enrollee given twice, on two threads");
    /* 91号 二（一）, in service at the first-visit facility: deductible 600 (a year's first),
     * then 80%: (1000 - 600) x 80% = 320, then 1000 x 80% = 800 twice, in date order */
    CHECK_FEN(amounts[0][MB_AMT_HIFP_PAY], YUAN(320), "the first claim meets the deductible");
    CHECK_FEN(amounts[1][MB_AMT_HIFP_PAY], YUAN(800), "the second, on the same enrollee");
    CHECK_FEN(amounts[2][MB_AMT_HIFP_PAY], YUAN(800), "the third");
    people[1] = NULL;
    o.threads = 100;
    c.enrollee = who; /* row 0 of index 0, P0 */
    c.nrows = 1;
    CHECK_RC(run(&c, &out, &o), MB_E_STATE, "row 0 again, on more threads than enrollees");
    CHECK(says("row 0 (claim R0)") && says("already settled"),
          "the row, its claim, and why: the journal holds it");
}

int main(void)
{
    err = mb_error_new();
    cz = fx_ruleset(MB_TEST_CHANGZHOU);
    people[0] = fx_enrollee("P0", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    people[1] = fx_enrollee("P1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    if (cz) {
        whole_batches_refused();
        rows_that_fail_alone();
        one_enrollee_twice_over_threads();
    }
    mb_enrollee_free(people[0]);
    mb_enrollee_free(people[1]);
    mb_ruleset_free(cz);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
