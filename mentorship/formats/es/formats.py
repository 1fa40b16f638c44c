# The same date style as the English formats, in Spanish.
DATE_FORMAT = r"j \d\e F \d\e Y"  # 23 de septiembre de 2026
DATETIME_FORMAT = r"l j \d\e F \d\e Y, H:i"  # viernes 4 de diciembre de 2026, 17:00
SHORT_DATE_FORMAT = "j M Y"  # 23 sep 2026
SHORT_DATETIME_FORMAT = "D j M Y, H:i"  # vie 4 dic 2026, 17:00
MONTH_DAY_FORMAT = r"j \d\e F"  # 4 de diciembre
YEAR_MONTH_FORMAT = r"F \d\e Y"  # diciembre de 2026
TIME_FORMAT = "H:i"  # 17:00
