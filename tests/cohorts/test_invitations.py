import datetime
import re

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohorts.enums import CohortPhase, EnrollmentStatus, InvitationStatus
from cohorts.models import Enrollment, Invitation, SubcommitteeMember
from cohorts.services.invitations import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_link,
    invitation_resolve,
    invitation_revoke,
)
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_part(invitation) -> str:
    return invitation_link(invitation=invitation).rstrip("/").rsplit("/", 1)[1]


def test_invite_sends_email_with_link(cohort, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            cohort=cohort, email=" Ada@Example.ORG ", full_name="Ada", role="mentor", capacity=2, by=coordinator
        )

    assert (invitation.email, invitation.capacity, invitation.status) == ("ada@example.org", 2, "pending")
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    # The signed link carries a timestamp: resolve the one in the email rather than build it again.
    signed = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation_resolve(signed=signed) == invitation


@pytest.mark.parametrize(
    ("email", "role", "capacity", "message"),
    [
        ("not-an-email", "mentee", None, "is not a valid email address"),
        ("a@example.org", "boss", None, "Role must be mentor, mentee or subcommittee"),
        ("a@example.org", "mentor", 7, "Capacity must be between 1 and 3"),
        ("a@example.org", "mentee", 2, "Only mentors have a capacity"),
    ],
)
def test_invite_bad_input_is_refused(cohort, coordinator, email, role, capacity, message):
    with pytest.raises(ValidationError, match=message):
        invitation_create(cohort=cohort, email=email, role=role, capacity=capacity, by=coordinator)

    assert Invitation.objects.count() == 0


def test_invite_twice_or_someone_enrolled_is_refused(cohort, coordinator):
    invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)
    enrolled = EnrollmentFactory(cohort=cohort)

    with pytest.raises(ValidationError, match="already been invited"):
        invitation_create(cohort=cohort, email="A@example.org", role="mentee", by=coordinator)
    with pytest.raises(ValidationError, match="already in this cohort"):
        invitation_create(cohort=cohort, email=enrolled.user.email, role="mentee", by=coordinator)


def test_invite_refused_after_launch(cohort, coordinator):
    cohort.phase = CohortPhase.LAUNCH
    cohort.save()

    with pytest.raises(ValidationError, match="until the cohort launches"):
        invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)


def test_link_resolves_to_its_invitation(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)

    assert invitation_resolve(signed=signed_part(invitation)) == invitation


def test_link_expires(cohort, coordinator, settings):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)
    signed = signed_part(invitation)
    settings.INVITATION_MAX_AGE_DAYS = 0

    with pytest.raises(InvitationError, match="expired"):
        invitation_resolve(signed=signed)


def test_tampered_link_is_refused(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)
    forged = signing.TimestampSigner(salt="someone-else").sign(invitation.token)

    with pytest.raises(InvitationError, match="not valid"):
        invitation_resolve(signed=forged)
    with pytest.raises(InvitationError, match="not valid"):
        invitation_resolve(signed=signed_part(invitation) + "x")


def test_revoked_invitation_link_is_refused(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)
    invitation_revoke(invitation=invitation)

    with pytest.raises(InvitationError, match="withdrawn"):
        invitation_resolve(signed=signed_part(invitation))


def test_accept_creates_accepted_enrollment(cohort, coordinator):
    invitation = invitation_create(
        cohort=cohort, email="a@example.org", full_name="Ada L", role="mentor", capacity=2, by=coordinator
    )
    user = UserFactory(email="a@example.org", full_name="")

    invitation_accept(invitation=invitation, user=user, acknowledge_guidelines=True)

    enrollment = Enrollment.objects.get(cohort=cohort, user=user)
    assert (enrollment.role, enrollment.status, enrollment.capacity) == ("mentor", EnrollmentStatus.ACCEPTED, 2)
    assert enrollment.guidelines_acknowledged_at is not None
    invitation.refresh_from_db()
    user.refresh_from_db()
    assert (invitation.status, invitation.accepted_by, user.full_name) == (InvitationStatus.ACCEPTED, user, "Ada L")


