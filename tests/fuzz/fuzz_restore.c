/* Fuzz target: restoring a saved enrollee (lib/state.c). The first byte chooses how the rest is
 * read: odd, it is the payload, and the harness writes the header, length and CRC around it so
 * that the fuzzer reaches the payload parser past the checksum; even, it is a whole blob as
 * given. Its bits 1-6 also pick the chain settled on (mb_test_chains).
 *
 * A blob that restores must hold what the public API could have built ("restore-valid"):
 * an id, facilities and diseases the setters accept, identities mb_enrollee_add_assistance
 * accepts, accumulators within 0..10^12 yuan, and dates where the lifecycle keeps dates; and a
 * journal each of whose settlements reverses ("restore-journal"). Then save -> restore -> save
 * gives the same bytes, and the fixed claims settle on it keeping the contract (fz_settle_all).
 * A payload is wrapped as version 2 when bit 7 of the first byte is set, as version 1 (before
 * the journal) when not, so that the inputs kept from before version 2 read as they did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "handles.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mb_error *err;
static mb_enrollee *e, *rebuilt;
static mb_claim *claims[48];
static size_t nclaims;
static uint8_t blob[FZ_BLOB_MAX + 16];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    err = mb_error_new();
    return 0;
}

static void release(void)
{
    for (size_t i = 0; i < nclaims; i++)
        mb_claim_free(claims[i]);
    nclaims = 0;
    mb_enrollee_free(e);
    mb_enrollee_free(rebuilt);
    e = rebuilt = NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* "MBEN" | version | reserved | payload length | payload | CRC-32 of all before (state.c):
 * version 2, or 1 (before the journal) when `v1`. */
static size_t wrap(const uint8_t *payload, size_t n, bool v1)
{
    memcpy(blob, v1 ? "MBEN\x01\x00\x00\x00" : "MBEN\x02\x00\x00\x00", 8);
    put32(blob + 8, (uint32_t)n);
    memcpy(blob + 12, payload, n);
    put32(blob + 12 + n, mb_crc32(blob, 12 + n));
    return n + 16;
}

/* The restored enrollee, rebuilt through the setters: each must accept what was restored. */
static void check_valid(void)
{
    const char *id = mb_enrollee_id(e);
    int rc = mb_enrollee_new(&rebuilt, id, mb_enrollee_scheme(e), mb_enrollee_person_type(e), err);
    FZ_REQUIRE("restore-valid", rc == MB_OK, "restored an enrollee mb_enrollee_new refuses: %s",
               mb_error_message(err));
    rc = mb_enrollee_set_account_balance(rebuilt, mb_enrollee_account_balance(e), err);
    FZ_REQUIRE("restore-valid", rc == MB_OK, "restored a balance the setter refuses: %s",
               mb_error_message(err));
    rc = mb_enrollee_set_designated_facility(rebuilt, e->designated, err);
    if (rc == MB_OK)
        rc = mb_enrollee_set_first_visit_facility(rebuilt, e->first_visit, err);
    if (rc == MB_OK && e->next_designated[0] != '\0')
        rc = mb_enrollee_set_designated_facility(rebuilt, e->next_designated, err);
    FZ_REQUIRE("restore-valid", rc == MB_OK, "restored a facility the setter refuses: %s",
               mb_error_message(err));
    FZ_REQUIRE("restore-valid", (e->next_from == 0) == (e->next_designated[0] == '\0'),
               "restored a facility change '%s' from %d", e->next_designated, e->next_from);
    for (size_t i = 0; i < mb_enrollee_disease_count(e); i++) {
        const char *name;
        int32_t on, until;
        mb_enrollee_disease(e, i, &name, &on, &until);
        rc = mb_enrollee_add_disease(rebuilt, name, on, until, err);
        FZ_REQUIRE("restore-valid", rc == MB_OK,
                   "restored certification %zu (%d to %d) that mb_enrollee_add_disease refuses: %s",
                   i, on, until, mb_error_message(err));
    }
    for (size_t i = 0; i < mb_enrollee_assistance_count(e); i++) {
        const char *category;
        int32_t from, to;
        mb_enrollee_assistance(e, i, &category, &from, &to);
        rc = mb_enrollee_add_assistance(rebuilt, category, from, to, err);
        FZ_REQUIRE("restore-valid", rc == MB_OK,
                   "restored identity %zu (%s %d to %d) that mb_enrollee_add_assistance refuses: %s",
                   i, category, from, to, mb_error_message(err));
    }
    /* accumulators are hashed keys the public API cannot name: their values are checked here */
    for (uint32_t i = 0; i < e->acc_cap; i++)
        FZ_REQUIRE("restore-valid",
                   e->acc[i].key == 0 || (e->acc[i].value >= 0 && e->acc[i].value <= MB_MONEY_MAX),
                   "restored an accumulator of %lld fen (period %d)", (long long)e->acc[i].value,
                   e->acc[i].period);
    /* the lifecycle's last activity and lapse (docs/accumulators.md) are dates */
    for (int i = 0; i < MB_TEST_RULESETS; i++) {
        static const char *const dated[] = {"activity", "revoked"};
        for (int k = 0; k < 2; k++) {
            int64_t v = mb_enrollee_accumulator(e, mb_test_ruleset_ids[i], dated[k], 0);
            FZ_REQUIRE("restore-valid", v == 0 || (v <= INT32_MAX && mb_date_valid((int32_t)v)),
                       "restored %s %s = %lld, not a date", mb_test_ruleset_ids[i], dated[k],
                       (long long)v);
        }
    }
    mb_enrollee_free(rebuilt);
    rebuilt = NULL;
}

