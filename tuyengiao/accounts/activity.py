"""Which requests count as the signed-in user doing something.

Only requests that follow a person's action restart the idle timer. Browsers
and the Wagtail admin also talk to the server on their own (timers, beacons,
sub-resources of a page already counted); those must not keep an idle
session alive, or an editor who left an edit page open would never be
signed out. They are still subject to the timeout: an expired session is
ended whatever the request.
"""

from __future__ import annotations

from django.urls import Resolver404, resolve

# Our own activity ping: idle.js POSTs it after real key, pointer or scroll
# activity (throttled) and when the user clicks "Bấm vào đây". Always activity,
# even if a browser sent it the way it sends beacons.
USER_ACTIVITY_VIEW_NAMES = frozenset({"accounts:keepalive"})

# URL names the browser calls without the user doing anything. Checked against
# Wagtail 8.0 (wagtail/admin/urls/__init__.py and the admin's templates and JS).
BACKGROUND_VIEW_NAMES = frozenset(
    {
        # Editing sessions (wagtail/admin/urls/editing_sessions.py). On every
        # page/snippet edit view the `w-session` controller
        # (wagtailadmin/shared/editing_sessions/module.html) POSTs here every
        # WAGTAIL_EDITING_SESSION_PING_INTERVAL ms (10 s by default) while the
        # tab is visible, and again each time the tab becomes visible. The
        # answer lists other editors and tells about newer revisions ("check
        # for new revisions"), so it is Wagtail's status polling too.
        "wagtailadmin_editing_sessions:ping",
        # Same module: `pagehide@window->w-action#sendBeacon` sends a
        # navigator.sendBeacon here when the editor leaves the edit page.
        "wagtailadmin_editing_sessions:release",
        # Sub-resources of every admin page: admin_base.html loads the JS
        # translation catalogue with a <script>, skeleton.html's icons.js
        # fetches the icon sprite. The page view itself was already counted.
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        # Ours: idle.js reads the idle state when an admin page loads, and asks
        # the server to end the session when the countdown reaches zero.
        "accounts:status",
        "accounts:end",
    }
)
# Looked at and left as activity, because they only follow what the editor
# does: autosave (POST to the edit URL after a form change, `w-autosave`),
# the preview panel (`w-preview` POSTs only when the form is stale, i.e. after
# an edit, then reloads its iframe), listing filters and search as you type
# (`w-swap`), tag autocomplete, choosers, dismissibles (PATCH on a click), the
# sidebar's page explorer (admin API, on click). The "new Wagtail version"
# check fetches releases.wagtail.org, never this server.

# Fetch Metadata destinations of sub-resources: the browser loads them for a
# page the user opened, so the page view is the activity, not these.
_SUBRESOURCE_DESTINATIONS = frozenset(
    {
        "audio",
        "audioworklet",
        "embed",
        "font",
        "image",
        "manifest",
        "object",
        "paintworklet",
        "report",
        "script",
        "serviceworker",
        "sharedworker",
        "style",
        "track",
        "video",
        "worker",
        "xslt",
    }
)


def is_user_activity(request) -> bool:
    """True if this request should restart the idle timer."""
    view_name = _view_name(request)
    if view_name in USER_ACTIVITY_VIEW_NAMES:
        return True
    if view_name in BACKGROUND_VIEW_NAMES:
        return False
    return not _sent_by_browser_alone(request)


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info, getattr(request, "urlconf", None)).view_name
    except Resolver404:
        return None


def _sent_by_browser_alone(request) -> bool:
    """Requests a browser makes without user intent, told apart by their headers.

    Fetch Metadata headers (Sec-Fetch-*) are sent over HTTPS and to localhost
    by current browsers; without them we fall back to the URL list above.
    """
    headers = request.headers
    # Speculative prefetch / prerender (Speculation Rules, <link rel=prefetch>).
    if "prefetch" in headers.get("Sec-Purpose", "") or headers.get("Purpose") == "prefetch":
        return True
    destination = headers.get("Sec-Fetch-Dest", "")
    if destination in _SUBRESOURCE_DESTINATIONS:
        return True
    # navigator.sendBeacon() (and <a ping>) goes out as a "no-cors" request with
    # an empty destination; pages' own fetch()/XHR calls use "cors" or
    # "same-origin", navigations "navigate".
    return destination == "empty" and headers.get("Sec-Fetch-Mode") == "no-cors"
