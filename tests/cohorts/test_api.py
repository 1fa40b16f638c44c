import pytest
from django.core import mail

from cohorts.enums import CohortPhase, EnrollmentStatus, InvitationStatus, ParticipantRole
from cohorts.models import Invitation, TrainingModule
from tests.factories import CohortFactory, EnrollmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(organization):
    return CohortFactory(program__organization=organization, phase=CohortPhase.ENROLLMENT, name="Spring")


def test_cohorts_of_the_keys_organization_only(api_client, cohort):
    CohortFactory(name="Not ours")

    response = api_client().get("/api/v1/cohorts/")

    assert [(c["id"], c["name"], c["phase"]) for c in response.json()["results"]] == [
        (cohort.pk, "Spring", "enrollment")
    ]


def test_cohorts_filter_by_phase_and_refuse_a_bad_program_id(api_client, cohort, organization):
    CohortFactory(program=cohort.program, phase=CohortPhase.LAUNCH)

    launched = api_client().get("/api/v1/cohorts/", {"phase": "launch"})
    bad = api_client().get("/api/v1/cohorts/", {"program": "1 OR 1=1"})

    assert [c["phase"] for c in launched.json()["results"]] == ["launch"]
    assert bad.status_code == 400
    assert bad.json() == {"program": ["Give the id, a whole number."]}


def test_people_with_their_enrollment_state_and_training(api_client, cohort):
    module = TrainingModule.objects.create(cohort=cohort, title="Basics", content="Read this.", required=True)
    mentor = EnrollmentFactory(cohort=cohort, role=ParticipantRole.MENTOR, capacity=2)
    mentor.training_completions.create(module=module)
    applicant = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    EnrollmentFactory(cohort=CohortFactory())

    response = api_client().get("/api/v1/people/", {"cohort": cohort.pk})

    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {mentor.pk, applicant.pk}
    assert rows[mentor.pk]["role"] == "mentor"
    assert rows[mentor.pk]["capacity"] == 2
    assert rows[mentor.pk]["training_modules_done"] == 1
    assert rows[mentor.pk]["person"] == {
        "id": mentor.user.pk,
        "full_name": mentor.user.full_name,
        "email": mentor.user.email,
    }
    assert rows[applicant.pk]["status"] == "applied"


def test_people_of_another_organizations_cohort_filter_to_nothing(api_client):
    foreign = EnrollmentFactory(cohort=CohortFactory(program__organization=OrganizationFactory()))

    listed = api_client().get("/api/v1/people/", {"cohort": foreign.cohort_id})
    direct = api_client().get(f"/api/v1/people/{foreign.pk}/")

    assert listed.json()["results"] == []
    assert direct.status_code == 404


@pytest.mark.parametrize("item_count", [1, 3, 12])
def test_people_cost_a_fixed_number_of_queries(api_client, cohort, item_count, django_assert_num_queries):
    EnrollmentFactory.create_batch(item_count, cohort=cohort)
    client = api_client()

    # The key (and its last use), the count, the page.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/people/")

    assert response.json()["count"] == item_count


def test_a_read_write_key_invites_through_the_invitation_service(api_client, cohort, django_capture_on_commit_callbacks):
    client = api_client(access="write")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/invitations/",
            {"cohort": cohort.pk, "email": " Ada@Example.org ", "full_name": "Ada", "role": "mentor", "capacity": 2},
            format="json",
        )

    assert response.status_code == 201, response.json()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.capacity, invitation.status) == (
        "ada@example.org",
        "mentor",
        2,
        InvitationStatus.PENDING,
    )
    assert invitation.invited_by == client.token.created_by
    assert response.json()["id"] == invitation.pk
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_a_read_only_key_cannot_invite(api_client, cohort):
    response = api_client(access="read").post(
        "/api/v1/invitations/", {"cohort": cohort.pk, "email": "ada@example.org", "role": "mentee"}, format="json"
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_inviting_into_another_organizations_cohort_is_refused(api_client):
    foreign = CohortFactory(phase=CohortPhase.ENROLLMENT)

    response = api_client(access="write").post(
        "/api/v1/invitations/", {"cohort": foreign.pk, "email": "ada@example.org", "role": "mentee"}, format="json"
    )

    assert response.status_code == 400
    assert "cohort" in response.json()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"email": "not-an-address", "role": "mentee"}, "email", "Enter a valid email address."),
        ({"email": "ada@example.org", "role": "boss"}, "role", "\"boss\" is not a valid choice."),
        ({"email": "ada@example.org", "role": "mentee", "capacity": 2}, "capacity", "Only mentors have a capacity."),
        ({"email": "ada@example.org", "role": "mentor", "capacity": 9}, "capacity", "Capacity must be between 1 and 3."),
    ],
)
def test_bad_invitations_get_the_services_reasons_and_change_nothing(api_client, cohort, payload, field, message):
    response = api_client(access="write").post("/api/v1/invitations/", {"cohort": cohort.pk, **payload}, format="json")

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not Invitation.objects.exists()


def test_inviting_twice_or_in_a_closed_phase_is_explained(api_client, cohort):
    client = api_client(access="write")
    Invitation.objects.create(cohort=cohort, email="ada@example.org", role="mentee")
    closed = CohortFactory(program=cohort.program, phase=CohortPhase.LAUNCH)

    twice = client.post("/api/v1/invitations/", {"cohort": cohort.pk, "email": "ada@example.org", "role": "mentee"}, format="json")
    late = client.post("/api/v1/invitations/", {"cohort": closed.pk, "email": "bo@example.org", "role": "mentee"}, format="json")

    assert twice.status_code == 400
    assert twice.json() == {"email": ["ada@example.org has already been invited."]}
    assert late.status_code == 400
    assert late.json() == {"non_field_errors": ["People can be invited until the cohort launches."]}


def test_invitations_are_listed_with_their_state(api_client, cohort):
    invitation = Invitation.objects.create(cohort=cohort, email="bo@example.org", role="mentee")
    Invitation.objects.create(cohort=CohortFactory(), email="elsewhere@example.org", role="mentee")

    response = api_client().get("/api/v1/invitations/")

    assert [(i["id"], i["email"], i["status"]) for i in response.json()["results"]] == [
        (invitation.pk, "bo@example.org", "pending")
    ]
