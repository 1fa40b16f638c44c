"""Every string a person controls is escaped wherever it lands.

The demo data is loaded, then every free-text field of every model (names, titles, answers,
notes, agenda items, goals, project fields, messages, organization, program and cohort
names, announcements...) is overwritten with a hostile payload that carries a marker naming
the field. Then each role of the demo (and a visitor who is not signed in) walks the site
from its home page, following the links of every page it is shown, and every HTML answer is
searched for a payload that reached the page as markup, and for what the
Content-Security-Policy would refuse (inline scripts, styles and handlers) or its absence.
Emails sent to these people afterwards are searched for payloads the same way.

Fields are found by type, so a field added later is covered without editing this test;
``MACHINE_FIELDS`` lists the text fields that no person types (tokens, hashes, keys, codes).
"""

import datetime
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.test import Client
from django.utils import timezone

from cohorts.enums import ParticipantRole
from cohorts.models import Cohort, Pair, PairStatus
from cohorts.services.announcements import announcement_create
from cohorts.services.invitations import invitation_create
from meetings.services.pairs import pair_message_post
from meetings.services.scheduling import meeting_propose
from meetings.tasks import (
    task_log_reminders_send,
    task_meeting_reminders_send,
    task_pairs_at_risk_flag,
)
from mentorship.demo import seed_demo
from mentorship.models import User
from mentorship.tasks import task_send_digests
from questionnaires.models import Answer
from showcase.models import Showcase

pytestmark = pytest.mark.django_db

APPS = ("mentorship", "cohorts", "questionnaires", "matching", "meetings", "showcase")

# Text fields that hold what the application writes, not what a person types: secrets,
# hashes, lookup keys, codes of a fixed list, file bookkeeping, and the raw upload of an
# import (parsed, never shown).
MACHINE_FIELDS = {
    "mentorship.User.password",
    "mentorship.User.time_zone",
    "mentorship.User.language",
    "mentorship.SentEmail.key",
    "mentorship.SentEmail.delivery",
    "mentorship.PeriodicRun.task",
    "mentorship.PeriodicRun.result",
    "mentorship.Notification.kind",
    "mentorship.Notification.url",
    "mentorship.NotificationPreference.kind",
    "mentorship.ApiToken.prefix",
    "mentorship.ApiToken.key_hash",
    "mentorship.Webhook.secret",
    "mentorship.WebhookDelivery.event",
    "cohorts.Cohort.application_token",
    "cohorts.Invitation.token",
    "cohorts.ImportJob.content",
    "cohorts.Announcement.segment",
    "cohorts.Announcement.segment_option",
    "cohorts.Announcement.role",
    "matching.ProposalEvent.outcome",
    "meetings.CalendarFeed.key",
    "meetings.CalendarFeed.secret",
    "meetings.SentNotification.key",
    "meetings.SentNotification.detail",
    "showcase.Showcase.public_token",
    "showcase.Submission.file_content_type",
}

ROLES = {
    "coordinator": "coordinator@demo.test",
    "viewer": "viewer@demo.test",
    "reviewer": "reviewer1@demo.test",
    "mentor": "mentor1@demo.test",
    "mentee": "mentee1@demo.test",
    "applicant": "applicant1@demo.test",
    "alumni": "alumni1@demo.test",
}

# Bounds of the walk: pages whose paths differ only in their numbers (and whose queries use
# the same parameters) are one kind of page; a few of each kind are visited.
PER_SHAPE = 3
MAX_PAGES_PER_ROLE = 400
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/api/", "/accounts/logout/", "/language/")

# A payload that reached the page as markup: the tag's opening bracket is still there.
LEAK = re.compile(r"<img src=x onerror|<script>xss|<svg onload", re.IGNORECASE)
MARKER = re.compile(r"xss(\d+)q")


def payload(number: int, max_length: int | None = None) -> str:
    marker = f"xss{number}q"
    text = f"<img src=x onerror=alert('{marker}')>\"'<script>{marker}</script>"
    if max_length is not None and len(text) + 10 > max_length:
        # A short field (a unit, a code) still gets markup, with room for the row's id.
        text = f"<script>{marker}</script>"
    return text


def free_text_fields() -> list[models.Field]:
    fields = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                label = f"{model._meta.label}.{field.name}"
                if not isinstance(field, models.CharField | models.TextField) or label in MACHINE_FIELDS:
                    continue
                if isinstance(field, models.EmailField | models.SlugField | models.URLField) or field.choices:
                    continue
                fields.append(field)
    return fields


