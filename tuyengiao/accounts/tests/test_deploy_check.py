"""`manage.py check --deploy` with production settings leaves only Django warnings that README explains."""

from django.core import checks


def test_deploy_check_leaves_only_the_documented_warnings(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 60 + "production-like-secret-key-with-enough-variety-0123456789"
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31_536_000

    settings.ALLOWED_HOSTS = ["tuyengiao.example.vn"]

    messages = checks.run_checks(include_deployment_checks=True, tags=["security"])
    found = {message.id for message in messages if message.id.startswith("security.")}

    # W005/W021: HSTS sub-domains and preload are opt-in; W008: nginx redirects to HTTPS.
    assert found <= {"security.W005", "security.W008", "security.W021"}, found
