/* A result traces 96 steps in its own room; a chain whose rulesets can record more gets a block
 * of its own before anything is computed, and when memory for it runs out presettlement,
 * settlement and family settlement each answer MB_E_NOMEM and change nothing: neither the
 * result (it keeps its last settlement) nor the enrollees. Public API only. */
#include <string.h>

#include "check.h"
#include "failing_alloc.h"
#include "fixtures.h"
#include "medbenefit.h"

/* 9 chronic layers at 1%: a ruleset bound of 1 + 9 x (10 + 1) = 100 trace steps, with the
 * chain's 5 (items, first self-pay, upstream, account, family account) 105 > 96. */
static mb_ruleset *nine_layers(void)
{
    mb_ruleset *rs = fx_layers_ruleset((fx_layers){
        .id = "nine", .layers = 9, .extra = "family_account: {relations: [spouse], cite: c}\n"});
    CHECK(rs != NULL, "9 layers load");
    return rs;
}

/* How many of r's trace steps are a layer's own (rules l0, l1, …). */
static size_t layer_steps(const mb_result *r)
{
    size_t layers = 0;
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        mb_trace_step s;
        layers += mb_result_trace(r, i, &s) == MB_OK && s.rule[0] == 'l' && s.rule[1] != '\0' &&
                  (s.rule[2] == '\0' || s.rule[3] == '\0');
    }
    return layers;
}

/* The long chain presettles on a fresh result with the whole trace: on 100 yuan of class A each
 * layer pays 1% of 100 = 1 yuan, 9 yuan; each records its step (9), after the items. */
static void a_long_chain_is_traced_in_full(const mb_ruleset *const *chain, const mb_enrollee *e,
                                           const mb_claim *c)
{
    mb_result *r = fx_result();
    CHECK_RC(mb_presettle(r, chain, 1, e, c, fx_error()), MB_OK, "the long chain presettles");
    CHECK_FEN(mb_result_amount(r, MB_AMT_FUND_PAY_SUMAMT), YUAN(9), "9 layers x 1 yuan");
    CHECK_FEN(mb_result_amount(r, MB_AMT_PSN_CASH_PAY), YUAN(91), "100 - 9 yuan");
    CHECK(layer_steps(r) == 9, "each of the 9 layers is traced");
    mb_result_free(r);
}

/* A result holds two settlements, the last and the one computed next, each with its own trace
 * block: the nine layers' chain (105 steps) presettled twice gives each a block of 105; a
 * chain of twelve (a bound of 1 + 12 x 11 + 5 = 138 steps) then replaces the next one's block
 * with a larger, and its every step is kept: 12 layers x 1 yuan = 12 yuan, cash 100 - 12 = 88. */
static void a_longer_chain_grows_the_block_again(const mb_ruleset *const *chain,
                                                 const mb_enrollee *e, const mb_claim *c)
{
    mb_ruleset *twelve = fx_layers_ruleset((fx_layers){.id = "twelve", .layers = 12});
    const mb_ruleset *longer[1] = {twelve};
    mb_result *r = fx_result();
    CHECK_RC(mb_presettle(r, chain, 1, e, c, fx_error()), MB_OK, "nine layers, a first block");
    CHECK_RC(mb_presettle(r, chain, 1, e, c, fx_error()), MB_OK, "nine layers, a second block");
    CHECK(layer_steps(r) == 9, "the nine layers traced again");
    CHECK_RC(mb_presettle(r, longer, 1, e, c, fx_error()), MB_OK, "twelve layers, a larger block");
    CHECK_FEN(mb_result_amount(r, MB_AMT_FUND_PAY_SUMAMT), YUAN(12), "12 layers x 1 yuan");
    CHECK_FEN(mb_result_amount(r, MB_AMT_PSN_CASH_PAY), YUAN(88), "100 - 12 yuan");
    CHECK(layer_steps(r) == 12, "each of the 12 layers is traced");
    /* the items, then each layer's ratio and its own step: 1 + 12 x 2 = 25 */
    mb_trace_step last = {0};
    CHECK(mb_result_trace_count(r) == 25 && mb_result_trace(r, 24, &last) == MB_OK &&
              strcmp(last.rule, "l11") == 0,
          "25 steps, the last layer's last");
    mb_result_free(r);
    mb_ruleset_free(twelve);
}

/* With every allocation failing, each entry point refuses the trace's block. */
static void out_of_memory_for_the_trace_changes_nothing(const mb_ruleset *const *chain,
                                                        mb_enrollee *e, mb_enrollee *spouse,
                                                        const mb_claim *c)
{
    mb_result *r = fx_result();
    mb_error *err = mb_error_new();
    /* the room the settlements need, made first: the trace is the one allocation left */
    CHECK_RC(mb_enrollee_reserve_for(e, chain, 1, err), MB_OK, "room for the patient");
    CHECK_RC(mb_enrollee_reserve_for(spouse, chain, 1, err), MB_OK, "room for the spouse");
    static unsigned char be[4096], bs[4096], after[4096];
    size_t ne = fx_save(e, be, sizeof be), ns = fx_save(spouse, bs, sizeof bs);
    long live = fa.live;
    const char *says = "out of memory for a trace of 105 steps";

    fa_arm(1, PERSISTENT);
    CHECK_RC(mb_presettle(r, chain, 1, e, c, err), MB_E_NOMEM, "presettle");
    CHECK(strcmp(mb_error_message(err), says) == 0, "presettle says what it could not allocate");
    CHECK_RC(mb_settle(r, chain, 1, e, c, err), MB_E_NOMEM, "settle");
    CHECK(strcmp(mb_error_message(err), says) == 0, "settle says what it could not allocate");
    CHECK_RC(mb_settle_family(r, chain, 1, e, spouse, MB_FAMILY_SPOUSE, c, err), MB_E_NOMEM,
             "family settle");
    CHECK(strcmp(mb_error_message(err), says) == 0, "family settle says what it could not allocate");
    fa_arm(0, WORKING);

    CHECK(fx_same(be, ne, after, fx_save(e, after, sizeof after)), "the patient is unchanged");
    CHECK(fx_same(bs, ns, after, fx_save(spouse, after, sizeof after)), "the spouse is unchanged");
    CHECK(mb_result_trace_count(r) == 0 && mb_result_amount(r, MB_AMT_PSN_CASH_PAY) == 0,
          "the result still holds no settlement");
    CHECK(fa.live == live, "nothing leaked");
    mb_error_free(err);
    mb_result_free(r);
}

int main(void)
{
    CHECK(fa_install() == MB_OK, "the failing allocator is installed");
    mb_ruleset *rs = nine_layers();
    const mb_ruleset *chain[1] = {rs};
    mb_enrollee *e = fx_enrollee("P", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_enrollee *spouse = fx_enrollee("S", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, YUAN(50));
    mb_claim *c = fx_claim("L1", 20230301, MB_MED_CHRONIC, "H1", MB_LEVEL_PRIMARY, YUAN(100));

    a_long_chain_is_traced_in_full(chain, e, c);
    a_longer_chain_grows_the_block_again(chain, e, c);
    out_of_memory_for_the_trace_changes_nothing(chain, e, spouse, c);

    mb_claim_free(c);
    mb_enrollee_free(spouse);
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
    fx_done();
    return check_summary();
}
