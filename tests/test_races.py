"""Two people doing the same thing at the same moment, through the pages, on PostgreSQL: one
wins cleanly, the other gets a clear message, one email goes out, nobody sees an error page.

Each test logs its clients in first, then releases their requests together (a barrier), each
thread on its own database connection, so that the transactions really overlap.

Every state change was reviewed for a check-then-act race; each one reads the row it changes
under a lock (``select_for_update``) or changes it with a conditional update, and re-checks the
status there:

- sign-up with a new address: the unique index decides; the loser gets the sequential
  duplicate's answer (``mentorship.views.SignupView``);
- application decisions: locked, and the status the coordinator saw is sent with the form and
  re-checked (``enrollment_decide``, also in bulk);
- invitation acceptance: locked invitation; the same account accepting twice joins once;
  claiming an imported account: invitation and account locked, the password set once;
- votes and direct proposal decisions: locked proposal, decided once
  (tests/matching/test_concurrency.py);
- publishing and matching runs: one active job per cohort (lock plus a unique index);
  publishing batches locked (tests/matching/test_concurrency.py);
- withdrawals, mentor capacity: locked enrollment;
- meeting confirm / cancel / reschedule / log: locked meeting; confirm and cancel carry the
  sequence the person saw, a log carries the version;
- pair end: locked pair, one ``PairEnd`` per pair; the loser is told who ended it;
  graduation and the pair lifecycle: conditional updates on the status;
- end-of-term choices and decisions: locked pair, one decision per term (unique);
- past contacts: the pair locked, the same form twice records one contact;
- group meetings (schedule, agenda, attendance, cancel): locked group meeting and seats;
- import uploads confirmed twice: the upload locked and consumed, one import; import chunks
  under the job's lock;
- announcements and questionnaire sending (recurring rules too): sent in chunks under the
  job's lock / one delivery per person by a unique constraint.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from cohorts.enums import CohortPhase, EnrollmentStatus, InvitationRole, InvitationStatus
from cohorts.models import Enrollment, Invitation, Pair, PairStatus
from cohorts.services.invitations import invitation_link
from matching.models import PairEnd
from meetings.enums import MeetingStatus
from mentorship.enums import OrgRole
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MeetingFactory,
    MembershipFactory,
    PairFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises all writes")


def at_once(*requests):
    """Send the requests (each a callable returning a response) released together; return
    their responses, or the exception a request raised."""
    barrier = threading.Barrier(len(requests))
    outcomes: list = [None] * len(requests)

    def run(index, request):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes[index] = request()
        except Exception as error:
            outcomes[index] = error
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def client_for(user) -> Client:
    # raise_request_exception=False: a server error comes back as a 500, as a browser sees it.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def messages_of(client: Client, response) -> list[str]:
    """The messages the person reads on the page the response sends them to. Read after the
    race, one client at a time: the test client's record of rendered templates is shared
    between threads, so a page rendered during the race may carry the other's context."""
    page = client.get(response.url) if response.status_code == 302 else response
    return [str(m) for m in page.context["messages"]]


def statuses(responses) -> list[int]:
    return [r.status_code for r in responses]


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def coordinators(program):
    return [
        MembershipFactory(organization=program.organization, role=OrgRole.COORDINATOR, user__full_name=name).user
        for name in ("Carla", "Dimitri")
    ]


def test_two_sign_ups_with_the_same_new_address_make_one_account(program):
    data = {
        "full_name": "Ada Lovelace",
        "email": "ada@example.test",
        "password1": "an-engine-of-2026",
        "password2": "an-engine-of-2026",
    }
    clients = [Client(raise_request_exception=False) for _ in range(2)]

    responses = at_once(*(lambda c=c: c.post(reverse("account_signup"), data) for c in clients))

    assert sorted(statuses(responses)) == [200, 302]
    loser = next(r for r in responses if r.status_code == 200)
    assert "A user is already registered with this email address." in loser.content.decode()
    assert User.objects.filter(email="ada@example.test").count() == 1
    # The winner's address confirmation; nothing for the loser.
    assert [m.to for m in mail.outbox] == [["ada@example.test"]]


@pytest.mark.parametrize("decisions", [("accepted", "declined"), ("declined", "accepted")])
def test_two_coordinators_deciding_one_application_at_once_make_one_decision(program, coordinators, decisions):
    cohort = CohortFactory(program=program, phase=CohortPhase.ENROLLMENT)
    application = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED, user__full_name="Mia")
    url = reverse("cohorts:enrollment-decide", kwargs={"pk": cohort.pk, "enrollment_pk": application.pk})
    clients = [client_for(c) for c in coordinators]
    # What each coordinator's page showed (and the form sends back).
    seen = {f"seen-{application.pk}": EnrollmentStatus.APPLIED}

    responses = at_once(
        *(lambda c=c, d=d: c.post(url, {"decision_one": d, **seen}) for c, d in zip(clients, decisions, strict=True))
    )

    assert statuses(responses) == [302, 302]
    application.refresh_from_db()
    assert application.status in decisions
    winner = decisions.index(application.status)
    loser = 1 - winner
    assert messages_of(clients[winner], responses[winner]) == [f"Mia: {application.get_status_display().lower()}."]
    assert messages_of(clients[loser], responses[loser]) == [
        f"Mia's application was {application.get_status_display().lower()} by {coordinators[winner]} in the "
        "meantime; your decision was not applied. Check it and decide again if needed."
    ]
    assert application.decided_by == coordinators[winner]
    # The applicant hears one decision: the one that stands.
    subject = {
        "accepted": f"Welcome to {cohort.name}",
        "declined": f"Your application to {cohort.name}",
    }[application.status]
    assert [(m.to, m.subject.startswith(subject)) for m in mail.outbox] == [([application.user.email], True)]


