from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from platform_site.exceptions import ApplicationError

from . import services
from .models import Course, Enrollment, Lesson, Order, OrderAdjustment, Partner, Payment

T = TypeVar("T", bound=Model)


def apply_service(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    objects: QuerySet[T],
    service: Callable[[T], object],
    done: Callable[[int], str],
) -> None:
    """Run an admin action's service on each object; report refusals one by one, successes once."""
    succeeded = 0
    for obj in objects:
        try:
            service(obj)
            succeeded += 1
        except ApplicationError as error:
            model_admin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if succeeded:
        model_admin.message_user(request, done(succeeded), messages.SUCCESS)


def add_field_errors(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a service's per-field refusal beside its fields on an admin form (on the form where none fits)."""
    fields = error.extra.get("fields") or {None: [error.message]}
    for field, errors in fields.items():
        form.add_error(field if field in form.fields else None, errors)


def service_checked_form(check: Callable[[dict], None]) -> type[forms.ModelForm]:
    """A ModelForm whose clean() runs a service's check on the cleaned data, errors at their fields."""

    class ServiceCheckedForm(forms.ModelForm):
        def clean(self) -> dict:
            super().clean()
            data = self.cleaned_data
            try:
                check(data)
            except ApplicationError as error:
                add_field_errors(self, error)
            return data

    return ServiceCheckedForm


class ServiceSavedAdmin(admin.ModelAdmin):
    """An admin that writes through the app's services, as the API does.

    `service_create(data)` and `service_update(obj, data)` get the form's cleaned data, relations
    included; the service checks and saves (and fires its hooks). The admin then goes on with the
    instance it built, because its inlines hang on that one.
    """

    def service_create(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def service_update(self, obj: Any, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Model, form: forms.ModelForm, change: bool) -> None:
        data = dict(form.cleaned_data)
        if change:
            # A fresh copy: the form has already written its values onto `obj`, and a service that
            # reacts to what changed (a course's text) must see the stored values first.
            saved = self.service_update(type(obj)._default_manager.get(pk=obj.pk), data)
        else:
            saved = self.service_create(data)
        obj.__dict__.update(saved.__dict__)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        # The service set the many-to-many fields already; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def guarded(model_admin: admin.ModelAdmin, view: Callable[[HttpRequest, int], HttpResponseBase]) -> Callable:
    """Wrap an extra admin page: admin login, then the model's view permission, as its change list."""

    def wrapped(request: HttpRequest, pk: int) -> HttpResponseBase:
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        return view(request, pk)

    return model_admin.admin_site.admin_view(wrapped)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "kind", "commission_rate", "website"]
    list_filter = ["kind"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0
    ordering = ["position"]
    fields = [
        ("position", "kind", "is_required", "is_free_preview", "duration_minutes"),
        ("title_zh", "title_en"), "body_zh", "body_en",
    ]  # fmt: skip


@admin.register(Course)
class CourseAdmin(ServiceSavedAdmin):
    list_display = ["title_zh", "title_en", "track", "level", "price", "currency", "status", "published_at"]
    list_filter = ["status", "track", "level", "language", "partners"]
    search_fields = ["title_zh", "title_en", "slug", "description_zh", "description_en"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["partners"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at"]
    inlines = [LessonInline]
    actions = ["publish", "archive"]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return super().get_queryset(request).prefetch_related("partners")

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        if "slug" in form.base_fields:
            # Left empty, the course service derives it (a Chinese manager may give no English title).
            form.base_fields["slug"].required = False
            form.base_fields["slug"].help_text = _("Leave empty to derive it from the English title.")
        return form

    def service_create(self, data: dict[str, Any]) -> Course:
        return services.course_create(partners=list(data.pop("partners")), **data)

    def service_update(self, obj: Course, data: dict[str, Any]) -> Course:
        return services.course_update(course=obj, partners=list(data.pop("partners")), **data)

    @admin.action(description=_("Publish selected courses"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        apply_service(
            self, request, queryset, lambda course: services.course_publish(course=course),
            lambda n: ngettext("%d course published.", "%d courses published.", n) % n,
        )  # fmt: skip

    @admin.action(description=_("Archive selected courses"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        apply_service(
            self, request, queryset, lambda course: services.course_archive(course=course),
            lambda n: ngettext("%d course archived.", "%d courses archived.", n) % n,
        )  # fmt: skip


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records change only through services (payment callbacks, refunds), never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PaymentInline(admin.StackedInline):
    model = Payment
    can_delete = False
    readonly_fields = ["provider", "reference", "amount", "currency", "created_at", "refund_reference", "refunded_at"]
    exclude = ["payload"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderAdjustmentInline(admin.TabularInline):
    """The order's price breakdown, as it was priced: read-only."""

    model = OrderAdjustment
    can_delete = False
    fields = ("kind_label", "code", "amount")
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("kind"))
    def kind_label(self, line: OrderAdjustment) -> str:
        """The kind's name in the manager's language, not its code ("优惠券", not "coupon")."""
        return str(line.label)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "learner", "course", "amount", "currency", "status", "created_at", "paid_at"]
    list_filter = ["status", "provider", "created_at"]
    search_fields = ["number", "learner__username", "learner__email", "course__title_zh", "course__title_en"]
    list_select_related = ["learner", "course"]
    date_hierarchy = "created_at"
    inlines = [OrderAdjustmentInline, PaymentInline]
    actions = ["refund"]

    @admin.action(description=_("Refund selected paid orders"), permissions=["refund"])
    def refund(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        apply_service(
            self, request, queryset, lambda order: services.order_refund(order=order),
            lambda n: ngettext("%d order refunded.", "%d orders refunded.", n) % n,
        )  # fmt: skip

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("courses.refund_order")


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["learner", "course", "status", "created_at", "revoked_at"]
    list_filter = ["status"]
    search_fields = ["learner__username", "learner__email", "course__title_zh", "course__title_en"]
    list_select_related = ["learner", "course"]


def yes_no_icon(value: bool) -> str:
    """A yes/no column's icon. Django's own boolean column writes alt="True"/"False", untranslated."""
    icon = static(f"admin/img/icon-{'yes' if value else 'no'}.svg")
    return format_html('<img src="{}" alt="{}">', icon, _("yes") if value else _("no"))


# Lessons have their own page too: attachments, subtitles and media uploads (courses/media/admin.py).
from .media import admin as media_admin  # noqa: E402, F401
