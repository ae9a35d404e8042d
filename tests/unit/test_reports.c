/* What the library says: the error report's message for each combination of file, line and key
 * it has (lib/error.c), the names and texts of statuses, amounts and assistance categories
 * (lib/codes.c), and the text checks behind them: UTF-8 validation and a disease's short name
 * (lib/utf8.c). */
#include <string.h>

#include "check.h"
#include "internal.h"

static mb_error *err;

/* ---- the error report ---------------------------------------------------------------------- */

static void report_says_where(void)
{
    CHECK_RC(mb_fail_at(err, MB_E_SCHEMA, "r.yaml", 12, "ratio", "expected a percentage"),
             MB_E_SCHEMA, "mb_fail_at returns the status");
    CHECK(strcmp(mb_error_message(err), "r.yaml:12: key 'ratio': expected a percentage") == 0,
          "file, line and key");
    CHECK(strcmp(mb_error_file(err), "r.yaml") == 0 && mb_error_line(err) == 12 &&
              strcmp(mb_error_key(err), "ratio") == 0 && mb_error_status(err) == MB_E_SCHEMA,
          "each part on its own");
    mb_fail_at(err, MB_E_PARSE, "r.yaml", 3, NULL, "malformed YAML");
    CHECK(strcmp(mb_error_message(err), "r.yaml:3: malformed YAML") == 0, "file and line");
    mb_fail_at(err, MB_E_PARSE, "r.yaml", 3, "", "malformed YAML");
    CHECK(strcmp(mb_error_message(err), "r.yaml:3: malformed YAML") == 0, "an empty key is none");
    mb_fail_at(err, MB_E_RULESET, "r.yaml", 0, "id", "no id");
    CHECK(strcmp(mb_error_message(err), "r.yaml: key 'id': no id") == 0, "file and key, no line");
    mb_fail_at(err, MB_E_IO, "r.yaml", 0, NULL, "cannot open");
    CHECK(strcmp(mb_error_message(err), "r.yaml: cannot open") == 0, "the file alone");
    mb_fail_at(err, MB_E_IO, "r.yaml", 0, "", "cannot open");
    CHECK(strcmp(mb_error_message(err), "r.yaml: cannot open") == 0, "file, empty key");
    mb_fail_at(err, MB_E_IO, "", 7, "k", "no file");
    CHECK(strcmp(mb_error_message(err), "no file") == 0 && mb_error_line(err) == 7 &&
              strcmp(mb_error_key(err), "k") == 0,
          "without a file the message is the problem alone; line and key are still kept");
    mb_fail_at(err, MB_E_IO, NULL, 7, "k", "no file");
    CHECK(strcmp(mb_error_message(err), "no file") == 0 && strcmp(mb_error_file(err), "") == 0,
          "a NULL file is an empty one");
    mb_fail(err, MB_E_STATE, "reversing twice");
    CHECK(strcmp(mb_error_message(err), "reversing twice") == 0 && mb_error_line(err) == 0 &&
              strcmp(mb_error_file(err), "") == 0 && strcmp(mb_error_key(err), "") == 0,
          "mb_fail: the message, nowhere");
    CHECK_RC(mb_fail(NULL, MB_E_NOMEM, "nobody listens"), MB_E_NOMEM,
             "without a report the status is still returned");
}

static void report_cuts_what_does_not_fit(void)
{
    char file[MB_FILE_MAX + 100], key[MB_KEY_MAX + 100], what[MB_MSG_MAX + 100];
    memset(file, 'f', sizeof file - 1), file[sizeof file - 1] = '\0';
    memset(key, 'k', sizeof key - 1), key[sizeof key - 1] = '\0';
    memset(what, 'w', sizeof what - 1), what[sizeof what - 1] = '\0';
    mb_fail_at(err, MB_E_SCHEMA, file, 1, key, "%s", what);
    CHECK(strlen(mb_error_file(err)) == MB_FILE_MAX - 1, "the file is cut to its field");
    CHECK(strlen(mb_error_key(err)) == MB_KEY_MAX - 1, "the key is cut to its field");
    CHECK(strlen(mb_error_message(err)) == MB_MSG_MAX - 1, "the message is cut to its field");
    mb_fail(err, MB_E_SCHEMA, "%s", what);
    CHECK(strlen(mb_error_message(err)) == MB_MSG_MAX - 1 &&
              strncmp(mb_error_message(err), what, MB_MSG_MAX - 1) == 0,
          "a message alone is cut the same way, from its end");
    mb_error_clear(err);
    CHECK(mb_error_status(err) == MB_OK && strcmp(mb_error_message(err), "") == 0,
          "a cleared report is empty");
}

