/* Enrollee state: save/restore, the size query, reversal (exact, once, last first, own
 * enrollee only), corrupt blobs refused, and seeding year-to-date figures (lib/state.c,
 * lib/enrollee.c, mb_reverse in lib/settle.c). Public API only. */
#include <string.h>

#include "check.h"
#include "medbenefit.h"

#define WUXI "wuxi-employee-chronic-2021"
#define CHANGZHOU "changzhou-employee-outpatient-2023"
#define YUAN(y) ((int64_t)(y) * 100)
#define BLOB_MAX 32768

static mb_error *err;
static mb_ruleset *wuxi, *changzhou;

static mb_ruleset *load(const char *id)
{
    char path[256];
    snprintf(path, sizeof path, "rulesets/%s.yaml", id);
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_file(&rs, path, err), MB_OK, "the ruleset loads");
    return rs;
}

/* A Wuxi chronic patient with something of everything the blob holds. */
static mb_enrollee *wuxi_person(const char *id, int64_t balance)
{
    mb_enrollee *e = NULL;
    CHECK_RC(mb_enrollee_new(&e, id, MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK,
             "enrollee");
    if (e == NULL)
        return NULL;
    CHECK_RC(mb_enrollee_set_account_balance(e, balance, err), MB_OK, "balance");
    CHECK_RC(mb_enrollee_set_designated_facility(e, "H001", err), MB_OK, "designated");
    CHECK_RC(mb_enrollee_set_first_visit_facility(e, "C01", err), MB_OK, "first visit");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20210105, 0, err), MB_OK, "disease");
    CHECK_RC(mb_enrollee_add_assistance(e, "low_income_margin", 20210101, 20211231, err), MB_OK,
             "identity");
    return e;
}

static mb_claim *wuxi_claim(const char *id, int32_t date, int64_t fen)
{
    mb_claim *c = NULL;
    CHECK_RC(mb_claim_new(&c, id, date, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, err), MB_OK,
             "claim");
    CHECK_RC(mb_claim_add_item(c, fen, MB_CLASS_A, -1, err), MB_OK, "item");
    CHECK_RC(mb_claim_set_disease(c, "糖尿病", NULL, err), MB_OK, "disease");
    return c;
}

static int settle(const mb_ruleset *rs, mb_result *r, mb_enrollee *e, const mb_claim *c)
{
    const mb_ruleset *chain[1] = {rs};
    return mb_settle(r, chain, 1, e, c, err);
}

static size_t save(const mb_enrollee *e, unsigned char *buf)
{
    size_t len = 0;
    CHECK_RC(mb_enrollee_save(e, buf, BLOB_MAX, &len, err), MB_OK, "save");
    return len;
}

static int same(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
    return na == nb && memcmp(a, b, na) == 0;
}

static mb_result *result(void)
{
    mb_result *r = NULL;
    CHECK_RC(mb_result_new(&r, err), MB_OK, "result");
    return r;
}

/* CRC-32 (IEEE, reflected), as the blob's trailer uses. */
static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void put_crc(unsigned char *b, size_t len)
{
    uint32_t c = crc32(b, len - 4);
    for (int i = 0; i < 4; i++)
        b[len - 4 + i] = (unsigned char)(c >> (8 * i));
}

/* ---- save / restore ------------------------------------------------------------------------ */

