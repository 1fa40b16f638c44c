"""The Content-Security-Policy every response carries (the browser suite checks that no page
breaks it; tests/test_hostile_payloads.py checks every page of the demo for inline code)."""

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.template import Context, Template

from tests.factories import UserFactory
from tests.mentorship.test_settings import PROD, run_django

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(response) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return dict(directives)


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/no-such-page/", "/api/v1/schema/"])
def test_csp_every_response_carries_the_strict_policy(client, url):
    response = client.get(url)

    assert policy_of(response) == POLICY


def test_csp_pages_of_a_signed_in_person_and_htmx_partials_carry_it(client):
    client.force_login(UserFactory())

    for url in ["/", "/notifications/badge/", "/accounts/profile/"]:
        response = client.get(url, headers={"HX-Request": "true"} if "badge" in url else {})

        assert response.status_code == 200
        assert policy_of(response) == POLICY


def test_csp_htmx_is_configured_to_need_no_inline_code(client):
    html = client.get("/accounts/login/").content.decode()

    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false, """
        """"allowScriptTags": false}'>"""
    ) in html


def test_csp_a_page_that_uses_the_nonce_gets_it_in_the_policy(rf):
    request = rf.get("/")
    middleware = CSPMiddleware(lambda r: None)
    middleware.process_request(request)
    html = Template("<script nonce='{{ request.csp_nonce }}'>x()</script>").render(Context({"request": request}))
    response = middleware.process_response(request, HttpResponse(html))

    nonce = str(request.csp_nonce)
    assert f"'nonce-{nonce}'" in policy_of(response)["script-src"]
    assert f"nonce='{nonce}'" in html


def test_csp_form_action_takes_more_origins_from_the_environment():
    result = run_django(
        {**PROD, "DJANGO_CSP_FORM_ACTION": "https://sso.example.org"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])",
    )

    assert result.stdout.strip().splitlines()[-1] == "[\"'self'\", 'https://sso.example.org']"


def test_csp_the_periodic_task_admin_script_carries_the_nonce(client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    task = PeriodicTask.objects.create(
        name="Test task",
        task="mentorship.ping",
        interval=IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES),
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")

    nonce = policy_of(response)["script-src"].split("'nonce-")[1].rstrip("'")
    assert f'<script id="periodic-task-overrides" nonce="{nonce}">' in response.content.decode()