/* ---- names --------------------------------------------------------------------------------- */

static void every_status_has_a_name_and_a_text(void)
{
    static const struct {
        int status;
        const char *name, *text;
    } want[] = {
        {MB_OK, "ok", "success"},
        {MB_E_INVALID_ARGUMENT, "invalid_argument", "invalid argument"},
        {MB_E_NOMEM, "out_of_memory", "out of memory"},
        {MB_E_IO, "io", "file could not be read"},
        {MB_E_PARSE, "parse", "malformed YAML or invalid UTF-8"},
        {MB_E_SCHEMA, "schema", "ruleset key unknown, missing or of the wrong type"},
        {MB_E_RULESET, "ruleset", "ruleset inconsistent"},
        {MB_E_NOT_FOUND, "not_found", "no ruleset with that id"},
        {MB_E_INVALID_AMOUNT, "invalid_amount", "invalid amount"},
        {MB_E_INVALID_DATE, "invalid_date", "invalid date or dates out of order"},
        {MB_E_UNKNOWN_CODE, "unknown_code", "unknown code"},
        {MB_E_UNKNOWN_DISEASE, "unknown_disease", "disease not in the catalogue"},
        {MB_E_OVERFLOW, "overflow", "amount overflow"},
        {MB_E_CHAIN, "chain", "rulesets chained in the wrong order"},
        {MB_E_STATE, "state", "reversal out of order or repeated"},
        {MB_E_CORRUPT, "corrupt", "saved state truncated, altered or from a newer version"},
        {MB_E_CAPACITY, "capacity", "accumulator table full"},
        {MB_E_BUFFER, "buffer", "buffer too small"},
        {MB_E_NOT_ELIGIBLE, "not_eligible", "certification refused"},
    };
    int named = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        named += strcmp(mb_status_name(want[i].status), want[i].name) == 0 &&
                 strcmp(mb_status_text(want[i].status), want[i].text) == 0;
    CHECK(named == (int)(sizeof want / sizeof want[0]), "each status's stable name and text");
    CHECK(named == -MB_E_NOT_ELIGIBLE + 1, "every status from MB_OK to MB_E_NOT_ELIGIBLE");
    CHECK(strcmp(mb_status_name(1), "unknown") == 0 &&
              strcmp(mb_status_name(MB_E_NOT_ELIGIBLE - 1), "unknown") == 0,
          "a number that is no status is named unknown");
    CHECK(strcmp(mb_status_text(1), "unknown status") == 0 &&
              strcmp(mb_status_text(-1000), "unknown status") == 0,
          "and described as such");
}

static void amounts_and_categories_are_named(void)
{
    CHECK(mb_version_number() == MB_VERSION_NUMBER && strcmp(mb_version(), MB_VERSION_STRING) == 0,
          "the library says the version of the header it was built with");
    CHECK(strcmp(mb_amount_name(MB_AMT_MEDFEE_SUMAMT), "medfee_sumamt") == 0 &&
              strcmp(mb_amount_name(MB_AMT_OVERLMT_SELFPAY), "overlmt_selfpay") == 0,
          "the first and last amounts, in the platform's vocabulary");
    CHECK(mb_amount_name(-1) == NULL && mb_amount_name(MB_AMT_COUNT_) == NULL,
          "no name for an amount that is not one");
    CHECK(strcmp(mb_category_name(1), "minimum_living") == 0, "a category's name");
    CHECK(strcmp(mb_category_name(-1), "?") == 0 &&
              strcmp(mb_category_name(MB_CATEGORY_COUNT), "?") == 0,
          "a category out of range is named '?'");
    CHECK(mb_category_parse("minimum_living") == 1 && mb_category_parse("poor") == MB_E_UNKNOWN_CODE,
          "categories parse by name");
    CHECK(mb_category_parse(NULL) == MB_E_INVALID_ARGUMENT && mb_scheme_parse(NULL) == MB_E_INVALID_ARGUMENT &&
              mb_person_type_parse(NULL) == MB_E_INVALID_ARGUMENT &&
              mb_med_type_parse(NULL) == MB_E_INVALID_ARGUMENT &&
              mb_level_parse(NULL) == MB_E_INVALID_ARGUMENT &&
              mb_item_class_parse(NULL) == MB_E_INVALID_ARGUMENT,
          "every parser refuses NULL");
    CHECK(mb_period_code(MB_PERIOD_YEAR, 20230415) == 2023 &&
              mb_period_code(MB_PERIOD_NONE, 20230415) == 0,
          "a year's period is the year; no kind, no period");
}

