"""Everything that tells a person something: emails and the in-app notification list.

Every email goes through ``email_queue``: it renders each recipient's message now (in
their language, while the objects are at hand), records the event in the recipient's
notification list, and sends the email after the transaction commits, unless the person
asked for that kind of email in a daily digest or not at all. Events that need no email
(a comment, a vote result) go through ``notify``, to the list only.

Each email has three templates: ``emails/<kind>-subject.txt``, ``emails/<kind>-body.txt``
and ``emails/<kind>-body.html``; an in-app-only kind has ``notifications/<kind>.txt`` for
its title. Every kind is listed in ``KINDS``, which the preference page is built from.

Each message is rendered in its recipient's language and time zone: the one place where an
email's times are converted, so that templates only format (``|date``) and say which zone
with ``{{ TIME_ZONE }}``.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Digest, EmailState, Notification, NotificationPreference, User
from .zones import zone_of

# --- Kinds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    group: str
    # Sent right away whatever the person prefers: the program cannot run without it.
    always: bool = False
    # False for events listed in the app only (no email to choose about).
    email: bool = True


G_ENROLLMENT = _("Enrollment and training")
G_MATCHING = _("Matching")
G_MEETINGS = _("Meetings and your pair")
G_QUESTIONNAIRES = _("Questionnaires")
G_SHOWCASE = _("Projects, showcase and graduation")
G_COORDINATION = _("For coordinators")
G_COHORT = _("News from your cohort")

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in [
        Kind("invitation", _("Invitations to a cohort"), G_ENROLLMENT, always=True),
        Kind("application-received", _("Your application was received"), G_ENROLLMENT, always=True),
        Kind("application-accepted", _("Your application was accepted"), G_ENROLLMENT, always=True),
        Kind("application-declined", _("Your application was declined"), G_ENROLLMENT, always=True),
        Kind("application-waitlisted", _("You are on the waiting list"), G_ENROLLMENT, always=True),
        Kind("training-reminder", _("Reminders to finish your training"), G_ENROLLMENT),
        Kind("cohort-phase-training", _("Training opens"), G_COHORT),
        Kind("cohort-phase-launch", _("The cohort launches"), G_COHORT),
        Kind("cohort-phase-showcase", _("The showcase begins"), G_COHORT),
        Kind("announcement", _("Announcements from your coordinators"), G_COHORT),
        Kind("match-published", _("Your mentor or mentee is chosen"), G_MATCHING, always=True),
        Kind("vote-cast", _("Votes and comments on proposals you review"), G_MATCHING, email=False),
        Kind("vote-result", _("Decisions on proposals you review"), G_MATCHING, email=False),
        Kind("meeting-proposed", _("A meeting is proposed"), G_MEETINGS),
        Kind("meeting-confirmed", _("A meeting is confirmed"), G_MEETINGS),
        Kind("meeting-cancelled", _("A meeting is cancelled"), G_MEETINGS),
        Kind("meeting-contact-recorded", _("A past call or exchange is recorded"), G_MEETINGS),
        Kind("meeting-reminder", _("Reminders before a meeting"), G_MEETINGS),
        Kind("meeting-log-reminder", _("Reminders to log a meeting"), G_MEETINGS),
        Kind("meeting-checkin-reminder", _("Monthly check-in reminders (mentors)"), G_MEETINGS),
        Kind("meeting-message", _("Messages from your mentor or mentee"), G_MEETINGS),
        Kind("meeting-at-risk-pair", _("Your pair has not met for a while"), G_MEETINGS),
        Kind("agenda-item-added", _("Agenda items added by the other person"), G_MEETINGS, email=False),
        Kind("questionnaire-sent", _("A questionnaire to answer"), G_QUESTIONNAIRES),
        Kind("questionnaire-reminder", _("Reminders to answer a questionnaire"), G_QUESTIONNAIRES),
        Kind("showcase-update-posted", _("Your mentee posted a project update"), G_SHOWCASE),
        Kind("showcase-comment-posted", _("Comments on project updates"), G_SHOWCASE),
        Kind("showcase-term-reminder", _("Choosing what follows your term"), G_SHOWCASE),
        Kind("showcase-term-decided", _("What follows your term is decided"), G_SHOWCASE),
        Kind("graduation-congratulations", _("Graduation and your certificate"), G_SHOWCASE),
        Kind("match-ended", _("A pair ended or is not a good fit"), G_COORDINATION),
        Kind("meeting-at-risk-digest", _("Pairs that need attention"), G_COORDINATION),
        Kind("webhook-disabled", _("A webhook was turned off after failing"), G_COORDINATION),
    ]
}

# Emails a program may make compulsory for its participants (the rest are compulsory
# everywhere, or only for coordinators).
PROGRAM_OPTIONAL = [k for k in KINDS.values() if k.email and not k.always and k.group != G_COORDINATION]


def kind_for(key: str) -> Kind:
    # An email added without a line in KINDS still goes out (as an optional kind) rather
    # than failing; a test keeps the table complete.
    return KINDS.get(key) or Kind(key, key, G_COHORT)


def language_of(user: User | None) -> str:
    """The language to write to ``user`` in: their choice, else the site's."""
    codes = {code for code, _name in settings.LANGUAGES}
    if user is not None and user.language in codes:
        return user.language
    return settings.LANGUAGE_CODE


