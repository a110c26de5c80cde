import pytest
from django.contrib.auth import get_user_model

from tuyengiao.opinion.models import OpinionTopic

from .factories import make_staff, make_tree


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("quantri", password=None)


@pytest.fixture
def staff_a(tree):
    """Works on ward A and below."""
    return make_staff("canbo_a", tree.ward_a)


@pytest.fixture
def staff_b(tree):
    """Works on ward B and below (a sibling of ward A)."""
    return make_staff("canbo_b", tree.ward_b)


@pytest.fixture
def topics(db):
    """The seeded topic list (data migration)."""
    return list(OpinionTopic.objects.order_by("sort_order"))
