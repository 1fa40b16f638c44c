import pytest
from django.urls import reverse

from mentorship.enums import OrgRole
from mentorship.models import Program
from tests.factories import CohortFactory, MembershipFactory, OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_coordinator_creates_program(client, coordinator, organization):
    client.force_login(coordinator)

    response = client.post(
        reverse("mentorship:program-create", args=[organization.slug]),
        {"name": "Returners in Tech", "description": "For people coming back to tech.", "is_active": "on"},
    )

    program = Program.objects.get()
    assert response.status_code == 302
    assert response.url == program.get_absolute_url()
    assert (program.organization, program.name, program.is_active) == (organization, "Returners in Tech", True)


def test_program_create_duplicate_name_shows_error_and_changes_nothing(client, coordinator, organization):
    ProgramFactory(organization=organization, name="Returners")
    client.force_login(coordinator)

    response = client.post(reverse("mentorship:program-create", args=[organization.slug]), {"name": "returners"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["This organization already has a program with this name."]
    assert Program.objects.count() == 1


def test_program_create_empty_name_shows_error(client, coordinator, organization):
    client.force_login(coordinator)

    response = client.post(reverse("mentorship:program-create", args=[organization.slug]), {"name": ""})

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Program.objects.count() == 0


def test_coordinator_edits_program(client, coordinator, organization):
    program = ProgramFactory(organization=organization)
    client.force_login(coordinator)

    response = client.post(
        reverse("mentorship:program-update", args=[program.pk]), {"name": "Renamed", "description": ""}
    )

    program.refresh_from_db()
    assert response.status_code == 302
    assert (program.name, program.is_active) == ("Renamed", False)


def test_viewer_reads_program_but_cannot_create_or_edit(client, viewer, organization):
    program = ProgramFactory(organization=organization, name="Visible")
    client.force_login(viewer)

    detail = client.get(program.get_absolute_url())
    create = client.post(reverse("mentorship:program-create", args=[organization.slug]), {"name": "X"})
    edit = client.post(reverse("mentorship:program-update", args=[program.pk]), {"name": "Y"})

    assert detail.status_code == 200
    assert detail.context["program"] == program
    assert b"Edit program" not in detail.content
    assert (create.status_code, edit.status_code) == (403, 403)
    program.refresh_from_db()
    assert (program.name, Program.objects.count()) == ("Visible", 1)


@pytest.mark.parametrize("url_name", ["mentorship:program-detail", "mentorship:program-update"])
def test_coordinator_of_another_organization_gets_404_on_program(client, url_name):
    program = ProgramFactory()
    stranger = MembershipFactory(role=OrgRole.COORDINATOR).user
    client.force_login(stranger)

    response = client.get(reverse(url_name, args=[program.pk]))

    assert response.status_code == 404


def test_coordinator_of_another_organization_gets_404_on_organization(client):
    other = OrganizationFactory()
    client.force_login(MembershipFactory(role=OrgRole.COORDINATOR).user)

    detail = client.get(other.get_absolute_url())
    create = client.post(reverse("mentorship:program-create", args=[other.slug]), {"name": "Sneaky"})

    assert (detail.status_code, create.status_code) == (404, 404)
    assert Program.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client, organization):
    program = ProgramFactory(organization=organization)

    response = client.get(program.get_absolute_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_program_page_lists_its_cohorts(client, coordinator, organization):
    program = ProgramFactory(organization=organization)
    cohort = CohortFactory(program=program, name="Autumn cohort")
    CohortFactory(name="Someone else's cohort")
    client.force_login(coordinator)

    response = client.get(program.get_absolute_url())

    assert list(response.context["program"].cohorts.all()) == [cohort]
    assert b"Autumn cohort" in response.content
    assert b"Someone else" not in response.content


def test_unknown_program_id_is_404(client, coordinator):
    client.force_login(coordinator)

    assert client.get("/programs/999999/").status_code == 404


def _program_post(program, **rules):
    data = {"name": program.name, "description": "", "is_active": "on"}
    data.update({k: "on" for k, v in rules.items() if v is True})
    data.update({k: v for k, v in rules.items() if not isinstance(v, bool)})
    return data


def test_coordinator_sets_the_programs_rules(client, coordinator, organization):
    program = ProgramFactory(organization=organization)
    client.force_login(coordinator)

    response = client.post(
        reverse("mentorship:program-update", args=[program.pk]),
        _program_post(program, uses_training=False, uses_showcase=False, graduation_min_contacts="4"),
    )
    page = client.get(program.get_absolute_url()).content.decode()

    program.refresh_from_db()
    assert response.status_code == 302
    assert (
        program.uses_training,
        program.uses_showcase,
        program.graduation_min_contacts,
        program.graduation_requires_project,
        program.graduation_requires_final_survey,
    ) == (False, False, 4, False, False)
    assert "Set-up → Enrollment → Launch → Closed" in page
    assert "at least 4 meetings or contacts held" in page


def test_a_project_cannot_be_required_without_a_showcase(client, coordinator, organization):
    program = ProgramFactory(organization=organization)
    client.force_login(coordinator)

    response = client.post(
        reverse("mentorship:program-update", args=[program.pk]),
        _program_post(program, uses_training=True, uses_showcase=False, graduation_requires_project=True),
    )

    program.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["graduation_requires_project"]
    assert program.uses_showcase is True


def test_a_phase_cannot_be_turned_off_while_a_cohort_is_in_it(client, coordinator, organization):
    program = ProgramFactory(organization=organization)
    CohortFactory(program=program, name="Spring", phase="training")
    client.force_login(coordinator)

    response = client.post(
        reverse("mentorship:program-update", args=[program.pk]),
        _program_post(program, uses_training=False, uses_showcase=True, graduation_requires_project=True),
    )

    program.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["uses_training"] == [
        "Spring is in training now; move it on before turning training off."
    ]
    assert program.uses_training is True


def test_a_new_program_starts_with_every_phase_and_rule(client, coordinator, organization):
    client.force_login(coordinator)

    form = client.get(reverse("mentorship:program-create", args=[organization.slug])).context["form"]

    assert all(
        form[name].initial is True
        for name in ("uses_training", "uses_showcase", "graduation_requires_project", "graduation_requires_final_survey")
    )
