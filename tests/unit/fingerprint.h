/* Fingerprints: everything the public API can observe of a handle, as text, so that "a failed
 * call changes nothing it was given" is one comparison of two texts.
 *
 *   ruleset   id, title, document, tier, assumptions, catalogue, criteria, accumulator keys;
 *   enrollee  the bytes mb_enrollee_save() writes, and every getter, including the state of
 *             each of its certifications under each ruleset given, and its journal, each
 *             change named by those rulesets;
 *   result    every amount, fund row and trace step, covered, reason and setl_id.
 *
 * A claim has few getters: what it settles to is its state (test_failed_calls.c probes it).
 * Taking a fingerprint calls only the library's getters, mb_enrollee_save and
 * mb_enrollee_status; mb_enrollee_save allocates (and frees) a block, so a test counting
 * allocations pauses its count while fingerprinting. The text is the test's own memory. */
#ifndef MB_TEST_FINGERPRINT_H
#define MB_TEST_FINGERPRINT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medbenefit.h"

typedef struct fingerprint {
    char *s;
    size_t len, cap;
} fingerprint;

static inline void fp_put(fingerprint *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void fp_put(fingerprint *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if (t->s && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        if (t->s == NULL)
            abort();
    }
}

static inline const char *fp_str(const char *s) { return s ? s : "(null)"; }

static inline void fp_ruleset(fingerprint *t, const mb_ruleset *r)
{
    fp_put(t, "== ruleset %s\n%s|%s|%d\n", mb_ruleset_id(r), mb_ruleset_title(r),
           mb_ruleset_document(r), mb_ruleset_tier(r));
    for (size_t i = 0; i < mb_ruleset_assumption_count(r); i++) {
        const char *where = NULL, *reason = NULL;
        int rc = mb_ruleset_assumption(r, i, &where, &reason);
        fp_put(t, "assumption %d %s %s\n", rc, fp_str(where), fp_str(reason));
    }
    for (size_t i = 0; i < mb_ruleset_disease_count(r); i++) {
        const char *code = NULL, *name = NULL, *group = NULL, *text = NULL, *cite = NULL;
        size_t items = 0;
        int rc = mb_ruleset_disease(r, i, &code, &name, &group);
        fp_put(t, "disease %d %s %s %s", rc, fp_str(code), fp_str(name), fp_str(group));
        rc = mb_ruleset_criteria(r, i, &text, &cite, &items);
        fp_put(t, " criteria %d %s %s %zu\n", rc, rc == MB_OK ? text : "", rc == MB_OK ? cite : "",
               rc == MB_OK ? items : 0);
        for (size_t k = 0; rc == MB_OK && k < items; k++) {
            const char *number = NULL, *item = NULL;
            int rk = mb_ruleset_criteria_item(r, i, k, &number, &item);
            fp_put(t, "  item %d %s %s\n", rk, fp_str(number), fp_str(item));
        }
    }
    for (size_t i = 0; i < mb_ruleset_accumulator_count(r); i++) {
        const char *key = NULL;
        int kind = 0;
        int rc = mb_ruleset_accumulator(r, i, &key, &kind);
        fp_put(t, "key %d %s %d\n", rc, fp_str(key), kind);
    }
}

/* The enrollee `e`, headed `name`; the state of each certification is read under each of the
 * `n` rulesets on four dates. */
static inline void fp_enrollee(fingerprint *t, const char *name, const mb_enrollee *e,
                               const mb_ruleset *const *rulesets, size_t n)
{
    static unsigned char blob[1 << 16];
    size_t len = 0;
    int rc = mb_enrollee_save(e, blob, sizeof blob, &len, NULL);
    fp_put(t, "== enrollee %s\nsave %s %zu ", name, mb_status_name(rc), len);
    for (size_t i = 0; rc == MB_OK && i < len; i++)
        fp_put(t, "%02x", blob[i]);
    fp_put(t, "\n%s %d %d %lld first-visit %s designated", mb_enrollee_id(e),
           mb_enrollee_scheme(e), mb_enrollee_person_type(e),
           (long long)mb_enrollee_account_balance(e), mb_enrollee_first_visit_facility(e));
    static const int32_t dates[] = {20210601, 20220601, 20230601, 20250601};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        fp_put(t, " %s", mb_enrollee_designated_facility(e, dates[i]));
    fp_put(t, "\n");
    for (size_t i = 0; i < mb_enrollee_disease_count(e); i++) {
        const char *disease = NULL;
        int32_t on = 0, until = 0;
        rc = mb_enrollee_disease(e, i, &disease, &on, &until);
        fp_put(t, "disease %d %s %d %d:", rc, fp_str(disease), on, until);
        for (size_t k = 0; k < n; k++)
            for (size_t d = 0; d < sizeof dates / sizeof dates[0]; d++) {
                int state = -1;
                int32_t since = -1;
                const char *cite = NULL;
                int rs = mb_enrollee_status(e, rulesets[k], disease, dates[d], &state, &since,
                                            &cite, NULL);
                fp_put(t, " %d/%d/%d", rs, state, since);
            }
        fp_put(t, "\n");
    }
    for (size_t i = 0; i < mb_enrollee_assistance_count(e); i++) {
        const char *category = NULL;
        int32_t from = 0, to = 0;
        rc = mb_enrollee_assistance(e, i, &category, &from, &to);
        fp_put(t, "identity %d %s %d %d\n", rc, fp_str(category), from, to);
    }
    fp_put(t, "journal %zu of %zu\n", mb_enrollee_journal_count(e), mb_enrollee_journal_limit(e));
    for (size_t i = 0; i < mb_enrollee_journal_count(e); i++) {
        mb_journal_entry j;
        memset(&j, 0, sizeof j);
        rc = mb_enrollee_journal(e, i, &j);
        fp_put(t, "entry %d %s %s %d %d %s %lld %lld %zu\n", rc, fp_str(j.setl_id),
               fp_str(j.claim_id), j.date, j.family, fp_str(j.family_member),
               (long long)j.acct_pay, (long long)j.family_pay, j.changes);
        for (size_t k = 0; rc == MB_OK && k < j.changes; k++) {
            mb_journal_change ch;
            memset(&ch, 0, sizeof ch);
            int rk = mb_enrollee_journal_change(e, i, k, rulesets, n, &ch);
            fp_put(t, "  change %d %s %s %d %d %lld %lld\n", rk, fp_str(ch.ruleset_id),
                   fp_str(ch.key), ch.period, ch.kind, (long long)ch.amount, (long long)ch.before);
        }
    }
}

static inline void fp_result(fingerprint *t, const mb_result *r)
{
    int64_t bulk[MB_AMT_COUNT_ + 4];
    size_t n = mb_result_amounts(r, bulk, sizeof bulk / sizeof bulk[0]);
    fp_put(t, "amounts %zu:", n);
    for (int i = 0; i < MB_AMT_COUNT_; i++)
        fp_put(t, " %lld/%lld", (long long)mb_result_amount(r, i), (long long)bulk[i]);
    fp_put(t, "\ncovered %d %s setl_id %s\n", mb_result_covered(r), mb_result_reason(r),
           mb_result_setl_id(r));
    for (size_t i = 0; i < mb_result_fund_count(r); i++) {
        mb_fund_row row;
        memset(&row, 0, sizeof row);
        int rc = mb_result_fund(r, i, &row);
        fp_put(t, "fund %d %s %s %lld %lld %lld\n", rc, fp_str(row.fund_pay_type),
               fp_str(row.fund_name), (long long)row.inscp_scp_amt, (long long)row.fund_payamt,
               (long long)row.crt_payb_lmt_amt);
    }
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        mb_trace_step s;
        memset(&s, 0, sizeof s);
        int rc = mb_result_trace(r, i, &s);
        fp_put(t, "step %d %s %s %s %s %lld %lld %d\n", rc, fp_str(s.ruleset_id), fp_str(s.rule),
               fp_str(s.cite), fp_str(s.what), (long long)s.amount_in, (long long)s.amount_out,
               s.ratio_bp);
    }
}

