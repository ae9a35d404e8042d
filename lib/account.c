/* Personal accounts (个人账户): the monthly accrual a ruleset states, credited to an enrollee. */
#include "handles.h"
#include "ruleset.h"

int mb_account_accrual(const mb_ruleset *rs, int person_type, int32_t date, int64_t base,
                       int64_t *accrual, mb_error *err)
{
    if (rs == NULL || accrual == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_account_accrual: ruleset and accrual are required");
    if (person_type < MB_PERSON_IN_SERVICE || person_type > MB_PERSON_RESIDENT)
        return mb_fail(err, MB_E_UNKNOWN_CODE, "unknown person type %d", person_type);
    if (!mb_date_valid(date))
        return mb_fail(err, MB_E_INVALID_DATE, "%d is not a date", date);
    if (base < 0 || base > MB_MONEY_MAX)
        return mb_fail(err, MB_E_INVALID_AMOUNT, "accrual base %lld fen is negative or absurd",
                       (long long)base);
    mb_view v;
    mb_view_plain(&v, date, person_type - 1);
    const mb_row *best = mb_rows_pick(&rs->accrual, &v);
    if (best == NULL || date < rs->effective_from || date > rs->effective_to)
        return mb_fail(err, MB_E_NOT_FOUND, "%s states no personal-account accrual for this person on %d",
                       rs->id, date);
    *accrual = mb_apply_ratio(base, (int32_t)best->v[person_type - 1]);
    return MB_OK;
}

int mb_enrollee_accrue(mb_enrollee *e, const mb_ruleset *rs, int32_t date, int64_t base,
                       int64_t *credited, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_accrue: enrollee is required");
    int64_t amount, balance;
    int rc = mb_account_accrual(rs, e->person_type, date, base, &amount, err);
    if (rc != MB_OK)
        return rc;
    if (!mb_add_checked(e->balance, amount, &balance))
        return mb_fail(err, MB_E_OVERFLOW, "the account balance would overflow");
    e->balance = balance;
    if (credited)
        *credited = amount;
    return MB_OK;
}
