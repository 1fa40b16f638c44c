"""On a 390 px phone no main page scrolls sideways, for the coordinator, a reviewer, a mentor and
a mentee of the demo: wide tables scroll inside their own box or become cards."""

import pytest
from playwright.sync_api import Browser

from mentorship.demo import seed_demo

from .demo_pages import walk

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
ROLES = ["coordinator@demo.test", "reviewer1@demo.test", "mentor1@demo.test", "mentee1@demo.test"]
PAGES_PER_ROLE = 30

# What sticks out past the screen's right edge, outside any box that scrolls or clips it.
WIDE = """() => [...document.querySelectorAll("body *")].filter((element) => {
  if (element.getBoundingClientRect().right <= window.innerWidth + 1) return false;
  for (let box = element.parentElement; box; box = box.parentElement) {
    if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(box).overflowX)) return false;
  }
  return true;
}).slice(0, 5).map((element) => element.tagName.toLowerCase() + (element.className ? "." + element.className : ""))"""


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    seed_demo()


def test_main_pages_never_scroll_sideways_on_a_phone(demo, live_server, browser: Browser):
    too_wide = {}
    checked = 0

    for email in ROLES:
        page = browser.new_context(viewport=PHONE).new_page()
        for path in walk(page, live_server.url, email, limit=PAGES_PER_ROLE):
            checked += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[f"{email} {path}"] = (width, page.evaluate(WIDE))
        page.context.close()

    assert checked > 3 * PAGES_PER_ROLE  # each role reached its pages
    assert too_wide == {}
