/* Calendar dates: YYYYMMDD at the API, day numbers inside (proleptic Gregorian). */
#include <stdio.h>

#include "internal.h"

/* 0 for a month outside 1..12: every caller passes a checked date, but a date that slipped past
 * the checks must give a wrong date, never a read outside the table. */
static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

bool mb_date_valid(int32_t ymd)
{
    if (ymd < 19000101 || ymd > 29991231)
        return false;
    int y = ymd / 10000, m = (ymd / 100) % 100, d = ymd % 100;
    /* every month has at least 28 days: the leap year matters only past them */
    return m >= 1 && m <= 12 && d >= 1 && (d <= 28 || d <= days_in_month(y, m));
}

/* Howard Hinnant's days_from_civil. */
int32_t mb_date_to_days(int32_t ymd)
{
    int y = ymd / 10000, m = (ymd / 100) % 100, d = ymd % 100;
    y -= m <= 2;
    int era = y / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int32_t mb_days_to_date(int32_t z)
{
    z += 719468;
    int era = z / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    return (y + (m <= 2)) * 10000 + m * 100 + d;
}

int32_t mb_month_start(int32_t ymd, int months)
{
    int y = ymd / 10000, m = (ymd / 100) % 100 - 1 + months;
    y += m >= 0 ? m / 12 : -((11 - m) / 12);
    m = ((m % 12) + 12) % 12;
    return y * 10000 + (m + 1) * 100 + 1;
}

int32_t mb_month_end(int32_t ymd)
{
    int y = ymd / 10000, m = (ymd / 100) % 100;
    return y * 10000 + m * 100 + days_in_month(y, m);
}

int32_t mb_add_months(int32_t ymd, int months)
{
    int32_t first = mb_month_start(ymd, months);
    int y = first / 10000, m = (first / 100) % 100, d = ymd % 100;
    int dim = days_in_month(y, m);
    return y * 10000 + m * 100 + (d > dim ? dim : d);
}

int mb_date_parse(const char *text, int32_t *date, mb_error *err)
{
    if (text == NULL || date == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "date: NULL argument");
    /* exactly "DDDD-DD-DD": sscanf's %d would also take a sign or a space ("2023-+1-01") */
    static const char shape[] = "dddd-dd-dd";
    int32_t ymd = 0;
    for (size_t i = 0; i < sizeof shape; i++) {
        char ch = text[i];
        bool fits = shape[i] == 'd' ? ch >= '0' && ch <= '9' : ch == shape[i];
        if (!fits)
            return mb_fail(err, MB_E_INVALID_DATE, "date '%.40s' is not YYYY-MM-DD", text);
        if (shape[i] == 'd')
            ymd = ymd * 10 + (ch - '0');
    }
    if (!mb_date_valid(ymd))
        return mb_fail(err, MB_E_INVALID_DATE, "date '%s' is not a calendar date", text);
    *date = ymd;
    return MB_OK;
}

const char *mb_date_text(int32_t ymd, char buf[16])
{
    if (mb_date_valid(ymd))
        snprintf(buf, 16, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
    else
        snprintf(buf, 16, "%d", ymd);
    return buf;
}
