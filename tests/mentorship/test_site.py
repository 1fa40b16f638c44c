import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from mentorship.sites import site_record_sync
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_sign_in_code_email_is_from_the_site_not_example_com(client):
    UserFactory(email="grace@example.test")

    client.post(reverse("account_request_login_code"), {"email": "grace@example.test"})

    assert [m.to for m in mail.outbox] == [["grace@example.test"]]
    body = mail.outbox[0].body
    assert body.startswith("Hello from Mentorship!")
    assert body.rstrip().endswith("Thank you for using Mentorship!\n127.0.0.1:8000")
    assert "example.com" not in body


def test_the_site_record_follows_the_settings_at_each_migrate(settings):
    settings.SITE_NAME = "Mentoring Hub"
    settings.SITE_URL = "https://mentoring.example.org"

    site_record_sync()

    site = Site.objects.get_current()
    assert (site.pk, site.name, site.domain) == (settings.SITE_ID, "Mentoring Hub", "mentoring.example.org")
    assert Site.objects.count() == 1


def test_a_missing_site_record_is_made(settings):
    Site.objects.all().delete()

    site_record_sync()

    assert list(Site.objects.values_list("pk", "name", "domain")) == [
        (settings.SITE_ID, "Mentorship", "127.0.0.1:8000")
    ]
