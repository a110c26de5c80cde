"""Schemathesis against the running application with the schema it publishes at /api/v1/schema.

Each JSON operation gets generated requests (valid and invalid parameters) as
an anonymous reader and as a ward's staff member signed in with both steps;
every answer must be no server error, carry a documented status code and
content type, and match the documented body. Data is present, and some
generated requests are pointed at real ids and a query that finds articles,
so the fuzzer reaches the success paths and not only "not found".

Requests go through Django's WSGI handler inside the test's transaction: the
signal that closes database connections after each request is detached while
the test runs, as Django's own test client does.
"""

from __future__ import annotations

import datetime
import secrets

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tuyengiao.conftest import make_article
from tuyengiao.core import openapi
from tuyengiao.documents.models import DocumentType, Issuer, Term
from tuyengiao.opinion.models import OpinionTopic
from tuyengiao.opinion.tests.factories import make_staff, make_tree
from tuyengiao.opinion.tests.helpers import item, monthly_report

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 30
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# The document the application serves at SCHEMA_PATH (test_openapi.py checks they are the same), with the
# application to call. Not `schemathesis.pytest.from_fixture(...)` + `from_wsgi`: schemathesis 4.32's lazy
# loader sets `node._nodeid`, which pytest 9 no longer has.
schema = schemathesis.openapi.from_dict(openapi.document())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_test_transaction_open():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(home, category):
    """A portal with articles, a ward with an opinion report and a document issuer, and the ward's staff member."""
    articles = [
        make_article(category, title="Hội nghị báo cáo viên tháng 7", slug="hoi-nghi-bao-cao-vien"),
        make_article(category, title="Tuyên truyền chuyển đổi số ở phường", slug="chuyen-doi-so"),
    ]
    tree = make_tree()
    staff = make_staff("canbo_phuong_a", tree.ward_a)
    topic = OpinionTopic.objects.order_by("sort_order").first()
    monthly_report(staff, tree.ward_a, datetime.date(2025, 5, 1), [item(topic)])
    Term.objects.create(name="2025–2030", starts_on=datetime.date(2025, 10, 1))
    issuer = Issuer.objects.create(name=tree.ward_a.name, code="ĐU", unit=tree.ward_a)
    doc_type = DocumentType.objects.get_or_create(code="KH", defaults={"name": "Kế hoạch"})[0]
    return {
        "staff": staff,
        "ids": {
            "article_id": [a.pk for a in articles],
            "unit": [tree.ward_a.pk, tree.cell_a.pk, tree.ward_b.pk],
            "issuer": [issuer.pk],
            "doc_type": [doc_type.pk],
            "category": [category.pk],
        },
        # Words that find something, and NUL, which PostgreSQL refuses inside a query string.
        "queries": ["hoi nghi", "chuyển đổi số", "ĐU", "Chi bộ", "Đảng\x00ủy", "\x00"],
    }


def staff_session(user) -> dict:
    """Cookies of a staff session past the second step, and a CSRF token for the POST endpoints.

    As `cookies=`: werkzeug's test client drops a hand-written Cookie header.
    """
    client = Client()
    client.force_login(user)  # tuyengiao.accounts.testing marks the session as verified
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret in the header
    session_id = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return {
        "cookies": {django_settings.SESSION_COOKIE_NAME: session_id, django_settings.CSRF_COOKIE_NAME: csrf},
        "headers": {"X-CSRFToken": csrf},
    }


def aim_at_real_data(case, data, world) -> None:
    """Now and then, swap generated values for ids and words that exist, to reach the success paths."""
    if not data.draw(st.booleans(), label="use real ids"):
        return
    for name, ids in world["ids"].items():
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = data.draw(st.sampled_from(ids), label=name)
        if case.query is not None and name in case.query:
            case.query[name] = str(data.draw(st.sampled_from(ids), label=name))
    if case.query is not None and "q" in case.query:
        case.query["q"] = data.draw(st.sampled_from(world["queries"]), label="q")


@schema.parametrize()
@schema.given(data=st.data())
@FUZZ_SETTINGS
def test_api_as_anonymous_reader(case, data, api_world):
    aim_at_real_data(case, data, api_world)
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@schema.given(data=st.data())
@FUZZ_SETTINGS
def test_api_as_ward_staff(case, data, api_world):
    aim_at_real_data(case, data, api_world)
    case.call_and_validate(checks=CHECKS, **staff_session(api_world["staff"]))
