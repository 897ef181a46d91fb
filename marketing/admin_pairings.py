"""The admin's "pairing suggestions" (配对建议): the best knowledge × art pairs with the factors of
their score, filtered by partner and track, and the action that drafts a joint campaign from one."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.admin import apply_service
from courses.models import Partner

from . import selectors, services
from .models import CoursePairing
from .pairings import FACTOR_LABELS, FACTORS


class PartnerFilter(admin.SimpleListFilter):
    title = _("partner")
    parameter_name = "partner"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        paired = Q(courses__pairings_as_knowledge__isnull=False) | Q(courses__pairings_as_art__isnull=False)
        return [(p.slug, str(p)) for p in Partner.objects.filter(paired).distinct().order_by("slug")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CoursePairing]) -> QuerySet[CoursePairing]:
        if not self.value():
            return queryset
        track = request.GET.get(TrackFilter.parameter_name)
        return queryset.filter(pk__in=selectors.pairing_list(partner=self.value(), track=track).values("pk"))


class TrackFilter(admin.SimpleListFilter):
    """On which side the chosen partner's course is (the partner filter reads it)."""

    title = _("partner's track")
    parameter_name = "track"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("knowledge", _("Knowledge side")), ("art", _("Art side"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CoursePairing]) -> QuerySet[CoursePairing]:
        return queryset


@admin.register(CoursePairing)
class CoursePairingAdmin(admin.ModelAdmin):
    list_display = ["knowledge", "art", "score_shown", "factor_parts", "why", "computed_at"]
    list_display_links = None  # nothing to edit: the rows are the refresh task's
    list_filter = [PartnerFilter, TrackFilter]
    list_select_related = ["knowledge", "art"]
    search_fields = ["knowledge__title_zh", "knowledge__title_en", "art__title_zh", "art__title_en"]
    actions = ["draft_campaign"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_draft_campaign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("marketing.add_campaign") and request.user.has_perm(
            "marketing.add_campaignpartner"
        )

    def get_action_choices(self, request: HttpRequest, default_choices: Any = None) -> list[tuple[str, Any]]:
        # Django's blank choice reads "---------"; managers read what it means.
        return [("", _("Choose an action")), *super().get_action_choices(request, default_choices=[])]

    @admin.display(description=_("pairing score"), ordering="-score")
    def score_shown(self, pairing: CoursePairing) -> str:
        return f"{pairing.score:.3f}"

    @admin.display(description=_("factors (value × weight = part)"))
    def factor_parts(self, pairing: CoursePairing) -> str:
        rows = [
            (FACTOR_LABELS[name], f"{factor['value']:.2f}", f"{factor['weight']:.2f}", f"{factor['part']:.3f}")
            for name in FACTORS
            if (factor := pairing.factors.get(name))
        ]
        return format_html(
            '<ul class="pairing-factors">{}</ul>',
            format_html_join("", "<li>{}: {} × {} = <strong>{}</strong></li>", rows),
        )

    @admin.display(description=_("why"))
    def why(self, pairing: CoursePairing) -> str:
        details = pairing.details
        lines: list[tuple[str, str]] = []
        if details.get("shared_skills"):
            lines.append((str(_("both teach")), "、".join(details["shared_skills"])))
        if details.get("complementary_skills"):
            lines.append((str(_("each brings")), "、".join(details["complementary_skills"])))
        if details.get("lift") is not None:
            lines.append((str(_("bought together, lift")), f"{details['lift']:.2f}"))
        if details.get("respondents"):
            f = details.get("f")
            lines.append((
                str(_("buyers surveyed")),
                str(_("%(n)d; Dk %(d_k).2f, Da %(d_a).2f, f %(f)s"))
                % {"n": details["respondents"], "d_k": details["d_k"], "d_a": details["d_a"],
                   "f": f"{f:.2f}" if f is not None else _("not enough data")},
            ))  # fmt: skip
        if campaign := details.get("campaign"):
            g, h = campaign.get("g"), campaign.get("h")
            lines.append((
                str(_("like campaign")),
                str(_("%(name)s (closeness %(s).2f; g %(g)s, h %(h)s)"))
                % {"name": campaign["name"], "s": campaign["similarity"],
                   "g": f"{g:.2f}" if g is not None else "–", "h": f"{h:.2f}" if h is not None else "–"},
            ))  # fmt: skip
        if not lines:
            return str(_("close in content only"))
        return format_html('<ul class="pairing-why">{}</ul>', format_html_join("", "<li>{}: {}</li>", lines))

    @admin.action(
        description=_("Create a draft joint campaign from the selected pairs"), permissions=["draft_campaign"]
    )
    def draft_campaign(self, request: HttpRequest, queryset: QuerySet[CoursePairing]) -> None:
        created = []

        def create(pairing: CoursePairing) -> None:
            created.append(services.pairing_campaign_create(pairing=pairing))

        apply_service(
            self, request, queryset, create,
            lambda n: ngettext(
                "%d draft campaign created: the partners accept its terms in their workspace.",
                "%d draft campaigns created: the partners accept their terms in their workspace.", n,
            ) % n,
        )  # fmt: skip
        for campaign in created:
            self.message_user(
                request,
                format_html(
                    '<a href="{}">{}</a>', reverse("admin:marketing_campaign_change", args=[campaign.pk]), campaign
                ),
            )
