/* A result handle keeps the last enrollee's certifications as each catalogue resolves them
 * (lib/held.h), so that the next claim does not work them out again. What it keeps must never
 * be stale: a certification added between two settlements, another enrollee settled through
 * the same result, a ruleset freed and another loaded in its place each change the answer.
 *
 * Wuxi 门诊慢性病 (锡医保服务〔2020〕41号 三): employees in service, deductible 500.00 a year,
 * then 70%; benefit from the day of certification (四.2, catalogue_rules.start same_day). Every
 * claim below is one class A item of 1200.00 for 糖尿病 at the designated H001: covered, it
 * pays (1200.00 - 500.00) x 70% = 490.00 the first time in the year. Public API only. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_error *err;

/* ---- an allocator that hands a freed block back ------------------------------------------ */

/* Every block freed is kept, and the next allocation of its exact size takes the one freed
 * last: a ruleset freed and another loaded get the same address for their handle (its size is
 * its own), so the cache's check of the ruleset's load serial, not only its address, is what
 * a claim after the swap depends on. */
typedef struct kept_block {
    size_t size;
    struct kept_block *next;
    max_align_t align[];
} kept_block;
static kept_block *kept;

static void *reuse_alloc(void *ctx, size_t size)
{
    (void)ctx;
    for (kept_block **p = &kept; *p; p = &(*p)->next)
        if ((*p)->size == size) {
            kept_block *b = *p;
            *p = b->next;
            return b->align;
        }
    kept_block *b = malloc(sizeof *b + size);
    if (b == NULL)
        return NULL;
    b->size = size;
    return b->align;
}

static kept_block *block_of(void *ptr) { return (kept_block *)((char *)ptr - offsetof(kept_block, align)); }

static void reuse_free(void *ctx, void *ptr)
{
    (void)ctx;
    if (ptr == NULL)
        return;
    kept_block *b = block_of(ptr);
    b->next = kept;
    kept = b;
}

static void *reuse_realloc(void *ctx, void *ptr, size_t size)
{
    void *p = reuse_alloc(ctx, size);
    if (p != NULL && ptr != NULL) {
        size_t was = block_of(ptr)->size;
        memcpy(p, ptr, was < size ? was : size);
        reuse_free(ctx, ptr);
    }
    return p;
}

static void release_kept(void)
{
    while (kept) {
        kept_block *b = kept;
        kept = b->next;
        free(b);
    }
}

/* Settle one Wuxi claim of 1200.00 on `date`; what the pooling fund paid (-1: refused). */
static int64_t pooled(mb_result *r, const mb_ruleset *rs, mb_enrollee *e, const char *id,
                      int32_t date)
{
    mb_claim *c = fx_wuxi_claim(id, date, YUAN(1200));
    int rc = fx_settle(r, rs, e, c, err);
    mb_claim_free(c);
    CHECK_RC(rc, MB_OK, mb_error_message(err));
    return rc == MB_OK ? mb_result_amount(r, MB_AMT_HIFP_PAY) : -1;
}