def test_accept_twice_by_same_person_changes_nothing_and_others_cannot_reuse(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)
    user = UserFactory(email="a@example.org")
    invitation_accept(invitation=invitation, user=user, acknowledge_guidelines=True)

    invitation_accept(invitation=invitation, user=user, acknowledge_guidelines=True)
    with pytest.raises(ValidationError, match="already been used"):
        invitation_accept(invitation=invitation, user=UserFactory(), acknowledge_guidelines=True)

    assert Enrollment.objects.filter(cohort=cohort).count() == 1


def test_accept_with_another_account_is_refused(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)

    with pytest.raises(ValidationError, match="Sign in with that address"):
        invitation_accept(invitation=invitation, user=UserFactory(email="b@example.org"), acknowledge_guidelines=True)

    assert Enrollment.objects.count() == 0


def test_accept_requires_guidelines(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)

    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, user=UserFactory(email="a@example.org"), acknowledge_guidelines=False)

    assert Enrollment.objects.count() == 0


def test_subcommittee_invitation_gives_a_seat(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="r@example.org", role="subcommittee", by=coordinator)
    user = UserFactory(email="r@example.org")

    invitation_accept(invitation=invitation, user=user, acknowledge_guidelines=False)

    assert list(SubcommitteeMember.objects.filter(cohort=cohort).values_list("user", flat=True)) == [user.pk]
    assert Enrollment.objects.count() == 0


def test_resent_link_counts_expiry_from_now(cohort, coordinator, settings):
    from cohorts.services.invitations import invitation_send

    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)
    first = invitation.sent_at

    invitation_send(invitation=invitation)

    assert invitation.sent_at > first
    assert timezone.now() - invitation.sent_at < datetime.timedelta(seconds=5)


def test_accepting_an_invitation_never_overwrites_an_existing_place(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentor", by=coordinator)
    user = UserFactory(email="a@example.org")
    EnrollmentFactory(cohort=cohort, user=user, role="mentee", status=EnrollmentStatus.DECLINED)

    with pytest.raises(ValidationError, match="already in this cohort as mentee"):
        invitation_accept(invitation=invitation, user=user, acknowledge_guidelines=True)

    assert list(Enrollment.objects.values_list("role", "status")) == [("mentee", "declined")]


def test_revoked_or_withdrawn_people_can_be_invited_again_with_a_new_link(cohort, coordinator):
    revoked = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)
    old_link = signed_part(revoked)
    invitation_revoke(invitation=revoked)
    joined = invitation_create(cohort=cohort, email="b@example.org", role="mentee", by=coordinator)
    invitation_accept(invitation=joined, user=UserFactory(email="b@example.org"), acknowledge_guidelines=True)
    Enrollment.objects.filter(user__email="b@example.org").update(status=EnrollmentStatus.WITHDRAWN)

    again = invitation_create(cohort=cohort, email="a@example.org", role="mentor", capacity=1, by=coordinator)
    back = invitation_create(cohort=cohort, email="b@example.org", role="mentee", by=coordinator)

    assert (again.pk, again.status, again.role) == (revoked.pk, "pending", "mentor")
    assert back.status == "pending"
    assert Invitation.objects.count() == 2
    with pytest.raises(InvitationError):
        invitation_resolve(signed=old_link)
    assert invitation_resolve(signed=signed_part(again)) == again


def test_over_long_email_is_refused_as_invalid(cohort, coordinator):
    with pytest.raises(ValidationError, match="is not a valid email address"):
        invitation_create(cohort=cohort, email="a" * 250 + "@example.org", role="mentee", by=coordinator)


def test_revoke_does_not_undo_an_acceptance(cohort, coordinator):
    invitation = invitation_create(cohort=cohort, email="a@example.org", role="mentee", by=coordinator)
    stale = Invitation.objects.get(pk=invitation.pk)
    invitation_accept(invitation=invitation, user=UserFactory(email="a@example.org"), acknowledge_guidelines=True)

    invitation_revoke(invitation=stale)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED
