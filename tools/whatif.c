/*
 * The streaming what-if: each chunk of rows the reader gives (read ahead on a thread) is
 * settled twice through mb_settle_columns, once per policy and both at once, each policy with
 * its own enrollee handles (made from the enrollee's first row, journal off: a replay reverses
 * nothing), then summed. Only the enrollees of the chunk in hand are held, so memory does not
 * grow with the file.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h" /* ruleset_cache */
#include "whatif.h"

const int whatif_amount[WHATIF_AMOUNTS] = {
    MB_AMT_MEDFEE_SUMAMT, MB_AMT_INSCP_SCP, MB_AMT_HIFP_PAY, MB_AMT_HIFOB_PAY, MB_AMT_HIFMI_PAY,
    MB_AMT_MAF_PAY, MB_AMT_FUND_PAY_SUMAMT, MB_AMT_ACCT_PAY, MB_AMT_PSN_CASH_PAY, MB_AMT_PSN_PART};

const int64_t whatif_band_floor[WHATIF_BANDS] = {
    0, 1, 100 * 100, 500 * 100, 1000 * 100, 2000 * 100, 5000 * 100, 10000 * 100, 20000 * 100,
    50000 * 100, 100000 * 100};

static const char *const person_names[5] = {"", "in_service", "retired", "veteran", "resident"};

/* An enrollee under both policies while its rows last. */
typedef struct person {
    mb_enrollee *e[2];
    char why[300];           /* why its handles could not be made ("" when they were) */
    uint64_t line;
} person;

/* The enrollee whose rows are being summed. */
typedef struct running {
    bool open;
    char *id;
    int person_type;
    int64_t claims, burden[2];
    uint64_t ordinal;
} running;

typedef struct pending_error {
    uint64_t line;
    size_t order;
    char *message;
} pending_error;

typedef struct run {
    whatif *w;
    pending_error *pending;  /* this chunk's bad rows */
    size_t npending, cap_pending;
    const char *file;
    const mb_ruleset *chain[2][8];
    person *people;          /* this chunk's enrollees */
    size_t cap_people;
    person carried;          /* the last enrollee of the previous chunk */
    bool has_carried;
    running cur;
    uint64_t ordinal;
    int64_t *amounts[2];
    int32_t *status[2];
    int32_t *group_of;       /* the chunk's disease table index -> group */
    size_t cap_group_of;
    mb_error *err;
    mb_error *errs[2];       /* each policy's, for settling at once */
    unsigned threads;        /* settling: 1, one policy after the other; more, both at once */
    bool progress_shown;
    double started, shown_at;
} run;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void clear_progress(run *r)
{
    if (r->progress_shown) {
        fputs("\r\033[K", stderr);
        r->progress_shown = false;
    }
}

static void show_progress(run *r, uint64_t done, uint64_t size)
{
    double t = now();
    if (!r->w->opt.progress || t - r->shown_at < 0.2)
        return;
    r->shown_at = t;
    char part[32] = "";
    if (size > 0)
        snprintf(part, sizeof part, " %3u%%", (unsigned)(done * 100 / size));
    int64_t rows = r->w->errors;
    for (int k = 1; k < 5; k++)
        rows += r->w->person[k].sums.claims;
    double rate = (double)rows / (t - r->started + 1e-9);
    fprintf(stderr, "\r\033[Kmedbenefit compare: %s%s, %lld claims, %.2f M claims/s", r->file,
            part, (long long)rows, rate / 1e6);
    r->progress_shown = true;
}

/* A bad row: kept until its chunk is settled, then said with the chunk's other bad rows in
 * the order of their lines. */
static void add_error(run *r, uint64_t line, const char *message)
{
    if (r->npending == r->cap_pending) {
        size_t cap = r->cap_pending ? 2 * r->cap_pending : 64;
        pending_error *np = realloc(r->pending, cap * sizeof *np);
        if (np == NULL) { /* said now, out of order, rather than not at all */
            clear_progress(r);
            fprintf(stderr, "medbenefit: %s:%llu: %s\n", r->file, (unsigned long long)line,
                    message);
            r->w->errors++;
            return;
        }
        r->pending = np;
        r->cap_pending = cap;
    }
    pending_error *e = &r->pending[r->npending];
    if ((e->message = strdup(message)) == NULL)
        e->message = (char *)"out of memory for the message";
    e->line = line;
    e->order = r->npending++;
}

