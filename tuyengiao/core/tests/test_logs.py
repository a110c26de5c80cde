"""Logs as JSON lines: one line per request, errors with their traceback, the request id on both."""

import json
import logging
import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from tuyengiao.core.logs import JsonFormatter, RequestContextFilter

BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture
def json_lines():
    """Records of every logger, formatted as in production; returns a function giving the parsed lines."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_every_request_gets_one_json_line_with_its_id_and_timing(db, json_lines):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")

    lines = [line for line in json_lines() if line["logger"] == "tuyengiao.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "nginx-0123456789abcdef" == response["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["user_id"] is None
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    assert line["time"].endswith("Z")


def test_djangos_log_of_an_error_response_carries_the_request_id(db, json_lines, settings):
    settings.WORKER_REQUIRED = True  # no worker: /healthz answers 503

    response = Client().get("/healthz")

    django_line = next(line for line in json_lines() if line["logger"] == "django.request")
    assert django_line["status_code"] == 503
    assert django_line["request_id"] == response["X-Request-ID"]


def test_a_made_up_request_id_is_replaced(db, json_lines):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID='"><script>')
    assert response["X-Request-ID"] != '"><script>'
    assert uuid.UUID(response["X-Request-ID"])


def test_the_signed_in_users_id_is_logged(db, json_lines):
    user = get_user_model().objects.create_user("bientap")
    client = Client()
    client.force_login(user)

    client.get("/tai-khoan/phien/trang-thai/")

    line = next(line for line in json_lines() if line["logger"] == "tuyengiao.request")
    assert line["user_id"] == user.pk


def test_query_strings_are_not_logged(db, json_lines):
    Client().get("/healthz?token=bi-mat")
    assert "bi-mat" not in json.dumps(json_lines())


def run_in_django(code: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    for name in ("LOG_FORMAT", "DEBUG", "REDIS_URL"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "shell", "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


SERVER_ERROR = """
from unittest import mock
from django.test import Client
with mock.patch("tuyengiao.core.health.report", side_effect=RuntimeError("lỗi thử")):
    Client(raise_request_exception=False).get("/healthz")
"""


def test_production_logs_are_json_lines_with_django_errors_and_their_request_id(tmp_path):
    """Without LOG_FORMAT and with DEBUG off (production), Django's own error log is JSON too."""
    result = run_in_django(SERVER_ERROR, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert len(lines) == len(result.stderr.strip().splitlines()), result.stderr  # nothing but JSON
    error = next(line for line in lines if line["logger"] == "django.request")
    request = next(line for line in lines if line["logger"] == "tuyengiao.request")
    assert error["level"] == "ERROR"
    assert error["exc_type"] == "RuntimeError"
    assert "lỗi thử" in error["exc_info"]
    assert error["status_code"] == 500
    assert request["status"] == 500
    assert error["request_id"] == request["request_id"]
