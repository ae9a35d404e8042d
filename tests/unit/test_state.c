/* Enrollee state: save/restore, the size query, reversal (exact, once, last first, own
 * enrollee only), corrupt blobs refused, and seeding year-to-date figures (lib/state.c,
 * lib/enrollee.c, mb_reverse in lib/settle.c). Public API only. */
#include <string.h>

#include "blob.h"
#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

#define WUXI "wuxi-employee-chronic-2021"
#define CHANGZHOU "changzhou-employee-outpatient-2023"
#define JIAOZUO "jiaozuo-chronic-2022"

static mb_error *err;
static mb_ruleset *wuxi, *changzhou, *jiaozuo;

/* A Wuxi chronic patient with something of everything the blob holds. */
static mb_enrollee *wuxi_person(const char *id, int64_t balance)
{
    mb_enrollee *e = fx_wuxi_patient(id, MB_PERSON_IN_SERVICE, balance);
    FX_OK(mb_enrollee_set_first_visit_facility(e, "C01", fx_error()));
    FX_OK(mb_enrollee_add_assistance(e, "low_income_margin", 20210101, 20211231, fx_error()));
    return e;
}

/* ---- save / restore ------------------------------------------------------------------------ */

static void save_restore_save_is_identical(void)
{
    unsigned char a[BLOB_MAX], b[BLOB_MAX];
    mb_enrollee *e = wuxi_person("RT-1", YUAN(300));
    mb_result *r = fx_result();
    mb_claim *c = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
    CHECK_RC(mb_enrollee_seed(e, CHANGZHOU, "outpatient_pooling.paid", 2023, YUAN(8000), err),
             MB_OK, "seed another ruleset's figure");
    size_t na = fx_save(e, a, BLOB_MAX);
    CHECK(na > 16, "a blob holds header, payload and checksum");
    CHECK(memcmp(a, "MBEN", 4) == 0, "the blob starts with its magic");
    size_t nb = fx_save(e, b, BLOB_MAX);
    CHECK(fx_same(a, na, b, nb), "saving the same state twice gives the same bytes");

    mb_enrollee *copy = NULL;
    CHECK_RC(mb_enrollee_restore(&copy, a, na, err), MB_OK, "restore");
    if (copy == NULL)
        return;
    nb = fx_save(copy, b, BLOB_MAX);
    CHECK(fx_same(a, na, b, nb), "restore then save gives identical bytes");
    CHECK(strcmp(mb_enrollee_id(copy), "RT-1") == 0, "the id survives");
    CHECK_FEN(mb_enrollee_account_balance(copy), 0, "the balance survives (300 used)");
    CHECK_FEN(mb_enrollee_accumulator(copy, WUXI, "chronic.base", 2021), YUAN(900),
              "the Wuxi base survives (1200 - 300 account)");
    CHECK_FEN(mb_enrollee_accumulator(copy, CHANGZHOU, "outpatient_pooling.paid", 2023),
              YUAN(8000), "a seeded figure survives");

    /* the size query: buf NULL, cap 0 */
    size_t len = 0;
    mb_error_clear(err);
    CHECK_RC(mb_enrollee_save(e, NULL, 0, &len, err), MB_E_BUFFER, "the size query");
    CHECK(len == na, "the size query returns the size needed");
    CHECK_RC(mb_error_status(err), MB_E_BUFFER, "the report says buffer");
    /* a buffer one byte short: refused, the size returned, nothing written past cap */
    unsigned char small[BLOB_MAX];
    memset(small, 0xa5, sizeof small);
    len = 0;
    CHECK_RC(mb_enrollee_save(e, small, na - 1, &len, err), MB_E_BUFFER, "one byte short");
    CHECK(len == na, "the size needed again");
    CHECK(small[na - 1] == 0xa5, "nothing written past the capacity given");
    len = 0;
    CHECK_RC(mb_enrollee_save(e, small, na, &len, err), MB_OK, "exactly the size needed");
    CHECK(fx_same(small, len, a, na), "the same bytes");
    CHECK_RC(mb_enrollee_save(NULL, small, na, &len, err), MB_E_INVALID_ARGUMENT, "NULL enrollee");
    CHECK_RC(mb_enrollee_save(e, small, na, NULL, err), MB_E_INVALID_ARGUMENT, "NULL len");
    mb_enrollee *none = (mb_enrollee *)(uintptr_t)1;
    CHECK_RC(mb_enrollee_restore(&none, NULL, 10, err), MB_E_INVALID_ARGUMENT, "NULL buffer");
    CHECK_RC(mb_enrollee_restore(NULL, a, na, err), MB_E_INVALID_ARGUMENT, "NULL out");

    /* restore then continue settling: the same amounts as the original
     * (deductible met by C1's 900: 1000 x 70% = 700) */
    mb_result *r2 = fx_result();
    mb_claim *c2 = fx_wuxi_claim("C2", 20210301, YUAN(1000));
    CHECK_RC(fx_settle(r, wuxi, e, c2, err), MB_OK, "the original settles C2");
    CHECK_RC(fx_settle(r2, wuxi, copy, c2, err), MB_OK, "the restored copy settles C2");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(700), "1000 x 70% = 700");
    for (int k = 0; k < MB_AMT_COUNT_; k++)
        CHECK_FEN(mb_result_amount(r2, k), mb_result_amount(r, k), "the copy settles the same");
    na = fx_save(e, a, BLOB_MAX);
    nb = fx_save(copy, b, BLOB_MAX);
    CHECK(fx_same(a, na, b, nb), "and both end in the same state");

    mb_claim_free(c);
    mb_claim_free(c2);
    mb_result_free(r);
    mb_result_free(r2);
    mb_enrollee_free(e);
    mb_enrollee_free(copy);

    /* a fresh enrollee with nothing set also round-trips, NULL id included */
    mb_enrollee *blank = NULL;
    CHECK_RC(mb_enrollee_new(&blank, NULL, MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    na = fx_save(blank, a, BLOB_MAX);
    mb_enrollee *blank2 = NULL;
    CHECK_RC(mb_enrollee_restore(&blank2, a, na, err), MB_OK, "restore a blank enrollee");
    if (blank2 != NULL) {
        nb = fx_save(blank2, b, BLOB_MAX);
        CHECK(fx_same(a, na, b, nb), "blank round trip");
    }
    mb_enrollee_free(blank);
    mb_enrollee_free(blank2);
}

static void altered_blob_refused(void)
{
    unsigned char a[BLOB_MAX], b[BLOB_MAX];
    mb_enrollee *e = wuxi_person("CO-1", YUAN(300));
    mb_result *r = fx_result();
    mb_claim *c = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
    size_t n = fx_save(e, a, BLOB_MAX);
    CHECK(crc32(a, n - 4) == ((uint32_t)a[n - 4] | (uint32_t)a[n - 3] << 8 |
                              (uint32_t)a[n - 2] << 16 | (uint32_t)a[n - 1] << 24),
          "the trailer is the CRC-32 of the bytes before it");

    /* truncated at every length */
    int truncated_ok = 1;
    for (size_t len = 0; len < n; len++) {
        mb_enrollee *x = NULL;
        int rc = mb_enrollee_restore(&x, a, len, err);
        if (rc != MB_E_CORRUPT || x != NULL) {
            truncated_ok = 0;
            fprintf(stderr, "  truncated at %zu: %s\n", len, mb_status_name(rc));
        }
        mb_enrollee_free(x);
    }
    CHECK(truncated_ok, "a blob cut at any length 0..len-1 is MB_E_CORRUPT");
    /* padded by a byte */
    memcpy(b, a, n);
    b[n] = 0;
    mb_enrollee *x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, b, n + 1, err), MB_E_CORRUPT, "a padded blob");
    mb_enrollee_free(x);

    /* every byte altered, and every single bit flipped */
    int bytes_ok = 1, bits_ok = 1;
    for (size_t i = 0; i < n; i++) {
        memcpy(b, a, n);
        b[i] ^= 0xff;
        x = NULL;
        int rc = mb_enrollee_restore(&x, b, n, err);
        if (rc != MB_E_CORRUPT || x != NULL) {
            bytes_ok = 0;
            fprintf(stderr, "  byte %zu flipped: %s\n", i, mb_status_name(rc));
        }
        mb_enrollee_free(x);
        for (int bit = 0; bit < 8; bit++) {
            memcpy(b, a, n);
            b[i] ^= (unsigned char)(1u << bit);
            x = NULL;
            rc = mb_enrollee_restore(&x, b, n, err);
            if (rc != MB_E_CORRUPT || x != NULL)
                bits_ok = 0;
            mb_enrollee_free(x);
        }
    }
    CHECK(bytes_ok, "every byte altered is MB_E_CORRUPT (checksum)");
    CHECK(bits_ok, "every single bit flipped is MB_E_CORRUPT (checksum)");

    /* a newer version, with a valid checksum: refused as newer, not misread */
    memcpy(b, a, n);
    b[4] = (unsigned char)(b[4] + 1);
    put_crc(b, n);
    x = NULL;
    mb_error_clear(err);
    CHECK_RC(mb_enrollee_restore(&x, b, n, err), MB_E_CORRUPT, "a version bumped");
    CHECK(strstr(mb_error_message(err), "version") != NULL, "the message says version");
    mb_enrollee_free(x);
    memcpy(b, a, n);
    b[5] = 0x80; /* version 32769 */
    put_crc(b, n);
    x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, b, n, err), MB_E_CORRUPT, "a far newer version");
    mb_enrollee_free(x);
    /* consistent length and checksum around a bad payload: still refused */
    memcpy(b, a, n);
    b[12] = 0xff; /* the id's length: 255 + more bytes than there are */
    put_crc(b, n);
    x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, b, n, err), MB_E_CORRUPT, "a payload lying about lengths");
    mb_enrollee_free(x);
    /* a payload length that agrees with a truncated blob: the checksum still refuses it */
    memcpy(b, a, n);
    size_t cut = n - 20; /* one accumulator fewer */
    uint32_t payload = (uint32_t)(cut - 16);
    for (int i = 0; i < 4; i++)
        b[8 + i] = (unsigned char)(payload >> (8 * i));
    x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, b, cut, err), MB_E_CORRUPT,
             "a cut blob with its length field fixed");
    mb_enrollee_free(x);
    /* nothing that is not a blob */
    static const char junk[] = "not a saved enrollee at all";
    x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, junk, sizeof junk, err), MB_E_CORRUPT, "junk");
    mb_enrollee_free(x);

    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* ---- hostile blobs: every field forged, each with a valid checksum --------------------------- */

