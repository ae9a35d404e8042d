"""The C declarations of medbenefit.h that the binding uses, and finding the shared library.

cffi in ABI mode: nothing is compiled. The declarations below are copied from
include/medbenefit.h; enums are declared as plain ints, since cffi cannot see the header's enums
and macros: their values are generated from the header into _constants.py. The structs'
layouts are checked against the header by tests/test_constants.py.

The binding is released with the library and declares the functions of its version: a library
older than MIN_VERSION is refused when loaded, not when a function it lacks is first called.

The library is found, in order:
  1. $MEDBENEFIT_LIBRARY (a file, or a directory holding libmedbenefit.so.1);
  2. libmedbenefit.so.1 next to this package (a wheel or a vendored copy);
  3. `pkg-config --variable=libdir medbenefit` (an installed library);
  4. the dynamic loader's own search for "libmedbenefit.so.1".
"""
import os
import shutil
import subprocess
from typing import Any, List, Optional, Tuple

from cffi import FFI

SONAME = "libmedbenefit.so.1"
ABI_MAJOR = 1
MIN_VERSION = 10100
"""The library release this binding declares (1.1.0: mb_settle_columns, the journal)."""

CDEF = r"""
int mb_version_number(void);
const char *mb_version(void);

const char *mb_status_name(int status);
const char *mb_status_text(int status);

typedef struct mb_error mb_error;
mb_error *mb_error_new(void);
void mb_error_free(mb_error *err);
void mb_error_clear(mb_error *err);
int mb_error_status(const mb_error *err);
const char *mb_error_message(const mb_error *err);
const char *mb_error_file(const mb_error *err);
int mb_error_line(const mb_error *err);
const char *mb_error_key(const mb_error *err);

typedef struct mb_ruleset mb_ruleset;
int mb_ruleset_load_file(mb_ruleset **out, const char *path, mb_error *err);
int mb_ruleset_load_buffer(mb_ruleset **out, const char *data, size_t len,
                           const char *name, mb_error *err);
int mb_ruleset_load_id(mb_ruleset **out, const char *id, const char *const *dirs,
                       mb_error *err);
const char *mb_ruleset_default_dir(void);
void mb_ruleset_free(mb_ruleset *rs);
const char *mb_ruleset_id(const mb_ruleset *rs);
const char *mb_ruleset_title(const mb_ruleset *rs);
const char *mb_ruleset_document(const mb_ruleset *rs);
int mb_ruleset_tier(const mb_ruleset *rs);
size_t mb_ruleset_assumption_count(const mb_ruleset *rs);
int mb_ruleset_assumption(const mb_ruleset *rs, size_t index, const char **where,
                          const char **reason);
size_t mb_ruleset_disease_count(const mb_ruleset *rs);
int mb_ruleset_disease(const mb_ruleset *rs, size_t index, const char **code,
                       const char **name, const char **group);
int mb_ruleset_find_disease(const mb_ruleset *rs, const char *name_or_code,
                            size_t *index, mb_error *err);
int mb_assess(const mb_ruleset *rs, const char *disease, const char *const *findings,
              size_t nfindings, int *certified, const char **unmet, const char **cite,
              mb_error *err);
int mb_ruleset_criteria(const mb_ruleset *rs, size_t index, const char **text,
                        const char **cite, size_t *items);
int mb_ruleset_criteria_item(const mb_ruleset *rs, size_t index, size_t item,
                             const char **number, const char **text);

typedef struct mb_enrollee mb_enrollee;
int mb_scheme_parse(const char *text);
int mb_person_type_parse(const char *text);
int mb_enrollee_new(mb_enrollee **out, const char *id, int scheme, int person_type,
                    mb_error *err);
void mb_enrollee_free(mb_enrollee *e);
const char *mb_enrollee_id(const mb_enrollee *e);
int mb_enrollee_scheme(const mb_enrollee *e);
int mb_enrollee_person_type(const mb_enrollee *e);
const char *mb_enrollee_designated_facility(const mb_enrollee *e, int32_t date);
const char *mb_enrollee_first_visit_facility(const mb_enrollee *e);
size_t mb_enrollee_disease_count(const mb_enrollee *e);
int mb_enrollee_disease(const mb_enrollee *e, size_t index, const char **name,
                        int32_t *certified_on, int32_t *valid_until);
size_t mb_enrollee_assistance_count(const mb_enrollee *e);
int mb_enrollee_assistance(const mb_enrollee *e, size_t index, const char **category,
                           int32_t *from, int32_t *to);
int mb_enrollee_set_account_balance(mb_enrollee *e, int64_t fen, mb_error *err);
int64_t mb_enrollee_account_balance(const mb_enrollee *e);
int mb_enrollee_set_designated_facility(mb_enrollee *e, const char *facility_id,
                                        mb_error *err);
int mb_enrollee_set_first_visit_facility(mb_enrollee *e, const char *facility_id,
                                         mb_error *err);
int mb_enrollee_add_disease(mb_enrollee *e, const char *name_or_code,
                            int32_t certified_on, int32_t valid_until, mb_error *err);
int mb_enrollee_add_assistance(mb_enrollee *e, const char *category, int32_t from,
                               int32_t to, mb_error *err);
int mb_enrollee_add_identity(mb_enrollee *e, const mb_ruleset *rs, const char *name,
                             int32_t from, int32_t to, mb_error *err);
int mb_enrollee_set_birth_date(mb_enrollee *e, int32_t birth_date, mb_error *err);
int32_t mb_enrollee_birth_date(const mb_enrollee *e);
int mb_enrollee_certify(mb_enrollee *e, const mb_ruleset *rs, const char *disease,
                        int32_t date, mb_error *err);
int mb_enrollee_status(const mb_enrollee *e, const mb_ruleset *rs, const char *disease,
                       int32_t date, int *state, int32_t *since, const char **cite,
                       mb_error *err);
int mb_enrollee_request_facility_change(mb_enrollee *e, const mb_ruleset *rs,
                                        int32_t request_date, const char *facility_id,
                                        mb_error *err);
int mb_enrollee_seed(mb_enrollee *e, const char *ruleset_id, const char *key,
                     int32_t period, int64_t fen, mb_error *err);
int64_t mb_enrollee_accumulator(const mb_enrollee *e, const char *ruleset_id,
                                const char *key, int32_t period);
size_t mb_ruleset_accumulator_count(const mb_ruleset *rs);
int mb_ruleset_accumulator(const mb_ruleset *rs, size_t index, const char **key,
                           int *period_kind);
int mb_enrollee_seed_checked(mb_enrollee *e, const mb_ruleset *rs, const char *key,
                             int32_t period, int64_t fen, mb_error *err);
int mb_enrollee_accumulator_checked(const mb_enrollee *e, const mb_ruleset *rs,
                                    const char *key, int32_t period, int64_t *fen,
                                    mb_error *err);
int mb_enrollee_reserve(mb_enrollee *e, size_t entries, mb_error *err);
int mb_enrollee_reserve_for(mb_enrollee *e, const mb_ruleset *const *chain, size_t chain_len,
                            mb_error *err);
int mb_enrollee_save(const mb_enrollee *e, void *buf, size_t cap, size_t *len,
                     mb_error *err);
int mb_enrollee_restore(mb_enrollee **out, const void *buf, size_t len, mb_error *err);

typedef struct mb_claim mb_claim;
int mb_med_type_parse(const char *text);
int mb_level_parse(const char *text);
int mb_item_class_parse(const char *text);
int mb_amount_parse(const char *text, int64_t *fen, mb_error *err);
int mb_ratio_parse(const char *text, int32_t *bp, mb_error *err);
int mb_date_parse(const char *text, int32_t *date, mb_error *err);
int mb_claim_new(mb_claim **out, const char *id, int32_t date, int med_type,
                 const char *facility_id, int level, mb_error *err);
void mb_claim_free(mb_claim *c);
const char *mb_claim_id(const mb_claim *c);
int mb_claim_set_flags(mb_claim *c, unsigned flags, mb_error *err);
int mb_claim_set_facility_category(mb_claim *c, const char *category, mb_error *err);
int mb_claim_set_disease(mb_claim *c, const char *name_or_code, const char *treatment,
                         mb_error *err);
int mb_claim_set_admission(mb_claim *c, int32_t admitted, int32_t discharged,
                           mb_error *err);
int mb_claim_set_prescriber(mb_claim *c, const char *facility_id, int level,
                            mb_error *err);
int mb_claim_add_item(mb_claim *c, int64_t fen, int item_class, int first_selfpay_bp,
                      mb_error *err);
int mb_claim_set_upstream(mb_claim *c, int64_t compliant, int64_t basic,
                          int64_t critical_illness, mb_error *err);
int mb_claim_set_upstream_assistance(mb_claim *c, int64_t assistance, mb_error *err);

typedef struct mb_result mb_result;
int mb_result_new(mb_result **out, mb_error *err);
void mb_result_free(mb_result *r);
int mb_presettle(mb_result *out, const mb_ruleset *const *chain, size_t chain_len,
                 const mb_enrollee *enrollee, const mb_claim *claim, mb_error *err);
int mb_settle(mb_result *out, const mb_ruleset *const *chain, size_t chain_len,
              mb_enrollee *enrollee, const mb_claim *claim, mb_error *err);
int mb_settle_batch(mb_result *r, const mb_ruleset *const *chain, size_t chain_len,
                    mb_enrollee *enrollee, const mb_claim *const *claims,
                    size_t nclaims, unsigned flags, int64_t *amounts, size_t stride,
                    int32_t *status, int32_t *covered, mb_error *err);
int mb_settle_family(mb_result *out, const mb_ruleset *const *chain, size_t chain_len,
                     mb_enrollee *patient, mb_enrollee *payer, int relation,
                     const mb_claim *claim, mb_error *err);
int mb_reverse_family(mb_enrollee *patient, mb_enrollee *payer, mb_result *settled,
                      mb_error *err);
int mb_account_accrual(const mb_ruleset *rs, int person_type, int32_t date,
                       int64_t base_fen, int64_t *accrual_fen, mb_error *err);
int mb_enrollee_accrue(mb_enrollee *e, const mb_ruleset *rs, int32_t date,
                       int64_t base_fen, int64_t *credited_fen, mb_error *err);
int mb_reverse(mb_enrollee *enrollee, mb_result *settled, mb_error *err);
int64_t mb_result_amount(const mb_result *r, int which);
const char *mb_amount_name(int which);
int mb_amount_count(void);
size_t mb_result_amounts(const mb_result *r, int64_t *out, size_t n);
int mb_result_covered(const mb_result *r);
const char *mb_result_reason(const mb_result *r);

typedef struct mb_fund_row {
    const char *fund_pay_type;
    const char *fund_name;
    int64_t inscp_scp_amt;
    int64_t fund_payamt;
    int64_t crt_payb_lmt_amt;
} mb_fund_row;
size_t mb_result_fund_count(const mb_result *r);
int mb_result_fund(const mb_result *r, size_t index, mb_fund_row *row);

typedef struct mb_trace_step {
    const char *ruleset_id;
    const char *rule;
    const char *cite;
    const char *what;
    int64_t amount_in;
    int64_t amount_out;
    int32_t ratio_bp;
} mb_trace_step;
size_t mb_result_trace_count(const mb_result *r);
int mb_result_trace(const mb_result *r, size_t index, mb_trace_step *step);

const char *mb_result_setl_id(const mb_result *r);
int mb_reverse_id(mb_enrollee *e, const char *setl_id, mb_error *err);
int mb_reverse_family_id(mb_enrollee *patient, mb_enrollee *payer, const char *setl_id,
                         mb_error *err);
int mb_enrollee_set_journal_limit(mb_enrollee *e, size_t max_settlements, mb_error *err);
size_t mb_enrollee_journal_limit(const mb_enrollee *e);
size_t mb_enrollee_journal_count(const mb_enrollee *e);
typedef struct mb_columns {
    size_t size;
    size_t nrows;
    const uint32_t *enrollee;
    const char *const *claim_id;
    const int32_t *date;
    const int32_t *med_type;
    const int32_t *level;
    const uint32_t *flags;
    const int32_t *facility;
    const int32_t *disease;
    const int32_t *treatment;
    const int32_t *admitted;
    const int32_t *discharged;
    const int32_t *prescriber;
    const int32_t *prescriber_level;
    const uint64_t *item_start;
    const int64_t *item_fen;
    const int32_t *item_class;
    const int32_t *item_selfpay_bp;
    const int64_t *up_compliant;
    const int64_t *up_basic;
    const int64_t *up_critical;
    const char *const *facilities;
    size_t nfacilities;
    const char *const *diseases;
    size_t ndiseases;
    const char *const *treatments;
    size_t ntreatments;
    const int32_t *facility_category;
    const char *const *facility_categories;
    size_t nfacility_categories;
} mb_columns;
typedef struct mb_column_results {
    size_t size;
    int64_t *amounts;
    size_t stride;
    int32_t *status;
    int32_t *covered;
} mb_column_results;
typedef struct mb_columns_options {
    size_t size;
    unsigned flags;
    unsigned threads;
    size_t enrollee_from, enrollee_to;
} mb_columns_options;
int mb_settle_columns(const mb_ruleset *const *chain, size_t chain_len,
                      mb_enrollee *const *enrollees, size_t nenrollees,
                      const mb_columns *claims, const mb_column_results *out,
                      const mb_columns_options *options, mb_error *err);
"""