static void round_trip(void)
{
    unsigned char a[BLOB_MAX], b[BLOB_MAX];
    mb_enrollee *e = wuxi_person("RT-1", YUAN(300));
    mb_result *r = result();
    mb_claim *c = wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "settle");
    CHECK_RC(mb_enrollee_seed(e, CHANGZHOU, "outpatient_pooling.paid", 2023, YUAN(8000), err),
             MB_OK, "seed another ruleset's figure");
    size_t na = save(e, a);
    CHECK(na > 16, "a blob holds header, payload and checksum");
    CHECK(memcmp(a, "MBEN", 4) == 0, "the blob starts with its magic");
    size_t nb = save(e, b);
    CHECK(same(a, na, b, nb), "saving the same state twice gives the same bytes");

    mb_enrollee *copy = NULL;
    CHECK_RC(mb_enrollee_restore(&copy, a, na, err), MB_OK, "restore");
    if (copy == NULL)
        return;
    nb = save(copy, b);
    CHECK(same(a, na, b, nb), "restore then save gives identical bytes");
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
    CHECK(same(small, len, a, na), "the same bytes");
    CHECK_RC(mb_enrollee_save(NULL, small, na, &len, err), MB_E_INVALID_ARGUMENT, "NULL enrollee");
    CHECK_RC(mb_enrollee_save(e, small, na, NULL, err), MB_E_INVALID_ARGUMENT, "NULL len");
    mb_enrollee *none = (mb_enrollee *)(uintptr_t)1;
    CHECK_RC(mb_enrollee_restore(&none, NULL, 10, err), MB_E_INVALID_ARGUMENT, "NULL buffer");
    CHECK_RC(mb_enrollee_restore(NULL, a, na, err), MB_E_INVALID_ARGUMENT, "NULL out");

    /* restore then continue settling: the same amounts as the original
     * (deductible met by C1's 900: 1000 x 70% = 700) */
    mb_result *r2 = result();
    mb_claim *c2 = wuxi_claim("C2", 20210301, YUAN(1000));
    CHECK_RC(settle(wuxi, r, e, c2), MB_OK, "the original settles C2");
    CHECK_RC(settle(wuxi, r2, copy, c2), MB_OK, "the restored copy settles C2");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(700), "1000 x 70% = 700");
    for (int k = 0; k < MB_AMT_COUNT_; k++)
        CHECK_FEN(mb_result_amount(r2, k), mb_result_amount(r, k), "the copy settles the same");
    na = save(e, a);
    nb = save(copy, b);
    CHECK(same(a, na, b, nb), "and both end in the same state");

    mb_claim_free(c);
    mb_claim_free(c2);
    mb_result_free(r);
    mb_result_free(r2);
    mb_enrollee_free(e);
    mb_enrollee_free(copy);

    /* a fresh enrollee with nothing set also round-trips, NULL id included */
    mb_enrollee *blank = NULL;
    CHECK_RC(mb_enrollee_new(&blank, NULL, MB_SCHEME_RESIDENT, 0, err), MB_OK, "resident");
    na = save(blank, a);
    mb_enrollee *blank2 = NULL;
    CHECK_RC(mb_enrollee_restore(&blank2, a, na, err), MB_OK, "restore a blank enrollee");
    if (blank2 != NULL) {
        nb = save(blank2, b);
        CHECK(same(a, na, b, nb), "blank round trip");
    }
    mb_enrollee_free(blank);
    mb_enrollee_free(blank2);
}

static void corrupt(void)
{
    unsigned char a[BLOB_MAX], b[BLOB_MAX];
    mb_enrollee *e = wuxi_person("CO-1", YUAN(300));
    mb_result *r = result();
    mb_claim *c = wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "settle");
    size_t n = save(e, a);
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

/* ---- reversal ------------------------------------------------------------------------------ */

