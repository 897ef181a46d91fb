from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from courses import selectors


class IsCourseManager(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return selectors.user_is_manager(request.user)


class CanRefundOrders(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user.is_authenticated and request.user.has_perm("courses.refund_order"))
