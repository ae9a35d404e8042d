/* Out of memory in the platform adapter (include/medbenefit.h, mb_platform_call: "nothing in
 * the state changed" when a request is refused): the recorded sequences of
 * tests/unit/data/platform-calls.txt (1101, 5301, 5206, 2201-2208, a stay settled in parts and
 * reversed), on a caller's store, with the Nth allocation failed for every N, alone
 * (transient) and with every later one (persistent). Each call either answers (MB_OK) or fails
 * with MB_E_NOMEM, with an envelope saying infcode -1 when it still has one; a call that fails
 * saves nothing; nothing leaks (the block count; ASan). In transient mode the failed call is
 * sent again with memory: it answers as in the run without failures, and the sequence ends in
 * the state that run ended in, byte for byte. The transient mode again on the platform's own
 * store in memory (its saves allocate). yajl allocates through the same hook. Public API
 * only. */
#include <stdbool.h>

#include "check.h"
#include "failing_alloc.h"
#include "fixtures.h"
#include "medbenefit.h"
#include "platform_calls.h"

enum { MAX_RULESETS = 32 };

static mb_ruleset *bundled[MAX_RULESETS];
static size_t nbundled;
static sequence seqs[PC_MAX_SEQUENCES];
static size_t nseqs;

/* The run without failures, per sequence: each answer, and the state at the end. */
static char *answers[PC_MAX_SEQUENCES][PC_MAX_CALLS];
static fx_store final[PC_MAX_SEQUENCES];

static long bad_status, unsaved_change, bad_answer, not_again, other_end, leaks, checked;
static bool in_memory; /* the platform's own store (none set) instead of the caller's */

static bool same_store(const fx_store *a, const char *data, size_t len)
{
    return a->len == len && (len == 0 || memcmp(a->data, data, len) == 0);
}

