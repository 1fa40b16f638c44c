"""Every email looks the same: one HTML layout, and a plain-text part beside each HTML one."""

from pathlib import Path

from django.conf import settings

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"


def test_every_html_email_extends_the_one_layout():
    bodies = sorted(EMAILS.glob("*-body.html"))
    outside = [p.name for p in bodies if '{% extends "emails/_base.html" %}' not in p.read_text()]

    assert bodies
    assert outside == []
    assert sorted(p.name for p in EMAILS.glob("*layout*")) == []


def test_every_html_email_has_its_plain_text_part_and_subject():
    for body in EMAILS.glob("*-body.html"):
        kind = body.name.removesuffix("-body.html")
        assert (EMAILS / f"{kind}-body.txt").exists(), kind
        assert (EMAILS / f"{kind}-subject.txt").exists(), kind
