"""Invitations: a signed, expiring, one-time link for one e-mail address, accepted by its owner."""

import pytest
from django.core import mail, signing
from django.urls import reverse

from partners import services
from partners.models import Invitation, Membership
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE_URL = "https://courses.example.com/"


def invite(owner, email="wei@example.com", role="manager"):
    return services.membership_invite(actor=owner, email=email, role=role, base_url=BASE_URL)


def link_token(invitation) -> str:
    services.invitation_send(invitation_id=invitation.pk, base_url=BASE_URL)
    body = mail.outbox[-1].body
    path = reverse("partners:invitation", args=["TOKEN"]).replace("TOKEN/", "")
    return body.split(path, 1)[1].split("/", 1)[0]


def test_invitation_is_mailed_to_the_address_with_a_link_that_makes_the_member(
    owner_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = invite(owner_a)
    assert len(callbacks) == 1  # the mail is queued once the invitation is stored

    token = link_token(invitation)
    membership = services.invitation_accept(token=token, user=UserFactory(email="Wei@Example.com"))

    assert mail.outbox[-1].to == ["wei@example.com"]
    assert BASE_URL.rstrip("/") + "/partner/invitations/" in mail.outbox[-1].body
    assert (membership.partner, membership.role) == (owner_a.partner, "manager")


def test_the_accept_page_makes_the_signed_in_invitee_a_member(client, owner_a):
    token = link_token(invite(owner_a))
    invitee = UserFactory(email="wei@example.com")
    client.force_login(invitee)

    assert client.get(reverse("partners:invitation", args=[token])).status_code == 200
    response = client.post(reverse("partners:invitation", args=[token]))

    assert response.status_code == 302
    assert response.url == reverse("partners:home")
    assert Membership.objects.filter(user=invitee, partner=owner_a.partner, role="manager").exists()


def test_the_accept_page_asks_a_visitor_to_sign_in_first(client, owner_a):
    token = link_token(invite(owner_a))

    response = client.get(reverse("partners:invitation", args=[token]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_expired_invitation_is_refused(owner_a, settings):
    token = link_token(invite(owner_a))
    settings.PARTNER_INVITATION_MAX_AGE = -1

    with pytest.raises(ApplicationError) as error:
        services.invitation_accept(token=token, user=UserFactory(email="wei@example.com"))

    assert error.value.code == "invitation_expired"
    assert not Membership.objects.filter(user__email="wei@example.com").exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: "999999" + token[token.index(":") :],  # another invitation's id
        lambda token: "not-a-token",
    ],
)
def test_tampered_link_is_refused_with_a_clear_page(client, owner_a, tamper):
    token = tamper(link_token(invite(owner_a)))
    client.force_login(UserFactory(email="wei@example.com"))

    response = client.post(reverse("partners:invitation", args=[token]))

    assert response.status_code == 400
    assert "invitation-error" in response.content.decode()
    assert not Membership.objects.filter(user__email="wei@example.com").exists()


def test_link_signed_with_another_salt_is_refused(owner_a):
    invitation = invite(owner_a)
    forged = signing.TimestampSigner().sign(str(invitation.pk))  # the default salt, not the invitations'

    with pytest.raises(ApplicationError) as error:
        services.invitation_accept(token=forged, user=UserFactory(email="wei@example.com"))

    assert error.value.code == "invitation_invalid"


def test_accepting_twice_does_nothing_more(owner_a):
    token = link_token(invite(owner_a))
    invitee = UserFactory(email="wei@example.com")
    first = services.invitation_accept(token=token, user=invitee)
    Membership.objects.filter(pk=first.pk).update(role="analyst")  # the owner changed it since

    again = services.invitation_accept(token=token, user=invitee)

    assert again.pk == first.pk
    assert again.role == "analyst"
    assert Membership.objects.filter(user=invitee).count() == 1


def test_a_used_link_cannot_seat_someone_else(owner_a):
    token = link_token(invite(owner_a))
    services.invitation_accept(token=token, user=UserFactory(email="wei@example.com"))

    with pytest.raises(Conflict) as error:
        services.invitation_accept(token=token, user=UserFactory(email="other@example.com"))

    assert error.value.code == "invitation_used"


def test_a_removed_member_cannot_come_back_with_the_old_link(owner_a):
    token = link_token(invite(owner_a))
    member = services.invitation_accept(token=token, user=UserFactory(email="wei@example.com"))
    services.membership_remove(actor=owner_a, membership=member)

    with pytest.raises(Conflict):
        services.invitation_accept(token=token, user=member.user)


def test_wrong_user_is_refused_with_403(client, owner_a):
    token = link_token(invite(owner_a))
    stranger = UserFactory(email="stranger@example.com")
    client.force_login(stranger)

    response = client.post(reverse("partners:invitation", args=[token]))

    assert response.status_code == 403
    assert not Membership.objects.filter(user=stranger).exists()
    assert Invitation.objects.get().accepted_at is None  # still good for the right person


def test_wrong_user_service_error(owner_a):
    token = link_token(invite(owner_a))

    with pytest.raises(NotPermitted) as error:
        services.invitation_accept(token=token, user=UserFactory(email="stranger@example.com"))

    assert error.value.code == "invitation_wrong_user"


def test_inviting_an_open_address_again_renews_the_one_invitation(owner_a):
    first = invite(owner_a, role="analyst")
    second = invite(owner_a, email="WEI@example.com", role="manager")

    assert first.pk == second.pk
    assert Invitation.objects.get().role == "manager"


def test_inviting_a_member_is_refused_at_the_email_field(owner_a):
    MembershipFactory(partner=owner_a.partner, user=UserFactory(email="wei@example.com"), role="analyst")

    with pytest.raises(ApplicationError) as error:
        invite(owner_a)

    assert error.value.code == "already_member"
    assert "email" in error.value.extra["fields"]


@pytest.mark.parametrize("role", ["manager", "instructor", "analyst"])
def test_only_owners_invite(partner_a, role):
    member = MembershipFactory(partner=partner_a, role=role)

    with pytest.raises(NotPermitted):
        invite(member)

    assert not Invitation.objects.exists()


def test_a_spent_invitation_sends_no_mail(owner_a):
    invitation = invite(owner_a)
    token = link_token(invitation)
    services.invitation_accept(token=token, user=UserFactory(email="wei@example.com"))
    sent = len(mail.outbox)

    assert services.invitation_send(invitation_id=invitation.pk, base_url=BASE_URL) is False
    assert len(mail.outbox) == sent
