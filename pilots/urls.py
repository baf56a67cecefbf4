from django.urls import include, path

from . import views

app_name = "pilots"

urlpatterns = [
    path("", views.pilot_list, name="pilot_list"),
    path("mine/", views.vendor_pilot_list, name="vendor_pilot_list"),
    path("new/", views.pilot_create, name="pilot_create"),
    path("<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("<int:pk>/kpis/enter/", views.kpi_entry, name="kpi_entry"),
    path("<int:pk>/kpis/upload/", views.kpi_csv_upload, name="kpi_csv_upload"),
    path("<int:pk>/kpis/template.csv", views.kpi_csv_template, name="kpi_csv_template"),
    path("<int:pk>/kpis.csv", views.kpi_csv_export, name="kpi_csv_export"),
    path("<int:pk>/kpis/<str:day>/", views.kpi_day, name="kpi_day"),
    path("", include("pilots.evaluation.urls")),
]
