from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import DjangoModelPermissions


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ModelPermissionsWithView(DjangoModelPermissions):
    """DjangoModelPermissions that also guards reads: GET needs the model's view permission."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }
