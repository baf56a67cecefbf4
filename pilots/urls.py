from django.urls import path

from . import views

app_name = "pilots"

urlpatterns = [
    path("", views.pilot_list, name="pilot_list"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("mine/", views.vendor_pilot_list, name="vendor_pilot_list"),
]
