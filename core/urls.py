"""The pages of what every domain shares that live under /documents/ (CoreConfig.url_prefix)."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("settings/", views.document_settings, name="document_settings"),
    path("logo", views.document_logo, name="document_logo"),
    path("prepared/<str:key>/", views.prepared, name="prepared"),
    path("prepared/<str:key>/file", views.prepared_file, name="prepared_file"),
]
