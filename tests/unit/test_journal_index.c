/* The journal's index (lib/journal.c) finds each settlement it keeps by its id, and none it
 * does not, through every way the journal changes: entries appended until the limit and then
 * the oldest dropped at each append, entries taken out (a reversal), the limit changed, the
 * ring grown. Pseudo-random settlement ids (fixed seed), a third of them sharing the top bits a
 * slot keeps of its id (its tag, of which its home is part) and a third sharing only the home,
 * so that probe runs are long, tags match where ids do not, and each deletion moves slots up.
 * After every change, each kept entry must be found at its index in order, and every id
 * dropped or taken out, and ids never added, must not be. Internal: links the static library. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"

#include "../../lib/journal.h"

#define MAX 256 /* ids held by the model at most */
#define GONE 4096

static fx_rng rng = {UINT64_C(0x6a09e667f3bcc909)};
static uint64_t kept[MAX], gone[GONE];
static uint32_t nkept, ngone;
static long checks_failed;

static uint64_t next_id(void)
{
    uint64_t r = fx_next(&rng);
    switch (fx_range(&rng, 0, 2)) {
    case 0: return r;                                                  /* anywhere */
    case 1: return UINT64_C(0xabcde) << 45 | (r & ((UINT64_C(1) << 45) - 1)); /* one tag */
    default: return (r & ~(UINT64_C(0x3f) << 45)) | UINT64_C(0x15) << 45; /* one home, 6 bits */
    }
}

static bool known(uint64_t id)
{
    for (uint32_t i = 0; i < nkept; i++)
        if (kept[i] == id)
            return true;
    return false;
}

/* Every kept id at its index, every other not found. */
static void agree(const mb_journal *j, const char *after)
{
    bool ok = j->count == nkept;
    for (uint32_t i = 0; ok && i < nkept; i++)
        ok = mb_journal_find(j, kept[i]) == (int32_t)i && mb_journal_at(j, i)->setl == kept[i];
    for (uint32_t i = 0; ok && i < ngone; i++)
        ok = known(gone[i]) || mb_journal_find(j, gone[i]) == -1;
    for (int k = 0; ok && k < 8; k++) {
        uint64_t never = next_id();
        ok = known(never) || mb_journal_find(j, never) == -1;
    }
    if (!ok && checks_failed++ < 3)
        fprintf(stderr, "  after %s: %u kept\n", after, nkept);
    CHECK(ok, "the index finds what the journal keeps, at its place, and nothing else");
}

static void forget(uint64_t id)
{
    if (ngone < GONE)
        gone[ngone++] = id;
}

static void append(mb_journal *j, uint32_t limit)
{
    uint64_t id = next_id();
    if (known(id))
        return; /* an id is kept once (journal.c refuses a second) */
    if (!mb_journal_room(j, 2))
        FX_OK(mb_journal_make_room(j, 2, fx_error()));
    mb_entry *en = mb_journal_append(j, id);
    CHECK(en != NULL && en->setl == id, "appended");
    if (nkept == limit) { /* the oldest dropped */
        forget(kept[0]);
        memmove(kept, kept + 1, (nkept - 1) * sizeof *kept);
        nkept--;
    }
    kept[nkept++] = id;
    agree(j, "an append");
}

static void take_out(mb_journal *j)
{
    if (nkept == 0)
        return;
    uint32_t i = (uint32_t)fx_range(&rng, 0, (int64_t)nkept - 1);
    forget(kept[i]);
    mb_journal_remove(j, i);
    memmove(kept + i, kept + i + 1, (nkept - i - 1) * sizeof *kept);
    nkept--;
    agree(j, "a removal");
}

static void resize(mb_journal *j, uint32_t *limit)
{
    uint32_t to = (uint32_t)fx_range(&rng, 1, 200);
    FX_OK(mb_journal_resize(j, to, fx_error()));
    if (nkept > to) { /* the newest that fit stay */
        uint32_t drop = nkept - to;
        for (uint32_t i = 0; i < drop; i++)
            forget(kept[i]);
        memmove(kept, kept + drop, to * sizeof *kept);
        nkept = to;
    }
    *limit = to;
    agree(j, "a resize");
}

int main(void)
{
    static const uint32_t limits[] = {1, 2, 3, 7, 32, 200};
    for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
        uint32_t limit = limits[l];
        mb_journal j;
        FX_OK(mb_journal_init(&j, limit, fx_error()));
        nkept = ngone = 0;
        for (int step = 0; step < 3000; step++) {
            int what = (int)fx_range(&rng, 0, 99);
            if (what < 80)
                append(&j, limit);
            else if (what < 97)
                take_out(&j);
            else
                resize(&j, &limit);
        }
        mb_journal_free(&j);
    }
    fx_done();
    return check_summary();
}
