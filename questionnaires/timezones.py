"""The IANA time zones offered to people, with their current UTC offsets."""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

# Canonical areas only: the legacy aliases (US/Eastern, Etc/GMT+5, ...) would double the list.
AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    names = {name for name in available_timezones() if name.split("/", 1)[0] in AREAS}
    names.add("UTC")
    return frozenset(names)


def utc_offset_hours(name: str, at: datetime.datetime | None = None) -> float:
    """The zone's offset from UTC in hours at ``at`` (now by default), e.g. 5.5 for Asia/Kolkata."""
    moment = at or datetime.datetime.now(datetime.UTC)
    offset = moment.astimezone(ZoneInfo(name)).utcoffset() or datetime.timedelta(0)
    return offset.total_seconds() / 3600


def format_offset(hours: float) -> str:
    sign = "-" if hours < 0 else "+"
    minutes = round(abs(hours) * 60)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def time_zone_choices() -> list[tuple[str, str]]:
    """(name, "Europe/Berlin (UTC+01:00)"), sorted by name; offsets as of now."""
    now = datetime.datetime.now(datetime.UTC)
    return [(name, f"{name} ({format_offset(utc_offset_hours(name, now))})") for name in sorted(time_zone_names())]
