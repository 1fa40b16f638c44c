from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.models import User
from mentorship.notifications import email_queue

from ..enums import CohortPhase, EnrollmentStatus, InvitationRole, InvitationStatus, ParticipantRole
from ..models import Cohort, Enrollment, ImportJob, Invitation, SubcommitteeMember, new_token
from ..phases import require_open, require_phase
from .enrollment import enrollment_confirm_imported, enrollment_join_invited

SIGNER_SALT = "cohorts.invitation"
EMAIL_MAX_LENGTH = Invitation._meta.get_field("email").max_length


class InvitationError(Exception):
    """The link cannot be used; the message says why, in words for the person who clicked."""


def invitation_link(*, invitation: Invitation) -> str:
    signed = signing.TimestampSigner(salt=SIGNER_SALT).sign(invitation.token)
    return reverse("cohorts:invitation-respond", kwargs={"signed": signed})


def invitation_resolve(*, signed: str) -> Invitation:
    """The invitation behind a link, if the link is genuine, not expired and not used up."""
    signer = signing.TimestampSigner(salt=SIGNER_SALT)
    max_age = settings.INVITATION_MAX_AGE_DAYS * 24 * 3600
    try:
        token = signer.unsign(signed, max_age=max_age)
    except signing.SignatureExpired:
        raise InvitationError(_("This invitation link has expired. Ask the coordinator to send it again.")) from None
    except signing.BadSignature:
        raise InvitationError(_("This invitation link is not valid. Check that you copied all of it.")) from None
    invitation = Invitation.objects.select_related("cohort__program__organization").filter(token=token).first()
    if invitation is None or invitation.status == InvitationStatus.REVOKED:
        raise InvitationError(_("This invitation was withdrawn by the coordinator."))
    return invitation


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def duplicate_error(message: str) -> ValidationError:
    # The code sits on the field's own error: a dict of messages carries no code of its own.
    return ValidationError({"email": ValidationError(message, code="duplicate")})


def invitation_check(*, cohort: Cohort, email: str, role: str, capacity: int | None) -> tuple[str, int | None]:
    """Validate one invitation before it is created; raises ValidationError with the reason."""
    email, capacity = invitation_check_fields(cohort=cohort, email=email, role=role, capacity=capacity)
    if role == InvitationRole.SUBCOMMITTEE:
        if SubcommitteeMember.objects.filter(cohort=cohort, user__email__iexact=email).exists():
            raise duplicate_error(_("%(email)s is already on the subcommittee.") % {"email": email})
    elif (
        Enrollment.objects.filter(cohort=cohort, user__email__iexact=email)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .exists()
    ):
        raise duplicate_error(_("%(email)s is already in this cohort.") % {"email": email})
    existing = Invitation.objects.filter(cohort=cohort, email=email).first()
    if existing is not None and not _may_invite_again(existing):
        raise duplicate_error(_("%(email)s has already been invited.") % {"email": email})
    return email, capacity


def invitation_check_fields(*, cohort: Cohort, email: str, role: str, capacity: int | None) -> tuple[str, int | None]:
    """The checks of one invitation that need no query (address, role, capacity): the
    normalized address and capacity, or a ValidationError with the reason."""
    try:
        email = normalize_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
    except ValidationError:
        raise ValidationError({"email": _("“%(email)s” is not a valid email address.") % {"email": email}}) from None
    if role not in InvitationRole.values:
        raise ValidationError(
            {"role": _("Role must be mentor, mentee or subcommittee, not “%(role)s”.") % {"role": role}}
        )
    if role == InvitationRole.MENTOR:
        if capacity is not None and not 1 <= capacity <= cohort.mentor_max_capacity:
            raise ValidationError(
                {"capacity": _("Capacity must be between 1 and %(max)d.") % {"max": cohort.mentor_max_capacity}}
            )
    elif capacity is not None:
        raise ValidationError({"capacity": _("Only mentors have a capacity.")})
    return email, capacity


def _may_invite_again(invitation: Invitation) -> bool:
    """A withdrawn invitation, or one whose person has since left, may be sent anew."""
    if invitation.status == InvitationStatus.REVOKED:
        return True
    if invitation.status == InvitationStatus.ACCEPTED and invitation.role != InvitationRole.SUBCOMMITTEE:
        return Enrollment.objects.filter(
            cohort_id=invitation.cohort_id, user__email__iexact=invitation.email, status=EnrollmentStatus.WITHDRAWN
        ).exists()
    return False


def invitation_create(
    *,
    cohort: Cohort,
    email: str,
    full_name: str = "",
    role: str,
    capacity: int | None = None,
    by: User | None,
    import_job: ImportJob | None = None,
) -> Invitation:
    """Invite one person and email them the link.

    Side effects: sends the invitation email after commit.
    """
    require_phase(cohort, "invite")
    email, capacity = invitation_check(cohort=cohort, email=email, role=role, capacity=capacity)
    fields = {
        "full_name": full_name.strip()[:150],
        "role": role,
        "capacity": capacity,
        "invited_by": by,
        "import_job": import_job,
    }
    try:
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update().filter(cohort=cohort, email=email).first()
            if invitation is None:
                invitation = Invitation.objects.create(cohort=cohort, email=email, **fields)
            else:
                # Invited again after a withdrawal: a fresh token, so that old links stay dead.
                for name, value in fields.items():
                    setattr(invitation, name, value)
                invitation.status, invitation.token = InvitationStatus.PENDING, new_token()
                invitation.accepted_at = invitation.accepted_by = None
                invitation.save()
            invitation_send(invitation=invitation)
    except IntegrityError:
        # Two imports of the same file at once: the other one invited this person.
        raise duplicate_error(_("%(email)s has already been invited.") % {"email": email}) from None
    return invitation


