/*
 * libmedbenefit — Chinese medical-insurance settlement, computed in-process.
 *
 * SPDX-License-Identifier: MIT
 *
 * This header is the whole public API. Read it top to bottom:
 *
 *   1. versions and error codes       mb_version_number(), mb_error
 *   2. rulesets (policy documents)    mb_ruleset_load_file(), mb_ruleset_load_id()
 *      and certification criteria     mb_assess()
 *   3. enrollees (people and state)   mb_enrollee_new(), mb_enrollee_certify(),
 *                                     mb_enrollee_status(), mb_enrollee_save()
 *   4. claims (one visit's bill)      mb_claim_new(), mb_claim_add_item()
 *   5. settlement and its result      mb_settle(), mb_settle_batch(), mb_result_amount(),
 *      reversal and the journal       mb_result_setl_id(), mb_reverse_id(),
 *                                     mb_enrollee_set_journal_limit(), mb_enrollee_journal()
 *      and personal accounts          mb_settle_family(), mb_account_accrual()
 *   6. the national platform's        mb_platform_new(), mb_platform_call()
 *      messages (since 1.1)
 *
 * Conventions, true of every call unless it says otherwise:
 *
 *  - Money is int64_t fen (1 yuan = 100 fen). No floating point is used on any money path.
 *  - Dates are int32_t YYYYMMDD (20230116 is 16 January 2023).
 *  - Strings are UTF-8, NUL-terminated. Strings passed in are copied; the caller keeps them.
 *    Strings returned are owned by the handle they came from and live as long as it does.
 *  - Functions that can fail return MB_OK (0) or a negative mb_status, and fill the optional
 *    `mb_error *err` (pass NULL to ignore). A failed call changes nothing it was given.
 *  - Out-parameters that only report (a getter's strings and numbers, mb_assess's *unmet and
 *    *cite, mb_enrollee_status's *since and *cite, mb_enrollee_accrue's *credited) may be NULL
 *    when not wanted; the others are filled all the same.
 *  - Handles are opaque. A handle is not thread-safe unless stated: use one per thread, or lock.
 *    A loaded mb_ruleset is immutable and may be shared by any number of threads without locks.
 *  - Nothing calls abort(); running out of memory returns MB_E_NOMEM.
 */
#ifndef MEDBENEFIT_H
#define MEDBENEFIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MB_BUILDING_LIBRARY) && defined(__GNUC__)
#define MB_EXTERN __attribute__((visibility("default")))
#else
#define MB_EXTERN
#endif

/* ---------------------------------------------------------------------------------------------
 * 1. Versions and errors
 * ------------------------------------------------------------------------------------------- */

#define MB_VERSION_MAJOR 1
#define MB_VERSION_MINOR 1
#define MB_VERSION_PATCH 0
#define MB_VERSION_NUMBER (MB_VERSION_MAJOR * 10000 + MB_VERSION_MINOR * 100 + MB_VERSION_PATCH)
#define MB_VERSION_STRING "1.1.0"

/** The library's version as MAJOR*10000 + MINOR*100 + PATCH, e.g. 10100. Thread-safe. */
MB_EXTERN int mb_version_number(void);
/** The library's version as a string, e.g. "1.1.0". Static storage. Thread-safe. */
MB_EXTERN const char *mb_version(void);

/** Status codes. Every fallible call returns one; MB_OK is 0, errors are negative. */
typedef enum mb_status {
    MB_OK = 0,
    MB_E_INVALID_ARGUMENT = -1, /* a NULL handle, an unknown enum value, a string too long */
    MB_E_NOMEM = -2,            /* an allocation failed; nothing was changed */
    MB_E_IO = -3,               /* a file could not be read */
    MB_E_PARSE = -4,            /* malformed YAML, or invalid UTF-8 */
    MB_E_SCHEMA = -5,           /* a ruleset key is unknown, missing or of the wrong type */
    MB_E_RULESET = -6,          /* a ruleset is well-formed but inconsistent */
    MB_E_NOT_FOUND = -7,        /* no ruleset with that id on the search path */
    MB_E_INVALID_AMOUNT = -8,   /* negative, more than two decimals, or absurdly large */
    MB_E_INVALID_DATE = -9,     /* not a calendar date, or dates out of order */
    MB_E_UNKNOWN_CODE = -10,    /* an unknown scheme, person type, med_type, level, category,
                                   accumulator key */
    MB_E_UNKNOWN_DISEASE = -11, /* a disease not in the ruleset's catalogue */
    MB_E_OVERFLOW = -12,        /* an amount or sum that would overflow int64 fen */
    MB_E_CHAIN = -13,           /* rulesets in the wrong order, or a tier repeated */
    MB_E_STATE = -14,           /* a claim already settled; reversing a settlement the journal
                                   does not keep (reversed, another enrollee's, dropped) */
    MB_E_CORRUPT = -15,         /* a saved state blob truncated, altered or of a newer version */
    MB_E_CAPACITY = -16,        /* a fixed table is full (see mb_enrollee_reserve) */
    MB_E_BUFFER = -17,          /* the caller's buffer is too small; the size needed is returned */
    MB_E_NOT_ELIGIBLE = -18     /* a certification refused by the ruleset's lifecycle rules */
} mb_status;

/** The stable name of a status, e.g. "invalid_amount" for MB_E_INVALID_AMOUNT. Thread-safe. */
MB_EXTERN const char *mb_status_name(int status);
/** A short English description of a status. Static storage. Thread-safe. */
MB_EXTERN const char *mb_status_text(int status);

/**
 * An error report: the status, a message a person can act on, and where it applies (for a
 * ruleset: the file, line and key). Create one per thread with mb_error_new() and pass it to
 * calls; each failed call overwrites it, successful calls leave it untouched. Not shared state:
 * two threads with two mb_error objects never interfere.
 */
typedef struct mb_error mb_error;

/** Allocate an empty error report. Returns NULL only when out of memory. */
MB_EXTERN mb_error *mb_error_new(void);
/** Free an error report. NULL is ignored. */
MB_EXTERN void mb_error_free(mb_error *err);
/** Reset to MB_OK with an empty message. */
MB_EXTERN void mb_error_clear(mb_error *err);
/** The status of the last failure recorded, or MB_OK. */
MB_EXTERN int mb_error_status(const mb_error *err);
/** The full message, e.g. "rulesets/x.yaml:12: key 'ratio': expected a percentage". Never NULL. */
MB_EXTERN const char *mb_error_message(const mb_error *err);
/** The file the error is in, or "" when none applies. */
MB_EXTERN const char *mb_error_file(const mb_error *err);
/** The 1-based line the error is at, or 0 when none applies. */
MB_EXTERN int mb_error_line(const mb_error *err);
/** The key (or field) the error is about, or "" when none applies. */
MB_EXTERN const char *mb_error_key(const mb_error *err);

/**
 * Replace the allocator used for every heap allocation the library makes, and libcyaml's (the
 * YAML loader it uses): handles, error reports, loaded and compiled rulesets. Call it before
 * any other call, once; it is not thread-safe with other calls. Pass NULL functions to restore
 * malloc/realloc/free. `ctx` is handed back on every call.
 *
 * Not covered: libyaml, the parser underneath libcyaml, has no allocator hook and calls
 * malloc, realloc, strdup and free itself for its buffers, tokens and events. It does so only
 * while mb_ruleset_load_file, _buffer or _id runs (most of a load's allocations), and frees
 * them all before it returns. When one of them fails the load returns MB_E_NOMEM, as when
 * the hook fails.
 */
typedef struct mb_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} mb_allocator;
MB_EXTERN int mb_set_allocator(const mb_allocator *allocator);

/* ---------------------------------------------------------------------------------------------
 * 2. Rulesets
 *
 * A ruleset is one policy document encoded as YAML (see docs/ruleset-format.md): a disease
 * catalogue, benefit layers with deductibles, ratios, bands and caps, each citing its clause.
 * Loading validates and compiles it into lookup tables; the loaded ruleset is immutable and can
 * be shared across threads. Rulesets form a chain by tier: basic, then critical illness, then
 * medical assistance; each tier settles what the tiers before it left to the patient.
 * ------------------------------------------------------------------------------------------- */

