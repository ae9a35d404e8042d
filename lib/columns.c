/*
 * Columnar batches (mb_settle_columns): the claims of many enrollees as arrays. The string
 * tables are checked and hashed, and the diseases found in the chain's catalogues, once per
 * call; each row then becomes a bill through the claim setters' own checks (claim.c) and is
 * settled by the pipeline as mb_settle settles a claim, without a trace. Rows are shared out
 * among threads by enrollee: an enrollee's rows stay in row order on one thread.
 *
 * Rows settle without formatting any message (err NULL): the first failure of each share is
 * settled again, uncommitted, to describe it.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#ifdef MB_WITH_THREADS
#include <pthread.h>
#endif

#include "journal.h"
#include "pipeline.h"

/* A string table entry, checked and hashed once. */
typedef struct text_entry {
    uint64_t hash;
    bool ok;                  /* valid text of a length the field takes */
} text_entry;

typedef struct batch {
    const mb_ruleset *const *chain;
    size_t n;
    mb_enrollee *const *enrollees;
    size_t nenrollees;
    mb_columns c;             /* the caller's, completed to this library's size */
    mb_column_results out;
    bool presettle;
    text_entry *facilities, *diseases, *treatments, *categories;
    int32_t *disease_index;   /* ndiseases x n: each disease's index in each tier's catalogue */
    bool revisions;           /* the chain holds revisions of a line: a row's tiers depend on
                                 its date, so its diseases are looked up per row */
    uint32_t need[32];        /* room a row needs, by med_type % 32 */
    size_t from, to;          /* the enrollees settled */
    uint64_t no_id_key;       /* mb_setl_key("", 0) of the rows without a claim id */
} batch;

/* One thread's share: enrollees [from, to), and its first failure. */
typedef struct share {
    const batch *b;
    size_t from, to;
    bool last;                /* reports rows naming an enrollee beyond the table */
    size_t failed_row;        /* SIZE_MAX: none */
    int failed_rc;
    mb_error err;
} share;

/* ---- the call's arguments ------------------------------------------------------------------ */

/* Copy a versioned struct into `dst` (this library's size, zeroed beyond what the caller's
 * version holds). */
static int versioned(void *dst, size_t ours, const void *src, size_t first, const char *what,
                     mb_error *err)
{
    size_t theirs = *(const size_t *)src;
    if (theirs < first || theirs > ours)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "%s.size is %zu: initialise it with %s_INIT (this library knows %zu to %zu)",
                       what, theirs, what, first, ours);
    memset(dst, 0, ours);
    memcpy(dst, src, theirs);
    return MB_OK;
}

static int check_columns(const mb_columns *c, mb_error *err)
{
    if (c->nrows == 0)
        return MB_OK;
    if (!c->enrollee || !c->date || !c->med_type || !c->level || !c->item_start)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_columns: the enrollee, date, med_type, level and item_start "
                       "columns are required");
    if (c->item_start[0] != 0)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_columns: item_start[0] is %llu, not 0",
                       (unsigned long long)c->item_start[0]);
    for (size_t i = 0; i < c->nrows; i++)
        if (c->item_start[i + 1] < c->item_start[i])
            return mb_fail(err, MB_E_INVALID_ARGUMENT,
                           "mb_settle_columns: item_start[%zu] = %llu is below item_start[%zu] = "
                           "%llu: offsets never decrease", i + 1,
                           (unsigned long long)c->item_start[i + 1], i,
                           (unsigned long long)c->item_start[i]);
    if (c->item_start[c->nrows] > 0 && (!c->item_fen || !c->item_class))
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_columns: rows have items, but item_fen or item_class is NULL");
    if ((c->nfacilities && !c->facilities) || (c->ndiseases && !c->diseases) ||
        (c->ntreatments && !c->treatments) ||
        (c->nfacility_categories && !c->facility_categories))
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_columns: a string table has entries but no array");
    return MB_OK;
}

/* Check and hash a table once; an entry that is not valid text fails only the rows naming it. */
static void hash_table(const char *const *strings, size_t n, size_t cap, text_entry *out)
{
    for (size_t k = 0; k < n; k++) {
        out[k].ok = strings[k] != NULL && mb_claim_text_check(strings[k], cap, "", NULL) == MB_OK;
        out[k].hash = out[k].ok ? mb_hash(strings[k]) : 0;
    }
}

/* What the batch needs of its chain: whether it holds revisions, the room a row needs. */
static void prepare_chain(batch *b)
{
    for (size_t t = 1; t < b->n; t++) /* a well-formed chain repeats a tier only as revisions */
        b->revisions |= b->chain[t]->tier == b->chain[t - 1]->tier;
    for (size_t k = 0; k < MB_MED_TYPE_COUNT; k++)
        b->need[mb_med_types[k] % 32] = mb_chain_new_entries(b->chain, b->n, mb_med_types[k]);
}

