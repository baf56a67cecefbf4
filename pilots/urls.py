from django.urls import include, path

from . import views

app_name = "pilots"

urlpatterns = [
    path("", views.pilot_list, name="pilot_list"),
    path("mine/", views.vendor_pilot_list, name="vendor_pilot_list"),
    path("", include("pilots.urls_evaluation")),
]
