from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("learn/lessons/<int:lesson_id>/progress/", views.progress_beacon, name="progress"),
    path("learn/lessons/<int:lesson_id>/done/", views.lesson_done, name="done"),
    path("learn/courses/<slug:slug>/certificate/", views.certificate_claim, name="certificate-claim"),
    path("learn/certificates/<str:serial>/pdf/", views.certificate_download, name="certificate-pdf"),
    path("certificates/<str:serial>/", views.certificate_verify, name="certificate-verify"),
    path("learn/courses/<slug:slug>/review/", views.review_edit, name="review-edit"),
    path("learn/reviews/<int:review_id>/helpful/", views.review_helpful, name="review-helpful"),
    path("learn/reviews/<int:review_id>/report/", views.review_report, name="review-report"),
]
