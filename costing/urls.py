from django.urls import path

from . import views

app_name = "costing"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    # Placeholder from the procurement branch so the RFQ page can link to it; the costing
    # branch provides the real comparison page under the same name.
    path("rfqs/<int:pk>/comparison/", views.comparison, name="comparison"),
]
