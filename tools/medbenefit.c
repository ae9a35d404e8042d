/*
 * medbenefit — run, check and explain settlements from the command line, through the public
 * C API only (the same calls an integrator makes).
 *
 *   medbenefit check    [--rulesets DIR] FILE...   scenario files against their expectations
 *   medbenefit settle   [--rulesets DIR] FILE...   one JSON object per claim
 *   medbenefit explain  [--rulesets DIR] FILE...   a readable trace per claim
 *   medbenefit validate RULESET...                 load and check rulesets (files or ids)
 *   medbenefit assess RULESET DISEASE FINDING...   certification criteria
 *   medbenefit compare --against DIR FILE...       what-if: the same claims under other rulesets
 *   medbenefit compare --against DIR --chain IDS CLAIMS.csv|.jsonl...
 *                                                  the same at scale, with an HTML report
 *   medbenefit platform [--chain IDS] [--state DIR] [REQUEST.json]
 *                                                  one national-platform message, answered
 *
 * Options are each command's own (tools/options.c): an unknown one is refused as such, never
 * read as a file. docs/medbenefit.1 is the manual page; tests/cli-usage.sh holds them together.
 *
 * Exit codes: 0 success; 1 a check failed or a ruleset is invalid; 2 usage or unreadable input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "migrate.h"
#include "options.h"
#include "platform_cli.h"
#include "report.h"
#include "scenario.h"

enum { EXIT_FAILED = 1 };

static const char *rulesets_dir = "rulesets";

static void usage(FILE *out)
{
    fputs("usage: medbenefit COMMAND [--rulesets DIR] ARGS...\n"
          "\n"
          "commands:\n"
          "  check FILE...       settle each scenario file's claims and compare them with their\n"
          "                      'expect' blocks; prints PASS/FAIL per claim and 'N passed, N failed'\n"
          "  settle FILE...      print one JSON object per claim (setlinfo and setldetail)\n"
          "  explain FILE...     print each settlement as a trace citing its clauses\n"
          "  validate RULESET... load rulesets (paths or ids), list their assumptions\n"
          "  migrate FILE        print a ruleset of the 1.0 format rewritten as format 2\n"
          "  assess RULESET DISEASE FINDING...\n"
          "                      certification criteria: certified, or the first unmet requirement\n"
          "  compare --against DIR FILE...\n"
          "                      what-if: settle the claims under the rulesets of --rulesets and of\n"
          "                      DIR (a changed policy, same ids) and show what settles differently;\n"
          "                      with --chain, claim files (CSV, JSON Lines) at scale\n"
          "  platform [--chain IDS] [--state DIR] [REQUEST.json]\n"
          "                      answer one national-platform request envelope (1101, 2206, 2207…)\n"
          "                      with its response envelope, keeping the platform's state in DIR\n"
          "  help [COMMAND]      this help, or a command's\n"
          "\n"
          "options:\n"
          "  --rulesets DIR      find rulesets by id in DIR first (default: ./rulesets), then in\n"
          "                      $MEDBENEFIT_RULESETS and the installed data directory\n"
          "  -h, --help          this help; 'medbenefit COMMAND --help' for a command\n"
          "  --version           the version of the program and library\n"
          "  --                  what follows are arguments (files), even those beginning with '-'\n"
          "\n"
          "exit status: 0 success, 1 a check failed or a ruleset is invalid, 2 usage or input error\n",
          out);
}

static void command_help(const char *cmd)
{
    if (strcmp(cmd, "check") == 0)
        puts("usage: medbenefit check [--rulesets DIR] FILE...   ('-' reads standard input)\n\n"
             "Settles every claim of each scenario file (format: docs/scenario-format.md) and\n"
             "compares the keys of its 'expect' block to the fen (and 'cites' to the clauses\n"
             "its trace cites). Prints one line per claim:\n"
             "PASS or FAIL, the file, scenario name and claim id; for FAIL, each field expected\n"
             "and got. Ends with 'N passed, N failed'. Exit 0 only when all pass.");
    else if (strcmp(cmd, "settle") == 0)
        puts("usage: medbenefit settle [--rulesets DIR] FILE...   ('-' reads standard input)\n\n"
             "Settles each claim in order and prints one JSON object per claim: setlinfo amounts\n"
             "(medfee_sumamt … psn_cash_pay, balc) and setldetail rows (fund_pay_type,\n"
             "inscp_scp_amt, fund_payamt, crt_payb_lmt_amt). A claim that cannot be settled prints\n"
             "{\"error\": name, \"message\": …}. Exit 1 if any claim failed.");
    else if (strcmp(cmd, "explain") == 0)
        puts("usage: medbenefit explain [--rulesets DIR] FILE...   ('-' reads standard input)\n\n"
             "Settles each claim and prints its trace: every step with its rule, amounts in and\n"
             "out, the ratio, and the clause (依据) it cites.");
    else if (strcmp(cmd, "assess") == 0)
        puts("usage: medbenefit assess [--rulesets DIR] RULESET DISEASE [FINDING...]\n\n"
             "Checks findings against a disease's certification criteria (鉴定标准). Findings are\n"
             "item numbers as the document numbers them: 3, 2.1 (（1） under item 2), 3.2.5.\n"
             "Prints 'certified' (exit 0) or 'not certified' with the first unmet requirement\n"
             "and its clause (exit 1).");
    else if (strcmp(cmd, "compare") == 0)
        puts("usage: medbenefit compare [--rulesets DIR] --against DIR FILE...\n"
             "       medbenefit compare [--rulesets DIR] --against DIR --chain ID[,ID...]\n"
             "                          [--amounts fen|yuan] [--input-format csv|jsonl]\n"
             "                          [--json OUT.json] [--html OUT.html] [--top N]\n"
             "                          [--threads N] CLAIMS...\n\n"
             "What-if analysis of a policy change: settles every claim twice, under the rulesets\n"
             "found in --rulesets (default ./rulesets) and under those in --against (a copy with\n"
             "changed parameters, same ids).\n\n"
             "Without --chain, FILEs are scenario files, each settled from a fresh enrollee; prints\n"
             "each amount that changes (claim, field, before -> after) and the totals per fund,\n"
             "account and cash. Exit 1 if a claim could not be settled under either.\n\n"
             "With --chain, CLAIMS are claim files, one claim a row, an enrollee's rows together\n"
             "and in date order (docs/claims-format.md): CSV (.csv) or JSON Lines (.jsonl,\n"
             "'-' for standard input with --input-format), streamed under the chain of ruleset ids.\n"
             "  --amounts fen|yuan      the unit of amount columns whose name does not say it\n"
             "                          (class_a; class_a_fen and class_a_yuan say it)\n"
             "  --input-format csv|jsonl  the files' format, when their names do not say it\n"
             "  --json OUT.json         the figures as JSON, every amount an integer of fen\n"
             "  --html OUT.html         the same as a self-contained HTML report with SVG charts\n"
             "  --top N                 enrollees listed whose burden changes most (default 20)\n"
             "  --threads N             threads settling (default 0: one per core)\n"
             "Prints the totals per fund under both policies. A bad row is said on stderr as\n"
             "FILE:LINE: why, left out of both policies' figures, and the run goes on; progress\n"
             "is shown when stderr is a terminal. Exit 0 when every row settled under both, 1\n"
             "when rows were refused, 2 for usage or a file or ruleset that cannot be read.");
    else if (strcmp(cmd, "migrate") == 0)
        puts("usage: medbenefit migrate FILE > NEW.yaml   ('-' reads standard input)\n\n"
             "Prints the ruleset FILE of the 1.0 format rewritten as format 2: the file as written,\n"
             "with the entries format 2 requires and 1.0 did not (class_b_first_selfpay; account\n"
             "on a basic ruleset; upstream on a later tier), each with the value 1.0 settled with\n"
             "and an assumption saying it was migrated, and 'format: 2'. The rewritten file settles\n"
             "every claim as 1.0 did. A file of format 2 is printed unchanged. Exit 1 if FILE is\n"
             "no ruleset.");
    else if (strcmp(cmd, "validate") == 0)
        puts("usage: medbenefit validate [--rulesets DIR] RULESET...\n\n"
             "Loads each ruleset (a .yaml path, or an id looked up like --rulesets), reports its\n"
             "catalogue and layers, and lists every assumption (a value no document states) with\n"
             "its reason. Exit 1 if any ruleset fails to load; the error names file, line, key.");
}

/* ---- running scenarios -------------------------------------------------------------------- */

