from . import selectors


def idle_session(request):
    """`idle_session` for accounts/idle_banner.html; empty for anonymous readers (no session access)."""
    if not selectors.shows_idle_banner(request):
        return {}
    return {"idle_session": selectors.idle_state(request)}
