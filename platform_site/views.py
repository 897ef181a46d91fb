from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """A constant answer: load balancers' probe, and the framework floor in benchmarks."""
    return JsonResponse({"status": "ok"})