static mb_enrollee *uncertified(const char *id)
{
    mb_enrollee *e = fx_enrollee(id, MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    FX_OK(mb_enrollee_set_designated_facility(e, "H001", fx_error()));
    return e;
}

/* Certified between two claims: the second is covered. */
static void certified_between(const mb_ruleset *wuxi)
{
    mb_result *r = fx_result();
    mb_enrollee *e = uncertified("E1");
    CHECK_FEN(pooled(r, wuxi, e, "C1", 20210310), 0, "no 糖尿病 certified: not covered");
    CHECK(!mb_result_covered(r), "the first claim is not covered");
    CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", 20210315, 0, err), MB_OK, mb_error_message(err));
    /* certified on 03-15 (same_day): (1200 - 500) x 70% = 490.00 */
    CHECK_FEN(pooled(r, wuxi, e, "C2", 20210320), YUAN(490), "certified since the last claim");
    CHECK(mb_result_covered(r), "the second claim is covered");
    /* a certification ended on 03-31, renewed on 04-05: expired on 04-02, covered again on
     * 04-10, the deductible met: 1200 x 70% = 840.00 */
    mb_enrollee *f = uncertified("E2");
    CHECK_RC(mb_enrollee_add_disease(f, "糖尿病", 20210105, 20210331, err), MB_OK,
             mb_error_message(err));
    CHECK_FEN(pooled(r, wuxi, f, "C3", 20210310), YUAN(490), "in its period: covered");
    CHECK_FEN(pooled(r, wuxi, f, "C4", 20210402), 0, "past valid_until: expired");
    CHECK_RC(mb_enrollee_add_disease(f, "糖尿病", 20210405, 0, err), MB_OK, mb_error_message(err));
    CHECK_FEN(pooled(r, wuxi, f, "C5", 20210410), YUAN(840), "renewed since the last claim");
    mb_enrollee_free(e);
    mb_enrollee_free(f);
    mb_result_free(r);
}

/* Two enrollees through one result, alternately: each is settled on its own certifications. */
static void enrollees_alternate(const mb_ruleset *wuxi)
{
    mb_result *r = fx_result();
    mb_enrollee *held = fx_wuxi_patient("E3", MB_PERSON_IN_SERVICE, 0); /* 糖尿病 since 01-05 */
    mb_enrollee *none = uncertified("E4");
    CHECK_FEN(pooled(r, wuxi, held, "C6", 20210310), YUAN(490), "E3 holds 糖尿病");
    CHECK_FEN(pooled(r, wuxi, none, "C7", 20210311), 0, "E4 holds none, right after E3");
    CHECK_FEN(pooled(r, wuxi, held, "C8", 20210312), YUAN(840), "E3 again: 1200 x 70%");
    /* an enrollee freed and another made, perhaps at its address: its own certifications */
    mb_enrollee_free(none);
    mb_enrollee *again = uncertified("E5");
    CHECK_FEN(pooled(r, wuxi, again, "C9", 20210313), 0, "E5 holds none");
    mb_enrollee_free(again);
    mb_enrollee_free(held);
    mb_result_free(r);
}

/* The text of the Wuxi ruleset with its benefit starting the month after certification. */
static char *next_month_text(void)
{
    FILE *f = fopen(MB_SOURCE_ROOT "/rulesets/wuxi-employee-chronic-2021.yaml", "rb");
    CHECK(f != NULL, "the Wuxi ruleset opens");
    if (f == NULL)
        return NULL;
    static char text[1 << 17];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *rule = strstr(text, "    value: same_day");
    CHECK(rule != NULL, "the Wuxi ruleset states its start rule as same_day");
    if (rule == NULL)
        return NULL;
    size_t at = (size_t)(rule - text) + strlen("    value: ");
    static char out[sizeof text + 16];
    memcpy(out, text, at);
    strcpy(out + at, "next_month");
    strcpy(out + at + strlen("next_month"), text + at + strlen("same_day"));
    return out;
}

/* A ruleset freed and another loaded at its address (the allocator above gives it back): the
 * next claim resolves the certifications against the new catalogue's rules. */
static void rulesets_swapped(void)
{
    mb_result *r = fx_result();
    mb_enrollee *e = uncertified("E6");
    FX_OK(mb_enrollee_add_disease(e, "糖尿病", 20210305, 0, fx_error()));
    mb_ruleset *same_day = fx_ruleset("wuxi-employee-chronic-2021");
    CHECK_FEN(pooled(r, same_day, e, "C10", 20210310), YUAN(490), "same_day: in benefit on 03-10");
    const void *was = same_day;
    mb_ruleset_free(same_day);
    char *text = next_month_text();
    mb_ruleset *next_month = text ? fx_ruleset_text(text, "wuxi-next-month.yaml") : NULL;
    if (next_month == NULL)
        return;
    CHECK((const void *)next_month == was,
          "the allocator handed the first ruleset's address to the second");
    /* next_month: certified 03-05, in benefit from 04-01 */
    CHECK_FEN(pooled(r, next_month, e, "C11", 20210312), 0, "next_month: not begun on 03-12");
    CHECK(!mb_result_covered(r), "not covered before the benefit starts");
    CHECK_FEN(pooled(r, next_month, e, "C12", 20210402), YUAN(840), "begun on 04-01");
    mb_ruleset_free(next_month);
    mb_enrollee_free(e);
    mb_result_free(r);
}

int main(void)
{
    mb_allocator reuse = {reuse_alloc, reuse_realloc, reuse_free, NULL};
    mb_set_allocator(&reuse);
    err = mb_error_new();
    mb_ruleset *wuxi = fx_ruleset("wuxi-employee-chronic-2021");
    certified_between(wuxi);
    enrollees_alternate(wuxi);
    mb_ruleset_free(wuxi);
    rulesets_swapped();
    mb_error_free(err);
    fx_done();
    release_kept();
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}
