"""The demo's main pages as one person reaches them: the pages named for their role first, then
the pages the links on those lead to, one page of each kind (``/cohorts/4/`` stands for every
cohort page), so that a check over them covers every part of the site the person uses."""

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlparse

from django.urls import reverse
from playwright.sync_api import Page, expect

from cohorts.demo import DEMO_COHORT_NAME, ENROLLING_COHORT_NAME
from cohorts.models import Cohort, Pair
from matching.models import Proposal
from meetings.models import Meeting
from mentorship.demo import DEMO_PASSWORD
from showcase.demo import PAST_COHORT_NAME

# Not pages: downloads, feeds, actions, the admin, and the account pages for signed-out people.
SKIP = re.compile(
    r"/(accounts/logout|accounts/password/reset|accounts/login|accounts/signup|admin|api|language|notifications/badge)"
    r"|/notifications/\d+/(open|read)/|\.(csv|ics|pdf|zip|json)$|/export|/download|/files/"
)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def named_pages(email: str) -> list[str]:
    """The pages the issue names for each role, in the demo's cohorts."""
    launched = Cohort.objects.get(name=DEMO_COHORT_NAME)
    enrolling = Cohort.objects.get(name=ENROLLING_COHORT_NAME)
    closed = Cohort.objects.get(name=PAST_COHORT_NAME)
    proposal = Proposal.objects.filter(cohort=launched).order_by("pk").first()
    some_pair = Pair.objects.filter(cohort=launched).order_by("pk").first()
    if email.startswith("coordinator"):
        return [
            reverse("cohorts:cohort-dashboard", args=[launched.pk]),
            reverse("cohorts:cohort-dashboard", args=[enrolling.pk]),
            reverse("meetings:cohort-pairs", args=[launched.pk]),
            reverse("matching:proposal-list", args=[launched.pk]),
            proposal.get_absolute_url(),
            reverse("meetings:pair-detail", args=[some_pair.pk]),
            reverse("showcase:graduation-list", args=[closed.pk]),
            reverse("showcase:outcomes-cohort", args=[closed.pk]),
        ]
    if email.startswith("viewer"):
        return [
            reverse("cohorts:cohort-detail", args=[launched.pk]),
            reverse("showcase:outcomes-cohort", args=[closed.pk]),
        ]
    if email.startswith("reviewer"):
        return [reverse("matching:proposal-list", args=[launched.pk]), proposal.get_absolute_url()]
    if email.startswith(("mentor", "mentee")):
        side = "mentor__user__email" if email.startswith("mentor") else "mentee__user__email"
        own = Pair.objects.filter(cohort=launched, **{side: email}).order_by("pk").first()
        last = Meeting.objects.filter(pair=own).order_by("-starts_at").first()
        return [reverse("meetings:pair-detail", args=[own.pk])] + ([last.get_absolute_url()] if last else [])
    return []


def walk(page: Page, base: str, email: str, *, limit: int) -> Iterator[str]:
    """Sign in as ``email`` and open up to ``limit`` of their pages one after the other, yielding
    each path once the page has loaded (a page that is not HTML or not found is passed over)."""
    sign_in(page, base, email)
    queue = [f"{base}/"] + [f"{base}{path}" for path in named_pages(email)]
    seen: set[str] = set()
    opened = 0
    while queue and opened < limit:
        url = queue.pop(0)
        path = urlparse(url).path
        kind = re.sub(r"\d+", "N", path)
        if kind in seen or SKIP.search(path):
            continue
        seen.add(kind)
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        opened += 1
        yield path
        for href in page.locator("main a[href]").evaluate_all("links => links.map((a) => a.getAttribute('href'))"):
            target = urljoin(url, href)
            if target.startswith(base) and "#" not in href and "?" not in href:
                queue.append(target)
