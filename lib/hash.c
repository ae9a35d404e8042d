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

/* CRC-32 (IEEE 802.3, reflected). Each entry is what four steps of the bitwise loop make of a
 * nibble, so that a byte takes two lookups instead of eight steps. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
    0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

uint32_t mb_crc32(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 15u];
        crc = (crc >> 4) ^ crc_nibble[crc & 15u];
    }
    return ~crc;
}
