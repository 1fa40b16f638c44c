from django.db import migrations, models

import mentorship.models


def utc_means_unset(apps, schema_editor):
    # "UTC" was the default nobody chose: from now on an empty zone means "not given yet",
    # so that the browser's or an application's time zone can fill it in.
    apps.get_model("mentorship", "User").objects.filter(time_zone="UTC").update(time_zone="")


def unset_means_utc(apps, schema_editor):
    apps.get_model("mentorship", "User").objects.filter(time_zone="").update(time_zone="UTC")


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0002_user_time_zone"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="time_zone",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Meeting times are shown to you in this time zone.",
                max_length=64,
                validators=[mentorship.models.validate_time_zone],
                verbose_name="time zone",
            ),
        ),
        migrations.RunPython(utc_means_unset, unset_means_utc),
    ]
