from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.views import APIView

from courses import selectors
from platform_site.schema import AnonymousReads


class IsCourseManager(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return selectors.user_is_manager(request.user)


class CanRefundOrders(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user.is_authenticated and request.user.has_perm("courses.refund_order"))


class ReadOnlyOrModelPermissions(AnonymousReads, DjangoModelPermissions):
    """Anyone reads; writes need the model's add/change/delete permission.

    DRF's DjangoModelPermissionsOrAnonReadOnly builds the view's queryset on every request, reads
    included, only to learn the model; reads here skip that.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)
