# One date format and one date-time format in English, whichever name a template uses:
# "14 Dec 2026" and "14 Dec 2026, 18:41" (24-hour clock, no "p.m." with its full stop).
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
