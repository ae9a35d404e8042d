#ifndef MEDBENEFIT_TOOL_COMPARE_H
#define MEDBENEFIT_TOOL_COMPARE_H
/* What-if: settle the scenario files under the rulesets of dir_a and of dir_b (same ids) and
 * print each claim that settles differently and the totals. Returns the exit status. */
int compare_files(const char *dir_a, const char *dir_b, int argc, char **argv);

/* What-if at scale (docs/claims-format.md): stream the claim files (CSV, JSON Lines) through
 * the chain under both directories' rulesets, print the totals, and write the figures as JSON
 * and as an HTML report when asked. Returns the exit status: 0, 1 rows refused, 2 unreadable. */
typedef struct compare_stream {
    const char *chain;       /* "ID,ID": the rulesets each claim settles under, in tier order */
    const char *amounts;     /* "fen" | "yuan" | NULL: the unit of amount columns without one */
    const char *input_format;/* "csv" | "jsonl" | NULL: by each file's name */
    const char *json, *html; /* where to write the figures, or NULL */
    const char *top;         /* how many enrollees whose burden changes most (default 20) */
    const char *threads;     /* threads settling (default 0: one per core; whatif.h) */
} compare_stream;
int compare_claims(const char *dir_a, const char *dir_b, const compare_stream *opt, int argc,
                   char **argv);
#endif