static int by_line(const void *a, const void *b)
{
    const pending_error *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void say_errors(run *r)
{
    whatif *w = r->w;
    if (r->npending == 0)
        return;
    qsort(r->pending, r->npending, sizeof *r->pending, by_line);
    clear_progress(r);
    for (size_t i = 0; i < r->npending; i++) {
        pending_error *p = &r->pending[i];
        fprintf(stderr, "medbenefit: %s:%llu: %s\n", r->file, (unsigned long long)p->line,
                p->message);
        w->errors++;
        if (w->nerrors_kept < WHATIF_ERRORS_KEPT) {
            whatif_error *e = &w->errors_kept[w->nerrors_kept++];
            e->file = strdup(r->file);
            e->message = strdup(p->message);
            e->line = p->line;
        }
        if (strcmp(p->message, "out of memory for the message") != 0)
            free(p->message);
    }
    r->npending = 0;
}

static void add(int64_t *sum, int64_t v, whatif *w)
{
    if (__builtin_add_overflow(*sum, v, sum))
        w->overflow = true;
}

/* ---- enrollees -------------------------------------------------------------------------- */

static void person_free(person *p)
{
    mb_enrollee_free(p->e[0]);
    mb_enrollee_free(p->e[1]);
    *p = (person){0};
}

/* One policy's handle for `ce`, as its first row describes it; NULL with why. */
static mb_enrollee *make_enrollee(const claims_enrollee *ce, const mb_ruleset *const *chain,
                                  size_t n, mb_error *err, char *why, size_t cap)
{
    mb_enrollee *e = NULL;
    int rc = mb_enrollee_new(&e, ce->id, ce->scheme, ce->person_type, err);
    if (rc == MB_OK)
        rc = mb_enrollee_set_journal_limit(e, 0, err);
    if (rc == MB_OK && ce->has_account)
        rc = mb_enrollee_set_account_balance(e, ce->account_fen, err);
    if (rc == MB_OK && ce->designated_facility)
        rc = mb_enrollee_set_designated_facility(e, ce->designated_facility, err);
    for (unsigned k = 0; rc == MB_OK && k < ce->ndiseases; k++)
        rc = mb_enrollee_add_disease(e, ce->disease[k], ce->certified_on[k], 0, err);
    for (unsigned k = 0; rc == MB_OK && k < ce->nassistance; k++)
        rc = mb_enrollee_add_assistance(e, ce->assistance[k], ce->assistance_from[k], 0, err);
    if (rc == MB_OK && ce->birth_date)
        rc = mb_enrollee_set_birth_date(e, ce->birth_date, err);
    if (rc == MB_OK)
        rc = mb_enrollee_reserve_for(e, chain, n, err);
    if (rc != MB_OK) {
        snprintf(why, cap, "%s", mb_error_message(err));
        mb_enrollee_free(e);
        return NULL;
    }
    return e;
}

static void make_person(run *r, const claims_enrollee *ce, person *p)
{
    *p = (person){.line = ce->line};
    for (int k = 0; k < 2 && p->why[0] == '\0'; k++)
        p->e[k] = make_enrollee(ce, r->chain[k], r->w->opt.chain_len, r->err, p->why,
                                sizeof p->why);
    if (p->why[0] != '\0') {
        char why[sizeof p->why];
        memcpy(why, p->why, sizeof why);
        uint64_t line = p->line;
        person_free(p);
        p->line = line;
        memcpy(p->why, why, sizeof why);
    }
}

/* ---- summing -------------------------------------------------------------------------------- */

static void sums_add(whatif_sums *s, const int64_t *a, const int64_t *b, bool changed, whatif *w)
{
    add(&s->claims, 1, w);
    add(&s->changed, changed, w);
    for (int k = 0; k < WHATIF_AMOUNTS; k++) {
        add(&s->amount[0][k], a[whatif_amount[k]], w);
        add(&s->amount[1][k], b[whatif_amount[k]], w);
    }
}

/* The totals are the person types' sums added up (each row is of one person type): a row is
 * summed twice, not three times. The amounts are never negative, so the total passes int64 if
 * and only if a sum on the way to it would. */
static void sums_merge(whatif_sums *into, const whatif_sums *s, whatif *w)
{
    add(&into->claims, s->claims, w);
    add(&into->changed, s->changed, w);
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < WHATIF_AMOUNTS; k++)
            add(&into->amount[p][k], s->amount[p][k], w);
}

static int band_of(int64_t burden)
{
    int k = WHATIF_BANDS - 1;
    while (k > 0 && burden < whatif_band_floor[k])
        k--;
    return k;
}

static int64_t change_of(const whatif_mover *m)
{
    int64_t d = m->burden[1] - m->burden[0];
    return d < 0 ? -d : d;
}

/* Whether a moves more than b: the larger change, then the earlier in the input. */
static bool moves_more(const whatif_mover *a, const whatif_mover *b)
{
    int64_t ca = change_of(a), cb = change_of(b);
    return ca != cb ? ca > cb : a->ordinal < b->ordinal;
}

/* The movers are a heap whose root moves least, so that a new one replaces it. */
static void sift_down(whatif_mover *h, size_t n, size_t i)
{
    for (;;) {
        size_t least = i, l = 2 * i + 1, rr = l + 1;
        if (l < n && moves_more(&h[least], &h[l]))
            least = l;
        if (rr < n && moves_more(&h[least], &h[rr]))
            least = rr;
        if (least == i)
            return;
        whatif_mover t = h[i];
        h[i] = h[least];
        h[least] = t;
        i = least;
    }
}

static void offer_mover(whatif *w, const running *c)
{
    size_t cap = w->opt.top;
    whatif_mover m = {NULL, c->claims, {c->burden[0], c->burden[1]}, c->ordinal};
    if (cap == 0 || m.burden[0] == m.burden[1])
        return;
    if (w->ntop < cap) {
        if ((m.id = strdup(c->id)) == NULL)
            return;
        size_t i = w->ntop++;
        w->top[i] = m;
        while (i > 0 && moves_more(&w->top[(i - 1) / 2], &w->top[i])) {
            whatif_mover t = w->top[i];
            w->top[i] = w->top[(i - 1) / 2];
            w->top[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
    } else if (moves_more(&m, &w->top[0])) {
        char *id = strdup(c->id);
        if (id == NULL)
            return;
        free(w->top[0].id);
        m.id = id;
        w->top[0] = m;
        sift_down(w->top, w->ntop, 0);
    }
}

/* The enrollee's rows are over: its year's burden into the bands and the movers. */
static void close_running(run *r)
{
    running *c = &r->cur;
    whatif *w = r->w;
    if (c->open && c->claims > 0) {
        w->enrollees++;
        w->band[0][band_of(c->burden[0])]++;
        w->band[1][band_of(c->burden[1])]++;
        offer_mover(w, c);
    }
    free(c->id);
    *c = (running){0};
}

static int open_running(run *r, const claims_enrollee *ce)
{
    close_running(r);
    r->cur = (running){.open = true, .id = strdup(ce->id), .person_type = ce->person_type,
                       .ordinal = r->ordinal++};
    if (r->cur.person_type == 0)
        r->cur.person_type = MB_PERSON_RESIDENT;
    return r->cur.id ? 0 : -1;
}

/* The group of a disease as a row names it (a code or a name): the catalogue's "code name"
 * when the chain's first ruleset lists it, else the text as given. */
static int32_t disease_group(run *r, const char *text)
{
    whatif *w = r->w;
    char name[300];
    size_t index;
    const char *code, *dname, *group;
    snprintf(name, sizeof name, "%s", text);
    for (size_t k = 0; k < w->opt.chain_len; k++)
        if (mb_ruleset_find_disease(r->chain[0][k], text, &index, r->err) == MB_OK &&
            mb_ruleset_disease(r->chain[0][k], index, &code, &dname, &group) == MB_OK) {
            snprintf(name, sizeof name, "%s %s", code, dname);
            break;
        }
    for (size_t g = 1; g < w->ndiseases; g++)
        if (strcmp(w->diseases[g].name, name) == 0)
            return (int32_t)g;
    whatif_group *ng = realloc(w->diseases, (w->ndiseases + 1) * sizeof *ng);
    if (ng == NULL)
        return 0;
    w->diseases = ng;
    ng[w->ndiseases] = (whatif_group){strdup(name), {0}};
    if (ng[w->ndiseases].name == NULL)
        return 0;
    return (int32_t)w->ndiseases++;
}

/* Why row i failed under policy k, for its message. */
static void row_failure(run *r, const claims_chunk *ch, size_t i, int k, int status,
                        const char *first_failure, char *why, size_t cap)
{
    const char *policy = r->w->opt.dir[k];
    const char *msg = mb_status_text(status);
    char head[32];
    snprintf(head, sizeof head, "row %zu ", i);
    if (first_failure && strncmp(first_failure, head, strlen(head)) == 0) {
        const char *rest = strstr(first_failure, "): ");
        msg = rest ? rest + 3 : first_failure;
    }
    int d = ch->columns.disease[i];
    if (status == MB_E_UNKNOWN_CODE && d >= 0 && msg == mb_status_text(status))
        snprintf(why, cap, "not settled under %s: disease '%.80s': %s", policy,
                 ch->columns.diseases[d], msg);
    else
        snprintf(why, cap, "not settled under %s: %s: %s", policy, mb_status_name(status), msg);
}

/* The chunk's enrollees under both policies, into r->people and handles[k]: the first may
 * continue the previous chunk's last, whose handles were kept. */
static int people_of(run *r, const claims_chunk *ch, mb_enrollee **handles[2])
{
    size_t ne = ch->nenrollees;
    if (ne > r->cap_people) {
        person *np = realloc(r->people, ne * sizeof *np);
        if (np == NULL)
            return -1;
        r->people = np;
        r->cap_people = ne;
    }
    for (int k = 0; k < 2; k++)
        if ((handles[k] = malloc((ne + 1) * sizeof *handles[k])) == NULL)
            return -1;
    for (size_t j = 0; j < ne; j++) {
        if (j == 0 && ch->enrollees[0].continued && r->has_carried) {
            r->people[0] = r->carried;
            r->has_carried = false;
        } else {
            make_person(r, &ch->enrollees[j], &r->people[j]);
        }
        handles[0][j] = r->people[j].e[0];
        handles[1][j] = r->people[j].e[1];
    }
    if (r->has_carried) {
        person_free(&r->carried);
        r->has_carried = false;
    }
    return 0;
}

/* Row i of the chunk, of person p, into the figures, or said as refused. */
static void sum_row(run *r, const claims_chunk *ch, size_t i, const person *p,
                    char first_failure[2][600])
{
    whatif *w = r->w;
    char why[800];
    int sa = r->status[0][i], sb = r->status[1][i];
    if (p->why[0] != '\0') { /* its first row said who it is, but not one the library takes */
        if (p->line == ch->line[i])
            snprintf(why, sizeof why, "enrollee: %s", p->why);
        else
            snprintf(why, sizeof why, "enrollee '%.60s' is not settled: line %llu: %s", r->cur.id,
                     (unsigned long long)p->line, p->why);
        add_error(r, ch->line[i], why);
        return;
    }
    if (sa != MB_OK || sb != MB_OK) {
        int k = sa != MB_OK ? 0 : 1;
        row_failure(r, ch, i, k, k ? sb : sa, first_failure[k], why, sizeof why);
        add_error(r, ch->line[i], why);
        return;
    }
    const int64_t *a = r->amounts[0] + i * MB_AMT_COUNT_;
    const int64_t *b = r->amounts[1] + i * MB_AMT_COUNT_;
    bool changed = memcmp(a, b, MB_AMT_COUNT_ * sizeof *a) != 0;
    int d = ch->columns.disease[i];
    sums_add(&w->person[r->cur.person_type].sums, a, b, changed, w);
    sums_add(&w->diseases[d >= 0 ? r->group_of[d] : 0].sums, a, b, changed, w);
    r->cur.claims++;
    add(&r->cur.burden[0], a[MB_AMT_PSN_PART], w);
    add(&r->cur.burden[1], b[MB_AMT_PSN_PART], w);
}

/* One policy's settlement of a chunk: its own handles, results and error, so that the two
 * policies may settle at once on two threads (a ruleset is shared read-only). */
typedef struct policy_job {
    const mb_ruleset *const *chain;
    size_t chain_len;
    mb_enrollee *const *handles;
    const claims_chunk *chunk;
    int64_t *amounts;
    int32_t *status;
    unsigned threads;           /* for mb_settle_columns */
    mb_error *err;
    char first_failure[600];    /* the first failed row's message ("" when every row settled) */
} policy_job;

static void *settle_policy(void *arg)
{
    policy_job *j = arg;
    mb_column_results out = MB_COLUMN_RESULTS_INIT;
    out.amounts = j->amounts;
    out.stride = MB_AMT_COUNT_;
    out.status = j->status;
    mb_columns_options o = MB_COLUMNS_OPTIONS_INIT;
    o.threads = j->threads;
    j->first_failure[0] = '\0';
    if (mb_settle_columns(j->chain, j->chain_len, j->handles, j->chunk->nenrollees,
                          &j->chunk->columns, &out, &o, j->err) != MB_OK)
        snprintf(j->first_failure, sizeof j->first_failure, "%s", mb_error_message(j->err));
    return NULL;
}

/* Both policies over the chunk: with two threads or more, the proposed one on a thread of its
 * own while this one settles the current; each policy's rows are settled in row order, so the
 * figures are the same whatever the threads. */
static void settle_policies(run *r, const claims_chunk *ch, mb_enrollee **handles[2],
                            char first_failure[2][600])
{
    unsigned t = r->threads;
    policy_job job[2];
    for (int k = 0; k < 2; k++)
        job[k] = (policy_job){r->chain[k], r->w->opt.chain_len, handles[k], ch, r->amounts[k],
                              r->status[k], t > 1 ? (k == 0 ? t / 2 : t - t / 2) : 1,
                              r->errs[k], ""};
    pthread_t other;
    bool apart = t > 1 && pthread_create(&other, NULL, settle_policy, &job[1]) == 0;
    settle_policy(&job[0]);
    if (apart)
        pthread_join(other, NULL);
    else
        settle_policy(&job[1]);
    for (int k = 0; k < 2; k++)
        memcpy(first_failure[k], job[k].first_failure, sizeof job[k].first_failure);
}

static int settle_chunk(run *r, const claims_chunk *ch)
{
    const mb_columns *cols = &ch->columns;
    for (size_t i = 0; i < ch->nbad; i++)
        add_error(r, ch->bad[i].line, ch->bad[i].message);
    mb_enrollee **handles[2] = {NULL, NULL};
    int rc = people_of(r, ch, handles);
    /* each policy over the whole chunk; the first failure's message names its row */
    char first_failure[2][600] = {"", ""};
    if (rc == 0)
        settle_policies(r, ch, handles, first_failure);
    free(handles[0]);
    free(handles[1]);
    if (rc == 0 && cols->ndiseases > r->cap_group_of) {
        int32_t *g = realloc(r->group_of, cols->ndiseases * sizeof *g);
        if (g == NULL)
            return -1;
        r->group_of = g;
        r->cap_group_of = cols->ndiseases;
    }
    for (size_t d = 0; rc == 0 && d < cols->ndiseases; d++)
        r->group_of[d] = disease_group(r, cols->diseases[d]);
    size_t i = 0;
    for (size_t j = 0; rc == 0 && j < ch->nenrollees; j++) {
        if (!ch->enrollees[j].continued && open_running(r, &ch->enrollees[j]) < 0)
            return -1;
        for (; i < cols->nrows && cols->enrollee[i] == j; i++)
            sum_row(r, ch, i, &r->people[j], first_failure);
    }
    /* keep the last enrollee's handles: its rows may go on in the next chunk */
    for (size_t j = 0; rc == 0 && j < ch->nenrollees; j++) {
        if (j + 1 == ch->nenrollees) {
            r->carried = r->people[j];
            r->has_carried = true;
        } else {
            person_free(&r->people[j]);
        }
    }
    return rc;
}

/* ---- reading ahead ---------------------------------------------------------------------------- */

/* A thread reads the next chunk while this one settles the last: the reader keeps a chunk whole
 * until the call after the next (claims_next), so one chunk waits in `slot` while the next is
 * read, and the thread reads no further until the chunk settled is done with. */
typedef struct feed {
    claims_reader *rd;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool full, stop;       /* a chunk in the slot, not done with yet; the run is ending */
    int got;               /* claims_next's answer for the slot */
    claims_chunk slot;
    uint64_t bytes;        /* read when the slot's chunk was */
    char msg[1024];
} feed;

static void *feed_main(void *arg)
{
    feed *f = arg;
    for (;;) {
        claims_chunk ch;
        char msg[sizeof f->msg];
        int got = claims_next(f->rd, &ch, msg, sizeof msg);
        uint64_t bytes = claims_bytes_read(f->rd);
        pthread_mutex_lock(&f->mu);
        while (f->full && !f->stop)
            pthread_cond_wait(&f->cv, &f->mu);
        bool stop = f->stop;
        if (!stop) {
            f->slot = ch;
            f->got = got;
            f->bytes = bytes;
            memcpy(f->msg, msg, sizeof msg);
            f->full = true;
            pthread_cond_broadcast(&f->cv);
        }
        pthread_mutex_unlock(&f->mu);
        if (stop || got <= 0)
            return NULL;
    }
}

static int start_feed(feed *f)
{
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    f->started = pthread_create(&f->thread, NULL, feed_main, f) == 0;
    return f->started ? 0 : -1;
}

/* The next chunk, as claims_next answers. */
static int next_chunk(feed *f, claims_chunk *ch, uint64_t *bytes, char *msg, size_t cap)
{
    pthread_mutex_lock(&f->mu);
    while (!f->full)
        pthread_cond_wait(&f->cv, &f->mu);
    int got = f->got;
    *ch = f->slot;
    *bytes = f->bytes;
    if (got < 0)
        snprintf(msg, cap, "%s", f->msg);
    pthread_mutex_unlock(&f->mu);
    return got;
}

static void chunk_done(feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->full = false;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static void stop_feed(feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    if (f->started)
        pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
}

int whatif_run(whatif *w, const whatif_options *opt, const char *const *files, size_t nfiles)
{
    *w = (whatif){.opt = *opt, .files = files, .nfiles = nfiles};
    for (int k = 1; k < 5; k++)
        w->person[k].name = strdup(person_names[k]);
    w->diseases = calloc(1, sizeof *w->diseases);
    if (w->diseases)
        w->diseases[0].name = strdup("(none)");
    w->ndiseases = 1;
    w->top = calloc(opt->top + 1, sizeof *w->top);
    run r = {.w = w, .err = mb_error_new(), .errs = {mb_error_new(), mb_error_new()},
             .threads = opt->threads, .started = now()};
    if (r.threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        r.threads = cores > 0 ? (unsigned)cores : 1;
    }
    ruleset_cache *cache[2] = {cache_new(opt->dir[0]), cache_new(opt->dir[1])};
    int status = 0;
    if (opt->chain_len == 0 || opt->chain_len > 8) {
        fprintf(stderr, "medbenefit: --chain names 1 to 8 rulesets\n");
        status = 2;
    }
    for (int k = 0; k < 2; k++) {
        r.amounts[k] = malloc((size_t)CLAIMS_CHUNK_ROWS * MB_AMT_COUNT_ * sizeof *r.amounts[k]);
        r.status[k] = malloc((size_t)CLAIMS_CHUNK_ROWS * sizeof *r.status[k]);
        if (!r.amounts[k] || !r.status[k] || !cache[k])
            status = 2;
    }
    if (!w->diseases || !w->top || !r.err || !r.errs[0] || !r.errs[1])
        status = 2;
    for (int k = 0; status == 0 && k < 2; k++)
        for (size_t j = 0; j < opt->chain_len; j++)
            if ((r.chain[k][j] = cache_get(cache[k], opt->chain[j], r.err)) == NULL) {
                fprintf(stderr, "medbenefit: %s: ruleset %s: %s\n", opt->dir[k], opt->chain[j],
                        mb_error_message(r.err));
                status = 2;
                break;
            }
    enrollee_set *seen = enrollee_set_new();
    for (size_t f = 0; status == 0 && f < nfiles; f++) {
        char msg[1024];
        r.file = files[f];
        claims_reader *rd = claims_open(files[f], opt->format, opt->unit, msg, sizeof msg);
        if (rd == NULL || seen == NULL) {
            clear_progress(&r);
            fprintf(stderr, "medbenefit: %s\n", rd ? "out of memory" : msg);
            claims_close(rd);
            status = 2;
            break;
        }
        claims_share_enrollees(rd, seen);
        feed fd = {.rd = rd};
        int got = start_feed(&fd);
        if (got < 0)
            snprintf(msg, sizeof msg, "%s: cannot start a thread", files[f]);
        claims_chunk ch;
        uint64_t done;
        while (got == 0 && (got = next_chunk(&fd, &ch, &done, msg, sizeof msg)) > 0) {
            got = settle_chunk(&r, &ch);
            chunk_done(&fd);
            if (got < 0) {
                snprintf(msg, sizeof msg, "%s: out of memory", files[f]);
                break;
            }
            say_errors(&r);
            show_progress(&r, done, claims_file_size(rd));
        }
        stop_feed(&fd);
        say_errors(&r); /* those of the rows after the last chunk's */
        if (got < 0) {
            clear_progress(&r);
            fprintf(stderr, "medbenefit: %s\n", msg);
            status = 2;
        }
        close_running(&r); /* an enrollee's rows end with its file */
        if (r.has_carried)
            person_free(&r.carried), r.has_carried = false;
        claims_close(rd);
    }
    clear_progress(&r);
    close_running(&r);
    enrollee_set_free(seen);
    free(r.pending);
    free(r.people);
    free(r.group_of);
    for (int k = 0; k < 2; k++) {
        free(r.amounts[k]);
        free(r.status[k]);
        cache_free(cache[k]);
    }
    mb_error_free(r.err);
    mb_error_free(r.errs[0]);
    mb_error_free(r.errs[1]);
    /* the movers, largest change first */
    for (size_t n = w->ntop; n > 1; n--) {
        whatif_mover t = w->top[0];
        w->top[0] = w->top[n - 1];
        w->top[n - 1] = t;
        sift_down(w->top, n - 1, 0);
    }
    w->seconds = now() - r.started;
    for (int k = 1; k < 5; k++)
        sums_merge(&w->total, &w->person[k].sums, w);
    w->rows = w->total.claims + w->errors;
    if (w->overflow) {
        fprintf(stderr, "medbenefit: a total passes 2^63 fen: the figures cannot be given\n");
        return 2;
    }
    return status ? status : w->errors ? 1 : 0;
}

void whatif_free(whatif *w)
{
    for (int k = 0; k < 5; k++)
        free(w->person[k].name);
    for (size_t g = 0; g < w->ndiseases; g++)
        free(w->diseases[g].name);
    free(w->diseases);
    for (size_t i = 0; i < w->ntop; i++)
        free(w->top[i].id);
    free(w->top);
    for (size_t i = 0; i < w->nerrors_kept; i++) {
        free(w->errors_kept[i].file);
        free(w->errors_kept[i].message);
    }
}
