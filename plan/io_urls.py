"""URLs of the plan's downloads and tree import (added to plan/urls.py, inside its app_name "plan")."""

from django.urls import path

from . import io_views

urlpatterns = [
    path("<int:pk>/<int:year>/export.<str:fmt>", io_views.export, name="export"),
    path("<int:pk>/tree.<str:fmt>", io_views.tree_export, name="tree_export"),
    path("<int:pk>/import/", io_views.tree_import, name="tree_import"),
]