enum mode { MODE_CHECK, MODE_SETTLE, MODE_EXPLAIN };

typedef struct tally {
    int passed, failed;
} tally;

static bool is_null(const char *s)
{
    return s == NULL || strcmp(s, "null") == 0 || strcmp(s, "~") == 0;
}

/* Compare one expected amount; print the mismatch. */
static bool check_amount(const char *field, const char *expected, int64_t got, char *why,
                         size_t cap)
{
    if (is_null(expected))
        return true;
    int64_t want;
    mb_error *err = mb_error_new();
    int rc = mb_amount_parse(expected, &want, err);
    mb_error_free(err);
    char b1[32];
    size_t n = strlen(why);
    if (rc != MB_OK) {
        snprintf(why + n, cap - n, "\n    %s: expected value '%s' is not an amount", field, expected);
        return false;
    }
    if (want == got)
        return true;
    char b2[32];
    snprintf(why + n, cap - n, "\n    %s: expected %s, got %s", field, yuan(want, b1), yuan(got, b2));
    return false;
}

/* Each expected citation: a trace step of that rule citing exactly that clause. */
static bool check_cites(const s_expect *x, const mb_result *r, char *why, size_t cap)
{
    bool pass = true;
    for (unsigned i = 0; i < x->cites_count; i++) {
        const s_cite *want = &x->cites[i];
        size_t n = strlen(why);
        if (is_null(want->rule) || is_null(want->cite) || !*want->rule || !*want->cite) {
            snprintf(why + n, cap - n, "\n    cites[%u]: rule and cite are required", i);
            pass = false;
            continue;
        }
        bool found = false, cited = false;
        char got[1024] = "";
        mb_trace_step s;
        for (size_t k = 0; k < mb_result_trace_count(r) && !cited; k++) {
            if (mb_result_trace(r, k, &s) != MB_OK || strcmp(s.rule, want->rule) != 0)
                continue;
            cited = strcmp(s.cite, want->cite) == 0;
            size_t g = strlen(got);
            snprintf(got + g, sizeof got - g, "%s'%s'", found ? " | " : "", s.cite);
            found = true;
        }
        if (cited)
            continue;
        pass = false;
        if (found)
            snprintf(why + n, cap - n, "\n    cites %s: expected '%s', got %s", want->rule,
                     want->cite, got);
        else
            snprintf(why + n, cap - n, "\n    cites %s: no step of this rule in the trace",
                     want->rule);
    }
    return pass;
}

