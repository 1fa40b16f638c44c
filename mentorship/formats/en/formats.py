# One date style for the whole site, in English: templates and code name these formats
# (``|date:"SHORT_DATE_FORMAT"``) and never spell a pattern of their own.
DATE_FORMAT = "j F Y"  # 23 September 2026
DATETIME_FORMAT = "l j F Y, H:i"  # Friday 4 December 2026, 17:00
SHORT_DATE_FORMAT = "j M Y"  # 23 Sep 2026
SHORT_DATETIME_FORMAT = "D j M Y, H:i"  # Fri 4 Dec 2026, 17:00
MONTH_DAY_FORMAT = "j F"  # 4 December
YEAR_MONTH_FORMAT = "F Y"  # December 2026
TIME_FORMAT = "H:i"  # 17:00
