"""Cohorts are listed by start date, newest first, wherever they are listed."""

import datetime

import pytest
from django.urls import reverse

from cohorts.models import Cohort
from tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohorts(organization):
    program = ProgramFactory(organization=organization)
    # Created in an order that is neither the names' nor the dates'.
    return {
        "current": CohortFactory(program=program, name="A current", launch_on=datetime.date(2027, 3, 1)),
        "old": CohortFactory(program=program, name="Z old", launch_on=datetime.date(2025, 9, 1)),
        "next": CohortFactory(
            program=program, name="M next", launch_on=None, enrollment_opens_on=datetime.date(2027, 6, 1)
        ),
        "draft": CohortFactory(program=program, name="B draft", launch_on=None, enrollment_opens_on=None),
    }


def test_cohorts_are_ordered_by_start_date_newest_first(cohorts):
    program = cohorts["current"].program

    names = list(Cohort.objects.filter(program=program).values_list("name", flat=True))

    assert names == ["B draft", "M next", "A current", "Z old"]


def test_the_program_page_lists_its_cohorts_newest_first(client, cohorts, coordinator):
    client.force_login(coordinator)

    content = client.get(reverse("mentorship:program-detail", kwargs={"pk": cohorts["current"].program_id})).content
    positions = [content.index(name.encode()) for name in ("B draft", "M next", "A current", "Z old")]

    assert positions == sorted(positions)
