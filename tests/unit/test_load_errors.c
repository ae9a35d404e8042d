/* Loading rulesets that are broken: every refusal has the right status and says where (file,
 * line, key); mb_ruleset_load_id's search path; files that are not regular files; a real
 * ruleset's assumptions (lib/load.c, lib/compile.c, lib/locate.c). Public API only. */
#define _DEFAULT_SOURCE /* mknod, S_IFBLK, makedev: a block device to refuse */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "medbenefit.h"

#ifndef MB_SOURCE_ROOT
#define MB_SOURCE_ROOT "."
#endif

/* A minimal valid ruleset, one line per entry, so that every broken variant below knows the
 * exact line its fault is on. */
static const char *const BASE[] = {
    "id: mini",                                                               /* 1 */
    "title: 测试规则",                                                        /* 2 */
    "document: 测试〔2023〕1号",                                              /* 3 */
    "tier: basic",                                                            /* 4 */
    "effective_from: 2023-01-01",                                             /* 5 */
    "funds:",                                                                 /* 6 */
    "  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}", /* 7 */
    "layers:",                                                                /* 8 */
    "  - id: outpatient",                                                     /* 9 */
    "    cite: 测试〔2023〕1号 一",                                           /* 10 */
    "    med_types: [general_outpatient]",                                    /* 11 */
    "    fund: pooling",                                                      /* 12 */
    "    deductible:",                                                        /* 13 */
    "      - {all: 500}",                                                     /* 14 */
    "    ratio:",                                                             /* 15 */
    "      - {all: 70%}",                                                     /* 16 */
    "account: {value: last, cite: 测试〔2023〕1号 二}",                       /* 17 */
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2023〕1号 三}",          /* 18 */
};
#define BASE_LINES (sizeof BASE / sizeof BASE[0])

static char text[8192];

/* BASE with line `line` (1-based) replaced by `with` (which may hold several lines); line 0
 * replaces nothing. Returns the text's length. */
static size_t variant(unsigned line, const char *with)
{
    size_t n = 0;
    for (unsigned i = 0; i < BASE_LINES; i++) {
        const char *s = (i + 1 == line) ? with : BASE[i];
        int w = snprintf(text + n, sizeof text - n, "%s\n", s);
        if (w < 0 || (size_t)w >= sizeof text - n)
            abort();
        n += (size_t)w;
    }
    return n;
}

/* Load `len` bytes of `text`; the ruleset handle must stay NULL on failure. */
static int load(mb_error *err, size_t len)
{
    mb_ruleset *rs = (mb_ruleset *)(uintptr_t)1; /* must be overwritten */
    mb_error_clear(err);
    int rc = mb_ruleset_load_buffer(&rs, text, len, "t.yaml", err);
    if (rc != MB_OK)
        CHECK(rs == NULL, "a failed load leaves *out NULL");
    mb_ruleset_free(rc == MB_OK ? rs : NULL);
    return rc;
}

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

static void base_loads(mb_error *err)
{
    size_t len = variant(0, NULL);
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, "t.yaml", err), MB_OK,
             "the minimal ruleset every variant is built from is valid");
    CHECK(rs != NULL && strcmp(mb_ruleset_id(rs), "mini") == 0, "the base ruleset's id");
    CHECK(rs != NULL && mb_ruleset_tier(rs) == MB_TIER_BASIC, "tier basic");
    mb_ruleset_free(rs);
}

static void unknown_keys(mb_error *err)
{
    /* line 3 is a key the schema does not know */
    size_t len = variant(2, "title: 测试规则\nbogus: 1");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an unknown top-level key is a schema error");
    CHECK_RC(mb_error_status(err), MB_E_SCHEMA, "the report carries the status");
    CHECK(mb_error_line(err) > 0, "the unknown top-level key is located");
    CHECK(strcmp(mb_error_key(err), "bogus") == 0, "the report names the unknown key");
    CHECK(contains(mb_error_message(err), "bogus"), "the message names the unknown key");
    CHECK(strcmp(mb_error_file(err), "t.yaml") == 0, "the report names the buffer's name");
    CHECK(strncmp(mb_error_message(err), "t.yaml:", 7) == 0, "the message starts file:line");
    /* regression: libcyaml's backtrace gives the line of the event before the unknown key
     * (line 2); lib/load.c once reported that line */
    CHECK(mb_error_line(err) == 3, "the line is the unknown key's own line");

    /* line 13 is an unknown key inside the first layer */
    len = variant(12, "    fund: pooling\n    colour: red");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an unknown key inside a layer is a schema error");
    CHECK(mb_error_line(err) > 0, "the unknown layer key is located");
    CHECK(strcmp(mb_error_key(err), "colour") == 0, "the report names the unknown layer key");
    CHECK(contains(mb_error_message(err), "colour"), "the message names the unknown layer key");
    /* regression: as above, libcyaml alone says 12 (the previous key's value) */
    CHECK(mb_error_line(err) == 13, "the line is the unknown layer key's own line");

    /* line 14: an unknown key inside a flow mapping; 'ratio' is a layer key (line 15) but not
     * a key of a deductible row */
    len = variant(14, "      - {all: 500, ratio: 5}");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an unknown key inside a row is a schema error");
    CHECK(strcmp(mb_error_key(err), "ratio") == 0, "the report names the row's unknown key");
    /* regression: lib/load.c unexpected_key_line() once looked for the key at line starts
     * only, so it ran on to the layer's own 'ratio:' on line 15 */
    CHECK(mb_error_line(err) == 14, "the unknown row key's own line, not a later 'ratio:'");

    /* a key of 600 Chinese characters (1800 bytes): the message, cut to its room, is cut at a
     * character, never inside one (the bindings decode it as UTF-8) */
    static char line[2048];
    char *w = line;
    for (int i = 0; i < 600; i++, w += 3)
        memcpy(w, "键", 3);
    memcpy(w, ": 1", 4);
    len = variant(2, line);
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an unknown key of 1800 bytes");
    CHECK(strlen(mb_error_message(err)) > 200, "the message quotes the key as far as it fits");
    CHECK(check_utf8(mb_error_message(err)), "the message is valid UTF-8");
    CHECK(check_utf8(mb_error_key(err)), "so is the key, cut to its room");
}

/* Messages an author can act on: the key's full path, the key probably meant, the shape a key
 * takes in plain words, the comma that cut a flow mapping's value, the limits of a value. */
static void author_messages(mb_error *err)
{
    size_t len = variant(13, "    deductable:");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a misspelt key is a schema error");
    CHECK(contains(mb_error_message(err), "unknown key 'layers[0].deductable'"),
          "the message gives the key's full path");
    CHECK(contains(mb_error_message(err), "did you mean 'deductible'?"),
          "and the key probably meant");
    CHECK(mb_error_line(err) == 13, "on its line");

    len = variant(11, "    med_types: inpatient");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a value where a list belongs");
    CHECK(contains(mb_error_message(err), "'layers[0].med_types' takes a list"),
          "the message says what the key takes, in plain words");
    CHECK(!contains(mb_error_message(err), "SEQUENCE_START"), "not in the parser's words");

    len = variant(14, "      - {all: 500, cite: 测试（一,二）}");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a flow mapping's value cut at a comma");
    CHECK(contains(mb_error_message(err), "must be quoted"), "the message says to quote it");

    len = variant(16, "      - {all: 160%}");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a ratio above 100%");
    CHECK(contains(mb_error_message(err), "from 0% to 100%") &&
              contains(mb_error_message(err), "160%"), "the message gives the limits and the value");

    len = variant(4, "tier: basik");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a misspelt word");
    CHECK(contains(mb_error_message(err), "expected basic, critical_illness or assistance") &&
              contains(mb_error_message(err), "did you mean 'basic'?"),
          "the words expected, from the keyword table, and the one probably meant");

    len = variant(5, "effective_from: 2023-01-01\neffective_to: 2022-12-31");
    CHECK_RC(load(err, len), MB_E_RULESET, "effective_to before effective_from");
    CHECK(contains(mb_error_message(err), "2022-12-31") && contains(mb_error_message(err), "2023-01-01"),
          "dates as the author wrote them");
}

static void missing_id(mb_error *err)
{
    /* line 1 emptied: the required top-level id is missing */
    size_t len = variant(1, "");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a missing required id is a schema error");
    CHECK(mb_error_line(err) > 0, "a missing key is located at the mapping that lacks it");
    CHECK(contains(mb_error_message(err), "id"), "the message names the missing key");
    /* regression: libcyaml's backtrace names the last field read ('layers'), not the missing
     * one; lib/load.c once reported that as the key */
    CHECK(strcmp(mb_error_key(err), "id") == 0, "the report's key is the missing 'id'");

    /* a layer without its id (line 9 becomes "  - name: x") */
    len = variant(9, "  - name: x");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a layer without its id is a schema error");
    CHECK(mb_error_line(err) > 0, "the layer lacking its id is located");
    CHECK(contains(mb_error_message(err), "id"), "the message names the missing layer id");
}

static void bad_values(mb_error *err)
{
    /* line 16: a ratio written 70, which could be 70% or 7000% */
    size_t len = variant(16, "      - {all: 70}");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a ratio without % is refused");
    CHECK(mb_error_line(err) == 16, "the bare ratio's line");
    CHECK(contains(mb_error_key(err), "ratio"), "the key path names the ratio");
    CHECK(contains(mb_error_message(err), "70"), "the message quotes the bad value");
    CHECK(contains(mb_error_message(err), "t.yaml:16:"), "the message names file and line");

    /* line 14: an amount with three decimals */
    len = variant(14, "      - {all: 500.005}");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an amount with three decimals is refused");
    CHECK(mb_error_line(err) == 14, "the bad amount's line");
    CHECK(contains(mb_error_key(err), "deductible"), "the key path names the deductible");
    CHECK(contains(mb_error_message(err), "500.005"), "the message quotes the bad amount");

    /* line 12: a layer naming a fund that funds: does not define (well-formed, inconsistent) */
    len = variant(12, "    fund: nowhere");
    CHECK_RC(load(err, len), MB_E_RULESET, "a layer naming an undefined fund is inconsistent");
    CHECK(mb_error_line(err) == 12, "the undefined fund's line");
    CHECK(contains(mb_error_key(err), "fund"), "the key path names the fund");
    CHECK(contains(mb_error_message(err), "nowhere"), "the message names the undefined fund");

    /* line 11: an unknown med_type */
    len = variant(11, "    med_types: [general_outpatient, dental]");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an unknown med_type is a schema error");
    CHECK(mb_error_line(err) > 0, "the unknown med_type is located");
    CHECK(contains(mb_error_message(err), "dental"), "the message names the unknown med_type");
    /* regression: compile_layer once passed med_bits() the layer's path, giving the key
     * "layers[0][1]" and the layer's line (9) */
    CHECK(contains(mb_error_key(err), "med_types"), "the key path names med_types");
    CHECK(mb_error_line(err) == 11, "the unknown med_type's line");

    /* line 4: an unknown tier */
    len = variant(4, "tier: platinum");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an unknown tier is a schema error");
    CHECK(mb_error_line(err) == 4, "the bad tier's line");
    CHECK(strcmp(mb_error_key(err), "tier") == 0, "the key is tier");

    /* line 5: not a calendar date */
    len = variant(5, "effective_from: 2023-02-30");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "30 February is refused");
    CHECK(mb_error_line(err) == 5, "the bad date's line");
    CHECK(contains(mb_error_key(err), "effective_from"), "the key is effective_from");

    /* line 10 removed: a layer without cite or assumption */
    len = variant(10, "");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a value without a source is refused");
    CHECK(mb_error_line(err) > 0, "the unsourced layer is located");
    CHECK(contains(mb_error_key(err), "cite"), "the key names the missing cite");
}

/* Everything the compiler checks beyond the schema, one variant of BASE each: the status, the
 * key the report names, what its message says, and the line it points at. */
