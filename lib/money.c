/*
 * Money and rounding. The rule, stated once: an amount times a ratio is computed exactly in
 * units of fen/10000 and rounded half up to the fen, once per layer payment (a layer summing
 * several bands rounds the sum, not each band). Amounts are non-negative int64 fen below
 * MB_MONEY_MAX; ratios are basis points in 0..10000, so products fit easily in 128 bits.
 */
#include <string.h>

#include "internal.h"

int64_t mb_prorata_round_wide(const mb_prorata *p)
{
    return (int64_t)((p->acc + MB_BP_ONE / 2) / MB_BP_ONE);
}

int mb_amount_check(int64_t fen, const char *what, mb_error *err)
{
    if (fen < 0)
        return mb_fail(err, MB_E_INVALID_AMOUNT, "%s %lld fen is negative", what, (long long)fen);
    if (fen > MB_MONEY_MAX)
        return mb_fail(err, MB_E_INVALID_AMOUNT,
                       "%s %lld fen is absurd (the library's largest amount is 10^12 yuan)", what,
                       (long long)fen);
    return MB_OK;
}

/* Digits with at most `max_decimals` decimals into an integer scaled by 10^max_decimals. */
static int parse_fixed(const char *s, int max_decimals, int64_t limit, int64_t *out)
{
    int64_t whole = 0, frac = 0;
    int ndig = 0, nfrac = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9') {
        whole = whole * 10 + (*p - '0');
        if (whole > limit)
            return -1;
        p++;
        ndig++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (nfrac == max_decimals) {
                return -2; /* even "1.500": the contract allows two decimals at most */
            } else {
                frac = frac * 10 + (*p - '0');
                nfrac++;
            }
            p++;
            ndig++;
        }
    }
    if (*p != '\0' || ndig == 0)
        return -1;
    for (int i = nfrac; i < max_decimals; i++)
        frac *= 10;
    int64_t scale = 1;
    for (int i = 0; i < max_decimals; i++)
        scale *= 10;
    *out = whole * scale + frac;
    return 0;
}

int mb_amount_parse(const char *text, int64_t *fen, mb_error *err)
{
    if (text == NULL || fen == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "amount: NULL argument");
    if (text[0] == '-')
        return mb_fail(err, MB_E_INVALID_AMOUNT, "amount '%s' is negative", text);
    int64_t v;
    int rc = parse_fixed(text, 2, MB_MONEY_MAX / 100, &v);
    if (rc == -2)
        return mb_fail(err, MB_E_INVALID_AMOUNT,
                       "amount '%s' has more than two decimals (amounts are yuan to the fen)", text);
    if (rc != 0 || v > MB_MONEY_MAX)
        return mb_fail(err, MB_E_INVALID_AMOUNT,
                       "amount '%s' is not a yuan amount such as 1200 or 1200.50 (at most 10^12)",
                       text);
    *fen = v;
    return MB_OK;
}

int mb_ratio_parse(const char *text, int32_t *bp, mb_error *err)
{
    if (text == NULL || bp == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "ratio: NULL argument");
    size_t n = strlen(text);
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "ratio '%s' is not 70%%, 62.5%% or 0.7", text);
    int64_t v;
    if (text[n - 1] == '%') {
        memcpy(buf, text, n - 1);
        buf[n - 1] = '\0';
        if (parse_fixed(buf, 2, 100, &v) != 0)
            return mb_fail(err, MB_E_INVALID_ARGUMENT, "ratio '%s' is not a percentage with at most two decimals", text);
    } else {
        if (parse_fixed(text, 4, 1, &v) != 0)
            return mb_fail(err, MB_E_INVALID_ARGUMENT, "ratio '%s' is not 70%%, 62.5%% or 0.7", text);
    }
    if (v > MB_BP_ONE)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "ratio '%s' is above 100%%", text);
    *bp = (int32_t)v;
    return MB_OK;
}