def test_two_accepts_of_one_invitation_at_once_enrol_once(program):
    cohort = CohortFactory(program=program, phase=CohortPhase.ENROLLMENT)
    person = UserFactory(email="joan@example.test")
    invitation = Invitation.objects.create(cohort=cohort, email=person.email, role=InvitationRole.MENTEE)
    url = invitation_link(invitation=invitation)
    clients = [client_for(person) for _ in range(2)]

    responses = at_once(*(lambda c=c: c.post(url, {"acknowledge_guidelines": "on"}) for c in clients))

    assert statuses(responses) == [302, 302]
    assert [r.url for r in responses] == [cohort.get_absolute_url()] * 2
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (InvitationStatus.ACCEPTED, person)
    assert list(Enrollment.objects.filter(cohort=cohort).values_list("user", "status")) == [
        (person.pk, EnrollmentStatus.ACCEPTED)
    ]


def test_two_claims_of_an_imported_account_set_one_password(program):
    cohort = CohortFactory(program=program, phase=CohortPhase.ENROLLMENT)
    account = User.objects.create_user(email="imported@example.test", password=None)
    enrollment = EnrollmentFactory(cohort=cohort, user=account, status=EnrollmentStatus.ACCEPTED)
    invitation = Invitation.objects.create(
        cohort=cohort, email=account.email, role=InvitationRole.MENTEE, enrollment=enrollment
    )
    url = invitation_link(invitation=invitation)
    passwords = ["first-choice-2026!", "second-choice-2026!"]
    clients = [Client(raise_request_exception=False) for _ in passwords]

    responses = at_once(
        *(
            lambda c=c, p=p: c.post(url, {"new_password1": p, "new_password2": p})
            for c, p in zip(clients, passwords, strict=True)
        )
    )

    assert statuses(responses) == [302, 302]
    account.refresh_from_db()
    chosen = [p for p in passwords if account.check_password(p)]
    assert len(chosen) == 1
    loser = 1 - passwords.index(chosen[0])
    assert responses[loser].url.startswith(reverse("account_login"))
    assert messages_of(clients[loser], responses[loser]) == ["This account already has a password; sign in instead."]


@pytest.fixture
def launched_pair(program):
    cohort = CohortFactory(program=program, phase=CohortPhase.LAUNCH)
    return PairFactory(cohort=cohort)


def test_confirming_a_meeting_twice_at_once_confirms_it_once(launched_pair):
    meeting = MeetingFactory(pair=launched_pair, status=MeetingStatus.PROPOSED, proposed_by=launched_pair.mentor.user)
    url = reverse("meetings:meeting-confirm", kwargs={"pk": meeting.pk})
    clients = [client_for(launched_pair.mentee.user) for _ in range(2)]
    mail.outbox.clear()

    responses = at_once(*(lambda c=c: c.post(url, {"sequence": str(meeting.sequence)}) for c in clients))

    assert statuses(responses) == [302, 302]
    assert sorted(messages_of(c, r)[0] for c, r in zip(clients, responses, strict=True)) == [
        "The meeting is confirmed.",
        "This meeting is already confirmed.",
    ]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.confirmed_by) == (MeetingStatus.CONFIRMED, launched_pair.mentee.user)
    assert [m.to for m in mail.outbox] == [[launched_pair.mentor.user.email]]


def test_cancel_and_confirm_of_one_meeting_at_once_do_one_of_them(launched_pair):
    mentor, mentee = launched_pair.mentor.user, launched_pair.mentee.user
    meeting = MeetingFactory(pair=launched_pair, status=MeetingStatus.PROPOSED, proposed_by=mentor)
    seen = {"sequence": str(meeting.sequence)}
    mentor_client, mentee_client = client_for(mentor), client_for(mentee)
    mail.outbox.clear()

    cancelled, confirmed = at_once(
        lambda: mentor_client.post(
            reverse("meetings:meeting-cancel", kwargs={"pk": meeting.pk}), {"reason": "", **seen}
        ),
        lambda: mentee_client.post(reverse("meetings:meeting-confirm", kwargs={"pk": meeting.pk}), seen),
    )

    assert statuses([cancelled, confirmed]) == [302, 302]
    meeting.refresh_from_db()
    if meeting.status == MeetingStatus.CANCELLED:
        assert messages_of(mentor_client, cancelled) == ["The meeting was cancelled."]
        assert messages_of(mentee_client, confirmed) == [f"{mentor} cancelled this meeting."]
        told = mentee
    else:
        assert meeting.status == MeetingStatus.CONFIRMED
        assert messages_of(mentee_client, confirmed) == ["The meeting is confirmed."]
        assert messages_of(mentor_client, cancelled) == [
            "The meeting was confirmed or moved since you opened the page (it is now confirmed). "
            "Check it, then cancel it if you still want to."
        ]
        told = mentor
    assert [m.to for m in mail.outbox] == [[told.email]]


