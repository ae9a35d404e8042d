/* What the libFuzzer targets share: choices read from the input bytes, the bundled rulesets
 * loaded once, and the library's contract checked as invariants. A broken invariant aborts,
 * so libFuzzer keeps the input as a crash, unless its id is listed in MB_FUZZ_KNOWN (a defect
 * already reported, tests/fuzz/known-defects.txt): then the input is counted and dropped (or,
 * through fz_noted, carried on), and fuzzing goes on looking for new defects. */
#ifndef MB_FUZZ_H
#define MB_FUZZ_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../chains.h"
#include "medbenefit.h"

/* ---- choices from the input ---------------------------------------------------------------- */

/* The bytes not yet read; reading past the end gives zeros. */
typedef struct fz_input {
    const uint8_t *p;
    size_t n;
} fz_input;

uint8_t fz_u8(fz_input *in);
uint16_t fz_u16(fz_input *in);
uint32_t fz_u32(fz_input *in);
uint64_t fz_u64(fz_input *in);
/* 0 .. n-1 (n >= 1). */
unsigned fz_pick(fz_input *in, unsigned n);
/* An amount in fen, mostly plausible (0, cents, round yuan, near the caps), sometimes negative
 * or absurd. */
int64_t fz_amount(fz_input *in);
/* A date: mostly YYYYMMDD within 2020..2026 (not always a calendar date), sometimes any int. */
int32_t fz_date(fz_input *in);
/* One of `choices`, or now and then up to 160 raw bytes of the input (maybe not UTF-8, maybe
 * too long for the field), NUL-terminated in `buf`. */
const char *fz_text(fz_input *in, const char *const *choices, size_t nchoices, char *buf,
                    size_t cap);

/* ---- tracing ------------------------------------------------------------------------------- */

/* With MB_FUZZ_TRACE=1 in the environment (read by fz_init), fz_trace prints one line to stderr:
 * the calls an input makes and their arguments, so that a finding can be read as a call
 * sequence and written as a unit test. Off, it costs a branch. */
extern bool fz_tracing;
void fz_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define FZ_TRACE(...)                 \
    do {                              \
        if (fz_tracing)               \
            fz_trace(__VA_ARGS__);    \
    } while (0)
/* `s` as a C string literal (quotes, escapes for bytes outside printable ASCII), in one of a
 * few rotating static buffers: for fz_trace's arguments. */
const char *fz_quote(const char *s);

/* ---- the bundled rulesets ------------------------------------------------------------------ */

/* Loaded by fz_init from MB_SOURCE_ROOT/rulesets, indexed as mb_test_ruleset_ids. */
extern const mb_ruleset *fz_rulesets[MB_TEST_RULESETS];
/* The rulesets of mb_test_chains[index] into chain[0..2]; returns the length. */
size_t fz_chain(unsigned index, const mb_ruleset **chain);

/* Load the rulesets and read MB_FUZZ_KNOWN and MB_FUZZ_TRACE. Call from LLVMFuzzerInitialize. */
void fz_init(void);

/* ---- invariants ---------------------------------------------------------------------------- */

/* Where a known defect's input is dropped: LLVMFuzzerTestOneInput does
 *     if (setjmp(fz_drop)) { free everything; return -1; } */
extern jmp_buf fz_drop;

/* Invariant `id` is broken: print why, then abort (or drop the input when `id` is known). */
_Noreturn void fz_broken(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a defect that spoils nothing after it: when `id` is known, the input goes on. */
void fz_noted(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define FZ_REQUIRE(id, cond, ...)            \
    do {                                     \
        if (!(cond))                         \
            fz_broken(id, __VA_ARGS__);      \
    } while (0)
/* Whether invariant `id` is listed as known (a harness may then skip what it would break). */
bool fz_known(const char *id);

/* A failed call returns a negative mb_status, and describes itself in `err`. */
void fz_check_error(int rc, const mb_error *err, const char *call);

/* The contract of one settlement: every amount >= 0, funds + account + cash = total, policy
 * scope + class C + first self-pay = total, the fund rows add up to the funds, the account pays
 * at most `balance_before` and leaves balc, a claim not covered says why, and every trace step
 * names its rule and cites its clause. `balance_before` -1 skips the account check; `upstream`
 * says the claim carries amounts settled upstream (its sums are checked as "upstream-adds-up"). */
void fz_check_result(const mb_result *r, int64_t balance_before, bool upstream, const char *what);
/* Two settlements of the same claim on the same state agree: amounts, covered, funds, trace. */
void fz_check_same_result(const mb_result *a, const mb_result *b, const char *id,
                          const char *what);

/* Whether settling claim `c` for `e` (with `payer`'s account, or NULL) may be, or must be,
 * refused as a claim settled already (MB_E_STATE, docs/reversal.md): it must when `e`'s journal
 * holds a settlement of the claim's id; it may when a payer's side of a family settlement under
 * the same id is there (a settlement id is kept once). */
enum { FZ_REPEAT_NONE, FZ_REPEAT_MAY, FZ_REPEAT_MUST };
int fz_repeat(const mb_enrollee *e, const mb_enrollee *payer, const mb_claim *c);
/* A settle that presettled `prc` returned `rc`: the same, or refused as a repeat (fz_repeat). */
void fz_check_settle_status(int prc, int rc, int repeat, const char *what);

/* The saved bytes of `e` into `buf` (FZ_BLOB_MAX); saving a live enrollee must succeed. */
#define FZ_BLOB_MAX (256u << 10)
size_t fz_save(const mb_enrollee *e, uint8_t *buf);
/* Saved bytes must be equal: invariant `id` otherwise. */
void fz_check_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, const char *id,
                    const char *what);
/* save -> restore -> save gives the same bytes; returns the saved size. The bytes saved go
 * into `saved` (FZ_BLOB_MAX) unless it is NULL, so that a caller needs no second save. */
size_t fz_check_roundtrip(const mb_enrollee *e, uint8_t *saved, const char *what);

/* ---- a fixed set of claims ---------------------------------------------------------------- */

/* Claims of every med_type on three dates (2021, 2023, 2025) at the enrollee's designated
 * facility, chronic ones for the diseases it holds and for the first of `rs`'s catalogue (rs may
 * be NULL), each with its own id ("F0", "F1" ...). Up to 48 into `out`; the caller frees them. */
size_t fz_claims_for(const mb_enrollee *e, const mb_ruleset *rs, mb_claim **out);
/* Settle `claims` in order: presettle changes nothing and agrees with settle (or the claim is
 * refused as settled already, fz_repeat), each settlement keeps the contract (fz_check_result),
 * a failure changes nothing, save -> restore -> save holds, and reversing every settlement, not
 * last first (even ones first, then odd ones, half of them by id), gives back the saved bytes.
 * The journal's bound is raised first when the claims would not fit it. */
void fz_settle_all(const mb_ruleset *const *chain, size_t chain_len, mb_enrollee *e,
                   mb_claim *const *claims, size_t nclaims, const char *what);

#endif
