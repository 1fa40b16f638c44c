import datetime

import pytest
from django.urls import reverse

from cohorts.enums import CohortPhase
from cohorts.models import PairStatus
from questionnaires.enums import Kind, ResponseStatus
from questionnaires.models import Questionnaire
from showcase.services.checkins import checkins_set_up
from tests.factories import CohortFactory, DeliveryFactory, PairFactory, ProgramFactory, ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(name, cohort):
    return reverse(f"showcase:{name}", kwargs={"pk": cohort.pk})


@pytest.fixture
def ended(organization):
    return CohortFactory(
        program=ProgramFactory(organization=organization), phase=CohortPhase.CLOSED, ends_on=datetime.date(2025, 8, 31)
    )


def test_the_coordinator_adds_the_missing_checkins(client, ended, coordinator):
    client.force_login(coordinator)

    before = client.get(_url("checkin-list", ended))
    response = client.post(_url("checkin-setup", ended), follow=True)

    assert before.context["missing"] == [6, 12, 18]
    assert "3 post-program surveys were added" in response.content.decode()
    assert response.context["missing"] == []
    assert [c.send_on for c in response.context["checkins"]] == [
        datetime.date(2026, 2, 28),
        datetime.date(2026, 8, 31),
        datetime.date(2027, 2, 28),
    ]


def test_the_page_shows_who_answered(client, ended, coordinator):
    checkins_set_up(cohort=ended, by=coordinator)
    pair = PairFactory(cohort=ended, status=PairStatus.GRADUATED)
    six = Questionnaire.objects.get(cohort=ended, template_key="post_program_6m")
    DeliveryFactory(questionnaire=six, enrollment=pair.mentee)
    DeliveryFactory(questionnaire=six, enrollment=pair.mentor)
    ResponseFactory(questionnaire=six, enrollment=pair.mentee, status=ResponseStatus.SUBMITTED)
    client.force_login(coordinator)

    response = client.get(_url("checkin-list", ended))

    cells = {e.user: [c.submitted_at is not None for c in row] for e, row in response.context["rows"]}
    assert cells == {pair.mentee.user: [True, False, False], pair.mentor.user: [False, False, False]}
    assert response.context["checkins"][0].rate == 50.0


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("mentee", 403), ("stranger", 404)])
def test_only_coordinators_see_who_answered(client, ended, viewer, who, status):
    pair = PairFactory(cohort=ended)
    client.force_login({"viewer": viewer, "mentee": pair.mentee.user, "stranger": UserFactory()}[who])

    assert client.get(_url("checkin-list", ended)).status_code == status
    assert client.post(_url("checkin-setup", ended)).status_code == status
    assert Questionnaire.objects.filter(kind=Kind.POST_PROGRAM).count() == 0


@pytest.mark.parametrize("item_count", [1, 3])
def test_checkin_page_queries_do_not_grow(client, ended, coordinator, item_count, django_assert_num_queries):
    checkins_set_up(cohort=ended, by=coordinator)
    six = Questionnaire.objects.get(cohort=ended, template_key="post_program_6m")
    for _ in range(item_count):
        pair = PairFactory(cohort=ended, status=PairStatus.GRADUATED)
        DeliveryFactory(questionnaire=six, enrollment=pair.mentee)
    client.force_login(coordinator)
    client.get(_url("checkin-list", ended))

    with django_assert_num_queries(11):
        response = client.get(_url("checkin-list", ended))

    assert len(response.context["rows"]) == 2 * item_count