static int prepare(batch *b, mb_error *err)
{
    const mb_columns *c = &b->c;
    size_t entries, index, bytes;
    /* counts no array in memory can have are refused, not wrapped into a small block */
    if (__builtin_add_overflow(c->nfacilities, c->ndiseases, &entries) ||
        __builtin_add_overflow(entries, c->ntreatments, &entries) ||
        __builtin_add_overflow(entries, c->nfacility_categories, &entries) ||
        __builtin_mul_overflow(entries, sizeof(text_entry), &bytes) ||
        __builtin_mul_overflow(c->ndiseases, b->n * sizeof(int32_t), &index) ||
        __builtin_add_overflow(bytes, index, &bytes))
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_columns: the string tables' counts (%zu facilities, %zu "
                       "diseases, %zu treatments, %zu facility categories) are past any array",
                       c->nfacilities, c->ndiseases, c->ntreatments, c->nfacility_categories);
    b->no_id_key = mb_setl_key("", 0);
    prepare_chain(b);
    if (bytes == 0) /* no table: nothing to point into (NULL + 0 is no pointer in C) */
        return MB_OK;
    char *block = mb_alloc(bytes);
    if (block == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory for a columnar batch's string tables");
    b->facilities = (text_entry *)block;
    b->diseases = b->facilities + c->nfacilities;
    b->treatments = b->diseases + c->ndiseases;
    b->categories = b->treatments + c->ntreatments;
    b->disease_index = (int32_t *)(b->categories + c->nfacility_categories);
    hash_table(c->facilities, c->nfacilities, MB_ID_MAX, b->facilities);
    hash_table(c->diseases, c->ndiseases, MB_NAME_MAX, b->diseases);
    hash_table(c->treatments, c->ntreatments, MB_NAME_MAX, b->treatments);
    hash_table(c->facility_categories, c->nfacility_categories, MB_ID_MAX, b->categories);
    for (size_t d = 0; d < c->ndiseases; d++)
        for (size_t t = 0; t < b->n; t++)
            b->disease_index[d * b->n + t] = mb_catalogue_lookup(b->chain[t], b->diseases[d].hash);
    return MB_OK;
}

/* ---- one row ------------------------------------------------------------------------------- */

/* A table entry a row names (-1: none), or MB_E_INVALID_ARGUMENT saying why not. Forced
 * inline: a row looks up to five columns up, and LTO called it out of line once the row's code
 * grew (+29 instructions a Wuxi row, +69 with what that did to its caller). */
static inline __attribute__((always_inline)) int
entry_of(const text_entry *table, const char *const *strings, size_t n, int32_t k, size_t cap,
         const char *what, const text_entry **out, mb_error *err)
{
    *out = NULL;
    if (k < 0)
        return MB_OK;
    if ((size_t)k >= n)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "%s %d is beyond the %zu of its table", what,
                       k, n);
    if (!table[k].ok) {
        if (strings[k] == NULL)
            return mb_fail(err, MB_E_INVALID_ARGUMENT, "%s %d of the table is NULL", what, k);
        return mb_claim_text_check(strings[k], cap, what, err);
    }
    *out = &table[k];
    return MB_OK;
}

/* A row's items [from, to) added to its bill. Without first self-pay ratios the checks of
 * mb_bill_add_item fold into one flag over a single pass that sums each class (the partial
 * totals only grow, so the sticky flag sees the first to pass the largest amount); a row that
 * raises it, or carries ratios, is added item by item, which says which item is refused. */
static int add_items(mb_bill *bill, const mb_columns *c, uint64_t from, uint64_t to,
                     mb_error *err)
{
    if (c->item_selfpay_bp == NULL) {
        uint64_t total = 0, of_class[4] = {0, 0, 0, 0};
        bool refused = false;
        for (uint64_t k = from; k < to; k++) {
            uint64_t fen = (uint64_t)c->item_fen[k]; /* a negative one is past the largest */
            uint32_t cls = (uint32_t)c->item_class[k] - MB_CLASS_A;
            total += fen;
            refused |= (fen > (uint64_t)MB_MONEY_MAX) | (cls > MB_CLASS_C - MB_CLASS_A) |
                       (total > (uint64_t)MB_MONEY_MAX);
            of_class[cls & 3] += fen;
        }
        if (!refused) {
            bill->total = (int64_t)total;
            bill->class_c = (int64_t)of_class[MB_CLASS_C - MB_CLASS_A];
            bill->class_b_default = (int64_t)of_class[MB_CLASS_B - MB_CLASS_A];
            bill->nitems = (uint32_t)(to - from); /* as many increments of a uint32_t */
            return MB_OK;
        }
    }
    int rc;
    for (uint64_t k = from; k < to; k++)
        if ((rc = mb_bill_add_item(bill, c->item_fen[k], c->item_class[k],
                                   c->item_selfpay_bp ? c->item_selfpay_bp[k] : -1, err)))
            return rc;
    return MB_OK;
}

