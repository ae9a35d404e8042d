/* The layouts behind the opaque enrollee, claim and result handles. */
#ifndef MB_HANDLES_H
#define MB_HANDLES_H

#include "internal.h"
#include "held.h"

#define MB_ID_MAX 64
#define MB_NAME_MAX 128
#define MB_MAX_IDENTITIES 16
#define MB_MAX_FUNDS 12
#define MB_MAX_TRACE 96       /* trace steps a result holds without a block of its own */
#define MB_MAX_DELTAS 64
#define MB_CHAIN_MAX 8
#define MB_ACC_FRESH 8       /* the accumulator slots an enrollee starts with: room for 7 */
#define MB_JOURNAL_DEFAULT 32  /* settlements kept for reversal: docs/reversal.md says why */
#define MB_JOURNAL_MAX 4096
#define MB_SETL_TEXT 17        /* a settlement id: 16 hex digits and a NUL */

/* ---- enrollee ----------------------------------------------------------------------------- */

typedef struct mb_certification {
    const char *name;       /* as given: a code or a name (in the enrollee's text) */
    uint64_t hash;
    int32_t certified_on;
    int32_t valid_until;    /* 0: the catalogue's own rule */
} mb_certification;

/* An identity: one of the built-in assistance categories, or (category -1) a name a ruleset's
 * groups know (返贫致贫人口, a psn_idet_type code…). Rulesets match it by the hash of its name. */
typedef struct mb_identity {
    int category;
    uint64_t hash;
    int32_t from, to;       /* to 0: still held */
    const char *name;       /* kept in the enrollee's text; category -1: as given */
} mb_identity;

/* One accumulator: a key (hash of ruleset id and name), a period, a value. key 0: empty. */
typedef struct mb_acc {
    uint64_t key;
    int32_t period;
    int64_t value;
} mb_acc;

/* ---- the journal (journal.c): the settlements kept for reversal ---------------------------- */

/* How a settlement changed one accumulator (op: mb_change_kind). A sum (a year's paid, a base)
 * is reversed by taking away what it added; a value that only rises (a date at period 0, a
 * benefit-kind flag) is recomputed as the largest of what the other settlements raised it to
 * and what it was before the journal's first one (`before` of the earliest entry that touches
 * it). */

typedef struct mb_change {
    uint64_t key;
    int64_t value;          /* ADD: the amount added (> 0); RAISE: the value raised to */
    int64_t before;         /* RAISE: the largest value before it among the earlier entries */
    int32_t period;
    int32_t op;             /* MB_CHANGE_ADDED or MB_CHANGE_RAISED */
} mb_change;

typedef struct mb_entry {
    uint64_t setl;          /* the settlement id, as a number (mb_setl_format) */
    uint64_t serial;        /* in memory only: the result handle that settled it holds it too */
    int64_t account;        /* taken from this enrollee's own account */
    int64_t family;         /* MB_JOURNAL_PATIENT: taken from the payer's account */
    mb_change *changes;     /* its block of the journal's `stride` changes, which moves with it */
    uint32_t nchanges;
    int32_t date;           /* the claim's date */
    uint16_t ordinal;       /* claims without an id: 1, 2, ... (0 for a claim with one) */
    uint8_t role;           /* mb_journal_family: its own, or one side of a family settlement */
    char claim_id[MB_ID_MAX];
    char other[MB_ID_MAX];  /* the payer (MB_JOURNAL_PATIENT) or the patient (MB_JOURNAL_PAYER) */
    char setl_text[MB_SETL_TEXT]; /* formatted when listed */
} mb_entry;

/* A ring of `cap` places (at most `limit`), oldest at `head`, grown with what it holds: room is
 * made before a settlement (journal.c), never while it is recorded. One allocation holds the
 * ring, the index and a block of `stride` changes for each place (entries move with their
 * block). `index` finds a place by its settlement id, the look-up every settlement makes: open
 * addressing over `index_mask + 1` slots, each a place + 1 (0: empty) and a tag of the id
 * (journal.c). */
typedef struct mb_journal {
    mb_entry *ring;
    uint32_t *index;
    uint32_t limit, cap, head, count, index_mask, stride;
    uint64_t serials;
} mb_journal;

/* The enrollee's strings live in blocks that never move: a string replaced keeps its bytes
 * until the handle is freed, so a pointer returned earlier stays valid (medbenefit.h: strings
 * returned live as long as their handle). */
typedef struct mb_text {
    struct mb_text *next;
    uint32_t used, cap;
    char data[];
} mb_text;

/* Sized to what it holds: a typical enrollee (an id, a facility, two certifications, a year of
 * accumulators) takes under 512 bytes with its text, certifications and table. */
