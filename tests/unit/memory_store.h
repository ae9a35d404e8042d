/* A platform's state kept in memory: the caller's store of mb_platform_set_store as the unit
 * tests (through fixtures.h) and the platform fuzz target use it. It keeps the state's bytes
 * and counts the loads, saves and dones, so that a test can tell that a refused call saved
 * nothing. Needs no check.h: the fuzz target links none. */
#ifndef MB_TEST_MEMORY_STORE_H
#define MB_TEST_MEMORY_STORE_H

#include <stdlib.h>
#include <string.h>

#include "medbenefit.h"

typedef struct fx_store {
    char *data;
    size_t len;
    int saves, loads, dones;
} fx_store;

static inline int fx_store_load(void *ctx, const void **data, size_t *len, mb_error *err)
{
    (void)err;
    fx_store *s = ctx;
    s->loads++;
    *data = s->data;
    *len = s->len;
    return MB_OK;
}

static inline int fx_store_save(void *ctx, const void *data, size_t len, mb_error *err)
{
    (void)err;
    fx_store *s = ctx;
    char *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return MB_E_NOMEM;
    memcpy(copy, data, len);
    free(s->data);
    s->data = copy;
    s->len = len;
    s->saves++;
    return MB_OK;
}

static inline void fx_store_done(void *ctx) { ((fx_store *)ctx)->dones++; }

/* Put `len` bytes in the store as its state (a copy; NULL and 0: no state yet). */
static inline void fx_store_put(fx_store *s, const void *data, size_t len)
{
    free(s->data);
    s->data = NULL;
    s->len = 0;
    if (data != NULL && (s->data = malloc(len ? len : 1)) != NULL) {
        memcpy(s->data, data, len);
        s->len = len;
    }
}

/* Empties the store: its bytes freed, its counts back to 0. */
static inline void fx_store_clear(fx_store *s)
{
    free(s->data);
    memset(s, 0, sizeof *s);
}

#endif
