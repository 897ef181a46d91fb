"""The campaign dashboard of the admin site: funnel by channel, revenue split, CSV exports."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from courses.models import Currency
from platform_site.csv_export import csv_response, local_time

from .models import Campaign, CampaignStats, Channel, OrderAttribution, Side
from .services.campaigns import campaign_stats_refresh

# Campaign figures are sums of orders in the catalogue's currency (a course's default).
CURRENCY: str = Currency.CNY

FUNNEL_STEPS = (("reach", _lazy("Reach")), ("signups", _lazy("Sign-ups")), ("orders", _lazy("Paid orders")))
RECENT_ORDERS = 50
SCORE_POINTS = 60  # snapshots plotted: with the 15-minute refresh, the last 15 hours
# The scores chart's drawing area inside the SVG (left margin for the axis labels).
CHART_LEFT, CHART_WIDTH, CHART_TOP, CHART_HEIGHT = 40, 560, 10, 120
CURRENCY_SIGNS = {Currency.CNY: "¥", Currency.USD: "$"}


def money(value: Any, currency: str = CURRENCY) -> str:
    """Return an amount as a manager reads it: the currency's sign, thousands separated, two decimals."""
    return f"{CURRENCY_SIGNS.get(Currency(currency), currency + ' ')}{Decimal(str(value or 0)):,.2f}"


def _funnel_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Channel rows with bar widths (percent of the largest count) for the SVG chart."""
    rows = figures.get("channels", [])
    kinds = dict(Channel.Kind.choices)
    largest = max([row[step] for row in rows for step, _label in FUNNEL_STEPS] + [1])
    return [
        {
            **row,
            "kind_label": kinds.get(row["kind"], ""),
            "revenue": money(row["revenue"]),
            "cost": money(row["cost"]),
            "bars": [(label, row[step], round(100 * row[step] / largest, 1)) for step, label in FUNNEL_STEPS],
        }
        for row in rows
    ]


def _headline(figures: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's figures, money with its currency and the conversion as a percentage."""
    if not figures:
        return {}
    sides = dict(Side.choices)
    revenue = figures["revenue"]
    return {
        **figures,
        "revenue": {side: money(amount) for side, amount in revenue.items()},
        "refunds": {**figures["refunds"], "amount": money(figures["refunds"]["amount"])},
        "cost": money(figures["cost"]),
        "revenue_per_visitor": money(figures["revenue_per_visitor"]),
        "conversion_percent": f"{100 * figures['conversion_rate']:.1f}%",
        "split": [
            {**share, "side_label": sides.get(share["side"], share["side"]), "amount": money(share["amount"])}
            for share in figures.get("split", [])
        ],
    }


def _score_chart(history: list) -> dict[str, Any]:
    """The f and g shares (0 at the bottom, 1 at the top) of each snapshot, placed on the SVG.

    Each snapshot is a dot as well as a point of the line, so one snapshot already shows; the
    first and last times label the time axis.
    """
    step = CHART_WIDTH / max(len(history) - 1, 1)
    series = []
    for name, colour in (("f", "#417690"), ("g", "#d9480f")):
        points = [
            (round(CHART_LEFT + i * step, 1), round(CHART_TOP + CHART_HEIGHT * (1 - getattr(s, name)), 1))
            for i, s in enumerate(history)
            if getattr(s, name) is not None
        ]
        series.append(
            {"name": name, "colour": colour, "points": points, "line": " ".join(f"{x},{y}" for x, y in points)}
        )
    return {
        "series": series,
        "drawn": any(line["points"] for line in series),
        "first": timezone.localtime(history[0].computed_at) if history else None,
        "last": timezone.localtime(history[-1].computed_at) if history else None,
        "ticks": [(round(CHART_TOP + CHART_HEIGHT * (1 - v), 1), f"{v:.1f}") for v in (0, 0.5, 1)],
        "left": CHART_LEFT,
        "right": CHART_LEFT + CHART_WIDTH,
        "bottom": CHART_TOP + CHART_HEIGHT,
    }


def campaign_dashboard(request: HttpRequest, campaign_id: int, model_admin: admin.ModelAdmin) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    snapshot = getattr(campaign, "stats", None)
    if snapshot is None:
        # No figures yet (a new campaign, before the first periodic refresh): one campaign's
        # figures are a handful of queries, so compute them rather than show an empty page.
        campaign_stats_refresh(campaign_ids=[campaign.pk])
        snapshot = CampaignStats.objects.filter(campaign=campaign).first()
    figures = snapshot.data if snapshot else {}
    recent = (
        OrderAttribution.objects.filter(last_campaign=campaign)
        .select_related("order__course", "order__learner", "last_channel", "referrer")
        .order_by("-order__created_at")[:RECENT_ORDERS]
    )
    history = list(campaign.scores.order_by("-computed_at")[:SCORE_POINTS])[::-1]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": campaign.name,
        "score": history[-1] if history else None,
        "chart": _score_chart(history),
        "campaign": campaign,
        "snapshot": snapshot,
        "figures": _headline(figures),
        "funnel": _funnel_rows(figures),
        "recent": [(row, money(row.order.amount, row.order.currency)) for row in recent],
    }
    return TemplateResponse(request, "admin/marketing/campaign_dashboard.html", context)


def attributed_orders_csv(request: HttpRequest, campaign_id: int) -> StreamingHttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    rows = (
        OrderAttribution.objects.filter(last_campaign=campaign)
        .select_related(
            "order__course", "order__learner", "first_campaign", "first_channel", "last_channel", "referrer"
        )
        .order_by("order__created_at")
    )
    header = [_("order"), _("learner"), _("course"), _("course ID"), _("track"), _("amount"), _("currency"),
              _("status"), _("created at"), _("paid at"), _("first campaign"), _("first channel"),
              _("last channel"), _("referrer")]  # fmt: skip

    def lines() -> Iterator[list[Any]]:
        for row in rows.iterator(chunk_size=2000):
            order = row.order
            yield [
                order.number, order.learner.username, order.course.title_zh, order.course.pk,
                order.course.get_track_display(), order.amount, order.currency, order.get_status_display(),
                local_time(order.created_at), local_time(order.paid_at),
                row.first_campaign.name_zh if row.first_campaign else "",
                row.first_channel.name if row.first_channel else "",
                row.last_channel.name if row.last_channel else "", row.referrer.username if row.referrer else "",
            ]  # fmt: skip

    return csv_response(filename=f"{campaign.slug}-orders.csv", header=header, rows=lines())


def split_statement_csv(request: HttpRequest, campaign_id: int) -> StreamingHttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    stats = getattr(campaign, "stats", None)
    figures = stats.data if stats else {}
    sides = dict(Side.choices)
    computed = local_time(stats.computed_at) if stats else ""
    rows = [
        [share["name"], share["partner"], sides.get(share["side"], share["side"]), share["share_percent"],
         share["amount"], figures["revenue"]["total"], CURRENCY, computed]
        for share in figures.get("split", [])
    ]  # fmt: skip
    header = [_("partner"), _("partner code"), _("side"), _("share (%)"), _("amount"), _("net revenue"),
              _("currency"), _("computed at")]  # fmt: skip
    return csv_response(filename=f"{campaign.slug}-split.csv", header=header, rows=rows)
