/* The fuzz targets' shared part: see fuzz.h. */
#include "fuzz.h"
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MB_SOURCE_ROOT
#define MB_SOURCE_ROOT "."
#endif

/* ---- choices from the input ---------------------------------------------------------------- */

uint8_t fz_u8(fz_input *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

uint16_t fz_u16(fz_input *in) { return (uint16_t)(fz_u8(in) | fz_u8(in) << 8); }
uint32_t fz_u32(fz_input *in) { return fz_u16(in) | (uint32_t)fz_u16(in) << 16; }
uint64_t fz_u64(fz_input *in) { return fz_u32(in) | (uint64_t)fz_u32(in) << 32; }

unsigned fz_pick(fz_input *in, unsigned n)
{
    return n <= 256 ? fz_u8(in) % n : fz_u16(in) % n;
}

int64_t fz_amount(fz_input *in)
{
    switch (fz_u8(in) % 10) {
    case 0: return 0;
    case 1: return 1 + fz_u8(in);                            /* a few fen */
    case 2: return (int64_t)fz_u16(in) * 100;                /* round yuan, up to 65 535 */
    case 3: return (int64_t)fz_u16(in) * 10000;              /* hundreds of yuan, up to 6.5 M */
    case 4: return fz_u32(in);                               /* up to 42 M yuan */
    case 5: return INT64_C(100000000000000) - fz_u8(in);     /* at the 10^12 yuan limit */
    case 6: return INT64_C(100000000000000) + 1 + fz_u8(in); /* just past it */
    case 7: return -(int64_t)fz_u16(in) - 1;                 /* negative */
    case 8: return (int64_t)fz_u64(in);                      /* anything */
    default: return (int64_t)(fz_u8(in) % 50 + 1) * 10000;   /* 100 .. 5000 yuan */
    }
}

int32_t fz_date(fz_input *in)
{
    uint8_t mode = fz_u8(in);
    if (mode % 16 == 0)
        return (int32_t)fz_u32(in);
    int year = 2020 + (int)fz_pick(in, 7);
    int month = 1 + (int)fz_pick(in, mode % 16 == 1 ? 14 : 12);
    int day = 1 + (int)fz_pick(in, mode % 16 == 2 ? 32 : 28);
    return year * 10000 + month * 100 + day;
}

const char *fz_text(fz_input *in, const char *const *choices, size_t nchoices, char *buf,
                    size_t cap)
{
    uint8_t mode = fz_u8(in);
    if (nchoices > 0 && mode % 8 != 0) {
        snprintf(buf, cap, "%s", choices[fz_pick(in, (unsigned)nchoices)]);
        return buf;
    }
    size_t n = fz_u8(in) % 161;
    if (n > in->n)
        n = in->n;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, in->p, n);
    buf[n] = '\0';
    in->p += n;
    in->n -= n;
    return buf;
}

/* ---- tracing ------------------------------------------------------------------------------- */

bool fz_tracing;

void fz_trace(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

const char *fz_quote(const char *s)
{
    static char bufs[4][4 * 192 + 3];
    static unsigned next;
    char *buf = bufs[next++ % 4], *o = buf;
    bool utf8 = mb_utf8_valid(s, strlen(s)); /* then names in Chinese stay readable */
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && o < buf + sizeof bufs[0] - 6; p++) {
        if (*p == '"' || *p == '\\')
            o += sprintf(o, "\\%c", *p);
        else if ((*p >= 0x20 && *p < 0x7f) || (utf8 && *p >= 0x80))
            *o++ = (char)*p;
        else
            o += sprintf(o, "\\x%02x", *p);
    }
    *o++ = '"';
    *o = '\0';
    return buf;
}

/* ---- the bundled rulesets ------------------------------------------------------------------ */

const mb_ruleset *fz_rulesets[MB_TEST_RULESETS];
jmp_buf fz_drop;

size_t fz_chain(unsigned index, const mb_ruleset **chain)
{
    const mb_test_chain *c = &mb_test_chains[index % MB_TEST_CHAINS];
    size_t n = mb_test_chain_len(c);
    for (size_t i = 0; i < n; i++)
        chain[i] = fz_rulesets[mb_test_ruleset_index(c->ids[i])];
    return n;
}

/* ---- invariants ---------------------------------------------------------------------------- */

/* The harness's own error report: allocated once, so that dropping an input leaks nothing. */
static mb_error *harness_err;