static void print_line(bool pass, const char *file, const char *name, const char *id,
                       const char *why)
{
    printf("%s %s [%s] %s%s\n", pass ? "PASS" : "FAIL", file, name, id, pass ? "" : why);
}

/* An assessment: the findings against the disease's criteria, through mb_assess. */
static void run_assessment(const char *file, const char *name, const s_assessment *a,
                           const mb_ruleset *rs, tally *t)
{
    const char *id = a->id ? a->id : "(no id)";
    char why[1024] = "";
    bool pass = true;
    mb_error *err = mb_error_new();
    int certified = 0;
    const char *unmet = "", *cite = "";
    int rc = rs == NULL ? MB_E_NOT_FOUND
                        : mb_assess(rs, a->disease, (const char *const *)a->findings,
                                    a->findings_count, &certified, &unmet, &cite, err);
    if (rc != MB_OK) {
        pass = false;
        snprintf(why, sizeof why, "\n    error: %s: %s", mb_status_name(rc),
                 rs ? mb_error_message(err) : "the scenario names no ruleset");
    } else if (a->expect != NULL) {
        if (!is_null(a->expect->certified)) {
            bool want = strcmp(a->expect->certified, "true") == 0;
            if (want != (certified != 0)) {
                pass = false;
                snprintf(why, sizeof why, "\n    certified: expected %s, got %s%s%s",
                         want ? "true" : "false", certified ? "true" : "false",
                         certified ? "" : " — unmet: ", certified ? "" : unmet);
            }
        }
        if (!is_null(a->expect->unmet) && strcmp(a->expect->unmet, unmet) != 0) {
            pass = false;
            size_t n = strlen(why);
            snprintf(why + n, sizeof why - n, "\n    unmet: expected '%s', got '%s'",
                     a->expect->unmet, unmet);
        }
    }
    print_line(pass, file, name, id, why);
    pass ? t->passed++ : t->failed++;
    mb_error_free(err);
}