static void reversal(void)
{
    unsigned char init[BLOB_MAX], now[BLOB_MAX], mid[BLOB_MAX];
    mb_enrollee *e = wuxi_person("RV-1", YUAN(300));
    mb_result *r1 = result(), *r2 = result(), *rp = result();
    mb_claim *c1 = wuxi_claim("C1", 20210201, YUAN(1200));
    mb_claim *c2 = wuxi_claim("C2", 20210301, YUAN(1000));
    size_t n0 = save(e, init);

    /* settle then reverse: byte-identical state and balance */
    CHECK_RC(settle(wuxi, r1, e, c1), MB_OK, "settle C1");
    CHECK_FEN(mb_enrollee_account_balance(e), 0, "the account paid 300");
    CHECK_RC(mb_reverse(e, r1, err), MB_OK, "reverse C1");
    size_t n = save(e, now);
    CHECK(same(init, n0, now, n), "settle + reverse restores the saved bytes exactly");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(300), "and the balance");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), 0, "and the base");
    mb_error_clear(err);
    CHECK_RC(mb_reverse(e, r1, err), MB_E_STATE, "reversing twice");
    CHECK(mb_error_message(err)[0] != '\0', "with a message");
    n = save(e, now);
    CHECK(same(init, n0, now, n), "a refused reversal changes nothing");

    /* two settlements: the first cannot be reversed while the second stands */
    CHECK_RC(settle(wuxi, r1, e, c1), MB_OK, "settle C1");
    size_t n1 = save(e, mid);
    CHECK_RC(settle(wuxi, r2, e, c2), MB_OK, "settle C2");
    unsigned char two[BLOB_MAX];
    size_t n2 = save(e, two);
    CHECK_RC(mb_reverse(e, r1, err), MB_E_STATE, "reversing out of order");
    n = save(e, now);
    CHECK(same(two, n2, now, n), "an out-of-order reversal changes nothing");
    CHECK_RC(mb_reverse(e, r2, err), MB_OK, "reverse the latest (C2)");
    n = save(e, now);
    CHECK(same(mid, n1, now, n), "back to the state after C1");
    CHECK_RC(mb_reverse(e, r1, err), MB_OK, "then C1");
    n = save(e, now);
    CHECK(same(init, n0, now, n), "back to the initial bytes");
    CHECK_FEN(mb_enrollee_account_balance(e), YUAN(300), "and the initial balance");

    /* a pre-settled result was never committed */
    const mb_ruleset *chain[1] = {wuxi};
    CHECK_RC(mb_presettle(rp, chain, 1, e, c1, err), MB_OK, "presettle");
    CHECK_RC(mb_reverse(e, rp, err), MB_E_STATE, "reversing a pre-settlement");
    mb_result *fresh = result();
    CHECK_RC(mb_reverse(e, fresh, err), MB_E_STATE, "reversing a result never used");
    mb_result_free(fresh);
    CHECK_RC(settle(wuxi, r1, e, c1), MB_OK, "settle C1");

    /* a settlement of another enrollee */
    mb_enrollee *other = wuxi_person("RV-2", YUAN(300));
    CHECK_RC(settle(wuxi, r2, other, c1), MB_OK, "the other settles the same claim");
    CHECK_RC(mb_reverse(e, r2, err), MB_E_STATE, "reversing another enrollee's settlement");
    n = save(e, now);
    CHECK(same(mid, n1, now, n), "a refused reversal on another enrollee changes nothing");
    CHECK_RC(mb_reverse(other, r2, err), MB_OK, "its own enrollee can reverse it");
    mb_enrollee_free(other);

    /* figures seeded since the settlement: it can no longer be reversed exactly */
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(100), err), MB_OK, "seed");
    CHECK_RC(mb_reverse(e, r1, err), MB_E_STATE, "accumulators changed since the settlement");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(900), err), MB_OK,
             "seed it back (C1's base: 1200 - 300 account)");
    CHECK_RC(mb_enrollee_set_account_balance(e, YUAN(50), err), MB_OK, "change the balance");
    CHECK_RC(mb_reverse(e, r1, err), MB_E_STATE, "the balance changed since the settlement");
    CHECK_RC(mb_enrollee_set_account_balance(e, 0, err), MB_OK, "put it back");
    CHECK_RC(mb_reverse(e, r1, err), MB_OK, "now it reverses");
    n = save(e, now);
    CHECK(same(init, n0, now, n), "and the state is the initial one");

    /* a result reused for a presettle no longer holds the settlement it held */
    CHECK_RC(settle(wuxi, r1, e, c1), MB_OK, "settle C1 once more");
    CHECK_RC(mb_presettle(r1, chain, 1, e, c2, err), MB_OK, "presettle C2 into the same handle");
    CHECK_RC(mb_reverse(e, r1, err), MB_E_STATE, "the handle now holds a pre-settlement");
    n = save(e, now);
    CHECK(same(mid, n1, now, n), "nothing was reversed");

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
    mb_result *ra = result(), *rb = result();
    CHECK_RC(settle(changzhou, ra, a, c), MB_OK, "a settles");
    CHECK_RC(settle(changzhou, rb, b, c), MB_OK, "b settles the same claim");
    size_t nb = save(b, b1);
    /* regression: mb_reverse once tied a result to its enrollee by the hash of the id only;
     * two enrollees without an id and the same history passed every check */
    CHECK_RC(mb_reverse(b, ra, err), MB_E_STATE, "a's settlement reversed on b");
    size_t n = save(b, now);
    if (same(b1, nb, now, n)) {
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
    mb_result *r = result();
    size_t n0 = save(e, init);
    mb_claim *c1 = wuxi_claim("C1", 20210201, YUAN(1200));
    CHECK_RC(settle(wuxi, r, e, c1), MB_OK, "settle C1");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490), "(1200 - 500) x 70% = 490");

    /* errors found before any computing leave the handle alone */
    mb_claim *early = wuxi_claim("CE", 20201231, YUAN(100));
    CHECK_RC(settle(wuxi, r, e, early), MB_E_INVALID_DATE, "a claim before the ruleset");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490), "the handle still shows C1");

    /* an error found while computing (unknown disease) */
    mb_claim *unk = NULL;
    CHECK_RC(mb_claim_new(&unk, "CU", 20210301, MB_MED_CHRONIC, "H001", MB_LEVEL_TERTIARY, err),
             MB_OK, "claim");
    CHECK_RC(mb_claim_add_item(unk, YUAN(100), MB_CLASS_A, -1, err), MB_OK, "item");
    CHECK_RC(mb_claim_set_disease(unk, "不存在的病", NULL, err), MB_OK, "disease");
    CHECK_RC(settle(wuxi, r, e, unk), MB_E_UNKNOWN_DISEASE, "unknown disease");
    /* regression: compute() once cleared the handle (memset, committed = false) before
     * settle_tier() found the unknown disease, wiping the committed C1 it held */
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490),
              "a failed settle leaves the handle's last settlement readable");
    CHECK_RC(mb_reverse(e, r, err), MB_OK, "C1 can still be reversed after the failed settle");
    size_t n = save(e, now);
    CHECK(same(init, n0, now, n), "and the state is the initial one");
    mb_claim_free(c1);
    mb_claim_free(early);
    mb_claim_free(unk);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* ---- the accumulator table's capacity -------------------------------------------------------- */

