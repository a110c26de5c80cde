"""`manage.py check --deploy` with production settings from the environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings

BASE_DIR = Path(django_settings.BASE_DIR)
PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "tuyengiao.example.vn,long-hoa.tuyengiao.example.vn",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_PROXY_SSL": "true",
}
# Explained in README (Deploy): HSTS for sub-domains and preloading are decisions for the operator.
ACCEPTED = {"security.W005", "security.W021"}


def check_deploy(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "LOG_FORMAT")}
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def issue_ids(output: str) -> set[str]:
    return {word.strip("():") for word in output.split() if word.startswith("(") and "." in word}


def test_production_environment_passes_the_deploy_check():
    result = check_deploy(**PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50))
    assert issue_ids(result.stderr + result.stdout) <= ACCEPTED, result.stderr


def test_the_deploy_check_refuses_the_development_secret_key_and_any_host():
    result = check_deploy(**{**PRODUCTION, "ALLOWED_HOSTS": "*"})
    assert result.returncode != 0
    assert {"tuyengiao.E001", "tuyengiao.W001"} <= issue_ids(result.stderr + result.stdout)