typedef struct mb_ruleset mb_ruleset;

typedef enum mb_tier {
    MB_TIER_BASIC = 1,            /* basic insurance: pooling, large-amount subsidy */
    MB_TIER_CRITICAL_ILLNESS = 2, /* 大病保险 */
    MB_TIER_ASSISTANCE = 3        /* 医疗救助 */
} mb_tier;

/** Load a ruleset from a YAML file. On success *out owns a new ruleset; free it with
 *  mb_ruleset_free(). Errors carry the file, line and key. Only a regular file (or a symbolic
 *  link to one) is read: a FIFO, device, directory or socket is refused with MB_E_IO, without
 *  blocking and without reading it; a file of more than 4 MiB is refused with MB_E_PARSE. */
MB_EXTERN int mb_ruleset_load_file(mb_ruleset **out, const char *path, mb_error *err);

/** Load a ruleset from a memory buffer of `len` bytes (not necessarily NUL-terminated).
 *  `name` is used in error messages in place of a file name (may be NULL). */
MB_EXTERN int mb_ruleset_load_buffer(mb_ruleset **out, const char *data, size_t len,
                                     const char *name, mb_error *err);

/** Load the ruleset whose id is `id` (for example "wuxi-employee-chronic-2021") from the file
 *  `<dir>/<id>.yaml`, trying in order: each directory of the NULL-terminated array `dirs` (may be
 *  NULL), the directories in the environment variable MEDBENEFIT_RULESETS (':'-separated), and
 *  the installed data directory (mb_ruleset_default_dir()). Only a directory without
 *  `<id>.yaml` is passed over: the first `<id>.yaml` that exists is loaded as
 *  mb_ruleset_load_file() would, and if it cannot be (it is a FIFO or a directory, it is
 *  unreadable, it is broken) that error is returned, naming the file, rather than loading a
 *  ruleset of the same id from a directory later in the search. */
MB_EXTERN int mb_ruleset_load_id(mb_ruleset **out, const char *id, const char *const *dirs,
                                 mb_error *err);

/** The installed ruleset directory, e.g. "/usr/share/medbenefit/rulesets". Static storage. */
MB_EXTERN const char *mb_ruleset_default_dir(void);

/** Free a ruleset. NULL is ignored. Results settled with it must not be read afterwards. */
MB_EXTERN void mb_ruleset_free(mb_ruleset *rs);

/** The ruleset's id, title, and the document it encodes ("锡医保服务〔2020〕41号"). */
MB_EXTERN const char *mb_ruleset_id(const mb_ruleset *rs);
MB_EXTERN const char *mb_ruleset_title(const mb_ruleset *rs);
MB_EXTERN const char *mb_ruleset_document(const mb_ruleset *rs);
/** The tier (mb_tier) of the ruleset. */
MB_EXTERN int mb_ruleset_tier(const mb_ruleset *rs);

/** Assumptions: parameters a document does not state, each with what was assumed and why.
 *  Index from 0 to count-1; the strings are owned by the ruleset. */
MB_EXTERN size_t mb_ruleset_assumption_count(const mb_ruleset *rs);
MB_EXTERN int mb_ruleset_assumption(const mb_ruleset *rs, size_t index, const char **where,
                                    const char **reason);

/** The disease catalogue, index 0..count-1: the code ("M01600" or a ruleset-local code), the
 *  name as the document writes it, and the group ("chronic", "special"). */
MB_EXTERN size_t mb_ruleset_disease_count(const mb_ruleset *rs);
MB_EXTERN int mb_ruleset_disease(const mb_ruleset *rs, size_t index, const char **code,
                                 const char **name, const char **group);
/** Find a disease by code, full name or short name (the name up to its first parenthesis). */
MB_EXTERN int mb_ruleset_find_disease(const mb_ruleset *rs, const char *name_or_code,
                                      size_t *index, mb_error *err);

/**
 * Certification criteria (鉴定标准). `findings` are the items met, numbered as the document
 * numbers them: "3" for item 3, "2.1" for （1） under item 2, "3.2.5" for ⑤ under （2） under
 * item 3. On success *certified is 1 or 0; when 0, *unmet (if not NULL) is the first requirement
 * not met, in the document's words, and *cite the clause. The strings belong to the ruleset.
 * A disease whose catalogue entry gives no criteria is MB_E_NOT_FOUND; a finding that is not an
 * item of the criteria is MB_E_INVALID_ARGUMENT. Thread-safe (reads the ruleset only).
 */
MB_EXTERN int mb_assess(const mb_ruleset *rs, const char *disease, const char *const *findings,
                        size_t nfindings, int *certified, const char **unmet, const char **cite,
                        mb_error *err);
/** The criteria of catalogue entry `index`: the rule as the document states it, its clause and
 *  the number of items; MB_E_NOT_FOUND when none are given. */
MB_EXTERN int mb_ruleset_criteria(const mb_ruleset *rs, size_t index, const char **text,
                                  const char **cite, size_t *items);
/** Item `item` of those criteria: its number ("2.1") and text. */
MB_EXTERN int mb_ruleset_criteria_item(const mb_ruleset *rs, size_t index, size_t item,
                                       const char **number, const char **text);

/* ---------------------------------------------------------------------------------------------
 * 3. Enrollees
 *
 * An enrollee is a person (scheme, person type, account, facilities, certified diseases,
 * assistance identities), their year-to-date accumulators and the journal of their settlements.
 * Settling a claim changes the accumulators and the account balance and records the settlement
 * in the journal; reversing it takes its own changes back (docs/reversal.md).
 * ------------------------------------------------------------------------------------------- */

typedef struct mb_enrollee mb_enrollee;

typedef enum mb_scheme {
    MB_SCHEME_EMPLOYEE = 1, /* 职工基本医疗保险, insutype 310 */
    MB_SCHEME_RESIDENT = 2  /* 城乡居民基本医疗保险, insutype 390 */
} mb_scheme;

typedef enum mb_person_type {
    MB_PERSON_IN_SERVICE = 1, /* 在职, psn_type 11 */
    MB_PERSON_RETIRED = 2,    /* 退休, psn_type 12 */
    MB_PERSON_VETERAN = 3,    /* 建国前老工人 (pre-1949 old worker) */
    MB_PERSON_RESIDENT = 4    /* 城乡居民, psn_type 14-16 */
} mb_person_type;

/** Parse a scheme: "employee" | "resident" | "310" | "390". Returns the mb_scheme or a
 *  negative status (MB_E_UNKNOWN_CODE). */
MB_EXTERN int mb_scheme_parse(const char *text);
/** Parse a person type: "in_service" | "retired" | "veteran" | "resident" | "11".."16". */
MB_EXTERN int mb_person_type_parse(const char *text);

/** Create an enrollee. `person_type` may be 0 for residents (MB_PERSON_RESIDENT is then used).
 *  `id` is the caller's identifier for the person (copied; may be NULL). */
MB_EXTERN int mb_enrollee_new(mb_enrollee **out, const char *id, int scheme, int person_type,
                              mb_error *err);
/** Free an enrollee. NULL is ignored. */
MB_EXTERN void mb_enrollee_free(mb_enrollee *e);

MB_EXTERN const char *mb_enrollee_id(const mb_enrollee *e);
/** The scheme (mb_scheme) and person type (mb_person_type) the enrollee was created with. */
MB_EXTERN int mb_enrollee_scheme(const mb_enrollee *e);
MB_EXTERN int mb_enrollee_person_type(const mb_enrollee *e);
/** The designated and first-visit facility ids ("" when unset). The designated facility is the
 *  one in force on `date` (a change requested in the window takes effect on 1 January). */
MB_EXTERN const char *mb_enrollee_designated_facility(const mb_enrollee *e, int32_t date);
MB_EXTERN const char *mb_enrollee_first_visit_facility(const mb_enrollee *e);
/** The certifications held, index 0..count-1: the name or code as given, the dates. */
MB_EXTERN size_t mb_enrollee_disease_count(const mb_enrollee *e);
MB_EXTERN int mb_enrollee_disease(const mb_enrollee *e, size_t index, const char **name,
                                  int32_t *certified_on, int32_t *valid_until);
