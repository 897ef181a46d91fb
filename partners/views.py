"""The partner workspace: thin views, each scoped to the member's current partner.

Every page resolves the current membership first (the partner chosen in the session, one of the
user's own), refuses with 403 what the role may not do, and looks objects up among that
partner's rows only, so another partner's object is a 404 whatever its id.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.request_user import request_user
from platform_site.exceptions import ApplicationError, NotPermitted
from platform_site.shortcuts import found

from . import agreements, publishing, selectors, services, tokens
from .forms import ApiTokenForm, CourseForm, InviteForm, RoleForm, add_service_errors
from .models import Membership
from .roles import Action
from .statement_csv import statement_csv_response

SESSION_KEY = "partners.current"
PAGE_SIZE = 50

View = Callable[..., HttpResponse | StreamingHttpResponse]


def workspace(action: Action | None = None) -> Callable[[View], View]:
    """Give the view the current membership; 403 without one, or when its role may not `action`."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse | StreamingHttpResponse:
            membership = selectors.membership_current(
                user=request_user(request), partner_id=request.session.get(SESSION_KEY)
            )
            if membership is None or (action is not None and not membership.may(action)):
                raise PermissionDenied
            try:
                return view(request, membership, *args, **kwargs)
            except NotPermitted as error:
                raise PermissionDenied from error

        return wrapped

    return decorator


def _render(
    request: HttpRequest, membership: Membership, section: str, template: str, context: dict[str, Any]
) -> HttpResponse:
    base = {
        "membership": membership,
        "partner": membership.partner,
        "memberships": selectors.user_memberships(user=membership.user),
        "allowed": {action.value for action in Action if membership.may(action)},
        "section": section,
    }
    return render(request, template, {**base, **context})


@require_GET
@workspace()
def home(request: HttpRequest, membership: Membership) -> HttpResponse:
    headline = selectors.partner_headline(membership=membership)
    return _render(request, membership, "home", "partners/home.html", {"headline": headline})


@require_POST
@login_required
def switch(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("partner", "")
    if not any(str(m.partner_id) == chosen for m in selectors.user_memberships(user=request_user(request))):
        raise Http404
    request.session[SESSION_KEY] = chosen
    return redirect("partners:home")


# ------------------------------------------------------------------------------ statements
@require_GET
@workspace(Action.VIEW_STATEMENTS)
def statement_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    statements = selectors.partner_statements(partner=membership.partner)
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"statements": page.object_list, "page": page}
    return _render(request, membership, "statements", "partners/statements.html", context)


@require_GET
@workspace(Action.VIEW_STATEMENTS)
def statement_csv(request: HttpRequest, membership: Membership, pk: int) -> StreamingHttpResponse:
    statement = found(selectors.partner_statement(partner=membership.partner, pk=pk))
    return statement_csv_response(statement=statement)