/* The Wuxi patient of wuxi_person("HB-1", 300), with the 2021 base at 5000 and the year's
 * payments at 3000 of the 3500 cap, as the fields of its blob. */
static blob_fields wuxi_fields(void)
{
    blob_fields f = {
        .version = 3, .id = "HB-1", .scheme = MB_SCHEME_EMPLOYEE, .person = MB_PERSON_IN_SERVICE,
        .balance = YUAN(300), .designated = "H001", .first_visit = "C01", .next_designated = "",
        .ndiseases = 1, .diseases = {{"糖尿病", 20210105, 0}},
        .nidentities = 1, .identities = {{LOW_INCOME_MARGIN, 20210101, 20211231, NULL}},
        .naccs = 2,
        .accs = {{acc_key(WUXI, "chronic.base"), 2021, YUAN(5000)},
                 {acc_key(WUXI, "chronic.paid"), 2021, YUAN(3000)}},
        .journal_limit = 32,
    };
    qsort(f.accs, f.naccs, sizeof f.accs[0], cmp_blob_acc);
    return f;
}

/* Restore a forged blob: refused as corrupt, naming the field (`word`): blob.h. */
static void expect_refused(const unsigned char *b, size_t n, const char *what, const char *word)
{
    blob_expect_refused(err, b, n, what, word);
}

/* One forged field: `...` changes f, the Wuxi patient's fields. */
#define HOSTILE(what, word, ...)                                                               \
    do {                                                                                       \
        blob_fields f = wuxi_fields();                                                         \
        __VA_ARGS__;                                                                           \
        size_t n_ = write_blob(&f, blob);                                                      \
        expect_refused(blob, n_, what, word);                                                  \
    } while (0)

/* The test's writer is the format: the fields above give the library's own bytes, and restore. */
static void forged_baseline(void)
{
    unsigned char mine[BLOB_MAX], theirs[BLOB_MAX];
    mb_enrollee *e = wuxi_person("HB-1", YUAN(300));
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(5000), err), MB_OK, "seed");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.paid", 2021, YUAN(3000), err), MB_OK, "seed");
    size_t nt = fx_save(e, theirs, BLOB_MAX);
    blob_fields f = wuxi_fields();
    size_t nm = write_blob(&f, mine);
    CHECK(fx_same(mine, nm, theirs, nt), "the test writes a blob exactly as mb_enrollee_save does");
    mb_enrollee *x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, mine, nm, err), MB_OK, "the written blob restores");
    if (x != NULL) {
        /* the keys are the ones settlement reads: 1200 claimed, the account pays 300 first,
         * the base at 5000 has met the 500 deductible: 900 x 70% = 630, cut to the cap left,
         * 3500 - 3000 = 500 (锡医保服务〔2020〕41号 三) */
        mb_result *r = fx_result();
        mb_claim *c = fx_wuxi_claim("C1", 20210301, YUAN(1200));
        CHECK_RC(fx_settle(r, wuxi, x, c, err), MB_OK, "the restored patient settles");
        CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(500), "3500 - 3000 = 500 left");
        mb_claim_free(c);
        mb_result_free(r);
    }
    mb_enrollee_free(x);
    mb_enrollee_free(e);

    /* the activity date: a Jiaozuo admission discharged 2023-03-01 records it (period 0) */
    mb_enrollee *j = NULL;
    CHECK_RC(mb_enrollee_new(&j, "JZ-1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK,
             "enrollee");
    mb_claim *c = NULL;
    CHECK_RC(mb_claim_new(&c, "I", 20230301, MB_MED_INPATIENT, "H9", MB_LEVEL_SECONDARY, err),
             MB_OK, "claim");
    CHECK_RC(mb_claim_set_admission(c, 20230220, 20230301, err), MB_OK, "admission");
    CHECK_RC(mb_claim_add_item(c, YUAN(100), MB_CLASS_A, -1, err), MB_OK, "item");
    mb_result *r = fx_result();
    CHECK_RC(fx_settle(r, jiaozuo, j, c, err), MB_OK, "the admission settles");
    nt = fx_save(j, theirs, BLOB_MAX);
    /* and the journal holds the admission: the activity raised from nothing to 2023-03-01 */
    blob_fields g = {.version = 3, .id = "JZ-1", .scheme = MB_SCHEME_EMPLOYEE,
                     .person = MB_PERSON_IN_SERVICE, .designated = "", .first_visit = "",
                     .next_designated = "", .naccs = 1,
                     .accs = {{acc_key(JIAOZUO, "activity"), 0, 20230301}},
                     .journal_limit = 32, .nentries = 1,
                     .entries = {{.claim = "I", .date = 20230301, .other = "", .nchanges = 1,
                                  .changes = {{acc_key(JIAOZUO, "activity"), 0, 2, 20230301, 0}}}}};
    nm = write_blob(&g, mine);
    CHECK(fx_same(mine, nm, theirs, nt), "the activity accumulator: period 0, the date as its value");
    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(j);
}

/* Version 3 keeps the birth date and identities a ruleset names; a version 2 blob, as the
 * library wrote it before (the journal, categories only), still restores, and saves back as
 * version 3. */
