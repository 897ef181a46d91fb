"""Reads of the partners domain. Every workspace read takes the partner and returns only its rows;
learners' contact data leaves here masked."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from courses.models import Course, Enrollment, Lesson, MediaJob, Order, Partner
from marketing.models import Campaign
from marketing.selectors import campaign_list

from .agreements import agreement_state
from .models import (
    AgreementEvent,
    ApiToken,
    CourseAssignment,
    Invitation,
    LedgerLine,
    Membership,
    PublishRequest,
    Statement,
)
from .roles import Action, Role, role_may, role_sees_assigned_courses_only

if TYPE_CHECKING:
    from accounts.models import User
    from learning.hooks import CourseStaff
    from learning.models import Question


# ------------------------------------------------------------------------------ memberships
def user_memberships(*, user: "User") -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("partner").order_by("partner__name_zh", "pk")


def membership_current(*, user: "User", partner_id: Any = None) -> Membership | None:
    """The membership a user works in: the partner chosen in the session, else their first one."""
    memberships = list(user_memberships(user=user))
    chosen = next((m for m in memberships if str(m.partner_id) == str(partner_id)), None)
    return chosen or (memberships[0] if memberships else None)


def course_staff(user: "User", course_id: int) -> "CourseStaff":
    """What the user's seats in the course's partners let them do with its lesson questions: one
    query (registered with learning's course-staff hook). An instructor teaches the course only
    when assigned to it."""
    from learning.hooks import CourseStaff

    assigned = CourseAssignment.objects.filter(membership=OuterRef("pk"), course_id=course_id)
    rows = (
        Membership.objects.filter(user=user, partner__courses=course_id)
        .annotate(assigned=Exists(assigned))
        .values_list("partner_id", "role", "assigned")
    )
    seats = [
        (partner, role)
        for partner, role, is_assigned in rows
        if is_assigned or not role_sees_assigned_courses_only(role)
    ]
    return CourseStaff(
        teaches=any(role_may(role, Action.ANSWER_QUESTIONS) for _partner, role in seats),
        moderates=any(role_may(role, Action.MODERATE_QUESTIONS) for _partner, role in seats),
        reviews_work=any(role_may(role, Action.REVIEW_WORK) for _partner, role in seats),
        speaks_for=frozenset(partner for partner, role in seats if role_may(role, Action.ANSWER_REVIEWS)),
    )


def course_staff_may_open(user: "User", course_id: int) -> bool:
    """The course's instructors and managers open its lessons to answer questions (registered with courses.hooks)."""
    staff = course_staff(user, course_id)
    return staff.teaches or staff.moderates


def partner_members(*, partner: Partner) -> QuerySet[Membership]:
    return Membership.objects.filter(partner=partner).select_related("user").order_by("role", "user__username")


def partner_member(*, partner: Partner, pk: int) -> Membership | None:
    return Membership.objects.filter(partner=partner, pk=pk).select_related("user").first()


def member_api_tokens(*, membership: Membership) -> QuerySet[ApiToken]:
    """The member's own tokens, active ones first."""
    return ApiToken.objects.filter(membership=membership).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-pk"
    )


def membership_by_partner_slug(*, user: "User", slug: str) -> Membership | None:
    return Membership.objects.filter(user=user, partner__slug=slug).select_related("partner", "user").first()


def partner_open_invitations(*, partner: Partner) -> QuerySet[Invitation]:
    return Invitation.objects.filter(partner=partner, accepted_at__isnull=True).order_by("-created_at")


# ------------------------------------------------------------------------------ masking
def mask_email(email: str) -> str:
    """`wang@example.com` -> `w***@example.com`: enough to tell learners apart, not to write to them."""
    local, at, domain = email.partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_name(user: "User") -> str:
    """The learner's initial: the first letter of their name, else of their user name."""
    name = (user.get_full_name() or user.username).strip()
    return f"{name[:1].upper()}." if name else "?"


@dataclass(frozen=True)
class LearnerContact:
    initial: str
    email: str


def learner_contact(user: "User") -> LearnerContact:
    return LearnerContact(initial=mask_name(user), email=mask_email(user.email))


