/* The recorded platform calls (tests/unit/data/platform-calls.txt): the requests of
 * tests/platform-cli.py's three sequences and a resident's that the platform answers with infcode 0, in order,
 * and the platform each sequence runs on. Shared by test_platform_faults.c (every field
 * changed) and test_oom_platform.c (every allocation failed). Needs fixtures.h. */
#ifndef MB_TEST_PLATFORM_CALLS_H
#define MB_TEST_PLATFORM_CALLS_H

#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "medbenefit.h"

enum { PC_MAX_CALLS = 64, PC_MAX_SEQUENCES = 4 };

typedef struct call_record {
    char *request;
    size_t len;
    char *state; /* the store's bytes before the call (kept by a test that needs them) */
    size_t state_len;
} call_record;

typedef struct sequence {
    char name[32], chain[128], facility[64];
    call_record calls[PC_MAX_CALLS];
    size_t ncalls;
} sequence;

/* The recorded sequences into seqs[0..PC_MAX_SEQUENCES); how many. */
static inline size_t pc_read(sequence *seqs)
{
    size_t nseqs = 0;
    FILE *f = fopen(MB_SOURCE_ROOT "/tests/unit/data/platform-calls.txt", "rb");
    CHECK(f != NULL, "the recorded calls open");
    if (f == NULL)
        return 0;
    static char line[1 << 16];
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (strncmp(line, "sequence ", 9) == 0 && nseqs < PC_MAX_SEQUENCES) {
            sequence *s = &seqs[nseqs++];
            sscanf(line, "sequence %31s chain=%127s facility=%63s", s->name, s->chain, s->facility);
            continue;
        }
        if (nseqs == 0 || seqs[nseqs - 1].ncalls == PC_MAX_CALLS)
            continue;
        call_record *c = &seqs[nseqs - 1].calls[seqs[nseqs - 1].ncalls++];
        c->request = malloc(n + 1);
        memcpy(c->request, line, n + 1);
        c->len = n;
    }
    fclose(f);
    return nseqs;
}

static inline void pc_free(sequence *seqs, size_t nseqs)
{
    for (size_t i = 0; i < nseqs; i++)
        for (size_t k = 0; k < seqs[i].ncalls; k++) {
            free(seqs[i].calls[k].request);
            free(seqs[i].calls[k].state);
        }
}

/* The platform sequence `s` runs on: its fixed chain of the `n` rulesets given, or all of them
 * to choose from ("-"), its institution, and `store` (NULL: in memory). NULL when it cannot be
 * made (a failed CHECK, or out of memory under a failing allocator when `quiet`). */
static inline mb_platform *pc_platform(const sequence *s, mb_ruleset *const *rs, size_t n,
                                       fx_store *store, bool quiet)
{
    const mb_ruleset *chain[32];
    size_t len = 0;
    unsigned flags = 0;
    if (strcmp(s->chain, "-") != 0) {
        for (size_t i = 0; i < n && len < 32; i++)
            if (strcmp(mb_ruleset_id(rs[i]), s->chain) == 0)
                chain[len++] = rs[i];
        flags = MB_PLATFORM_FIXED_CHAIN;
    } else {
        for (size_t i = 0; i < n && len < 32; i++)
            chain[len++] = rs[i];
    }
    mb_platform *p = NULL;
    mb_error *err = quiet ? NULL : fx_error();
    int rc = mb_platform_new(&p, chain, len, flags, err);
    char code[64];
    snprintf(code, sizeof code, "%s", s->facility);
    char *eq = strchr(code, '=');
    if (rc == MB_OK && eq != NULL) {
        *eq = '\0';
        rc = mb_platform_set_facility(p, code, mb_level_parse(eq + 1), err);
    }
    mb_platform_store st = {fx_store_load, fx_store_save, fx_store_done, store};
    if (rc == MB_OK && store != NULL)
        rc = mb_platform_set_store(p, &st, err);
    if (rc != MB_OK) {
        if (!quiet)
            fx_ok(rc, "the recorded sequence's platform", __FILE__, __LINE__);
        mb_platform_free(p);
        return NULL;
    }
    return p;
}

#endif