# --- Links ------------------------------------------------------------------------------

# Where a notification leads, from the email's context: the first of these that is set.
LINK_KEYS = ("url", "pair_url", "meeting_url", "cohort_pairs_url", "link")


def _link_of(context: dict) -> str:
    for key in LINK_KEYS:
        value = context.get(key)
        if value:
            return _local(str(value))
    cohort = context.get("cohort")
    if cohort is not None and getattr(cohort, "pk", None):
        return cohort.get_absolute_url()
    return ""


def _local(url: str) -> str:
    """Links in emails are absolute; in the app they stay on the site."""
    if url.startswith(settings.SITE_URL + "/"):
        return url[len(settings.SITE_URL) :]
    return url if url.startswith("/") else ""


# --- Emails -----------------------------------------------------------------------------


def email_render(*, template: str, context: dict, zone: ZoneInfo | None = None) -> dict:
    """The subject and bodies of one message, with times in ``zone`` (the site's if None),
    in the active language."""
    zone = zone or zone_of(None)
    with timezone.override(zone):
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, "TIME_ZONE": zone.key, **context}
        subject = render_to_string(f"emails/{template}-subject.txt", context)
        return {
            # Headers must be one line, whatever the template's whitespace.
            "subject": " ".join(subject.split()),
            "body": render_to_string(f"emails/{template}-body.txt", context),
            "html": render_to_string(f"emails/{template}-body.html", context),
        }


def _program_requires(cohort, kind: Kind) -> bool:
    if cohort is None:
        return False
    return kind.key in (cohort.program.required_emails or [])


def _given(to: Iterable) -> dict[str, User | None]:
    given: dict[str, User | None] = {}
    for recipient in to:
        if isinstance(recipient, str):
            if recipient:
                given.setdefault(recipient.strip().lower(), None)
        elif recipient is not None:
            given[recipient.email.lower()] = recipient
    return given


@dataclass
class _LookedUp:
    """Accounts and preferences fetched once for a batch of emails (``email_queue_many``)."""

    accounts: dict[str, User]
    # (user id, kind) -> delivery
    preferences: dict[tuple[int, str], str]


def _look_up(messages: list[dict]) -> _LookedUp:
    """Two queries for a whole batch: the accounts behind plain addresses, and the
    preferences of everyone the batch reaches for the kinds it sends."""
    addresses, people = set(), {}
    for m in messages:
        for address, person in _given(m["to"]).items():
            if person is None:
                addresses.add(address)
            else:
                people[person.pk] = person
    accounts = {p.email: p for p in User.objects.filter(email__in=addresses, is_active=True)} if addresses else {}
    people.update((p.pk, p) for p in accounts.values())
    kinds = {kind_for(m["template"]).key for m in messages}
    preferences = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(
            user__in=list(people), kind__in=kinds
        ).values_list("user_id", "kind", "delivery")
    }
    return _LookedUp(accounts, preferences)


