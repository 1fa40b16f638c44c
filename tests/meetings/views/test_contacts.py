import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.enums import ContactKind, Health, MeetingStatus
from meetings.models import Meeting
from meetings.tasks import task_pairs_health_refresh
from tests.factories import (
    CohortFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PairFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def quiet_pair(pair):
    pair.matched_at = timezone.now() - datetime.timedelta(days=30)
    pair.save()
    task_pairs_health_refresh()
    return pair


def _url(pair):
    return reverse("meetings:contact-create", kwargs={"pk": pair.pk})


def _form(day: datetime.date, **extra):
    return {
        "kind": ContactKind.CALL,
        "day": day.isoformat(),
        "time": "09:15",
        "held_minutes": "20",
        "shared_notes": "",
        "private_note": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "",
        "actions-0-owner": "",
        "actions-0-due_on": "",
        **extra,
    }


def _yesterday():
    return timezone.now().date() - datetime.timedelta(days=1)


def test_mentee_records_a_past_call_in_her_time_zone_and_the_pair_is_no_longer_without_contact(client, quiet_pair):
    mentee = quiet_pair.mentee.user
    mentee.time_zone = "America/Sao_Paulo"
    mentee.save()
    client.force_login(mentee)
    before = client.get(reverse("meetings:pair-detail", kwargs={"pk": quiet_pair.pk})).context["health"]
    day = _yesterday()

    response = client.post(
        _url(quiet_pair),
        _form(
            day,
            shared_notes="<b>Monthly</b> check-in",
            **{"actions-0-text": "Book the course", "actions-0-owner": str(mentee.pk)},
        ),
    )

    assert response.status_code == 302
    assert response.url == reverse("meetings:pair-detail", kwargs={"pk": quiet_pair.pk})
    call = Meeting.objects.get()
    assert call.starts_at == datetime.datetime.combine(day, datetime.time(12, 15), tzinfo=UTC)
    assert (call.kind, call.status, call.held_minutes) == (ContactKind.CALL, MeetingStatus.HELD, 20)
    assert list(call.action_items.values_list("text", flat=True)) == ["Book the course"]
    page = client.get(response.url)
    assert (before, page.context["health"]) == (Health.NO_CONTACT, Health.ON_TRACK)
    assert "&lt;b&gt;Monthly&lt;/b&gt; check-in" in page.content.decode()
    assert "<b>Monthly</b>" not in page.content.decode()


def test_the_pair_page_offers_to_record_a_past_contact_to_the_pair_only(client, quiet_pair, coordinator):
    client.force_login(quiet_pair.mentor.user)
    as_mentor = client.get(reverse("meetings:pair-detail", kwargs={"pk": quiet_pair.pk})).content.decode()
    client.force_login(coordinator)
    as_coordinator = client.get(reverse("meetings:pair-detail", kwargs={"pk": quiet_pair.pk})).content.decode()

    assert _url(quiet_pair) in as_mentor
    assert _url(quiet_pair) not in as_coordinator


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-2, "A past contact cannot be in the future. To plan one, propose a meeting."),
        (40, "This pair was matched on"),
    ],
)
def test_a_future_date_or_one_before_the_match_is_shown_on_the_date_and_changes_nothing(
    client, quiet_pair, days, message
):
    client.force_login(quiet_pair.mentee.user)

    response = client.post(_url(quiet_pair), _form(timezone.now().date() - datetime.timedelta(days=days)))

    assert response.status_code == 200
    assert response.context["form"].errors["day"][0].startswith(message)
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "letter"}, "kind"),
        ({"day": "yesterday"}, "day"),
        ({"held_minutes": ""}, "held_minutes"),
        ({"held_minutes": "100000"}, "held_minutes"),
    ],
)
def test_bad_input_is_shown_next_to_its_field(client, quiet_pair, data, field):
    client.force_login(quiet_pair.mentee.user)

    response = client.post(_url(quiet_pair), {**_form(_yesterday()), **data})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Meeting.objects.count() == 0


def test_an_action_item_without_owner_is_refused(client, quiet_pair):
    client.force_login(quiet_pair.mentee.user)

    response = client.post(_url(quiet_pair), _form(_yesterday(), **{"actions-0-text": "Call HR"}))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {"owner": ["Who will do it?"]}
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_coordinator_reads_the_pair_but_records_nothing(client, quiet_pair, coordinator, method):
    client.force_login(coordinator)

    response = getattr(client, method)(_url(quiet_pair), _form(_yesterday()) if method == "post" else None)

    assert response.status_code == 403
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize("who", ["other_pair_mentor", "other_cohort_mentee", "other_org_coordinator", "viewer"])
def test_people_outside_the_pair_get_a_404(client, quiet_pair, cohort, who, viewer):
    other_cohort = CohortFactory(program=cohort.program, phase=cohort.phase)
    other_org = OrganizationFactory()
    person = {
        "other_pair_mentor": lambda: PairFactory(cohort=cohort).mentor.user,
        "other_cohort_mentee": lambda: PairFactory(cohort=other_cohort).mentee.user,
        "other_org_coordinator": lambda: MembershipFactory(organization=other_org, role="coordinator").user,
        "viewer": lambda: viewer,
    }[who]()
    client.force_login(person)

    posted = client.post(_url(quiet_pair), _form(_yesterday()))
    shown = client.get(_url(quiet_pair))

    assert (posted.status_code, shown.status_code) == (404, 404)
    assert Meeting.objects.count() == 0


def test_signed_out_people_are_sent_to_sign_in(client, quiet_pair):
    response = client.get(_url(quiet_pair))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_recorded_contact_is_read_by_the_pair_and_its_coordinator_only(client, quiet_pair, coordinator, cohort):
    call = MeetingFactory(
        pair=quiet_pair,
        kind=ContactKind.CALL,
        recorded_after=True,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        shared_notes="Notes of the call",
        logged_by=quiet_pair.mentee.user,
    )
    other_program_coordinator = MembershipFactory(organization=ProgramFactory().organization, role="coordinator").user

    readers = []
    for person in (
        quiet_pair.mentor.user,
        coordinator,
        PairFactory(cohort=cohort).mentee.user,
        other_program_coordinator,
    ):
        client.force_login(person)
        readers.append(client.get(call.get_absolute_url()).status_code)

    assert readers == [200, 200, 404, 404]
    client.force_login(quiet_pair.mentor.user)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Phone or video call of" in page
    assert "Notes of the call" in page
