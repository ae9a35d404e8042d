/*
 * What-if analysis: settle the same scenarios under two sets of rulesets (the current policy
 * and a proposed one, as two directories of ruleset files with the same ids) and report, claim
 * by claim and in total, what each fund, the account and the patient would pay differently.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "compare.h"
#include "options.h"
#include "scenario.h"
#include "whatif.h"

enum { FIELDS = 7 };
static const char *const field_names[FIELDS] = {"fund_pay", "basic", "large_amount",
                                                 "critical_illness", "assistance", "acct_pay",
                                                 "cash_pay"};

static void fields_of(const mb_result *r, int64_t out[FIELDS])
{
    s_amounts a;
    amounts_of(r, &a);
    int64_t v[FIELDS] = {a.fund_pay, a.basic, a.large_amount, a.critical_illness, a.assistance,
                         a.acct_pay, a.cash_pay};
    memcpy(out, v, sizeof v);
}

/* Settle every claim of `s` under `cache`; per-claim amounts into out[i], status into st[i]. */
static int settle_all(const s_scenario *s, ruleset_cache *cache, int64_t (*out)[FIELDS],
                      int *st, char *msg, size_t cap)
{
    const mb_ruleset *chain[8];
    mb_error *err = mb_error_new();
    int rc = MB_OK;
    if (s->rulesets_count == 0 || s->rulesets_count > 8) {
        snprintf(msg, cap, "a scenario lists 1 to 8 rulesets");
        rc = MB_E_INVALID_ARGUMENT;
    }
    for (unsigned i = 0; rc == MB_OK && i < s->rulesets_count; i++)
        if ((chain[i] = cache_get(cache, s->rulesets[i], err)) == NULL) {
            snprintf(msg, cap, "ruleset %s: %s", s->rulesets[i], mb_error_message(err));
            rc = MB_E_NOT_FOUND;
        }
    mb_enrollee *e = NULL;
    mb_result *r = NULL;
    if (rc == MB_OK)
        rc = build_enrollee(s->enrollee, s->rulesets, s->rulesets_count, cache, &e, msg, cap);
    if (rc == MB_OK)
        rc = mb_result_new(&r, err);
    for (unsigned i = 0; rc == MB_OK && i < s->claims_count; i++) {
        mb_claim *c = NULL;
        st[i] = build_claim(&s->claims[i], &c, msg, cap);
        if (st[i] == MB_OK)
            st[i] = mb_enrollee_reserve_for(e, chain, s->rulesets_count, err);
        if (st[i] == MB_OK)
            st[i] = mb_settle(r, chain, s->rulesets_count, e, c, err);
        mb_claim_free(c);
        if (st[i] == MB_OK)
            fields_of(r, out[i]);
        else
            memset(out[i], 0, sizeof out[i]);
    }
    mb_result_free(r);
    mb_enrollee_free(e);
    mb_error_free(err);
    return rc;
}

int compare_files(const char *dir_a, const char *dir_b, int argc, char **argv)
{
    ruleset_cache *a = cache_new(dir_a), *b = cache_new(dir_b);
    int64_t total[2][FIELDS] = {{0}};
    int claims = 0, changed = 0, failed = 0, rejected = 0;
    char b1[32], b2[32], b3[32];
    for (int f = 0; f < argc && a && b; f++) {
        char msg[1024];
        s_scenario *s = scenario_load(argv[f], msg, sizeof msg);
        if (s == NULL) {
            fprintf(stderr, "medbenefit: %s\n", msg);
            failed++;
            continue;
        }
        unsigned n = s->claims_count;
        int64_t (*ra)[FIELDS] = calloc(n + 1, sizeof *ra), (*rb)[FIELDS] = calloc(n + 1, sizeof *rb);
        int *sa = calloc(n + 1, sizeof *sa), *sb = calloc(n + 1, sizeof *sb);
        if (!ra || !rb || !sa || !sb || settle_all(s, a, ra, sa, msg, sizeof msg) != MB_OK ||
            settle_all(s, b, rb, sb, msg, sizeof msg) != MB_OK) {
            fprintf(stderr, "medbenefit: %s: %s\n", argv[f], msg);
            failed++;
        } else {
            for (unsigned i = 0; i < n; i++) {
                claims++;
                const char *id = s->claims[i].id ? s->claims[i].id : "(no id)";
                if (sa[i] != MB_OK && sa[i] == sb[i]) {
                    rejected++; /* bad input, refused alike under both */
                    continue;
                }
                if (sa[i] != MB_OK || sb[i] != MB_OK) {
                    printf("%s %s: %s -> %s\n", argv[f], id, mb_status_name(sa[i]), mb_status_name(sb[i]));
                    failed++;
                    continue;
                }
                bool differs = memcmp(ra[i], rb[i], sizeof ra[i]) != 0;
                changed += differs;
                for (int k = 0; k < FIELDS; k++) {
                    total[0][k] += ra[i][k];
                    total[1][k] += rb[i][k];
                    if (ra[i][k] != rb[i][k])
                        printf("%s %s %s: %s -> %s (%s%s)\n", argv[f], id, field_names[k],
                               yuan(ra[i][k], b1), yuan(rb[i][k], b2),
                               rb[i][k] >= ra[i][k] ? "+" : "", yuan(rb[i][k] - ra[i][k], b3));
                }
            }
        }
        free(ra);
        free(rb);
        free(sa);
        free(sb);
        scenario_free(s);
    }
    printf("%d claims, %d settle differently, %d refused alike, %d could not be compared\n", claims,
           changed, rejected, failed);
    printf("%-18s %16s %16s %16s\n", "total", dir_a, dir_b, "difference");
    for (int k = 0; k < FIELDS; k++)
        printf("%-18s %16s %16s %16s\n", field_names[k], yuan(total[0][k], b1),
               yuan(total[1][k], b2), yuan(total[1][k] - total[0][k], b3));
    cache_free(a);
    cache_free(b);
    return failed ? 1 : 0;
}

