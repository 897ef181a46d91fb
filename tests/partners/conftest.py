import pytest

from tests.factories import MembershipFactory, PartnerFactory, UserFactory


@pytest.fixture
def partner_a(db):
    return PartnerFactory(slug="ink-academy", name_zh="墨韵学堂", name_en="Ink Academy", kind="art_institution")


@pytest.fixture
def partner_b(db):
    return PartnerFactory(slug="mind-lab", name_zh="知识实验室", name_en="Mind Lab")


@pytest.fixture
def owner_a(partner_a):
    return MembershipFactory(partner=partner_a, user=UserFactory(username="owner-a"), role="owner")


@pytest.fixture
def owner_b(partner_b):
    return MembershipFactory(partner=partner_b, user=UserFactory(username="owner-b"), role="owner")