#define L18 "class_b_first_selfpay: {value: 10%, cite: 测试〔2023〕1号 三}\n" /* then line 19 */
#define LAYER2 "      - {all: 70%}\n  - id: second\n    cite: c\n    med_types: [chronic]\n    fund: pooling\n    ratio: [{all: 50%}]\n"
static const struct refusal {
    unsigned line;       /* BASE line replaced */
    const char *with;
    int status;
    const char *key;     /* the report's key (a substring of it) */
    const char *message; /* a substring of the message */
    int at;              /* the line reported */
} refusals[] = {
    /* the ruleset itself */
    {5, "effective_from: 2023-01-01\neffective_to: 2022-12-31", MB_E_RULESET, "effective_to",
     "effective_to 2022-12-31 is before effective_from 2023-01-01", 6},
    {5, "effective_from: 2023-01-01\neffective_to: 2023-13-01", MB_E_SCHEMA, "effective_to",
     "expected a calendar date YYYY-MM-DD, got '2023-13-01'", 6},
    /* ':' is the character after '9': read as a digit, "0:" would be month 10 */
    {5, "effective_from: '2023-0:-01'", MB_E_SCHEMA, "effective_from",
     "expected a calendar date YYYY-MM-DD, got '2023-0:-01'", 5},
    {5, "effective_from: 2023-01-01\nschemes: [employee, military]", MB_E_SCHEMA, "schemes[1]",
     "expected employee or resident, got 'military'", 6},
    {17, "account: {value: sometimes, cite: c}", MB_E_SCHEMA, "account.value",
     "expected first, last or none, got 'sometimes'", 17},
    {18, "class_b_first_selfpay: {value: 10, cite: c}", MB_E_SCHEMA, "class_b_first_selfpay.value",
     "such as 70% or 0.7, got '10'", 18},
    {18, L18 "designated_facility: {change_from: 13-01, change_to: 12-20, cite: c}", MB_E_SCHEMA,
     "designated_facility.change_from", "expected MM-DD, got '13-01'", 19},
    {18, L18 "designated_facility: {change_from: 11-01, change_to: 10-01, cite: c}", MB_E_SCHEMA,
     "designated_facility.change_to", "on or after change_from, got '10-01'", 19},
    {18, L18 "designated_facility: {change_from: 11-01, change_to: 12-20}", MB_E_SCHEMA,
     "designated_facility.cite", "every parameter needs 'cite'", 19},
    {18, L18 "family_account: {relations: [spouse, cousin], cite: c}", MB_E_SCHEMA,
     "family_account.relations[1]", "expected spouse, parent or child, got 'cousin'", 19},
    {18, L18 "family_account: {relations: [spouse]}", MB_E_SCHEMA, "family_account.cite",
     "every parameter needs 'cite'", 19},
    {18, L18 "account_accrual: [{in_service: 2, cite: c}]", MB_E_SCHEMA, "account_accrual[0]",
     "such as 70% or 0.7, got '2'", 19},
    /* funds */
    {7, "  - {key: pooling, employee: \"310100\", name: n, amount: hifx_pay}", MB_E_SCHEMA,
     "funds[0].amount", "expected hifp_pay, hifob_pay, hifmi_pay or maf_pay, got 'hifx_pay'", 7},
    {7, "  - {key: pooling, name: n, amount: hifp_pay}", MB_E_SCHEMA, "funds[0]",
     "a fund needs its fund_pay_type code for 'employee' and/or 'resident'", 7},
    {7, "  - {key: pooling, employee: \"31010\", name: n, amount: hifp_pay}", MB_E_SCHEMA,
     "funds[0].employee", "a fund_pay_type is six digits such as 310100, got '31010'", 7},
    {7, "  - {key: pooling, employee: \"310100\", resident: \"39010x\", name: n, amount: hifp_pay}",
     MB_E_SCHEMA, "funds[0].resident", "six digits such as 310100, got '39010x'", 7},
    {7, "  - {key: pooling, employee: \"310100\", name: n, amount: hifp_pay}\n"
        "  - {key: pooling, employee: \"330100\", name: m, amount: hifob_pay}",
     MB_E_RULESET, "funds[1].key", "fund key 'pooling' is defined twice", 8},
    /* referral, categories, identity, tilt */
    {18, L18 "referral: {exempt: [emergency, holiday], cite: c}", MB_E_SCHEMA, "referral.exempt[1]",
     "expected emergency, out_of_area or designated_specialty, got 'holiday'", 19},
    {18, L18 "referral: {penalty_points: 120, cite: c}", MB_E_SCHEMA, "referral.penalty_points",
     "expected a whole number from 0 to 100, got '120'", 19},
    {18, L18 "referral: {penalty_points: 2x, cite: c}", MB_E_SCHEMA, "referral.penalty_points",
     "expected a whole number from 0 to 100, got '2x'", 19},
    {18, L18 "referral: {penalty_levels: [secondary, any], cite: c}", MB_E_SCHEMA,
     "referral.penalty_levels[1]",
     "expected primary, secondary, tertiary, first_visit or pharmacy, got 'any'", 19},
    {18, L18 "referral: {penalty_points: 20}", MB_E_SCHEMA, "referral.cite",
     "every parameter needs 'cite'", 19},
    {18, L18 "categories: [{name: rich, ratio: 50%, cite: c}]", MB_E_SCHEMA, "categories[0].name",
     "unknown assistance category or group 'rich'", 19},
    {18, L18 "categories: [{name: orphan, ratio: 150%, cite: c}]", MB_E_SCHEMA,
     "categories[0].ratio", "got '150%'", 19},
    {18, L18 "categories: [{name: orphan, ratio: 50%}]", MB_E_SCHEMA, "categories[0].cite",
     "every parameter needs 'cite'", 19},
    {18, L18 "identity: {lost: never, cite: c}", MB_E_SCHEMA, "identity.lost",
     "expected same_day or end_of_month, got 'never'", 19},
    {18, L18 "identity: {admission: sometimes, cite: c}", MB_E_SCHEMA, "identity.admission",
     "expected any_day or claim_date, got 'sometimes'", 19},
    {18, L18 "identity: {lost: same_day}", MB_E_SCHEMA, "identity.cite",
     "every parameter needs 'cite'", 19},
    {18, L18 "tilt: {categories: [orphan, rich], cite: c}", MB_E_SCHEMA, "tilt.categories[1]",
     "unknown assistance category or group 'rich'", 19},
    {18, L18 "tilt: {deductible_ratio: 2, cite: c}", MB_E_SCHEMA, "tilt.deductible_ratio",
     "got '2'", 19},
    {18, L18 "tilt: {ratio_points: x, cite: c}", MB_E_SCHEMA, "tilt.ratio_points",
     "expected a whole number from 0 to 100, got 'x'", 19},
    {18, L18 "tilt: {uncapped: maybe, cite: c}", MB_E_SCHEMA, "tilt.uncapped",
     "expected true or false, got 'maybe'", 19},
    {18, L18 "tilt: {categories: [orphan]}", MB_E_SCHEMA, "tilt.cite",
     "every parameter needs 'cite'", 19},
    /* the catalogue and its rules */
    {18, L18 "catalogue_rules: {start: {value: tomorrow, cite: c}}", MB_E_SCHEMA,
     "catalogue_rules.start.value", "expected same_day, same_month or next_month, got 'tomorrow'", 19},
    {18, L18 "catalogue_rules: {start: {value: same_month}}", MB_E_SCHEMA,
     "catalogue_rules.start.cite", "every parameter needs 'cite'", 19},
    {18, L18 "catalogue: [{code: A1, name: a, start: later}]", MB_E_SCHEMA, "catalogue[0].start",
     "expected same_day, same_month or next_month, got 'later'", 19},
    {18, L18 "catalogue: [{code: A1, name: a, valid_months: 0}]", MB_E_SCHEMA,
     "catalogue[0].valid_months", "expected a whole number from 1 to 1200, got '0'", 19},
    {18, L18 "catalogue: [{code: A1, name: a, valid_months: 1201}]", MB_E_SCHEMA,
     "catalogue[0].valid_months", "expected a whole number from 1 to 1200, got '1201'", 19},
    {18, L18 "catalogue: [{code: A1, name: a, valid_months: ''}]", MB_E_SCHEMA,
     "catalogue[0].valid_months", "expected a whole number from 1 to 1200, got ''", 19},
    {18, L18 "catalogue: [{code: A1, name: a}, {code: A2, name: b, aliases: [a]}]", MB_E_RULESET,
     "catalogue[1].name", "'a' already names catalogue entry 0 (a)", 19},
    {12, "    fund: pooling\n    referral_penalty: often", MB_E_SCHEMA,
     "layers[0].referral_penalty", "expected true or false, got 'often'", 13},
    {18, L18 "catalogue: [{code: A1, name: a, cap_period: month}]", MB_E_SCHEMA,
     "catalogue[0].cap_period", "expected year or quarter, got 'month'", 19},
    {18, L18 "catalogue: [{code: A1, name: a, caps: [{all: lots}]}]", MB_E_SCHEMA,
     "catalogue[0].caps[0].all", "got 'lots'", 19},
    {18, L18 "catalogue: [{code: A1, name: a, caps: [{all: 100, line: x}, {all: 200, line: x}]}]",
     MB_E_RULESET, "catalogue[0].caps[1].line", "treatment line 'x' has two caps", 19},
    {18, L18 "catalogue: [{code: A1, name: a}, {code: A2, name: a}]", MB_E_RULESET,
     "catalogue[1].name", "'a' already names catalogue entry 0 (a)", 19},
    {18, L18 "catalogue: [{code: A1, name: a}]\ncatalogue_rules: {max_diseases: {value: 0, cite: c}}",
     MB_E_SCHEMA, "catalogue_rules.max_diseases.value", "from 1 to 100, got '0'", 20},
    {18, L18 "catalogue: [{code: A1, name: a}]\ncatalogue_rules: {max_diseases: {value: 2}}",
     MB_E_SCHEMA, "catalogue_rules.max_diseases.cite", "every parameter needs 'cite'", 20},
    {18, L18 "catalogue: [{code: A1, name: a}]\n"
             "catalogue_rules: {revoke_after_idle_months: {value: 0, cite: c}}",
     MB_E_SCHEMA, "catalogue_rules.revoke_after_idle_months.value", "from 1 to 1200, got '0'", 20},
    {18, L18 "catalogue: [{code: A1, name: a}]\ncatalogue_rules: {validity: {value: yearly}}",
     MB_E_SCHEMA, "catalogue_rules.validity.cite", "every parameter needs 'cite'", 20},
    {18, L18 "catalogue: [{code: A1, name: a}, {code: A2, name: b}]\n"
             "catalogue_rules: {exclusive_pairs: [{a: z, b: A2}], pairs_cite: c}",
     MB_E_RULESET, "catalogue_rules.exclusive_pairs[0].a", "'z' is not in the catalogue", 20},
    {18, L18 "catalogue: [{code: A1, name: a}, {code: A2, name: b}]\n"
             "catalogue_rules: {exclusive_pairs: [{a: A1, b: z}], pairs_cite: c}",
     MB_E_RULESET, "catalogue_rules.exclusive_pairs[0].b", "'z' is not in the catalogue", 20},
    {18, L18 "catalogue: [{code: A1, name: a}, {code: A2, name: b}, {code: A3, name: c}]\n"
             "catalogue_rules: {exclusive_pairs: [{a: A1, b: A2, renewable: A3}], pairs_cite: c}",
     MB_E_RULESET, "catalogue_rules.exclusive_pairs[0].renewable", "'A3' is neither side of the pair",
     20},
    {18, L18 "catalogue: [{code: A1, name: a}, {code: A2, name: b}]\n"
             "catalogue_rules: {exclusive_pairs: [{a: A1, b: A2}]}",
     MB_E_SCHEMA, "catalogue_rules.exclusive_pairs[0].cite", "every parameter needs 'cite'", 20},
    {18, L18 "catalogue: [{code: A1, name: a}]\ncatalogue_rules: {stacking: "
             "{group: any, partial_count: 1, partial_ratio: 50%, cite: c}}",
     MB_E_RULESET, "catalogue_rules.stacking.group", "no catalogue entry is in group 'any'", 20},
    {18, L18 "catalogue: [{code: A1, name: a}]\ncatalogue_rules: {stacking: "
             "{group: chronic, partial_count: x, partial_ratio: 50%, cite: c}}",
     MB_E_SCHEMA, "catalogue_rules.stacking.partial_count", "from 0 to 100, got 'x'", 20},
    {18, L18 "catalogue: [{code: A1, name: a}]\ncatalogue_rules: {stacking: "
             "{group: chronic, partial_count: 1, partial_ratio: half, cite: c}}",
     MB_E_SCHEMA, "catalogue_rules.stacking.partial_ratio", "got 'half'", 20},
    {18, L18 "catalogue: [{code: A1, name: a}]\ncatalogue_rules: {stacking: "
             "{group: chronic, partial_count: 1, partial_ratio: 50%}}",
     MB_E_SCHEMA, "catalogue_rules.stacking.cite", "every parameter needs 'cite'", 20},
    /* the platform block: how the national platform's codes reach the ruleset */
    {18, L18 "platform: {insuplc_admdvs: {codes: ['32x2'], cite: c}}", MB_E_SCHEMA,
     "platform.insuplc_admdvs.codes[0]", "expected an area code of 2, 4 or 6 digits, got '32x2'", 19},
    {18, L18 "platform: {insuplc_admdvs: {codes: ['3202', '3202'], cite: c}}", MB_E_RULESET,
     "platform.insuplc_admdvs.codes[1]", "'3202' is listed twice", 19},
    {18, L18 "platform: {insuplc_admdvs: {codes: ['320'], cite: c}}", MB_E_SCHEMA,
     "platform.insuplc_admdvs.codes", "an area code has 2, 4 or 6 digits, got '320'", 19},
    {18, L18 "platform: {insuplc_admdvs: {codes: ['3202']}}", MB_E_SCHEMA,
     "platform.insuplc_admdvs.cite", "every parameter needs 'cite'", 19},
    {18, L18 "platform: {insutype: {codes: ['31'], cite: c}}", MB_E_SCHEMA,
     "platform.insutype.codes[0]", "expected an insutype of 3 to 6 digits, got '31'", 19},
    {18, L18 "platform: {med_type: [{code: '11', as: dental, cite: c}]}", MB_E_SCHEMA,
     "platform.med_type[0].as", "unknown med type 'dental'", 19},
    {18, L18 "platform: {med_type: [{code: '1', as: general_outpatient, cite: c}]}", MB_E_SCHEMA,
     "platform.med_type[0].code", "a med_type code is 2 to 6 digits, got '1'", 19},
    {18, L18 "platform: {med_type: [{code: '11', as: general_outpatient, cite: c}, "
             "{code: '11', as: emergency, cite: c}]}",
     MB_E_RULESET, "platform.med_type[1].code", "code '11' is mapped twice", 19},
    {18, L18 "platform: {med_type: [{code: '11', category: orphan, cite: c}]}", MB_E_SCHEMA,
     "platform.med_type[0].as", "a med_type row maps its code with 'as' (and nothing else)", 19},
    {18, L18 "platform: {med_type: [{code: '11', as: general_outpatient}]}", MB_E_SCHEMA,
     "platform.med_type[0].cite", "every parameter needs 'cite'", 19},
    {18, L18 "platform: {psn_idet_type: [{code: '2303', category: rich, cite: c}]}", MB_E_SCHEMA,
     "platform.psn_idet_type[0].category", "unknown assistance category 'rich'", 19},
    {18, L18 "platform: {psn_idet_type: [{code: '2', category: orphan, cite: c}]}", MB_E_SCHEMA,
     "platform.psn_idet_type[0].code", "a psn_idet_type is 2 to 6 digits, got '2'", 19},
    {18, L18 "platform: {psn_idet_type: [{code: '2303', key: outpatient.paid, cite: c}]}",
     MB_E_SCHEMA, "platform.psn_idet_type[0].category",
     "a psn_idet_type row maps its code with 'category' (and nothing else)", 19},
    {18, L18 "platform: {med_type: [{code: '11', as: general_outpatient, key: outpatient.paid, cite: c}]}",
     MB_E_SCHEMA, "platform.med_type[0].as", "a med_type row maps its code with 'as' (and nothing else)", 19},
    {18, L18 "platform: {med_type: [{code: '11', as: general_outpatient, insutype: '310', cite: c}]}",
     MB_E_SCHEMA, "platform.med_type[0].as", "a med_type row maps its code with 'as' (and nothing else)", 19},
    {18, L18 "platform: {psn_idet_type: [{code: '2303', cite: c}]}", MB_E_SCHEMA,
     "platform.psn_idet_type[0].category",
     "a psn_idet_type row maps its code with 'category' (and nothing else)", 19},
    {18, L18 "platform: {psn_idet_type: [{code: '2303', category: orphan, as: chronic, cite: c}]}",
     MB_E_SCHEMA, "platform.psn_idet_type[0].category",
     "a psn_idet_type row maps its code with 'category' (and nothing else)", 19},
    {18, L18 "platform: {cum_type_code: [{code: D310101, key: outpatient.paid, category: orphan, cite: c}]}",
     MB_E_SCHEMA, "platform.cum_type_code[0].key",
     "a cum_type_code row maps its code with 'key' (and nothing else)", 19},
    {18, L18 "platform: {cum_type_code: [{code: D310101, as: chronic, cite: c}]}",
     MB_E_SCHEMA, "platform.cum_type_code[0].key",
     "a cum_type_code row maps its code with 'key' (and nothing else)", 19},
    {18, L18 "platform: {cum_type_code: [{code: D3101010123456789012345678901234567890123456789012345678901234567, "
             "key: outpatient.paid, cite: c}]}",
     MB_E_SCHEMA, "platform.cum_type_code[0].code", "a cum_type_code is capitals, digits and '_', got 'D31010101", 19},
    {18, L18 "platform: {cum_type_code: [{code: d310101, key: outpatient.paid, cite: c}]}",
     MB_E_SCHEMA, "platform.cum_type_code[0].code",
     "a cum_type_code is capitals, digits and '_', got 'd310101'", 19},
    {18, L18 "platform: {cum_type_code: [{code: D310101, key: nothing.paid, cite: c}]}",
     MB_E_RULESET, "platform.cum_type_code[0].key",
     "the ruleset keeps no accumulator 'nothing.paid'", 19},
    {18, L18 "platform: {cum_type_code: [{code: D310101, key: outpatient.paid, insutype: '999', "
             "cite: c}]}",
     MB_E_RULESET, "platform.cum_type_code[0].insutype", "the ruleset settles no insutype '999'",
     19},
    {18, L18 "platform: {cum_type_code: [{code: D310101, as: chronic, cite: c}]}", MB_E_SCHEMA,
     "platform.cum_type_code[0].key",
     "a cum_type_code row maps its code with 'key' (and nothing else)", 19},
    {18, L18 "platform: {account_fund: {employee: '3102', name: n, cite: c}}", MB_E_SCHEMA,
     "platform.account_fund.employee", "a fund_pay_type is 6 digits, got '3102'", 19},
    {18, L18 "platform: {account_fund: {resident: '39020x', name: n, cite: c}}", MB_E_SCHEMA,
     "platform.account_fund.resident", "a fund_pay_type is 6 digits, got '39020x'", 19},
    {18, L18 "platform: {account_fund: {employee: '310200', name: n}}", MB_E_SCHEMA,
     "platform.account_fund.cite", "every parameter needs 'cite'", 19},
    /* a layer's own keys */
    {11, "    med_types: []", MB_E_SCHEMA, "layers[0].med_types",
     "a layer lists the med_types it applies to", 11},
    {11, "    med_types: [general_outpatient]\n    schemes: [employee, martian]", MB_E_SCHEMA,
     "layers[0].schemes[1]", "expected employee or resident, got 'martian'", 12},
    {11, "    med_types: [general_outpatient]\n    requires: [referral, magic]", MB_E_SCHEMA,
     "layers[0].requires[1]", "in_province, referral or prescription, got 'magic'", 12},
    {11, "    med_types: [general_outpatient]\n    exclusive_with: [a, b, c, d, e]", MB_E_RULESET,
     "layers[0].exclusive_with", "at most 4 exclusive kinds", 12},
    {11, "    med_types: [general_outpatient]\n    referral_penalty_cite: c", MB_E_RULESET,
     "layers[0].referral_penalty_cite", "which the layer does not apply", 12},
    {11, "    med_types: [general_outpatient]\n    exclusive_cite: c", MB_E_RULESET,
     "layers[0].exclusive_cite", "the layer does not have", 12},
    {11, "    med_types: [general_outpatient]\n    exclusive_with: [a]\n    exclusive_cite: \"  \"",
     MB_E_SCHEMA, "layers[0].exclusive_cite.cite", "'cite' is empty", 13},
    {11, "    med_types: [general_outpatient]\n    disease_group: rare", MB_E_RULESET,
     "layers[0].disease_group", "no catalogue entry is in group 'rare'", 12},
    {12, "    fund: pooling\n    base: total", MB_E_SCHEMA, "layers[0].base",
     "expected compliant or remaining, got 'total'", 13},
    {12, "    kind: outpatient", MB_E_SCHEMA, "layers[0].fund", "a layer names the fund that pays it",
     9},
    {12, "    fund: pooling\n    ratio_source: magic", MB_E_SCHEMA, "layers[0].ratio_source",
     "expected table or category, got 'magic'", 13},
    {12, "    fund: pooling\n    ratio_source: category", MB_E_RULESET, "layers[0].ratio_source",
     "ratio_source category needs the ruleset's categories table", 13},
    {12, "    fund: pooling\n    disease_caps: maybe", MB_E_SCHEMA, "layers[0].disease_caps",
     "expected true or false, got 'maybe'", 13},
    {12, "    fund: pooling\n    referral_penalty: yes", MB_E_RULESET,
     "layers[0].referral_penalty", "referral_penalty needs the ruleset's referral block", 13},
    {12, "    fund: pooling\n    tilt: true", MB_E_RULESET, "layers[0].tilt",
     "tilt needs the ruleset's tilt block", 13},
    {16, "      - {all: 70%}\n  - id: outpatient\n    cite: c\n    med_types: [chronic]\n"
         "    fund: pooling\n    ratio: [{all: 50%}]",
     MB_E_RULESET, "layers[1].id", "layer id 'outpatient' is used twice", 17},
    /* rows */
    {14, "      - {all: 500, from: 2023-02-30}", MB_E_SCHEMA, "layers[0].deductible[0].from",
     "expected a calendar date YYYY-MM-DD, got '2023-02-30'", 14},
    {14, "      - {all: 500, facility: basement}", MB_E_SCHEMA, "layers[0].deductible[0].facility",
     "expected any, first_visit, primary, secondary, tertiary or pharmacy, got 'basement'", 14},
    {14, "      - {all: 500, referred: maybe}", MB_E_SCHEMA, "layers[0].deductible[0].referred",
     "expected true or false, got 'maybe'", 14},
    {14, "      - {cite: c}", MB_E_SCHEMA, "layers[0].deductible[0]",
     "a row needs a value: value (or all), employee, in_service, retired, veteran or resident", 14},
    {14, "      - {employee: lots}", MB_E_SCHEMA, "layers[0].deductible[0].employee", "got 'lots'", 14},
    {14, "      - {all: 500, retired: lots}", MB_E_SCHEMA, "layers[0].deductible[0].retired",
     "got 'lots'", 14},
    /* bands */
    {16, "      - {all: 70%}\n    bands: [{above: x, all: 50%}]", MB_E_SCHEMA,
     "layers[0].bands[0].above", "got 'x'", 17},
    {16, "      - {all: 70%}\n    bands: [{up_to: x, all: 50%}]", MB_E_SCHEMA,
     "layers[0].bands[0].up_to", "(or 'unlimited'), got 'x'", 17},
    {16, "      - {all: 70%}\n    bands: [{above: 100, up_to: 100, all: 50%}]", MB_E_RULESET,
     "layers[0].bands[0].up_to", "a band's up_to must be above its 'above'", 17},
    {16, "      - {all: 70%}\n    bands: [{above: 500, all: 50%}, {above: 100, all: 60%}]",
     MB_E_RULESET, "layers[0].bands[1].above", "bands must be in increasing order", 17},
    /* bands that overlap would pay one part of the base twice: a band running on under the
     * next, one beginning at the deductible after another, one beginning below the last's end;
     * a band beginning where the last ends is taken (as every bundled ruleset's are) */
    {16, "      - {all: 70%}\n    bands: [{above: 100, all: 50%}, {above: 500, all: 60%}]",
     MB_E_RULESET, "layers[0].bands[1]", "bands[0] has no up_to, so it runs on under this band", 17},
    {16, "      - {all: 70%}\n    bands: [{up_to: 500, all: 50%}, {up_to: 900, all: 60%}]",
     MB_E_RULESET, "layers[0].bands[1].above",
     "would begin at the deductible, under bands[0]); give it at least that band's up_to, 500.00", 17},
    {16, "      - {all: 70%}\n    bands: [{up_to: 500, all: 50%}, {above: 499.99, all: 60%}]",
     MB_E_RULESET, "layers[0].bands[1].above",
     "this band begins at 499.99, below the up_to of bands[0], 500.00", 17},
    {16, "      - {all: 70%}\n    bands: [{above: 100, up_to: 500, all: 50%}, {above: 100, all: 60%}]",
     MB_E_RULESET, "layers[0].bands[1].above",
     "this band begins at 100.00, below the up_to of bands[0], 500.00", 17},
    {16, "      - {all: 70%}\n    bands: [{up_to: 500, all: 50%}, {above: 0, all: 60%}]",
     MB_E_RULESET, "layers[0].bands[1].above",
     "this band begins at 0.00, below the up_to of bands[0], 500.00", 17},
    {16, "      - {all: 70%}\n    bands: [{above: 100, all: 5}]", MB_E_SCHEMA,
     "layers[0].bands[0].all", "got '5'", 17},
    {16, "      - {all: 70%}\n    bands: [{above: 100, fund: nowhere}]", MB_E_RULESET,
     "layers[0].bands[0].fund", "fund 'nowhere' is not listed under funds", 17},
    /* line 16's row becomes the cap's: no ratio rows, and the second band has no ratio */
    {15, "    bands: [{above: 100, up_to: 200, employee: 50%, cite: c}, {above: 200}]\n    cap:\n      values:",
     MB_E_SCHEMA,
     "layers[0].ratio", "a layer needs ratio rows (or bands with ratios)", 9},
    /* caps */
    {16, "      - {all: 70%}\n    cap: {period: month, values: [{all: 100}]}", MB_E_SCHEMA,
     "layers[0].cap.period", "expected year or quarter, got 'month'", 17},
    {16, "      - {all: 70%}\n    cap: {values: []}", MB_E_SCHEMA, "layers[0].cap.values",
     "a cap needs values", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: lots}]}", MB_E_SCHEMA,
     "layers[0].cap.values[0].all", "got 'lots'", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {min_diseases: 1, amount: 50}}",
     MB_E_SCHEMA, "layers[0].cap.raise.min_diseases", "from 2 to 100, got '1'", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {min_diseases: 2, amount: x}}",
     MB_E_SCHEMA, "layers[0].cap.raise.amount", "got 'x'", 17},
    /* a raise counts the diseases of a catalogue group: `any` is none (it would count all) */
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {each: 50, group: any}}",
     MB_E_RULESET, "layers[0].cap.raise.group", "no catalogue entry is in group 'any'", 17},
    /* the language: person groups, assistance categories, the tilt, identity rules, facility
     * categories, referral, every selector, repeated deductibles, raises, disease-based caps,
     * top-ups, ids */
    {18, L18 "groups: [{name: Bad-Name, cite: c}]", MB_E_SCHEMA,
     "groups[0].name", "name is the word selectors use: a-z, 0-9 and '_', got 'Bad-Name'", 19},
    {18, L18 "groups: [{name: minimum_living, cite: c}]", MB_E_RULESET,
     "groups[0].name", "is an assistance category already: name the category itself", 19},
    {18, L18 "groups: [{name: a, cite: c}, {name: a, cite: c}]", MB_E_RULESET,
     "groups[1].name", "group 'a' is declared twice", 19},
    {18, L18 "groups: [{name: a, scheme: military, cite: c}]", MB_E_SCHEMA,
     "groups[0].scheme", "expected employee or resident, got 'military'", 19},
    {18, L18 "groups: [{name: a, certified: rare, cite: c}]", MB_E_RULESET,
     "groups[0].certified", "no catalogue entry is in group 'rare'", 19},
    /* `any` is no group of the catalogue (it would make the condition none) */
    {18, L18 "groups: [{name: a, certified: any, cite: c}]", MB_E_RULESET,
     "groups[0].certified", "no catalogue entry is in group 'any'", 19},
    {18, L18 "categories: [{name: nobody, ratio: 10%, cite: c}]", MB_E_SCHEMA,
     "categories[0].name", "of docs/ruleset-format.md, or a group declared under groups)", 19},
    {18, L18 "tilt: {categories: [nobody], cite: c}", MB_E_SCHEMA,
     "tilt.categories[0]", "unknown assistance category or group 'nobody'", 19},
    {18, L18 "tilt: {categories: [orphan], ratio_points: 200, cite: c}", MB_E_SCHEMA,
     "tilt.ratio_points", "expected a whole number from 0 to 100, got '200'", 19},
    {18, L18 "identity: {lost: never, cite: c}", MB_E_SCHEMA,
     "identity.lost", "expected same_day or end_of_month, got 'never'", 19},
    {18, L18 "identity: {admission: never, cite: c}", MB_E_SCHEMA,
     "identity.admission", "expected any_day or claim_date, got 'never'", 19},
    {18, L18 "facility_categories: [{name: Bad, label: x, cite: c}]", MB_E_SCHEMA,
     "facility_categories[0].name", "a category's name is the word selectors use: a-z, 0-9 and '_', got 'Bad'", 19},
    {18, L18 "facility_categories: [{name: a, label: 甲, cite: c}, {name: b, label: 甲, cite: c}]",
     MB_E_RULESET,
     "facility_categories[1].label", "'甲' already names facility category a", 19},
    {18, L18 "facility_categories: [{name: a, label: 甲, cite: c}, {name: b, label: a, cite: c}]",
     MB_E_RULESET,
     "facility_categories[1].label", "'a' already names facility category a", 19},
    {18, L18 "referral: {penalty_points: 200, cite: c}", MB_E_SCHEMA,
     "referral.penalty_points", "expected a whole number from 0 to 100, got '200'", 19},
    {18, L18 "referral: {exempt: [always], cite: c}", MB_E_SCHEMA,
     "referral.exempt[0]", "expected emergency, out_of_area or designated_specialty, got 'always'", 19},
    {18, L18 "referral: {penalty_levels: [top], cite: c}", MB_E_SCHEMA,
     "referral.penalty_levels[0]", "primary, secondary, tertiary, first_visit or pharmacy, got 'top'", 19},
    {14, "      - {value: 500, all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].value", "'value' and 'all' say the same (every person): give one of them", 14},
    {14, "      - {scheme: military, all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].scheme", "expected employee or resident, got 'military'", 14},
    {14, "      - {group: nobody, all: 500}", MB_E_RULESET,
     "layers[0].deductible[0].group", "no person group 'nobody': declare it under groups", 14},
    {14, "      - {category: nowhere, all: 500}", MB_E_RULESET,
     "layers[0].deductible[0].category", "no facility category 'nowhere': declare it under facility_categories", 14},
    {14, "      - {disease: X9, all: 500}", MB_E_RULESET,
     "layers[0].deductible[0].disease", "'X9' is not in the catalogue (a code, a name or an alias)", 14},
    {14, "      - {disease_group: rare, all: 500}", MB_E_RULESET,
     "layers[0].deductible[0].disease_group", "no catalogue entry is in group 'rare'", 14},
    {14, "      - {disease_group: any, all: 500}", MB_E_RULESET,
     "layers[0].deductible[0].disease_group", "no catalogue entry is in group 'any'", 14},
    /* a band ending at 0 below its start */
    {14, "      - {age: 5-0, all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].age", "(whole numbers 0 to 150, a <= b), got '5-0'", 14},
    {14, "      - {age: 200, all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].age", "\"a-\", \"-b\" or \"a\" (whole numbers 0 to 150, a <= b), got '200'", 14},
    {14, "      - {age: 60-18, all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].age", "\"a-\", \"-b\" or \"a\" (whole numbers 0 to 150, a <= b), got '60-18'", 14},
    {14, "      - {age: x, all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].age", "\"a-\", \"-b\" or \"a\" (whole numbers 0 to 150, a <= b), got 'x'", 14},
    {14, "      - {age: \"1-2-3\", all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].age", "\"a-\", \"-b\" or \"a\" (whole numbers 0 to 150, a <= b), got '1-2-3'", 14},
    {14, "      - {age: \"-\", all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].age", "\"a-\", \"-b\" or \"a\" (whole numbers 0 to 150, a <= b), got '-'", 14},
    {14, "      - {age: \"12345678901234567\", all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].age", "or \"a\" (whole numbers 0 to 150, a <= b), got '12345678901234567'", 14},
    {14, "      - {nth: \"2\", all: 500}", MB_E_SCHEMA,
     "layers[0].deductible[0].nth", "'disease_group', 'age', 'claim_type', 'treatment' (and person)", 14},
    {14, "      - {all: 500, scope: visit}\n    deductible_repeat: [{nth: \"0\", all: 50%}]", MB_E_SCHEMA,
     "layers[0].deductible_repeat[0].nth", "\"a-\", \"-b\" or \"a\" (whole numbers 1 to 1000, a <= b), got '0'", 15},
    {14, "      - {all: 500, scope: visit}\n    deductible_repeat: [{nth: \"3-\", all: 50%, facility: x}]", MB_E_SCHEMA,
     "layers[0].deductible_repeat[0].facility", "first_visit, primary, secondary, tertiary or pharmacy, got 'x'", 15},
    {14, "      - {all: 500}\n    deductible_repeat: [{nth: \"2\", all: 50%}]", MB_E_RULESET,
     "layers[0].deductible_repeat", "give the deductible rows 'scope: visit', 'admission' or 'day'", 15},
    {14, "      - {all: 500, scope: visit}\n    deductible_floor: [{all: 100}]", MB_E_RULESET,
     "layers[0].deductible_floor", "a repeated deductible comes down to: it needs deductible_repeat", 15},
    {14, "      - {all: 500}\n    deductible_ceiling: [{all: x}]", MB_E_SCHEMA,
     "layers[0].deductible_ceiling[0].all", "two decimals and at most 10^12, such as 500 or 3500.00, got 'x'", 15},
    {16, "      - {all: 70%}\n    pharmacy: {as: shop, cite: c}", MB_E_SCHEMA,
     "layers[0].pharmacy.as", "prescriber, primary, secondary, tertiary or pharmacy, got 'shop'", 17},
    {16, "      - {all: 70%}\n    bands: [{above: 100, all: 50%, ratio: [{all: 60%}]}]", MB_E_SCHEMA,
     "layers[0].bands[0].ratio", "a band gives its ratio by person columns or as 'ratio' rows, not both", 17},
    {16, "      - {all: 70%}\n    bands: [{above: 100, ratio: [{all: 6}]}]", MB_E_SCHEMA,
     "layers[0].bands[0].ratio[0].all", "0% to 100% with at most two decimals, such as 70% or 0.7, got '6'", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {min_diseases: 2, cite: c}}", MB_E_SCHEMA,
     "layers[0].cap.raise.amount", "a fixed raise gives both min_diseases and amount", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {amount: 5, cite: c}}", MB_E_SCHEMA,
     "layers[0].cap.raise.min_diseases", "a fixed raise gives both min_diseases and amount", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {ceiling: 5, cite: c}}", MB_E_SCHEMA,
     "layers[0].cap.raise", "beyond the first) or share (of each further disease's own cap)", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {each: x, cite: c}}", MB_E_SCHEMA,
     "layers[0].cap.raise.each", "two decimals and at most 10^12, such as 500 or 3500.00, got 'x'", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {share: x, cite: c}}", MB_E_SCHEMA,
     "layers[0].cap.raise.share", "0% to 100% with at most two decimals, such as 70% or 0.7, got 'x'", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {each: 5, ceiling: x, cite: c}}", MB_E_SCHEMA,
     "layers[0].cap.raise.ceiling", "two decimals and at most 10^12, such as 500 or 3500.00, got 'x'", 17},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {each: 5, group: nope, cite: c}}", MB_E_RULESET,
     "layers[0].cap.raise.group", "no catalogue entry is in group 'nope'", 17},
    {16, "      - {all: 70%}\n    cap: {base: lowest, cite: c}", MB_E_SCHEMA,
     "layers[0].cap.base", "expected highest_disease, got 'lowest'", 17},
    {16, "      - {all: 70%}\n    cap: {base: highest_disease, values: [{all: 100}], cite: c}", MB_E_SCHEMA,
     "layers[0].cap.values", "diseases' caps (base: highest_disease) takes no values of its own", 17},
    {16, "      - {all: 70%}\n    cap: {base: highest_disease, cite: c}", MB_E_RULESET,
     "layers[0].cap", "a cap based on the diseases' caps needs a catalogue with caps", 17},
    /* the deductible's modifiers with no deductible rows: line 14's row becomes theirs */
    {13, "    deductible_ceiling:", MB_E_RULESET,
     "layers[0].deductible_ceiling", "the layer has no deductible rows for this to apply to", 13},
    {13, "    deductible_floor:", MB_E_RULESET,
     "layers[0].deductible_floor", "the layer has no deductible rows for this to apply to", 13},
    {13, "    deductible_repeat:\n      - {nth: \"2\", all: 50%}\n    deductible_floor:", MB_E_RULESET,
     "layers[0].deductible_repeat", "the layer has no deductible rows for this to apply to", 13},
    {16, "      - {all: 70%}\n    top_up_of: total", MB_E_SCHEMA,
     "layers[0].top_up_of", "top_up_of goes with top_up rows", 17},
    {16, "      - {all: 70%}\n    top_up: [{all: 45%}]", MB_E_SCHEMA,
     "layers[0].deductible", "the claim's funds up to its target ratio: it takes no deductible", 13},
    {16, "      - {all: 70%}\n    top_up_within: total", MB_E_SCHEMA,
     "layers[0].top_up_within", "top_up_within goes with top_up rows", 17},
    {16, "      - {all: 70%}\n    top_up_period: year", MB_E_SCHEMA,
     "layers[0].top_up_period", "top_up_period goes with top_up rows", 17},
    {16, "      - {all: 70%}\n    top_up: [{all: 45%}]\n    top_up_within: total", MB_E_RULESET,
     "layers[0].top_up_within", "top_up_within: total needs top_up_of: total", 18},
    {16, "      - {all: 70%}\n    top_up: [{all: 45%}]\n    top_up_period: month", MB_E_SCHEMA,
     "layers[0].top_up_period", "expected claim or year, got 'month'", 18},
    {16, "      - {all: 70%}\n    top_up: [{all: 45%}]\n    top_up_within: scope", MB_E_SCHEMA,
     "layers[0].top_up_within", "expected policy_scope or total, got 'scope'", 18},
    {18, L18 "tilt: {categories: [orphan], cite: c, rows: [{from: 2023-07-01, ratio_points: 200}]}",
     MB_E_SCHEMA, "tilt.rows[0].ratio_points", "got '200'", 19},
    {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {each: 10, cite: c,\n"
         "          rows: [{from: 2023-07-01, share: 200%}]}}", MB_E_SCHEMA,
     "layers[0].cap.raise.rows[0].share", "got '200%'", 18},
    {12, "    fund: pooling\n    disease_caps: sometimes", MB_E_SCHEMA,
     "layers[0].disease_caps", "expected true or false, got 'sometimes'", 13},
    {1, "id: Mini!", MB_E_SCHEMA,
     "id", "an id uses a-z, 0-9, '-' and '_' only, got 'Mini!'", 1},
    {1, "id: mini\ncontinues: \"\"", MB_E_SCHEMA,
     "continues", "of the first ruleset of the line (a-z, 0-9, '-' and '_'), got ''", 2},
    {1, "id: mini\ncontinues: Bad!", MB_E_SCHEMA,
     "continues", "the first ruleset of the line (a-z, 0-9, '-' and '_'), got 'Bad!'", 2},
    {18, L18 "catalogue: [{code: A1, name: a, group: Bad-G}]", MB_E_SCHEMA,
     "catalogue[0].group", "of a-z, 0-9 and '_' (chronic, special, dialysis…), got 'Bad-G'", 19},
    {18, L18 "catalogue: [{code: A1, name: a, group: ''}]", MB_E_SCHEMA,
     "catalogue[0].group", "of a-z, 0-9 and '_' (chronic, special, dialysis…), got ''", 19},
    /* a value for everyone given twice, as `value` and as `all` */
    {14, "      - {value: 500, all: 500}", MB_E_SCHEMA, "layers[0].deductible[0].value",
     "'value' and 'all' say the same (every person): give one of them", 14},
    /* a top-up layer takes none of the keys of a layer that pays by ratio: line 14's row
     * becomes the top-up's, the ratio stays; or a layer put before line 9's */
    {13, "    top_up:", MB_E_SCHEMA, "layers[0].ratio",
     "up to its target ratio: it takes no ratio", 15},
    {9, "  - id: t\n    cite: c\n    med_types: [inpatient]\n    fund: pooling\n"
        "    top_up: [{all: 45%}]\n    bands: [{up_to: 1000, all: 50%}]\n  - id: outpatient",
     MB_E_SCHEMA, "layers[0].bands", "up to its target ratio: it takes no bands", 14},
    {9, "  - id: t\n    cite: c\n    med_types: [inpatient]\n    fund: pooling\n"
        "    top_up: [{all: 45%}]\n    ratio_source: category\n  - id: outpatient",
     MB_E_SCHEMA, "layers[0].ratio_source", "up to its target ratio: it takes no ratio_source", 14},
    /* ranges: the upper end past its bound, an empty range, an upper end below 1 */
    {14, "      - {age: 18-200, all: 500}", MB_E_SCHEMA, "layers[0].deductible[0].age",
     "(whole numbers 0 to 150, a <= b), got '18-200'", 14},
    {14, "      - {age: '', all: 500}", MB_E_SCHEMA, "layers[0].deductible[0].age",
     "(whole numbers 0 to 150, a <= b), got ''", 14},
    {14, "      - {all: 500, scope: visit}\n    deductible_repeat: [{nth: \"-0\", all: 50%}]", MB_E_SCHEMA,
     "layers[0].deductible_repeat[0].nth", "(whole numbers 1 to 1000, a <= b), got '-0'", 15},
    /* rows that fail inside their tables: the class B rows, a band's own ratio rows, a
     * disease's caps (a selector it does not take, no value), a category's row */
    {18, "class_b_first_selfpay: {value: 10%, cite: c, rows: [{area: out_of_province, value: 200%}]}",
     MB_E_SCHEMA, "class_b_first_selfpay.rows[0].value", "got '200%'", 18},
    {16, "      - {all: 70%}\n    bands: [{above: 100, ratio: [{all: 200%}]}]", MB_E_SCHEMA,
     "layers[0].bands[0].ratio[0].all", "got '200%'", 17},
    {18, L18 "catalogue: [{code: A1, name: a, caps: [{disease: a, all: 1}]}]", MB_E_SCHEMA,
     "catalogue[0].caps[0].disease", "'disease' does not choose a disease's caps", 19},
    {18, L18 "catalogue: [{code: A1, name: a, caps: [{line: x}]}]", MB_E_SCHEMA,
     "catalogue[0].caps[0]", "a cap needs a value", 19},
    {18, L18 "categories: [{name: orphan, group: orphan, ratio: 50%, cite: c}]", MB_E_SCHEMA,
     "categories[0].group", "'group' does not choose a category's ratio", 19},
    /* a change_to that is no date */
    {18, L18 "designated_facility: {change_from: 11-01, change_to: 02-30, cite: c}", MB_E_SCHEMA,
     "designated_facility.change_to", "expected MM-DD on or after change_from, got '02-30'", 19},
};