def invitation_send(*, invitation: Invitation) -> Invitation:
    """(Re)send the email with a freshly signed link; the expiry counts from now."""
    now = timezone.now()
    # Conditional, so that an invitation accepted or withdrawn a moment ago is not sent.
    if not Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(sent_at=now):
        raise ValidationError(_("Only pending invitations can be sent again."))
    invitation.sent_at = now
    email_queue(**invitation_message(invitation=invitation))
    return invitation


def invitation_message(*, invitation: Invitation) -> dict:
    """The invitation email's recipients, template and context (``email_queue``), with a key
    that sends it at most once per link when handed over in a batch (``email_queue_many``)."""
    return {
        "to": [invitation.email],
        "template": "invitation",
        "context": {
            "invitation": invitation,
            "cohort": invitation.cohort,
            "link": settings.SITE_URL + invitation_link(invitation=invitation),
            "days": settings.INVITATION_MAX_AGE_DAYS,
        },
    }


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation; one accepted in the meantime stays accepted."""
    require_open(invitation.cohort)
    Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(status=InvitationStatus.REVOKED)
    invitation.refresh_from_db(fields=["status"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, acknowledge_guidelines: bool) -> Invitation:
    """The invited person joins: an accepted enrollment, or a seat on the subcommittee.

    Accepting again with the same account does nothing; a used invitation cannot bring in
    somebody else.
    """
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=invitation.pk)
    cohort = invitation.cohort
    if invitation.status == InvitationStatus.ACCEPTED:
        if invitation.accepted_by_id == user.pk:
            return invitation
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation was withdrawn by the coordinator."), code="revoked")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email},
            code="wrong_account",
        )
    require_open(cohort)
    now = timezone.now()
    if invitation.role == InvitationRole.SUBCOMMITTEE:
        SubcommitteeMember.objects.get_or_create(cohort=cohort, user=user)
    else:
        if cohort.phase not in (CohortPhase.DRAFT, CohortPhase.ENROLLMENT, CohortPhase.TRAINING):
            raise ValidationError(_("This cohort has already launched; ask the coordinator."), code="phase")
        if not acknowledge_guidelines:
            raise ValidationError(
                {"acknowledge_guidelines": _("Please read and accept the guidelines to join.")}, code="guidelines"
            )
        role = ParticipantRole.MENTOR if invitation.role == InvitationRole.MENTOR else ParticipantRole.MENTEE
        imported = (
            Enrollment.objects.filter(pk=invitation.enrollment_id, user=user, cohort=cohort)
            .exclude(status=EnrollmentStatus.WITHDRAWN)
            .first()
            if invitation.enrollment_id
            else None
        )
        if imported is not None:
            # Placed (and perhaps matched) by an import with answers: joining confirms it.
            enrollment_confirm_imported(enrollment=imported, now=now)
        else:
            enrollment_join_invited(
                cohort=cohort,
                user=user,
                role=role,
                capacity=invitation.capacity if role == ParticipantRole.MENTOR else None,
                invited_by=invitation.invited_by,
                now=now,
            )
    if not user.full_name and invitation.full_name:
        user.full_name = invitation.full_name
        user.save(update_fields=["full_name"])
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at, invitation.accepted_by = now, user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    return invitation


def invitation_account_to_claim(*, invitation: Invitation) -> User | None:
    """The account an import with answers made for the invited person, while it has no
    password and has never been used: the invitation link lets them choose a password."""
    if invitation.status != InvitationStatus.PENDING or invitation.enrollment_id is None:
        return None
    account = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    if account is None or account.has_usable_password() or account.last_login is not None:
        return None
    return account


@transaction.atomic
def invitation_claim_account(*, invitation: Invitation, password: str) -> User:
    """Give the imported person's account the password they chose (already validated); the
    link came to their address, so the address counts as verified."""
    from allauth.account.models import EmailAddress  # noqa: PLC0415 -- allauth's models load late

    # Locked, so that of two claims at the same moment (two tabs, a double click) the second
    # finds the password set and sets none of its own.
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=invitation.pk)
    require_open(invitation.cohort)
    account = invitation_account_to_claim(invitation=invitation)
    if account is not None:
        account = User.objects.select_for_update().get(pk=account.pk)
    if account is None or account.has_usable_password():
        raise ValidationError(_("This account already has a password; sign in instead."))
    account.set_password(password)
    account.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=account, email=account.email, defaults={"verified": True, "primary": True}
    )
    return account


def invitation_answers_url(*, invitation: Invitation) -> str | None:
    """Where a person placed by an import with answers checks them once they accepted, when
    the cohort still takes application answers."""
    from ..hooks import answer_import  # noqa: PLC0415 -- hooks are filled once apps are ready
    from ..phases import phase_allows  # noqa: PLC0415

    hooks = answer_import()
    if invitation.enrollment_id is None or hooks is None or not phase_allows(invitation.cohort, "fill_application"):
        return None
    enrollment = Enrollment.objects.filter(pk=invitation.enrollment_id).first()
    return hooks.review_url(enrollment) if enrollment is not None else None


def subcommittee_add(*, cohort: Cohort, user: User) -> SubcommitteeMember:
    require_open(cohort)
    member, _created = SubcommitteeMember.objects.get_or_create(cohort=cohort, user=user)
    return member


def subcommittee_remove(*, member: SubcommitteeMember) -> None:
    require_open(member.cohort)
    member.delete()