static inline bool fp_same(const fingerprint *a, const fingerprint *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

/* The line of `t` around byte `at`, cut at 300 bytes, labelled. */
static inline void fp_show_line(const char *label, const fingerprint *t, size_t at)
{
    size_t start = at, end = at;
    while (start > 0 && t->s[start - 1] != '\n')
        start--;
    while (end < t->len && t->s[end] != '\n')
        end++;
    size_t shown = end - start > 300 ? 300 : end - start;
    fprintf(stderr, "    %s: %.*s%s\n", label, (int)shown, t->s + start,
            end - start > 300 ? "…" : "");
}

/* Where `after` first differs from `before`: the section ("== ...") and the two lines. */
static inline void fp_show_difference(const fingerprint *before, const fingerprint *after)
{
    size_t i = 0;
    while (i < after->len && i < before->len && after->s[i] == before->s[i])
        i++;
    size_t section = i;
    while (section > 0 &&
           !(before->s[section - 1] == '\n' && strncmp(before->s + section, "== ", 3) == 0))
        section--;
    if (before->len > 0)
        fp_show_line("in", before, section);
    if (i < before->len)
        fp_show_line("before", before, i);
    if (i < after->len)
        fp_show_line("after ", after, i);
}

static inline void fp_free(fingerprint *t)
{
    free(t->s);
    *t = (fingerprint){NULL, 0, 0};
}

#endif