/** The assistance identities held, index 0..count-1: the category name and dates (to 0: held). */
MB_EXTERN size_t mb_enrollee_assistance_count(const mb_enrollee *e);
MB_EXTERN int mb_enrollee_assistance(const mb_enrollee *e, size_t index, const char **category,
                                     int32_t *from, int32_t *to);
/** The personal account (个人账户) balance in fen; it must not be negative. Only employees have
 *  one: a positive balance for a resident is MB_E_INVALID_ARGUMENT. */
MB_EXTERN int mb_enrollee_set_account_balance(mb_enrollee *e, int64_t fen, mb_error *err);
MB_EXTERN int64_t mb_enrollee_account_balance(const mb_enrollee *e);
/** The designated facility (定点) for chronic care, and the first-visit facility (首诊). */
MB_EXTERN int mb_enrollee_set_designated_facility(mb_enrollee *e, const char *facility_id,
                                                  mb_error *err);
MB_EXTERN int mb_enrollee_set_first_visit_facility(mb_enrollee *e, const char *facility_id,
                                                   mb_error *err);

/** Add a certified chronic/special disease, named by code or name as the rulesets' catalogues
 *  write it. `valid_until` is the last day certified, or 0 for the catalogue's own rule. */
MB_EXTERN int mb_enrollee_add_disease(mb_enrollee *e, const char *name_or_code,
                                      int32_t certified_on, int32_t valid_until, mb_error *err);

/** Add a medical-assistance identity, held from `from` to `to` inclusive (`to` 0: still held).
 *  `category` is one of the twelve 医疗救助对象 of the assistance documents: "extreme_poverty"
 *  (特困人员), "minimum_living" (最低生活保障对象), "child_in_difficulty", "orphan",
 *  "entitled_group", "downsized_1960s", "hardship_worker", "low_income_margin",
 *  "expenditure_hardship", "temporary_relief", "severe_disability", "other_hardship"; the
 *  Chinese name of each is in docs/scenario-format.md (assistance categories). Any other
 *  name is MB_E_UNKNOWN_CODE. */
MB_EXTERN int mb_enrollee_add_assistance(mb_enrollee *e, const char *category, int32_t from,
                                         int32_t to, mb_error *err);

/**
 * Add an identity a ruleset's person groups know (since 1.1): one of the assistance categories
 * above, or a name `rs` declares under `groups` — a group's name or label (返贫致贫人口), a
 * member it lists, or a psn_idet_type code of the national platform it maps to the group. Held
 * from `from` to `to` inclusive (`to` 0: still held). A name `rs` does not know is
 * MB_E_UNKNOWN_CODE, with the groups it does know; other rulesets of a chain match the
 * identity by the same name, or not at all. Up to 16 identities, 127 bytes each.
 */
MB_EXTERN int mb_enrollee_add_identity(mb_enrollee *e, const mb_ruleset *rs, const char *name,
                                       int32_t from, int32_t to, mb_error *err);

/** The enrollee's birth date (since 1.1), YYYYMMDD, or 0 to clear it. Rows chosen by age band
 *  use the years completed on the claim's date; settling under a ruleset that chooses any value
 *  by age without a birth date is MB_E_INVALID_ARGUMENT. Saved with the enrollee. */
MB_EXTERN int mb_enrollee_set_birth_date(mb_enrollee *e, int32_t birth_date, mb_error *err);
/** The birth date set, or 0 (since 1.1). */
MB_EXTERN int32_t mb_enrollee_birth_date(const mb_enrollee *e);

/**
 * Certify a disease on `date` under the ruleset's lifecycle rules, then record it as
 * mb_enrollee_add_disease() does. Refused with MB_E_NOT_ELIGIBLE, and the reason with its clause
 * in `err`, when the enrollee already holds the ruleset's maximum of diseases on that date, or
 * holds the other disease of an exclusive pair (a renewal of a pair's renewable side, such as a
 * transplant certified again, is allowed). Diseases are counted, not certifications: a disease
 * certified again by the day after its last valid day keeps its place (docs/readings.md).
 */
MB_EXTERN int mb_enrollee_certify(mb_enrollee *e, const mb_ruleset *rs, const char *disease,
                                  int32_t date, mb_error *err);

/** The state of a certification on a date (mb_enrollee_status). */
typedef enum mb_cert_state {
    MB_CERT_NONE = 0,     /* not certified */
    MB_CERT_ACTIVE = 1,   /* certified and in benefit */
    MB_CERT_PENDING = 2,  /* certified; the benefit starts on *since */
    MB_CERT_EXPIRED = 3,  /* validity ended on *since */
    MB_CERT_REVOKED = 4,  /* revoked on *since: no chronic cost and no admission for too long */
    MB_CERT_REFUSED = 5   /* held, but refused: over the disease limit or an exclusive pair */
} mb_cert_state;

/** The state of the enrollee's certification for `disease` on `date` under `rs`, with the date
 *  it turns on (*since, YYYYMMDD or 0) and the clause (*cite, owned by the ruleset). */
MB_EXTERN int mb_enrollee_status(const mb_enrollee *e, const mb_ruleset *rs, const char *disease,
                                 int32_t date, int *state, int32_t *since, const char **cite,
                                 mb_error *err);

/**
 * Ask, on `request_date`, to change the designated facility. Where the ruleset keeps the choice
 * for a year and accepts changes only in a window (锡医保服务〔2020〕41号: 11-01 to 12-20 for the
 * next year), a request outside it is MB_E_NOT_ELIGIBLE; inside it, the change takes effect on
 * 1 January of the next year. A ruleset without a window changes it from `request_date`.
 */
MB_EXTERN int mb_enrollee_request_facility_change(mb_enrollee *e, const mb_ruleset *rs,
                                                  int32_t request_date, const char *facility_id,
                                                  mb_error *err);

/**
 * Seed or read a year-to-date accumulator, e.g. figures returned by the national platform's 5206
 * query, so that a settlement mid-year continues correctly. `ruleset_id` and `key` name it (keys
 * are listed in docs/accumulators.md: "<layer>.paid", "<layer>.base", "disease.<code>.paid");
 * `period` is a year (2023) or a quarter (20232 for the second quarter of 2023).
 *
 * These two calls see a ruleset's id, not the ruleset, so they cannot know which keys it
 * defines: mb_enrollee_seed refuses a key that is not valid UTF-8 or a ruleset id that is not
 * one (MB_E_INVALID_ARGUMENT), and a key no ruleset could define, one not ending in ".paid" or
 * ".base" (MB_E_UNKNOWN_CODE); mb_enrollee_accumulator reads 0 for a key it does not know. Prefer mb_enrollee_seed_checked()
 * and mb_enrollee_accumulator_checked(), which refuse a misspelt key instead of ignoring it.
 */
MB_EXTERN int mb_enrollee_seed(mb_enrollee *e, const char *ruleset_id, const char *key,
                               int32_t period, int64_t fen, mb_error *err);
MB_EXTERN int64_t mb_enrollee_accumulator(const mb_enrollee *e, const char *ruleset_id,
                                          const char *key, int32_t period);

/** How an accumulator is kept (mb_ruleset_accumulator): by calendar year or by quarter. */
typedef enum mb_period_kind {
    MB_PERIOD_YEAR = 1,   /* period 2023 */
    MB_PERIOD_QUARTER = 2 /* period 20232: the second quarter of 2023 */
} mb_period_kind;

/** The accumulator keys the ruleset defines, index 0..count-1 (since 1.1): the key, e.g.
 *  "chronic.paid" (owned by the ruleset), and the mb_period_kind it is kept by. The layers'
 *  keys come first, then the catalogue's per-disease keys. */
MB_EXTERN size_t mb_ruleset_accumulator_count(const mb_ruleset *rs);
MB_EXTERN int mb_ruleset_accumulator(const mb_ruleset *rs, size_t index, const char **key,
                                     int *period_kind);