static void every_inconsistency_is_refused_where_it_is(mb_error *err)
{
    int right = 0;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const struct refusal *r = &refusals[i];
        int rc = load(err, variant(r->line, r->with));
        if (rc == r->status && contains(mb_error_key(err), r->key) &&
            contains(mb_error_message(err), r->message) && mb_error_line(err) == r->at &&
            strcmp(mb_error_file(err), "t.yaml") == 0)
            right++;
        else
            fprintf(stderr, "  refusal %zu: %s, key '%s', line %d: %s\n", i, mb_status_name(rc),
                    mb_error_key(err), mb_error_line(err), mb_error_message(err));
    }
    CHECK(right == (int)(sizeof refusals / sizeof refusals[0]),
          "each inconsistency is refused with its status, key, message and line");
}

/* BASE followed by `extra` (top-level keys after line 18). */
static size_t with_tail(const char *extra)
{
    size_t n = variant(0, NULL);
    int w = snprintf(text + n, sizeof text - n, "%s", extra);
    if (w < 0 || (size_t)w >= sizeof text - n)
        abort();
    return n + (size_t)w;
}

/* How many groups and facility categories a ruleset may declare: 64 groups in all, the twelve
 * assistance categories among them, so 52 of its own; 64 facility categories. And the message
 * refusing an identity the ruleset does not know, which lists its groups. */
