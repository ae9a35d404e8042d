/* 64-bit FNV-1a: strings are hashed once, when they enter a claim, an enrollee or a ruleset,
 * so that settlement compares integers only. CRC-32 guards saved state. */
#include <string.h>

#include "internal.h"

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

uint64_t mb_hash_bytes(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

uint64_t mb_hash(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    uint64_t h = mb_hash_bytes(FNV_OFFSET, s, strlen(s));
    return h ? h : 1; /* 0 means "none" */
}

uint64_t mb_hash_join(const char *a, const char *b)
{
    uint64_t h = mb_hash_bytes(FNV_OFFSET, a, strlen(a));
    h = mb_hash_bytes(h, "\x1f", 1);
    h = mb_hash_bytes(h, b, strlen(b));
    return h ? h : 1;
}

uint32_t mb_crc32(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
    }
    return ~crc;
}
