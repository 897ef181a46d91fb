"""The two-sided agreement on a joint campaign's terms: what the terms are, who accepted which.

Marketing owns campaigns; the agreement lives here because only this app knows who may speak for
a partner (its owners and managers). Marketing asks before a campaign starts through
`marketing.hooks.register_start_check` (registered in `PartnersConfig.ready()`), so the dependency
stays one way: partners reads marketing, marketing imports nothing of partners.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Partner
from marketing.models import Campaign
from platform_site.exceptions import Conflict, NotPermitted

from .models import AgreementEvent, Membership
from .roles import Action

if TYPE_CHECKING:
    from marketing.models import CampaignPartner


TERM_LABELS = {
    "shares": gettext_lazy("revenue shares"),
    "knowledge_courses": gettext_lazy("knowledge courses"),
    "art_courses": gettext_lazy("art courses"),
    "bundle_price": gettext_lazy("bundle price"),
    "starts_at": gettext_lazy("starts at"),
    "ends_at": gettext_lazy("ends at"),
}


def campaign_terms(*, campaign: Campaign) -> dict[str, Any]:
    """The terms both sides accept: their shares and sides, the courses, the bundle price, the dates."""
    shares = sorted(
        (
            {"partner": s.partner.slug, "side": s.side, "share_percent": f"{s.share_percent:.2f}"}
            for s in campaign.partner_shares.all()
        ),
        key=lambda row: (row["side"], row["partner"]),
    )
    return {
        "shares": shares,
        "knowledge_courses": sorted(c.slug for c in campaign.knowledge_courses.all()),
        "art_courses": sorted(c.slug for c in campaign.art_courses.all()),
        "bundle_price": f"{campaign.bundle_price:.2f}" if campaign.bundle_price is not None else None,
        "starts_at": campaign.starts_at.isoformat(),
        "ends_at": campaign.ends_at.isoformat(),
    }


def terms_digest(terms: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(terms, sort_keys=True).encode()).hexdigest()


def terms_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


@dataclass(frozen=True)
class SideState:
    share: "CampaignPartner"
    accepted: AgreementEvent | None  # the acceptance of the current terms, if any
    asked_again: bool  # it had accepted terms that have changed since


@dataclass(frozen=True)
class AgreementState:
    terms: dict[str, Any]
    digest: str
    sides: list[SideState]
    events: list[AgreementEvent]

    @property
    def agreed(self) -> bool:
        return bool(self.sides) and all(side.accepted for side in self.sides)

    @property
    def trail(self) -> list[tuple[AgreementEvent, list[str]]]:
        """The events, newest first, each with the names of the terms it changed."""
        return [(e, [str(TERM_LABELS.get(key, key)) for key in e.changes]) for e in self.events]

    def side_of(self, partner: Partner) -> SideState | None:
        return next((s for s in self.sides if s.share.partner_id == partner.pk), None)


def campaign_status_shown(*, campaign: Campaign, state: AgreementState) -> str:
    """The status a partner reads: a campaign marked scheduled or running while a side has not
    accepted its current terms is shown as waiting for them, never as running (a campaign
    started outside `campaign_set_status`, or whose terms changed since)."""
    waiting = campaign.status in (Campaign.Status.SCHEDULED, Campaign.Status.RUNNING) and not state.agreed
    return _("Awaiting both sides' acceptance") if waiting else str(campaign.get_status_display())


def agreement_state(*, campaign: Campaign, events: list[AgreementEvent] | None = None) -> AgreementState:
    """Where the agreement stands: the current terms and each side's acceptance (three queries).

    `events`: the campaign's trail, newest first, when the caller prefetched it for many campaigns.
    """
    terms = campaign_terms(campaign=campaign)
    digest = terms_digest(terms)
    if events is None:
        events = list(AgreementEvent.objects.filter(campaign=campaign).select_related("partner", "user"))
    # An acceptance counts until the terms change, even if they later change back.
    last_change = next((e.pk for e in events if e.kind == AgreementEvent.Kind.TERMS_CHANGED), 0)
    sides = []
    for share in campaign.partner_shares.all():
        accepted = [e for e in events if e.kind == AgreementEvent.Kind.ACCEPTED and e.partner_id == share.partner_id]
        current = next((e for e in accepted if e.digest == digest and e.pk > last_change), None)
        sides.append(SideState(share=share, accepted=current, asked_again=current is None and bool(accepted)))
    return AgreementState(terms=terms, digest=digest, sides=sides, events=events)


def agreement_record_changes(*, campaign: Campaign) -> AgreementState:
    """Add a "terms changed" line when the terms differ from the last ones on the trail."""
    state = agreement_state(campaign=campaign)
    last = state.events[0] if state.events else None
    if last is not None and last.digest != state.digest:
        AgreementEvent.objects.create(
            campaign=campaign, kind=AgreementEvent.Kind.TERMS_CHANGED, digest=state.digest, terms=state.terms,
            changes=terms_changes(last.terms, state.terms),
        )  # fmt: skip
        state = agreement_state(campaign=campaign)
    return state


@transaction.atomic
def campaign_terms_accept(*, actor: Membership, campaign: Campaign, digest: str) -> AgreementEvent:
    """Accept, for the actor's side, the campaign's terms as the actor read them (`digest`).

    Terms that changed since the page was read are refused: the member reads them again.
    Accepting the same terms again returns the first acceptance (the campaign's row lock
    serialises two managers of a side accepting at once).
    """
    if not actor.may(Action.ACCEPT_TERMS):
        raise NotPermitted(_("Your role in this partner may not do this."), code="role_not_permitted")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    state = agreement_record_changes(campaign=campaign)
    side = state.side_of(actor.partner)
    if side is None:
        raise NotPermitted(_("Your partner has no side in this campaign."), code="not_a_side")
    if digest != state.digest:
        raise Conflict(_("The terms have changed since you read them: read them again."), code="terms_changed")
    if side.accepted is not None:
        return side.accepted
    return AgreementEvent.objects.create(
        campaign=campaign, partner=actor.partner, user=actor.user, kind=AgreementEvent.Kind.ACCEPTED,
        digest=state.digest, terms=state.terms,
    )  # fmt: skip


def check_campaign_agreed(campaign: Campaign) -> None:
    """Marketing's start check: refuse to start until every side accepted the current terms."""
    state = agreement_record_changes(campaign=campaign)
    waiting = [side.share.partner for side in state.sides if side.accepted is None]
    if waiting:
        raise Conflict(
            _("Both sides must accept the campaign's terms before it starts. Waiting for: %(partners)s.")
            % {"partners": "、".join(str(p.name) for p in waiting)},
            code="terms_not_accepted",
            extra={"partners": [p.slug for p in waiting]},
        )
