"""Settings fail loudly at start-up instead of running with a bad or insecure value."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 60 + "-production-like-secret-for-the-check",
    "DJANGO_ALLOWED_HOSTS": "mentoring.example.org",
}


def run_django(env_overrides: dict[str, str | None], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "mentorship.settings"
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    code = "import django, sys; from django.core.management import call_command; django.setup(); call_command(*sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_settings_missing_secret_key_in_production_fails():
    result = run_django({**PROD, "DJANGO_SECRET_KEY": None}, "check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false" in result.stderr


def test_settings_missing_allowed_hosts_in_production_fails():
    result = run_django({**PROD, "DJANGO_ALLOWED_HOSTS": None}, "check")

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is required" in result.stderr


@pytest.mark.parametrize("name", ["DJANGO_DEBUG", "DJANGO_SECURE_SSL_REDIRECT"])
def test_settings_misspelt_boolean_fails(name):
    result = run_django({**PROD, name: "ture"}, "check")

    assert result.returncode != 0
    assert f"{name} must be one of true/false" in result.stderr


def test_settings_bad_number_fails():
    result = run_django({**PROD, "DJANGO_SECURE_HSTS_SECONDS": "a year"}, "check")

    assert result.returncode != 0
    assert "DJANGO_SECURE_HSTS_SECONDS must be a whole number" in result.stderr


def test_settings_unknown_email_verification_fails():
    result = run_django({**PROD, "DJANGO_ACCOUNT_EMAIL_VERIFICATION": "sometimes"}, "check")

    assert result.returncode != 0
    assert "DJANGO_ACCOUNT_EMAIL_VERIFICATION must be" in result.stderr


def test_settings_check_deploy_is_clean_with_production_values():
    result = run_django(PROD, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_settings_debug_without_secret_uses_development_key():
    result = run_django({"DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": None}, "check")

    assert result.returncode == 0, result.stderr
