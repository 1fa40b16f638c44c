"""The cohort bar on every page of a cohort: only the areas the person may open, the current
one marked, nothing for people outside the cohort, a fixed number of queries."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve, reverse

from cohorts.areas import cohort_bar
from cohorts.enums import CohortPhase
from mentorship.enums import OrgRole
from tests.factories import (
    CohortFactory,
    GraduationFactory,
    MembershipFactory,
    PairFactory,
    ProgramFactory,
    SubcommitteeMemberFactory,
)

pytestmark = pytest.mark.django_db

ALL_AREAS = [
    "overview",
    "people",
    "questionnaires",
    "training",
    "matching",
    "pairs",
    "showcase",
    "graduation",
    "outcomes",
]


@pytest.fixture
def cohort(organization):
    return CohortFactory(program=ProgramFactory(organization=organization), phase=CohortPhase.LAUNCH)


@pytest.fixture
def pair(cohort):
    return PairFactory(cohort=cohort)


def _bar(html: str) -> list[tuple[str, str, bool]]:
    """(title, url, current) of each link in the page's cohort bar; [] when it has none."""
    match = re.search(r'<nav class="cohort-bar[^"]*" aria-label="([^"]*)">(.*?)</nav>', html, re.S)
    if match is None:
        return []
    return [
        (title, url, bool(current))
        for url, current, title in re.findall(
            r'<a class="nav-link[^"]*" href="([^"]+)"( aria-current="page")?>([^<]+)</a>', match.group(2)
        )
    ]


def _keys(user, cohort, view_name="cohorts:cohort-detail"):
    return [link.key for link in cohort_bar(cohort=cohort, user=user, view_name=view_name)]


def test_coordinator_sees_every_area(cohort, coordinator):
    assert _keys(coordinator, cohort) == ALL_AREAS


def test_viewer_sees_the_areas_she_may_read(cohort, viewer):
    assert _keys(viewer, cohort) == [
        "overview",
        "people",
        "questionnaires",
        "training",
        "matching",
        "showcase",
        "outcomes",
    ]


def test_subcommittee_member_sees_review_not_pairs(cohort):
    member = SubcommitteeMemberFactory(cohort=cohort).user

    links = cohort_bar(cohort=cohort, user=member, view_name="cohorts:cohort-detail")

    assert [link.key for link in links] == ["overview", "people", "questionnaires", "training", "matching", "showcase"]
    assert links[4].url == reverse("matching:proposal-list", kwargs={"pk": cohort.pk})


def test_mentee_sees_her_own_areas_linking_to_her_pages(pair):
    mentee = pair.mentee.user

    links = {
        link.key: link.url for link in cohort_bar(cohort=pair.cohort, user=mentee, view_name="cohorts:cohort-detail")
    }

    assert list(links) == ["overview", "questionnaires", "training", "pairs", "showcase"]
    assert links["questionnaires"] == reverse("questionnaires:response-mine", kwargs={"cohort_pk": pair.cohort.pk})
    assert links["pairs"] == reverse("meetings:pair-detail", kwargs={"pk": pair.pk})
    assert links["showcase"] == reverse("showcase:project-mine", kwargs={"pk": pair.cohort.pk})


def test_mentor_of_two_opens_the_list_of_pairs_and_projects(pair):
    PairFactory(cohort=pair.cohort, mentor=pair.mentor)

    links = {
        link.key: link.url
        for link in cohort_bar(cohort=pair.cohort, user=pair.mentor.user, view_name="meetings:pair-detail")
    }

    assert links["pairs"] == reverse("meetings:pair-list")
    assert links["showcase"] == reverse("showcase:project-list", kwargs={"pk": pair.cohort.pk})


def test_graduate_sees_her_certificate(pair):
    graduation = GraduationFactory(pair=pair)

    links = {
        link.key: link.url
        for link in cohort_bar(cohort=pair.cohort, user=pair.mentee.user, view_name="cohorts:cohort-detail")
    }

    assert links["graduation"] == reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": "mentee"})


