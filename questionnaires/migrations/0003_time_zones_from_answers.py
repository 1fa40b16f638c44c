from django.db import migrations


def time_zones_from_answers(apps, schema_editor):
    """People without a time zone take the one they answered in a submitted questionnaire
    (the latest), as ``response_save`` does from now on."""
    Answer = apps.get_model("questionnaires", "Answer")
    User = apps.get_model("mentorship", "User")
    answers = (
        Answer.objects.filter(
            question__type="time_zone",
            response__status="submitted",
            response__enrollment__user__time_zone="",
        )
        .order_by("response__enrollment__user_id", "-response__submitted_at", "-pk")
        .values_list("response__enrollment__user_id", "value")
    )
    taken = {}
    for user_id, value in answers.iterator():
        if user_id not in taken and isinstance(value, str) and value:
            taken[user_id] = value
    for user_id, value in taken.items():
        User.objects.filter(pk=user_id, time_zone="").update(time_zone=value)


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0002_bounded_offsets_and_reminders"),
        ("mentorship", "0003_user_time_zone_unset"),
    ]

    operations = [migrations.RunPython(time_zones_from_answers, migrations.RunPython.noop)]