enum { KNOWN_MAX = 32 };
static struct {
    char id[64];
    unsigned long hits;
} known[KNOWN_MAX];
static int nknown;

static void report_known(void)
{
    for (int i = 0; i < nknown; i++)
        if (known[i].hits)
            fprintf(stderr, "fuzz: known defect '%s' hit by %lu inputs\n", known[i].id,
                    known[i].hits);
}

bool fz_known(const char *id)
{
    for (int i = 0; i < nknown; i++)
        if (strcmp(known[i].id, id) == 0)
            return true;
    return false;
}

void fz_init(void)
{
    const char *list = getenv("MB_FUZZ_KNOWN");
    while (list && *list && nknown < KNOWN_MAX) {
        size_t n = strcspn(list, ", ");
        if (n > 0 && n < sizeof known[0].id) {
            memcpy(known[nknown].id, list, n);
            known[nknown++].id[n] = '\0';
        }
        list += n;
        list += strspn(list, ", ");
    }
    const char *trace = getenv("MB_FUZZ_TRACE");
    fz_tracing = trace != NULL && trace[0] != '\0' && strcmp(trace, "0") != 0;
    atexit(report_known);
    harness_err = mb_error_new();
    mb_error *err = harness_err;
    for (int i = 0; i < MB_TEST_RULESETS; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/rulesets/%s.yaml", MB_SOURCE_ROOT, mb_test_ruleset_ids[i]);
        mb_ruleset *rs = NULL;
        if (mb_ruleset_load_file(&rs, path, err) != MB_OK) {
            fprintf(stderr, "fuzz: cannot load %s: %s\n", path, mb_error_message(err));
            exit(2);
        }
        fz_rulesets[i] = rs;
    }
}

/* Count a known defect's input; false when `id` is not known. */
static bool count_known(const char *id)
{
    for (int i = 0; i < nknown; i++)
        if (strcmp(known[i].id, id) == 0) {
            known[i].hits++;
            return true;
        }
    return false;
}

static _Noreturn void report(const char *id, const char *fmt, va_list ap)
{
    fprintf(stderr, "\nFUZZ INVARIANT BROKEN [%s]: ", id);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    abort();
}

void fz_broken(const char *id, const char *fmt, ...)
{
    if (count_known(id))
        longjmp(fz_drop, 1);
    va_list ap;
    va_start(ap, fmt);
    report(id, fmt, ap);
}

void fz_noted(const char *id, const char *fmt, ...)
{
    if (count_known(id))
        return;
    va_list ap;
    va_start(ap, fmt);
    report(id, fmt, ap);
}

void fz_check_error(int rc, const mb_error *err, const char *call)
{
    FZ_REQUIRE("error-report", rc < 0 && mb_status_name(rc) != NULL, "%s returned %d", call, rc);
    FZ_REQUIRE("error-report", mb_error_status(err) == rc && mb_error_message(err)[0] != '\0',
               "%s returned %s but the error says %s: '%s'", call, mb_status_name(rc),
               mb_status_name(mb_error_status(err)), mb_error_message(err));
    /* what a caller shows, and a binding decodes: valid UTF-8 however it was cut to its room */
    const char *texts[] = {mb_error_message(err), mb_error_key(err), mb_error_file(err)};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        FZ_REQUIRE("error-utf8", mb_utf8_valid(texts[i], strlen(texts[i])),
                   "%s: the error's %s is not valid UTF-8", call,
                   i == 0 ? "message" : i == 1 ? "key" : "file");
}