static void version_three(void)
{
    static const char text[] =
        "id: grp\ntitle: 组\ndocument: 测试〔2024〕2号\ntier: assistance\n"
        "effective_from: 2024-01-01\nupstream: {cite: 测试〔2024〕2号 一}\n"
        "class_b_first_selfpay: {value: 0%, cite: 测试〔2024〕2号 二}\n"
        "groups:\n  - {name: returned_poverty, label: 返贫致贫人口, psn_idet_type: [\"2301\"],\n"
        "     cite: 测试〔2024〕2号 三}\n"
        "categories:\n  - {name: returned_poverty, ratio: 70%, cite: 测试〔2024〕2号 四}\n"
        "funds:\n  - {key: a, employee: \"610100\", resident: \"610100\", name: 救助, amount: maf_pay}\n"
        "layers:\n  - {id: inpatient, cite: 测试〔2024〕2号 五, med_types: [inpatient], fund: a,\n"
        "     base: remaining, ratio_source: category}\n";
    mb_ruleset *grp = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&grp, text, strlen(text), "grp.yaml", err), MB_OK,
             "a ruleset declaring a group loads");
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, "V3", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK,
             "enrollee");
    CHECK_RC(mb_enrollee_set_birth_date(e, 19580615, err), MB_OK, "birth date");
    CHECK_RC(mb_enrollee_add_assistance(e, "low_income_margin", 20210101, 20211231, err), MB_OK,
             "a category");
    CHECK_RC(mb_enrollee_add_identity(e, grp, "2301", 20240101, 0, err), MB_OK,
             "an identity by the platform's psn_idet_type code");
    unsigned char a[BLOB_MAX], b[BLOB_MAX], mine[BLOB_MAX];
    size_t na = fx_save(e, a, BLOB_MAX);
    blob_fields f = {.version = 3, .id = "V3", .scheme = MB_SCHEME_EMPLOYEE,
                     .person = MB_PERSON_IN_SERVICE, .designated = "", .first_visit = "",
                     .next_designated = "", .birth_date = 19580615, .nidentities = 2,
                     .identities = {{LOW_INCOME_MARGIN, 20210101, 20211231, NULL},
                                    {255, 20240101, 0, "2301"}},
                     .journal_limit = 32};
    size_t nm = write_blob(&f, mine);
    CHECK(fx_same(mine, nm, a, na), "version 3: the named identity and the birth date, as written");
    mb_enrollee *x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, a, na, err), MB_OK, "it restores");
    if (x != NULL) {
        CHECK(mb_enrollee_birth_date(x) == 19580615, "the birth date comes back");
        const char *name = NULL;
        CHECK(mb_enrollee_assistance(x, 1, &name, NULL, NULL) == MB_OK && name != NULL &&
                  strcmp(name, "2301") == 0, "the named identity comes back as given");
        CHECK(fx_same(a, na, b, fx_save(x, b, BLOB_MAX)), "and saves back to the same bytes");
        mb_enrollee_free(x);
    }
    /* the library's version 2: categories only, no birth date */
    f.version = 2;
    f.nidentities = 1;
    nm = write_blob(&f, mine);
    x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, mine, nm, err), MB_OK, "a version 2 blob still restores");
    if (x != NULL) {
        CHECK(mb_enrollee_birth_date(x) == 0, "with no birth date");
        CHECK(mb_enrollee_assistance_count(x) == 1, "and its category");
        f.version = 3;
        f.birth_date = 0;
        nm = write_blob(&f, mine);
        CHECK(fx_same(mine, nm, b, fx_save(x, b, BLOB_MAX)), "it saves back as version 3");
        mb_enrollee_free(x);
    }
    mb_enrollee_free(e);
    mb_ruleset_free(grp);
}

/* Every field of the blob, forged one at a time with a valid checksum: each is refused as the
 * setter that sets the field would refuse it, with MB_E_CORRUPT and the field named. */
static void hostile_fields(void)
{
    static unsigned char blob[BLOB_MAX];
    char long_id[65], long_name[129];
    memset(long_id, 'x', 64);
    long_id[64] = '\0';
    memset(long_name, 'x', 128);
    long_name[128] = '\0';

    /* the frame */
    HOSTILE("version 0", "version", f.version = 0);
    HOSTILE("reserved bits set", "reserved", f.reserved = 1);
    /* identity */
    HOSTILE("an id of 64 bytes", "enrollee id", f.id = long_id);
    HOSTILE("an id not UTF-8", "UTF-8", f.id = "HB\xff");
    HOSTILE("an id with an overlong UTF-8 encoding", "UTF-8", f.id = "\xc0\xaf");
    HOSTILE("scheme 0", "scheme", f.scheme = 0);
    HOSTILE("scheme 3", "scheme", f.scheme = 3);
    HOSTILE("an employee of person type 0", "person type", f.person = 0);
    HOSTILE("an employee of person type resident", "person type", f.person = MB_PERSON_RESIDENT);
    HOSTILE("an employee of person type 9", "person type", f.person = 9);
    HOSTILE("a resident of person type retired", "resident",
            (f.scheme = MB_SCHEME_RESIDENT, f.person = MB_PERSON_RETIRED, f.balance = 0));
    HOSTILE("a resident of person type 0 (save writes resident)", "person type",
            (f.scheme = MB_SCHEME_RESIDENT, f.person = 0, f.balance = 0));
    /* account */
    HOSTILE("a negative balance", "balance", f.balance = -1);
    HOSTILE("a balance of INT64_MIN", "balance", f.balance = INT64_MIN);
    HOSTILE("an absurd balance (10^12 yuan + 1 fen)", "balance",
            f.balance = INT64_C(100000000000000) + 1);
    HOSTILE("a resident with a balance", "resident",
            (f.scheme = MB_SCHEME_RESIDENT, f.person = MB_PERSON_RESIDENT, f.balance = 1));
    /* facilities */
    HOSTILE("a designated facility of 64 bytes", "designated", f.designated = long_id);
    HOSTILE("a designated facility not UTF-8", "designated", f.designated = "H\xe4\xb8");
    HOSTILE("a first-visit facility of 64 bytes", "first-visit", f.first_visit = long_id);
    HOSTILE("a first-visit facility not UTF-8", "first-visit", f.first_visit = "\x80");
    HOSTILE("a next designated facility of 64 bytes", "next designated",
            (f.next_designated = long_id, f.next_from = 20220101));
    HOSTILE("a next designated facility not UTF-8", "next designated",
            (f.next_designated = "\xed\xa0\x80", f.next_from = 20220101));
    HOSTILE("a next designated facility without its date", "next designated",
            f.next_designated = "H002");
    HOSTILE("a date for a next designated facility not given", "next designated",
            f.next_from = 20220101);
    HOSTILE("a next designated facility from 2021-13-01", "next designated",
            (f.next_designated = "H002", f.next_from = 20211301));
    HOSTILE("a next designated facility from a negative date", "next designated",
            (f.next_designated = "H002", f.next_from = -20220101));
    /* certifications */
    HOSTILE("a disease without a name", "disease 1", f.diseases[0].name = "");
    HOSTILE("a disease name of 128 bytes", "disease 1", f.diseases[0].name = long_name);
    HOSTILE("a disease name not UTF-8", "disease 1", f.diseases[0].name = "\xe7\xb3");
    HOSTILE("a disease certified on day 0", "disease 1", f.diseases[0].certified_on = 0);
    HOSTILE("a disease certified on a negative date", "disease 1",
            f.diseases[0].certified_on = -20210105);
    HOSTILE("a disease certified on 2021-02-30", "disease 1",
            f.diseases[0].certified_on = 20210230);
    HOSTILE("a disease certified in 3000", "disease 1", f.diseases[0].certified_on = 30000105);
    HOSTILE("a certification valid until 2021-00-10", "disease 1",
            f.diseases[0].valid_until = 20210010);
    HOSTILE("a certification valid until before it was certified", "disease 1",
            f.diseases[0].valid_until = 20210104);
    HOSTILE("the same certification twice", "disease 2",
            (f.ndiseases = 2, f.diseases[1] = f.diseases[0]));
    HOSTILE("17 certifications (at most 16)", "16", {
        f.ndiseases = 17;
        for (int i = 0; i < 17; i++)
            f.diseases[i] = (blob_disease){"糖尿病", 20210101 + i, 0};
    });
    /* assistance identities */
    HOSTILE("an assistance category 12 (there are 12: 0..11)", "assistance identity 1",
            f.identities[0].category = 12);
    HOSTILE("an assistance category 255 in version 2 (3 on: a named identity)",
            "assistance identity 1", (f.version = 2, f.identities[0].category = 255));
    /* version 3: the birth date, and identities named rather than categories */
    HOSTILE("a birth date of 30 February", "birth date", f.birth_date = 19600230);
    HOSTILE("a birth date of -1", "birth date", f.birth_date = -1);
    HOSTILE("a named identity not UTF-8", "UTF-8",
            f.identities[0] = (blob_identity){255, 20210101, 0, "返贫\xff"});
    HOSTILE("a named identity with no name", "identity",
            f.identities[0] = (blob_identity){255, 20210101, 0, ""});
    HOSTILE("a named identity of 128 bytes", "identity",
            f.identities[0] = (blob_identity){255, 20210101, 0, long_name});
    HOSTILE("an identity from 2021-02-29", "assistance identity 1",
            f.identities[0].from = 20210229);
    HOSTILE("an identity from a negative date", "assistance identity 1", f.identities[0].from = -1);
    HOSTILE("an identity to before its from", "assistance identity 1",
            f.identities[0].to = 20201231);
    HOSTILE("an identity to 2021-12-32", "assistance identity 1", f.identities[0].to = 20211232);
    HOSTILE("17 identities (at most 16)", "16", {
        f.nidentities = 17;
        for (int i = 0; i < 17; i++)
            f.identities[i] = (blob_identity){LOW_INCOME_MARGIN, 20210101, 0, NULL};
    });
    /* accumulators (f.accs[] sorted; find chronic.paid among them) */
    uint64_t paid = acc_key(WUXI, "chronic.paid");
    blob_fields probe = wuxi_fields();
    int ip = probe.accs[0].key == paid ? 0 : 1;
    HOSTILE("an accumulator at -1 fen", "negative", f.accs[ip].value = -1);
    HOSTILE("an accumulator at INT64_MAX", "accumulator", f.accs[ip].value = INT64_MAX);
    HOSTILE("an accumulator of 10^12 yuan + 1 fen", "accumulator",
            f.accs[ip].value = INT64_C(100000000000000) + 1);
    HOSTILE("an accumulator at 0 (save writes only non-zero ones)", "accumulator",
            f.accs[ip].value = 0);
    HOSTILE("an accumulator in quarter 5", "accumulator", f.accs[ip].period = 20215);
    HOSTILE("an accumulator in quarter 0", "accumulator", f.accs[ip].period = 20210);
    HOSTILE("an accumulator in year 1899", "accumulator", f.accs[ip].period = 1899);
    HOSTILE("an accumulator in year 3000", "accumulator", f.accs[ip].period = 3000);
    HOSTILE("an accumulator in a negative year", "accumulator", f.accs[ip].period = -2021);
    HOSTILE("an amount kept as a date (period 0)", "accumulator", f.accs[ip].period = 0);
    HOSTILE("an accumulator with key 0", "accumulator", f.accs[0].key = 0);
    HOSTILE("the same accumulator twice", "accumulator", {
        f.naccs = 3;
        f.accs[2] = f.accs[1];
    });
    HOSTILE("accumulators out of order", "accumulator", {
        blob_acc t = f.accs[0];
        f.accs[0] = f.accs[1];
        f.accs[1] = t;
    });
    HOSTILE("an activity date past 32 bits (2^32 + 20210301)", "accumulator", {
        f.naccs = 3;
        f.accs[2] = (blob_acc){acc_key(JIAOZUO, "activity"), 0, (INT64_C(1) << 32) + 20210301};
        qsort(f.accs, f.naccs, sizeof f.accs[0], cmp_blob_acc);
    });
    HOSTILE("an activity date 2021-13-01", "accumulator", {
        f.naccs = 3;
        f.accs[2] = (blob_acc){acc_key(JIAOZUO, "activity"), 0, 20211301};
        qsort(f.accs, f.naccs, sizeof f.accs[0], cmp_blob_acc);
    });

    /* counts that do not match the bytes: no reading past them, no allocation from them */
    blob_fields f = wuxi_fields();
    size_t n = write_blob(&f, blob);
    size_t count_at = n - 4 - 4 - 20 * f.naccs - 4; /* before the accumulators and the journal */
    const uint32_t counts[] = {f.naccs + 1, f.naccs - 1, 0x10000000u, 0xffffffffu};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        n = write_blob(&f, blob);
        for (int i = 0; i < 4; i++)
            blob[count_at + (size_t)i] = (unsigned char)(counts[k] >> (8 * i));
        put_crc(blob, n);
        char what[64];
        snprintf(what, sizeof what, "an accumulator count of %u for %u", counts[k], f.naccs);
        /* one fewer leaves the last accumulator to be read as the journal */
        expect_refused(blob, n, what, counts[k] < f.naccs ? "journal" : "accumulator");
    }
    /* the disease count (the byte after the next designated facility's date) larger than the
     * certifications there */
    n = write_blob(&f, blob);
    size_t nd_at = 12 + 2 + strlen(f.id) + 1 + 1 + 8 + 2 + strlen(f.designated) + 2 +
                   strlen(f.first_visit) + 2 + strlen(f.next_designated) + 4;
    CHECK(blob[nd_at] == f.ndiseases, "the disease count's offset");
    blob[nd_at] = 200;
    put_crc(blob, n);
    expect_refused(blob, n, "a disease count of 200 for 1", "saved state");
    /* a string longer than the bytes left */
    n = write_blob(&f, blob);
    blob[12] = 0xff;
    blob[13] = 0xff;
    put_crc(blob, n);
    expect_refused(blob, n, "an id length of 65535", "enrollee id");
    /* a NUL inside the id: strlen would see "H", and the enrollee would save differently */
    f.id = "H?1";
    n = write_blob(&f, blob);
    blob[15] = '\0';
    put_crc(blob, n);
    expect_refused(blob, n, "an id with a NUL byte inside", "enrollee id");
    /* an extra byte after the journal, the frame's length agreeing */
    f = wuxi_fields();
    n = write_blob(&f, blob);
    memmove(blob + n - 3, blob + n - 4, 4);
    blob[n - 4] = 0;
    n++;
    uint32_t payload = (uint32_t)(n - 16);
    for (int i = 0; i < 4; i++)
        blob[8 + i] = (unsigned char)(payload >> (8 * i));
    put_crc(blob, n);
    expect_refused(blob, n, "a byte after the journal", "journal");
}