def _recipients(
    to: Iterable, kind: Kind, looked_up: _LookedUp | None = None
) -> list[tuple[str, User | None, str | None]]:
    """(address, account or None, the account's preference for ``kind``) for each recipient,
    once per address: people given as accounts, and plain addresses, which are looked up (an
    invitation may go to somebody who has an account already). Two queries at most, none
    when ``looked_up`` holds what a batch fetched at once."""
    given = _given(to)
    unknown = [address for address, person in given.items() if person is None]
    if unknown:
        if looked_up is None:
            found = User.objects.filter(email__in=unknown, is_active=True)
        else:
            found = [looked_up.accounts[a] for a in unknown if a in looked_up.accounts]
        for person in found:
            given[person.email] = person
    people = [p for p in given.values() if p is not None]
    if looked_up is None:
        chosen = dict(
            NotificationPreference.objects.filter(user__in=people, kind=kind.key).values_list("user_id", "delivery")
        )
    else:
        chosen = {
            p.pk: looked_up.preferences[(p.pk, kind.key)] for p in people if (p.pk, kind.key) in looked_up.preferences
        }
    return [(address, person, chosen.get(person.pk) if person else None) for address, person in given.items()]


def _prepare(
    *,
    to: Iterable,
    template: str,
    context: dict,
    cohort=None,
    looked_up: _LookedUp | None = None,
    attachments: list[dict] | None = None,
) -> tuple[list, list[dict]]:
    """The notifications to record and the messages to send for one email to ``to``."""
    kind = kind_for(template)
    recipients = _recipients(to, kind, looked_up)
    cohort = cohort if cohort is not None else context.get("cohort")
    required = kind.always or _program_requires(cohort, kind)
    link = _link_of(context)
    rendered: dict[tuple[str, str], dict] = {}
    notifications, messages = [], []
    for address, person, chosen in recipients:
        delivery = Delivery.IMMEDIATE if required or person is None else (chosen or Delivery.IMMEDIATE)
        zone, language = zone_of(person), language_of(person)
        if (zone.key, language) not in rendered:
            with translation.override(language):
                rendered[(zone.key, language)] = email_render(template=template, context=context, zone=zone)
        message = rendered[(zone.key, language)]
        if delivery == Delivery.IMMEDIATE:
            messages.append({"to": [address], **message, **({"attachments": attachments} if attachments else {})})
        if person is not None and person.is_active:
            state = {
                Delivery.IMMEDIATE: EmailState.SENT,
                Delivery.DIGEST: EmailState.DIGEST_PENDING,
                Delivery.OFF: EmailState.OFF,
            }[delivery]
            notifications.append(
                Notification(user=person, kind=kind.key, title=message["subject"][:300], url=link, email_state=state)
            )
    return notifications, messages


def email_queue(
    *, to: Iterable, template: str, context: dict, cohort=None, attachments: list[dict] | None = None
) -> None:
    """Tell each recipient of ``to``: by email (rendered now in their language and time zone,
    sent after commit) and, when the recipient has an account, in their notification list.

    ``to`` holds people (accounts) or plain addresses (of people without an account yet; an
    address with an account is treated as that person). ``cohort`` (else
    ``context["cohort"]``) is the cohort the email is about: its program may make the email
    compulsory. ``attachments`` (``{"filename", "content", "mimetype"}``, text content) go
    with the email itself, not with a digest: a calendar invitation, for instance.

    Side effects: one Notification per recipient with an account; queues
    ``mentorship.send_email`` once per recipient on commit, except for people who chose the
    daily digest or no email for this kind (kinds every program or this program requires are
    always sent). Nothing is sent or recorded if the surrounding transaction rolls back.
    """
    notifications, messages = _prepare(
        to=to, template=template, context=context, cohort=cohort, attachments=attachments
    )
    Notification.objects.bulk_create(notifications)
    if messages:
        _send_on_commit(messages)


def email_queue_many(*, messages: list[dict]) -> None:
    """A batch of emails, as ``email_queue`` sends each (notifications, preferences, each
    recipient's language and time zone), handed to one mail task once committed. Each message
    is ``{"to": [...], "template": ..., "context": {...}, "key": ...}``; a message with a key
    is sent at most once to each recipient, however often the batch is delivered.

    Side effects: queues ``mentorship.send_emails`` on commit.
    """
    notifications, rendered = [], []
    looked_up = _look_up(messages) if messages else None
    for m in messages:
        found, prepared = _prepare(
            to=m["to"],
            template=m["template"],
            context=m["context"],
            looked_up=looked_up,
            attachments=m.get("attachments"),
        )
        notifications += found
        key = m.get("key", "")
        for message in prepared:
            # One key per recipient: a message to several people is sent to each once.
            rendered.append({**message, "key": f"{key}:{message['to'][0]}" if key and len(prepared) > 1 else key})
    Notification.objects.bulk_create(notifications)
    if not rendered:
        return
    from .tasks import task_send_emails  # noqa: PLC0415 -- tasks import this module's callers

    transaction.on_commit(lambda: task_send_emails.apply_async(kwargs={"messages": rendered}))