/**
 * Seed or read an accumulator of `rs`, checked (since 1.1): a key the ruleset does not define
 * is MB_E_UNKNOWN_CODE, with the keys it does define in `err`; a key that is not valid UTF-8 is
 * MB_E_INVALID_ARGUMENT; a period of the wrong kind (a quarter for a yearly key) or one when the
 * ruleset is not in force is MB_E_INVALID_DATE. Seeding replaces the value for that key and
 * period; reading gives 0 for a figure never seeded or settled.
 */
MB_EXTERN int mb_enrollee_seed_checked(mb_enrollee *e, const mb_ruleset *rs, const char *key,
                                       int32_t period, int64_t fen, mb_error *err);
MB_EXTERN int mb_enrollee_accumulator_checked(const mb_enrollee *e, const mb_ruleset *rs,
                                              const char *key, int32_t period, int64_t *fen,
                                              mb_error *err);

/**
 * Room in the accumulator table and the settlement journal. Both are sized to what they hold:
 * a new enrollee has room for 7 entries (a first year under most single rulesets) and a journal
 * that holds nothing yet; seeding and restoring grow them to what they store. A settlement's
 * computation never allocates, so the room for the entries a claim can add (a layer's base,
 * payments and benefit kind in a new year) and for its journal entry is made before it:
 *
 *  - mb_settle and mb_settle_family make it themselves when it is missing, growing the table
 *    through mb_set_allocator's hook before anything is computed (MB_E_NOMEM, changing
 *    nothing, when memory runs out). A caller who never reserves, as every 1.0 caller did,
 *    settles year after year as before.
 *  - mb_enrollee_reserve_for (since 1.1) makes room for what one settlement under `chain` can
 *    add at most, worked out when each ruleset was loaded. Call it before mb_settle (it returns
 *    at once when the room is there) and the settlement allocates nothing at all: for a
 *    real-time path that must not touch the heap. For mb_settle_family, call it for the
 *    paying family member too: their journal keeps their side of the settlement.
 *  - mb_settle_batch and mb_settle_columns make it between claims.
 *
 * mb_enrollee_reserve makes room for `entries` entries in all. Both fail with MB_E_NOMEM,
 * changing nothing, when memory runs out.
 */
MB_EXTERN int mb_enrollee_reserve(mb_enrollee *e, size_t entries, mb_error *err);
MB_EXTERN int mb_enrollee_reserve_for(mb_enrollee *e, const mb_ruleset *const *chain,
                                      size_t chain_len, mb_error *err);

/**
 * Save the enrollee (identity, diseases, identities, account, accumulators and the settlement
 * journal with its limit) as a versioned, checksummed blob. With buf NULL or cap too small, *len receives the
 * size needed and MB_E_BUFFER is returned (buf NULL with cap 0 is the usual size query).
 * Saving the same state twice gives the same bytes.
 */
MB_EXTERN int mb_enrollee_save(const mb_enrollee *e, void *buf, size_t cap, size_t *len,
                               mb_error *err);
/**
 * Restore an enrollee from a blob made by mb_enrollee_save(). A truncated, altered or newer blob
 * is rejected with MB_E_CORRUPT. A blob is untrusted input even when its checksum matches: it is
 * validated field by field as the setters would validate it (id and texts: length, UTF-8;
 * scheme and person type; the balance; each certification and identity as
 * mb_enrollee_add_disease() and mb_enrollee_add_assistance() check them; each accumulator's
 * period and value as mb_enrollee_seed() checks them), and must be as mb_enrollee_save() writes
 * it (counts that match its length, accumulators sorted, each once), so that a restored enrollee
 * saves back to the same bytes. The journal is held to the same standard: its limit and count,
 * each entry's ids (UTF-8, each settlement once), dates and amounts, and its changes consistent
 * with the accumulators (a journal that adds more to an accumulator than it holds is corrupt).
 * Anything else is MB_E_CORRUPT, the message naming the field and why. Nothing is allocated
 * beyond what the blob's length accounts for (the journal's storage is for the settlements it
 * holds). A blob of version 1
 * (libmedbenefit 1.0, before the journal) restores with an empty journal of the default limit.
 */
MB_EXTERN int mb_enrollee_restore(mb_enrollee **out, const void *buf, size_t len, mb_error *err);

/* ---------------------------------------------------------------------------------------------
 * 4. Claims
 * ------------------------------------------------------------------------------------------- */

typedef struct mb_claim mb_claim;

typedef enum mb_med_type {
    MB_MED_GENERAL_OUTPATIENT = 11, /* 普通门诊 */
    MB_MED_EMERGENCY = 13,          /* 急诊 (settled as general outpatient with emergency set) */
    MB_MED_CHRONIC = 14,            /* 门诊慢特病 */
    MB_MED_INPATIENT = 21,          /* 普通住院 */
    MB_MED_TRAUMA_INPATIENT = 22,   /* 外伤住院 (since 1.1) */
    MB_MED_REFERRED_OUT_INPATIENT = 23, /* 转外诊治住院 (since 1.1) */
    MB_MED_EMERGENCY_INPATIENT = 24, /* 急诊转住院 (since 1.1) */
    MB_MED_PHARMACY = 41,           /* 定点药店购药 */
    MB_MED_MATERNITY_OUTPATIENT = 51, /* 生育门诊 (since 1.1) */
    MB_MED_MATERNITY_INPATIENT = 52  /* 生育住院 (since 1.1) */
} mb_med_type;

typedef enum mb_level {
    MB_LEVEL_PRIMARY = 1,   /* 一级 / community */
    MB_LEVEL_SECONDARY = 2, /* 二级 */
    MB_LEVEL_TERTIARY = 3,  /* 三级 */
    MB_LEVEL_PHARMACY = 4   /* 定点零售药店 */
} mb_level;

typedef enum mb_item_class {
    MB_CLASS_A = 1, /* 甲类, chrgitm_lv 01 */
    MB_CLASS_B = 2, /* 乙类, chrgitm_lv 02 */
    MB_CLASS_C = 3  /* 丙类 / 自费, chrgitm_lv 03 */
} mb_item_class;

/** Claim flags (mb_claim_set_flags). */
#define MB_CLAIM_REFERRAL 0x01u             /* 转诊手续 done */
#define MB_CLAIM_EMERGENCY 0x02u            /* 急诊抢救 */
#define MB_CLAIM_OUT_OF_AREA 0x04u          /* 异地就医 */
#define MB_CLAIM_DESIGNATED_SPECIALTY 0x08u /* 指定专科 */
#define MB_CLAIM_OUT_OF_PROVINCE 0x10u      /* 省外 (default: in province) */
#define MB_CLAIM_NO_ACCOUNT 0x20u           /* do not use the personal account */

/** Parse "general_outpatient"|"emergency"|"chronic"|"inpatient"|"trauma_inpatient"|
 *  "referred_out_inpatient"|"emergency_inpatient"|"pharmacy"|"maternity_outpatient"|
 *  "maternity_inpatient" or their codes "11", "13", "14", "21"-"24", "41", "51", "52". The
 *  inpatient kinds (21-24, 52) carry admission dates. */
MB_EXTERN int mb_med_type_parse(const char *text);
/** Parse "primary"|"secondary"|"tertiary"|"pharmacy" or "1".."3". */
MB_EXTERN int mb_level_parse(const char *text);
/** Parse "A"|"B"|"C" or "01"|"02"|"03". */
MB_EXTERN int mb_item_class_parse(const char *text);
/** Parse an amount in yuan ("1200", "1200.5", "1200.50") into fen, exactly. More than two
 *  decimals, a sign, or anything above 10^12 yuan is MB_E_INVALID_AMOUNT. */
MB_EXTERN int mb_amount_parse(const char *text, int64_t *fen, mb_error *err);
/** Parse a ratio "70%", "62.5%" or "0.7" into basis points (7000), exactly; above 100% is
 *  MB_E_INVALID_ARGUMENT. */
MB_EXTERN int mb_ratio_parse(const char *text, int32_t *bp, mb_error *err);
/** Parse "YYYY-MM-DD" into YYYYMMDD, checking it is a calendar date. */
MB_EXTERN int mb_date_parse(const char *text, int32_t *date, mb_error *err);

