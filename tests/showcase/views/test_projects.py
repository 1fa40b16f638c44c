import datetime

import pytest
from django.urls import reverse

from cohorts.enums import CohortPhase
from mentorship.enums import OrgRole
from showcase.enums import ProjectStage
from showcase.models import Milestone, Project, ProjectUpdate, UpdateComment
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    MilestoneFactory,
    PairFactory,
    ProjectFactory,
    ProjectUpdateFactory,
    UpdateCommentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, pk):
    return reverse(f"showcase:{name}", kwargs={"pk": pk})


@pytest.fixture
def other_coordinator():
    return MembershipFactory(role=OrgRole.COORDINATOR).user


def test_a_mentee_starts_a_project(client, pair, mentee):
    client.force_login(mentee)
    assert client.get(_url("project-mine", pair.cohort_id)).url == _url("project-create", pair.cohort_id)

    response = client.post(
        _url("project-create", pair.cohort_id), {"title": "Bus delays", "summary": "Open data.", "goals": ""}
    )

    project = Project.objects.get()
    assert response.url == project.get_absolute_url()
    assert (project.enrollment, project.title) == (pair.mentee, "Bus delays")
    assert client.get(_url("project-mine", pair.cohort_id)).url == project.get_absolute_url()


def test_start_a_project_with_a_blank_title_says_so(client, pair, mentee):
    client.force_login(mentee)

    response = client.post(_url("project-create", pair.cohort_id), {"title": " ", "summary": "x"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"title": ["This field is required."]}
    assert Project.objects.count() == 0


def test_start_a_project_before_launch_is_refused_with_a_message(client, pair, mentee):
    pair.cohort.phase = CohortPhase.TRAINING
    pair.cohort.save()
    client.force_login(mentee)

    response = client.post(_url("project-create", pair.cohort_id), {"title": "Early", "summary": "x"})

    assert response.status_code == 200
    assert "Projects are started and changed from the cohort's launch until its showcase." in response.content.decode()
    assert Project.objects.count() == 0


@pytest.mark.parametrize("who", ["mentor", "coordinator", "viewer"])
def test_only_mentees_start_projects(client, pair, coordinator, viewer, who):
    user = {"mentor": pair.mentor.user, "coordinator": coordinator, "viewer": viewer}[who]
    client.force_login(user)

    assert client.get(_url("project-create", pair.cohort_id)).status_code == 403
    assert client.post(_url("project-create", pair.cohort_id), {"title": "x", "summary": "y"}).status_code == 403
    assert Project.objects.count() == 0


def test_a_stranger_does_not_even_see_the_cohort(client, pair):
    client.force_login(UserFactory())

    assert client.get(_url("project-create", pair.cohort_id)).status_code == 404
    assert client.get(_url("project-mine", pair.cohort_id)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentee", 200),
        ("mentor", 200),
        ("coordinator", 200),
        ("viewer", 404),
        ("other mentee", 404),
        ("other coordinator", 404),
        ("stranger", 404),
    ],
)
def test_who_reads_a_project(client, project, pair, coordinator, viewer, other_coordinator, who, status):
    other = PairFactory(cohort=pair.cohort).mentee.user
    user = {
        "mentee": pair.mentee.user,
        "mentor": pair.mentor.user,
        "coordinator": coordinator,
        "viewer": viewer,
        "other mentee": other,
        "other coordinator": other_coordinator,
        "stranger": UserFactory(),
    }[who]
    client.force_login(user)

    assert client.get(project.get_absolute_url()).status_code == status


def test_the_mentor_cannot_edit_the_project(client, project, mentor):
    client.force_login(mentor)

    assert client.get(_url("project-update", project.pk)).status_code == 403
    response = client.post(_url("project-update", project.pk), {"title": "Mine now", "summary": "x"})

    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title != "Mine now"


def test_the_mentee_edits_the_project(client, project, mentee):
    client.force_login(mentee)

    response = client.post(_url("project-update", project.pk), {"title": "Renamed", "summary": "New", "goals": "G"})

    assert response.url == project.get_absolute_url()
    project.refresh_from_db()
    assert (project.title, project.summary, project.goals) == ("Renamed", "New", "G")


def test_the_mentee_posts_an_update_and_the_mentor_comments(client, project, mentee, mentor):
    client.force_login(mentee)
    client.post(_url("update-create", project.pk), {"text": "Deployed the first version."})
    update = ProjectUpdate.objects.get()

    client.force_login(mentor)
    response = client.post(_url("comment-create", update.pk), {"text": "Well done!"})

    assert response.url == project.get_absolute_url() + f"#update-{update.pk}"
    assert list(UpdateComment.objects.values_list("author", "text")) == [(mentor.pk, "Well done!")]
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Deployed the first version." in page
    assert "Well done!" in page


def test_a_comment_from_the_pair_page_goes_back_there(client, project, pair, mentor):
    update = ProjectUpdateFactory(project=project)
    client.force_login(mentor)

    response = client.post(_url("comment-create", update.pk), {"text": "Nice", "next": "pair"})

    assert response.url == reverse("meetings:pair-detail", kwargs={"pk": pair.pk}) + "#project"


