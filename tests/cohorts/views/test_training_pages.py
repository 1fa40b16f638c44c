import pytest
from django.core import mail
from django.urls import reverse

from cohorts.models import TrainingCompletion, TrainingModule
from cohorts.services.training import training_complete, training_module_create
from mentorship.enums import OrgRole
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    MentorEnrollmentFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make(cohort, title, audience="both", required=True):
    return training_module_create(
        cohort=cohort, title=title, content="**Read** this", audience=audience, required=required
    )


def test_participant_sees_only_the_modules_of_their_role(client, cohort):
    make(cohort, "Both")
    make(cohort, "Mentors only", audience="mentor")
    mentee = EnrollmentFactory(cohort=cohort)
    client.force_login(mentee.user)

    response = client.get(reverse("cohorts:training-list", args=[cohort.pk]))

    assert [m.title for m in response.context["modules"]] == ["Both"]


def test_participant_reads_and_completes_a_module(client, cohort):
    module = make(cohort, "Welcome")
    mentee = EnrollmentFactory(cohort=cohort)
    client.force_login(mentee.user)

    page = client.get(reverse("cohorts:training-detail", args=[cohort.pk, module.pk]))
    client.post(reverse("cohorts:training-complete", args=[cohort.pk, module.pk]))

    assert b"<strong>Read</strong> this" in page.content
    assert list(TrainingCompletion.objects.values_list("enrollment", "module")) == [(mentee.pk, module.pk)]


def test_mentee_cannot_open_or_complete_a_mentor_module(client, cohort):
    module = make(cohort, "Mentors", audience="mentor")
    client.force_login(EnrollmentFactory(cohort=cohort).user)

    assert client.get(reverse("cohorts:training-detail", args=[cohort.pk, module.pk])).status_code == 403
    client.post(reverse("cohorts:training-complete", args=[cohort.pk, module.pk]))
    assert TrainingCompletion.objects.count() == 0


def test_module_of_another_cohort_is_404(client, cohort):
    other = make(EnrollmentFactory().cohort, "Elsewhere")
    client.force_login(EnrollmentFactory(cohort=cohort).user)

    assert client.get(reverse("cohorts:training-detail", args=[cohort.pk, other.pk])).status_code == 404
    assert client.post(reverse("cohorts:training-complete", args=[cohort.pk, other.pk])).status_code == 404


def test_coordinator_adds_edits_and_reorders_modules(client, coordinator, cohort):
    client.force_login(coordinator)

    client.post(
        reverse("cohorts:training-create", args=[cohort.pk]),
        {"title": "Goals", "content": "", "url": "example.org/goals", "audience": "mentee", "required": "on"},
    )
    client.post(
        reverse("cohorts:training-create", args=[cohort.pk]),
        {"title": "Listening", "content": "Listen.", "audience": "both"},
    )
    goals = TrainingModule.objects.get(title="Goals")
    client.post(reverse("cohorts:training-move", args=[cohort.pk, goals.pk]), {"direction": "down"})

    assert goals.url == "https://example.org/goals"
    assert list(TrainingModule.objects.values_list("title", "required")) == [("Listening", False), ("Goals", True)]


def test_module_without_content_or_link_shows_an_error(client, coordinator, cohort):
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:training-create", args=[cohort.pk]), {"title": "Empty", "content": "", "audience": "both"}
    )

    assert response.status_code == 200
    assert "Write the content or give a link (or both)." in response.context["form"].non_field_errors()
    assert TrainingModule.objects.count() == 0


@pytest.mark.parametrize("item_count", [1, 4])
def test_completion_grid_fixed_queries_and_behind_filter(
    client, coordinator, cohort, item_count, django_assert_num_queries
):
    module = make(cohort, "Welcome")
    for i in range(item_count):
        done = EnrollmentFactory(cohort=cohort)
        training_complete(module=module, enrollment=done)
        MentorEnrollmentFactory(cohort=cohort, user=UserFactory(full_name=f"Behind {i}"))
    client.force_login(coordinator)
    url = reverse("cohorts:training-grid", args=[cohort.pk])
    client.get(url)

    # session, user, cohort, roles, modules, required counts, people (count, page), completions,
    # navigation (organizations, programs, cohorts)
    with django_assert_num_queries(12):
        response = client.get(url)
    behind = client.get(url + "?behind=1")

    assert len(response.context["rows"]) == 2 * item_count
    assert [r["enrollment"].user.full_name for r in behind.context["rows"]] == [
        f"Behind {i}" for i in range(item_count)
    ]


def test_coordinator_reminds_everyone_behind(client, coordinator, cohort, django_capture_on_commit_callbacks):
    make(cohort, "Welcome")
    behind = EnrollmentFactory(cohort=cohort)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:training-remind", args=[cohort.pk]))

    assert [m.to for m in mail.outbox] == [[behind.user.email]]


@pytest.mark.parametrize("kind", ["viewer", "subcommittee", "participant", "other_coordinator"])
def test_only_coordinators_manage_training(client, cohort, kind):
    module = make(cohort, "Welcome")
    user = {
        "viewer": lambda: MembershipFactory(organization=cohort.program.organization, role=OrgRole.VIEWER).user,
        "subcommittee": lambda: SubcommitteeMemberFactory(cohort=cohort).user,
        "participant": lambda: EnrollmentFactory(cohort=cohort).user,
        "other_coordinator": lambda: MembershipFactory(role=OrgRole.COORDINATOR).user,
    }[kind]()
    client.force_login(user)

    codes = {
        client.post(
            reverse("cohorts:training-create", args=[cohort.pk]), {"title": "X", "content": "x", "audience": "both"}
        ).status_code,
        client.post(reverse("cohorts:training-delete", args=[cohort.pk, module.pk])).status_code,
        client.post(reverse("cohorts:training-remind", args=[cohort.pk])).status_code,
    }

    assert codes == ({404} if kind == "other_coordinator" else {403})
    assert list(TrainingModule.objects.values_list("title", flat=True)) == ["Welcome"]


def test_subcommittee_page_add_and_remove(client, coordinator, cohort, viewer):
    client.force_login(coordinator)

    client.post(reverse("cohorts:subcommittee", args=[cohort.pk]), {"user": viewer.pk})
    member = cohort.subcommittee.get()
    bad = client.post(reverse("cohorts:subcommittee", args=[cohort.pk]), {"user": UserFactory().pk})
    client.post(reverse("cohorts:subcommittee-remove", args=[cohort.pk, member.pk]))

    assert member.user == viewer
    assert "user" in bad.context["form"].errors
    assert cohort.subcommittee.count() == 0


def test_applicant_cannot_read_training_before_acceptance(client, cohort):
    from cohorts.enums import EnrollmentStatus

    module = make(cohort, "Internal material")
    client.force_login(EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED).user)

    assert client.get(reverse("cohorts:training-list", args=[cohort.pk])).status_code == 403
    assert client.get(reverse("cohorts:training-detail", args=[cohort.pk, module.pk])).status_code == 403


def test_viewer_and_subcommittee_read_training_without_managing(client, cohort, viewer):
    module = make(cohort, "Welcome")
    for user in (viewer, SubcommitteeMemberFactory(cohort=cohort).user):
        client.force_login(user)

        listing = client.get(reverse("cohorts:training-list", args=[cohort.pk]))
        detail = client.get(reverse("cohorts:training-detail", args=[cohort.pk, module.pk]))

        assert (listing.status_code, detail.status_code) == (200, 200)
        assert listing.context["can_manage"] is False
        assert b"New module" not in listing.content


def test_second_reminder_click_is_refused_with_a_message(
    client, coordinator, cohort, django_capture_on_commit_callbacks
):
    make(cohort, "Welcome")
    EnrollmentFactory(cohort=cohort)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:training-remind", args=[cohort.pk]))
        response = client.post(reverse("cohorts:training-remind", args=[cohort.pk]), follow=True)

    assert len(mail.outbox) == 1
    assert any("less than twelve hours ago" in str(m) for m in response.context["messages"])
