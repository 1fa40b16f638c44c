from pathlib import Path

import pytest
from django.core import mail

from mentorship.notifications import email_queue
from mentorship.tasks import task_ping, task_send_email

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@pytest.fixture
def test_email_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}]


def test_task_ping_answers():
    assert task_ping(value="hello") == "hello"


def test_task_send_email_sends_text_and_html():
    sent = task_send_email(to=["a@example.test"], subject="Hi", body="Plain", html="<p>Rich</p>")

    assert sent == 1
    assert mail.outbox[0].subject == "Hi"
    assert mail.outbox[0].alternatives[0].content == "<p>Rich</p>"


def test_tasks_have_stable_names():
    assert (task_ping.name, task_send_email.name) == ("mentorship.ping", "mentorship.send_email")


def test_email_queue_sends_only_after_commit(django_capture_on_commit_callbacks, test_email_templates):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_queue(to=["a@example.test"], template="test-message", context={"name": "Ada"})

    assert mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert [m.subject for m in mail.outbox] == ["Mentorship: Hello Ada"]
    assert "Hello Ada," in mail.outbox[0].body