void fz_check_result(const mb_result *r, int64_t balance_before, bool upstream, const char *what)
{
    /* amounts settled upstream are the caller's: a claim with them breaks its own invariant */
    const char *adds_up = upstream ? "upstream-adds-up" : "amounts-add-up";
    const char *split = upstream ? "upstream-adds-up" : "scope-split";
    int64_t a[MB_AMT_COUNT_];
    for (int k = 0; k < MB_AMT_COUNT_; k++) {
        a[k] = mb_result_amount(r, k);
        FZ_REQUIRE("amounts-nonneg", a[k] >= 0, "%s: %s is %lld fen", what, mb_amount_name(k),
                   (long long)a[k]);
    }
    FZ_REQUIRE(adds_up,
               a[MB_AMT_FUND_PAY_SUMAMT] + a[MB_AMT_ACCT_PAY] + a[MB_AMT_PSN_CASH_PAY] ==
                   a[MB_AMT_MEDFEE_SUMAMT],
               "%s: funds %lld + account %lld + cash %lld != total %lld fen", what,
               (long long)a[MB_AMT_FUND_PAY_SUMAMT], (long long)a[MB_AMT_ACCT_PAY],
               (long long)a[MB_AMT_PSN_CASH_PAY], (long long)a[MB_AMT_MEDFEE_SUMAMT]);
    FZ_REQUIRE(adds_up, a[MB_AMT_PSN_PART] <= a[MB_AMT_MEDFEE_SUMAMT],
               "%s: the person's part %lld exceeds the total %lld fen", what,
               (long long)a[MB_AMT_PSN_PART], (long long)a[MB_AMT_MEDFEE_SUMAMT]);
    /* the platform's split: medfee_sumamt = fulamt_ownpay + overlmt_selfpay + preselfpay +
     * inscp_scp, where only a claim settled upstream has a part above a price limit */
    FZ_REQUIRE(split,
               a[MB_AMT_INSCP_SCP] + a[MB_AMT_FULAMT_OWNPAY] + a[MB_AMT_OVERLMT_SELFPAY] +
                       a[MB_AMT_PRESELFPAY] == a[MB_AMT_MEDFEE_SUMAMT],
               "%s: policy scope %lld + class C %lld + over limit %lld + first self-pay %lld != "
               "total %lld fen", what, (long long)a[MB_AMT_INSCP_SCP],
               (long long)a[MB_AMT_FULAMT_OWNPAY], (long long)a[MB_AMT_OVERLMT_SELFPAY],
               (long long)a[MB_AMT_PRESELFPAY], (long long)a[MB_AMT_MEDFEE_SUMAMT]);
    FZ_REQUIRE(split, upstream || a[MB_AMT_OVERLMT_SELFPAY] == 0,
               "%s: over limit %lld fen on a claim the library classified itself", what,
               (long long)a[MB_AMT_OVERLMT_SELFPAY]);
    FZ_REQUIRE(adds_up, a[MB_AMT_PSN_PART] == a[MB_AMT_MEDFEE_SUMAMT] - a[MB_AMT_FUND_PAY_SUMAMT] &&
                            a[MB_AMT_PSN_CASH_PAY] == a[MB_AMT_PSN_PART] - a[MB_AMT_ACCT_PAY],
               "%s: person's part %lld, cash %lld for total %lld, funds %lld, account %lld fen",
               what, (long long)a[MB_AMT_PSN_PART], (long long)a[MB_AMT_PSN_CASH_PAY],
               (long long)a[MB_AMT_MEDFEE_SUMAMT], (long long)a[MB_AMT_FUND_PAY_SUMAMT],
               (long long)a[MB_AMT_ACCT_PAY]);
    FZ_REQUIRE(adds_up, a[MB_AMT_FUND_PAY_SUMAMT] <= a[MB_AMT_INSCP_SCP],
               "%s: the funds pay %lld fen, more than the policy scope %lld", what,
               (long long)a[MB_AMT_FUND_PAY_SUMAMT], (long long)a[MB_AMT_INSCP_SCP]);
    int64_t rows = 0;
    for (size_t k = 0; k < mb_result_fund_count(r); k++) {
        mb_fund_row row;
        FZ_REQUIRE("fund-rows", mb_result_fund(r, k, &row) == MB_OK, "%s: fund row %zu", what, k);
        FZ_REQUIRE("fund-rows", row.fund_payamt >= 0 && row.inscp_scp_amt >= 0 &&
                                    row.crt_payb_lmt_amt >= -1 && row.fund_pay_type != NULL &&
                                    row.fund_pay_type[0] != '\0',
                   "%s: fund row %zu (%s) pays %lld on %lld, cap left %lld", what, k,
                   row.fund_pay_type ? row.fund_pay_type : "(null)", (long long)row.fund_payamt,
                   (long long)row.inscp_scp_amt, (long long)row.crt_payb_lmt_amt);
        rows += row.fund_payamt;
    }
    FZ_REQUIRE("fund-rows", rows == a[MB_AMT_FUND_PAY_SUMAMT],
               "%s: the fund rows add up to %lld fen, fund_pay_sumamt is %lld", what,
               (long long)rows, (long long)a[MB_AMT_FUND_PAY_SUMAMT]);
    if (balance_before >= 0)
        FZ_REQUIRE("account", a[MB_AMT_ACCT_PAY] <= balance_before &&
                                  a[MB_AMT_BALC] == balance_before - a[MB_AMT_ACCT_PAY],
                   "%s: balance %lld, account paid %lld, balc %lld", what,
                   (long long)balance_before, (long long)a[MB_AMT_ACCT_PAY],
                   (long long)a[MB_AMT_BALC]);
    const char *reason = mb_result_reason(r);
    FZ_REQUIRE("reason", (mb_result_covered(r) != 0) == (reason[0] == '\0'),
               "%s: covered %d with reason '%s'", what, mb_result_covered(r), reason);
    FZ_REQUIRE("reason-utf8", mb_utf8_valid(reason, strlen(reason)),
               "%s: the reason is not valid UTF-8", what);
    for (size_t k = 0; k < mb_result_trace_count(r); k++) {
        mb_trace_step s;
        FZ_REQUIRE("trace-cited", mb_result_trace(r, k, &s) == MB_OK, "%s: trace step %zu", what, k);
        FZ_REQUIRE("trace-cited", s.rule && s.rule[0] && s.cite && s.cite[0] && s.what,
                   "%s: trace step %zu (%s / %s) cites no clause", what, k,
                   s.ruleset_id ? s.ruleset_id : "", s.rule ? s.rule : "(null)");
    }
}

