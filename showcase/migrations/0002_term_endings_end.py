from django.db import migrations


def term_endings_end(apps, schema_editor):
    # A pair the coordinator ended at the end of its term ("end", not "re-match") takes its
    # mentee out of the cohort's later rounds.
    Pair = apps.get_model("cohorts", "Pair")
    TermDecision = apps.get_model("showcase", "TermDecision")
    ended = TermDecision.objects.filter(decision="end").values("pair_id")
    Pair.objects.filter(status="ended", pk__in=ended).update(end_kind="end")


class Migration(migrations.Migration):
    dependencies = [
        ("showcase", "0001_initial"),
        ("cohorts", "0011_pair_end_kind"),
    ]

    operations = [
        migrations.RunPython(term_endings_end, migrations.RunPython.noop),
    ]
