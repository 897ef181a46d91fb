"""Marketing's part in the courses order flow: coupons, bundles and attribution at checkout."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from courses.hooks import Adjustment, CheckoutExtension, Quote
from courses.models import Course, Order

from ..attribution import Touches, read_touches
from ..models import (
    BundlePurchase,
    CouponRedemption,
    OrderAttribution,
)
from .bundles import BUNDLE, bundle_offer
from .campaigns import campaign_stats_refresh
from .coupons import coupon_discount, coupon_redeem, coupon_release, coupons_release

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

COUPON = "coupon"  # the kind of the Adjustment a coupon makes (BUNDLE: a bundle's)


def _stats_refresh_after_commit(*, order: Order) -> None:
    """Recompute the figures of the campaign the order is credited to once the payment commits.

    The dashboard's headline figures come from the stored snapshot; without this they lagged up
    to one periodic refresh (5 minutes) behind the orders table on the same page. Computed in
    this process, not queued, so it does not depend on the broker; `robust` keeps a failure here
    from turning a paid order into an error (the periodic refresh catches up).
    """
    campaign_id = OrderAttribution.objects.filter(order=order).values_list("last_campaign_id", flat=True).first()
    if campaign_id is None:
        return

    def refresh() -> None:
        campaign_stats_refresh(campaign_ids=[campaign_id])

    transaction.on_commit(refresh, robust=True)


class MarketingCheckout(CheckoutExtension):
    """Plugs coupons and campaign attribution into the courses order flow."""

    def context_from_request(self, request: "HttpRequest") -> Mapping[str, Any]:
        return {
            "coupon_code": request.POST.get("coupon", "").strip(),
            # The learner asked to drop the coupon of the pending order they continue.
            "coupon_remove": bool(request.POST.get("coupon_remove")),
            "touches": read_touches(request),
        }

    def adjustments(
        self, *, learner: "User", course: Course, context: Mapping[str, Any], order: Order | None = None
    ) -> tuple[Adjustment, ...]:
        # No stacking: a coupon the learner typed wins, then the coupon of the pending order being
        # continued (unless removed); otherwise a bundle price applies by itself.
        code = context.get("coupon_code") or ""
        if not code and order is not None and not context.get("coupon_remove"):
            held = CouponRedemption.objects.filter(order=order).values_list("coupon__code", flat=True).first()
            code = held or ""
        if code:
            coupon, discount = coupon_discount(code=code, learner=learner, course=course, order=order)
            return (Adjustment(kind=COUPON, amount=discount, code=coupon.code, refs={"coupon": coupon.pk}),)
        offer = bundle_offer(learner=learner, course=course, order=order)
        if offer is None:
            return ()
        refs = {"campaign": offer.campaign_id, "paired_order": offer.paired_order_id}
        return (Adjustment(kind=BUNDLE, amount=offer.discount, refs=refs),)

    def order_created(self, *, order: Order, quote: Quote, context: Mapping[str, Any]) -> None:
        # What the quote priced is recorded as such: nothing is computed again here.
        if coupon := quote.adjustment(COUPON):
            CouponRedemption.objects.create(
                coupon_id=coupon.refs["coupon"], order=order, learner=order.learner, discount=coupon.amount
            )
        elif bundle := quote.adjustment(BUNDLE):
            BundlePurchase.objects.create(
                campaign_id=bundle.refs["campaign"], first_order_id=bundle.refs["paired_order"], second_order=order
            )
        touches: Touches = (context.get("touches") or Touches()).within_window()
        if touches.last is not None:
            first = touches.first or touches.last
            referrer = touches.last.referrer if touches.last.referrer != order.learner_id else None
            OrderAttribution.objects.create(
                order=order,
                first_campaign_id=first.campaign,
                first_channel_id=first.channel,
                last_campaign_id=touches.last.campaign,
                last_channel_id=touches.last.channel,
                first_touched_at=first.when,
                last_touched_at=touches.last.when,
                utm=touches.utm,
                referrer_id=referrer,
            )

    def payment_starting(self, *, order: Order) -> None:
        coupon_redeem(order=order)

    def payment_confirming(self, *, order: Order) -> None:
        # The cap holds where money moves: a payment is recorded only for a secured coupon use.
        coupon_redeem(order=order)

    def order_paid(self, *, order: Order) -> None:
        _stats_refresh_after_commit(order=order)

    def order_refunded(self, *, order: Order) -> None:
        _stats_refresh_after_commit(order=order)

    def order_cancelled(self, *, order: Order) -> None:
        coupon_release(order=order)
        BundlePurchase.objects.filter(second_order=order).delete()  # the first course may pair again

    def orders_cancelled(self, *, order_ids: list[int]) -> None:
        coupons_release(order_ids=order_ids)
        BundlePurchase.objects.filter(second_order_id__in=order_ids).delete()
