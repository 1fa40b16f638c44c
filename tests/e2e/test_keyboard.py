"""Keyboard and sight: the focus ring shows at 3:1 or more where it is drawn (white on the
navigation bar, dark on the page), field and checkbox borders reach 3:1 against white, and a
form that failed sends focus to its error summary, whose links lead to the fields."""

import re

import pytest
from playwright.sync_api import Page, expect

from mentorship.enums import OrgRole
from tests.factories import DEFAULT_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

BRAND = (0x3B, 0x2A, 0x80)
WHITE = (255, 255, 255)


def rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(part) for part in re.findall(r"\d+", css)[:3])


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    def luminance(colour):
        channels = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def style(page: Page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(f"(e) => getComputedStyle(e).{prop}")


def tab_to(page: Page, name: str) -> None:
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    pytest.fail(f"Tab never reached {name!r}")


def test_failed_sign_in_focuses_the_summary_and_borders_reach_three_to_one(live_server, page: Page):
    membership = MembershipFactory(role=OrgRole.COORDINATOR, user__full_name="Grace Hopper")
    page.goto(f"{live_server.url}/accounts/login/")

    for selector in ("#id_login", "#id_remember"):
        assert contrast(rgb(style(page, selector, "borderTopColor")), WHITE) >= 3, selector

    page.locator("#id_login").fill(membership.user.email)
    page.locator("#id_password").fill("not the password")
    page.locator("main form button[type=submit]").first.click()

    summary = page.get_by_role("alert").filter(has_text="Please correct the following")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The email address and/or password you specified are not correct.")


def test_focus_ring_and_error_summary_links(live_server, page: Page):
    membership = MembershipFactory(role=OrgRole.COORDINATOR, user__full_name="Grace Hopper")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill(membership.user.email)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("link", name="Home", exact=True)).to_be_visible()

    # On the navigation bar the ring is white, 3px.
    tab_to(page, "Home")
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
    )
    assert ring[:2] == ["solid", "3px"]
    assert contrast(rgb(ring[2]), BRAND) >= 3

    # On the page, a failed form: the summary takes focus, its link moves focus to the field,
    # and the field's own ring is dark against the white page.
    page.goto(f"{base}/orgs/{membership.organization.slug}/programs/new/")
    page.locator("main form[novalidate] button[type=submit]").click()
    summary = page.get_by_role("alert").filter(has_text="Please correct the following")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Name: This field is required.").click()
    expect(page.locator("#id_name")).to_be_focused()
    assert style(page, "#id_name", "outlineStyle") == "solid"
    assert contrast(rgb(style(page, "#id_name", "outlineColor")), WHITE) >= 3
