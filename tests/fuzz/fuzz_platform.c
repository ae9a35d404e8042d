/* Fuzz target: the national platform's messages (lib/platform*.c). The input is lines: the
 * first says the platform the calls run on, as tests/unit/data/platform-calls.txt does
 *     sequence NAME chain=RULESET-ID|- facility=CODE=LEVEL
 * (an unknown ruleset id: every bundled ruleset to choose from; no facility: none set), and
 * each line after it (up to 64) is one request envelope sent to mb_platform_call, the state
 * kept in a store of the harness's between them. The seeds are the recorded sequences.
 *
 * After every call: the answer is JSON with an infcode, 0 when the call returned MB_OK and
 * -1 with an err_msg when it did not ("platform-answer"); a refused call leaves the stored
 * state byte for byte as it was and saves nothing ("platform-refused-unchanged"); a setlinfo
 * keeps the platform's four identities, every amount with two decimals ("platform-setlinfo").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "../unit/memory_store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { CALLS_MAX = 64 };

static mb_error *err;

/* The state between calls, as the caller's store keeps it. */
static fx_store st;
static char *before;
static mb_platform *platform;
static mb_json_doc answer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_init();
    err = mb_error_new();
    return 0;
}

static void release(void)
{
    mb_platform_free(platform);
    platform = NULL;
    mb_json_free(&answer);
    memset(&answer, 0, sizeof answer);
    fx_store_clear(&st);
    free(before);
    before = NULL;
}

/* The platform of the header line; NULL when it cannot be made (that is no finding: the
 * header is the harness's, not the library's input). */
static mb_platform *make_platform(const char *line)
{
    char name[32] = "", chain_id[128] = "-", facility[64] = "";
    sscanf(line, "sequence %31s chain=%127s facility=%63s", name, chain_id, facility);
    const mb_ruleset *chain[MB_TEST_RULESETS];
    size_t n = 0;
    unsigned flags = 0;
    for (size_t i = 0; i < MB_TEST_RULESETS; i++)
        if (strcmp(mb_test_ruleset_ids[i], chain_id) == 0)
            chain[n++] = fz_rulesets[i];
    if (n > 0) {
        flags = MB_PLATFORM_FIXED_CHAIN;
    } else {
        for (size_t i = 0; i < MB_TEST_RULESETS; i++)
            chain[n++] = fz_rulesets[i];
    }
    mb_platform *p = NULL;
    if (mb_platform_new(&p, chain, n, flags, err) != MB_OK)
        return NULL;
    char *eq = strchr(facility, '=');
    if (eq != NULL) {
        *eq = '\0';
        int level = mb_level_parse(eq + 1);
        if (level >= 0 && mb_platform_set_facility(p, facility, level, err) != MB_OK) {
            mb_platform_free(p);
            return NULL;
        }
    }
    mb_platform_store s = {fx_store_load, fx_store_save, NULL, &st};
    if (mb_platform_set_store(p, &s, err) != MB_OK) {
        mb_platform_free(p);
        return NULL;
    }
    return p;
}

/* An amount of the answer in fen: a JSON number written with exactly two decimals. */
static int64_t answer_fen(const mb_json *info, const char *key, const char *what)
{
    const mb_json *v = mb_json_member(info, key);
    FZ_REQUIRE("platform-setlinfo", v != NULL && v->type == MB_JSON_NUMBER,
               "%s: setlinfo.%s is not a number", what, key);
    const char *t = v->text;
    bool negative = *t == '-';
    t += negative;
    int64_t fen = 0;
    size_t digits = 0;
    for (; *t >= '0' && *t <= '9'; t++, digits++)
        fen = fen * 10 + (*t - '0');
    FZ_REQUIRE("platform-setlinfo",
               digits >= 1 && digits <= 13 && t[0] == '.' && t[1] >= '0' && t[1] <= '9' &&
                   t[2] >= '0' && t[2] <= '9' && t[3] == '\0',
               "%s: setlinfo.%s %s is not an amount with two decimals", what, key, v->text);
    fen = fen * 100 + (t[1] - '0') * 10 + (t[2] - '0');
    return negative ? -fen : fen;
}

/* The platform's setlinfo identities (nhsa reference 3.3, as tests/platform-cli.py checks
 * them on the CLI's answers): medfee = class C + over limit + first self-pay + scope; the
 * funds add up to fund_pay_sumamt; psn_part = medfee - funds - hospital; cash = psn_part -
 * account. */