void fz_check_same_result(const mb_result *a, const mb_result *b, const char *id,
                          const char *what)
{
    for (int k = 0; k < MB_AMT_COUNT_; k++)
        FZ_REQUIRE(id, mb_result_amount(a, k) == mb_result_amount(b, k),
                   "%s: %s is %lld fen once and %lld fen the other time", what, mb_amount_name(k),
                   (long long)mb_result_amount(a, k), (long long)mb_result_amount(b, k));
    FZ_REQUIRE(id, mb_result_covered(a) == mb_result_covered(b) &&
                       strcmp(mb_result_reason(a), mb_result_reason(b)) == 0,
               "%s: covered %d '%s' once and %d '%s' the other time", what, mb_result_covered(a),
               mb_result_reason(a), mb_result_covered(b), mb_result_reason(b));
    FZ_REQUIRE(id, mb_result_fund_count(a) == mb_result_fund_count(b) &&
                       mb_result_trace_count(a) == mb_result_trace_count(b),
               "%s: %zu funds and %zu steps once, %zu and %zu the other time", what,
               mb_result_fund_count(a), mb_result_trace_count(a), mb_result_fund_count(b),
               mb_result_trace_count(b));
}

size_t fz_save(const mb_enrollee *e, uint8_t *buf)
{
    size_t len = 0;
    int rc = mb_enrollee_save(e, buf, FZ_BLOB_MAX, &len, harness_err);
    FZ_REQUIRE("save", rc == MB_OK, "saving an enrollee failed: %s",
               mb_error_message(harness_err));
    return len;
}

void fz_check_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, const char *id,
                    const char *what)
{
    if (na == nb && memcmp(a, b, na) == 0)
        return;
    size_t at = 0;
    while (at < na && at < nb && a[at] == b[at])
        at++;
    fz_broken(id, "%s: the saved state differs (%zu bytes, then %zu; first difference at %zu)",
              what, na, nb, at);
}

size_t fz_check_roundtrip(const mb_enrollee *e, uint8_t *saved, const char *what)
{
    static uint8_t own[FZ_BLOB_MAX], second[FZ_BLOB_MAX], last[FZ_BLOB_MAX];
    static size_t nlast;
    uint8_t *first = saved ? saved : own;
    size_t n1 = fz_save(e, first);
    /* restoring depends on the bytes alone: the bytes checked last need no second check (most
     * calls of an input change nothing, and a restore allocates the journal's room) */
    if (n1 == nlast && memcmp(first, last, n1) == 0)
        return n1;
    mb_enrollee *back = NULL;
    int rc = mb_enrollee_restore(&back, first, n1, harness_err);
    FZ_REQUIRE("save-restore", rc == MB_OK, "%s: a saved state does not restore: %s", what,
               mb_error_message(harness_err));
    size_t n2 = 0;
    rc = mb_enrollee_save(back, second, sizeof second, &n2, harness_err);
    mb_enrollee_free(back);
    FZ_REQUIRE("save", rc == MB_OK, "saving a restored enrollee failed: %s",
               mb_error_message(harness_err));
    fz_check_bytes(first, n1, second, n2, "save-restore", what);
    memcpy(last, first, n1);
    nlast = n1;
    return n1;
}

/* ---- settling a fixed set of claims -------------------------------------------------------- */