/* The three blobs of issue 9, refused; had they been restored, settlement would pay beyond a
 * cap or run into undefined behaviour (which the sanitizer build of tools/test-all.sh reports). */
static void issue_9_blobs(void)
{
    static unsigned char blob[BLOB_MAX];
    uint64_t paid = acc_key(WUXI, "chronic.paid");

    /* chronic.paid 2021 at -10,000,000 fen: the cap left would be 3500 - (-100000) = 103500
     * yuan, and a 12000-yuan claim would be paid (12000 - 500) x 70% = 8050 yuan against the
     * year's 3500 cap (锡医保服务〔2020〕41号 三) */
    blob_fields f = wuxi_fields();
    f.balance = 0;
    f.naccs = 1;
    f.accs[0] = (blob_acc){paid, 2021, -10000000};
    size_t n = write_blob(&f, blob);
    mb_enrollee *x = NULL;
    mb_error_clear(err);
    CHECK_RC(mb_enrollee_restore(&x, blob, n, err), MB_E_CORRUPT,
             "a Wuxi chronic.paid of -10,000,000 fen is refused");
    CHECK(strstr(mb_error_message(err), "accumulator") != NULL &&
              strstr(mb_error_message(err), "-10000000 fen is negative") != NULL,
          "the message names the accumulator and says its value is negative");
    if (x != NULL) {
        mb_result *r = fx_result();
        mb_claim *c = fx_wuxi_claim("C1", 20210301, YUAN(12000));
        fx_settle(r, wuxi, x, c, err);
        CHECK(mb_result_amount(r, MB_AMT_HIFP_PAY) <= YUAN(3500),
              "the fund paid beyond its 3500 cap");
        mb_claim_free(c);
        mb_result_free(r);
        mb_enrollee_free(x);
    }

    /* chronic.paid at INT64_MIN + 512: 3500 yuan - used overflows int64 in the cap arithmetic */
    f = wuxi_fields();
    for (uint32_t i = 0; i < f.naccs; i++)
        if (f.accs[i].key == paid)
            f.accs[i].value = INT64_MIN + 512;
    n = write_blob(&f, blob);
    x = NULL;
    CHECK_RC(mb_enrollee_restore(&x, blob, n, err), MB_E_CORRUPT,
             "a Wuxi chronic.paid of INT64_MIN + 512 is refused");
    if (x != NULL) {
        mb_result *r = fx_result();
        mb_claim *c = fx_wuxi_claim("C1", 20210301, YUAN(1200));
        int rc = fx_settle(r, wuxi, x, c, err);
        CHECK(rc == MB_E_OVERFLOW, "settling past an impossible accumulator");
        mb_claim_free(c);
        mb_result_free(r);
        mb_enrollee_free(x);
    }

    /* a Jiaozuo last-activity date of -20210101: the lapse computed from it (12 idle months,
     * 焦医保〔2021〕97号 四（四）) would index the month-length table at month -88 */
    blob_fields g = {.version = 1, .id = "JZ-2", .scheme = MB_SCHEME_EMPLOYEE,
                     .person = MB_PERSON_IN_SERVICE, .designated = "", .first_visit = "",
                     .next_designated = "", .seq = 1, .naccs = 1,
                     .accs = {{acc_key(JIAOZUO, "activity"), 0, -20210101}}};
    n = write_blob(&g, blob);
    x = NULL;
    mb_error_clear(err);
    CHECK_RC(mb_enrollee_restore(&x, blob, n, err), MB_E_CORRUPT,
             "a negative last-activity date is refused");
    CHECK(strstr(mb_error_message(err), "-20210101") != NULL, "the message quotes the date");
    if (x != NULL) {
        mb_claim *c = NULL;
        mb_claim_new(&c, "I", 20230301, MB_MED_INPATIENT, "H9", MB_LEVEL_SECONDARY, err);
        mb_claim_set_admission(c, 20230220, 20230301, err);
        mb_claim_add_item(c, YUAN(100), MB_CLASS_A, -1, err);
        mb_result *r = fx_result();
        fx_settle(r, jiaozuo, x, c, err);
        mb_claim_free(c);
        mb_result_free(r);
        mb_enrollee_free(x);
    }
}

