from django.urls import path

from . import views, views_awards

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
    # Award with approval (issue 12): proposed from the comparison, approved in procurement.
    path("rfqs/<int:pk>/award/propose/", views_awards.award_propose, name="award_propose"),
]
