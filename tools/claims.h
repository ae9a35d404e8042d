/*
 * Claim files for `medbenefit compare`: CSV (RFC 4180, a header row naming the columns) or JSON
 * Lines (one flat object a line, the same names as keys), one claim a row, the rows of an
 * enrollee together and in date order (docs/claims-format.md). The reader streams a file in
 * chunks of rows laid out as the library's columnar batch takes them (mb_columns), so that
 * memory stays the same whatever the file's length. A bad row is given with its line and why,
 * and left out; the reader goes on.
 */
#ifndef MEDBENEFIT_TOOL_CLAIMS_H
#define MEDBENEFIT_TOOL_CLAIMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "medbenefit.h"

typedef enum claims_format { CLAIMS_BY_NAME = 0, CLAIMS_CSV, CLAIMS_JSONL } claims_format;
/* The unit of amount columns whose name does not say it (class_a, not class_a_fen). */
typedef enum claims_unit { UNIT_UNDECLARED = 0, UNIT_FEN, UNIT_YUAN } claims_unit;

enum { CLAIMS_MAX_DISEASES = 16, CLAIMS_MAX_ASSISTANCE = 16, CLAIMS_CHUNK_ROWS = 32768 };

/* An enrollee as the first of its rows describes it. Strings are the chunk's, valid until the
 * next claims_next(). */
typedef struct claims_enrollee {
    const char *id;
    int scheme, person_type;          /* mb_scheme, mb_person_type (0: none given) */
    bool has_account;
    int64_t account_fen;              /* opening personal-account balance */
    const char *designated_facility;  /* NULL: none */
    int32_t birth_date;               /* 0: none */
    unsigned ndiseases, nassistance;
    const char *disease[CLAIMS_MAX_DISEASES];
    int32_t certified_on[CLAIMS_MAX_DISEASES];
    const char *assistance[CLAIMS_MAX_ASSISTANCE];
    int32_t assistance_from[CLAIMS_MAX_ASSISTANCE];
    bool continued;                   /* the same enrollee as the previous chunk's last */
    uint64_t line;                    /* where it was first described */
} claims_enrollee;

/* A bad row: its line (the first, for a CSV record over several) and why. */
typedef struct claims_bad_row {
    uint64_t line;
    char *message;
} claims_bad_row;

/* A chunk of rows: the good ones in `columns`, ready for mb_settle_columns with the chunk's
 * enrollees (row i belongs to enrollees[columns.enrollee[i]]; line[i] is its line), and the
 * bad ones among them, in the order of their lines. */
typedef struct claims_chunk {
    mb_columns columns;
    const uint64_t *line;
    const claims_enrollee *enrollees;
    size_t nenrollees;
    const claims_bad_row *bad;
    size_t nbad;
} claims_chunk;

typedef struct claims_reader claims_reader;

/* Open `path` ("-": standard input) as `format` (CLAIMS_BY_NAME: by its name's ending, .csv,
 * .jsonl or .ndjson). NULL with the reason in msg when it cannot be read, its format is not
 * known, or (CSV) its header is malformed, names an unknown column, lacks a required one or
 * leaves an amount's unit undeclared. */
claims_reader *claims_open(const char *path, claims_format format, claims_unit unit, char *msg,
                           size_t cap);
/* claims_open reading at most about `block` bytes at a time and ending a chunk after
 * `chunk_rows` rows (0: the defaults, 4 MiB and CLAIMS_CHUNK_ROWS): for tests, so that a small
 * file crosses reads and chunks where a large one does (tests/fuzz/fuzz_claims.c). */
claims_reader *claims_open_sized(const char *path, claims_format format, claims_unit unit,
                                 size_t block, size_t chunk_rows, char *msg, size_t cap);
/* Fill `chunk` with the next rows: 1, or 0 at the end of the file, or -1 when reading fails
 * (the reason in msg). A chunk stays whole until the call after the next, so that one thread
 * may read the next chunk while another settles this one. */
int claims_next(claims_reader *r, claims_chunk *chunk, char *msg, size_t cap);
/* Bytes read so far, and the file's size (0 when it is not a regular file). */
uint64_t claims_bytes_read(const claims_reader *r);
uint64_t claims_file_size(const claims_reader *r);
void claims_close(claims_reader *r);

/* The enrollees seen in all files read so far, to refuse an enrollee whose rows come back
 * after another's: 16 bytes a distinct enrollee. Shared by the readers of one run. */
typedef struct enrollee_set enrollee_set;
enrollee_set *enrollee_set_new(void);
void enrollee_set_free(enrollee_set *s);
void claims_share_enrollees(claims_reader *r, enrollee_set *seen);

#endif
