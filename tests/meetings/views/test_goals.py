import pytest
from django.urls import reverse

from meetings.enums import GoalFramework, GoalStatus
from meetings.models import Goal
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

SWOT = {
    "title": "Know where to focus",
    "status": GoalStatus.IN_PROGRESS,
    "progress": "20",
    "target_on": "",
    "swot_strengths": "Patient",
    "swot_weaknesses": "Shy in meetings",
    "swot_opportunities": "The new guild",
    "swot_threats": "Reorganisation",
}


def test_mentee_writes_a_personal_swot(client, pair):
    client.force_login(pair.mentee.user)

    page = client.get(reverse("meetings:goal-create", kwargs={"pk": pair.pk, "framework": "swot"}))
    response = client.post(reverse("meetings:goal-create", kwargs={"pk": pair.pk, "framework": "swot"}), SWOT)

    goal = Goal.objects.get()
    assert list(page.context["form"].fields) == [
        "title",
        "status",
        "progress",
        "target_on",
        "swot_strengths",
        "swot_weaknesses",
        "swot_opportunities",
        "swot_threats",
    ]
    assert page.context["form"].fields["swot_strengths"].help_text.startswith("What do you do well?")
    assert response.url == goal.get_absolute_url()
    assert (goal.framework, goal.progress, goal.swot_threats) == (GoalFramework.SWOT, 20, "Reorganisation")


def test_a_framework_field_left_empty_is_asked_for(client, pair):
    client.force_login(pair.mentee.user)

    response = client.post(
        reverse("meetings:goal-create", kwargs={"pk": pair.pk, "framework": "swot"}), {**SWOT, "swot_threats": ""}
    )

    assert list(response.context["form"].errors) == ["swot_threats"]
    assert Goal.objects.count() == 0


def test_an_unknown_framework_is_a_404(client, pair):
    client.force_login(pair.mentee.user)

    assert client.get(reverse("meetings:goal-create", kwargs={"pk": pair.pk, "framework": "okr"})).status_code == 404


def test_mentor_reads_goals_but_cannot_set_or_change_them(client, pair):
    goal = GoalFactory(pair=pair, title="Speak at a meetup")
    client.force_login(pair.mentor.user)

    detail = client.get(goal.get_absolute_url())
    create = client.post(reverse("meetings:goal-create", kwargs={"pk": pair.pk, "framework": "swot"}), SWOT)
    update = client.post(reverse("meetings:goal-update", kwargs={"pk": goal.pk}), {"title": "Changed"})

    goal.refresh_from_db()
    assert detail.status_code == 200
    assert "Give a talk at the local meetup." in detail.content.decode()
    assert (create.status_code, update.status_code) == (403, 403)
    assert (goal.title, Goal.objects.count()) == ("Speak at a meetup", 1)


def test_mentee_updates_progress(client, pair):
    goal = GoalFactory(pair=pair)
    client.force_login(pair.mentee.user)
    data = {
        "title": goal.title,
        "status": GoalStatus.IN_PROGRESS,
        "progress": "60",
        "target_on": "",
        "smart_specific": goal.smart_specific,
        "smart_measurable": goal.smart_measurable,
        "smart_achievable": goal.smart_achievable,
        "smart_relevant": goal.smart_relevant,
        "smart_time_bound": goal.smart_time_bound,
    }

    page = client.get(reverse("meetings:goal-update", kwargs={"pk": goal.pk}))
    response = client.post(reverse("meetings:goal-update", kwargs={"pk": goal.pk}), data)

    goal.refresh_from_db()
    assert page.context["form"].initial["smart_relevant"] == "Speaking is part of the next level."
    assert response.status_code == 302
    assert (goal.status, goal.progress) == (GoalStatus.IN_PROGRESS, 60)


def test_progress_above_100_is_refused(client, pair):
    goal = GoalFactory(pair=pair)
    client.force_login(pair.mentee.user)

    response = client.post(reverse("meetings:goal-update", kwargs={"pk": goal.pk}), {"title": "x", "progress": "150"})

    assert "progress" in response.context["form"].errors
    goal.refresh_from_db()
    assert goal.progress == 0


def test_a_goal_target_date_far_in_the_future_is_refused(client, pair):
    client.force_login(pair.mentee.user)

    response = client.post(
        reverse("meetings:goal-create", kwargs={"pk": pair.pk, "framework": "swot"}),
        {**SWOT, "target_on": "9999-12-31"},
    )

    assert "Give a date between" in response.content.decode()
    assert not pair.goals.exists()
