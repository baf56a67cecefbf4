from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint_list"),
    path("new/", views.endpoint_create, name="endpoint_create"),
    path("<int:pk>/", views.endpoint_detail, name="endpoint_detail"),
    path("<int:pk>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path("<int:pk>/rotate-secret/", views.endpoint_rotate, name="endpoint_rotate"),
    path("deliveries/<int:pk>/replay/", views.delivery_replay, name="delivery_replay"),
]
