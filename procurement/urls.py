from django.urls import path

from . import views

app_name = "procurement"

urlpatterns = [
    path("rfqs/", views.rfq_list, name="rfq_list"),
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("portal/", views.portal, name="portal"),
]