@require_GET
@workspace(Action.VIEW_STATEMENTS)
def statement_pdf(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    from .statement_pdf import statement_pdf_response

    statement = found(selectors.partner_statement(partner=membership.partner, pk=pk))
    return statement_pdf_response(statement=statement)


# ------------------------------------------------------------------------------ courses
@require_GET
@workspace(Action.VIEW_COURSES)
def course_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    courses = selectors.partner_courses(membership=membership)
    context = {"courses": courses, "needs_approval": publishing.publish_needs_approval()}
    return _render(request, membership, "courses", "partners/courses.html", context)


@require_http_methods(["GET", "POST"])
@workspace(Action.EDIT_COURSES)
def course_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_course_create(actor=membership, **form.cleaned_data)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course was created as a draft."))
            return redirect("partners:courses")
    return _render(request, membership, "courses", "partners/course_form.html", {"form": form, "course": None})


@require_http_methods(["GET", "POST"])
@workspace(Action.EDIT_COURSES)
def course_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    course = found(selectors.partner_course(membership=membership, pk=pk))
    # The form writes its values onto the instance it holds; the service gets the stored course.
    form = CourseForm(request.POST or None, instance=selectors.partner_course(membership=membership, pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_course_update(actor=membership, course=course, **form.cleaned_data)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course was saved."))
            return redirect("partners:courses")
    return _render(request, membership, "courses", "partners/course_form.html", {"form": form, "course": course})


# ------------------------------------------------------------------------------ sales
@require_GET
@workspace(Action.VIEW_ORDERS)
def order_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    page = Paginator(selectors.partner_orders(partner=membership.partner), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "orders": selectors.order_rows(page.object_list)}
    return _render(request, membership, "orders", "partners/orders.html", context)


@require_GET
@workspace(Action.VIEW_ORDERS)
def order_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    order = found(selectors.partner_order(partner=membership.partner, pk=pk))
    return _render(request, membership, "orders", "partners/order_detail.html", {"order": order})


@require_GET
@workspace(Action.VIEW_ENROLLMENTS)
def enrollment_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    enrollments = selectors.partner_enrollments(membership=membership)
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "enrollments": selectors.enrollment_rows(page.object_list)}
    return _render(request, membership, "enrollments", "partners/enrollments.html", context)


# ------------------------------------------------------------------------------ lesson questions
@require_GET
@workspace(Action.ANSWER_QUESTIONS)
def question_inbox(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Questions of the partner's courses that nobody answered yet, the longest waiting first."""
    questions = selectors.partner_unanswered_questions(membership=membership)
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, membership, "questions", "partners/questions.html", {"page": page})


# ------------------------------------------------------------------------------ campaigns
@require_GET
@workspace(Action.VIEW_CAMPAIGNS)
def campaign_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    partner = membership.partner
    rows = []
    for campaign in selectors.partner_campaigns_with_trail(partner=partner):
        # agreement_trail: the Prefetch's to_attr, unknown to the model's type.
        state = agreements.agreement_state(campaign=campaign, events=campaign.agreement_trail)  # type: ignore[attr-defined]
        row = selectors.campaign_partner_figures(campaign=campaign, partner=partner)
        rows.append({**row, "status": agreements.campaign_status_shown(campaign=campaign, state=state)})
    return _render(request, membership, "campaigns", "partners/campaigns.html", {"rows": rows})


@require_GET
@workspace(Action.VIEW_CAMPAIGNS)
def campaign_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    campaign = found(selectors.partner_campaign(partner=membership.partner, pk=pk))
    row = selectors.campaign_partner_figures(campaign=campaign, partner=membership.partner)
    agreement = agreements.agreement_state(campaign=campaign)
    context = {
        "row": row, "agreement": agreement, "own_side": agreement.side_of(membership.partner),
        "status": agreements.campaign_status_shown(campaign=campaign, state=agreement),
    }  # fmt: skip
    return _render(request, membership, "campaigns", "partners/campaign_detail.html", context)


@require_POST
@workspace(Action.ACCEPT_TERMS)
def campaign_accept(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    campaign = found(selectors.partner_campaign(partner=membership.partner, pk=pk))
    try:
        agreements.campaign_terms_accept(actor=membership, campaign=campaign, digest=request.POST.get("digest", ""))
        messages.success(request, _("You accepted the campaign's terms for your side."))
    except NotPermitted:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("partners:campaign", pk=campaign.pk)


# ------------------------------------------------------------------------------ members
@require_http_methods(["GET", "POST"])
@workspace(Action.MANAGE_MEMBERS)
def member_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_invite(
                actor=membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The invitation is on its way to %(email)s.") % form.cleaned_data)
            return redirect("partners:members")
    partner = membership.partner
    context = {
        "form": form,
        "members": [(m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"))
                    for m in selectors.partner_members(partner=partner)],
        "invitations": selectors.partner_open_invitations(partner=partner),
    }  # fmt: skip
    return _render(request, membership, "members", "partners/members.html", context)


def _member(membership: Membership, pk: int) -> Membership:
    return found(selectors.partner_member(partner=membership.partner, pk=pk))


@require_POST
@workspace(Action.MANAGE_MEMBERS)
def member_set_role(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    member = _member(membership, pk)
    form = RoleForm(request.POST, prefix=f"m{member.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("partners:members")
    try:
        services.membership_set_role(actor=membership, membership=member, role=form.cleaned_data["role"])
        messages.success(request, _("The role was changed."))
    except NotPermitted:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("partners:members")


@require_POST
@workspace(Action.MANAGE_MEMBERS)
def member_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    member = _member(membership, pk)
    try:
        services.membership_remove(actor=membership, membership=member)
        messages.success(request, _("The member was removed."))
    except NotPermitted:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("partners:home" if member.pk == membership.pk else "partners:members")


# ------------------------------------------------------------------------------ API tokens
@never_cache  # the answer to a creation carries the secret: no cache keeps it
@require_http_methods(["GET", "POST"])
@workspace()
def token_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The member's own API tokens; a new one's secret is shown on this answer only."""
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = tokens.api_token_create(
                actor=membership,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    context = {"form": form, "secret": secret, "tokens": selectors.member_api_tokens(membership=membership)}
    return _render(request, membership, "tokens", "partners/tokens.html", context)


@require_POST
@workspace()
def token_revoke(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    if tokens.api_token_revoke(actor=membership, pk=pk) is None:
        raise Http404
    messages.success(request, _("The token was revoked: it opens nothing from now on."))
    return redirect("partners:tokens")


# ------------------------------------------------------------------------------ invitations
@require_http_methods(["GET", "POST"])
@login_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation e-mail: shows whom it invites, and accepts it for the signed-in user."""
    try:
        invitation = services.invitation_from_token(token=token)
    except ApplicationError as error:
        return render(request, "partners/invitation.html", {"error": error}, status=400)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request_user(request))
        except ApplicationError as error:
            context = {"error": error, "invitation": invitation}
            return render(request, "partners/invitation.html", context, status=error.status_code)
        request.session[SESSION_KEY] = str(membership.partner_id)
        messages.success(request, _("Welcome to %(partner)s's workspace.") % {"partner": membership.partner.name})
        return redirect("partners:home")
    return render(request, "partners/invitation.html", {"invitation": invitation})