static void check_setlinfo(const mb_json *info, const char *what)
{
#define A(key) answer_fen(info, key, what)
    int64_t medfee = A("medfee_sumamt");
    FZ_REQUIRE("platform-setlinfo",
               medfee == A("fulamt_ownpay_amt") + A("overlmt_selfpay") + A("preselfpay_amt") +
                             A("inscp_scp_amt"),
               "%s: medfee_sumamt is not class C + over limit + first self-pay + scope", what);
    int64_t funds = A("hifp_pay") + A("cvlserv_pay") + A("hifes_pay") + A("hifmi_pay") +
                    A("hifob_pay") + A("maf_pay") + A("oth_pay") + A("hifdm_pay");
    FZ_REQUIRE("platform-setlinfo", A("fund_pay_sumamt") == funds,
               "%s: fund_pay_sumamt is not the sum of the funds", what);
    int64_t part = A("psn_part_amt");
    FZ_REQUIRE("platform-setlinfo", part == medfee - funds - A("hosp_part_amt"),
               "%s: psn_part_amt is not medfee - funds - hosp_part_amt", what);
    FZ_REQUIRE("platform-setlinfo", A("psn_cash_pay") == part - A("acct_pay"),
               "%s: psn_cash_pay is not psn_part_amt - acct_pay", what);
#undef A
}

/* Call k: send the request, then check the answer and the state. */
static void call(const char *request, size_t len, int k)
{
    char what[64];
    snprintf(what, sizeof what, "call %d", k);
    size_t before_len = st.len;
    int saves = st.saves;
    free(before);
    before = malloc(st.len ? st.len : 1);
    if (before == NULL)
        abort();
    if (st.len)
        memcpy(before, st.data, st.len);

    const char *response = NULL;
    size_t response_len = 0;
    int rc = mb_platform_call(platform, request, len, &response, &response_len, err);
    FZ_TRACE("#%d -> %d: %.*s", k, rc, (int)(len > 120 ? 120 : len), request);
    FZ_REQUIRE("platform-answer", response != NULL, "%s: no answer (rc %d): %s", what, rc,
               mb_error_message(err));
    mb_json_free(&answer);
    memset(&answer, 0, sizeof answer);
    FZ_REQUIRE("platform-answer",
               mb_json_parse(&answer, response, response_len, "the answer", err) == MB_OK,
               "%s: the answer is not JSON: %s", what, mb_error_message(err));
    const mb_json *infcode = mb_json_member(answer.root, "infcode");
    FZ_REQUIRE("platform-answer", infcode != NULL && infcode->type == MB_JSON_NUMBER,
               "%s: the answer has no infcode", what);
    if (rc == MB_OK) {
        FZ_REQUIRE("platform-answer", strcmp(infcode->text, "0") == 0,
                   "%s: MB_OK answered infcode %s", what, infcode->text);
    } else {
        fz_check_error(rc, err, what);
        const mb_json *msg = mb_json_member(answer.root, "err_msg");
        FZ_REQUIRE("platform-answer",
                   strcmp(infcode->text, "-1") == 0 && msg != NULL &&
                       msg->type == MB_JSON_STRING && msg->len > 0,
                   "%s: refused (%d) but answered infcode %s without an err_msg", what, rc,
                   infcode->text);
        FZ_REQUIRE("platform-refused-unchanged",
                   st.saves == saves && st.len == before_len &&
                       (before_len == 0 || memcmp(st.data, before, before_len) == 0),
                   "%s: refused (%s) but the state changed", what, mb_error_message(err));
        return;
    }
    const mb_json *info = mb_json_member(mb_json_member(answer.root, "output"), "setlinfo");
    if (info != NULL) {
        check_setlinfo(info, what);
        FZ_TRACE("#%d: setlinfo keeps the identities", k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (setjmp(fz_drop)) {
        release();
        return -1;
    }
    const char *text = (const char *)data, *end = text + size;
    const char *eol = memchr(text, '\n', size);
    if (eol == NULL)
        return 0;
    char header[256];
    snprintf(header, sizeof header, "%.*s", (int)(eol - text < 255 ? eol - text : 255), text);
    platform = make_platform(header);
    if (platform == NULL)
        return 0;
    FZ_TRACE("platform: %s", header);
    int k = 0;
    for (const char *line = eol + 1; line < end && k < CALLS_MAX; k++) {
        const char *next = memchr(line, '\n', (size_t)(end - line));
        size_t len = (size_t)((next ? next : end) - line);
        call(line, len, k);
        line += len + 1;
    }
    release();
    return 0;
}
