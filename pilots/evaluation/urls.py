"""Scorecards, decisions and alerts (the evaluation work); included by `pilots.urls`."""

from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path(
        "alerts/<str:alert_id>/acknowledge/",
        views.alert_acknowledge_view,
        name="alert_acknowledge",
    ),
    path("<int:pk>/scorecards/", views.scorecard_list, name="scorecard_list"),
    path("<int:pk>/scorecards/<int:day>/", views.scorecard_detail, name="scorecard_detail"),
    path("<int:pk>/scorecards/<int:day>/pdf/", views.scorecard_pdf, name="scorecard_pdf"),
    path("<int:pk>/decision/", views.pilot_decide, name="pilot_decide"),
    path("<int:pk>/exit-evaluation/", views.pilot_exit_evaluation, name="pilot_exit_evaluation"),
]
