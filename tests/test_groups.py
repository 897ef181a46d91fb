"""The staff groups the data migrations build, and the tests' rebuild of them after a flush."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import migrations_group

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["Course managers", "Finance"])
def test_a_rebuilt_group_holds_what_the_migrations_granted(name):
    migrated = set(Group.objects.get(name=name).permissions.values_list("pk", flat=True))
    Group.objects.filter(name=name).delete()  # as a transactional test's flush leaves it

    rebuilt = set(migrations_group(name).permissions.values_list("pk", flat=True))

    assert migrated and rebuilt == migrated