/* Row i as a bill, refused as the claim setters would refuse it; `f` the chain it settles under
 * (mb_bill_check). */
static int bill_of(const batch *b, size_t i, const mb_enrollee *e, mb_bill *bill,
                   mb_in_force *f, mb_error *err)
{
    const mb_columns *c = &b->c;
    const text_entry *t;
    int rc;
    /* no settlement key where the journal keeps nothing (mb_commit then plans no id) */
    mb_zero(bill, sizeof *bill);
    bill->id = bill->disease = "";
    bill->setl_key = e->journal.limit ? b->no_id_key : 0;
    if ((rc = mb_bill_start(bill, c->date[i], c->med_type[i], c->level[i], err)))
        return rc;
    if (c->claim_id && c->claim_id[i]) {
        /* the journal keeps the id, and the settlement id derives from it (journal.c); an
         * enrollee whose journal keeps none (limit 0, as compare's) is given no settlement id
         * a caller could see (a row reports amounts, status, covered), so it is not hashed */
        size_t len;
        if ((rc = mb_claim_text_length(c->claim_id[i], MB_ID_MAX, "claim id", &len, err)))
            return rc;
        bill->id = c->claim_id[i];
        bill->id_len = (uint32_t)len;
        bill->setl_key = e->journal.limit ? mb_setl_key(bill->id, len) : 0;
    }
    if (c->facility) {
        if ((rc = entry_of(b->facilities, c->facilities, c->nfacilities, c->facility[i],
                           MB_ID_MAX, "facility", &t, err)))
            return rc;
        bill->facility_hash = t ? t->hash : 0;
    }
    if (c->flags && (rc = mb_bill_set_flags(bill, c->flags[i], err)))
        return rc;
    if (c->disease) {
        if ((rc = entry_of(b->diseases, c->diseases, c->ndiseases, c->disease[i], MB_NAME_MAX,
                           "disease", &t, err)))
            return rc;
        if (t) {
            bill->disease = c->diseases[c->disease[i]];
            bill->disease_hash = t->hash;
            if (!b->revisions)
                bill->diseases = &b->disease_index[(size_t)c->disease[i] * b->n];
        }
    }
    if (c->treatment) {
        if ((rc = entry_of(b->treatments, c->treatments, c->ntreatments, c->treatment[i],
                           MB_NAME_MAX, "treatment", &t, err)))
            return rc;
        bill->treatment_hash = t ? t->hash : 0;
    }
    if (c->facility_category) {
        if ((rc = entry_of(b->categories, c->facility_categories, c->nfacility_categories,
                           c->facility_category[i], MB_ID_MAX, "facility category", &t, err)))
            return rc;
        bill->facility_category_hash = t ? t->hash : 0;
    }
    if (c->admitted && c->discharged && (c->admitted[i] || c->discharged[i]) &&
        (rc = mb_bill_set_admission(bill, c->admitted[i], c->discharged[i], err)))
        return rc;
    if (c->prescriber && c->prescriber[i] >= 0) {
        int level = c->prescriber_level ? c->prescriber_level[i] : 0;
        if ((rc = mb_bill_check_prescriber(level, err)) ||
            (rc = entry_of(b->facilities, c->facilities, c->nfacilities, c->prescriber[i],
                           MB_ID_MAX, "prescriber", &t, err)))
            return rc;
        bill->prescriber_hash = t->hash;
        bill->prescriber_level = level;
    }
    if ((rc = add_items(bill, c, c->item_start[i], c->item_start[i + 1], err)))
        return rc;
    if (c->up_compliant && c->up_compliant[i] != -1 &&
        (rc = mb_bill_set_upstream(bill, c->up_compliant[i], c->up_basic ? c->up_basic[i] : 0,
                                   c->up_critical ? c->up_critical[i] : -1, err)))
        return rc;
    return mb_bill_check(b->chain, b->n, e, bill, f, err);
}

/* Settle row i into `s`: the enrollee changes only when it succeeds and commits. `held` and
 * `f` are the share's, kept from row to row: the certifications of the enrollee settled last,
 * the chain in force on the last row's date. */