def test_two_coordinators_ending_one_pair_at_once_end_it_once(program, coordinators):
    cohort = CohortFactory(program=program, phase=CohortPhase.LAUNCH)
    pair = PairFactory(cohort=cohort)
    url = reverse("matching:pair-end", kwargs={"pk": cohort.pk, "pair_pk": pair.pk})
    clients = [client_for(c) for c in coordinators]
    mail.outbox.clear()

    responses = at_once(
        *(
            lambda c=c, why=why: c.post(url, {"reason": why, "kind": "rematch"})
            for c, why in zip(clients, ("Never met", "Moved away"), strict=True)
        )
    )

    assert statuses(responses) == [302, 302]
    ending = PairEnd.objects.get(pair=pair)
    winner = coordinators.index(ending.ended_by)
    loser = 1 - winner
    names = {"mentor": pair.mentor.user, "mentee": pair.mentee.user}
    assert messages_of(clients[winner], responses[winner]) == [
        "The pair of {mentor} and {mentee} has ended; {mentee} goes into the next round.".format(**names)
    ]
    assert messages_of(clients[loser], responses[loser]) == [
        "The pair of {mentor} and {mentee} had already been ended by {by}; nothing changed.".format(
            **names, by=coordinators[winner]
        )
    ]
    assert Pair.objects.get(pk=pair.pk).status == PairStatus.ENDED
    # The other coordinator is told once, by the one who ended it.
    assert [m.to for m in mail.outbox] == [[coordinators[loser].email]]


def test_a_stale_decision_from_the_bulk_form_is_refused(program, coordinators):
    cohort = CohortFactory(program=program, phase=CohortPhase.ENROLLMENT)
    application = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED, user__full_name="Noor")
    client = client_for(coordinators[0])
    client_for(coordinators[1]).post(
        reverse("cohorts:enrollment-decide", kwargs={"pk": cohort.pk, "enrollment_pk": application.pk}),
        {"decision_one": "accepted", f"seen-{application.pk}": "applied"},
    )
    mail.outbox.clear()

    response = client.post(
        reverse("cohorts:enrollment-decide-bulk", kwargs={"pk": cohort.pk}),
        {"enrollments": [application.pk], "decision": "declined", f"seen-{application.pk}": "applied"},
    )

    application.refresh_from_db()
    assert application.status == EnrollmentStatus.ACCEPTED
    assert messages_of(client, response) == [
        "0 people updated.",
        f"Noor's application was accepted by {coordinators[1]} in the meantime; your decision was not applied. "
        "Check it and decide again if needed.",
    ]
    assert mail.outbox == []


def test_the_people_table_sends_the_status_each_row_showed(program, coordinators):
    cohort = CohortFactory(program=program, phase=CohortPhase.ENROLLMENT)
    application = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WAITLISTED)

    page = client_for(coordinators[0]).get(reverse("cohorts:cohort-dashboard", kwargs={"pk": cohort.pk}))

    assert f'name="seen-{application.pk}" value="waitlisted"' in page.content.decode()


def test_one_announcement_preview_sent_twice_at_once_sends_once(
    program, coordinators, django_capture_on_commit_callbacks
):
    from cohorts.models import Announcement

    cohort = CohortFactory(program=program, phase=CohortPhase.TRAINING)
    EnrollmentFactory.create_batch(2, cohort=cohort)
    coordinator = coordinators[0]
    url = reverse("cohorts:announcement-create", args=[cohort.pk])
    data = {"subject": "Kick-off", "body": "Hello", "audience": "everyone"}
    preview = client_for(coordinator).post(url, {**data, "preview": "1"})
    sending = {**data, "send": "1", "send_token": str(preview.context["preview"]["send_token"])}
    clients = [client_for(coordinator) for _ in range(2)]

    responses = at_once(*(lambda c=c: c.post(url, sending) for c in clients))

    announcement = Announcement.objects.get()
    assert statuses(responses) == [302, 302]
    assert {r.url for r in responses} == {announcement.get_absolute_url()}
    told = sorted(m for c, r in zip(clients, responses, strict=True) for m in messages_of(c, r))
    assert told == [
        "The announcement is on its way.",
        "This announcement was already sent (the button was pressed twice): here is how far it has got.",
    ]
