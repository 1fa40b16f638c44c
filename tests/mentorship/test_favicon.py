import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_to_anyone(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    found = finders.find("favicon.ico")
    assert found is not None
    with open(found, "rb") as icon:
        # An ICO file: reserved 0, type 1 (icon), one image.
        assert icon.read(6) == b"\x00\x00\x01\x00\x01\x00"


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_its_icon(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    url = reverse("home") if signed_in else reverse("account_login")

    content = client.get(url).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in content
    assert finders.find("favicon.svg") is not None