static void groups_and_categories_at_their_limits(mb_error *err)
{
    static char list[6000];
    size_t n = 0;
    for (int i = 0; i < 53; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s{name: g%d, cite: c}",
                              i ? ", " : "groups: [", i);
    list[n++] = ']';
    list[n] = '\0';
    char *last = strrchr(list, '{'); /* the 53rd group */
    CHECK_RC(load(err, with_tail(list)), MB_E_RULESET, "53 groups of its own are one too many");
    CHECK(contains(mb_error_message(err), "declares at most 52 groups (with the 12 assistance "
                                          "categories, 64 in all); this one declares 53"),
          "the message gives the limit and the count");
    strcpy(last - 2, "]"); /* 52 */
    CHECK_RC(load(err, with_tail(list)), MB_OK, "52 groups of its own load");

    n = 0;
    for (int i = 0; i < 65; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s{name: k%d, label: 类%d, cite: c}",
                              i ? ", " : "facility_categories: [", i, i);
    list[n++] = ']';
    list[n] = '\0';
    last = strrchr(list, '{');
    CHECK_RC(load(err, with_tail(list)), MB_E_RULESET, "65 facility categories are one too many");
    CHECK(contains(mb_error_message(err), "at most 64 facility categories, not 65"),
          "the message gives the limit and the count");
    strcpy(last - 2, "]");
    CHECK_RC(load(err, with_tail(list)), MB_OK, "64 facility categories load");

    /* 31 catalogue groups: chronic (every entry's default) and special always, 29 of the
     * ruleset's own */
    n = 0;
    for (int i = 0; i < 30; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s{code: A%d, name: d%d, group: g%d}",
                              i ? ", " : "catalogue: [", i, i, i);
    list[n++] = ']';
    list[n] = '\0';
    last = strrchr(list, '{');
    CHECK_RC(load(err, with_tail(list)), MB_E_RULESET, "30 groups of its own are one too many");
    CHECK(contains(mb_error_message(err), "at most 31 catalogue groups"), "the message gives the limit");
    CHECK(contains(mb_error_key(err), "catalogue[29].group"), "at the entry that passes it");
    strcpy(last - 2, "]");
    CHECK_RC(load(err, with_tail(list)), MB_OK, "29 groups of its own load");

    /* an unknown identity is refused with the ruleset's groups: a label in parentheses when it
     * differs from the name */
    mb_ruleset *rs = NULL;
    mb_enrollee *e = NULL;
    size_t len = with_tail("groups: [{name: returned_poverty, label: 返贫致贫人口, "
                           "psn_idet_type: ['2301'], cite: c}, {name: monitored, cite: c}]\n");
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, "t.yaml", err), MB_OK, "two groups load");
    CHECK_RC(mb_enrollee_new(&e, "p1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err), MB_OK,
             "an enrollee");
    CHECK_RC(mb_enrollee_add_identity(e, rs, "nobody", 20230101, 0, err), MB_E_UNKNOWN_CODE,
             "an identity no group names");
    CHECK(contains(mb_error_message(err), "mini knows no identity 'nobody': its groups are "
                                          "returned_poverty (返贫致贫人口), monitored (a group's name"),
          "the message lists the groups, a label only where it differs from the name");
    CHECK_RC(mb_enrollee_add_identity(e, rs, "返贫致贫人口", 20230101, 0, err), MB_OK,
             "a group's label is an identity");
    CHECK_RC(mb_enrollee_add_identity(e, rs, "2301", 20230101, 0, err), MB_OK,
             "so is a psn_idet_type code it lists");
    CHECK_RC(mb_enrollee_add_identity(e, rs, "monitored", 20230101, 0, err), MB_OK,
             "and a group's name");
    mb_ruleset_free(rs);
    rs = NULL;
    len = variant(0, NULL);
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, "t.yaml", err), MB_OK, "mini loads");
    CHECK_RC(mb_enrollee_add_identity(e, rs, "nobody", 20230101, 0, err), MB_E_UNKNOWN_CODE,
             "mini declares no group");
    CHECK(contains(mb_error_message(err), "its groups are none declared"),
          "the message says none is declared");
    mb_enrollee_free(e);
    mb_ruleset_free(rs);
}