struct mb_enrollee {
    const char *id;                     /* "" when none was given */
    const char *designated, *first_visit;
    const char *next_designated;        /* a change requested in the window, from next_from */
    mb_text *text;
    uint64_t tag;           /* hash of the id: ties results to their enrollee */
    uint64_t instance;      /* distinguishes handles that share an id */
    int64_t balance;
    uint64_t designated_hash, first_visit_hash, next_designated_hash;
    int32_t next_from;
    int32_t birth_date;     /* YYYYMMDD, 0: not given */
    uint8_t scheme, person_type;
    uint8_t ndiseases, cap_diseases, nidentities, cap_identities;
    uint64_t certs_gen;     /* moves with every change of the certifications: what is worked
                               out from them is kept under (instance, certs_gen); 64 bits, so
                               that it never comes round to a value a cache holds */
    mb_certification *diseases;
    mb_identity *identities;
    mb_acc *acc;            /* open addressing, capacity a power of two */
    uint32_t acc_cap, acc_count;
    mb_journal journal;     /* the settlements that can be reversed */
    uint64_t setl_key;      /* mb_setl_key(id): its settlement ids derive from it */
};

/* A copy of `s` in the enrollee's text, or NULL when out of memory ("" needs none). */
const char *mb_enrollee_keep(mb_enrollee *e, const char *s);
/* Check a text field as the setters do: shorter than `cap` bytes, valid UTF-8 (NULL: empty);
 * and copy one so checked into a buffer of `cap` bytes. */
int mb_text_check(const char *src, size_t cap, const char *what, mb_error *err);
int mb_text_copy(char *dst, size_t cap, const char *src, const char *what, mb_error *err);
/* Set the designated facility requested in the window, in force from `from` (NULL, 0: none). */
int mb_enrollee_set_next_designated(mb_enrollee *e, const char *facility, int32_t from,
                                    mb_error *err);

/* The table is open-addressed, its capacity a power of two; a probe ends at the key or at an
 * empty slot. Inline: settlement reads it a few times per claim. */
static inline uint32_t mb_acc_home(uint64_t key, int32_t period, uint32_t cap)
{
    uint64_t h = key ^ ((uint64_t)(uint32_t)period * UINT64_C(0x9e3779b97f4a7c15));
    h ^= h >> 29;
    return (uint32_t)h & (cap - 1);
}
/* The slot holding a key and period, or the empty slot where it would go. */
static inline mb_acc *mb_acc_slot(const mb_enrollee *e, uint64_t key, int32_t period)
{
    uint32_t mask = e->acc_cap - 1;
    for (uint32_t i = mb_acc_home(key, period, e->acc_cap);; i = (i + 1) & mask) {
        mb_acc *a = &e->acc[i];
        if (a->key == 0 || (a->key == key && a->period == period))
            return a;
    }
}
/* The entry for a key and period, or NULL when the table holds none. */
static inline const mb_acc *mb_acc_find(const mb_enrollee *e, uint64_t key, int32_t period)
{
    const mb_acc *a = mb_acc_slot(e, key, period);
    return a->key ? a : NULL;
}
static inline int64_t mb_acc_get(const mb_enrollee *e, uint64_t key, int32_t period)
{
    const mb_acc *a = mb_acc_slot(e, key, period);
    return a->key ? a->value : 0;
}
/* Set a value; the caller has checked there is room (mb_acc_room). */
void mb_acc_set(mb_enrollee *e, uint64_t key, int32_t period, int64_t value);
/* Whether `extra` new keys fit within the load factor. */
bool mb_acc_room(const mb_enrollee *e, uint32_t extra);
/* Make room for `extra` new keys beyond those held (MB_E_NOMEM, nothing changed, if it
 * cannot). */
int mb_acc_make_room(mb_enrollee *e, uint32_t extra, mb_error *err);
bool mb_acc_exists(const mb_enrollee *e, uint64_t key, int32_t period);
/* Whether the designated facility requested in the change window is in force on `date`. */
static inline bool mb_next_designated_in_force(const mb_enrollee *e, int32_t date)
{
    return e->next_designated_hash != 0 && date >= e->next_from;
}
/* Add an identity: category >= 0 one of the built-in categories (`name` its name), -1 a name a
 * ruleset's groups know; the dates checked as mb_enrollee_add_assistance checks them. */
int mb_identity_add(mb_enrollee *e, int category, const char *name, int32_t from, int32_t to,
                    mb_error *err);
/* Remove an entry, so that a reversal gives back the room a settlement took. */
void mb_acc_remove(mb_enrollee *e, uint64_t key, int32_t period);

/* Checks the setters make, shared with mb_enrollee_restore so that a blob is held to the same
 * rules (enrollee.c, accumulators.c). */
/* An accumulator's period: a year (2023) or a quarter (20232). */
int mb_acc_check_period(int32_t period, mb_error *err);
/* What an accumulator may hold: for a year or a quarter an amount (mb_amount_check); at period
 * 0 a date (the last activity and a lapse, kept by settlement for revocation). */