@dataclass(frozen=True)
class OrderRow:
    pk: int
    number: str
    course: Course
    learner: LearnerContact
    amount: Decimal
    discount: Decimal
    currency: str
    status: str
    status_display: str
    created_at: Any
    paid_at: Any
    refunded_at: Any


@dataclass(frozen=True)
class EnrollmentRow:
    pk: int
    course: Course
    learner: LearnerContact
    status: str
    status_display: str
    created_at: Any


def order_rows(orders: Iterable[Order]) -> list[OrderRow]:
    return [
        OrderRow(
            pk=o.pk, number=str(o.number), course=o.course, learner=learner_contact(o.learner), amount=o.amount,
            discount=o.discount, currency=o.currency, status=o.status, status_display=o.get_status_display(),
            created_at=o.created_at, paid_at=o.paid_at, refunded_at=o.refunded_at,
        )
        for o in orders
    ]  # fmt: skip


def enrollment_rows(enrollments: Iterable[Enrollment]) -> list[EnrollmentRow]:
    return [
        EnrollmentRow(
            pk=e.pk, course=e.course, learner=learner_contact(e.learner), status=e.status,
            status_display=e.get_status_display(),
            created_at=e.created_at,
        )
        for e in enrollments
    ]  # fmt: skip


# ------------------------------------------------------------------------------ the partner's objects
def member_courses(*, membership: Membership) -> QuerySet[Course]:
    """The partner's courses the member works on: all of them, or an instructor's assigned ones.
    Every course-scoped read of the workspace filters by it (as a subquery: no extra query)."""
    courses = Course.objects.filter(partners=membership.partner_id)
    if role_sees_assigned_courses_only(membership.role):
        courses = courses.filter(instructor_assignments__membership=membership)
    return courses


def _latest_publish_request(field: str) -> Subquery:
    latest = PublishRequest.objects.filter(course=OuterRef("pk")).order_by("-requested_at", "-pk")
    return Subquery(latest.values(field)[:1])


def partner_courses(*, membership: Membership) -> QuerySet[Course]:
    """The member's courses (see `member_courses`) with their figures and their latest publish
    request's status and reason (`publish_status`, `publish_reason`): one query for the page."""
    return (
        Course.objects.filter(pk__in=member_courses(membership=membership))
        .annotate(
            publish_status=_latest_publish_request("status"),
            publish_reason=_latest_publish_request("reason"),
            lesson_count=Count("lessons", distinct=True),
            active_enrollments=Count(
                "enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE), distinct=True
            ),
        )
        .prefetch_related("partners")
        .order_by("-created_at", "-pk")
    )


def partner_course(*, membership: Membership, pk: int) -> Course | None:
    """Course `pk` if the member works on it; None (a 404) for another partner's or, for an
    instructor, one they are not assigned to."""
    return member_courses(membership=membership).filter(pk=pk).first()


_LATEST_JOB = MediaJob.objects.filter(lesson=OuterRef("pk")).order_by("-created_at", "-pk")
# A lesson's latest media job's status and progress, as annotations.
LESSON_JOB_FIELDS = {
    "job_status": Subquery(_LATEST_JOB.values("status")[:1]),
    "job_progress": Subquery(_LATEST_JOB.values("progress")[:1]),
}


def course_lessons(*, course: Course) -> QuerySet[Lesson]:
    """The course's lessons in order with their media, their assignment and their latest media job's
    status and progress (`job_status`, `job_progress`): one query whatever their number."""
    lessons = Lesson.objects.filter(course=course).select_related("media", "assignment")
    return lessons.annotate(**LESSON_JOB_FIELDS).order_by("position")


def member_lessons(*, membership: Membership) -> QuerySet[Lesson]:
    """The lessons of the courses the member works on, with their course, media and assignment."""
    lessons = Lesson.objects.filter(course__in=member_courses(membership=membership))
    return lessons.select_related("course", "media", "assignment")


def course_lesson(*, membership: Membership, pk: int) -> Lesson | None:
    """Lesson `pk` of a course the member works on, with its course; else None (a 404)."""
    return member_lessons(membership=membership).filter(pk=pk).first()


