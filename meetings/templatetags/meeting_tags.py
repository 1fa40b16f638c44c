from django import template
from django.templatetags.tz import do_timezone
from django.utils import timezone

from ..enums import Health

register = template.Library()


@register.filter
def in_zone(moment, zone_name: str):
    """The moment in another person's time zone, kept there by the ``date`` filter (which
    would otherwise convert it to the active zone). Only for showing someone else's local
    time next to the viewer's: the viewer's own zone is the active one."""
    if moment is None or moment == "":
        return moment
    return do_timezone(moment, zone_name or "UTC")


@register.inclusion_tag("meetings/_when.html")
def meeting_when(starts_at, viewer, pair, compact=False):
    """When a meeting starts in the active zone (the viewer's), and for each person of the
    pair in another time zone, so that nobody has to convert."""
    here = timezone.get_current_timezone_name()
    others = []
    seen = {here}
    for person in (pair.mentor.user, pair.mentee.user):
        zone = person.time_zone_name
        if person.pk == viewer.pk or zone in seen:
            continue
        seen.add(zone)
        others.append({"person": person, "zone": zone, "moment": in_zone(starts_at, zone)})
    return {"moment": timezone.localtime(starts_at), "zone": here, "others": others, "compact": compact}


@register.filter
def health_label(value) -> str:
    return Health(value).label if value in Health.values else ""


@register.filter
def get_count(counts: dict, key: str) -> int:
    return counts.get(key, 0)