/* What forged blobs did on restore: restored (and then saved back to the very same bytes, or
 * not), refused as corrupt with no enrollee, or anything else. */
typedef struct {
    long restored, refused, differ, other;
} tally;

static void try_forged(const unsigned char *b, size_t len, tally *t, const char *what, size_t at)
{
    static unsigned char back[BLOB_MAX];
    mb_enrollee *x = NULL;
    int rc = mb_enrollee_restore(&x, b, len, err);
    if (rc == MB_OK && x != NULL) {
        t->restored++;
        size_t nb = 0;
        if (mb_enrollee_save(x, back, BLOB_MAX, &nb, err) != MB_OK || !fx_same(b, len, back, nb)) {
            if (t->differ++ < 5)
                fprintf(stderr, "  %s %zu: restored, but saves differently\n", what, at);
        }
    } else if (rc == MB_E_CORRUPT && x == NULL) {
        t->refused++;
    } else if (t->other++ < 5) {
        fprintf(stderr, "  %s %zu: %s\n", what, at, mb_status_name(rc));
    }
    mb_enrollee_free(x);
}

/* A blob with every field set (two diseases, two identities, a pending facility change, a
 * settlement, activity and lapse dates, a seeded quarter), cut at every length and with every
 * bit flipped, each time with a valid checksum (and, for the cuts, a payload length that agrees):
 * nothing crashes, and each either restores, then saving back to the very same bytes, or is
 * MB_E_CORRUPT with no enrollee. */
static void forged_mutations(void)
{
    static unsigned char a[BLOB_MAX], b[BLOB_MAX];
    mb_enrollee *e = wuxi_person("MU-1", YUAN(300));
    CHECK_RC(mb_enrollee_add_disease(e, "高血压（2级、3级）", 20210110, 20221231, err), MB_OK,
             "a second disease, with its own end");
    CHECK_RC(mb_enrollee_add_assistance(e, "minimum_living", 20200101, 0, err), MB_OK,
             "a second identity, still held");
    CHECK_RC(mb_enrollee_request_facility_change(e, wuxi, 20211115, "H002", err), MB_OK,
             "a change for 2022");
    mb_result *r = fx_result();
    mb_claim *c = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
    CHECK_RC(mb_enrollee_seed(e, JIAOZUO, "chronic.paid", 20222, YUAN(10), err), MB_OK, "seed");
    mb_claim *k = NULL;
    CHECK_RC(mb_claim_new(&k, "I", 20230301, MB_MED_INPATIENT, "H9", MB_LEVEL_SECONDARY, err),
             MB_OK, "claim");
    CHECK_RC(mb_claim_set_admission(k, 20230220, 20230301, err), MB_OK, "admission");
    CHECK_RC(mb_claim_add_item(k, YUAN(100), MB_CLASS_A, -1, err), MB_OK, "item");
    CHECK_RC(fx_settle(r, jiaozuo, e, k, err), MB_OK, "an admission: activity and lapse dates");
    size_t n = fx_save(e, a, BLOB_MAX);
    CHECK(n > 200, "a blob with every field set");

    tally cuts = {0}, flips = {0};
    for (size_t len = 16; len < n; len++) {
        memcpy(b, a, len - 4);
        for (int q = 0; q < 4; q++)
            b[8 + q] = (unsigned char)((len - 16) >> (8 * q));
        put_crc(b, len);
        try_forged(b, len, &cuts, "cut at", len);
    }
    for (size_t i = 0; i < n - 4; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(b, a, n);
            b[i] ^= (unsigned char)(1u << bit);
            put_crc(b, n);
            try_forged(b, n, &flips, "bit flipped in byte", i);
        }
    CHECK(cuts.other == 0 && cuts.restored == 0, "every cut blob is MB_E_CORRUPT");
    CHECK(flips.other == 0, "every flipped blob restores or is MB_E_CORRUPT with no enrollee");
    CHECK(flips.differ == 0, "every flipped blob that restores saves back to its very bytes");
    /* a bit of the balance, the journal position or an amount is another valid state; a bit of
     * the frame, a count, a category or a date is not */
    CHECK(flips.restored > 0 && flips.refused > 0, "some flipped bits restore, others are refused");
    fprintf(stderr, "  %zu-byte blob: %ld cuts refused; %ld bit flips restored, %ld refused\n", n,
            cuts.refused, flips.restored, flips.refused);
    mb_claim_free(c);
    mb_claim_free(k);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* ---- reversal ------------------------------------------------------------------------------ */

static void reversal(void)
{
    unsigned char init[BLOB_MAX], now[BLOB_MAX], mid[BLOB_MAX];
    mb_enrollee *e = wuxi_person("RV-1", YUAN(300));
    mb_result *r1 = fx_result(), *r2 = fx_result(), *rp = fx_result();
    mb_claim *c1 = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    mb_claim *c2 = fx_wuxi_claim("C2", 20210301, YUAN(1000));
    size_t n0 = fx_save(e, init, BLOB_MAX);

    /* settle then reverse: byte-identical state and balance */
    CHECK_RC(fx_settle(r1, wuxi, e, c1, err), MB_OK, "settle C1");
    CHECK_FEN(mb_enrollee_account_balance(e), 0, "the account paid 300");
    CHECK_RC(mb_reverse(e, r1, err), MB_OK, "reverse C1");
    size_t n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(init, n0, now, n), "settle + reverse restores the saved bytes exactly");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(300), "and the balance");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), 0, "and the base");
    mb_error_clear(err);
    CHECK_RC(mb_reverse(e, r1, err), MB_E_STATE, "reversing twice");
    CHECK(mb_error_message(err)[0] != '\0', "with a message");
    n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(init, n0, now, n), "a refused reversal changes nothing");

    /* two settlements, reversed last first */
    CHECK_RC(fx_settle(r1, wuxi, e, c1, err), MB_OK, "settle C1");
    size_t n1 = fx_save(e, mid, BLOB_MAX);
    CHECK_RC(fx_settle(r2, wuxi, e, c2, err), MB_OK, "settle C2");
    CHECK_RC(mb_reverse(e, r2, err), MB_OK, "reverse the latest (C2)");
    n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(mid, n1, now, n), "back to the state after C1");
    CHECK_RC(mb_reverse(e, r1, err), MB_OK, "then C1");
    n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(init, n0, now, n), "back to the initial bytes");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(300), "and the initial balance");

    /* and first first (since 1.1): C1 takes back only its own changes, and C2 keeps the amounts
     * it was settled with. C1: the account pays 300 first, base 900, (900 - 500) x 70% = 280.
     * C2 (account empty): base 900 + 1000 = 1900, 1000 x 70% = 700 (锡医保服务〔2020〕41号 三).
     * Without C1: base 1900 - 900 = 1000, paid 980 - 280 = 700, the account 0 + 300. */
    CHECK_RC(fx_settle(r1, wuxi, e, c1, err), MB_OK, "settle C1");
    CHECK_RC(fx_settle(r2, wuxi, e, c2, err), MB_OK, "settle C2");
    CHECK_FEN(mb_result_amount(r2, MB_AMT_HIFP_PAY), YUAN(700), "C2: 1000 x 70%");
    CHECK_RC(mb_reverse(e, r1, err), MB_OK, "reverse C1 while C2 stands");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(1000), "C2's base");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(700), "C2's payment");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(300), "C1's account payment back");
    CHECK_RC(mb_reverse(e, r1, err), MB_E_STATE, "reversing C1 twice");
    CHECK_RC(mb_reverse(e, r2, err), MB_OK, "then C2");
    n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(init, n0, now, n), "back to the initial bytes");

    /* a pre-settled result was never committed */
    const mb_ruleset *chain[1] = {wuxi};
    CHECK_RC(mb_presettle(rp, chain, 1, e, c1, err), MB_OK, "presettle");
    CHECK_RC(mb_reverse(e, rp, err), MB_E_STATE, "reversing a pre-settlement");
    mb_result *fresh = fx_result();
    CHECK_RC(mb_reverse(e, fresh, err), MB_E_STATE, "reversing a result never used");
    mb_result_free(fresh);
    CHECK_RC(fx_settle(r1, wuxi, e, c1, err), MB_OK, "settle C1");

    /* a settlement of another enrollee */
    mb_enrollee *other = wuxi_person("RV-2", YUAN(300));
    CHECK_RC(fx_settle(r2, wuxi, other, c1, err), MB_OK, "the other settles the same claim");
    CHECK_RC(mb_reverse(e, r2, err), MB_E_STATE, "reversing another enrollee's settlement");
    n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(mid, n1, now, n), "a refused reversal on another enrollee changes nothing");
    CHECK_RC(mb_reverse(other, r2, err), MB_OK, "its own enrollee can reverse it");
    mb_enrollee_free(other);

    /* figures seeded since the settlement (since 1.1): a seed below what C1 added (its base
     * 1200 - 300 account = 900) is refused, for C1 could then not be reversed; one above it is
     * taken, and reversing C1 takes away its 900 only. A balance set since is credited C1's
     * 300 back. */
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(100), err), MB_E_STATE,
             "a seed below what the journal added");
    CHECK(strstr(mb_error_message(err), "900.00") != NULL, "the message says what it added");
    n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(mid, n1, now, n), "the refused seed changes nothing");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(2000), err), MB_OK,
             "a seed above it");
    CHECK_RC(mb_enrollee_set_account_balance(e, YUAN(50), err), MB_OK, "change the balance");
    CHECK_RC(mb_reverse(e, r1, err), MB_OK, "C1 reverses");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(1100), "2000 - 900");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(350), "50 + 300");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, 0, err), MB_OK, "seed it back");
    CHECK_RC(mb_enrollee_set_account_balance(e, YUAN(300), err), MB_OK, "and the balance");
    n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(init, n0, now, n), "and the state is the initial one");

    /* a result reused for a presettle no longer holds the settlement it held */
    CHECK_RC(fx_settle(r1, wuxi, e, c1, err), MB_OK, "settle C1 once more");
    CHECK_RC(mb_presettle(r1, chain, 1, e, c2, err), MB_OK, "presettle C2 into the same handle");
    CHECK_RC(mb_reverse(e, r1, err), MB_E_STATE, "the handle now holds a pre-settlement");
    n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(mid, n1, now, n), "nothing was reversed");

    mb_claim_free(c1);
    mb_claim_free(c2);
    mb_result_free(r1);
    mb_result_free(r2);
    mb_result_free(rp);
    mb_enrollee_free(e);
}