static int settle_row(const batch *b, size_t i, mb_settlement *s, mb_held_cache *held,
                      mb_in_force *f, bool commit, mb_error *err)
{
    uint32_t who = b->c.enrollee[i];
    if (who >= b->nenrollees || b->enrollees[who] == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       who >= b->nenrollees ? "enrollee %u is beyond the %zu given"
                                            : "enrollee %u is NULL", who, b->nenrollees);
    mb_enrollee *e = b->enrollees[who];
    mb_bill bill;
    int rc = bill_of(b, i, e, &bill, f, err);
    if (rc != MB_OK)
        return rc;
    /* room for what the row can add, made between settlements (mb_enrollee_reserve_for); its
     * check alone when the room is there, as it is but for a journal or table that grows */
    uint32_t need = b->need[bill.med_type % 32];
    if (!b->presettle && !mb_room_for(e, NULL, need) && (rc = mb_make_room_for(e, NULL, need, err)))
        return rc;
    if ((rc = mb_compute(s, f->eff, f->n, e, NULL, &bill, false, held, err)))
        return rc;
    if (commit)
        return mb_commit(s, e, NULL, &bill, err);
    /* describing a committed row's failure uncommitted: the journal's refusal (a claim settled
     * already) is the commit's, asked for without committing */
    mb_journal_plan plan;
    return err != NULL && !b->presettle ? mb_journal_plan_for(e, NULL, &bill, &plan, err) : MB_OK;
}

static void report_row(const batch *b, size_t i, int rc, const mb_settlement *s)
{
    const mb_column_results *o = &b->out;
    if (o->status)
        o->status[i] = rc;
    if (o->covered)
        o->covered[i] = rc == MB_OK ? s->covered : 0;
    if (o->amounts)
        mb_amounts_row(o->amounts + i * o->stride, o->stride, s, rc == MB_OK);
}

/* Describe the share's first failure: the row settled again, uncommitted, with messages. */
static void describe(share *sh, size_t i, int rc, mb_settlement *s, mb_held_cache *held)
{
    const batch *b = sh->b;
    mb_error why = {0};
    mb_in_force f;
    mb_in_force_none(&f, false);
    int again = settle_row(b, i, s, held, &f, false, &why);
    const char *id = b->c.claim_id ? b->c.claim_id[i] : NULL;
    if (id && mb_claim_text_check(id, MB_ID_MAX, "", NULL) != MB_OK)
        id = "not valid text";
    else if (id && *id == '\0') /* "row 3", not "row 3 (claim )" */
        id = NULL;
    if (again == rc)
        mb_fail(&sh->err, rc, "row %zu%s%s%s: %s", i, id ? " (claim " : "", id ? id : "",
                id ? ")" : "", why.message);
    else
        mb_fail(&sh->err, rc, "row %zu%s%s%s: %s", i, id ? " (claim " : "", id ? id : "",
                id ? ")" : "", mb_status_text(rc));
    sh->err.status = rc;
}

static void settle_share(share *sh)
{
    const batch *b = sh->b;
    const uint32_t *who = b->c.enrollee;
    mb_settlement s; /* a result handle's settlement, on this thread's stack */
    s.trace = NULL; /* a columnar batch keeps no trace */
    s.trace_cap = 0;
    mb_held_cache held[MB_CHAIN_MAX];
    for (size_t t = 0; t < b->n; t++)
        held[t].instance = 0;
    mb_in_force f;
    mb_in_force_none(&f, true);
    for (size_t i = 0; i < b->c.nrows; i++) {
        size_t k = who[i];
        if (k < sh->from || k >= sh->to) {
            if (!(sh->last && k >= b->nenrollees))
                continue;
        }
        int rc = settle_row(b, i, &s, held, &f, !b->presettle, NULL);
        report_row(b, i, rc, &s);
        if (rc != MB_OK && sh->failed_row == SIZE_MAX) {
            sh->failed_row = i;
            sh->failed_rc = rc;
            describe(sh, i, rc, &s, held);
        }
    }
}

/* ---- threads ------------------------------------------------------------------------------- */

/* Whether an enrollee handle appears twice (two threads must never share one). */
static int repeated(mb_enrollee *const *e, size_t n, bool *twice)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    const void **seen = mb_calloc(cap, sizeof *seen);
    if (seen == NULL)
        return MB_E_NOMEM;
    *twice = false;
    for (size_t i = 0; i < n && !*twice; i++) {
        if (e[i] == NULL)
            continue;
        size_t k = (size_t)(((uintptr_t)e[i] >> 4) * UINT64_C(0x9e3779b97f4a7c15) >> 17) & (cap - 1);
        for (; seen[k] != NULL && !*twice; k = (k + 1) & (cap - 1))
            *twice = seen[k] == e[i];
        seen[k] = e[i];
    }
    mb_free(seen);
    return MB_OK;
}