static const int32_t claim_dates[] = {20210615, 20230615, 20251115};
enum { CLAIMS_MAX = 48 };

static mb_claim *one_claim(size_t index, int32_t date, int med, const char *facility, int level,
                           const char *disease, mb_error *err)
{
    mb_claim *c = NULL;
    char id[16]; /* each its own: a repeated claim id is refused as settled already */
    snprintf(id, sizeof id, "F%zu", index);
    if (mb_claim_new(&c, id, date, med, facility, level, err) != MB_OK)
        return NULL;
    int64_t scale = 1 + date % 7;
    mb_claim_add_item(c, 80000 * scale, MB_CLASS_A, -1, err);
    mb_claim_add_item(c, 25000 * scale, MB_CLASS_B, -1, err);
    mb_claim_add_item(c, 6000, MB_CLASS_B, 2000, err);
    mb_claim_add_item(c, 3000, MB_CLASS_C, -1, err);
    if (disease != NULL && mb_claim_set_disease(c, disease, NULL, err) != MB_OK) {
        mb_claim_free(c);
        return NULL;
    }
    if (med == MB_MED_INPATIENT)
        mb_claim_set_admission(c, date - 10, date - 1, err);
    if (med == MB_MED_PHARMACY)
        mb_claim_set_prescriber(c, facility, MB_LEVEL_SECONDARY, err);
    return c;
}

size_t fz_claims_for(const mb_enrollee *e, const mb_ruleset *rs, mb_claim **out)
{
    static const int meds[] = {MB_MED_GENERAL_OUTPATIENT, MB_MED_EMERGENCY, MB_MED_INPATIENT,
                               MB_MED_PHARMACY};
    size_t n = 0;
    for (size_t d = 0; d < sizeof claim_dates / sizeof claim_dates[0]; d++) {
        int32_t date = claim_dates[d];
        const char *facility = mb_enrollee_designated_facility(e, date);
        if (facility[0] == '\0')
            facility = "H001";
        for (size_t m = 0; m < sizeof meds / sizeof meds[0]; m++) {
            int level = meds[m] == MB_MED_PHARMACY ? MB_LEVEL_PHARMACY : MB_LEVEL_TERTIARY;
            mb_claim *c = one_claim(n, date, meds[m], facility, level, NULL, harness_err);
            if (c != NULL && n < CLAIMS_MAX)
                out[n++] = c;
            else
                mb_claim_free(c);
        }
        /* a chronic claim for each disease held (at most three), and one for the catalogue's first */
        size_t held = mb_enrollee_disease_count(e);
        for (size_t i = 0; i <= held && i < 4; i++) {
            const char *name = NULL, *code = NULL, *group = NULL;
            int32_t on, until;
            if (i < held && i < 3)
                mb_enrollee_disease(e, i, &name, &on, &until);
            else if (rs != NULL && mb_ruleset_disease(rs, 0, &code, &name, &group) != MB_OK)
                continue;
            if (name == NULL)
                continue;
            mb_claim *c = one_claim(n, date, MB_MED_CHRONIC, facility, MB_LEVEL_SECONDARY, name,
                                    harness_err);
            if (c != NULL && n < CLAIMS_MAX)
                out[n++] = c;
            else
                mb_claim_free(c);
        }
    }
    return n;
}