/* Two enrollees with no id (or the same id) are still two enrollees. */
static void reversal_identity(void)
{
    unsigned char b1[BLOB_MAX], now[BLOB_MAX];
    mb_enrollee *a = NULL, *b = NULL;
    CHECK_RC(mb_enrollee_new(&a, NULL, MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK, "a");
    CHECK_RC(mb_enrollee_new(&b, NULL, MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK, "b");
    if (a == NULL || b == NULL)
        return;
    CHECK_RC(mb_enrollee_set_first_visit_facility(a, "C01", err), MB_OK, "facility");
    CHECK_RC(mb_enrollee_set_first_visit_facility(b, "C01", err), MB_OK, "facility");
    mb_claim *c = NULL;
    CHECK_RC(mb_claim_new(&c, "C1", 20230201, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY,
                          err), MB_OK, "claim");
    CHECK_RC(mb_claim_add_item(c, YUAN(1000), MB_CLASS_A, -1, err), MB_OK, "item");
    mb_result *ra = fx_result(), *rb = fx_result();
    CHECK_RC(fx_settle(ra, changzhou, a, c, err), MB_OK, "a settles");
    CHECK_RC(fx_settle(rb, changzhou, b, c, err), MB_OK, "b settles the same claim");
    size_t nb = fx_save(b, b1, BLOB_MAX);
    /* regression: mb_reverse once tied a result to its enrollee by the hash of the id only;
     * two enrollees without an id and the same history passed every check */
    CHECK_RC(mb_reverse(b, ra, err), MB_E_STATE, "a's settlement reversed on b");
    size_t n = fx_save(b, now, BLOB_MAX);
    if (fx_same(b1, nb, now, n)) {
        CHECK_RC(mb_reverse(a, ra, err), MB_OK, "a can still reverse its own settlement");
        CHECK_RC(mb_reverse(b, rb, err), MB_OK, "and b its own");
    }
    /* (when the wrong reversal went through, ra is spent and b's journal is off by one: the
     * follow-up checks would only repeat the bug above) */
    mb_claim_free(c);
    mb_result_free(ra);
    mb_result_free(rb);
    mb_enrollee_free(a);
    mb_enrollee_free(b);
}

/* "A failed call changes nothing it was given": a result handle that holds a committed
 * settlement keeps it when the next settlement into it fails. */
static void failed_settle_keeps_result(void)
{
    unsigned char init[BLOB_MAX], now[BLOB_MAX];
    mb_enrollee *e = wuxi_person("FS-1", 0);
    mb_result *r = fx_result();
    size_t n0 = fx_save(e, init, BLOB_MAX);
    mb_claim *c1 = fx_wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(fx_settle(r, wuxi, e, c1, err), MB_OK, "settle C1");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490), "(1200 - 500) x 70% = 490");

    /* errors found before any computing leave the handle alone */
    mb_claim *early = fx_wuxi_claim("CE", 20201231, YUAN(100));
    CHECK_RC(fx_settle(r, wuxi, e, early, err), MB_E_INVALID_DATE, "a claim before the ruleset");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490), "the handle still shows C1");

    /* an error found while computing (unknown disease) */
    mb_claim *unk = NULL;
    CHECK_RC(mb_claim_new(&unk, "CU", 20210301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, err),
             MB_OK, "claim");
    CHECK_RC(mb_claim_add_item(unk, YUAN(100), MB_CLASS_A, -1, err), MB_OK, "item");
    CHECK_RC(mb_claim_set_disease(unk, "不存在的病", NULL, err), MB_OK, "disease");
    CHECK_RC(fx_settle(r, wuxi, e, unk, err), MB_E_UNKNOWN_DISEASE, "unknown disease");
    /* regression: compute() once cleared the handle (memset, committed = false) before
     * settle_tier() found the unknown disease, wiping the committed C1 it held */
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490),
              "a failed settle leaves the handle's last settlement readable");
    CHECK_RC(mb_reverse(e, r, err), MB_OK, "C1 can still be reversed after the failed settle");
    size_t n = fx_save(e, now, BLOB_MAX);
    CHECK(fx_same(init, n0, now, n), "and the state is the initial one");
    mb_claim_free(c1);
    mb_claim_free(early);
    mb_claim_free(unk);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* ---- the accumulator table's capacity -------------------------------------------------------- */

/* Each Wuxi settlement in a new year adds three accumulators (chronic.base, chronic.paid and
 * the year's benefit-kind flag); a new enrollee's table has room for 7 (medbenefit.h,
 * mb_enrollee_reserve). mb_settle makes the room a claim can need before it computes, so a
 * caller that never reserves (as every 1.0 caller did) settles year after year, exactly;
 * test_footprint shows that after mb_enrollee_reserve_for it allocates nothing. */