/* ---- what-if at scale ------------------------------------------------------------------------ */

/* A whole number in [0, max], or -1. */
static long whole(const char *text, long max)
{
    char *end;
    long v = strtol(text, &end, 10);
    return *text >= '0' && *text <= '9' && *end == '\0' && v <= max ? v : -1;
}

static bool write_to(const char *path, const whatif *w, void (*write)(const whatif *, FILE *))
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "medbenefit: %s: cannot write: %s\n", path, strerror(errno));
        return false;
    }
    write(w, f);
    bool ok = !ferror(f);
    if (f != stdout)
        ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "medbenefit: %s: cannot write: %s\n", path, strerror(errno));
    return ok;
}

int compare_claims(const char *dir_a, const char *dir_b, const compare_stream *opt, int argc,
                   char **argv)
{
    whatif_options o = {.dir = {dir_a, dir_b}, .top = 20, .threads = 0,
                        .progress = isatty(2) != 0};
    if (opt->amounts && strcmp(opt->amounts, "fen") == 0)
        o.unit = UNIT_FEN;
    else if (opt->amounts && strcmp(opt->amounts, "yuan") == 0)
        o.unit = UNIT_YUAN;
    else if (opt->amounts) {
        fprintf(stderr, "medbenefit: --amounts is fen or yuan, not '%s'\n", opt->amounts);
        return EXIT_USAGE;
    }
    if (opt->input_format && strcmp(opt->input_format, "csv") == 0)
        o.format = CLAIMS_CSV;
    else if (opt->input_format && strcmp(opt->input_format, "jsonl") == 0)
        o.format = CLAIMS_JSONL;
    else if (opt->input_format) {
        fprintf(stderr, "medbenefit: --input-format is csv or jsonl, not '%s'\n",
                opt->input_format);
        return EXIT_USAGE;
    }
    long v;
    if (opt->top && (v = whole(opt->top, 100000)) < 0) {
        fprintf(stderr, "medbenefit: --top is a whole number up to 100000, not '%s'\n", opt->top);
        return EXIT_USAGE;
    }
    if (opt->top)
        o.top = (size_t)v;
    if (opt->threads && (v = whole(opt->threads, 256)) < 0) {
        fprintf(stderr, "medbenefit: --threads is a whole number up to 256 (0: one per core), "
                "not '%s'\n", opt->threads);
        return EXIT_USAGE;
    }
    if (opt->threads)
        o.threads = (unsigned)v;
    /* the chain's ids, split at commas */
    char ids[1024];
    const char *chain[8];
    size_t n = 0;
    if (strlen(opt->chain) >= sizeof ids) {
        fputs("medbenefit: --chain is too long\n", stderr);
        return EXIT_USAGE;
    }
    strcpy(ids, opt->chain);
    for (char *save = NULL, *id = strtok_r(ids, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
        if (n == 8) {
            fputs("medbenefit: --chain names at most 8 rulesets\n", stderr);
            return EXIT_USAGE;
        }
        chain[n++] = id;
    }
    if (n == 0) {
        fputs("medbenefit: --chain names the rulesets, ID[,ID...]\n", stderr);
        return EXIT_USAGE;
    }
    o.chain = chain;
    o.chain_len = n;
    whatif w;
    int rc = whatif_run(&w, &o, (const char *const *)argv, (size_t)argc);
    if (rc != EXIT_USAGE) {
        whatif_write_text(&w, stdout);
        if (o.progress && w.seconds > 0)
            fprintf(stderr, "medbenefit: %lld rows in %.2f s (%.2f M rows/s)\n",
                    (long long)w.rows, w.seconds, (double)w.rows / w.seconds / 1e6);
        if (opt->json && !write_to(opt->json, &w, whatif_write_json))
            rc = EXIT_USAGE;
        if (opt->html && !write_to(opt->html, &w, whatif_write_html))
            rc = EXIT_USAGE;
    }
    whatif_free(&w);
    return rc;
}