/* After the claims, each certified disease's state on the last claim's date. */
static void explain_status(const s_scenario *s, const mb_ruleset *rs, const mb_enrollee *e)
{
    static const char *const states[] = {"未认定", "享受待遇中", "待遇尚未开始", "认定已过有效期",
                                          "待遇资格已取消", "不予享受（病种数限制或互斥病种）"};
    int32_t date = 0;
    mb_error *err = mb_error_new();
    if (mb_date_parse(s->claims[s->claims_count - 1].date, &date, err) != MB_OK) {
        mb_error_free(err);
        return;
    }
    for (unsigned i = 0; s->enrollee && i < s->enrollee->diseases_count; i++) {
        const s_disease *d = &s->enrollee->diseases[i];
        const char *disease = !is_null(d->code) ? d->code : d->name;
        int state;
        int32_t since;
        const char *cite;
        if (mb_enrollee_status(e, rs, disease, date, &state, &since, &cite, err) != MB_OK)
            continue;
        printf("   认定状态 %s @ %d: %s", disease, date, states[state]);
        if (since)
            printf("（%04d-%02d-%02d）", since / 10000, since / 100 % 100, since % 100);
        if (cite && *cite)
            printf(" 依据 %s", cite);
        putchar('\n');
    }
    mb_error_free(err);
}

