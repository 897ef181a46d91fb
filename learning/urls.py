from django.urls import path

from . import assignment_views, poster_views, qa_views, views

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
    path("learn/lessons/<int:lesson_id>/questions/", qa_views.question_ask, name="question-ask"),
    path("learn/questions/<int:question_id>/answers/", qa_views.answer_post, name="answer-post"),
    path("learn/questions/<int:question_id>/follow/", qa_views.question_follow, name="question-follow"),
    path("learn/answers/<int:answer_id>/accept/", qa_views.answer_accept, name="answer-accept"),
    path("learn/questions/<int:pk>/hide/", qa_views.post_hide, {"kind": "question"}, name="question-hide"),
    path("learn/answers/<int:pk>/hide/", qa_views.post_hide, {"kind": "answer"}, name="answer-hide"),
    path("learn/questions/<int:pk>/report/", qa_views.post_report, {"kind": "question"}, name="question-report"),
    path("learn/answers/<int:pk>/report/", qa_views.post_report, {"kind": "answer"}, name="answer-report"),
    path("unsubscribe/<str:token>/", qa_views.unsubscribe, name="unsubscribe"),
]

# Art assignments: views of their own module, so that this list is the only shared line.
urlpatterns += [
    path("learn/lessons/<int:lesson_id>/assignment/", assignment_views.assignment_page, name="assignment"),
    path("learn/submissions/<int:pk>/gallery/", assignment_views.submission_publish, name="submission-publish"),
    path("learn/artwork/<int:pk>/<str:kind>/", assignment_views.own_image, name="artwork-own"),
    path("gallery/artwork/<int:pk>/<str:kind>/", assignment_views.gallery_image, name="artwork-gallery"),
    path("learn/clips/<int:pk>/<str:kind>/", assignment_views.own_clip, name="clip-own"),
]

# Share posters of works in the gallery.
urlpatterns += [
    path("learn/submissions/<int:pk>/poster/", poster_views.poster_page, name="poster"),
    path("learn/posters/<int:pk>.jpg", poster_views.poster_file, name="poster-file"),
]
