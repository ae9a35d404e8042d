/*
 * What-if at scale: stream claim files (tools/claims.h) through one chain of rulesets under
 * the current policy and under a proposed one, in chunks through the columnar batch, and sum
 * what each fund, the account and the patient pay under each: in total, per disease, per
 * person type, the distribution of each enrollee's burden, and the enrollees whose burden
 * changes most. Money is int64 fen throughout; sums are checked for overflow.
 */
#ifndef MEDBENEFIT_TOOL_WHATIF_H
#define MEDBENEFIT_TOOL_WHATIF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "claims.h"

/* The amounts summed, in this order (mb_amount values). */
enum { WHATIF_AMOUNTS = 10 };
extern const int whatif_amount[WHATIF_AMOUNTS];
/* The patient's burden: psn_part_amt (个人负担总金额: account and cash). */
enum { WHATIF_BURDEN = 9 };

/* Sums under the current policy (0) and the proposed one (1). */
typedef struct whatif_sums {
    int64_t claims, changed; /* claims compared; those whose amounts differ */
    int64_t amount[2][WHATIF_AMOUNTS];
} whatif_sums;

typedef struct whatif_group {
    char *name;
    whatif_sums sums;
} whatif_group;

/* Enrollees by their year's burden: band k holds burdens from band_floor[k] (fen) up to the
 * next band's floor; band 0 is exactly 0. */
enum { WHATIF_BANDS = 11 };
extern const int64_t whatif_band_floor[WHATIF_BANDS];

typedef struct whatif_mover {
    char *id;
    int64_t claims, burden[2];
    uint64_t ordinal; /* the enrollee's place in the input: the earlier first among equals */
} whatif_mover;

typedef struct whatif_error {
    char *file, *message;
    uint64_t line;
} whatif_error;

enum { WHATIF_ERRORS_KEPT = 100 };

typedef struct whatif_options {
    const char *dir[2];          /* the rulesets of each policy */
    const char *const *chain;    /* ids, in tier order */
    size_t chain_len;
    claims_format format;
    claims_unit unit;
    size_t top;                  /* enrollees listed whose burden changes most */
    unsigned threads;            /* settling: 0 one per core; 1 the policies one after the
                                  * other; N both at once, N / 2 and N - N / 2 threads each */
    bool progress;               /* on stderr */
} whatif_options;

typedef struct whatif {
    whatif_options opt;
    const char *const *files;
    size_t nfiles;
    int64_t rows, errors, enrollees; /* rows read (good or bad), bad rows, enrollees compared */
    whatif_sums total;
    whatif_group person[5];      /* by mb_person_type; 0 unused */
    whatif_group *diseases;      /* diseases[0]: claims without one */
    size_t ndiseases;
    int64_t band[2][WHATIF_BANDS];
    whatif_mover *top;           /* the movers, largest change first once finished */
    size_t ntop;
    whatif_error errors_kept[WHATIF_ERRORS_KEPT];
    size_t nerrors_kept;
    bool overflow;               /* a sum would pass int64: the figures are not given */
    double seconds;              /* wall time of the run, for the throughput line only */
} whatif;

/* Compare the claims of `files` under both policies into *w (zeroed by the call). Returns
 * 0 when every row settled under both, 1 when some rows were refused (each said on stderr
 * with its file and line, and counted), 2 when a file or a ruleset cannot be read. */
int whatif_run(whatif *w, const whatif_options *opt, const char *const *files, size_t nfiles);
void whatif_free(whatif *w);

/* The figures as JSON (amounts as integers of fen) and as a self-contained HTML page. */
void whatif_write_json(const whatif *w, FILE *out);
void whatif_write_html(const whatif *w, FILE *out);
/* The totals as a table on `out`, as `medbenefit compare` prints them. */
void whatif_write_text(const whatif *w, FILE *out);

#endif
