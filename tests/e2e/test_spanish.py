"""The main pages of the demo, walked in Spanish by each role: every page says it is Spanish and
shows none of the site's own English sentences (the templates' messages), so a string that
lacks its translation on a page people use fails here."""

import re
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Page, expect

from mentorship.demo import DEMO_PASSWORD, seed_demo
from mentorship.models import User
from mentorship.translations import PLACEHOLDER, po_messages, template_messages

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["coordinator@demo.test", "reviewer1@demo.test", "mentor1@demo.test", "mentee1@demo.test", "alumni1@demo.test"]
PAGES_PER_ROLE = 14
SKIP = re.compile(r"/(accounts/logout|admin|api|language|notifications/badge)|\.(csv|ics|pdf|zip)$|/export|/download")


def english_sentences() -> set[str]:
    """Template messages of three words or more whose Spanish differs (a word such as "Email"
    may stay the same)."""
    catalogue = po_messages("es")
    found = set()
    for message in template_messages():
        text = message.msgid
        if PLACEHOLDER.search(text) or "<" in text or "\n" in text or len(text.split()) < 3:
            continue
        entry = catalogue.get(message.key)
        if entry and entry.translations and entry.translations[0] != text:
            found.add(text)
    return found


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    seed_demo()
    User.objects.filter(email__in=ROLES).update(language="es")


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


@pytest.mark.parametrize("email", ROLES)
def test_main_pages_are_spanish_for_each_role(demo, live_server, browser, email):
    context = browser.new_context(locale="es-ES")
    page = context.new_page()
    sentences = english_sentences()
    assert len(sentences) > 300  # the check has something to find
    sign_in(page, live_server.url, email)

    queue, seen, checked = [f"{live_server.url}/"], set(), 0
    while queue and checked < PAGES_PER_ROLE:
        url = queue.pop(0)
        path = urlparse(url).path
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        checked += 1
        assert page.locator("html").get_attribute("lang") == "es", url
        text = page.locator("main").inner_text() + page.locator("nav").first.inner_text()
        left = sorted(s for s in sentences if s in text)
        assert not left, f"{path} shows English: {left[:5]}"
        for href in page.locator("main a[href], nav a[href]").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        ):
            absolute = urljoin(url, href)
            if absolute.startswith(live_server.url) and "#" not in href:
                queue.append(absolute)
    assert checked >= 4, f"only {checked} pages reached as {email}"
    context.close()