/** Create a claim settled on `date` (YYYYMMDD), of `med_type`, at a facility of `level`. */
MB_EXTERN int mb_claim_new(mb_claim **out, const char *id, int32_t date, int med_type,
                           const char *facility_id, int level, mb_error *err);
MB_EXTERN void mb_claim_free(mb_claim *c);
MB_EXTERN const char *mb_claim_id(const mb_claim *c);

/** Set MB_CLAIM_* flags (replaces the previous set). */
MB_EXTERN int mb_claim_set_flags(mb_claim *c, unsigned flags, mb_error *err);
/** The facility's category (since 1.1), as rulesets that distinguish facilities beyond their
 *  level name them under `facility_categories`: 社区卫生服务机构, a price class (一类, 二类,
 *  三类), 省属三级 … (its name or label there; NULL clears it). A ruleset that does not list the
 *  category chooses the claim's rows by level alone. */
MB_EXTERN int mb_claim_set_facility_category(mb_claim *c, const char *category, mb_error *err);
/** The disease treated (chronic claims) and, where a cap depends on it, the treatment line
 *  ("放化疗", "药物维持治疗", "终末期透析" …; NULL for none). */
MB_EXTERN int mb_claim_set_disease(mb_claim *c, const char *name_or_code, const char *treatment,
                                   mb_error *err);
/** Inpatient claims: admission and discharge dates (admitted <= discharged <= claim date). */
MB_EXTERN int mb_claim_set_admission(mb_claim *c, int32_t admitted, int32_t discharged,
                                     mb_error *err);
/** Pharmacy claims filled through prescription flow: the prescribing facility. */
MB_EXTERN int mb_claim_set_prescriber(mb_claim *c, const char *facility_id, int level,
                                      mb_error *err);
/** Add a line item of `fen`, class A/B/C. `first_selfpay_bp` is the class B first self-pay
 *  ratio in basis points (1000 = 10%), or -1 for the ruleset's default. */
MB_EXTERN int mb_claim_add_item(mb_claim *c, int64_t fen, int item_class, int first_selfpay_bp,
                                mb_error *err);
/** Amounts of this claim already settled elsewhere (for example basic insurance on the national
 *  platform): policy-scope cost, basic insurance paid, and critical illness paid, or -1 when
 *  critical illness insurance was not settled upstream. The chain then skips its basic tier
 *  (and its critical illness tier unless `critical_illness` is -1) and settles what follows on
 *  the policy-scope self-pay those amounts leave.
 *  The items still give fulamt_ownpay_amt (class C) and preselfpay_amt (class B first self-pay:
 *  give each class B item the platform's selfpay_prop when the chain has no basic ruleset);
 *  what the total holds beyond those and `compliant` is overlmt_selfpay (超限价). Settlement
 *  refuses with MB_E_INVALID_AMOUNT a claim whose `compliant` + class C + first self-pay exceed
 *  its total. */
MB_EXTERN int mb_claim_set_upstream(mb_claim *c, int64_t compliant, int64_t basic,
                                    int64_t critical_illness, mb_error *err);
/** 民政救助 or other assistance already paid on this claim upstream (after
 *  mb_claim_set_upstream, whose policy-scope cost it is paid from: basic + critical illness +
 *  assistance may not exceed it). It is reported in maf_pay_amt and in a 610100 fund row, and
 *  counts toward a top-up layer's target (兜底 after 新农合, 大病保险 and 民政救助); the chain's
 *  assistance tier still settles what it leaves. 0 clears it. */
MB_EXTERN int mb_claim_set_upstream_assistance(mb_claim *c, int64_t assistance, mb_error *err);

/* ---------------------------------------------------------------------------------------------
 * 5. Settlement
 *
 * A chain is an array of 1..8 rulesets in tier order (basic, critical illness, assistance; each
 * tier at most once). Settlement performs no heap allocation: the result handle holds all of its
 * output in storage allocated once by mb_result_new().
 * ------------------------------------------------------------------------------------------- */

typedef struct mb_result mb_result;

/** Allocate a result handle, reusable for any number of settlements. */
MB_EXTERN int mb_result_new(mb_result **out, mb_error *err);
MB_EXTERN void mb_result_free(mb_result *r);

/** Compute the settlement of `claim` for `enrollee` under `chain` without changing anything
 *  (national interface 2206/2303). The enrollee is only read. */
MB_EXTERN int mb_presettle(mb_result *out, const mb_ruleset *const *chain, size_t chain_len,
                           const mb_enrollee *enrollee, const mb_claim *claim, mb_error *err);

/** Compute and commit (2207/2304): the enrollee's accumulators and account change as the result
 *  says, and the settlement is recorded in the enrollee's journal under its setl_id
 *  (mb_result_setl_id) for reversal. A claim whose id the journal already holds is refused with
 *  MB_E_STATE: an HIS that retries after a network error must not pay twice. (A claim without an
 *  id cannot be recognised as a repeat: give every claim its id.) On any error nothing changes. */
MB_EXTERN int mb_settle(mb_result *out, const mb_ruleset *const *chain, size_t chain_len,
                        mb_enrollee *enrollee, const mb_claim *claim, mb_error *err);

/** mb_settle_batch flags. */
#define MB_BATCH_PRESETTLE 0x01u /* compute each claim against the unchanged enrollee */

/**
 * Settle `nclaims` claims of one enrollee in order, in one call (one FFI crossing for a year of
 * claims). Each claim is committed (or only pre-settled with MB_BATCH_PRESETTLE); row i of the
 * caller-owned `amounts` array (nclaims x stride) receives the claim's amounts in mb_amount
 * order (a stride above mb_amount_count() leaves the extra cells 0), `status[i]` its status and `covered[i]` whether its benefit applied (each
 * array may be NULL). Each committed claim is recorded in the journal as mb_settle() records it,
 * and a claim id already settled (before the batch or earlier in it) fails with MB_E_STATE. A
 * claim that fails changes nothing and the batch goes on. Before each claim it commits, it
 * makes the room the claim can need in the enrollee's accumulator table (see
 * mb_enrollee_reserve_for). Afterwards `r` holds the last successful settlement. Returns MB_OK
 * when every claim settled, else the first failure's status, described in `err`.
 */
MB_EXTERN int mb_settle_batch(mb_result *r, const mb_ruleset *const *chain, size_t chain_len,
                              mb_enrollee *enrollee, const mb_claim *const *claims,
                              size_t nclaims, unsigned flags, int64_t *amounts, size_t stride,
                              int32_t *status, int32_t *covered, mb_error *err);

/**
 * Columnar batches (since 1.1): the claims of many enrollees as arrays, settled in one call,
 * for callers that hold columns (numpy or Arrow arrays, Java direct buffers) rather than claim
 * handles. Row i of the arrays is one claim of enrollees[enrollee[i]]; each enrollee's rows
 * are settled in row order, exactly as mb_settle would settle the same claims one by one (the
 * amounts are the same to the fen), and rows of different enrollees are independent, so the
 * call may settle them on several threads.
 *
 * Strings appear once, in tables the rows index: a facility, disease, treatment or facility
 * category column holds an index into `facilities`, `diseases`, `treatments` or
 * `facility_categories` (-1: none), and each table entry is
 * checked (length, UTF-8) and hashed, and each disease found in the chain's catalogues, once
 * per call. A disease table entry may be a code or a name, as mb_claim_set_disease takes.
 * Optional columns may be NULL: every row then has none (flags 0, no disease, no treatment, no
 * admission dates, no prescriber, no facility category, the ruleset's class B ratio, nothing
 * settled upstream). Every med_type mb_claim_new takes is taken, and a chain may hold
 * revisions of one line: each row settles under the revision in force on its date.
 *
 * The structs are versioned by their first field: initialise them with MB_COLUMNS_INIT,
 * MB_COLUMN_RESULTS_INIT and MB_COLUMNS_OPTIONS_INIT, then set the fields you use; a later
 * library adds fields at the end only and reads those a caller compiled against an earlier
 * header as absent.
 */