void fz_settle_all(const mb_ruleset *const *chain, size_t chain_len, mb_enrollee *e,
                   mb_claim *const *claims, size_t nclaims, const char *what)
{
    static mb_result *pool[CLAIMS_MAX], *pre;
    static uint8_t initial[FZ_BLOB_MAX], before[FZ_BLOB_MAX], after[FZ_BLOB_MAX];
    if (pre == NULL) {
        for (int i = 0; i < CLAIMS_MAX; i++)
            if (mb_result_new(&pool[i], NULL) != MB_OK)
                abort();
        if (mb_result_new(&pre, NULL) != MB_OK)
            abort();
    }
    /* room in the journal for every claim, so that all of them can be reversed */
    size_t kept = mb_enrollee_journal_count(e), most = 4096;
    if (kept + nclaims > most)
        nclaims = most - kept;
    if (mb_enrollee_journal_limit(e) < kept + nclaims)
        FZ_REQUIRE("journal-limit",
                   mb_enrollee_set_journal_limit(e, kept + nclaims, harness_err) == MB_OK,
                   "%s: raising the journal's bound to %zu: %s", what, kept + nclaims,
                   mb_error_message(harness_err));
    size_t ninitial = fz_save(e, initial);
    mb_result *settled[CLAIMS_MAX];
    size_t nsettled = 0;
    /* `before` holds the enrollee's bytes when `current`: at first, and after a refused settle
     * (checked to change nothing); only a settlement makes a new save necessary */
    memcpy(before, initial, ninitial);
    size_t nbefore = ninitial;
    bool current = true;
    for (size_t i = 0; i < nclaims && i < CLAIMS_MAX; i++) {
        if (!current)
            nbefore = fz_save(e, before);
        current = true;
        int64_t balance = mb_enrollee_account_balance(e);
        int repeat = fz_repeat(e, NULL, claims[i]);
        int prc = mb_presettle(pre, chain, chain_len, e, claims[i], harness_err);
        size_t nafter = fz_save(e, after);
        fz_check_bytes(before, nbefore, after, nafter, "presettle-changes-nothing", what);
        /* room first, as the header asks of every caller; a bad chain is mb_settle's to report */
        (void)mb_enrollee_reserve_for(e, chain, chain_len, NULL);
        int rc = mb_settle(pool[i], chain, chain_len, e, claims[i], harness_err);
        fz_check_settle_status(prc, rc, repeat, what);
        if (rc != MB_OK) {
            fz_check_error(rc, harness_err, "mb_settle");
            nafter = fz_save(e, after);
            fz_check_bytes(before, nbefore, after, nafter, "failed-call-changes-nothing", what);
            continue;
        }
        current = false;
        fz_check_result(pool[i], balance, false, what);
        fz_check_same_result(pre, pool[i], "presettle-settle", what);
        settled[nsettled++] = pool[i];
    }
    fz_check_roundtrip(e, NULL, what);
    /* in any order (docs/reversal.md): the even ones first, by their handles, then the odd ones
     * last first, by their ids */
    for (int odd = 0; odd < 2; odd++)
        for (size_t k = 0; k < nsettled; k++) {
            size_t i = odd ? nsettled - 1 - k : k;
            if ((i % 2 == 1) != odd)
                continue;
            int rc = odd ? mb_reverse_id(e, mb_result_setl_id(settled[i]), harness_err)
                         : mb_reverse(e, settled[i], harness_err);
            /* giving an account back may pass 10^12 yuan when a balance was set since */
            FZ_REQUIRE("reverse", rc == MB_OK || rc == MB_E_OVERFLOW,
                       "%s: reversing settlement %zu of %zu failed: %s", what, i + 1, nsettled,
                       mb_error_message(harness_err));
            if (rc != MB_OK)
                return;
        }
    size_t nafter = fz_save(e, after);
    fz_check_bytes(initial, ninitial, after, nafter, "reverse-restores", what);
}

/* ---- repeated claims ------------------------------------------------------------------------ */

int fz_repeat(const mb_enrollee *e, const mb_enrollee *payer, const mb_claim *c)
{
    if (e == NULL || c == NULL)
        return FZ_REPEAT_NONE;
    const char *id = mb_claim_id(c), *me = mb_enrollee_id(e);
    int repeat = FZ_REPEAT_NONE;
    for (int side = 0; side < 2; side++) {
        const mb_enrollee *who = side ? payer : e;
        for (size_t i = 0; who != NULL && i < mb_enrollee_journal_count(who); i++) {
            mb_journal_entry j;
            if (mb_enrollee_journal(who, i, &j) != MB_OK || strcmp(j.claim_id, id) != 0)
                continue;
            if (side == 0 && j.family != MB_JOURNAL_PAYER && id[0] != '\0')
                return FZ_REPEAT_MUST;
            if (j.family == MB_JOURNAL_PAYER && strcmp(j.family_member, me) == 0)
                repeat = FZ_REPEAT_MAY;
        }
    }
    return repeat;
}

void fz_check_settle_status(int prc, int rc, int repeat, const char *what)
{
    if (repeat == FZ_REPEAT_MUST)
        FZ_REQUIRE("repeat-refused", rc == MB_E_STATE || (prc != MB_OK && rc == prc),
                   "%s: a claim the journal holds settles again (%s)", what, mb_status_name(rc));
    else if (rc != prc)
        FZ_REQUIRE("presettle-settle", repeat == FZ_REPEAT_MAY && prc == MB_OK && rc == MB_E_STATE,
                   "%s: presettles %s but settles %s", what, mb_status_name(prc),
                   mb_status_name(rc));
}