static void run_claims(const char *file, const s_scenario *s, enum mode mode, ruleset_cache *cache,
                       tally *t)
{
    const char *name = s->name ? s->name : "(unnamed)";
    char msg[1024];
    const mb_ruleset *chain[8];
    size_t n = 0;
    mb_error *err = mb_error_new();
    bool setup_ok = true;
    if (s->rulesets_count == 0 || s->rulesets_count > 8) {
        snprintf(msg, sizeof msg, "a scenario lists 1 to 8 rulesets");
        setup_ok = false;
    }
    for (unsigned i = 0; setup_ok && i < s->rulesets_count; i++) {
        chain[n] = cache_get(cache, s->rulesets[i], err);
        if (chain[n] == NULL) {
            snprintf(msg, sizeof msg, "ruleset %s: %s", s->rulesets[i], mb_error_message(err));
            setup_ok = false;
        }
        n++;
    }
    mb_enrollee *e = NULL;
    if (setup_ok && build_enrollee(s->enrollee, s->rulesets, s->rulesets_count, cache, &e, msg,
                                   sizeof msg) != MB_OK)
        setup_ok = false;
    mb_result *r = NULL;
    if (setup_ok && mb_result_new(&r, err) != MB_OK) {
        snprintf(msg, sizeof msg, "%s", mb_error_message(err));
        setup_ok = false;
    }
    for (unsigned i = 0; i < s->claims_count; i++) {
        const s_claim *sc = &s->claims[i];
        const char *id = sc->id ? sc->id : "(no id)";
        char why[4096] = "";
        int status = MB_OK;
        mb_claim *c = NULL;
        if (!setup_ok) {
            status = MB_E_INVALID_ARGUMENT;
        } else if ((status = build_claim(sc, &c, msg, sizeof msg)) == MB_OK) {
            mb_error_clear(err);
            status = mb_enrollee_reserve_for(e, chain, n, err);
            if (status == MB_OK)
                status = mb_settle(r, chain, n, e, c, err);
            if (status != MB_OK)
                snprintf(msg, sizeof msg, "%s", mb_error_message(err));
            else if (!is_null(sc->reverse) && strcmp(sc->reverse, "true") == 0 &&
                     (status = mb_reverse(e, r, err)) != MB_OK)
                snprintf(msg, sizeof msg, "reverse: %s", mb_error_message(err));
        }
        mb_claim_free(c);
        if (mode == MODE_SETTLE) {
            if (status == MB_OK)
                report_json(stdout, name, id, r);
            else
                report_error_json(stdout, name, id, status, msg);
            status == MB_OK ? t->passed++ : t->failed++;
            continue;
        }
        if (mode == MODE_EXPLAIN) {
            if (status == MB_OK)
                report_explain(stdout, name, id, r);
            else
                printf("== %s / %s\n   error %s: %s\n", name, id, mb_status_name(status), msg);
            status == MB_OK ? t->passed++ : t->failed++;
            continue;
        }
        const s_expect *x = sc->expect;
        bool pass = true;
        const char *want_error = x && !is_null(x->error) ? x->error : NULL;
        if (!setup_ok) {
            pass = false;
            snprintf(why, sizeof why, "\n    setup: %s", msg);
        } else if (want_error) {
            if (status == MB_OK || strcmp(want_error, mb_status_name(status)) != 0) {
                pass = false;
                snprintf(why, sizeof why, "\n    error: expected %s, got %s%s%s", want_error,
                         status == MB_OK ? "success" : mb_status_name(status),
                         status == MB_OK ? "" : ": ", status == MB_OK ? "" : msg);
            }
        } else if (status != MB_OK) {
            pass = false;
            snprintf(why, sizeof why, "\n    error: %s: %s", mb_status_name(status), msg);
        } else {
            s_amounts a;
            amounts_of(r, &a);
            if (x) {
                pass &= check_amount("fund_pay", x->fund_pay, a.fund_pay, why, sizeof why);
                pass &= check_amount("basic", x->basic, a.basic, why, sizeof why);
                pass &= check_amount("large_amount", x->large_amount, a.large_amount, why, sizeof why);
                pass &= check_amount("critical_illness", x->critical_illness, a.critical_illness, why, sizeof why);
                pass &= check_amount("assistance", x->assistance, a.assistance, why, sizeof why);
                pass &= check_amount("acct_pay", x->acct_pay, a.acct_pay, why, sizeof why);
                pass &= check_amount("cash_pay", x->cash_pay, a.cash_pay, why, sizeof why);
                pass &= check_amount("deductible", x->deductible, a.deductible, why, sizeof why);
                pass &= check_cites(x, r, why, sizeof why);
                if (!is_null(x->covered)) {
                    bool want = strcmp(x->covered, "true") == 0;
                    if (want != (a.covered != 0)) {
                        pass = false;
                        size_t len = strlen(why);
                        snprintf(why + len, sizeof why - len, "\n    covered: expected %s, got %s%s%s",
                                 want ? "true" : "false", a.covered ? "true" : "false",
                                 a.covered ? "" : " — ", a.covered ? "" : mb_result_reason(r));
                    }
                }
            }
            /* the contract: funds + account + cash = total, always */
            int64_t total = mb_result_amount(r, MB_AMT_MEDFEE_SUMAMT);
            if (a.fund_pay + a.acct_pay + a.cash_pay != total) {
                pass = false;
                size_t len = strlen(why);
                snprintf(why + len, sizeof why - len,
                         "\n    fund_pay + acct_pay + cash_pay != total (%lld + %lld + %lld != %lld fen)",
                         (long long)a.fund_pay, (long long)a.acct_pay, (long long)a.cash_pay,
                         (long long)total);
            }
        }
        print_line(pass, file, name, id, why);
        pass ? t->passed++ : t->failed++;
    }
    for (unsigned i = 0; i < s->assessments_count && mode == MODE_CHECK; i++)
        run_assessment(file, name, &s->assessments[i], s->rulesets_count ? cache_get(cache, s->rulesets[0], err) : NULL, t);
    if (mode == MODE_EXPLAIN && e != NULL && s->claims_count > 0 && setup_ok)
        explain_status(s, chain[0], e);
    mb_result_free(r);
    mb_enrollee_free(e);
    mb_error_free(err);
}

static int run_files(int argc, char **argv, enum mode mode)
{
    ruleset_cache *cache = cache_new(rulesets_dir);
    if (cache == NULL)
        return EXIT_USAGE;
    tally t = {0, 0};
    int unreadable = 0;
    for (int i = 0; i < argc; i++) {
        char msg[1024];
        const char *path = strcmp(argv[i], "-") == 0 ? "/dev/stdin" : argv[i];
        s_scenario *s = scenario_load(path, msg, sizeof msg);
        if (s == NULL) {
            if (mode == MODE_CHECK)
                printf("FAIL %s [-] -\n    %s\n", argv[i], msg);
            else
                fprintf(stderr, "medbenefit: %s\n", msg);
            t.failed++;
            unreadable++;
            continue;
        }
        run_claims(argv[i], s, mode, cache, &t);
        scenario_free(s);
    }
    cache_free(cache);
    if (mode == MODE_CHECK)
        printf("%d passed, %d failed\n", t.passed, t.failed);
    if (unreadable && mode != MODE_CHECK)
        return EXIT_USAGE;
    return t.failed ? EXIT_FAILED : EXIT_SUCCESS;
}

