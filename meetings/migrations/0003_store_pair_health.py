"""Store the health of the pairs that exist already (new ones get it as they change)."""

import datetime

from django.db import migrations
from django.db.models import Max, Q
from django.db.models.functions import Coalesce

from meetings.health import pair_health, utc_date


def store_health(apps, schema_editor):
    Pair = apps.get_model("cohorts", "Pair")
    as_of = datetime.datetime.now(datetime.UTC).date()
    rows = (
        Pair.objects.filter(status="active")
        .annotate(
            last_held_at=Max("meetings__starts_at", filter=Q(meetings__status="held")),
            cadence=Coalesce("meeting_settings__cadence_days", "cohort__meeting_cadence_days"),
        )
        .values_list("pk", "matched_at", "last_held_at", "cadence")
    )
    by_health = {}
    for pk, matched_at, last_held_at, cadence in rows.iterator(chunk_size=2000):
        health = pair_health(
            matched_on=utc_date(matched_at),
            last_held_on=utc_date(last_held_at) if last_held_at else None,
            cadence_days=cadence,
            as_of=as_of,
        )
        by_health.setdefault(health.value, []).append(pk)
    for health, pks in by_health.items():
        for start in range(0, len(pks), 5000):
            Pair.objects.filter(pk__in=pks[start : start + 5000]).update(health=health)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_contact_kinds"),
        ("cohorts", "0012_pair_health"),
    ]

    operations = [migrations.RunPython(store_health, migrations.RunPython.noop)]