def member_publish_requests(*, membership: Membership) -> QuerySet[PublishRequest]:
    """The publish requests of the member's courses, newest first, with their course."""
    return (
        PublishRequest.objects.filter(course__in=member_courses(membership=membership))
        .select_related("course")
        .order_by("-requested_at", "-pk")
    )


def course_instructors(*, partner: Partner, course: Course) -> list[tuple[Membership, bool]]:
    """The partner's instructors (not a co-partner's), each with whether it teaches `course` (one query)."""
    assigned = CourseAssignment.objects.filter(membership=OuterRef("pk"), course=course)
    instructors = (
        Membership.objects.filter(partner=partner, role=Role.INSTRUCTOR)
        .select_related("user")
        .annotate(assigned=Exists(assigned))
        .order_by("user__username", "pk")
    )
    return [(m, m.assigned) for m in instructors]


def partner_orders(*, partner: Partner) -> QuerySet[Order]:
    return (
        Order.objects.filter(course__partners=partner)
        .select_related("course", "learner")
        .order_by("-created_at", "-pk")
    )


def partner_order(*, partner: Partner, pk: int) -> OrderRow | None:
    order = partner_orders(partner=partner).filter(pk=pk).first()
    return order_rows([order])[0] if order else None


def partner_enrollments(*, membership: Membership) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(course__in=member_courses(membership=membership))
        .select_related("course", "learner")
        .order_by("-created_at", "-pk")
    )


def partner_unanswered_questions(*, membership: Membership) -> "QuerySet[Question]":
    """The instructors' inbox: learning's unanswered questions in the member's courses (two queries a page)."""
    from learning.qa_selectors import unanswered_questions

    return unanswered_questions(course_ids=member_courses(membership=membership).values_list("pk", flat=True))


def partner_enrollment(*, membership: Membership, pk: int) -> EnrollmentRow | None:
    enrollment = partner_enrollments(membership=membership).filter(pk=pk).first()
    return enrollment_rows([enrollment])[0] if enrollment else None


def partner_campaigns(*, partner: Partner) -> QuerySet[Campaign]:
    """The joint campaigns the partner has a side in, with their latest figures (marketing's rows)."""
    return campaign_list().filter(partner_shares__partner=partner).select_related("stats").order_by("-starts_at")


def _agreement_trail() -> "Prefetch[str, QuerySet[AgreementEvent], str]":
    trail = AgreementEvent.objects.select_related("partner", "user").order_by("-created_at", "-pk")
    return Prefetch("agreement_events", queryset=trail, to_attr="agreement_trail")


def partner_campaigns_with_trail(*, partner: Partner) -> QuerySet[Campaign]:
    """`partner_campaigns` with each campaign's agreement trail (`agreement_trail`, newest first)."""
    return partner_campaigns(partner=partner).prefetch_related(_agreement_trail())


def partner_campaign(*, partner: Partner, pk: int) -> Campaign | None:
    return partner_campaigns(partner=partner).filter(pk=pk).first()


def campaign_partner_figures(*, campaign: Campaign, partner: Partner) -> dict[str, Any]:
    """The campaign's latest figures, with this partner's side, share and part of the revenue."""
    stats = getattr(campaign, "stats", None)
    data: dict[str, Any] = stats.data if stats is not None else {}
    share = next((s for s in campaign.partner_shares.all() if s.partner_id == partner.pk), None)
    amounts = {row.get("partner"): row.get("amount") for row in data.get("split", [])}
    return {
        "campaign": campaign,
        "figures": data,
        "computed_at": stats.computed_at if stats is not None else None,
        "side": share.get_side_display() if share else "",
        "share_percent": share.share_percent if share else None,
        "amount": amounts.get(partner.slug),
        "split": [
            {"name": s.partner.name, "side": s.get_side_display(), "share_percent": s.share_percent,
             "amount": amounts.get(s.partner.slug, "0.00")}
            for s in campaign.partner_shares.all()
        ],
    }  # fmt: skip


