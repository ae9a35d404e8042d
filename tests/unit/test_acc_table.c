/* The accumulator table (lib/enrollee.c): open addressing with linear probing and
 * backward-shift deletion. Reversal today deletes last-inserted first, which never moves an
 * entry; reversal by settlement id deletes in any order, which must. Against a plain list of
 * what should be there: random keys set, overwritten and removed in random order, up to the
 * table's load limit, the table reads exactly what the list holds after every step, keeps its
 * count, and never loses an entry whose probe sequence crossed a removed one (the ones that
 * wrap past the table's end included). */
#include "check.h"
#include "fixtures.h"
#include "handles.h"

enum { KEYS = 180 };

typedef struct {
    uint64_t key;
    int32_t period;
    int64_t value;
    bool present;
} entry;

static entry model[KEYS];

/* Every key of the model reads what the model says (0 when absent). */
static bool table_agrees(const mb_enrollee *e)
{
    for (int i = 0; i < KEYS; i++) {
        int64_t want = model[i].present ? model[i].value : 0;
        if (mb_acc_get(e, model[i].key, model[i].period) != want ||
            mb_acc_exists(e, model[i].key, model[i].period) != model[i].present)
            return false;
    }
    return true;
}

static uint32_t present_count(void)
{
    uint32_t n = 0;
    for (int i = 0; i < KEYS; i++)
        n += model[i].present;
    return n;
}

int main(void)
{
    fx_rng rng = {UINT64_C(0x853c49e6748fea9b)};
    mb_enrollee *e = fx_enrollee("T", MB_SCHEME_RESIDENT, 0, 0);
    if (e == NULL)
        return check_summary();
    /* a table sized for the 180 keys: 256 entries at the load limit of 3/4 */
    CHECK_RC(mb_enrollee_reserve(e, KEYS, fx_error()), MB_OK, "room for 180 keys");
    /* 180 distinct keys over seven periods: 58 names, each hash offset by 0 to 3 */
    for (int i = 0; i < KEYS; i++)
        model[i] = (entry){mb_hash_join("t", (const char[]){(char)('A' + i % 58), 0}) + (uint64_t)(i / 58),
                           2000 + i % 7, 0, false};
    long steps = 0, disagreements = 0, wrong_count = 0, removals = 0, overfull = 0;
    for (int round = 0; round < 40; round++) {
        /* fill to the load limit, then take out a random half, in random order */
        for (int k = 0; k < 3 * KEYS; k++) {
            int i = (int)fx_range(&rng, 0, KEYS - 1);
            if (!model[i].present && !mb_acc_room(e, 1)) {
                overfull++;
                continue;
            }
            model[i].value = fx_range(&rng, 1, 1000000);
            model[i].present = true;
            mb_acc_set(e, model[i].key, model[i].period, model[i].value);
            steps++;
        }
        for (int k = 0; k < KEYS; k++) {
            int i = (int)fx_range(&rng, 0, KEYS - 1);
            mb_acc_remove(e, model[i].key, model[i].period); /* absent ones too */
            removals += model[i].present;
            model[i].present = false;
            steps++;
            if (!table_agrees(e) && disagreements++ == 0)
                fprintf(stderr, "  round %d: the table and the list disagree\n", round);
            if (e->acc_count != present_count() && wrong_count++ == 0)
                fprintf(stderr, "  round %d: %u entries counted, %u held\n", round, e->acc_count,
                        present_count());
        }
    }
    printf("%ld steps, %ld removals, %ld refused for want of room\n", steps, removals, overfull);
    CHECK(removals > 2000, "many entries were removed");
    CHECK(overfull == 0, "the 180 keys fit in the room reserved for them");
    CHECK(disagreements == 0, "after every removal each key reads what the list holds");
    CHECK(wrong_count == 0, "and the table counts what it holds");
    mb_enrollee_free(e);
    fx_done();
    return check_summary();
}
