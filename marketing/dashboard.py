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


def survey_results(request: HttpRequest, survey_id: int, model_admin: admin.ModelAdmin) -> HttpResponse:
    from .models import Channel, Survey
    from .selectors import survey_results as results

    survey = get_object_or_404(Survey, pk=survey_id)
    campaign_id = _int(request.GET.get("campaign"))
    channel_id = _int(request.GET.get("channel"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": survey.title,
        "survey": survey,
        "campaigns": Campaign.objects.filter(responses__survey=survey).distinct(),
        "channels": Channel.objects.filter(responses__survey=survey).distinct(),
        "selected": {"campaign": campaign_id, "channel": channel_id},
        **results(survey=survey, campaign_id=campaign_id, channel_id=channel_id),
    }
    return TemplateResponse(request, "admin/marketing/survey_results.html", context)


def survey_responses_csv(request: HttpRequest, survey_id: int) -> StreamingHttpResponse:
    from .models import Response, Survey

    survey = get_object_or_404(Survey, pk=survey_id)
    questions = list(survey.questions.all())
    rows = (
        Response.objects.filter(survey=survey)
        .select_related("campaign", "channel", "respondent")
        .prefetch_related("answers__choices")
        .order_by("submitted_at")
    )

    def value(answer) -> str:
        if answer is None:
            return ""
        chosen = [choice.label_zh for choice in answer.choices.all()]
        return "; ".join(chosen) if chosen else (answer.text or ("" if answer.number is None else str(answer.number)))

    def lines():
        writer = csv.writer(_Echo())
        yield writer.writerow(["response", "submitted_at", "respondent", "campaign", "channel", "wants_knowledge",
                               "wants_art", *[f"{q.position}. {q.text_zh}" for q in questions]])  # fmt: skip
        for response in rows.iterator(chunk_size=500):
            by_question = {answer.question_id: answer for answer in response.answers.all()}
            yield writer.writerow([
                response.pk, response.submitted_at.isoformat(), response.respondent or "",
                response.campaign.slug if response.campaign else "", response.channel.name if response.channel else "",
                response.wants_knowledge, response.wants_art, *[value(by_question.get(q.pk)) for q in questions],
            ])  # fmt: skip

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-responses.csv"'
    return response


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