/* A settlement holds 64 accumulator changes and 12 fund rows (3 of them for the upstream
 * amounts): a ruleset whose layers could pass either on one claim is refused at load, at the
 * layer that passes it, with the limit (before, it loaded, and its claims failed to settle). */
static void settlement_tables_at_their_limits(mb_error *err)
{
    static char big[16384];
    /* nlayers layers of one line each, from line 8; each with a deductible per visit adds 7
     * accumulators (base, paid, kind, deductible paid/count/unit/due): 9 make 63, 10 make 70.
     * With own_funds, each pays from its own fund (and keeps its deductible in the base: 3). */
    for (int own_funds = 0; own_funds < 2; own_funds++)
        for (int nlayers = 9; nlayers <= 10; nlayers++) {
            size_t n = (size_t)snprintf(big, sizeof big,
                                        "id: big\ntitle: 测试\ndocument: 测试〔2023〕1号\n"
                                        "tier: basic\neffective_from: 2023-01-01\n"
                                        "account: {value: none, cite: c}\n"
                                        "class_b_first_selfpay: {value: 10%%, cite: c}\n"
                                        "layers:\n");
            for (int i = 0; i < nlayers; i++)
                n += (size_t)snprintf(big + n, sizeof big - n,
                                      "  - {id: l%d, cite: c, med_types: [general_outpatient], "
                                      "fund: f%d, ratio: [{all: 10%%}], deductible: [{all: 1%s}]}\n",
                                      i, own_funds ? i : 0, own_funds ? "" : ", scope: visit");
            n += (size_t)snprintf(big + n, sizeof big - n, "funds:\n");
            for (int i = 0; i < 10; i++)
                n += (size_t)snprintf(big + n, sizeof big - n,
                                      "  - {key: f%d, employee: \"31010%d\", name: 基金%d, amount: hifp_pay}\n",
                                      i, i, i);
            mb_ruleset *rs = NULL;
            int rc = mb_ruleset_load_buffer(&rs, big, n, "big.yaml", err);
            if (nlayers == 9) {
                CHECK_RC(rc, MB_OK, own_funds ? "9 funds on one claim load" : "63 accumulators load");
                /* and a claim reaching every layer settles */
                mb_enrollee *e = NULL;
                mb_claim *c = NULL;
                mb_result *r = NULL;
                const mb_ruleset *chain[1] = {rs};
                CHECK_RC(mb_enrollee_new(&e, "p", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, err),
                         MB_OK, "enrollee");
                CHECK_RC(mb_claim_new(&c, "c1", 20230301, MB_MED_GENERAL_OUTPATIENT, "H1",
                                      MB_LEVEL_PRIMARY, err), MB_OK, "claim");
                CHECK_RC(mb_claim_add_item(c, 100000, MB_CLASS_A, -1, err), MB_OK, "item");
                CHECK_RC(mb_result_new(&r, err), MB_OK, "result");
                CHECK_RC(rs ? mb_settle(r, chain, 1, e, c, err) : MB_E_INVALID_ARGUMENT, MB_OK,
                         "a claim through every layer settles");
                mb_result_free(r);
                mb_claim_free(c);
                mb_enrollee_free(e);
                mb_ruleset_free(rs);
                continue;
            }
            CHECK_RC(rc, MB_E_RULESET, own_funds ? "10 funds on one claim are refused at load"
                                                 : "70 accumulators are refused at load");
            CHECK(rs == NULL, "nothing loaded");
            CHECK(mb_error_line(err) == 8 + 10, "located at the tenth layer's line");
            CHECK(mb_error_key(err) && strcmp(mb_error_key(err), "layers[9]") == 0,
                  "the key path is the tenth layer");
            CHECK(contains(mb_error_message(err),
                           own_funds ? "could be paid from 10 funds, more than the 9 a settlement "
                                       "reports beside the upstream amounts' 3"
                                     : "could change 70 accumulators (bases, payments, caps, "
                                       "deductible figures), more than the 64 a settlement holds"),
                  "the message gives the count and the limit");
        }
}

