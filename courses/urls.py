from django.urls import path

from . import views
from .media import views as media_views

app_name = "courses"

urlpatterns = [
    path("courses/", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course_detail, name="detail"),
    path("courses/<slug:slug>/cover/<str:language>.png", views.course_cover, name="cover"),
    path("courses/<slug:slug>/buy/", views.buy, name="buy"),
    path("courses/<slug:slug>/price/", views.checkout_preview, name="checkout-preview"),
    path("courses/<slug:slug>/lessons/<int:position>/", views.lesson_detail, name="lesson"),
    path("courses/<slug:slug>/lessons/<int:position>/media/", media_views.media_urls, name="lesson-media-urls"),
    path("learn/media/<str:token>/", media_views.media_file, name="media"),
    path("me/", views.my_learning, name="my-learning"),
    path("orders/<uuid:number>/cancel/", views.order_cancel, name="order-cancel"),
    path("orders/<uuid:number>/pay/", views.order_pay, name="order-pay"),
    path("pay/sandbox/return/", views.sandbox_return, name="sandbox-return"),
    path("pay/sandbox/notify/", views.sandbox_notify, name="sandbox-notify"),
    path("pay/sandbox/<uuid:number>/", views.sandbox_gateway, name="sandbox-gateway"),
]
