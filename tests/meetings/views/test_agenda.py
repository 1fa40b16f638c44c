import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.enums import AgendaItemKind, MeetingStatus
from meetings.models import ActionItem, AgendaItem, PrivateNote
from tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory, PairFactory

pytestmark = pytest.mark.django_db


def _texts(meeting):
    return list(meeting.agenda_items.values_list("text", flat=True))


def test_both_add_items_and_reorder_them_without_javascript(client, pair):
    meeting = MeetingFactory(pair=pair)
    client.force_login(pair.mentee.user)
    client.post(reverse("meetings:agendaitem-create", kwargs={"pk": meeting.pk}), {"text": "My portfolio"})
    client.force_login(pair.mentor.user)
    client.post(reverse("meetings:agendaitem-create", kwargs={"pk": meeting.pk}), {"text": "Salary talk"})
    last = AgendaItem.objects.get(text="Salary talk")

    response = client.post(reverse("meetings:agendaitem-move", kwargs={"pk": last.pk}), {"direction": "up"})

    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url() + "#agenda"
    assert _texts(meeting) == ["Salary talk", "My portfolio"]


def test_ticking_an_item_with_htmx_answers_with_the_item_alone(client, pair):
    item = AgendaItemFactory(meeting=MeetingFactory(pair=pair), text="Interview practice")
    client.force_login(pair.mentor.user)

    response = client.post(
        reverse("meetings:agendaitem-tick", kwargs={"pk": item.pk}), {"done": "1"}, headers={"HX-Request": "true"}
    )

    item.refresh_from_db()
    content = response.content.decode()
    assert item.done is True
    assert content.strip().startswith(
        f'<li class="list-group-item d-flex align-items-start gap-2 agenda-item agenda-item-done" id="agenda-item-{item.pk}">'
    )
    assert 'aria-pressed="true"' in content
    assert "<html" not in content


def test_ticking_without_htmx_redirects_back_to_the_agenda(client, pair):
    item = AgendaItemFactory(meeting=MeetingFactory(pair=pair), done=True)
    client.force_login(pair.mentee.user)

    response = client.post(reverse("meetings:agendaitem-tick", kwargs={"pk": item.pk}), {"done": "0"})

    item.refresh_from_db()
    assert (response.status_code, item.done) == (302, False)


def test_ticking_a_closed_agenda_with_htmx_says_why(client, pair):
    item = AgendaItemFactory(meeting=MeetingFactory(pair=pair, status=MeetingStatus.MISSED))
    client.force_login(pair.mentee.user)

    response = client.post(
        reverse("meetings:agendaitem-tick", kwargs={"pk": item.pk}), {"done": "1"}, headers={"HX-Request": "true"}
    )

    item.refresh_from_db()
    assert (response.status_code, response.content.decode(), item.done) == (
        409,
        "The agenda of a cancelled or missed meeting is closed.",
        False,
    )


def test_remove_an_added_item_but_not_a_prepared_one(client, pair):
    meeting = MeetingFactory(pair=pair)
    added = AgendaItemFactory(meeting=meeting, text="Mine")
    prepared = AgendaItemFactory(meeting=meeting, text="Question", kind=AgendaItemKind.QUESTION)
    client.force_login(pair.mentee.user)

    removed = client.post(reverse("meetings:agendaitem-delete", kwargs={"pk": added.pk}), follow=True)
    refused = client.post(reverse("meetings:agendaitem-delete", kwargs={"pk": prepared.pk}), follow=True)

    assert _texts(meeting) == ["Question"]
    assert [str(m) for m in removed.context["messages"]] == ["The item was removed from the agenda."]
    assert [str(m) for m in refused.context["messages"]] == [
        "Prepared items cannot be removed; tick them off when covered."
    ]


def test_an_item_too_long_is_refused_with_a_message(client, pair):
    meeting = MeetingFactory(pair=pair)
    client.force_login(pair.mentee.user)

    response = client.post(
        reverse("meetings:agendaitem-create", kwargs={"pk": meeting.pk}), {"text": "x" * 501}, follow=True
    )

    assert len(list(response.context["messages"])) == 1
    assert AgendaItem.objects.count() == 0


def test_items_of_another_pair_are_a_404(client, pair):
    foreign = AgendaItemFactory(meeting=MeetingFactory(pair=PairFactory()), text="Theirs")
    client.force_login(pair.mentee.user)

    statuses = [
        client.post(reverse("meetings:agendaitem-tick", kwargs={"pk": foreign.pk}), {"done": "1"}).status_code,
        client.post(reverse("meetings:agendaitem-move", kwargs={"pk": foreign.pk}), {"direction": "up"}).status_code,
        client.post(reverse("meetings:agendaitem-delete", kwargs={"pk": foreign.pk})).status_code,
        client.post(
            reverse("meetings:agendaitem-create", kwargs={"pk": foreign.meeting.pk}), {"text": "x"}
        ).status_code,
    ]

    foreign.refresh_from_db()
    assert statuses == [404, 404, 404, 404]
    assert (foreign.done, AgendaItem.objects.count()) == (False, 1)


def test_coordinator_cannot_change_the_agenda(client, pair, coordinator):
    item = AgendaItemFactory(meeting=MeetingFactory(pair=pair))
    client.force_login(coordinator)

    statuses = [
        client.post(reverse("meetings:agendaitem-tick", kwargs={"pk": item.pk}), {"done": "1"}).status_code,
        client.post(reverse("meetings:agendaitem-create", kwargs={"pk": item.meeting.pk}), {"text": "x"}).status_code,
    ]

    assert statuses == [403, 403]


def test_action_item_marked_done_from_the_pair_page(client, pair):
    action = ActionItemFactory(pair=pair)
    client.force_login(pair.mentor.user)

    response = client.post(reverse("meetings:actionitem-tick", kwargs={"pk": action.pk}), {"done": "1"})

    action.refresh_from_db()
    assert action.done is True
    assert response.url == reverse("meetings:pair-detail", kwargs={"pk": pair.pk}) + "#action-items"


def test_action_item_tick_never_redirects_off_site(client, pair):
    action = ActionItemFactory(pair=pair)
    client.force_login(pair.mentor.user)

    response = client.post(
        reverse("meetings:actionitem-tick", kwargs={"pk": action.pk}), {"done": "1", "next": "https://evil.test/"}
    )

    assert response.url == reverse("meetings:pair-detail", kwargs={"pk": pair.pk}) + "#action-items"


def test_action_item_of_another_pair_is_a_404(client, pair):
    foreign = ActionItemFactory()
    client.force_login(pair.mentor.user)

    response = client.post(reverse("meetings:actionitem-tick", kwargs={"pk": foreign.pk}), {"done": "1"})

    assert response.status_code == 404
    assert ActionItem.objects.get(pk=foreign.pk).done is False


def test_private_note_saved_and_seen_by_its_author(client, pair):
    meeting = MeetingFactory(
        pair=pair, status=MeetingStatus.HELD, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(pair.mentor.user)

    client.post(reverse("meetings:privatenote-update", kwargs={"pk": meeting.pk}), {"text": "Ask about the manager"})

    assert list(PrivateNote.objects.values_list("author", "text")) == [(pair.mentor.user.pk, "Ask about the manager")]
    assert "Ask about the manager" in client.get(meeting.get_absolute_url()).content.decode()