def test_participant_of_another_cohort_and_outsiders_see_nothing(cohort, pair, outsider):
    other = PairFactory(cohort=CohortFactory(program=cohort.program, phase=CohortPhase.LAUNCH))
    stranger = MembershipFactory(role=OrgRole.COORDINATOR).user

    assert _keys(other.mentee.user, cohort) == []
    assert _keys(outsider, cohort) == []
    assert _keys(stranger, cohort) == []


def test_page_not_of_a_cohort_has_no_bar(cohort, coordinator):
    assert _keys(coordinator, cohort, view_name="mentorship:profile") == []


@pytest.mark.parametrize(
    ("name", "kwargs", "area"),
    [
        ("cohorts:cohort-detail", "pk", "Overview"),
        ("cohorts:cohort-dashboard", "pk", "People"),
        ("cohorts:invitation-list", "pk", "People"),
        ("questionnaires:questionnaire-list", "cohort_pk", "Questionnaires"),
        ("cohorts:training-grid", "pk", "Training"),
        ("matching:matching-detail", "pk", "Matching"),
        ("matching:proposal-list", "pk", "Matching"),
        ("meetings:cohort-pairs", "pk", "Pairs and meetings"),
        ("showcase:project-list", "pk", "Projects and showcase"),
        ("showcase:showcase-detail", "pk", "Projects and showcase"),
        ("showcase:graduation-list", "pk", "Graduation"),
        ("showcase:term-list", "pk", "Graduation"),
        ("showcase:outcomes-cohort", "pk", "Outcomes"),
        ("showcase:checkin-list", "pk", "Outcomes"),
    ],
)
def test_every_area_page_shows_the_bar_with_its_area_current(client, cohort, pair, coordinator, name, kwargs, area):
    client.force_login(coordinator)

    response = client.get(reverse(name, kwargs={kwargs: cohort.pk}))

    links = _bar(response.content.decode())
    assert [title for title, _url, _current in links] == [
        "Overview",
        "People",
        "Questionnaires",
        "Training",
        "Matching",
        "Pairs and meetings",
        "Projects and showcase",
        "Graduation",
        "Outcomes",
    ]
    assert [title for title, _url, current in links if current] == [area]


def test_sub_pages_mark_their_area(client, pair, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("meetings:pair-detail", kwargs={"pk": pair.pk}))

    assert [title for title, _url, current in _bar(response.content.decode()) if current] == ["Pairs and meetings"]


def test_bar_is_a_labelled_navigation(client, cohort, coordinator):
    client.force_login(coordinator)

    html = client.get(cohort.get_absolute_url()).content.decode()

    assert f'<nav class="cohort-bar mb-3 d-print-none" aria-label="Cohort {cohort.name}">' in html


def test_home_and_profile_have_no_bar(client, cohort, coordinator):
    client.force_login(coordinator)

    assert _bar(client.get(reverse("home")).content.decode()) == []
    assert _bar(client.get(reverse("mentorship:profile")).content.decode()) == []


def _render_bar(user, cohort, path):
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    return Template("{% load cohort_bar %}{% cohort_bar %}").render(Context({"request": request, "cohort": cohort}))


@pytest.mark.parametrize("pairs", [1, 4])
def test_bar_costs_a_fixed_number_of_queries(django_assert_num_queries, cohort, pairs):
    mentor = PairFactory(cohort=cohort).mentor
    for _ in range(pairs - 1):
        PairFactory(cohort=cohort, mentor=mentor)
    user = type(mentor.user).objects.get(pk=mentor.user_id)
    path = reverse("cohorts:cohort-detail", kwargs={"pk": cohort.pk})

    # Organization roles, subcommittee, participant, the pairs here, accepted participant,
    # the roles here and the mentor's pairs (projects link), the graduation.
    with django_assert_num_queries(8):
        html = _render_bar(user, cohort, path)

    assert "Pairs and meetings" in html