static void accumulator_table_capacity(void)
{
    unsigned char after[BLOB_MAX];
    mb_enrollee *e = wuxi_person("CAP-1", 0);
    mb_result *r = fx_result();
    int year, rc = MB_OK;
    for (year = 2021; year < 2021 + 40; year++) {
        char id[16];
        snprintf(id, sizeof id, "C%d", year);
        mb_claim *c = fx_wuxi_claim(id, year * 10000 + 201, YUAN(1200));
        rc = fx_settle(r, wuxi, e, c, err);
        mb_claim_free(c);
        if (rc != MB_OK)
            break;
    }
    CHECK_RC(rc, MB_OK, "forty years settle with no reserve: the table grows before a settlement");
    CHECK(year == 2021 + 40, "every year went through (40 x 3 accumulators, far beyond 7)");
    CHECK_FEN(mb_enrollee_accumulator(e, "wuxi-employee-chronic-2021", "chronic.paid", 2060),
              YUAN(490), "the fortieth year's chronic.paid: (1200 - 500) x 70% = 490");
    const mb_ruleset *chain[1] = {wuxi};
    CHECK_RC(mb_enrollee_reserve_for(e, chain, 1, err), MB_OK, "room made ahead works as before");
    CHECK_RC(mb_enrollee_reserve(e, 4096, err), MB_OK, "make room");
    mb_claim *c = fx_wuxi_claim("C-room", year * 10000 + 201, YUAN(1200));
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "with room the settlement goes through");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490), "(1200 - 500) x 70% = 490");
    CHECK_RC(mb_reverse(e, r, err), MB_OK, "and reverses");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* settle and reverse, one year after another, 64 times (64 x 3 accumulators, far beyond a
     * new enrollee's room for 7): the state is empty again each time, and saves exactly as the
     * fresh enrollee; it must then settle exactly as a fresh one does */
    e = wuxi_person("CAP-2", 0);
    unsigned char init[BLOB_MAX];
    size_t n0 = fx_save(e, init, BLOB_MAX);
    int cycles_ok = 1;
    for (year = 2021; year < 2021 + 64; year++) {
        c = fx_wuxi_claim("C", year * 10000 + 201, YUAN(1200)); /* one id: each is reversed */
        if (fx_settle(r, wuxi, e, c, err) != MB_OK || mb_reverse(e, r, err) != MB_OK)
            cycles_ok = 0;
        mb_claim_free(c);
    }
    size_t n1 = fx_save(e, after, BLOB_MAX);
    CHECK(fx_same(init, n0, after, n1), "64 settle/reverse cycles leave the saved bytes as they were");
    mb_enrollee *copy = NULL;
    CHECK_RC(mb_enrollee_restore(&copy, after, n1, err), MB_OK, "restore those bytes");
    mb_result *r2 = fx_result();
    c = fx_wuxi_claim("C", 21010201, YUAN(1200));
    CHECK_RC(fx_settle(r2, wuxi, copy, c, err), MB_OK, "the restored copy settles");
    CHECK(cycles_ok, "every settle/reverse cycle goes through");
    /* regression: reversal used to leave entries it had created in the table at 0, so after
     * 64 cycles in distinct years a logically empty enrollee was "full" (MB_E_CAPACITY) */
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "the enrollee itself settles like its copy");
    mb_claim_free(c);
    mb_result_free(r);
    mb_result_free(r2);
    mb_enrollee_free(copy);
    mb_enrollee_free(e);
}

/* ---- seeding ------------------------------------------------------------------------------- */

static void seeded_figures_continue_the_year(void)
{
    mb_result *r = fx_result();
    /* the 2021 base already at 500: the deductible is met, 1200 x 70% = 840, cash 360 */
    mb_enrollee *e = wuxi_person("SD-1", 0);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(500), err), MB_OK, "seed base");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(500), "read back");
    mb_claim *c = fx_wuxi_claim("C1", 20210601, YUAN(1200));
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACT_PAY_DEDC), 0, "the seeded base met the deductible");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(840), "1200 x 70% = 840");
    CHECK_FEN(mb_result_amount(r, MB_AMT_PSN_CASH_PAY), YUAN(360), "1200 - 840 = 360");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(1700), "500 + 1200");
    mb_enrollee_free(e);

    /* half the deductible seeded (250): (1200 - 250) x 70% = 665 */
    e = wuxi_person("SD-2", 0);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(250), err), MB_OK, "seed");
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACT_PAY_DEDC), YUAN(250), "250 of the deductible left");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(665), "(1200 - 250) x 70% = 665");
    mb_enrollee_free(e);

    /* the year's payments seeded at 3000 of the 3500 cap: 840 cut to 500 */
    e = wuxi_person("SD-3", 0);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(5000), err), MB_OK, "seed");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.paid", 2021, YUAN(3000), err), MB_OK, "seed");
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(500), "3500 - 3000 = 500 left");
    /* a seed for another year does not count in 2021 */
    mb_enrollee_free(e);
    e = wuxi_person("SD-4", 0);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2020, YUAN(5000), err), MB_OK, "2020");
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490), "2020's base is not 2021's");
    mb_enrollee_free(e);
    mb_claim_free(c);

    /* Changzhou: the year's pooling payments at 8000 (docs/scenario-format.md); in service at
     * the first-visit facility: (2400 - 600) x 80% = 1440, cut to 9000 - 8000 = 1000 */
    mb_enrollee *z = NULL;
    CHECK_RC(mb_enrollee_new(&z, "SD-5", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK,
             "enrollee");
    CHECK_RC(mb_enrollee_set_first_visit_facility(z, "C01", err), MB_OK, "facility");
    CHECK_RC(mb_enrollee_seed(z, CHANGZHOU, "outpatient_pooling.paid", 2023, YUAN(8000), err),
             MB_OK, "seed");
    mb_claim *cz = NULL;
    CHECK_RC(mb_claim_new(&cz, "C1", 20230116, MB_MED_GENERAL_OUTPATIENT, "C01", MB_LEVEL_PRIMARY,
                          err), MB_OK, "claim");
    CHECK_RC(mb_claim_add_item(cz, YUAN(2400), MB_CLASS_A, -1, err), MB_OK, "item");
    CHECK_RC(fx_settle(r, changzhou, z, cz, err), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(1000), "1440 cut to the 1000 left");
    mb_fund_row row;
    CHECK_RC(mb_result_fund(r, 0, &row), MB_OK, "row");
    CHECK_FEN(row.crt_payb_lmt_amt, 0, "the cap is reached");
    mb_claim_free(cz);
    mb_enrollee_free(z);

    /* refusals */
    e = wuxi_person("SD-6", 0);
    unsigned char before[BLOB_MAX], after[BLOB_MAX];
    size_t nb = fx_save(e, before, BLOB_MAX);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 20215, YUAN(1), err), MB_E_INVALID_DATE,
             "quarter 5");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 1, YUAN(1), err), MB_E_INVALID_DATE,
             "year 1");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, -1, err), MB_E_INVALID_AMOUNT,
             "a negative figure");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "", 2021, 1, err), MB_E_INVALID_ARGUMENT, "no key");
    CHECK_RC(mb_enrollee_seed(NULL, WUXI, "chronic.base", 2021, 1, err), MB_E_INVALID_ARGUMENT,
             "no enrollee");
    size_t na = fx_save(e, after, BLOB_MAX);
    CHECK(fx_same(before, nb, after, na), "refused seeds change nothing");
    CHECK_FEN(mb_enrollee_accumulator(NULL, WUXI, "chronic.base", 2021), 0, "NULL reads 0");
    /* many seeds grow the table (the enrollee starts with room for 256) */
    int grew = 1;
    for (int i = 0; i < 600; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d.paid", i);
        if (mb_enrollee_seed(e, WUXI, key, 2021, i + 1, err) != MB_OK)
            grew = 0;
    }
    CHECK(grew, "600 seeds fit: the table grows");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "k599.paid", 2021), 600, "the last one reads back");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "k0.paid", 2021), 1, "the first one too");
    na = fx_save(e, after, BLOB_MAX);
    mb_enrollee *copy = NULL;
    CHECK_RC(mb_enrollee_restore(&copy, after, na, err), MB_OK, "a big blob restores");
    CHECK_FEN(mb_enrollee_accumulator(copy, WUXI, "k300.paid", 2021), 301, "and reads back");
    mb_enrollee_free(copy);
    mb_enrollee_free(e);
    mb_result_free(r);
}

/* ---- seeding by key, checked against the ruleset (issue 9, defect 5) ---------------------- */

static int has(const char *text, const char *part) { return strstr(text, part) != NULL; }