/* What the compiler accepts that the refusals above come close to. */
static void near_misses_load(mb_error *err)
{
    static const struct {
        unsigned line;
        const char *with, *why;
    } fine[] = {
        {18, L18 "referral: {exempt: [emergency, out_of_area, designated_specialty], "
                 "penalty_points: 20, penalty_levels: [secondary, tertiary], cite: c}",
         "every referral exemption and penalised level"},
        {18, L18 "catalogue: [{code: A1, name: a, aliases: [a, b]}]",
         "an alias that repeats the entry's own name"},
        {18, L18 "tilt: {categories: [orphan], deductible_ratio: 50%, ratio_points: 10, "
                 "uncapped: no, cite: c}",
         "a tilt with every part given"},
        {18, L18 "identity: {lost: end_of_month, admission: claim_date, cite: c}",
         "identity lost at the month's end, read on the claim date"},
        {18, L18 "catalogue: [{code: A1, name: a}, {code: A2, name: b}]\n"
                 "catalogue_rules: {exclusive_pairs: [{a: A1, b: A2, renewable: A2}], pairs_cite: c}",
         "a pair whose second side is renewable"},
        {12, "    fund: pooling\n    ratio_source: table", "ratio_source written as its default"},
        {16, "      - {all: 70%}\n    bands: [{above: 100, resident: 50%}]",
         "a band with a ratio for residents only"},
        {14, "      - {all: 500, scope: visit}\n    deductible_repeat: [{nth: \"-3\", all: 50%}]",
         "a repeat for the units up to the third (a range open below)"},
        {18, L18 "facility_categories: [{name: community, label: community, cite: c}]",
         "a facility category labelled by its own name"},
        {16, "      - {all: 70%}\n      - {retired: 80%}\n      - {resident: 60%}",
         "ratio rows without selectors, each for some persons: one by person"},
        {18, L18 "platform: {insuplc_admdvs: {codes: ['32', '3202', '320205'], cite: c}, "
                 "insutype: {codes: ['310', '390'], cite: c}, "
                 "med_type: [{code: '11', as: general_outpatient, cite: c}, "
                 "{code: '1401', as: chronic, assumption: a local code}], "
                 "psn_idet_type: [{code: '2303', category: minimum_living, cite: c}], "
                 "cum_type_code: [{code: D310101_BIZ11, key: outpatient.paid, insutype: '310', "
                 "cite: c}], account_fund: {employee: '310200', resident: '390200', name: n, cite: c}}",
         "a platform block with every table"},
        {12, "    fund: pooling\n    disease_caps: false\n    referral_penalty: no\n    tilt: false",
         "flags written false and no"},
        {18, L18 "catalogue: [{code: A1, name: a, group: rare}]",
         "a catalogue group of the ruleset's own naming"},
        {18, L18 "facility_categories: [{name: community, label: 社区, cite: c}]\n"
                 "catalogue: [{code: A1, name: a, caps: [{all: 1, line: x}, "
                 "{from: 2023-07-01, all: 2, line: x}, {facility: primary, all: 3, line: x}, "
                 "{referred: true, all: 4, line: x}, {area: in_city, all: 5, line: x}, "
                 "{scheme: employee, all: 6, line: x}, {group: orphan, all: 7, line: x}, "
                 "{category: community, all: 8, line: x}, {age: 0-17, all: 9, line: x}, "
                 "{age: 0-20, all: 10, line: x}, {claim_type: chronic, all: 11, line: x}]}]",
         "one treatment line's caps, each apart from the first by one selector"},
        {18, L18 "catalogue: [{code: A1, name: a, start: same_month}, {code: A2, name: b, "
                 "start: next_month}, {code: A3, name: c, start: same_day}]",
         "each start per disease"},
        {18, L18 "categories: [{name: orphan, ratio: 50%, from: 2023-06-01, cite: c}]",
         "a category ratio in force from a date"},
        {18, L18 "groups: [{name: staff, scheme: employee, cite: c}]",
         "a group by scheme alone (no identity makes one a member)"},
        {18, L18 "groups: [{name: staff, members: [veteran_x], cite: c}]",
         "a group whose member is an identity's own name, not a group"},
        {16, "      - {all: 70%}\n    bands: [{up_to: 100, veteran: 50%}, {above: 100}]",
         "a band with a ratio for veterans only"},
        {16, "      - {all: 70%}\n    bands: [{up_to: 100, employee: 50%}, {above: 100}]",
         "a band with a ratio for employees only"},
        {14, "      - {all: 500}\n    deductible_ceiling: [{all: 1000}]",
         "a deductible of the year under a ceiling"},
        {16, "      - {all: 70%}\n    disease_caps: true", "disease caps on a ruleset without catalogue"},
        /* a whole number at the top of its range (the refusals hold the bottom's and one past) */
        {18, L18 "catalogue: [{code: A1, name: a, valid_months: 1200}]",
         "a certification valid 1200 months, the most"},
        {18, L18 "referral: {penalty_points: 100, cite: c}", "a referral penalty of 100 points"},
        {16, "      - {all: 70%}\n    cap: {values: [{all: 100}], raise: {min_diseases: 100, amount: 50}}",
         "a raise from 100 diseases, the most"},
        {16, "      - {all: 70%}\n    bands: [{up_to: 100, all: 50%}, {above: 100, all: 60%}]",
         "a band beginning where the one before ends"},
        {18, L18 "designated_facility: {change_from: 12-20, change_to: 12-20, cite: c}",
         "a window for changing the designated facility of one day (change_to on change_from)"},
    };
    int right = 0;
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
        int rc = load(err, variant(fine[i].line, fine[i].with));
        if (rc == MB_OK)
            right++;
        else
            fprintf(stderr, "  %s: %s\n", fine[i].why, mb_error_message(err));
    }
    CHECK(right == (int)(sizeof fine / sizeof fine[0]), "each near miss loads");
}

/* Every step a settlement traces cites a clause: a ruleset whose items, account or upstream
 * step would cite nothing is refused, with the key to add. */
static void uncited_steps(mb_error *err)
{
    /* line 18 removed: nothing for the items step (甲乙丙类划分) to cite */
    size_t len = variant(18, "");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a ruleset without class_b_first_selfpay is refused");
    CHECK(strcmp(mb_error_key(err), "class_b_first_selfpay") == 0, "the key to add");
    CHECK(mb_error_line(err) > 0 && contains(mb_error_message(err), "t.yaml:"),
          "the report names file and line");

    /* line 17 removed: a basic ruleset's account step would cite nothing */
    len = variant(17, "");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "a basic ruleset without account is refused");
    CHECK(strcmp(mb_error_key(err), "account") == 0, "the key to add");

    /* the cite itself missing: the account block says neither cite nor assumption */
    len = variant(17, "account: {value: last}");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an account without a source is refused");
    CHECK(mb_error_line(err) == 17, "the unsourced account's line");
    CHECK(strcmp(mb_error_key(err), "account.cite") == 0, "the key names the missing cite");

    /* an assistance tier settles after others: its upstream step needs a clause */
    len = variant(4, "tier: assistance");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an assistance ruleset without upstream is refused");
    CHECK(strcmp(mb_error_key(err), "upstream") == 0, "the key to add");
    len = variant(4, "tier: assistance\nupstream: {}");
    CHECK_RC(load(err, len), MB_E_SCHEMA, "an upstream block without a source is refused");
    CHECK(strcmp(mb_error_key(err), "upstream.cite") == 0, "the key names the missing cite");
    CHECK(mb_error_line(err) == 5, "the unsourced upstream's line");
    len = variant(4, "tier: assistance\nupstream: {assumption: the tiers before it come first}");
    CHECK_RC(load(err, len), MB_OK, "an assumption with its reason stands in for the clause");

    /* a basic tier comes first: an upstream clause for it is a mistake */
    len = variant(4, "tier: basic\nupstream: {cite: 测试〔2023〕1号 四}");
    CHECK_RC(load(err, len), MB_E_RULESET, "upstream on a basic ruleset is refused");
    CHECK(mb_error_line(err) == 5 && strcmp(mb_error_key(err), "upstream") == 0,
          "the line and key of the misplaced upstream");
}

/* A cite that is empty, or only blanks, names no document and clause, and an empty assumption
 * gives no reason: each is refused where it is, as a missing one is. Found by fuzz_ruleset
 * (tests/fuzz/crashes-found/ruleset/empty-raise-cite.yaml): a cap's raise whose `cite:` held
 * only a comment loaded, and its trace step ("chronic.cap.raise") cited nothing. */
static void empty_sources_are_refused(mb_error *err)
{
    static const struct refusal empty[] = {
        /* the finding: `cite:` then a comment is a YAML null, read as the empty string */
        {16, "      - {all: 70%}\n    cap:\n      values: [{all: 100}]\n      raise:\n"
             "        min_diseases: 2\n        amount: 50\n        cite: # 测试〔2023〕1号 一",
         MB_E_SCHEMA, "layers[0].cap.raise.cite", "'cite' is empty", 22},
        {10, "    cite: \"\"", MB_E_SCHEMA, "layers[0].cite", "'cite' is empty", 10},
        {17, "account: {value: last, cite: \"  \"}", MB_E_SCHEMA, "account.cite",
         "'cite' is empty", 17},
        {18, L18 "designated_facility: {change_from: 11-01, change_to: 12-20, assumption: }",
         MB_E_SCHEMA, "designated_facility.assumption", "'assumption' is empty", 19},
    };
    int right = 0;
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        const struct refusal *r = &empty[i];
        int rc = load(err, variant(r->line, r->with));
        if (rc == r->status && contains(mb_error_key(err), r->key) &&
            contains(mb_error_message(err), r->message) && mb_error_line(err) == r->at)
            right++;
        else
            fprintf(stderr, "  empty source %zu: %s, key '%s', line %d: %s\n", i,
                    mb_status_name(rc), mb_error_key(err), mb_error_line(err),
                    mb_error_message(err));
    }
    CHECK(right == (int)(sizeof empty / sizeof empty[0]),
          "an empty cite or assumption is refused with its key and line");
}

