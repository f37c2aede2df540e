"""Source-analysis task pages."""

from django.urls import path

from courseware.views import analysis as views

urlpatterns = [
    path("classes/<int:pk>/analysis/", views.analysis_list, name="analysis-list"),
    path("classes/<int:pk>/analysis/new/", views.analysis_set, name="analysis-set"),
    path("assignments/<int:pk>/analysis/", views.analysis_write, name="analysis-write"),
    path("analysis/answers/<int:pk>/save/", views.analysis_save, name="analysis-save"),
    path("analysis/answers/<int:pk>/submit/", views.analysis_submit, name="analysis-submit"),
]
