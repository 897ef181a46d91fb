from django.urls import path

from . import assignment_views, lesson_views, moderation_views, views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("switch/", views.switch, name="switch"),
    path("courses/", views.course_list, name="courses"),
    path("courses/new/", views.course_create, name="course-create"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course-edit"),
    path("courses/<int:pk>/lessons/", lesson_views.lesson_list, name="lessons"),
    path("courses/<int:pk>/lessons/new/", lesson_views.lesson_create, name="lesson-create"),
    path("courses/<int:pk>/publish/", lesson_views.course_publish, name="course-publish"),
    path("courses/<int:pk>/instructors/", lesson_views.course_instructors, name="course-instructors"),
    path("lessons/<int:pk>/edit/", lesson_views.lesson_edit, name="lesson-edit"),
    path("lessons/<int:pk>/media/", lesson_views.lesson_media, name="lesson-media"),
    path("lessons/<int:pk>/move/", lesson_views.lesson_move, name="lesson-move"),
    path("lessons/<int:pk>/delete/", lesson_views.lesson_delete, name="lesson-delete"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("enrollments/", views.enrollment_list, name="enrollments"),
    path("questions/", views.question_inbox, name="questions"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/accept/", views.campaign_accept, name="campaign-accept"),
    path("statements/", views.statement_list, name="statements"),
    path("statements/<int:pk>.csv", views.statement_csv, name="statement-csv"),
    path("statements/<int:pk>.pdf", views.statement_pdf, name="statement-pdf"),
    path("members/", views.member_list, name="members"),
    path("members/<int:pk>/role/", views.member_set_role, name="member-role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("submissions/", assignment_views.submission_queue, name="submissions"),
    path("submissions/<int:pk>/", assignment_views.submission_review, name="submission"),
    path("artwork/<int:pk>/<str:kind>/", assignment_views.submission_image, name="artwork"),
    path("reviews/", moderation_views.review_list, name="reviews"),
    path("reviews/<int:pk>/answer/", moderation_views.review_answer, name="review-answer"),
    path("reports/", moderation_views.report_queue, name="reports"),
    path("moderate/<str:kind>/<int:pk>/", moderation_views.moderate, name="moderate"),
]
