from django.urls import path

from . import views

app_name = "costing"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
]
