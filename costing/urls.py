from django.urls import path

from . import views

app_name = "costing"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("rfqs/<int:pk>/comparison/", views.comparison, name="comparison"),
    path(
        "rfqs/<int:pk>/comparison.xlsx",
        views.comparison_export_xlsx,
        name="comparison_xlsx",
    ),
    path("rfqs/<int:pk>/comparison.csv", views.comparison_export_csv, name="comparison_csv"),
]