ffi = FFI()
ffi.cdef(CDEF)


def _pkg_config_libdir() -> Optional[str]:
    exe = shutil.which("pkg-config")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--variable=libdir", "medbenefit"], capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


def candidates() -> List[Tuple[str, str]]:
    """The places the library is looked for, in order, as (how, path) pairs."""
    found = []
    env = os.environ.get("MEDBENEFIT_LIBRARY")
    if env:
        path = os.path.join(env, SONAME) if os.path.isdir(env) else env
        # An explicit choice is final: never fall back to another copy behind the user's back.
        return [("MEDBENEFIT_LIBRARY", path)]
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), SONAME)
    if os.path.exists(here):
        found.append(("package directory", here))
    libdir = _pkg_config_libdir()
    if libdir and os.path.exists(os.path.join(libdir, SONAME)):
        found.append(("pkg-config", os.path.join(libdir, SONAME)))
    found.append(("dynamic loader", SONAME))
    return found


def load() -> Tuple[Any, str]:
    """dlopen the library; raise ImportError naming every place tried."""
    tried = []
    for how, path in candidates():
        try:
            lib = ffi.dlopen(path)
        except OSError as e:
            tried.append(f"{how}: {path}: {e}")
            continue
        version = lib.mb_version_number()
        if version // 10000 != ABI_MAJOR or version < MIN_VERSION:
            tried.append(f"{how}: {path}: version {version // 10000}.{version // 100 % 100}."
                         f"{version % 100}, this binding needs {ABI_MAJOR}.x from "
                         f"{MIN_VERSION // 10000}.{MIN_VERSION // 100 % 100}")
            continue
        return lib, path
    raise ImportError("medbenefit: cannot load libmedbenefit.so.1 (set MEDBENEFIT_LIBRARY to "
                      "its path); tried\n  " + "\n  ".join(tried))


lib, library_path = load()