/* Every settlement a restored journal holds reverses by its id, in the order kept (a family
 * one, whose other side is not here, is refused and changes nothing): restore checked that the
 * journal agrees with the accumulators. Then the state saves and restores as any other. */
static void check_journal(const uint8_t *b, size_t n)
{
    if (mb_enrollee_restore(&rebuilt, b, n, err) != MB_OK)
        abort(); /* it restored once */
    static uint8_t before[FZ_BLOB_MAX], after[FZ_BLOB_MAX];
    size_t skipped = 0;
    while (mb_enrollee_journal_count(rebuilt) > skipped) {
        mb_journal_entry j;
        FZ_REQUIRE("restore-journal", mb_enrollee_journal(rebuilt, skipped, &j) == MB_OK,
                   "journal entry %zu cannot be read", skipped);
        char id[32];
        snprintf(id, sizeof id, "%s", j.setl_id);
        size_t n0 = fz_save(rebuilt, before);
        int rc = mb_reverse_id(rebuilt, id, err);
        if (j.family != MB_JOURNAL_OWN || rc == MB_E_OVERFLOW) {
            /* one side of a family settlement; or an account given back past 10^12 yuan */
            FZ_REQUIRE("restore-journal", rc != MB_OK, "one side of family settlement %s reversed", id);
            fz_check_error(rc, err, "mb_reverse_id");
            size_t n1 = fz_save(rebuilt, after);
            fz_check_bytes(before, n0, after, n1, "failed-call-changes-nothing", "mb_reverse_id");
            skipped++;
            continue;
        }
        FZ_REQUIRE("restore-journal", rc == MB_OK,
                   "settlement %s of a restored journal does not reverse: %s", id,
                   mb_error_message(err));
    }
    fz_check_roundtrip(rebuilt, NULL, "a restored journal, reversed");
    mb_enrollee_free(rebuilt);
    rebuilt = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > FZ_BLOB_MAX)
        return -1;
    if (setjmp(fz_drop)) {
        release();
        return -1;
    }
    uint8_t mode = data[0];
    size_t n;
    if (mode & 1) {
        n = wrap(data + 1, size - 1, !(mode & 0x80));
    } else {
        n = size - 1;
        memcpy(blob, data + 1, n);
    }
    int rc = mb_enrollee_restore(&e, blob, n, err);
    if (rc != MB_OK) {
        fz_check_error(rc, err, "mb_enrollee_restore");
        FZ_REQUIRE("failed-call-changes-nothing", e == NULL, "a failed restore gave an enrollee");
        return 0;
    }
    check_valid();
    check_journal(blob, n);
    fz_check_roundtrip(e, NULL, "a restored enrollee");
    const mb_ruleset *chain[3];
    size_t len = fz_chain((mode & 0x7f) >> 1, chain);
    nclaims = fz_claims_for(e, chain[0], claims);
    fz_settle_all(chain, len, e, claims, nclaims, "settling on a restored enrollee");
    release();
    return 0;
}