/* Each Wuxi settlement in a new year adds three accumulators (chronic.base, chronic.paid and
 * the year's benefit-kind flag); the table starts with room for 256 at a load of 3/4 (192). */
static void capacity(void)
{
    unsigned char before[BLOB_MAX], after[BLOB_MAX];
    mb_enrollee *e = wuxi_person("CAP-1", 0);
    mb_result *r = result();
    int year, rc = MB_OK;
    for (year = 2021; year < 2200; year++) {
        mb_claim *c = wuxi_claim("C", year * 10000 + 201, YUAN(1200));
        size_t nb = save(e, before);
        rc = settle(wuxi, r, e, c);
        mb_claim_free(c);
        if (rc != MB_OK) {
            size_t na = save(e, after);
            CHECK(same(before, nb, after, na), "a settlement refused for capacity changes nothing");
            break;
        }
    }
    CHECK_RC(rc, MB_E_CAPACITY, "a full accumulator table refuses the settlement");
    CHECK(year > 2021 + 50, "the default table holds many years of settlements first");
    CHECK_RC(mb_enrollee_reserve(e, 4096, err), MB_OK, "make room");
    mb_claim *c = wuxi_claim("C", year * 10000 + 201, YUAN(1200));
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "with room the settlement goes through");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(490), "(1200 - 500) x 70% = 490");
    CHECK_RC(mb_reverse(e, r, err), MB_OK, "and reverses");
    mb_claim_free(c);
    mb_enrollee_free(e);

    /* settle and reverse, one year after another, 64 times (64 x 3 accumulators = 192, the
     * default table's limit): the state is empty again each time, and saves exactly as the
     * fresh enrollee; it must then settle exactly as a fresh one does */
    e = wuxi_person("CAP-2", 0);
    unsigned char init[BLOB_MAX];
    size_t n0 = save(e, init);
    int cycles_ok = 1;
    for (year = 2021; year < 2021 + 64; year++) {
        c = wuxi_claim("C", year * 10000 + 201, YUAN(1200));
        if (settle(wuxi, r, e, c) != MB_OK || mb_reverse(e, r, err) != MB_OK)
            cycles_ok = 0;
        mb_claim_free(c);
    }
    size_t n1 = save(e, after);
    CHECK(same(init, n0, after, n1), "64 settle/reverse cycles leave the saved bytes as they were");
    mb_enrollee *copy = NULL;
    CHECK_RC(mb_enrollee_restore(&copy, after, n1, err), MB_OK, "restore those bytes");
    mb_result *r2 = result();
    c = wuxi_claim("C", 21010201, YUAN(1200));
    CHECK_RC(settle(wuxi, r2, copy, c), MB_OK, "the restored copy settles");
    CHECK(cycles_ok, "every settle/reverse cycle goes through");
    /* regression: reversal used to leave entries it had created in the table at 0, so after
     * 64 cycles in distinct years a logically empty enrollee was "full" (MB_E_CAPACITY) */
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "the enrollee itself settles like its copy");
    mb_claim_free(c);
    mb_result_free(r);
    mb_result_free(r2);
    mb_enrollee_free(copy);
    mb_enrollee_free(e);
}