static void seeding_checked_against_ruleset_keys(void)
{
    /* the keys a ruleset defines, as docs/accumulators.md lists them for Wuxi */
    static const char *const wuxi_keys[] = {"chronic.base", "chronic.paid"};
    CHECK(mb_ruleset_accumulator_count(wuxi) == 2, "Wuxi defines two keys");
    for (size_t i = 0; i < 2; i++) {
        const char *key = NULL;
        int kind = 0;
        CHECK_RC(mb_ruleset_accumulator(wuxi, i, &key, &kind), MB_OK, "a key");
        CHECK(key && strcmp(key, wuxi_keys[i]) == 0, wuxi_keys[i]);
        CHECK(kind == MB_PERIOD_YEAR, "kept by year (the cap's period: 41号 三 年度)");
    }
    const char *untouched = "untouched";
    int kind = -1;
    CHECK_RC(mb_ruleset_accumulator(wuxi, 2, &untouched, &kind), MB_E_INVALID_ARGUMENT, "past the end");
    CHECK(strcmp(untouched, "untouched") == 0 && kind == -1, "a refused read writes nothing");

    /* the misspelt key of issue 9: refused, naming the keys Wuxi does define */
    mb_enrollee *e = wuxi_person("SK-1", 0);
    unsigned char before[BLOB_MAX], after[BLOB_MAX];
    size_t nb = fx_save(e, before, BLOB_MAX);
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, "chronc.paid", 2021, YUAN(3000), err),
             MB_E_UNKNOWN_CODE, "a key Wuxi does not define");
    CHECK(has(mb_error_message(err), "'chronc.paid'") &&
              has(mb_error_message(err), "its keys are chronic.base, chronic.paid"),
          "the message names the key given and the keys Wuxi defines");
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, "chronic.\xe4\xb8.paid", 2021, 1, err),
             MB_E_INVALID_ARGUMENT, "a key that is not UTF-8");
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, "chronic.paid", 20212, 1, err), MB_E_INVALID_DATE,
             "a quarter for a key kept by year");
    CHECK(has(mb_error_message(err), "by year"), "the message says how the key is kept");
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, "chronic.paid", 2020, 1, err), MB_E_INVALID_DATE,
             "2020: Wuxi's 41号 is in force from 2021-01-01, no 2020 figure is ever read");
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, "chronic.paid", 2021, -1, err), MB_E_INVALID_AMOUNT,
             "a negative figure");
    CHECK_RC(mb_enrollee_seed_checked(e, NULL, "chronic.paid", 2021, 1, err),
             MB_E_INVALID_ARGUMENT, "no ruleset");
    CHECK_RC(mb_enrollee_seed_checked(NULL, wuxi, "chronic.paid", 2021, 1, err),
             MB_E_INVALID_ARGUMENT, "no enrollee");
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, NULL, 2021, 1, err), MB_E_INVALID_ARGUMENT, "no key");
    int64_t fen = -7;
    CHECK_RC(mb_enrollee_accumulator_checked(e, wuxi, "chronc.paid", 2021, &fen, err),
             MB_E_UNKNOWN_CODE, "reading a key Wuxi does not define");
    CHECK(fen == -7, "a refused read writes nothing");
    size_t na = fx_save(e, after, BLOB_MAX);
    CHECK(fx_same(before, nb, after, na), "refused seeds change nothing");

    /* the key spelt right: 3000 of the 3500 cap paid this year (41号 三); the deductible met
     * (base 5000): 1200 x 70% = 840, cut to 3500 - 3000 = 500 */
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, "chronic.base", 2021, YUAN(5000), err), MB_OK,
             "seed the base");
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, "chronic.paid", 2021, YUAN(3000), err), MB_OK,
             "seed the payments");
    CHECK_RC(mb_enrollee_accumulator_checked(e, wuxi, "chronic.paid", 2021, &fen, err), MB_OK,
             "read back");
    CHECK_FEN(fen, YUAN(3000), "as seeded");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.paid", 2021), YUAN(3000),
              "the unchecked read sees the same figure");
    mb_result *r = fx_result();
    mb_claim *c = fx_wuxi_claim("C1", 20210601, YUAN(1200));
    CHECK_RC(fx_settle(r, wuxi, e, c, err), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(500), "840 cut to the 500 left");
    CHECK_RC(mb_enrollee_accumulator_checked(e, wuxi, "chronic.paid", 2021, &fen, err), MB_OK,
             "read after");
    CHECK_FEN(fen, YUAN(3500), "3000 + 500: the cap is reached");
    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(e);

    /* per-disease keys: Jiaozuo's 恶性肿瘤 (JZC01) has one cap per treatment line (附件); a
     * line it does not list is refused with the lines it does */
    mb_ruleset *shanxi = fx_ruleset("shanxi-chronic-special-2025");
    mb_enrollee *z = NULL;
    CHECK_RC(mb_enrollee_new(&z, "SK-2", MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    CHECK_RC(mb_enrollee_seed_checked(z, jiaozuo, "disease.JZC01.放疗.paid", 2022, 1, err),
             MB_E_UNKNOWN_CODE, "a treatment line the annex does not list");
    CHECK(has(mb_error_message(err), "disease.JZC01.放化疗.paid, disease.JZC01.药物维持治疗.paid"),
          "the message lists JZC01's lines");
    CHECK_RC(mb_enrollee_seed_checked(z, jiaozuo, "disease.JZC01.药物维持治疗.paid", 2022,
                                      YUAN(1000), err), MB_OK, "a line it lists");
    /* Shanxi's per-disease caps are quarterly (cap_period: quarter): a year is refused */
    CHECK_RC(mb_enrollee_seed_checked(z, shanxi, "disease.M01600.paid", 2025, 1, err),
             MB_E_INVALID_DATE, "a year for a quarterly key");
    CHECK(has(mb_error_message(err), "by quarter"), "the message says it is kept by quarter");
    CHECK_RC(mb_enrollee_seed_checked(z, shanxi, "disease.M01600.paid", 20252, YUAN(200), err),
             MB_OK, "the second quarter of 2025");
    CHECK_RC(mb_enrollee_seed_checked(z, shanxi, "disease.M01600.paid", 20251, 1, err),
             MB_E_INVALID_DATE, "2025 Q1: Shanxi's notice is in force from 2025-04-01");
    CHECK_FEN(mb_enrollee_accumulator(z, "shanxi-chronic-special-2025", "disease.M01600.paid",
                                      20252), YUAN(200), "read back");
    mb_enrollee_free(z);
    mb_ruleset_free(shanxi);

    /* the unchecked call cannot see the ruleset: it refuses what no ruleset could define */
    e = wuxi_person("SK-3", 0);
    nb = fx_save(e, before, BLOB_MAX);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.\xff.paid", 2021, 1, err), MB_E_INVALID_ARGUMENT,
             "a key that is not UTF-8");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic", 2021, 1, err), MB_E_UNKNOWN_CODE,
             "a key that ends in neither .paid nor .base");
    CHECK_RC(mb_enrollee_seed(e, WUXI, ".paid", 2021, 1, err), MB_E_UNKNOWN_CODE,
             "no name before .paid");
    CHECK_RC(mb_enrollee_seed(e, "Wuxi 2021", "chronic.paid", 2021, 1, err),
             MB_E_INVALID_ARGUMENT, "not a ruleset id (a-z, 0-9, '-', '_')");
    CHECK_RC(mb_enrollee_seed(e, "", "chronic.paid", 2021, 1, err), MB_E_INVALID_ARGUMENT,
             "an empty ruleset id");
    na = fx_save(e, after, BLOB_MAX);
    CHECK(fx_same(before, nb, after, na), "refused seeds change nothing");
    mb_enrollee_free(e);
}

int main(void)
{
    err = mb_error_new();
    if (err == NULL)
        return 1;
    wuxi = fx_ruleset(WUXI);
    changzhou = fx_ruleset(CHANGZHOU);
    jiaozuo = fx_ruleset(JIAOZUO);
    if (wuxi == NULL || changzhou == NULL || jiaozuo == NULL)
        return check_summary();
    save_restore_save_is_identical();
    altered_blob_refused();
    forged_baseline();
    hostile_fields();
    version_three();
    issue_9_blobs();
    forged_mutations();
    reversal();
    reversal_identity();
    failed_settle_keeps_result();
    accumulator_table_capacity();
    seeded_figures_continue_the_year();
    seeding_checked_against_ruleset_keys();
    mb_ruleset_free(wuxi);
    mb_ruleset_free(changzhou);
    mb_ruleset_free(jiaozuo);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
