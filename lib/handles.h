/* The layouts behind the opaque enrollee, claim and result handles. */
#ifndef MB_HANDLES_H
#define MB_HANDLES_H

#include "internal.h"

#define MB_ID_MAX 64
#define MB_NAME_MAX 128
#define MB_MAX_DISEASES 16
#define MB_MAX_IDENTITIES 16
#define MB_MAX_FUNDS 12
#define MB_MAX_TRACE 96
#define MB_MAX_DELTAS 64
#define MB_CHAIN_MAX 8
#define MB_ACC_DEFAULT 256
#define MB_JOURNAL_DEFAULT 32  /* settlements kept for reversal: docs/reversal.md says why */
#define MB_JOURNAL_MAX 4096
#define MB_SETL_TEXT 17        /* a settlement id: 16 hex digits and a NUL */

/* ---- enrollee ----------------------------------------------------------------------------- */

typedef struct mb_certification {
    char name[MB_NAME_MAX]; /* as given: a code or a name */
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
    char name[MB_NAME_MAX]; /* category -1: as given */
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
    mb_change *changes;     /* its block of MB_MAX_DELTAS changes, which moves with it */
    uint32_t nchanges;
    int32_t date;           /* the claim's date */
    uint16_t ordinal;       /* claims without an id: 1, 2, ... (0 for a claim with one) */
    uint8_t role;           /* mb_journal_family: its own, or one side of a family settlement */
    char claim_id[MB_ID_MAX];
    char other[MB_ID_MAX];  /* the payer (MB_JOURNAL_PATIENT) or the patient (MB_JOURNAL_PAYER) */
    char setl_text[MB_SETL_TEXT]; /* formatted when listed */
} mb_entry;

/* A ring of `limit` entries, oldest at `head`. Every place of the ring owns its block of
 * changes for good (entries move with their block), so recording never allocates. `setls`
 * holds each place's settlement id again, side by side, for the look-up every settlement
 * makes. */
typedef struct mb_journal {
    mb_entry *ring;
    uint64_t *setls;
    mb_change *blocks;
    uint32_t limit, head, count;
    uint64_t serials;
} mb_journal;

struct mb_enrollee {
    char id[MB_ID_MAX];
    uint64_t tag;           /* hash of the id: ties results to their enrollee */
    int scheme, person_type;
    int64_t balance;
    char designated[MB_ID_MAX], first_visit[MB_ID_MAX];
    uint64_t designated_hash, first_visit_hash;
    char next_designated[MB_ID_MAX];   /* a change requested in the window, from next_from */
    uint64_t next_designated_hash;
    int32_t next_from;
    mb_certification diseases[MB_MAX_DISEASES];
    uint32_t ndiseases;
    mb_identity identities[MB_MAX_IDENTITIES];
    uint32_t nidentities;
    int32_t birth_date;     /* YYYYMMDD, 0: not given */
    mb_acc *acc;            /* open addressing, capacity a power of two */
    uint32_t acc_cap, acc_count;
    mb_journal journal;     /* the settlements that can be reversed */
    uint64_t setl_key;      /* mb_setl_key(id): its settlement ids derive from it */
    uint64_t instance;      /* distinguishes handles that share an id */
};

int64_t mb_acc_get(const mb_enrollee *e, uint64_t key, int32_t period);
/* Set a value; the caller has checked there is room (mb_acc_room). */
void mb_acc_set(mb_enrollee *e, uint64_t key, int32_t period, int64_t value);
/* Whether `extra` new keys fit within the load factor. */
bool mb_acc_room(const mb_enrollee *e, uint32_t extra);
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
 * rules (enrollee.c). */
/* Copy a text field: shorter than `cap` bytes and valid UTF-8 (NULL: empty). */
int mb_text_copy(char *dst, size_t cap, const char *src, const char *what, mb_error *err);
/* An accumulator's period: a year (2023) or a quarter (20232). */
int mb_acc_check_period(int32_t period, mb_error *err);
/* What an accumulator may hold: for a year or a quarter an amount (mb_amount_check); at period
 * 0 a date (the last activity and a lapse, kept by settlement for revocation). */
int mb_acc_check(int32_t period, int64_t value, mb_error *err);

/* ---- claim -------------------------------------------------------------------------------- */

struct mb_claim {
    char id[MB_ID_MAX];
    uint64_t setl_key;      /* mb_setl_key(id): its settlement ids derive from it */
    int32_t date;
    int med_type;
    int level;
    char facility[MB_ID_MAX];
    uint64_t facility_hash;
    char facility_category[MB_ID_MAX]; /* 社区卫生服务机构, 一类…, as a ruleset names them */
    uint64_t facility_category_hash;
    unsigned flags;
    char disease[MB_NAME_MAX], treatment[MB_NAME_MAX];
    uint64_t disease_hash, treatment_hash;
    int32_t admitted, discharged;
    char prescriber[MB_ID_MAX];
    uint64_t prescriber_hash;
    int prescriber_level;
    /* line items, summed as they are added */
    uint32_t nitems;
    int64_t total, class_c, class_b_default, class_b_explicit, class_b_explicit_pre;
    bool has_upstream;
    int64_t up_compliant, up_basic, up_critical; /* up_critical -1: not settled upstream */
};

/* ---- result ------------------------------------------------------------------------------- */

/* A pending change of one accumulator: a sum added to, or a value raised (MB_CHANGE_*). */
typedef struct mb_delta {
    uint64_t key;
    int32_t period;
    int32_t op;
    int64_t before, after;
    int64_t raised;         /* RAISE: the largest value this claim raised it to, even when the
                               value already stood higher (the journal keeps it: docs/reversal.md) */
} mb_delta;

typedef struct mb_fund_out {
    const char *code, *name;
    int64_t inscp, paid, cap_left;
} mb_fund_out;

typedef struct mb_step {
    const char *ruleset_id, *rule, *cite, *what;
    int64_t in, out;
    int32_t ratio_bp;
} mb_step;

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

/* One settlement's output. */
typedef struct mb_settlement {
    int64_t amt[MB_AMT_COUNT_];
    int covered;
    int reason;
    const char *reason_rule;   /* layer or rule id */
    const char *reason_cite;
    const char *reason_arg;    /* a name the reason mentions */
    int32_t reason_date;
    char reason_text[512];     /* formatted on request */
    mb_fund_out funds[MB_MAX_FUNDS];
    uint32_t nfunds;
    mb_step trace[MB_MAX_TRACE];
    uint32_t ntrace;
    bool trace_truncated;
    mb_delta deltas[MB_MAX_DELTAS];
    uint32_t ndeltas;
    int64_t balance_before, balance_after;
    int64_t payer_before, payer_after;  /* a family member's account (mb_settle_family) */
    uint64_t payer_tag;                 /* 0: no family payer */
    uint64_t payer_instance;
    uint64_t enrollee_tag, enrollee_instance;
    uint64_t setl;                      /* the settlement id (committed only) */
    uint64_t serial;                    /* its journal entry (mb_entry.serial) */
    char setl_text[MB_SETL_TEXT];       /* formatted on request */
    bool committed, reversed;
} mb_settlement;

/* A result handle holds two settlements: a call computes into the spare one and makes it
 * current only when it succeeds, so a failed call leaves the last settlement readable. */
struct mb_result {
    mb_settlement s[2];
    int cur;
};

#endif