static void malformed(mb_error *err)
{
    /* line 12 indented by 3 spaces inside a mapping indented by 4 */
    size_t len = variant(12, "   fund: pooling");
    CHECK_RC(load(err, len), MB_E_PARSE, "bad indentation is a parse error");
    CHECK(mb_error_line(err) > 0, "the parse error is located");
    CHECK(contains(mb_error_message(err), "t.yaml:"), "the message names the file");
    /* regression: libcyaml names only the enclosing field ('layers', line 9); libyaml's
     * problem mark is line 12 */
    CHECK(mb_error_line(err) == 12, "the line is where the misindented key is");

    /* a tab is not YAML indentation */
    len = variant(12, "\tfund: pooling");
    CHECK_RC(load(err, len), MB_E_PARSE, "a tab used as indentation is a parse error");

    /* line 2 holds bytes that are not UTF-8 */
    len = variant(2, "title: \xff\xfe\xc3");
    CHECK_RC(load(err, len), MB_E_PARSE, "invalid UTF-8 is a parse error");
    CHECK(contains(mb_error_message(err), "UTF-8"), "the message says UTF-8");
    /* regression: the UTF-8 check once reported line 0 */
    CHECK(mb_error_line(err) == 2, "the line of the invalid bytes");
    /* "id: mini\n" is 9 bytes, "title: " 7 more: the 17th byte, counted from 1 */
    CHECK(contains(mb_error_message(err), "(byte 17)"), "and the byte, counted from 1");

    /* an overlong encoding of '/' and a UTF-16 surrogate are not UTF-8 either */
    len = variant(2, "title: \xc0\xaf");
    CHECK_RC(load(err, len), MB_E_PARSE, "an overlong encoding is refused");
    len = variant(2, "title: \xed\xa0\x80");
    CHECK_RC(load(err, len), MB_E_PARSE, "an encoded surrogate is refused");
    /* truncated multibyte sequence at the very end of the buffer */
    len = variant(0, NULL);
    text[len++] = '#';
    text[len++] = '\xe6';
    text[len++] = '\xb5';
    CHECK_RC(load(err, len), MB_E_PARSE, "a multibyte sequence cut at the end is refused");

    /* an anchor on line 2, an alias on line 3: refused, so no alias bomb can expand */
    len = variant(2, "title: &a 测试规则\nregion: *a");
    CHECK_RC(load(err, len), MB_E_PARSE, "a YAML alias is refused");
    CHECK(mb_error_line(err) == 3, "the alias's line");
    CHECK(contains(mb_error_message(err), "alias"), "the message says alias");

    /* an anchor and its alias inside one flow sequence of a layer (line 11) */
    len = variant(11, "    med_types: [&m general_outpatient, *m]");
    CHECK_RC(load(err, len), MB_E_PARSE, "an alias inside a layer is refused");
    CHECK(mb_error_line(err) == 11, "the line of the alias inside the layer");

    /* a top level that is a sequence, not a mapping */
    static const char seq[] = "- id: mini\n";
    memcpy(text, seq, sizeof seq);
    CHECK(load(err, sizeof seq - 1) < 0, "a top-level sequence is refused");
}

/* Run the load of `len` bytes of `text` in a child, so that a crash is a failed check rather
 * than the end of this program. Returns the status, or 1000 + signal when the child died. */
static int load_isolated(size_t len)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 2000;
    if (pid == 0) {
        mb_ruleset *rs = NULL;
        int rc = mb_ruleset_load_buffer(&rs, text, len, "t.yaml", NULL);
        mb_ruleset_free(rs);
        _exit(rc == MB_OK ? 0 : -rc);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return 2000;
    if (WIFSIGNALED(status))
        return 1000 + WTERMSIG(status);
    if (!WIFEXITED(status))
        return 2000;
    int code = WEXITSTATUS(status);
    return code < 100 ? -code : 1000 + code; /* sanitizers exit with a code of their own */
}

static void sizes(mb_error *err)
{
    /* empty, blank and comment-only buffers hold no ruleset: refused as malformed or as a
     * ruleset missing every required key, never a crash */
    static const char *const empties[] = {"", "   \n\n", "# only a comment\n", "---\n"};
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        size_t len = strlen(empties[i]);
        memcpy(text, empties[i], len + 1);
        int rc = load_isolated(len);
        /* regression: libcyaml returns CYAML_OK with a NULL document for an empty stream;
         * mb_compile once dereferenced it (SIGSEGV). Run in a child so a crash is a failure */
        CHECK(rc == MB_E_PARSE || rc == MB_E_SCHEMA, "an empty ruleset is refused, not a crash");
        if (rc == MB_E_PARSE || rc == MB_E_SCHEMA) {
            mb_ruleset *rs = NULL;
            CHECK(mb_ruleset_load_buffer(&rs, text, len, "t.yaml", err) < 0 && rs == NULL,
                  "empty: nothing is returned");
        }
    }
    /* "~" is a null document */
    memcpy(text, "~\n", 3);
    CHECK(load(err, 2) < 0, "a null document is refused");

    /* 5 MiB: refused before parsing, whatever it holds */
    size_t big = (size_t)5 << 20;
    char *buf = malloc(big);
    if (buf == NULL) {
        CHECK(0, "could not allocate the 5 MiB test buffer");
        return;
    }
    size_t len = variant(0, NULL);
    memset(buf, '\n', big);
    memcpy(buf, text, len);
    mb_ruleset *rs = NULL;
    mb_error_clear(err);
    int rc = mb_ruleset_load_buffer(&rs, buf, big, "big.yaml", err);
    CHECK(rc < 0, "a 5 MiB ruleset is refused");
    CHECK_RC(rc, MB_E_PARSE, "the size limit is reported as a parse refusal");
    CHECK(rs == NULL, "nothing is returned for the oversized buffer");
    CHECK(contains(mb_error_message(err), "big.yaml"), "the message names the buffer");
    mb_ruleset_free(rs);
    free(buf);

    /* the buffer need not be NUL-terminated: only `len` bytes are read */
    len = variant(0, NULL);
    memset(text + len, 'x', 16); /* garbage after the length, no terminating NUL */
    CHECK_RC(load(err, len), MB_OK, "bytes past len are not read");

    /* NULL arguments */
    CHECK_RC(mb_ruleset_load_buffer(NULL, text, len, "t.yaml", err), MB_E_INVALID_ARGUMENT,
             "out NULL");
    rs = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&rs, NULL, 0, "t.yaml", err), MB_E_INVALID_ARGUMENT,
             "data NULL");
    /* the name may be NULL: errors then use a placeholder */
    len = variant(4, "tier: platinum");
    mb_error_clear(err);
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, NULL, err), MB_E_SCHEMA, "NULL name");
    CHECK(mb_error_line(err) == 4, "a NULL name still gives the line");
    CHECK(mb_error_message(err)[0] != '\0', "and a message");
}

static void error_report(void)
{
    /* NULL error reports are accepted everywhere and read as empty */
    CHECK(mb_error_status(NULL) == MB_OK, "status of NULL");
    CHECK(strcmp(mb_error_message(NULL), "") == 0, "message of NULL");
    CHECK(mb_error_line(NULL) == 0, "line of NULL");
    CHECK(strcmp(mb_error_key(NULL), "") == 0, "key of NULL");
    mb_error_free(NULL);
    mb_error_clear(NULL);
    size_t len = variant(4, "tier: platinum");
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, "t.yaml", NULL), MB_E_SCHEMA,
             "a failure without an error report still returns its status");
    /* a success leaves a previous report untouched; clear resets it */
    mb_error *err = mb_error_new();
    CHECK(err != NULL, "mb_error_new");
    if (err == NULL)
        return;
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, "t.yaml", err), MB_E_SCHEMA, "fails");
    len = variant(0, NULL);
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, "t.yaml", err), MB_OK, "then succeeds");
    mb_ruleset_free(rs);
    CHECK_RC(mb_error_status(err), MB_E_SCHEMA, "a success leaves the last failure recorded");
    mb_error_clear(err);
    CHECK_RC(mb_error_status(err), MB_OK, "clear resets the status");
    CHECK(mb_error_message(err)[0] == '\0' && mb_error_line(err) == 0 &&
              mb_error_key(err)[0] == '\0' && mb_error_file(err)[0] == '\0',
          "clear empties message, line, key and file");
    mb_error_free(err);
}

static void load_file_errors(mb_error *err)
{
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_file(&rs, "rulesets/no-such-ruleset.yaml", err), MB_E_IO,
             "a missing file is not found");
    CHECK(contains(mb_error_message(err), "no-such-ruleset"), "the message names the path");
    CHECK_RC(mb_ruleset_load_file(&rs, "rulesets", err), MB_E_IO,
             "a directory cannot be read as a ruleset");
    CHECK(rs == NULL, "nothing is returned");
    CHECK_RC(mb_ruleset_load_file(NULL, "x", err), MB_E_INVALID_ARGUMENT, "out NULL");
    CHECK_RC(mb_ruleset_load_file(&rs, NULL, err), MB_E_INVALID_ARGUMENT, "path NULL");
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

