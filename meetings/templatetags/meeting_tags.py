from django import template
from django.templatetags.tz import do_timezone

from ..enums import Health

register = template.Library()


@register.filter
def in_zone(moment, zone_name: str):
    """The moment in the named time zone, kept there by the ``date`` filter (which would
    otherwise convert it back to the site's zone)."""
    if moment is None or moment == "":
        return moment
    return do_timezone(moment, zone_name or "UTC")


@register.inclusion_tag("meetings/_when.html")
def meeting_when(starts_at, viewer, pair, compact=False):
    """When a meeting starts for the viewer, and for each person of the pair in another
    time zone, so that nobody has to convert."""
    others = []
    seen = {viewer.time_zone}
    for person in (pair.mentor.user, pair.mentee.user):
        if person.pk == viewer.pk or person.time_zone in seen:
            continue
        seen.add(person.time_zone)
        others.append({"person": person, "moment": in_zone(starts_at, person.time_zone)})
    return {
        "moment": in_zone(starts_at, viewer.time_zone),
        "zone": viewer.time_zone,
        "others": others,
        "compact": compact,
    }


@register.filter
def health_label(value) -> str:
    return Health(value).label if value in Health.values else ""


@register.filter
def get_count(counts: dict, key: str) -> int:
    return counts.get(key, 0)
