import pytest
from django.test import Client

from .idle_helpers import COUNTDOWN_SECONDS, TIMEOUT_SECONDS


@pytest.fixture(autouse=True)
def _idle_settings(settings):
    """One minute to the warning, then a one-minute countdown, whatever the environment says."""
    settings.IDLE_TIMEOUT_MINUTES = TIMEOUT_SECONDS / 60
    settings.IDLE_COUNTDOWN_SECONDS = COUNTDOWN_SECONDS


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(username="bientap", email="bientap@example.org", password=None)


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client