typedef struct mb_columns {
    size_t size;                       /* sizeof(mb_columns) as the caller compiled it */
    size_t nrows;
    const uint32_t *enrollee;          /* index into the call's `enrollees` */
    const char *const *claim_id;       /* used in messages only; NULL: rows are named by index */
    const int32_t *date;               /* YYYYMMDD */
    const int32_t *med_type;           /* mb_med_type */
    const int32_t *level;              /* mb_level of the facility */
    const uint32_t *flags;             /* MB_CLAIM_* */
    const int32_t *facility;           /* index into facilities, -1: none */
    const int32_t *disease;            /* index into diseases, -1: none */
    const int32_t *treatment;          /* index into treatments, -1: none */
    const int32_t *admitted;           /* inpatient admission and discharge dates; 0: none */
    const int32_t *discharged;
    const int32_t *prescriber;         /* index into facilities, -1: none */
    const int32_t *prescriber_level;   /* mb_level of the prescriber */
    /* line items: row i's are items [item_start[i], item_start[i + 1]) (nrows + 1 offsets,
     * item_start[0] = 0, never decreasing) */
    const uint64_t *item_start;
    const int64_t *item_fen;
    const int32_t *item_class;         /* mb_item_class */
    const int32_t *item_selfpay_bp;    /* class B first self-pay bp, -1: the ruleset's default */
    /* mb_claim_set_upstream's amounts; a row with up_compliant -1 has none */
    const int64_t *up_compliant;
    const int64_t *up_basic;
    const int64_t *up_critical;        /* -1: critical illness not settled upstream */
    /* the string tables */
    const char *const *facilities;
    size_t nfacilities;
    const char *const *diseases;
    size_t ndiseases;
    const char *const *treatments;
    size_t ntreatments;
    /* the facility's category (mb_claim_set_facility_category): an index into
     * facility_categories, -1: none */
    const int32_t *facility_category;
    const char *const *facility_categories;
    size_t nfacility_categories;
} mb_columns;

/** Where a columnar batch writes, the caller's arrays (each may be NULL): row i's amounts in
 *  mb_amount order at amounts[i * stride] (cells beyond mb_amount_count() are 0), its status
 *  (MB_OK, or the mb_status the claim failed with: a bad value, an unknown disease, no room,
 *  out of memory), and whether its benefit applied. A failed row's amounts and covered are 0,
 *  and it changes nothing. Rows outside the options' enrollee range are not written. */
typedef struct mb_column_results {
    size_t size;                       /* sizeof(mb_column_results) as the caller compiled it */
    int64_t *amounts;
    size_t stride;
    int32_t *status;
    int32_t *covered;
} mb_column_results;

/** How a columnar batch runs. */
typedef struct mb_columns_options {
    size_t size;                       /* sizeof(mb_columns_options) as the caller compiled it */
    unsigned flags;                    /* MB_BATCH_PRESETTLE: change no enrollee */
    /* threads to settle on: 0, one per online core; 1, the calling thread only. Threads that
     * cannot be started leave their share to the calling thread. With more than one, the
     * allocator hook may be called from several threads at once. */
    unsigned threads;
    /* settle only the rows of enrollees[enrollee_from .. enrollee_to - 1] (enrollee_to 0: to
     * the end), for a caller that shares the enrollees out among its own threads or workers:
     * calls on disjoint ranges may run at once on the same columns */
    size_t enrollee_from, enrollee_to;
} mb_columns_options;

#define MB_COLUMNS_INIT {sizeof(mb_columns), 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
                         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
                         NULL, 0, NULL, 0, NULL, 0, NULL, NULL, 0}
#define MB_COLUMN_RESULTS_INIT {sizeof(mb_column_results), NULL, 0, NULL, NULL}
#define MB_COLUMNS_OPTIONS_INIT {sizeof(mb_columns_options), 0, 1, 0, 0}

/**
 * Settle the rows of `claims` for `enrollees` under `chain` (since 1.1). Each row is committed
 * to its enrollee (or only computed, with MB_BATCH_PRESETTLE) and reported in `out`; a row
 * that fails is reported in its status and changes nothing, and the batch goes on. A committed
 * row is recorded in its enrollee's journal under its settlement id, as mb_settle records a
 * claim (its claim_id is checked as mb_claim_new checks one; a row without one takes an
 * ordinal), and a claim id already settled fails its row with MB_E_STATE. Before
 * each row the enrollee's accumulator table is given the room the row can need
 * (mb_enrollee_reserve_for): the only allocation of the call besides one block for the string
 * tables, and thread stacks. No trace is kept.
 *
 * Returns MB_OK when every row settled; otherwise the status of the failed row with the
 * smallest index, described in `err` ("row 17 (claim C17): ..."). Arguments that make the
 * batch unreadable fail it before any row settles, changing nothing: a NULL chain, enrollees,
 * claims or out; a malformed chain; a struct whose size is smaller than its first version's;
 * a required column missing (enrollee, date, med_type, level, item_start, and item_fen and
 * item_class when there are items); item offsets that do not start at 0 or decrease; string
 * table counts whose tables' size would pass SIZE_MAX; MB_E_NOMEM for the string tables. A row naming an enrollee, facility, disease or treatment
 * beyond its table, a NULL enrollee or a table entry that is not valid text fails that row
 * with MB_E_INVALID_ARGUMENT. `options` may be NULL (the defaults of MB_COLUMNS_OPTIONS_INIT).
 * An enrollee handle listed twice is settled on one thread, in row order.
 */
MB_EXTERN int mb_settle_columns(const mb_ruleset *const *chain, size_t chain_len,
                                mb_enrollee *const *enrollees, size_t nenrollees,
                                const mb_columns *claims, const mb_column_results *out,
                                const mb_columns_options *options, mb_error *err);

/** Family members whose account may pay (mb_settle_family). */
typedef enum mb_family_relation {
    MB_FAMILY_SPOUSE = 1, /* 配偶 */
    MB_FAMILY_PARENT = 2, /* 父母: the payer is the patient's child */
    MB_FAMILY_CHILD = 3   /* 子女: the payer is the patient's parent */
} mb_family_relation;

/**
 * Settle and commit `claim` for `patient` where, after the patient's own account, the personal
 * account of `payer` (a family member in `relation` to the patient) pays the rest of the
 * patient's share (共济, 常政办发〔2022〕91号 二（三）). Refused with MB_E_NOT_ELIGIBLE when the
 * chain's basic ruleset does not allow family use for that relation. acct_pay includes the
 * family part, which acct_mulaid_pay reports. Both enrollees change; on error neither does.
 * Both journals record it under the same setl_id: the patient's with the accumulators and its
 * own account, the payer's with what its account paid. It is reversed with both enrollees
 * given (mb_reverse_family, mb_reverse_family_id), so that neither account is given back alone;
 * mb_reverse_id on either side is refused with MB_E_STATE naming the other.
 */
MB_EXTERN int mb_settle_family(mb_result *out, const mb_ruleset *const *chain, size_t chain_len,
                               mb_enrollee *patient, mb_enrollee *payer, int relation,
                               const mb_claim *claim, mb_error *err);
/** Reverse the family settlement `settled` holds (mb_settle_family) as mb_reverse_family_id()
 *  does; the result must come from these two handles. */
MB_EXTERN int mb_reverse_family(mb_enrollee *patient, mb_enrollee *payer, mb_result *settled,
                                mb_error *err);

/**
 * The month's personal-account accrual (个人账户计入) for `person_type` on `date` under the
 * ruleset's `account_accrual` rows: `base_fen` times the ratio in force, half up to the fen. The
 * base is what the row's clause names (the contribution base for employees in service; the
 * monthly standard of December 2022, or the area's average basic pension from 2024, for the
 * retired). MB_E_NOT_FOUND when the ruleset states no accrual for that person.
 */
MB_EXTERN int mb_account_accrual(const mb_ruleset *rs, int person_type, int32_t date,
                                 int64_t base_fen, int64_t *accrual_fen, mb_error *err);
/** Credit the month's accrual (mb_account_accrual) to the enrollee's account. */
MB_EXTERN int mb_enrollee_accrue(mb_enrollee *e, const mb_ruleset *rs, int32_t date,
                                 int64_t base_fen, int64_t *credited_fen, mb_error *err);

