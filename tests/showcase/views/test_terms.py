import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import PairStatus
from mentorship.enums import OrgRole
from showcase.enums import TermChoice
from showcase.models import TermChoiceRecord, TermDecision
from showcase.selectors.terms import current_term
from tests.factories import MembershipFactory, PairFactory, TermChoiceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(name, pk):
    return reverse(f"showcase:{name}", kwargs={"pk": pk})


def _ending(cohort, days_ago=85):
    return PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_a_mentee_chooses_for_the_end_of_the_term(client, cohort):
    pair = _ending(cohort)
    client.force_login(pair.mentee.user)

    response = client.post(_url("term-choose", pair.pk), {"choice": "rematch", "note": "Data engineering, please"})

    assert response.url == _url("term-choose", pair.pk)
    record = TermChoiceRecord.objects.get()
    assert (record.user, record.choice, record.note) == (
        pair.mentee.user,
        TermChoice.REMATCH,
        "Data engineering, please",
    )
    page = client.get(_url("term-choose", pair.pk)).content.decode()
    assert "Be matched with someone else in a later round" in page


def test_choosing_before_the_window_shows_when_it_opens(client, cohort):
    pair = _ending(cohort, days_ago=5)
    client.force_login(pair.mentor.user)

    response = client.get(_url("term-choose", pair.pk))
    posted = client.post(_url("term-choose", pair.pk), {"choice": "end"})

    assert response.context["window_open"] is False
    assert "two weeks before the end of your term" in response.content.decode()
    assert "two weeks before the end of your term" in posted.content.decode()
    assert TermChoiceRecord.objects.count() == 0


def test_a_tampered_choice_is_refused(client, cohort):
    pair = _ending(cohort)
    client.force_login(pair.mentee.user)

    response = client.post(_url("term-choose", pair.pk), {"choice": "forever"})

    assert "choice" in response.context["form"].errors
    assert TermChoiceRecord.objects.count() == 0


@pytest.mark.parametrize("who", ["coordinator", "viewer", "other participant", "stranger"])
def test_only_the_pair_chooses(client, cohort, coordinator, viewer, who):
    pair = _ending(cohort)
    user = {
        "coordinator": coordinator,
        "viewer": viewer,
        "other participant": _ending(cohort).mentee.user,
        "stranger": UserFactory(),
    }[who]
    client.force_login(user)

    assert client.get(_url("term-choose", pair.pk)).status_code == 404
    assert client.post(_url("term-choose", pair.pk), {"choice": "end"}).status_code == 404
    assert TermChoiceRecord.objects.count() == 0


def test_the_coordinator_sees_both_choices_and_decides(client, cohort, coordinator):
    pair = _ending(cohort)
    ends_on = current_term(pair=pair)
    TermChoiceFactory(pair=pair, user=pair.mentee.user, term_ends_on=ends_on, choice=TermChoice.REMATCH)
    TermChoiceFactory(pair=pair, user=pair.mentor.user, term_ends_on=ends_on, choice=TermChoice.CONTINUE)
    _ending(cohort, days_ago=5)  # not due yet
    client.force_login(coordinator)

    page = client.get(_url("term-list", cohort.pk))
    row = page.context["data"].rows[0]
    assert [r.pair for r in page.context["data"].rows] == [pair]
    assert (row.mentee_choice.choice, row.mentor_choice.choice, row.suggested) == ("rematch", "continue", "rematch")

    response = client.post(_url("term-decide", pair.pk), {f"pair-{pair.pk}-decision": "rematch"}, follow=True)

    pair.refresh_from_db()
    assert pair.status == PairStatus.ENDED
    assert TermDecision.objects.get().decision == TermChoice.REMATCH
    assert "Be matched with someone else in a later round" in response.content.decode()


def test_continue_without_a_date_says_so(client, cohort, coordinator):
    pair = _ending(cohort)
    client.force_login(coordinator)

    response = client.post(_url("term-decide", pair.pk), {f"pair-{pair.pk}-decision": "continue"}, follow=True)

    assert "Say when the next term ends." in response.content.decode()
    assert TermDecision.objects.count() == 0


def test_continue_with_a_date(client, cohort, coordinator):
    pair = _ending(cohort)
    new_end = timezone.localdate() + datetime.timedelta(days=60)
    client.force_login(coordinator)

    client.post(
        _url("term-decide", pair.pk),
        {f"pair-{pair.pk}-decision": "continue", f"pair-{pair.pk}-new_term_ends_on": new_end.isoformat()},
    )

    pair.refresh_from_db()
    assert (pair.status, current_term(pair=pair)) == (PairStatus.ACTIVE, new_end)


@pytest.mark.parametrize(("who", "status"), [("mentee", 403), ("viewer", 404), ("other coordinator", 404)])
def test_only_the_coordinator_decides(client, cohort, viewer, who, status):
    pair = _ending(cohort)
    user = {
        "mentee": pair.mentee.user,
        "viewer": viewer,
        "other coordinator": MembershipFactory(role=OrgRole.COORDINATOR).user,
    }[who]
    client.force_login(user)

    assert client.post(_url("term-decide", pair.pk), {f"pair-{pair.pk}-decision": "end"}).status_code == status
    assert TermDecision.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("mentee", 403), ("stranger", 404)])
def test_only_the_coordinator_sees_the_end_of_term_page(client, cohort, viewer, who, status):
    pair = _ending(cohort)
    client.force_login({"viewer": viewer, "mentee": pair.mentee.user, "stranger": UserFactory()}[who])

    assert client.get(_url("term-list", cohort.pk)).status_code == status


@pytest.mark.parametrize("item_count", [1, 3])
def test_end_of_term_page_queries_do_not_grow(client, cohort, coordinator, item_count, django_assert_num_queries):
    for _ in range(item_count):
        pair = _ending(cohort)
        TermChoiceFactory(pair=pair, user=pair.mentee.user, term_ends_on=current_term(pair=pair))
    client.force_login(coordinator)
    client.get(_url("term-list", cohort.pk))

    with django_assert_num_queries(11):
        response = client.get(_url("term-list", cohort.pk))

    assert len(response.context["data"].rows) == item_count