static void load_id(mb_error *err)
{
    const char *wuxi = "wuxi-employee-chronic-2021";
    mb_ruleset *rs = NULL;
    unsetenv("MEDBENEFIT_RULESETS");

    CHECK_RC(mb_ruleset_load_id(&rs, "no-such-ruleset-id", NULL, err), MB_E_NOT_FOUND,
             "an unknown id is not found");
    CHECK(rs == NULL, "nothing is returned for an unknown id");
    CHECK(contains(mb_error_message(err), "no-such-ruleset-id"), "the message names the id");
    CHECK_RC(mb_ruleset_load_id(&rs, "../x", NULL, err), MB_E_INVALID_ARGUMENT,
             "an id with '../' could escape the directory: refused");
    CHECK_RC(mb_ruleset_load_id(&rs, "x/y", NULL, err), MB_E_INVALID_ARGUMENT, "a '/' is refused");
    CHECK_RC(mb_ruleset_load_id(&rs, "Wuxi", NULL, err), MB_E_INVALID_ARGUMENT,
             "ids are lower case");
    CHECK_RC(mb_ruleset_load_id(&rs, "", NULL, err), MB_E_INVALID_ARGUMENT, "an empty id");
    CHECK_RC(mb_ruleset_load_id(&rs, NULL, NULL, err), MB_E_INVALID_ARGUMENT, "a NULL id");
    CHECK_RC(mb_ruleset_load_id(NULL, wuxi, NULL, err), MB_E_INVALID_ARGUMENT, "out NULL");

    /* through the dirs array: missing directories are skipped */
    const char *dirs[] = {"/nonexistent/medbenefit", "rulesets", NULL};
    CHECK_RC(mb_ruleset_load_id(&rs, wuxi, dirs, err), MB_OK, "found through dirs");
    CHECK(rs != NULL && strcmp(mb_ruleset_id(rs), wuxi) == 0, "the ruleset asked for");
    mb_ruleset_free(rs);
    rs = NULL;
    const char *absdirs[] = {MB_SOURCE_ROOT "/rulesets", NULL};
    CHECK_RC(mb_ruleset_load_id(&rs, "changzhou-employee-outpatient-2023", absdirs, err), MB_OK,
             "found through an absolute directory");
    mb_ruleset_free(rs);
    rs = NULL;

    /* through MEDBENEFIT_RULESETS, ':'-separated, empty entries skipped */
    setenv("MEDBENEFIT_RULESETS", "/nonexistent/a::" MB_SOURCE_ROOT "/rulesets", 1);
    CHECK_RC(mb_ruleset_load_id(&rs, wuxi, NULL, err), MB_OK, "found through the environment");
    CHECK(rs != NULL && strcmp(mb_ruleset_id(rs), wuxi) == 0, "the environment's ruleset");
    mb_ruleset_free(rs);
    rs = NULL;
    const char *nodirs[] = {"/nonexistent/b", NULL};
    CHECK_RC(mb_ruleset_load_id(&rs, wuxi, nodirs, err), MB_OK,
             "dirs that lack it fall through to the environment");
    mb_ruleset_free(rs);
    rs = NULL;
    unsetenv("MEDBENEFIT_RULESETS");
    CHECK_RC(mb_ruleset_load_id(&rs, wuxi, nodirs, err), MB_E_NOT_FOUND,
             "without the environment and the dirs it is not found (not installed)");

    /* a directory whose path cannot hold the file is passed over like one that lacks it: a
     * path longer than PATH_MAX, a name longer than NAME_MAX, a file where a directory is */
    static char too_long[5000], long_name[400];
    memset(too_long, 'd', sizeof too_long - 1);
    too_long[0] = '/';
    snprintf(long_name, sizeof long_name, "/tmp/%0300d", 0);
    const char *unfit[] = {too_long, long_name, "rulesets/" "wuxi-employee-chronic-2021.yaml",
                           "rulesets", NULL};
    CHECK_RC(mb_ruleset_load_id(&rs, wuxi, unfit, err), MB_OK,
             "directories that cannot hold <id>.yaml are passed over");
    CHECK(rs != NULL && strcmp(mb_ruleset_id(rs), wuxi) == 0, "to the one that has it");
    mb_ruleset_free(rs);
    rs = NULL;
    setenv("MEDBENEFIT_RULESETS", "", 1);
    CHECK_RC(mb_ruleset_load_id(&rs, wuxi, nodirs, err), MB_E_NOT_FOUND,
             "an empty MEDBENEFIT_RULESETS names no directory");
    CHECK(contains(mb_error_message(err), mb_ruleset_default_dir()),
          "the message names the installed directory it looked in last");
    unsetenv("MEDBENEFIT_RULESETS");

    /* a directory of our own: a broken file found by id reports its own error, not
     * "not found"; the first directory that has the id wins */
    char tmpl[] = "/tmp/mb-test-rulesets-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL, "temporary directory");
    if (dir == NULL)
        return;
    char path[512], path2[512];
    snprintf(path, sizeof path, "%s/broken-one.yaml", dir);
    size_t len = variant(16, "      - {all: 70}");
    CHECK(write_file(path, text, len) == 0, "write the broken ruleset");
    const char *tmpdirs[] = {dir, "rulesets", NULL};
    mb_error_clear(err);
    CHECK_RC(mb_ruleset_load_id(&rs, "broken-one", tmpdirs, err), MB_E_SCHEMA,
             "a broken file found by id reports why it is broken");
    CHECK(contains(mb_error_file(err), "broken-one.yaml"), "the error names the file found");
    CHECK(mb_error_line(err) == 16, "and the line in it");
    CHECK(rs == NULL, "nothing is returned");

    /* a file whose own id is not its name */
    snprintf(path2, sizeof path2, "%s/other-name.yaml", dir);
    len = variant(0, NULL);
    CHECK(write_file(path2, text, len) == 0, "write a copy of 'mini' under another name");
    int rc = mb_ruleset_load_id(&rs, "other-name", tmpdirs, err);
    /* regression: mb_ruleset_load_id once returned 'mini' (docs/ruleset-format.md: the id is
     * the file name without .yaml) */
    CHECK(rc != MB_OK ? rs == NULL : strcmp(mb_ruleset_id(rs), "other-name") == 0,
          "loading by id never returns a ruleset with another id");
    CHECK(rc < 0 && strstr(mb_error_message(err), "mini") != NULL,
          "a file declaring another id is refused, and the message says which id it declares");
    mb_ruleset_free(rs);
    rs = NULL;
    remove(path);
    remove(path2);
    rmdir(dir);
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL: a load blocked for 10 s (a FIFO opened for reading "
                              "waits for a writer)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(1);
}

/* Only regular files are read: a FIFO would block the open (and then the read) forever, a
 * device like /dev/zero never ends, a directory cannot be read. Found by id, such a file stops
 * the search with its error rather than being skipped. A watchdog turns a hang into a failure. */
static void not_regular_files(mb_error *err)
{
    signal(SIGALRM, on_alarm);
    alarm(10);
    char tmpl[] = "/tmp/mb-test-special-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL, "temporary directory");
    if (dir == NULL)
        return;
    const char *wuxi = "wuxi-employee-chronic-2021";
    char fifo[512], subdir[512], empty[512], sparse[512], link[512];
    snprintf(fifo, sizeof fifo, "%s/%s.yaml", dir, wuxi);
    snprintf(subdir, sizeof subdir, "%s/a-directory.yaml", dir);
    snprintf(empty, sizeof empty, "%s/empty.yaml", dir);
    snprintf(sparse, sizeof sparse, "%s/huge.yaml", dir);
    snprintf(link, sizeof link, "%s/link.yaml", dir);
    mb_ruleset *rs = NULL;

    /* a FIFO named for an id that the next directory has as a real file */
    CHECK(mkfifo(fifo, 0600) == 0, "make a FIFO");
    const char *dirs[] = {dir, "rulesets", NULL};
    mb_error_clear(err);
    CHECK_RC(mb_ruleset_load_id(&rs, wuxi, dirs, err), MB_E_IO,
             "a FIFO found by id is an error, without blocking");
    CHECK(rs == NULL, "nothing is returned for the FIFO");
    CHECK(strcmp(mb_error_file(err), fifo) == 0, "the report names the FIFO's path");
    CHECK(contains(mb_error_message(err), "FIFO") &&
              contains(mb_error_message(err), "not a regular file"),
          "the message says what the file is");
    mb_error_clear(err);
    CHECK_RC(mb_ruleset_load_file(&rs, fifo, err), MB_E_IO, "loading a FIFO by path is refused");
    CHECK(contains(mb_error_message(err), "FIFO"), "and says it is a FIFO");

    /* a directory named like a ruleset */
    CHECK(mkdir(subdir, 0700) == 0, "make a directory named a-directory.yaml");
    const char *dirs2[] = {dir, NULL};
    CHECK_RC(mb_ruleset_load_id(&rs, "a-directory", dirs2, err), MB_E_IO,
             "a directory found by id is an error");
    CHECK(contains(mb_error_message(err), "a directory"), "the message says it is a directory");
    CHECK(strcmp(mb_error_file(err), subdir) == 0, "and names it");

    /* an endless device */
    mb_error_clear(err);
    CHECK_RC(mb_ruleset_load_file(&rs, "/dev/zero", err), MB_E_IO, "/dev/zero is refused");
    CHECK(contains(mb_error_message(err), "character device"), "as a device, not read");

    /* an empty regular file is read, and holds no ruleset */
    CHECK(write_file(empty, "", 0) == 0, "write an empty file");
    CHECK_RC(mb_ruleset_load_file(&rs, empty, err), MB_E_SCHEMA, "an empty file is no ruleset");
    CHECK(contains(mb_error_message(err), "empty"), "the message says it is empty");

    /* a regular file past the size limit is refused by its size, unread */
    FILE *f = fopen(sparse, "wb");
    CHECK(f != NULL && ftruncate(fileno(f), (off_t)5 << 20) == 0, "a 5 MiB sparse file");
    if (f != NULL)
        fclose(f);
    mb_error_clear(err);
    CHECK_RC(mb_ruleset_load_file(&rs, sparse, err), MB_E_PARSE, "a 5 MiB file is refused");
    CHECK(contains(mb_error_message(err), "5242880 bytes"), "the message gives its size");

    /* a symbolic link to a regular file is followed */
    char target[512];
    snprintf(target, sizeof target, "%s/rulesets/%s.yaml", MB_SOURCE_ROOT, wuxi);
    CHECK(symlink(target, link) == 0, "a symbolic link to the Wuxi ruleset");
    CHECK_RC(mb_ruleset_load_file(&rs, link, err), MB_OK, "a link to a regular file loads");
    mb_ruleset_free(rs);
    rs = NULL;

    /* a socket bound to a path */
    char sock[512];
    snprintf(sock, sizeof sock, "%s/socket.yaml", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock);
    CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "a socket file");
    CHECK_RC(mb_ruleset_load_file(&rs, sock, err), MB_E_IO, "a socket is refused");
    CHECK(contains(mb_error_message(err), "is a socket, not a regular file"), "as a socket");
    close(fd);
    remove(sock);

    /* a block device: made here when the test may (as root), else any in /dev */
    char blk[512];
    snprintf(blk, sizeof blk, "%s/disk.yaml", dir);
    int made = mknod(blk, S_IFBLK | 0600, makedev(7, 0)) == 0;
    const char *device = made ? blk : NULL;
    static const char *const devs[] = {"/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1"};
    struct stat st;
    for (size_t i = 0; device == NULL && i < sizeof devs / sizeof devs[0]; i++)
        if (stat(devs[i], &st) == 0 && S_ISBLK(st.st_mode))
            device = devs[i];
    if (device != NULL) {
        CHECK_RC(mb_ruleset_load_file(&rs, device, err), MB_E_IO, "a block device is refused");
        CHECK(contains(mb_error_message(err), "a block device"), "as a block device, unread");
    } else {
        printf("no block device to be had: that refusal is not checked\n");
    }
    if (made)
        remove(blk);

    /* a symbolic link that loops, named as an id looked for: there but unreadable, so the
     * search stops there with the error (ELOOP) rather than going on to another directory */
    char loop[512];
    snprintf(loop, sizeof loop, "%s/loop.yaml", dir);
    CHECK(symlink(loop, loop) == 0, "a link to itself");
    const char *const here[] = {dir, MB_SOURCE_ROOT "/rulesets", NULL};
    rs = NULL;
    CHECK_RC(mb_ruleset_load_id(&rs, "loop", here, err), MB_E_IO, "a looping link is an error");
    CHECK(rs == NULL && contains(mb_error_message(err), "loop.yaml"), "naming the file");
    remove(loop);

    alarm(0);
    remove(fifo);
    rmdir(subdir);
    remove(empty);
    remove(sparse);
    remove(link);
    rmdir(dir);
}

static void assumptions(mb_error *err)
{
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_file(&rs, "rulesets/wuxi-employee-chronic-2021.yaml", err), MB_OK,
             "the Wuxi ruleset loads");
    if (rs == NULL)
        return;
    CHECK(strcmp(mb_ruleset_document(rs), "锡医保服务〔2020〕41号") == 0, "its document number");
    CHECK(mb_ruleset_title(rs)[0] != '\0', "it has a title");
    size_t n = mb_ruleset_assumption_count(rs);
    /* class_b_first_selfpay, the veteran deductible, ratio and cap, the 0% general pooling */
    CHECK(n >= 5, "the Wuxi ruleset lists its assumptions (class B, veteran x3, pooling 0%)");
    size_t good = 0, class_b = 0;
    for (size_t i = 0; i < n; i++) {
        const char *where = NULL, *reason = NULL;
        if (mb_ruleset_assumption(rs, i, &where, &reason) == MB_OK && where && reason &&
            *where && *reason)
            good++;
        if (where && contains(where, "class_b_first_selfpay"))
            class_b++;
    }
    CHECK(good == n, "every assumption has a where and a reason");
    CHECK(class_b == 1, "the class B first self-pay assumption names its key");
    const char *w = NULL, *r = NULL;
    CHECK_RC(mb_ruleset_assumption(rs, n, &w, &r), MB_E_INVALID_ARGUMENT, "index past the end");
    CHECK_RC(mb_ruleset_assumption(NULL, 0, &w, &r), MB_E_INVALID_ARGUMENT, "NULL ruleset");
    CHECK(mb_ruleset_assumption_count(NULL) == 0, "no assumptions for NULL");

    /* the catalogue: 26 diseases, found by code, full name, short name and alias */
    CHECK(mb_ruleset_disease_count(rs) == 26, "41号 一 lists 26 diseases");
    size_t idx = 99, idx2 = 98;
    CHECK_RC(mb_ruleset_find_disease(rs, "M01600", &idx, err), MB_OK, "by code");
    CHECK_RC(mb_ruleset_find_disease(rs, "糖尿病", &idx2, err), MB_OK, "by name");
    CHECK(idx == idx2, "code and name find the same disease");
    CHECK_RC(mb_ruleset_find_disease(rs, "高血压", &idx, err), MB_OK,
             "by short name (up to the parenthesis)");
    CHECK_RC(mb_ruleset_find_disease(rs, "帕金森病", &idx, err), MB_OK, "by alias");
    CHECK_RC(mb_ruleset_find_disease(rs, "不存在的病", &idx, err), MB_E_UNKNOWN_DISEASE,
             "an unknown disease");
    const char *code = NULL, *name = NULL, *group = NULL;
    CHECK_RC(mb_ruleset_disease(rs, idx2, &code, &name, &group), MB_OK, "read a disease");
    CHECK(code && strcmp(code, "M01600") == 0 && group && strcmp(group, "chronic") == 0,
          "its code and group");
    mb_ruleset_free(rs);

    /* a ruleset without assumptions: none listed, none invented */
    size_t len = variant(0, NULL);
    rs = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, len, "t.yaml", err), MB_OK, "mini loads");
    CHECK(mb_ruleset_assumption_count(rs) == 0, "mini cites every value: no assumption");
    mb_ruleset_free(rs);
}

int main(void)
{
    mb_error *err = mb_error_new();
    if (err == NULL)
        return 1;
    base_loads(err);
    unknown_keys(err);
    author_messages(err);
    missing_id(err);
    bad_values(err);
    every_inconsistency_is_refused_where_it_is(err);
    near_misses_load(err);
    groups_and_categories_at_their_limits(err);
    settlement_tables_at_their_limits(err);
    uncited_steps(err);
    empty_sources_are_refused(err);
    malformed(err);
    sizes(err);
    error_report();
    load_file_errors(err);
    load_id(err);
    not_regular_files(err);
    assumptions(err);
    mb_error_free(err);
    return check_summary();
}
