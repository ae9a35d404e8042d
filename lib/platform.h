/*
 * The platform adapter's insides, shared by its files:
 *   platform.c          the handle, the call (envelope in, envelope out), the stores
 *   platform_fields.c   reading a message's fields: codes, texts, dates, amounts, ratios
 *   platform_state.c    the state document: persons, visits, settlements, enrollee blobs
 *   platform_person.c   1101, 5301, 5206: recording and answering what the platform knows
 *   platform_visit.c    2201, 2203, 2204/2301, 2401: visits and their fee details
 *   platform_settle.c   2206/2207, 2303/2304, 2208/2305: the chain, setlinfo, setldetail
 */
#ifndef MB_PLATFORM_H
#define MB_PLATFORM_H

#include "handles.h"
#include "json.h"
#include "platform_rules.h"

#define MB_PLATFORM_RULESETS_MAX 64
#define MB_PLATFORM_REQUEST_MAX (8u << 20) /* bytes of one request */
#define MB_PLATFORM_STATE_MAX (256u << 20) /* bytes of the state */
#define MB_PLATFORM_STATE_FILE "platform-state.json"

typedef struct mb_facility_level {
    char code[MB_ID_MAX];
    int level;
} mb_facility_level;

struct mb_platform {
    const mb_ruleset *rulesets[MB_PLATFORM_RULESETS_MAX];
    size_t nrulesets;
    bool fixed_chain;
    enum { STORE_MEMORY, STORE_DIR, STORE_CALLER } store_kind;
    mb_platform_store store; /* STORE_CALLER */
    char *dir;               /* STORE_DIR */
    int dir_fd;              /* STORE_DIR, during a call: the locked directory */
    void *dir_data;          /* STORE_DIR, during a call: the file read */
    char *memory;            /* STORE_MEMORY: the state's text, or NULL */
    size_t memory_len;
    mb_facility_level *facilities;
    size_t nfacilities, cap_facilities;
    char *response;
    size_t response_len;
    mb_result *result;       /* reused by every settlement */
};

/* One call: the request, the state (changed in place), the answer being built. */
typedef struct mb_call {
    mb_platform *p;
    mb_error *err;           /* never NULL */
    mb_json_doc req, st, out;
    const mb_json *input;    /* request.input (an object) */
    const mb_json *recorded; /* request.output: an answer the HIS records (1101, 5301, 5206) */
    mb_json *output;         /* the answer's output node */
    bool changed;            /* the state must be saved */
    /* the envelope */
    const char *infno, *msgid, *mdtrtarea_admvs, *insuplc_admdvs, *fixmedins_code, *inf_time;
    int32_t date;            /* inf_time's day: the date of the call */
    char warn[1024];         /* warn_msg: what was passed over, or "" */
} mb_call;

/* ---- fields (platform_fields.c) ----------------------------------------------------------- */
/* Each reader fails with a message naming `where` and the field ("input.data.med_type"). */
/* A code or text: a JSON string (or a plain integer, for code fields HIS send as numbers) of
 * at most `max` bytes. Absent, null or "": *out NULL, an error when `required`. */
int mb_field_text(mb_call *c, const mb_json *obj, const char *where, const char *key,
                  bool required, size_t max, const char **out);
/* A date, "YYYY-MM-DD" with an optional " HH:MM:SS"; absent/null/"": 0 unless required. */
int mb_field_date(mb_call *c, const mb_json *obj, const char *where, const char *key,
                  bool required, int32_t *out);
/* An amount in yuan, a JSON number (or string) with at most two decimals, no exponent, not
 * negative, at most 10^12 yuan; absent: *present false (an error when required). */
int mb_field_amount(mb_call *c, const mb_json *obj, const char *where, const char *key,
                    bool required, int64_t *fen, bool *present);
/* A ratio 0..1 with at most four decimals (selfpay_prop) in basis points; absent: -1. */
int mb_field_ratio(mb_call *c, const mb_json *obj, const char *where, const char *key,
                   int32_t *bp);
/* An object or array member, checked for its type; absent: NULL (an error when required). */
int mb_field_node(mb_call *c, const mb_json *obj, const char *where, const char *key,
                  mb_json_type type, bool required, const mb_json **out);
/* "0" or "1" (mid_setl_flag, acct_used_flag); absent: `dflt`. */
int mb_field_flag(mb_call *c, const mb_json *obj, const char *where, const char *key, int dflt,
                  int *out);
/* The ratio text the platform writes for selfpay_prop: 0, 0.05, 0.10, 1. */
void mb_ratio_text(int32_t bp, char buf[16]);
/* Append to warn_msg. */
void mb_call_warn(mb_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- state (platform_state.c) ------------------------------------------------------------- */
/* Parse the stored text (NULL: a new, empty state) into c->st, checking its shape. */
int mb_state_open(mb_call *c, const char *text, size_t len);
/* The state's tables: "persons" by psn_no, "visits" by mdtrt_id, "settlements" by setl_id. */
mb_json *mb_state_table(mb_call *c, const char *name);
/* The next id of a sequence ("mdtrt" or "setl"), advancing it: "900000000001" / "800000000001". */
int mb_state_next_id(mb_call *c, const char *sequence, char out[32]);
/* The person, visit or settlement of an id named by `where`; unknown ones are refused. */
int mb_state_person(mb_call *c, const char *psn_no, const char *where, mb_json **out);
int mb_state_visit(mb_call *c, const char *mdtrt_id, const char *where, mb_json **out);
/* A person's enrollee, restored from its blob (free it with mb_enrollee_free). */
int mb_state_enrollee(mb_call *c, const mb_json *person, mb_enrollee **out);
/* Save `e` back into the person's record. */
int mb_state_keep_enrollee(mb_call *c, mb_json *person, const mb_enrollee *e);
/* A text member of a state record, or "" (the state's own fields, already checked on open). */
const char *mb_state_text(const mb_json *record, const char *key);

/* ---- the rulesets a person's messages reach ---------------------------------------------- */
/* The rulesets that may hold a person's codes (a fixed chain, or those declaring the person's
 * insured place and insutype); *n of them into `out`. */
size_t mb_person_rulesets(const mb_call *c, const mb_json *person,
                          const mb_ruleset *out[MB_PLATFORM_RULESETS_MAX]);

/* A visit named in a message (platform_visit.c): it exists, belongs to `psn_no`, is of the
 * kind (inpatient or not) the message is for, and is not closed by a final settlement. */
int mb_message_visit(mb_call *c, const char *where, const char *mdtrt_id, const char *psn_no,
                     bool inpatient, mb_json **out);

/* ---- the chain a claim settles under (platform_settle.c) ---------------------------------- */
/* The chain for a visit of `person` with the platform's med_type `med_code` on `date`, and
 * the library's med type it stands for. */
int mb_visit_chain(mb_call *c, const mb_json *person, const char *med_code, int32_t date,
                   const mb_ruleset *chain[MB_CHAIN_MAX], size_t *n, int *med_type);

/* ---- messages ----------------------------------------------------------------------------- */
int mb_msg_1101(mb_call *c);
int mb_msg_5301(mb_call *c);
int mb_msg_5206(mb_call *c);
int mb_msg_2201(mb_call *c);
int mb_msg_2203(mb_call *c);
int mb_msg_2204(mb_call *c); /* and 2301 */
int mb_msg_2401(mb_call *c);
int mb_msg_settle(mb_call *c); /* 2206, 2207, 2303, 2304 */
int mb_msg_reverse(mb_call *c); /* 2208, 2305 */

#endif
