"""Helpers shared by the idle-session tests."""

import time

from tuyengiao.accounts.selectors import LAST_ACTIVITY_KEY

TIMEOUT_SECONDS = 60
COUNTDOWN_SECONDS = 60
BANNER_TEXT = "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập. Thời gian chờ: 60 giây"
EXPIRED_TEXT = "Phiên đăng nhập đã hết do lâu không sử dụng."


def set_idle_for(client, seconds: float) -> float:
    """Pretend the user's last activity was `seconds` ago; returns that timestamp."""
    stamp = time.time() - seconds
    session = client.session
    session[LAST_ACTIVITY_KEY] = stamp
    session.save()
    return stamp


def last_activity(client) -> float | None:
    return client.session.get(LAST_ACTIVITY_KEY)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session