/* ---- seeding ------------------------------------------------------------------------------- */

static void seeding(void)
{
    mb_result *r = result();
    /* the 2021 base already at 500: the deductible is met, 1200 x 70% = 840, cash 360 */
    mb_enrollee *e = wuxi_person("SD-1", 0);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(500), err), MB_OK, "seed base");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(500), "read back");
    mb_claim *c = wuxi_claim("C1", 20210601, YUAN(1200));
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACT_PAY_DEDC), 0, "the seeded base met the deductible");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(840), "1200 x 70% = 840");
    CHECK_FEN(mb_result_amount(r, MB_AMT_PSN_CASH_PAY), YUAN(360), "1200 - 840 = 360");
    CHECK_FEN(mb_enrollee_accumulator(e, WUXI, "chronic.base", 2021), YUAN(1700), "500 + 1200");
    mb_enrollee_free(e);

    /* half the deductible seeded (250): (1200 - 250) x 70% = 665 */
    e = wuxi_person("SD-2", 0);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(250), err), MB_OK, "seed");
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_ACT_PAY_DEDC), YUAN(250), "250 of the deductible left");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(665), "(1200 - 250) x 70% = 665");
    mb_enrollee_free(e);

    /* the year's payments seeded at 3000 of the 3500 cap: 840 cut to 500 */
    e = wuxi_person("SD-3", 0);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, YUAN(5000), err), MB_OK, "seed");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.paid", 2021, YUAN(3000), err), MB_OK, "seed");
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(500), "3500 - 3000 = 500 left");
    /* a seed for another year does not count in 2021 */
    mb_enrollee_free(e);
    e = wuxi_person("SD-4", 0);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2020, YUAN(5000), err), MB_OK, "2020");
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "settle");
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
    CHECK_RC(settle(changzhou, r, z, cz), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(1000), "1440 cut to the 1000 left");
    mb_fund_row row;
    CHECK_RC(mb_result_fund(r, 0, &row), MB_OK, "row");
    CHECK_FEN(row.crt_payb_lmt_amt, 0, "the cap is reached");
    mb_claim_free(cz);
    mb_enrollee_free(z);

    /* refusals */
    e = wuxi_person("SD-6", 0);
    unsigned char before[BLOB_MAX], after[BLOB_MAX];
    size_t nb = save(e, before);
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 20215, YUAN(1), err), MB_E_INVALID_DATE,
             "quarter 5");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 1, YUAN(1), err), MB_E_INVALID_DATE,
             "year 1");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "chronic.base", 2021, -1, err), MB_E_INVALID_AMOUNT,
             "a negative figure");
    CHECK_RC(mb_enrollee_seed(e, WUXI, "", 2021, 1, err), MB_E_INVALID_ARGUMENT, "no key");
    CHECK_RC(mb_enrollee_seed(NULL, WUXI, "chronic.base", 2021, 1, err), MB_E_INVALID_ARGUMENT,
             "no enrollee");
    size_t na = save(e, after);
    CHECK(same(before, nb, after, na), "refused seeds change nothing");
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
    na = save(e, after);
    mb_enrollee *copy = NULL;
    CHECK_RC(mb_enrollee_restore(&copy, after, na, err), MB_OK, "a big blob restores");
    CHECK_FEN(mb_enrollee_accumulator(copy, WUXI, "k300.paid", 2021), 301, "and reads back");
    mb_enrollee_free(copy);
    mb_enrollee_free(e);
    mb_result_free(r);
}