/* ---- assess ------------------------------------------------------------------------------ */

static int assess(int argc, char **argv)
{
    if (argc < 2) {
        fputs("medbenefit: 'assess' needs RULESET DISEASE [FINDING...] "
              "(see medbenefit assess --help)\n", stderr);
        return EXIT_USAGE;
    }
    mb_error *err = mb_error_new();
    ruleset_cache *cache = cache_new(rulesets_dir);
    const mb_ruleset *rs = cache ? cache_get(cache, argv[0], err) : NULL;
    int rc = EXIT_USAGE;
    if (rs == NULL) {
        fprintf(stderr, "medbenefit: %s\n", mb_error_message(err));
    } else {
        int certified;
        const char *unmet, *cite;
        if (mb_assess(rs, argv[1], (const char *const *)(argv + 2), (size_t)(argc - 2), &certified,
                      &unmet, &cite, err) != MB_OK) {
            fprintf(stderr, "medbenefit: %s\n", mb_error_message(err));
        } else if (certified) {
            printf("certified: %s meets the criteria (%s)\n", argv[1], cite);
            rc = EXIT_SUCCESS;
        } else {
            printf("not certified: %s\n    unmet: %s\n    依据 %s\n", argv[1], unmet, cite);
            rc = EXIT_FAILED;
        }
    }
    cache_free(cache);
    mb_error_free(err);
    return rc;
}

/* ---- validate ----------------------------------------------------------------------------- */

static int validate(int argc, char **argv)
{
    int bad = 0;
    for (int i = 0; i < argc; i++) {
        mb_error *err = mb_error_new();
        mb_ruleset *rs = NULL;
        size_t len = strlen(argv[i]);
        int rc;
        if (len > 5 && strcmp(argv[i] + len - 5, ".yaml") == 0)
            rc = mb_ruleset_load_file(&rs, argv[i], err);
        else {
            const char *dirs[] = {rulesets_dir, NULL};
            rc = mb_ruleset_load_id(&rs, argv[i], dirs, err);
        }
        if (rc != MB_OK) {
            printf("INVALID %s\n    %s: %s\n", argv[i], mb_status_name(rc), mb_error_message(err));
            bad++;
        } else {
            size_t na = mb_ruleset_assumption_count(rs);
            printf("OK %s: %s (%s), %zu diseases, %zu assumptions\n", mb_ruleset_id(rs),
                   mb_ruleset_title(rs), mb_ruleset_document(rs), mb_ruleset_disease_count(rs), na);
            for (size_t k = 0; k < na; k++) {
                const char *where, *why;
                mb_ruleset_assumption(rs, k, &where, &why);
                printf("    assumption %s: %s\n", where, why);
            }
        }
        mb_ruleset_free(rs);
        mb_error_free(err);
    }
    printf("%d valid, %d invalid\n", argc - bad, bad);
    return bad ? EXIT_FAILED : EXIT_SUCCESS;
}

/* ---- the commands and their options ------------------------------------------------------ */

static const cli_option rulesets_only[] = {{"--rulesets", "DIR"}, {NULL, NULL}};
static const cli_option no_options[] = {{NULL, NULL}};
static const cli_option compare_options[] = {
    {"--rulesets", "DIR"}, {"--against", "DIR"}, {"--chain", "IDS"}, {"--amounts", "UNIT"},
    {"--input-format", "FORMAT"}, {"--json", "FILE"}, {"--html", "FILE"}, {"--top", "N"},
    {"--threads", "N"}, {NULL, NULL}};

typedef struct command {
    const char *name;
    const cli_option *options;
    const char *arguments; /* what it needs at least once, for the message when none is given */
} command;

