/* UTF-8 validation and disease short names. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

void mb_utf8_scrub(char *s)
{
    size_t n = strlen(s), r = 0, w = 0, bad;
    while (!mb_utf8_prefix(s + r, n - r, &bad)) {
        memmove(s + w, s + r, bad);
        w += bad;
        r += bad + 1; /* the byte that begins no whole character */
    }
    memmove(s + w, s + r, n - r);
    s[w + n - r] = '\0';
}

bool mb_utf8_valid(const char *s, size_t len)
{
    size_t bad;
    return mb_utf8_prefix(s, len, &bad);
}

bool mb_utf8_prefix(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    *bad = len;
    while (p < end) {
        /* Rulesets and requests are mostly ASCII: eight bytes of it at a time. */
        uint64_t word;
        while (end - p >= 8 && (memcpy(&word, p, 8), (word & 0x8080808080808080u) == 0))
            p += 8;
        if (p == end)
            break;
        unsigned c = *p;
        size_t n;
        unsigned min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, min = 0x80, c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, min = 0x800, c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            *bad = (size_t)(p - (const unsigned char *)s);
            return false;
        }
        bool ok = (size_t)(end - p) > n;
        for (size_t i = 1; ok && i <= n; i++) {
            ok = (p[i] & 0xc0) == 0x80;
            c = (c << 6) | (p[i] & 0x3f);
        }
        if (!ok || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
            *bad = (size_t)(p - (const unsigned char *)s);
            return false;
        }
        p += n + 1;
    }
    return true;
}

void mb_short_name(const char *name, char *out, size_t cap)
{
    const char *a = strchr(name, '(');
    const char *b = strstr(name, "（");
    const char *stop = a && (!b || a < b) ? a : b;
    size_t n = stop ? (size_t)(stop - name) : strlen(name);
    while (n > 0 && name[n - 1] == ' ')
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

int mb_edit_distance(const char *a, const char *b, int cap)
{
    size_t m = strlen(a), n = strlen(b);
    if (m > 40 || n > 40)
        return cap + 1;
    int row[41];
    for (size_t j = 0; j <= n; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= m; i++) {
        int diag = row[0], best = row[0] = (int)i;
        for (size_t j = 1; j <= n; j++) {
            int up = row[j];
            int v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[n];
}