int mb_acc_check(int32_t period, int64_t value, mb_error *err);

/* ---- claim -------------------------------------------------------------------------------- */

/* What settlement reads of a claim: its facts, strings hashed and amounts summed. A claim
 * handle holds one; a columnar batch builds one per row (columns.c). */
typedef struct mb_bill {
    const char *id;            /* as given ("" when none): messages and the journal */
    uint32_t id_len;           /* strlen(id), measured once */
    uint64_t setl_key;         /* mb_setl_key(id, id_len): its settlement ids derive from it;
                                  0: it gets none (a columnar row, the journal keeping nothing) */
    const char *disease;       /* the disease as given, for messages */
    int32_t date;
    int med_type;
    int level;
    uint64_t facility_category_hash; /* 社区卫生服务机构, 一类…, as a ruleset names them */
    unsigned flags;
    uint64_t facility_hash, disease_hash, treatment_hash, prescriber_hash;
    /* the disease's catalogue index at each position of the chain, resolved once for a
     * batch (-1: not in that catalogue); NULL: found by disease_hash */
    const int32_t *diseases;
    int prescriber_level;
    int32_t admitted, discharged;
    /* line items, summed as they are added */
    uint32_t nitems;
    int64_t total, class_c, class_b_default, class_b_explicit, class_b_explicit_pre;
    bool has_upstream;
    int64_t up_compliant, up_basic, up_critical; /* up_critical -1: not settled upstream */
    int64_t up_assistance;       /* 民政救助 and other assistance paid upstream (0: none) */
} mb_bill;

/* How messages name a claim: its id, or "(no id)" for one given none. */
static inline const char *mb_bill_name(const mb_bill *b) { return b->id[0] ? b->id : "(no id)"; }

/* The checks and sums of the claim setters (claim.c), on a bill: a columnar row is built with
 * the same calls, so that it is refused, and summed, exactly as a claim handle would be. */
int mb_bill_start(mb_bill *b, int32_t date, int med_type, int level, mb_error *err);
int mb_bill_set_flags(mb_bill *b, unsigned flags, mb_error *err);
int mb_bill_set_admission(mb_bill *b, int32_t admitted, int32_t discharged, mb_error *err);
int mb_bill_check_prescriber(int level, mb_error *err);
/* Why an item is refused, in the order the checks are made (MB_OK: it is not). */
int mb_bill_item_refused(const mb_bill *b, int64_t fen, int item_class, int first_selfpay_bp,
                         mb_error *err);
/* Add a line item to the sums. Inline: a batch adds a few per row. */
static inline int mb_bill_add_item(mb_bill *b, int64_t fen, int item_class, int first_selfpay_bp,
                                   mb_error *err)
{
    int64_t total;
    if (fen < 0 || fen > MB_MONEY_MAX || item_class < MB_CLASS_A || item_class > MB_CLASS_C ||
        first_selfpay_bp < -1 || first_selfpay_bp > MB_BP_ONE ||
        (first_selfpay_bp >= 0 && item_class != MB_CLASS_B) || !mb_add_checked(b->total, fen, &total))
        return mb_bill_item_refused(b, fen, item_class, first_selfpay_bp, err);
    b->total = total;
    b->nitems++;
    if (item_class == MB_CLASS_C)
        b->class_c += fen;
    else if (item_class == MB_CLASS_B && first_selfpay_bp < 0)
        b->class_b_default += fen;
    else if (item_class == MB_CLASS_B) {
        b->class_b_explicit += fen;
        b->class_b_explicit_pre += mb_apply_ratio(fen, first_selfpay_bp);
    }
    return MB_OK;
}
int mb_bill_set_upstream(mb_bill *b, int64_t compliant, int64_t basic, int64_t critical,
                         mb_error *err);
/* The rest of mb_claim_text_length's check, of a text whose first `n` bytes are ASCII but NUL
 * and are followed by neither its NUL nor the field's end. */
int mb_claim_text_rest(const char *src, size_t n, size_t cap, const char *what, size_t *len,
                       mb_error *err);
/* mb_claim_text_check, and the text's length (0 for NULL): a batch's row measures its claim id
 * once, for the settlement id and the journal. The usual text, a short ASCII id or code, is
 * measured and checked in one pass, inline (a batch's rows each take one). */
static inline int mb_claim_text_length(const char *src, size_t cap, const char *what,
                                       size_t *len, mb_error *err)
{
    size_t n = 0;
    if (src != NULL)
        while (n < cap && (unsigned char)src[n] - 1u < 0x7fu)
            n++;
    if (src == NULL || (n < cap && src[n] == '\0')) {
        *len = n;
        return MB_OK;
    }
    return mb_claim_text_rest(src, n, cap, what, len, err);
}
/* A claim's text field: shorter than `cap` bytes, valid UTF-8 (NULL: none). */
int mb_claim_text_check(const char *src, size_t cap, const char *what, mb_error *err);