#ifdef MB_WITH_THREADS
static void *run_share(void *arg)
{
    settle_share(arg);
    return NULL;
}
#endif

enum { MOST_THREADS = 64 };

static unsigned threads_for(unsigned asked, size_t enrollees)
{
#ifdef MB_WITH_THREADS
    if (asked == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        asked = cores > 0 ? (unsigned)cores : 1;
    }
    if (asked > MOST_THREADS)
        asked = MOST_THREADS;
    if (asked > enrollees)
        asked = enrollees ? (unsigned)enrollees : 1;
    return asked;
#else
    (void)asked;
    (void)enrollees;
    return 1; /* built without threads: the calling thread settles every row */
#endif
}

/* Share the enrollees [from, to) among `t` threads in equal ranges; the calling thread takes
 * the first and any a thread could not be started for. */
static void settle_shared(const batch *b, share *shares, unsigned t)
{
    size_t span = b->to - b->from;
    for (unsigned k = 0; k < t; k++)
        shares[k] = (share){b, b->from + span * k / t, b->from + span * (k + 1) / t,
                            k == t - 1 && b->to == b->nenrollees, SIZE_MAX, MB_OK, {0}};
#ifdef MB_WITH_THREADS
    pthread_t ids[MOST_THREADS];
    bool started[MOST_THREADS] = {false};
    for (unsigned k = 1; k < t; k++)
        started[k] = pthread_create(&ids[k], NULL, run_share, &shares[k]) == 0;
    settle_share(&shares[0]);
    for (unsigned k = 1; k < t; k++) {
        if (started[k])
            pthread_join(ids[k], NULL);
        else
            settle_share(&shares[k]);
    }
#else
    for (unsigned k = 0; k < t; k++)
        settle_share(&shares[k]);
#endif
}

int mb_settle_columns(const mb_ruleset *const *chain, size_t n, mb_enrollee *const *enrollees,
                      size_t nenrollees, const mb_columns *claims, const mb_column_results *out,
                      const mb_columns_options *options, mb_error *err)
{
    if (claims == NULL || out == NULL || (enrollees == NULL && nenrollees > 0))
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_columns: enrollees, claims and out are required");
    batch b = {.chain = chain, .n = n, .enrollees = enrollees, .nenrollees = nenrollees};
    mb_columns_options opt = MB_COLUMNS_OPTIONS_INIT;
    int rc;
    if ((rc = mb_chain_check(chain, n, err)) ||
        (rc = versioned(&b.c, sizeof b.c, claims, sizeof(mb_columns), "MB_COLUMNS", err)) ||
        (rc = versioned(&b.out, sizeof b.out, out, sizeof(mb_column_results),
                        "MB_COLUMN_RESULTS", err)) ||
        (options && (rc = versioned(&opt, sizeof opt, options, sizeof(mb_columns_options),
                                    "MB_COLUMNS_OPTIONS", err))) ||
        (rc = check_columns(&b.c, err)))
        return rc;
    if (opt.flags & ~MB_BATCH_PRESETTLE)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "unknown batch flags 0x%x", opt.flags);
    b.presettle = opt.flags & MB_BATCH_PRESETTLE;
    b.from = opt.enrollee_from;
    b.to = opt.enrollee_to ? opt.enrollee_to : nenrollees;
    if (b.from > b.to || b.to > nenrollees)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_columns: enrollees %zu to %zu are not a range of the %zu given",
                       b.from, b.to, nenrollees);
    unsigned t = threads_for(opt.threads, b.to - b.from);
    bool twice = false;
    if (t > 1 && repeated(enrollees + b.from, b.to - b.from, &twice) != MB_OK)
        return mb_fail(err, MB_E_NOMEM, "out of memory sharing a columnar batch out");
    if (twice)
        t = 1;
    if ((rc = prepare(&b, err)))
        return rc;
    share shares[MOST_THREADS];
    settle_shared(&b, shares, t);
    mb_free(b.facilities);
    const share *first = NULL;
    for (unsigned k = 0; k < t; k++)
        if (shares[k].failed_row != SIZE_MAX &&
            (first == NULL || shares[k].failed_row < first->failed_row))
            first = &shares[k];
    if (first == NULL)
        return MB_OK;
    if (err)
        *err = first->err;
    return first->failed_rc;
}