static const command commands[] = {
    {"check", rulesets_only, "FILE..."},
    {"settle", rulesets_only, "FILE..."},
    {"explain", rulesets_only, "FILE..."},
    {"validate", rulesets_only, "RULESET..."},
    {"migrate", no_options, "FILE"},
    {"assess", rulesets_only, "RULESET DISEASE [FINDING...]"},
    {"compare", compare_options, "--against DIR FILE..."},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* 'medbenefit help COMMAND' and 'medbenefit COMMAND --help'. */
static int help(const char *cmd)
{
    if (strcmp(cmd, "platform") == 0)
        return platform_main(1, (char *[]){"--help", NULL}, rulesets_dir);
    if (find_command(cmd) == NULL)
        return cli_unknown_command(cmd);
    command_help(cmd);
    return EXIT_SUCCESS;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return EXIT_SUCCESS;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc > 2)
            return help(argv[2]);
        usage(stdout);
        return EXIT_SUCCESS;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("medbenefit %s\n", mb_version());
        return EXIT_SUCCESS;
    }
    if (cmd[0] == '-') {
        fprintf(stderr, "medbenefit: unknown option '%s' (see medbenefit --help)\n", cmd);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "platform") == 0)
        return platform_main(argc - 2, argv + 2, rulesets_dir);
    const command *c = find_command(cmd);
    if (c == NULL)
        return cli_unknown_command(cmd);

    const char *against = NULL;
    compare_stream stream = {0};
    char **args = argv + 2;
    int nargs = 0;
    cli_parser p = {.command = cmd, .options = c->options, .argc = argc, .argv = argv, .next = 2};
    for (int k; (k = cli_next(&p)) != CLI_END;) {
        if (k == CLI_HELP)
            return help(cmd);
        if (k == CLI_ERROR)
            return EXIT_USAGE;
        if (k == CLI_ARGUMENT)
            args[nargs++] = (char *)p.arg; /* arguments move down over the options read */
        else if (strcmp(c->options[k].name, "--rulesets") == 0)
            rulesets_dir = p.value;
        else if (strcmp(c->options[k].name, "--against") == 0)
            against = p.value;
        else if (strcmp(c->options[k].name, "--chain") == 0)
            stream.chain = p.value;
        else if (strcmp(c->options[k].name, "--amounts") == 0)
            stream.amounts = p.value;
        else if (strcmp(c->options[k].name, "--input-format") == 0)
            stream.input_format = p.value;
        else if (strcmp(c->options[k].name, "--json") == 0)
            stream.json = p.value;
        else if (strcmp(c->options[k].name, "--html") == 0)
            stream.html = p.value;
        else if (strcmp(c->options[k].name, "--top") == 0)
            stream.top = p.value;
        else if (strcmp(c->options[k].name, "--threads") == 0)
            stream.threads = p.value;
    }
    if (nargs == 0) {
        fprintf(stderr, "medbenefit: '%s' needs %s (see medbenefit %s --help)\n", cmd,
                c->arguments, cmd);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "check") == 0)
        return run_files(nargs, args, MODE_CHECK);
    if (strcmp(cmd, "settle") == 0)
        return run_files(nargs, args, MODE_SETTLE);
    if (strcmp(cmd, "explain") == 0)
        return run_files(nargs, args, MODE_EXPLAIN);
    if (strcmp(cmd, "validate") == 0)
        return validate(nargs, args);
    if (strcmp(cmd, "migrate") == 0)
        return migrate_main(nargs, args);
    if (strcmp(cmd, "assess") == 0)
        return assess(nargs, args);
    if (against == NULL) {
        fputs("medbenefit: 'compare' needs --against DIR (see medbenefit compare --help)\n",
              stderr);
        return EXIT_USAGE;
    }
    if (stream.chain)
        return compare_claims(rulesets_dir, against, &stream, nargs, args);
    if (stream.amounts || stream.input_format || stream.json || stream.html || stream.top ||
        stream.threads) {
        fputs("medbenefit: 'compare' reads claim files with --chain ID[,ID...]; its other "
              "options go with it (see medbenefit compare --help)\n", stderr);
        return EXIT_USAGE;
    }
    return compare_files(rulesets_dir, against, nargs, args);
}

/* What a command printed must have been written: standard output is flushed and closed here,
 * so that a full disk or a closed descriptor fails the run (exit 2) instead of ending it as a
 * success with its figures lost. */
static int finish(int rc)
{
    errno = 0;
    bool failed = fflush(stdout) != 0 || ferror(stdout);
    if (fclose(stdout) != 0)
        failed = true;
    if (!failed)
        return rc;
    fprintf(stderr, "medbenefit: cannot write standard output: %s\n",
            errno ? strerror(errno) : "a write failed");
    return EXIT_USAGE;
}

int main(int argc, char **argv) { return finish(run(argc, argv)); }
