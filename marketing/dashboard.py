"""The campaign dashboard of the admin site: funnel by channel, revenue split, CSV exports."""

import csv
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .models import Campaign, OrderAttribution

FUNNEL_STEPS = ("reach", "signups", "orders")
RECENT_ORDERS = 50
SCORE_POINTS = 60  # snapshots plotted: with the 15-minute refresh, the last 15 hours


class _Echo:
    def write(self, value: str) -> str:
        return value


def _funnel_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Channel rows with bar widths (percent of the largest count) for the SVG chart."""
    rows = figures.get("channels", [])
    largest = max([row[step] for row in rows for step in FUNNEL_STEPS] + [1])
    return [
        {**row, "bars": [(step, row[step], round(100 * row[step] / largest, 1)) for step in FUNNEL_STEPS]}
        for row in rows
    ]


def _score_lines(history: list) -> dict[str, str]:
    """SVG polyline points of f and g (shares, 0 at the bottom, 1 at the top) over the snapshots."""
    lines = {}
    step = 600 / max(len(history) - 1, 1)
    for name in ("f", "g"):
        points = [
            f"{i * step:.1f},{100 - 100 * getattr(s, name):.1f}"
            for i, s in enumerate(history)
            if getattr(s, name) is not None
        ]
        lines[name] = " ".join(points)
    return lines


def campaign_dashboard(request: HttpRequest, campaign_id: int, model_admin: admin.ModelAdmin) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    snapshot = getattr(campaign, "stats", None)
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
        "score_lines": _score_lines(history),
        "campaign": campaign,
        "snapshot": snapshot,
        "figures": figures,
        "funnel": _funnel_rows(figures),
        "recent": recent,
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
    header = ["order", "learner", "course", "track", "amount", "currency", "status", "created_at", "paid_at",
              "first_campaign", "first_channel", "last_channel", "referrer"]  # fmt: skip

    def lines():
        writer = csv.writer(_Echo())
        yield writer.writerow(header)
        for row in rows.iterator(chunk_size=2000):
            order = row.order
            yield writer.writerow([
                order.number, order.learner.username, order.course.slug, order.course.track, order.amount,
                order.currency, order.status, order.created_at.isoformat(),
                order.paid_at.isoformat() if order.paid_at else "",
                row.first_campaign.slug if row.first_campaign else "",
                row.first_channel.name if row.first_channel else "",
                row.last_channel.name if row.last_channel else "", row.referrer.username if row.referrer else "",
            ])  # fmt: skip

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-orders.csv"'
    return response


def split_statement_csv(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    figures = campaign.stats.data if hasattr(campaign, "stats") else {}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-split.csv"'
    writer = csv.writer(response)
    writer.writerow(["partner", "name", "side", "share_percent", "amount", "net_revenue", "computed_at"])
    computed = campaign.stats.computed_at.isoformat() if hasattr(campaign, "stats") else ""
    for share in figures.get("split", []):
        writer.writerow([
            share["partner"], share["name"], share["side"], share["share_percent"], share["amount"],
            figures["revenue"]["total"], computed,
        ])  # fmt: skip
    return response
