"""Requests the browser or the Wagtail admin make on their own do not count as activity."""

import pytest
from django.urls import reverse

from tuyengiao.accounts.activity import BACKGROUND_VIEW_NAMES
from tuyengiao.accounts.selectors import LAST_ACTIVITY_KEY

from .idle_helpers import COUNTDOWN_SECONDS, TIMEOUT_SECONDS, is_signed_in, last_activity, set_idle_for

pytestmark = pytest.mark.django_db

# One request per entry of BACKGROUND_VIEW_NAMES, made the way the browser makes it.
# Reversing by name also fails loudly if a Wagtail upgrade renames one of them.
BACKGROUND_REQUESTS = {
    "wagtailadmin_editing_sessions:ping": (
        "post",
        lambda: reverse("wagtailadmin_editing_sessions:ping", args=("wagtailcore", "page", "2", 1)),
    ),
    "wagtailadmin_editing_sessions:release": (
        "post",
        lambda: reverse("wagtailadmin_editing_sessions:release", args=(1,)),
    ),
    "wagtailadmin_javascript_catalog": ("get", lambda: reverse("wagtailadmin_javascript_catalog")),
    "wagtailadmin_sprite": ("get", lambda: reverse("wagtailadmin_sprite")),
    "accounts:status": ("get", lambda: reverse("accounts:status")),
    "accounts:end": ("post", lambda: reverse("accounts:end")),
}

BEACON = {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Site": "same-origin"}
FETCH = {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "same-origin", "Sec-Fetch-Site": "same-origin"}
NAVIGATION = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1"}


def test_every_excluded_view_is_exercised_below():
    assert set(BACKGROUND_REQUESTS) == BACKGROUND_VIEW_NAMES


@pytest.mark.parametrize("view_name", sorted(BACKGROUND_REQUESTS))
def test_background_request_does_not_restart_the_timer(editor_client, view_name):
    method, url = BACKGROUND_REQUESTS[view_name]
    before = set_idle_for(editor_client, 50)

    getattr(editor_client, method)(url())

    assert is_signed_in(editor_client)
    assert last_activity(editor_client) == before


@pytest.mark.parametrize("view_name", sorted(BACKGROUND_REQUESTS))
def test_background_request_of_an_expired_session_still_logs_out(editor_client, view_name):
    method, url = BACKGROUND_REQUESTS[view_name]
    set_idle_for(editor_client, TIMEOUT_SECONDS + COUNTDOWN_SECONDS + 1)

    getattr(editor_client, method)(url())

    assert not is_signed_in(editor_client)


def test_wagtail_pinging_an_open_edit_page_does_not_keep_an_idle_editor_signed_in(editor_client):
    ping = BACKGROUND_REQUESTS["wagtailadmin_editing_sessions:ping"][1]()
    set_idle_for(editor_client, 50)
    # Ten-second pings for 80 more seconds: the editor has now been idle 130 s.
    for _ in range(8):
        editor_client.post(ping)
    session = editor_client.session
    session[LAST_ACTIVITY_KEY] -= 80
    session.save()

    assert editor_client.get("/admin/").status_code == 302
    assert not is_signed_in(editor_client)


def test_admin_navigation_is_activity(editor_client):
    before = set_idle_for(editor_client, 50)

    editor_client.get("/admin/", headers=NAVIGATION)

    assert last_activity(editor_client) > before + 45


def test_fetch_from_the_page_is_activity(editor_client):
    # e.g. Wagtail's autosave or search-as-you-type, which follow the editor's typing
    before = set_idle_for(editor_client, 50)

    editor_client.get(reverse("wagtailadmin_tag_autocomplete"), {"term": "hội"}, headers=FETCH)

    assert last_activity(editor_client) > before + 45


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(BEACON, id="sendBeacon"),
        pytest.param({"Sec-Purpose": "prefetch;prerender"}, id="prerender"),
        pytest.param({"Purpose": "prefetch"}, id="link-prefetch"),
        pytest.param({"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors"}, id="image"),
        pytest.param({"Sec-Fetch-Dest": "script", "Sec-Fetch-Mode": "no-cors"}, id="script"),
    ],
)
def test_requests_the_browser_makes_on_its_own_are_not_activity(editor_client, headers):
    before = set_idle_for(editor_client, 50)

    editor_client.post("/admin/", headers=headers)

    assert last_activity(editor_client) == before


def test_our_activity_ping_counts_even_when_sent_like_a_beacon(editor_client):
    before = set_idle_for(editor_client, 50)

    editor_client.post(reverse("accounts:keepalive"), headers=BEACON)

    assert last_activity(editor_client) > before + 45


def test_status_reports_the_time_left_without_restarting_it(editor_client):
    set_idle_for(editor_client, 50)

    data = editor_client.get(reverse("accounts:status")).json()

    assert data["seconds_until_warning"] == pytest.approx(TIMEOUT_SECONDS - 50, abs=2)
