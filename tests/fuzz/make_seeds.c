/* Writes the restore target's seeds: one saved enrollee per bundled chain, each certified for
 * two diseases of its first ruleset, holding an identity, an account and a facility change, with
 * a year of the fixed claims settled (so a journal of them). Each blob is written twice: as the
 * payload the target wraps (first byte odd, bit 7 set: version 2) and whole (first byte even).
 *
 *     build-fuzz/tests/fuzz/make_seeds tests/fuzz/corpus/restore */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static void write_seed(const char *dir, const char *name, uint8_t mode, const uint8_t *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fputc(mode, f) == EOF || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "make_seeds: cannot write %s\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: make_seeds DIR\n", stderr);
        return 2;
    }
    fz_init();
    mb_error *err = mb_error_new();
    static uint8_t blob[FZ_BLOB_MAX];
    for (unsigned k = 0; k < MB_TEST_CHAINS; k++) {
        const mb_ruleset *chain[3];
        size_t len = fz_chain(k, chain);
        int scheme = mb_test_chains[k].scheme;
        mb_enrollee *e = NULL;
        if (mb_enrollee_new(&e, "SEED", scheme, scheme == MB_SCHEME_EMPLOYEE ? 2 : 0, err) != MB_OK)
            return 1;
        if (scheme == MB_SCHEME_EMPLOYEE)
            mb_enrollee_set_account_balance(e, 120000, err);
        mb_enrollee_set_designated_facility(e, "H001", err);
        mb_enrollee_set_first_visit_facility(e, "H001", err);
        mb_enrollee_request_facility_change(e, chain[0], 20231115, "H002", err);
        for (size_t i = 0; i < 2 && i < mb_ruleset_disease_count(chain[0]); i++) {
            const char *code, *name, *group;
            mb_ruleset_disease(chain[0], i, &code, &name, &group);
            mb_enrollee_add_disease(e, i ? name : code, 20200301, 0, err);
        }
        mb_enrollee_add_assistance(e, "minimum_living", 20200101, 0, err);
        mb_claim *claims[48];
        size_t n = fz_claims_for(e, chain[0], claims);
        mb_result *r = NULL;
        mb_result_new(&r, err);
        for (size_t i = 0; i < n; i++) {
            mb_enrollee_reserve_for(e, chain, len, err);
            mb_settle(r, chain, len, e, claims[i], err);
            mb_claim_free(claims[i]);
        }
        mb_result_free(r);
        size_t size = fz_save(e, blob);
        char name[64];
        snprintf(name, sizeof name, "chain-%02u-payload", k);
        write_seed(argv[1], name, (uint8_t)(0x80 | (1 + 2 * k)), blob + 12, size - 16); /* v2 */
        snprintf(name, sizeof name, "chain-%02u-blob", k);
        write_seed(argv[1], name, (uint8_t)(2 * k), blob, size);
        mb_enrollee_free(e);
    }
    mb_error_free(err);
    return 0;
}
