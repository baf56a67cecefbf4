from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("new/", views.contract_create, name="contract_create"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("<int:pk>/status/", views.contract_set_status, name="contract_set_status"),
    path("<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("<int:pk>/kpis/enter/", views.kpi_entry, name="kpi_entry"),
    path("<int:pk>/kpis/upload/", views.kpi_csv_upload, name="kpi_csv_upload"),
    path("<int:pk>/kpis/template.csv", views.kpi_csv_template, name="kpi_csv_template"),
    path("<int:pk>/kpis.csv", views.kpi_csv_export, name="kpi_csv_export"),
    path("<int:pk>/actions/<int:action_id>/toggle/", views.action_toggle, name="action_toggle"),
]