/* ---- seeding by key, checked against the ruleset (issue 9, defect 5) ---------------------- */

static int has(const char *text, const char *part) { return strstr(text, part) != NULL; }

static void seeding_by_key(void)
{
    /* the keys a ruleset defines, as docs/accumulators.md lists them for Wuxi */
    static const char *const wuxi_keys[] = {"chronic.base", "chronic.paid",
                                            "general_outpatient_pooling.base",
                                            "general_outpatient_pooling.paid"};
    CHECK(mb_ruleset_accumulator_count(wuxi) == 4, "Wuxi defines four keys");
    for (size_t i = 0; i < 4; i++) {
        const char *key = NULL;
        int kind = 0;
        CHECK_RC(mb_ruleset_accumulator(wuxi, i, &key, &kind), MB_OK, "a key");
        CHECK(key && strcmp(key, wuxi_keys[i]) == 0, wuxi_keys[i]);
        CHECK(kind == MB_PERIOD_YEAR, "kept by year (the cap's period: 41号 三 年度)");
    }
    const char *untouched = "untouched";
    int kind = -1;
    CHECK_RC(mb_ruleset_accumulator(wuxi, 4, &untouched, &kind), MB_E_INVALID_ARGUMENT, "past the end");
    CHECK(strcmp(untouched, "untouched") == 0 && kind == -1, "a refused read writes nothing");

    /* the misspelt key of issue 9: refused, naming the keys Wuxi does define */
    mb_enrollee *e = wuxi_person("SK-1", 0);
    unsigned char before[BLOB_MAX], after[BLOB_MAX];
    size_t nb = save(e, before);
    CHECK_RC(mb_enrollee_seed_checked(e, wuxi, "chronc.paid", 2021, YUAN(3000), err),
             MB_E_UNKNOWN_CODE, "a key Wuxi does not define");
    CHECK(has(mb_error_message(err), "'chronc.paid'") &&
              has(mb_error_message(err), "chronic.base, chronic.paid, "
                                         "general_outpatient_pooling.base, "
                                         "general_outpatient_pooling.paid"),
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
    size_t na = save(e, after);
    CHECK(same(before, nb, after, na), "refused seeds change nothing");

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
    mb_result *r = result();
    mb_claim *c = wuxi_claim("C1", 20210601, YUAN(1200));
    CHECK_RC(settle(wuxi, r, e, c), MB_OK, "settle");
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), YUAN(500), "840 cut to the 500 left");
    CHECK_RC(mb_enrollee_accumulator_checked(e, wuxi, "chronic.paid", 2021, &fen, err), MB_OK,
             "read after");
    CHECK_FEN(fen, YUAN(3500), "3000 + 500: the cap is reached");
    mb_claim_free(c);
    mb_result_free(r);
    mb_enrollee_free(e);

    /* per-disease keys: Jiaozuo's 恶性肿瘤 (JZC01) has one cap per treatment line (附件); a
     * line it does not list is refused with the lines it does */
    mb_ruleset *jiaozuo = load("jiaozuo-chronic-2022"), *shanxi = load("shanxi-chronic-special-2025");
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
    mb_ruleset_free(jiaozuo);
    mb_ruleset_free(shanxi);

    /* the unchecked call cannot see the ruleset: it refuses what no ruleset could define */
    e = wuxi_person("SK-3", 0);
    nb = save(e, before);
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
    na = save(e, after);
    CHECK(same(before, nb, after, na), "refused seeds change nothing");
    mb_enrollee_free(e);
}

int main(void)
{
    err = mb_error_new();
    if (err == NULL)
        return 1;
    wuxi = load(WUXI);
    changzhou = load(CHANGZHOU);
    if (wuxi == NULL || changzhou == NULL)
        return check_summary();
    round_trip();
    corrupt();
    reversal();
    reversal_identity();
    failed_settle_keeps_result();
    capacity();
    seeding();
    seeding_by_key();
    mb_ruleset_free(wuxi);
    mb_ruleset_free(changzhou);
    mb_error_free(err);
    return check_summary();
}