def _send_on_commit(messages: list[dict]) -> None:
    from .tasks import task_send_email  # noqa: PLC0415 -- tasks import this module's callers

    def send():
        for message in messages:
            task_send_email.apply_async(kwargs=message)

    transaction.on_commit(send)


def notify(*, users, kind: str, context: dict) -> list[Notification]:
    """Put an event that needs no email (a comment, a vote result) in each person's list.

    The title comes from ``notifications/<kind>.txt``, rendered in each person's language.
    """
    kind_for(kind)
    link = _link_of(context)
    notifications = []
    for person in dict.fromkeys(users):
        if person is None or not person.is_active:
            continue
        with translation.override(language_of(person)):
            title = " ".join(render_to_string(f"notifications/{kind}.txt", {**context, "recipient": person}).split())
        notifications.append(Notification(user=person, kind=kind, title=title[:300], url=link))
    return Notification.objects.bulk_create(notifications)


# --- The daily digest -------------------------------------------------------------------


def digest_due_for(*, user: User, now: datetime.datetime) -> datetime.date | None:
    """The person's local day if their digest hour has come, else None."""
    local = timezone.localtime(now, zone_of(user))
    if local.hour < settings.DIGEST_HOUR:
        return None
    return local.date()


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """Send the daily digest to every person whose digest hour has come (in their time
    zone) and who has notifications waiting for it. Run hourly; returns how many went out.
    """
    now = now or timezone.now()
    waiting = Notification.objects.filter(email_state=EmailState.DIGEST_PENDING).values("user")
    sent = 0
    for person in User.objects.filter(pk__in=waiting, is_active=True).order_by("pk"):
        day = digest_due_for(user=person, now=now)
        if day is not None and digest_send(user=person, day=day) is not None:
            sent += 1
    return sent


@transaction.atomic
def digest_send(*, user: User, day: datetime.date) -> Digest | None:
    """Claim the person's digest of ``day`` and everything waiting for it, then email it.

    The Digest row is unique per person and day: a second run the same day, or a second
    worker at the same moment, claims nothing and sends nothing. Side effects: marks the
    notifications as sent in the digest; queues one email after commit.
    """
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, day=day)
    except IntegrityError:
        return None
    claimed = Notification.objects.filter(user=user, email_state=EmailState.DIGEST_PENDING).update(
        email_state=EmailState.DIGESTED, digest=digest
    )
    if not claimed:
        # Another worker took them between the two statements: no empty digest.
        transaction.set_rollback(True)
        return None
    digest.item_count = claimed
    digest.save(update_fields=["item_count"])
    items = list(digest.items.order_by("created_at", "pk"))
    with translation.override(language_of(user)):
        message = email_render(
            zone=zone_of(user),
            template="digest",
            context={
                "user": user,
                "items": items,
                "day": day,
                "notifications_url": settings.SITE_URL + reverse("mentorship:notification-list"),
            },
        )
    _send_on_commit([{"to": [user.email], **message}])
    return digest


def notifications_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete notifications older than the retention period (those still waiting for a
    digest stay until it goes out). Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    deleted, _by_model = (
        Notification.objects.filter(created_at__lt=cutoff).exclude(email_state=EmailState.DIGEST_PENDING).delete()
    )
    Digest.objects.filter(created_at__lt=cutoff, items__isnull=True).delete()
    return deleted


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the person's own notifications read; False if it is not theirs or is gone."""
    updated = Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return bool(updated) or Notification.objects.filter(pk=notification_id, user=user).exists()


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Store the person's choice for each kind of email. Compulsory kinds and unknown keys
    are ignored: they cannot be turned off."""
    for key, delivery in choices.items():
        kind = KINDS.get(key)
        if kind is None or kind.always or not kind.email or delivery not in Delivery.values:
            continue
        NotificationPreference.objects.update_or_create(user=user, kind=key, defaults={"delivery": delivery})