# ------------------------------------------------------------------------------ headline
def partner_headline(*, membership: Membership) -> dict[str, Any]:
    """The home page's figures, only those the member's role may read (a few aggregate queries)."""
    partner = membership.partner
    figures: dict[str, Any] = {}
    if membership.may(Action.VIEW_COURSES):
        counts = Course.objects.filter(pk__in=member_courses(membership=membership)).aggregate(
            total=Count("pk"), published=Count("pk", filter=Q(status=Course.Status.PUBLISHED))
        )
        figures["courses"], figures["published"] = counts["total"], counts["published"]
    if membership.may(Action.VIEW_ENROLLMENTS):
        figures["learners"] = (
            Enrollment.objects.active()
            .filter(course__in=member_courses(membership=membership))
            .values("learner")
            .distinct()
            .count()
        )
    if membership.may(Action.VIEW_ORDERS):
        sales = (
            Order.objects.filter(course__partners=partner, status=Order.Status.PAID)
            .values("currency")
            .annotate(n=Count("pk"), total=Sum("amount"))
            .order_by("currency")
        )
        figures["sales"] = list(sales)
        figures["paid_orders"] = sum(row["n"] for row in figures["sales"])
    if membership.may(Action.VIEW_CAMPAIGNS):
        # Running as the partner reads it: a campaign whose terms changed since both sides
        # accepted waits for them again (`agreements.campaign_status_shown`), whatever its status.
        # Only what the terms are made of (shares, course slugs, dates) and the trail: not the
        # course cards' figures that the campaign pages prefetch.
        running = (
            Campaign.objects.running()
            .filter(partner_shares__partner=partner)
            .prefetch_related("partner_shares__partner", "knowledge_courses", "art_courses", _agreement_trail())
        )
        figures["running_campaigns"] = sum(
            agreement_state(campaign=c, events=c.agreement_trail).agreed  # type: ignore[attr-defined]
            for c in running
        )
    return figures


# ------------------------------------------------------------------------------ statements
def partner_statements(*, partner: Partner) -> QuerySet[Statement]:
    return Statement.objects.filter(partner=partner).order_by("-month", "currency")


def partner_statement(*, partner: Partner, pk: int) -> Statement | None:
    return Statement.objects.filter(partner=partner, pk=pk).select_related("partner").first()


@dataclass(frozen=True)
class StatementRow:
    """A statement's lines summed by course and campaign (None: sold outside a campaign)."""

    course: Course
    campaign: Campaign | None
    orders: int
    sales: Decimal
    refunds: Decimal
    commission: Decimal
    net: Decimal


def statement_rows(*, statement: Statement) -> list[StatementRow]:
    """Return the statement's lines by course and campaign, in three queries whatever their number."""
    zero = Decimal("0.00")
    sums = (
        LedgerLine.objects.filter(statement=statement)
        .values("course_id", "campaign_id")
        .annotate(
            orders=Count("order_id", distinct=True, filter=Q(entry="sale")),
            sales=Sum("amount", filter=Q(entry="sale")),
            refunds=Sum("amount", filter=Q(entry="refund")),
            commission=Sum("amount", filter=Q(kind=LedgerLine.Kind.COMMISSION)),
            net=Sum("amount", filter=Q(kind=LedgerLine.Kind.SHARE)),
        )
        .order_by("course_id", "campaign_id")
    )
    rows = list(sums)
    courses = Course.objects.in_bulk({row["course_id"] for row in rows})
    campaigns = Campaign.objects.in_bulk({row["campaign_id"] for row in rows if row["campaign_id"]})
    return [
        StatementRow(
            course=courses[row["course_id"]],
            campaign=campaigns.get(row["campaign_id"]),
            orders=row["orders"],
            # Quantized: SQLite's sums come back without the trailing zeros.
            sales=(row["sales"] or zero).quantize(zero),
            refunds=(row["refunds"] or zero).quantize(zero),
            commission=(row["commission"] or zero).quantize(zero),
            net=(row["net"] or zero).quantize(zero),
        )
        for row in rows
    ]


def campaign_split_amounts(campaign_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """What each partner earned from each campaign by the ledger: its shares and the commission on
    them (its part of the amounts paid), refunds taken back; one query. marketing's split source."""
    result: dict[int, dict[int, Decimal]] = {}
    rows = (
        LedgerLine.objects.filter(campaign_id__in=campaign_ids, partner__isnull=False)
        .values("campaign_id", "partner_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    for row in rows:
        result.setdefault(row["campaign_id"], {})[row["partner_id"]] = row["amount"]
    return result
