import pytest
from django.contrib.auth import get_user_model

from tuyengiao.opinion.tests.factories import make_staff, make_tree


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("quantri", password=None)


@pytest.fixture
def staff_a(tree):
    return make_staff("canbo_a", tree.ward_a)


@pytest.fixture
def staff_b(tree):
    return make_staff("canbo_b", tree.ward_b)