/** Reverse the committed settlement `settled` holds, as mb_reverse_id() does with its id
 *  (since 1.1 any settlement still in the journal, not only the latest). The result must come
 *  from this enrollee handle: a restored copy reverses by id. Reversing twice, a result that
 *  holds a pre-settlement, or another enrollee's settlement is MB_E_STATE. */
MB_EXTERN int mb_reverse(mb_enrollee *enrollee, mb_result *settled, mb_error *err);

/* ---------------------------------------------------------------------------------------------
 * Reversal by settlement id, and the journal (since 1.1; docs/reversal.md)
 *
 * Every committed settlement has a setl_id and is recorded in the enrollee's journal with what
 * it changed: what it added to each accumulator, the dates and flags it raised, what it took
 * from the account. Any settlement the journal keeps can be reversed by its id, in any order,
 * from this process or from an enrollee restored from its saved blob. Its own changes are taken
 * back; the later settlements keep the amounts they were settled with, as on the national
 * platform (2208/2305 reverse one settlement). So a cap or deductible that a reversed settlement
 * had used is free again for the claims that follow; a later claim that was capped is not
 * settled again. Reversing every settlement made since a save, in any order, gives back the
 * saved bytes.
 * ------------------------------------------------------------------------------------------- */

/** The settlement id of the committed settlement `r` holds, also once reversed: 16 lowercase
 *  hex digits, derived from the enrollee's id, the claim's id and (for a claim without an id) an
 *  ordinal, so that it fits the platform's setl_id (30 characters) and is unique among the
 *  enrollee's settlements. "" when `r` holds a pre-settlement or nothing yet; a failed call
 *  leaves `r`, and so its id, as they were. Owned by `r`, formatted into it on request. */
MB_EXTERN const char *mb_result_setl_id(const mb_result *r);

/** Reverse the committed settlement `setl_id` of `e` (2208/2305), whether or not it is the
 *  latest, from this process or from an enrollee restored from a saved blob: what it added to
 *  the accumulators is taken away, the values it raised (the last activity and lapse dates,
 *  benefit-kind flags) go back to the largest the other settlements and the state before the
 *  journal give, and its account payment is credited back. `setl_id` may be in either case. An id
 *  that is not 16 hex digits is MB_E_INVALID_ARGUMENT; a settlement the journal does not hold
 *  (reversed already, another enrollee's, or dropped as older than the journal keeps) is
 *  MB_E_STATE, and so is a family settlement (use mb_reverse_family_id). */
MB_EXTERN int mb_reverse_id(mb_enrollee *e, const char *setl_id, mb_error *err);

/** Reverse the family settlement `setl_id` (mb_settle_family): the patient's accumulators and
 *  account, and the payer's account, in one call; when either journal no longer holds it, or
 *  they disagree, nothing changes (MB_E_STATE). */
MB_EXTERN int mb_reverse_family_id(mb_enrollee *patient, mb_enrollee *payer,
                                   const char *setl_id, mb_error *err);

/** How many settlements the enrollee's journal keeps for reversal: 32 by default (a refund comes
 *  within days or weeks: 32 is a month of daily visits, two years of monthly chronic ones), at
 *  most 4096. The journal's memory grows with what it holds (about 200 bytes a settlement and 32
 *  for each accumulator it changed), made with the accumulators' room (mb_enrollee_reserve_for)
 *  so that settling never allocates; in the saved blob an entry takes about 20 bytes and its claim id, plus 21-29 per
 *  accumulator it changed. When the journal is full the oldest settlement drops and can no
 *  longer be reversed, nor its claim id recognised as settled. A limit below the settlements
 *  kept drops the oldest; 0 keeps none. The limit is saved with the enrollee. */
MB_EXTERN int mb_enrollee_set_journal_limit(mb_enrollee *e, size_t max_settlements, mb_error *err);
MB_EXTERN size_t mb_enrollee_journal_limit(const mb_enrollee *e);

/** Which side of a family settlement (mb_settle_family) a journal entry is. */
typedef enum mb_journal_family {
    MB_JOURNAL_OWN = 0,     /* the enrollee's own settlement */
    MB_JOURNAL_PATIENT = 1, /* the enrollee's claim, in part paid from family_member's account */
    MB_JOURNAL_PAYER = 2    /* family_member's claim, in part paid from this enrollee's account */
} mb_journal_family;

/** One settlement the journal keeps (mb_enrollee_journal). Strings are owned by the enrollee
 *  and valid until it next changes; the id is formatted into it when asked for (settlement does
 *  no string work), so like every call on an enrollee this belongs to the thread using it. */
typedef struct mb_journal_entry {
    const char *setl_id;       /* as mb_result_setl_id() gave it */
    const char *claim_id;      /* "" for a claim without an id */
    int32_t date;              /* the claim's date */
    int family;                /* mb_journal_family */
    const char *family_member; /* the payer or the patient of a family settlement, else "" */
    int64_t acct_pay;          /* fen taken from this enrollee's own account */
    int64_t family_pay;        /* MB_JOURNAL_PATIENT: fen taken from the payer's account */
    size_t changes;            /* accumulators it changed (mb_enrollee_journal_change) */
} mb_journal_entry;

/** The settlements the journal keeps, index 0 (the oldest) to count-1. */
MB_EXTERN size_t mb_enrollee_journal_count(const mb_enrollee *e);
MB_EXTERN int mb_enrollee_journal(const mb_enrollee *e, size_t index, mb_journal_entry *entry);

/** How a journal entry changed an accumulator (mb_journal_change.kind). */
typedef enum mb_change_kind {
    MB_CHANGE_ADDED = 1, /* `amount` fen was added (a year's payments, a base) */
    MB_CHANGE_RAISED = 2 /* a date or flag was raised to `amount` from `before` (or stood higher) */
} mb_change_kind;

/** One accumulator change of a journal entry. The enrollee keeps keys as hashes: the names are
 *  found in `chain` (may be NULL) and are "" when no ruleset of it defines the key. */
typedef struct mb_journal_change {
    const char *ruleset_id; /* the ruleset keeping it, or "kind" for a benefit-kind flag */
    const char *key;        /* "chronic.paid", "activity", "revoked", or the benefit kind */
    int32_t period;         /* 2023, 20232, or 0 for a date */
    int kind;               /* mb_change_kind */
    int64_t amount;
    int64_t before;         /* MB_CHANGE_RAISED: the largest value before it in the journal */
} mb_journal_change;
MB_EXTERN int mb_enrollee_journal_change(const mb_enrollee *e, size_t index, size_t change,
                                         const mb_ruleset *const *chain, size_t chain_len,
                                         mb_journal_change *out);

/**
 * The settlement amounts, in the national platform's vocabulary (setlinfo). Every result keeps
 * the platform's identities:
 *   medfee_sumamt   = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt
 *   fund_pay_sumamt = hifp_pay + hifob_pay + hifmi_pay + maf_pay
 *   psn_part_amt    = medfee_sumamt - fund_pay_sumamt
 *   psn_cash_pay    = psn_part_amt - acct_pay
 * Values are stable; a later library only appends (see mb_amount_count()).
 */
typedef enum mb_amount {
    MB_AMT_MEDFEE_SUMAMT = 0,     /* 医疗费总额 */
    MB_AMT_FULAMT_OWNPAY = 1,     /* 全自费金额 (class C) */
    MB_AMT_PRESELFPAY = 2,        /* 先行自付金额 (class B first self-pay) */
    MB_AMT_INSCP_SCP = 3,         /* 符合政策范围金额 */
    MB_AMT_ACT_PAY_DEDC = 4,      /* 实际支付起付线 (this claim) */
    MB_AMT_HIFP_PAY = 5,          /* 基本医疗保险统筹基金支出 */
    MB_AMT_HIFOB_PAY = 6,         /* 职工大额医疗费用补助基金支出 */
    MB_AMT_HIFMI_PAY = 7,         /* 居民大病保险资金支出 */
    MB_AMT_MAF_PAY = 8,           /* 医疗救助基金支出 */
    MB_AMT_FUND_PAY_SUMAMT = 9,   /* 基金支付总额 */
    MB_AMT_PSN_PART = 10,         /* 个人负担总金额 */
    MB_AMT_ACCT_PAY = 11,         /* 个人账户支出 */
    MB_AMT_PSN_CASH_PAY = 12,     /* 个人现金支出 */
    MB_AMT_BALC = 13,             /* 个人账户余额 after settlement */
    MB_AMT_ACCT_MULAID_PAY = 14,  /* 个人账户共济支付金额: the part of acct_pay a family member's
                                     account paid (mb_settle_family) */
    MB_AMT_OVERLMT_SELFPAY = 15,  /* 超限价自费金额: the part above a price limit; 0 unless
                                     settled upstream (mb_claim_set_upstream) */
    MB_AMT_COUNT_ = 16
} mb_amount;

