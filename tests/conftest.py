import os
import shutil

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from mentorship.enums import OrgRole
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

# Property tests check results, never speed: on a busy machine drawing inputs can be slow.
hypothesis_settings.register_profile("mentorship", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("mentorship")


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def coordinator(organization):
    return MembershipFactory(organization=organization, role=OrgRole.COORDINATOR).user


@pytest.fixture
def viewer(organization):
    return MembershipFactory(organization=organization, role=OrgRole.VIEWER).user


@pytest.fixture
def outsider(db):
    """Signed up, but a member of nothing."""
    return UserFactory()


@pytest.fixture(autouse=True)
def _unscoped_test_body():
    """A test's own set-up and checks read every organization, as a management command does.
    What it drives runs in its own scope, as in production: requests in the person's (the
    middleware), tasks unscoped. tests/test_tenancy.py shows the queries outside any scope."""
    from mentorship.tenancy import unscoped

    with unscoped():
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    # allauth's rate limits count in the cache; one test's sign-ins must not throttle the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks run inline in tests, even with a broker configured: only the tests marked
    ``worker`` send them to a real worker through the broker."""
    from mentorship.celery_app import app

    eager = request.node.get_closest_marker("worker") is None
    before = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = before


# --- Browser tests -------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browser here: drive the system's chromium.
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not on PATH: the browser tests cannot run (install Debian's chromium).")
        pytest.skip("chromium is not on PATH")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


# --- REST API ------------------------------------------------------------------------------


@pytest.fixture
def api_client(organization, coordinator):
    """``api_client(access="read", sensitive=False, org=None)``: a DRF test client carrying a
    fresh key of the organization (by default the ``organization`` fixture's)."""
    from rest_framework.test import APIClient

    from mentorship.integrations import api_token_create

    def make(access="read", sensitive=False, org=None):
        token, key = api_token_create(
            organization=org or organization, name="Test key", access=access, can_read_sensitive=sensitive, by=coordinator
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.token, client.key = token, key
        return client

    return make


# --- A receiving HTTP server on 127.0.0.1 (webhooks, chat channels) ---------------------------


@pytest.fixture
def receiver(settings):
    """A real HTTP server on 127.0.0.1 that records each POST and answers with the statuses
    queued in ``receiver.statuses`` (200 once they run out). Outbound requests to private
    addresses are allowed for the test."""
    import http.server
    import threading

    settings.OUTBOUND_ALLOW_PRIVATE = True

    class Receiver:
        requests: list = []
        statuses: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            Receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status = Receiver.statuses.pop(0) if Receiver.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"nope")

        def log_message(self, *args):
            pass

    Receiver.requests, Receiver.statuses = [], []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield Receiver
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