def poison() -> dict[int, str]:
    """Overwrite every free-text field of every row with a payload; the row's id is appended
    so that unique names stay unique. Returns marker number -> field."""
    fields = {}
    for number, field in enumerate(free_text_fields(), start=1):
        model = field.model
        fields[number] = f"{model._meta.label}.{field.name}"
        value = Concat(Value(payload(number, field.max_length)), Cast("pk", output_field=CharField()), output_field=CharField())
        model._default_manager.update(**{field.name: value})
    # Answers keep their value as JSON; a text answer is a string.
    number = len(fields) + 1
    fields[number] = "questionnaires.Answer.value"
    for answer in Answer.objects.all():
        if isinstance(answer.value, str):
            answer.value = payload(number)
            answer.save(update_fields=["value"])
    # Time zones that differ inside each pair, so that pages naming the other person's zone
    # (the meeting form among them) show it.
    User.objects.filter(email__startswith="mentor").update(time_zone="America/New_York")
    User.objects.exclude(email__startswith="mentor").update(time_zone="Europe/Madrid")
    return fields


DATA_SCRIPTS = {"application/json", "application/ld+json"}


class _Page(HTMLParser):
    """The links of a page, and what in it the Content-Security-Policy would refuse: inline
    scripts and styles without the nonce, style attributes, event handler attributes and
    javascript: links."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (name == "hx-get" or (tag == "a" and name == "href")):
                self.links.append(value)
            if name.startswith("on") or name in {"style", "hx-on"} or name.startswith("hx-on"):
                self.inline.append(f"<{tag} {name}=...>")
            if value and value.strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}={value[:30]}>")
        executable = attributes.get("type") not in DATA_SCRIPTS
        if tag == "script" and executable and "src" not in attributes and "nonce" not in attributes:
            self.inline.append("<script> without a nonce")
        if tag == "style" and "nonce" not in attributes:
            self.inline.append("<style> without a nonce")


def links_of(parser: _Page, here: str) -> list[str]:
    found = []
    for raw in parser.links:
        link = urldefrag(raw)[0]
        if link.startswith("http://testserver"):
            link = link[len("http://testserver") :]
        if link.startswith("?"):
            link = urlsplit(here).path + link
        if not link.startswith("/") or link.startswith("//") or link.startswith(SKIPPED_PREFIXES):
            continue
        found.append(link)
    return found


def shape(url: str) -> tuple:
    parts = urlsplit(url)
    keys = tuple(sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair}))
    return re.sub(r"\d+", "N", parts.path), keys


def leaks_in(text: str, fields: dict[int, str]) -> list[str]:
    found = []
    for match in LEAK.finditer(text):
        nearby = MARKER.search(text, match.start(), match.start() + 120)
        found.append(fields.get(int(nearby.group(1)), "?") if nearby else text[match.start() : match.start() + 60])
    return found


def crawl(client: Client, starts: list[str], fields: dict[int, str]) -> tuple[dict, list, Counter, int]:
    """Walk the site from ``starts``; return leaks by URL (markup from people, and what the
    Content-Security-Policy would refuse), server errors, the markers seen escaped (proof that
    the payloads were on the pages at all) and the number of pages."""
    queue, seen, per_shape = list(starts), set(), Counter()
    leaks, errors, escaped = {}, [], Counter()
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen or per_shape[shape(url)] >= PER_SHAPE:
            continue
        seen.add(url)
        per_shape[shape(url)] += 1
        response = client.get(url, follow=False)
        if response.status_code >= 500:
            errors.append(url)
            continue
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            queue.append(response["Location"])
            continue
        if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
            continue
        html = response.content.decode()
        page = _Page()
        page.feed(html)
        found = leaks_in(html, fields) + page.inline
        if "script-src 'self'" not in response.get("Content-Security-Policy", ""):
            found.append("no Content-Security-Policy")
        if found:
            leaks[url] = found
        escaped.update(int(m) for m in re.findall(r"&lt;script&gt;xss(\d+)q", html))
        queue.extend(link for link in links_of(page, url) if link not in seen)
    return leaks, errors, escaped, len(seen)


def starts_for(role: str) -> list[str]:
    if role != "visitor":
        return ["/", "/pairs/", "/notifications/", "/accounts/profile/"]
    starts = ["/accounts/login/", "/accounts/signup/"]
    starts += [f"/apply/{token}/" for token in Cohort.objects.values_list("application_token", flat=True)]
    starts += [
        f"/showcases/{token}/"
        for token in Showcase.objects.exclude(public_token="").values_list("public_token", flat=True)
    ]
    return starts


def test_leak_detection_finds_markup_and_names_the_field():
    fields = {7: "cohorts.Cohort.name"}

    assert leaks_in(f"<p>{payload(7)}12</p>", fields) == ["cohorts.Cohort.name", "cohorts.Cohort.name"]
    assert (
        leaks_in("<p>&lt;img src=x onerror=alert(&#x27;xss7q&#x27;)&gt;&lt;script&gt;xss7q&lt;/script&gt;</p>", fields)
        == []
    )


def test_inline_script_style_and_handlers_are_found():
    page = _Page()

    page.feed(
        '<script>x()</script><script src="/static/a.js"></script><script nonce="n">y()</script>'
        '<script type="application/json">{}</script><style>p{}</style><p style="color:red" onclick="z()">'
        '<a href="javascript:alert(1)">a</a><button hx-on:click="w()">b</button>'
    )

    assert page.inline == [
        "<script> without a nonce",
        "<style> without a nonce",
        "<p style=...>",
        "<p onclick=...>",
        "<a href=javascript:alert(1)>",
        "<button hx-on:click=...>",
    ]


def test_every_field_a_person_types_is_poisoned():
    labels = {f"{field.model._meta.label}.{field.name}" for field in free_text_fields()}

    assert {
        "mentorship.User.full_name",
        "mentorship.Organization.name",
        "mentorship.Program.name",
        "cohorts.Cohort.name",
        "cohorts.Announcement.body",
        "questionnaires.Question.text",
        "questionnaires.Choice.label",
        "questionnaires.Answer.display",
        "matching.Vote.comment",
        "meetings.AgendaItem.text",
        "meetings.Goal.smart_specific",
        "meetings.PairMessage.text",
        "meetings.PrivateNote.text",
        "showcase.Project.title",
        "showcase.UpdateComment.text",
    } <= labels
    assert not labels & MACHINE_FIELDS


def test_no_payload_reaches_any_page_of_the_demo_for_any_role(settings):
    settings.DEBUG = False
    seed_demo()
    mail.outbox.clear()
    fields = poison()

    leaks, errors, escaped, pages = {}, {}, Counter(), {}
    for role in [*ROLES, "visitor"]:
        client = Client()
        if role != "visitor":
            client.force_login(User.objects.get(email=ROLES[role]))
        role_leaks, role_errors, role_escaped, visited = crawl(client, starts_for(role), fields)
        leaks.update({f"{role} {url}": found for url, found in role_leaks.items()})
        if role_errors:
            errors[role] = role_errors
        escaped.update(role_escaped)
        pages[role] = (visited, len(role_escaped))

    assert not leaks, "\n".join(f"{where}: {', '.join(sorted(set(found)))}" for where, found in leaks.items())
    assert not errors, errors
    # The walk did reach the people's text: names, cohorts, notes and answers were shown
    # (escaped) to every role.
    seen_fields = {fields[number] for number in escaped}
    assert {
        "mentorship.User.full_name",
        "cohorts.Cohort.name",
        "meetings.AgendaItem.text",
        "meetings.Goal.title",
        "showcase.Project.title",
        "questionnaires.Question.text",
    } <= seen_fields
    # Every role walked a good part of the site and met some of the payloads there.
    assert all(visited >= 5 and markers > 0 for visited, markers in pages.values()), pages


def test_no_payload_reaches_the_emails_sent_to_the_demo_people(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = False
    seed_demo()
    fields = poison()
    mail.outbox.clear()
    pair = Pair.objects.select_related("mentor__user", "mentee__user", "cohort").get(
        mentee__user__email=ROLES["mentee"], status=PairStatus.ACTIVE
    )
    mentee, mentor = pair.mentee.user, pair.mentor.user
    coordinator = User.objects.get(email=ROLES["coordinator"])
    enrolling = Cohort.objects.get(enrollments__user__email=ROLES["applicant"])
    hostile = payload(0)

    # What people write to each other, and what coordinators send, as the emails go out.
    with django_capture_on_commit_callbacks(execute=True):
        pair_message_post(pair=pair, by=mentee, text=hostile)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_propose(
            pair=pair, by=mentor, starts_at=timezone.now() + datetime.timedelta(days=9, hours=3), location=hostile
        )
    with django_capture_on_commit_callbacks(execute=True):
        announcement_create(cohort=pair.cohort, by=coordinator, subject=hostile, body=hostile, segment="everyone")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            cohort=enrolling,
            email="newcomer@example.org",
            full_name=hostile,
            role=ParticipantRole.MENTEE,
            by=coordinator,
        )
    # And the periodic emails built from the stored names, titles and agendas.
    for task in (task_meeting_reminders_send, task_log_reminders_send, task_pairs_at_risk_flag, task_send_digests):
        with django_capture_on_commit_callbacks(execute=True):
            task.apply()

    fields[0] = "typed into the message, meeting, announcement or invitation"
    leaks, escaped = defaultdict(list), set()
    for message in mail.outbox:
        for html, _type in message.alternatives:
            if found := leaks_in(html, fields):
                leaks[message.subject].extend(found)
            escaped.update(fields[int(m)] for m in re.findall(r"&lt;script&gt;xss(\d+)q", html))

    assert not leaks, dict(leaks)
    # The emails did carry the payloads: names and what people wrote, escaped.
    assert {"mentorship.User.full_name", fields[0], "cohorts.Cohort.name"} <= escaped, escaped