@pytest.mark.parametrize(("who", "status"), [("coordinator", 403), ("viewer", 404), ("stranger", 404)])
def test_others_cannot_comment(client, project, coordinator, viewer, who, status):
    update = ProjectUpdateFactory(project=project)
    client.force_login({"coordinator": coordinator, "viewer": viewer, "stranger": UserFactory()}[who])

    assert client.post(_url("comment-create", update.pk), {"text": "Hi"}).status_code == status
    assert UpdateComment.objects.count() == 0


def test_the_mentor_cannot_post_updates(client, project, mentor):
    client.force_login(mentor)

    assert client.post(_url("update-create", project.pk), {"text": "For her"}).status_code == 403
    assert ProjectUpdate.objects.count() == 0


def test_an_empty_update_says_so_and_changes_nothing(client, project, mentee):
    client.force_login(mentee)

    response = client.post(_url("update-create", project.pk), {"text": ""}, follow=True)

    assert "This field is required." in response.content.decode()
    assert ProjectUpdate.objects.count() == 0


def test_milestones_added_ticked_and_removed(client, project, mentee):
    client.force_login(mentee)
    client.post(_url("milestone-create", project.pk), {"title": "Scope", "due_on": "2030-01-31"})
    milestone = Milestone.objects.get()

    client.post(_url("milestone-toggle", milestone.pk), {"done": "1"})
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    client.post(_url("milestone-update", milestone.pk), {"title": "Scope v2", "due_on": "2030-02-01"})
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("Scope v2", datetime.date(2030, 2, 1))
    client.post(_url("milestone-delete", milestone.pk))

    assert Milestone.objects.count() == 0


def test_a_milestone_with_a_bad_date_says_so(client, project, mentee):
    client.force_login(mentee)

    response = client.post(
        _url("milestone-create", project.pk), {"title": "Scope", "due_on": "31/31/2030"}, follow=True
    )

    assert "Enter a valid date." in response.content.decode()
    assert Milestone.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("mentor", 403), ("coordinator", 403), ("stranger", 404)])
def test_others_cannot_touch_milestones(client, project, pair, coordinator, who, status):
    milestone = MilestoneFactory(project=project)
    client.force_login({"mentor": pair.mentor.user, "coordinator": coordinator, "stranger": UserFactory()}[who])

    assert client.post(_url("milestone-delete", milestone.pk)).status_code == status
    assert client.post(_url("milestone-toggle", milestone.pk), {"done": "1"}).status_code == status
    assert Milestone.objects.filter(pk=milestone.pk, done_at=None).exists()


def test_the_coordinator_sees_where_each_project_stands(client, cohort, coordinator):
    with_project = PairFactory(cohort=cohort)
    project = ProjectFactory(enrollment=with_project.mentee)
    ProjectUpdateFactory(project=project)
    without = PairFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort)  # a mentee without a mentor is not listed
    client.force_login(coordinator)

    response = client.get(_url("project-list", cohort.pk))

    rows = {row.user: row.stage for row in response.context["items"]}
    assert rows == {with_project.mentee.user: ProjectStage.IN_PROGRESS, without.mentee.user: ProjectStage.NONE}


def test_a_mentor_sees_only_their_mentees_projects(client, cohort, pair, project):
    PairFactory(cohort=cohort)
    client.force_login(pair.mentor.user)

    response = client.get(_url("project-list", cohort.pk))

    assert [row.user for row in response.context["items"]] == [pair.mentee.user]
    assert response.context["scope"] == "mentor"


@pytest.mark.parametrize(("who", "status"), [("mentee", 403), ("viewer", 403), ("stranger", 404)])
def test_others_cannot_list_projects(client, cohort, pair, viewer, who, status):
    client.force_login({"mentee": pair.mentee.user, "viewer": viewer, "stranger": UserFactory()}[who])

    assert client.get(_url("project-list", cohort.pk)).status_code == status


@pytest.mark.parametrize("item_count", [1, 3])
def test_project_list_queries_do_not_grow(client, cohort, coordinator, item_count, django_assert_num_queries):
    for _ in range(item_count):
        project = ProjectFactory(enrollment=PairFactory(cohort=cohort).mentee)
        MilestoneFactory(project=project)
        ProjectUpdateFactory(project=project)
    client.force_login(coordinator)
    client.get(_url("project-list", cohort.pk))

    with django_assert_num_queries(9):
        response = client.get(_url("project-list", cohort.pk))

    assert len(response.context["items"]) == item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_project_page_queries_do_not_grow(client, project, mentor, item_count, django_assert_num_queries):
    for _ in range(item_count):
        update = ProjectUpdateFactory(project=project)
        UpdateCommentFactory(update=update, author=mentor)
        MilestoneFactory(project=project)
    client.force_login(mentor)
    client.get(project.get_absolute_url())

    # 13 for the page, 8 for the cohort bar (the person's place in the cohort).
    with django_assert_num_queries(21):
        response = client.get(project.get_absolute_url())

    assert len(response.context["updates"].object_list) == item_count


@pytest.mark.parametrize("due_on", ["0001-01-01", "9999-12-31"])
def test_a_milestone_date_far_outside_any_program_is_refused(client, project, mentee, due_on):
    client.force_login(mentee)

    response = client.post(_url("milestone-create", project.pk), {"title": "Scope", "due_on": due_on}, follow=True)

    assert Milestone.objects.count() == 0
    assert "Give a date between" in response.content.decode()