/** One amount of the last settlement held by `r`, in fen (0 for an unknown `which`). */
MB_EXTERN int64_t mb_result_amount(const mb_result *r, int which);
/** The field name of an amount ("medfee_sumamt", "hifp_pay" …), or NULL for an unknown one. */
MB_EXTERN const char *mb_amount_name(int which);
/** How many amounts this library reports (MB_AMT_COUNT_ of the header it was built from): FFI
 *  callers cannot see macros, and a newer library may report more. */
MB_EXTERN int mb_amount_count(void);
/** Copy the first `n` amounts (in mb_amount order) into `out` in one call, for FFI callers that
 *  pay per crossing. Returns how many were copied. */
MB_EXTERN size_t mb_result_amounts(const mb_result *r, int64_t *out, size_t n);

/** Whether the chronic/special (or other conditional) benefit applied: 1 yes, 0 no. When 0,
 *  mb_result_reason() says why, citing the clause ("" when it applied). The text is formatted
 *  into the result handle when asked for (settlement does no string work), so like every call
 *  on a result it belongs to the thread using that result. */
MB_EXTERN int mb_result_covered(const mb_result *r);
MB_EXTERN const char *mb_result_reason(const mb_result *r);

/** Fund rows (setldetail): one per fund that took part, in tier order. */
typedef struct mb_fund_row {
    const char *fund_pay_type;      /* "310100", "330100", "390100", "390200", "610100" … */
    const char *fund_name;          /* 职工基本医疗保险统筹基金 … */
    int64_t inscp_scp_amt;          /* policy-scope amount the fund worked on */
    int64_t fund_payamt;            /* paid by the fund for this claim */
    int64_t crt_payb_lmt_amt;       /* cap still available after this claim; -1: unlimited */
} mb_fund_row;
MB_EXTERN size_t mb_result_fund_count(const mb_result *r);
MB_EXTERN int mb_result_fund(const mb_result *r, size_t index, mb_fund_row *row);

/** Trace steps, in order: each names its rule, the clause it cites, and amounts in and out.
 *  The rule ids are listed in docs/ruleset-format.md (The trace). */
typedef struct mb_trace_step {
    const char *ruleset_id; /* the ruleset the rule belongs to */
    const char *rule;       /* the rule id, e.g. "chronic.deductible" */
    const char *cite;       /* the clause, e.g. "锡医保服务〔2020〕41号 三", or "（假设）<reason>"
                               where an assumption stands for one; never empty */
    const char *what;       /* what the step did, in Chinese, e.g. "起付线" */
    int64_t amount_in;      /* the amount the step worked on */
    int64_t amount_out;     /* the amount it produced (paid, absorbed, capped…) */
    int32_t ratio_bp;       /* the ratio applied, basis points; -1 when none */
} mb_trace_step;
MB_EXTERN size_t mb_result_trace_count(const mb_result *r);
MB_EXTERN int mb_result_trace(const mb_result *r, size_t index, mb_trace_step *step);

/* ---------------------------------------------------------------------------------------------
 * 6. The national platform's messages (since 1.1)
 *
 * An offline stand-in for the 国家医疗保障信息平台: it answers the request envelopes an HIS
 * already builds (1101, 5301, 5206, 2201, 2203, 2204, 2206, 2207, 2208, 2401, 2301, 2303,
 * 2304, 2305) with the response envelopes it already reads (setlinfo, setldetail), settling
 * through this library. docs/platform.md lists every message and field honoured and refused.
 *
 * The platform keeps what the national platform keeps between calls: each person (recorded
 * from 1101, 5301 and 5206 answers the HIS passes in), visits by mdtrt_id with their fee
 * details, settlements by setl_id. Where it keeps them is the caller's choice: in the handle
 * (the default, gone with it), in a directory (mb_platform_set_state_dir: one file, replaced
 * atomically, locked against other processes), or in a store of the caller's. A call that
 * fails changes nothing in it.
 * ------------------------------------------------------------------------------------------- */

typedef struct mb_platform mb_platform;

/** mb_platform_new flags. */
#define MB_PLATFORM_FIXED_CHAIN 0x01u /* the rulesets are the chain, in tier order, for every
                                         call; without it each call picks its chain among them
                                         from their `platform` declarations */

/**
 * Create a platform over `nrulesets` rulesets (1..64). They are borrowed: they must outlive
 * the platform. With MB_PLATFORM_FIXED_CHAIN they form the chain every call settles under
 * (checked as mb_settle checks a chain); without it, each call settles under those whose
 * declarations (insuplc_admdvs, insutype, med_type) match the claim, one per tier. The state
 * starts in memory (see mb_platform_set_state_dir, mb_platform_set_store).
 */
MB_EXTERN int mb_platform_new(mb_platform **out, const mb_ruleset *const *rulesets,
                              size_t nrulesets, unsigned flags, mb_error *err);
/** Free a platform (and, for the in-memory state, the state). NULL is ignored. */
MB_EXTERN void mb_platform_free(mb_platform *p);

/**
 * Keep the state in `dir` (which must exist): the file `dir`/platform-state.json, read at the
 * start of each call and, when the call changed it, replaced at its end by writing a
 * temporary file in `dir`, syncing it and renaming it over the old one. Each call holds an
 * exclusive flock(2) on `dir` from start to end, so separate processes take turns. A call that
 * fails leaves `dir` byte for byte as it was.
 */
MB_EXTERN int mb_platform_set_state_dir(mb_platform *p, const char *dir, mb_error *err);

/**
 * A state store of the caller's: the platform calls `load` at the start of every call and
 * `save` at its end when the call changed the state, then `done` (if not NULL) whatever
 * happened. `load` gives the whole state (*data NULL and *len 0 when there is none yet; the
 * store owns the bytes until `done`); `save` must replace it atomically, so that after a
 * failed save the old state stands. Each returns MB_OK or a negative mb_status, and may fill
 * `err`. The store is copied; `ctx` is passed back on every call.
 */
typedef struct mb_platform_store {
    int (*load)(void *ctx, const void **data, size_t *len, mb_error *err);
    int (*save)(void *ctx, const void *data, size_t len, mb_error *err);
    void (*done)(void *ctx);
    void *ctx;
} mb_platform_store;
MB_EXTERN int mb_platform_set_store(mb_platform *p, const mb_platform_store *store,
                                    mb_error *err);

/** The level (mb_level) of an institution by its fixmedins_code: the national platform knows
 *  each one's level, the messages do not carry it. A settlement at an institution never set
 *  is refused, saying so. */
MB_EXTERN int mb_platform_set_facility(mb_platform *p, const char *fixmedins_code, int level,
                                       mb_error *err);

/**
 * Answer one request envelope of `len` bytes (UTF-8 JSON, not necessarily NUL-terminated).
 * *response receives the response envelope (UTF-8 JSON, NUL-terminated, *response_len bytes
 * without the NUL), owned by the platform and valid until the next call on it or its free.
 *
 * Returns MB_OK when the envelope says infcode 0. When the request is refused, the envelope
 * says infcode -1 with err_msg, the return is the negative status and `err` holds the same
 * message; nothing in the state changed. Only when no envelope can be made at all (NULL
 * arguments, out of memory) is *response NULL. Not thread-safe: one call at a time per
 * platform (the directory store also serialises processes).
 */
MB_EXTERN int mb_platform_call(mb_platform *p, const char *request, size_t len,
                               const char **response, size_t *response_len, mb_error *err);

#ifdef __cplusplus
}
#endif
#endif /* MEDBENEFIT_H */