struct mb_claim {
    mb_bill b;
    char id[MB_ID_MAX];
    char facility[MB_ID_MAX];
    char facility_category[MB_ID_MAX];
    char disease[MB_NAME_MAX], treatment[MB_NAME_MAX];
    char prescriber[MB_ID_MAX];
};

/* ---- result ------------------------------------------------------------------------------- */

/* A pending change of one accumulator: a sum added to, or a value raised (MB_CHANGE_*), kept
 * as its journal entry records it (ADD: the amount added, before 0; RAISE: the largest value
 * this claim raised it to, even when the value already stood higher, and the value before:
 * docs/reversal.md), so that commit copies it whole. */
typedef struct mb_delta {
    mb_change change;
    int64_t after;          /* the figure as the claim sees it now */
    mb_acc *slot;           /* its entry in the table, NULL: none yet (commit writes through it:
                               the table does not change between compute and commit) */
} mb_delta;


enum mb_reason {
    MB_REASON_NONE = 0,
    MB_REASON_NO_LAYER,        /* no benefit of the ruleset for this med_type */
    MB_REASON_SCHEME,          /* the ruleset does not cover the enrollee's scheme */
    MB_REASON_NOT_CERTIFIED,
    MB_REASON_NOT_STARTED,
    MB_REASON_EXPIRED,
    MB_REASON_REVOKED,
    MB_REASON_OVER_LIMIT,      /* more certified diseases than the ruleset allows */
    MB_REASON_EXCLUSIVE_PAIR,
    MB_REASON_STACKING,        /* beyond the diseases whose caps stack */
    MB_REASON_NO_DISEASE,      /* a chronic claim without its disease */
    MB_REASON_FACILITY,        /* not at the designated facility */
    MB_REASON_EXCLUSIVE_KIND,  /* another benefit enjoyed this year excludes this one */
    MB_REASON_NO_RATIO,        /* no ratio for this facility / referral */
    MB_REASON_NO_IDENTITY,     /* no assistance identity on the claim's dates */
    MB_REASON_CONDITION,       /* in-province / referral / prescription condition unmet */
    MB_REASON_TREATMENT,       /* the disease's caps depend on a treatment line not given */
};

/* One settlement's output. A settlement clears its head (everything before reason_text) and
 * writes the tables after it entry by entry, counted in the head: only what it writes is
 * touched, never the 6 KB of the handle. */
typedef struct mb_settlement {
    int64_t amt[MB_AMT_COUNT_];
    int covered;
    int reason;
    const char *reason_rule;   /* layer or rule id */
    const char *reason_cite;
    const char *reason_arg;    /* a name the reason mentions */
    int32_t reason_date;
    uint32_t nfunds;
    uint32_t ntrace;           /* never more than trace_cap: the room is made before (settle.c) */
    uint32_t ndeltas;
    uint32_t nfresh;           /* of the deltas, those of a figure the enrollee does not hold yet:
                                  the accumulator entries commit adds */
    uint32_t plain_tiers;      /* bit per tier of the chain the plain path settled (program.c) */
    int64_t balance_before, balance_after;
    int64_t payer_before, payer_after;  /* a family member's account (mb_settle_family) */
    uint64_t payer_tag;                 /* 0: no family payer */
    uint64_t payer_instance;
    uint64_t enrollee_tag, enrollee_instance;
    uint64_t setl;                      /* the settlement id (committed only) */
    uint64_t serial;                    /* its journal entry (mb_entry.serial) */
    char setl_text[MB_SETL_TEXT];       /* formatted on request */
    bool committed, reversed;
    /* the tables: entries [0, n) are valid */
    char reason_text[1024];    /* formatted on request */
    mb_fund_row funds[MB_MAX_FUNDS];   /* as mb_result_fund gives them */
    mb_delta deltas[MB_MAX_DELTAS];
    /* the trace, as mb_result_trace gives it: `trace_cap` steps at `trace`, the handle's own
     * MB_MAX_TRACE or, for a chain whose rulesets can record more (their bound worked out at
     * load), a larger block made before settling */
    mb_trace_step *trace;
    uint32_t trace_cap;
    mb_trace_step trace_own[MB_MAX_TRACE];
} mb_settlement;

/* A result handle holds two settlements: a call computes into the spare one and makes it
 * current only when it succeeds, so a failed call leaves the last settlement readable. */
struct mb_result {
    mb_settlement s[2];
    int cur;
    /* the certifications of the last enrollee settled, as each tier's catalogue resolves
     * them: a claim after the first of an enrollee does not work them out again */
    mb_held_cache held[MB_CHAIN_MAX];
};

#endif
