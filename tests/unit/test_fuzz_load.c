/* Mutated rulesets and scenarios' worth of bad bytes: every bundled ruleset, with thousands of
 * deterministic mutations (flipped bytes, cut lines, deleted and duplicated spans), must load or
 * fail with a located error, never crash, hang or leak (the suite also runs under ASan/UBSan). */
#include <medbenefit.h>

#include "check.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static size_t mutate(const char *src, size_t len, char *dst, size_t cap)
{
    memcpy(dst, src, len);
    size_t n = len;
    int edits = 1 + (int)(next() % 4);
    for (int k = 0; k < edits && n > 0; k++) {
        size_t at = next() % n;
        switch (next() % 6) {
        case 0: /* flip a byte */
            dst[at] = (char)(next() & 0xff);
            break;
        case 1: /* cut the text short */
            n = at;
            break;
        case 2: { /* delete a span */
            size_t span = 1 + next() % 40;
            if (at + span > n)
                span = n - at;
            memmove(dst + at, dst + at + span, n - at - span);
            n -= span;
            break;
        }
        case 3: { /* duplicate a span */
            size_t span = 1 + next() % 80;
            if (at + span > n)
                span = n - at;
            if (n + span <= cap) {
                memmove(dst + at + span, dst + at, n - at);
                n += span;
            }
            break;
        }
        case 4: /* YAML punctuation where it hurts */
            dst[at] = ":-[]{}&*!|>'\"#%@`,?"[next() % 20];
            break;
        default: /* a digit becomes another digit or a decimal point */
            if (dst[at] >= '0' && dst[at] <= '9')
                dst[at] = "0123456789.-"[next() % 12];
            break;
        }
    }
    return n;
}

int main(void)
{
    static const char *const files[] = {
        "rulesets/wuxi-employee-chronic-2021.yaml", "rulesets/jiaozuo-chronic-2022.yaml",
        "rulesets/changzhou-employee-outpatient-2023.yaml",
        "rulesets/shanxi-chronic-special-2025.yaml", "rulesets/wuxi-medical-assistance-2023.yaml",
        "rulesets/example-critical-illness-resident.yaml"};
    /* MB_FUZZ_ITERATIONS runs a longer campaign by hand; CI runs 700 mutants per ruleset */
    const char *env = getenv("MB_FUZZ_ITERATIONS");
    int iterations = env ? atoi(env) : 700;
    mb_error *err = mb_error_new();
    int loaded = 0, refused = 0, unlocated = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len = 0;
        char *src = read_all(files[f], &len);
        CHECK(src != NULL, files[f]);
        if (src == NULL)
            continue;
        size_t cap = len * 2 + 64;
        char *buf = malloc(cap);
        for (int i = 0; i < iterations; i++) {
            size_t n = mutate(src, len, buf, cap);
            mb_ruleset *rs = NULL;
            mb_error_clear(err);
            int rc = mb_ruleset_load_buffer(&rs, buf, n, "mutant.yaml", err);
            if (rc == MB_OK) {
                loaded++;
                CHECK(rs != NULL && mb_ruleset_id(rs)[0] != '\0', "a loaded mutant is usable");
                mb_ruleset_free(rs);
            } else {
                refused++;
                CHECK(rs == NULL, "a refused load returns nothing");
                CHECK(mb_error_status(err) == rc && mb_error_message(err)[0] != '\0',
                      "every refusal carries its status and a message");
                CHECK(rc == MB_E_PARSE || rc == MB_E_SCHEMA || rc == MB_E_RULESET,
                      "a mutant is refused as malformed, off-schema or inconsistent");
                unlocated += mb_error_line(err) == 0;
            }
        }
        free(buf);
        free(src);
    }
    printf("# %d mutants loaded, %d refused, %d refusals without a line\n", loaded, refused, unlocated);
    CHECK(refused > loaded, "most mutants are refused");
    CHECK(unlocated == 0, "every refusal names a line");
    mb_error_free(err);
    return check_summary();
}
