import secrets

from django.db import migrations, models

import cohorts.models


def fill_tokens(apps, schema_editor):
    Cohort = apps.get_model("cohorts", "Cohort")
    # AddField gave every existing cohort the same default; each needs its own.
    for cohort in Cohort.objects.all():
        cohort.application_token = secrets.token_urlsafe(24)
        cohort.save(update_fields=["application_token"])


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0004_enrollment_invitations_training")]

    operations = [
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="cohort",
            name="application_token",
            field=models.CharField(default=cohorts.models.new_token, editable=False, max_length=64, unique=True),
        ),
    ]