/* ---- UTF-8 and short names ----------------------------------------------------------------- */

static void utf8_refuses_what_is_not_utf8(void)
{
    static const struct {
        const char *bytes;
        size_t bad; /* the offset reported; (size_t)-1: valid */
        const char *why;
    } cases[] = {
        {"abc", (size_t)-1, "ASCII"},
        {"a\xc3\xa9", (size_t)-1, "two bytes: é"},
        {"\xe4\xb8\xad", (size_t)-1, "three bytes: 中"},
        {"x\xf0\x9f\x98\x80", (size_t)-1, "four bytes: U+1F600"},
        {"\xf4\x8f\xbf\xbf", (size_t)-1, "U+10FFFF, the last code point"},
        {"ab\xff", 2, "0xff leads nothing"},
        {"\x80", 0, "a continuation byte alone"},
        {"\xf8\x88\x80\x80\x80", 0, "a five-byte lead"},
        {"\xc0\xaf", 0, "'/' in two bytes (overlong)"},
        {"\xe0\x80\xaf", 0, "'/' in three bytes (overlong)"},
        {"\xf0\x80\x80\xaf", 0, "'/' in four bytes (overlong)"},
        {"\xf4\x90\x80\x80", 0, "past U+10FFFF"},
        {"\xed\xa0\x80", 0, "a surrogate, U+D800"},
        {"\xed\xbf\xbf", 0, "a surrogate, U+DFFF"},
        {"a\xe4\xb8", 1, "cut short at the end"},
        {"\xe4" "a\xad", 0, "a lead followed by ASCII"},
    };
    int right = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].bytes), bad = 12345;
        bool ok = mb_utf8_prefix(cases[i].bytes, len, &bad);
        bool want_ok = cases[i].bad == (size_t)-1;
        if (ok == want_ok && bad == (want_ok ? len : cases[i].bad) &&
            mb_utf8_valid(cases[i].bytes, len) == want_ok)
            right++;
        else
            fprintf(stderr, "  utf8: %s: ok %d, bad %zu\n", cases[i].why, ok, bad);
    }
    CHECK(right == (int)(sizeof cases / sizeof cases[0]),
          "valid sequences pass; each invalid one is refused at its first byte");
}

static void short_name_stops_at_the_first_parenthesis(void)
{
    static const struct {
        const char *name, *shortname;
    } cases[] = {
        {"恶性肿瘤（放化疗）", "恶性肿瘤"},
        {"器官移植抗排异治疗（肾移植）", "器官移植抗排异治疗"},
        {"Diabetes (type 2)", "Diabetes"},
        {"甲（乙）(丙)", "甲"},
        {"甲(乙)（丙）", "甲"},
        {"高血压", "高血压"},
        {"trailing   ", "trailing"},
        {"（全是括号）", ""},
    };
    int right = 0;
    char out[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mb_short_name(cases[i].name, out, sizeof out);
        right += strcmp(out, cases[i].shortname) == 0;
    }
    CHECK(right == (int)(sizeof cases / sizeof cases[0]),
          "the name up to its first '(' or '（', without trailing spaces");
    mb_short_name("abcdefgh", out, 4);
    CHECK(strcmp(out, "abc") == 0, "cut to the room given, terminated");
}

int main(void)
{
    err = mb_error_new();
    report_says_where();
    report_cuts_what_does_not_fit();
    every_status_has_a_name_and_a_text();
    amounts_and_categories_are_named();
    utf8_refuses_what_is_not_utf8();
    short_name_stops_at_the_first_parenthesis();
    mb_error_free(err);
    return check_summary();
}