static char *copy_of(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* Sequence k with allocation n failing as `mode` says (WORKING: the reference run). Returns
 * whether an allocation was made to fail. */
static bool run(size_t k, long n, fault_mode mode)
{
    const sequence *s = &seqs[k];
    long live0 = fa.live;
    fx_store store = {0};
    fa_arm(n, mode);
    mb_platform *p = pc_platform(s, bundled, nbundled, in_memory ? NULL : &store, mode != WORKING);
    bool stopped = p == NULL;
    for (size_t i = 0; i < s->ncalls && !stopped; i++) {
        char *before = copy_of(store.data ? store.data : "", store.len);
        size_t before_len = store.len;
        bool failing = fa.failed;
        const char *answer = NULL;
        size_t len = 0;
        int rc = mb_platform_call(p, s->calls[i].request, s->calls[i].len, &answer, &len, NULL);
        if (mode == WORKING) {
            CHECK_RC(rc, MB_OK, "the recorded call answers with a working allocator");
            answers[k][i] = answer ? copy_of(answer, len) : NULL;
        } else if (rc != MB_OK) {
            checked++;
            if (rc != MB_E_NOMEM && bad_status++ == 0)
                fprintf(stderr, "  %s N=%ld: call %zu failed with %s: %s\n", s->name, n, i,
                        mb_status_name(rc), answer ? answer : "(no answer)");
            if (!same_store(&store, before, before_len) && unsaved_change++ == 0)
                fprintf(stderr, "  %s N=%ld: call %zu failed but saved\n", s->name, n, i);
            if (answer && !strstr(answer, "\"infcode\": -1") && bad_answer++ == 0)
                fprintf(stderr, "  %s N=%ld: call %zu failed but answered %s\n", s->name, n, i,
                        answer);
            if (mode == PERSISTENT)
                stopped = true;
            else { /* with memory again, the call answers as it did without the failure */
                rc = mb_platform_call(p, s->calls[i].request, s->calls[i].len, &answer, &len,
                                      NULL);
                if ((rc != MB_OK || answers[k][i] == NULL || strlen(answers[k][i]) != len ||
                     memcmp(answer, answers[k][i], len) != 0) &&
                    not_again++ == 0)
                    fprintf(stderr, "  %s N=%ld: call %zu sent again: %s\n", s->name, n, i,
                            answer ? answer : mb_status_name(rc));
            }
        } else if (!failing && fa.failed && mode == TRANSIENT &&
                   (answers[k][i] == NULL || strlen(answers[k][i]) != len ||
                    memcmp(answer, answers[k][i], len) != 0) &&
                   not_again++ == 0) {
            /* an allocation failed inside the call and it still answered: the same answer */
            fprintf(stderr, "  %s N=%ld: call %zu absorbed a failure, answering otherwise\n",
                    s->name, n, i);
        }
        free(before);
    }
    if (mode == WORKING)
        fx_store_put(&final[k], store.data, store.len);
    else if (mode == TRANSIENT && !stopped && !in_memory &&
             !same_store(&final[k], store.data, store.len) &&
             other_end++ == 0)
        fprintf(stderr, "  %s N=%ld: the sequence ends in another state\n", s->name, n);
    bool failed = fa.failed;
    mb_platform_free(p);
    fa.mode = WORKING;
    free(store.data);
    if (fa.live != live0 && leaks++ == 0)
        fprintf(stderr, "  %s N=%ld: %ld blocks leaked\n", s->name, n, fa.live - live0);
    return failed;
}

int main(void)
{
    CHECK_RC(fa_install(), MB_OK, "install the counting allocator");
    static char ids[MAX_RULESETS][128];
    nbundled = fx_bundled_ids(ids, MAX_RULESETS);
    for (size_t i = 0; i < nbundled && i < MAX_RULESETS; i++)
        bundled[i] = fx_ruleset(ids[i]);
    nseqs = pc_read(seqs);
    CHECK(nseqs == 4, "four recorded sequences");
    long total = 0;
    for (size_t k = 0; k < nseqs; k++) {
        run(k, 0, WORKING);
        long allocations = fa.calls, n[2] = {0, 0};
        total += allocations;
        for (int mode = TRANSIENT; mode <= PERSISTENT; mode++) {
            long *i = &n[mode - TRANSIENT];
            while (run(k, ++*i, (fault_mode)mode))
                ;
            CHECK(*i > allocations, "every allocation of the sequence was made to fail");
        }
        printf("%s: %zu calls, %ld allocations, each failed alone and with all after it\n",
               seqs[k].name, seqs[k].ncalls, allocations);
        /* the same on the platform's own store, in memory: its saves allocate too; what it
         * keeps is not seen from here, but the answers are, and the blocks */
        in_memory = true;
        long m = 0;
        while (run(k, ++m, TRANSIENT))
            ;
        CHECK(m > allocations, "with the store in memory, every allocation was made to fail");
        in_memory = false;
    }
    printf("%ld allocations; %ld failing calls checked\n", total, checked);
    CHECK(checked > 1000, "the failures reached the calls (the sequences allocate)");
    CHECK(bad_status == 0, "every injected failure is MB_E_NOMEM");
    CHECK(unsaved_change == 0, "a call that fails for memory saves nothing");
    CHECK(bad_answer == 0, "its envelope, when it has one, says infcode -1");
    CHECK(not_again == 0, "sent again with memory, the failed call answers as without failures");
    CHECK(other_end == 0, "and the sequence ends in the state it ends in without failures");
    CHECK(leaks == 0, "no failure leaks a block");

    for (size_t k = 0; k < nseqs; k++) {
        for (size_t i = 0; i < seqs[k].ncalls; i++)
            free(answers[k][i]);
        free(final[k].data);
    }
    pc_free(seqs, nseqs);
    for (size_t i = 0; i < nbundled && i < MAX_RULESETS; i++)
        mb_ruleset_free(bundled[i]);
    fx_done();
    CHECK(fa.live == 0, "everything the library allocated was freed");
    return check_summary();
}
