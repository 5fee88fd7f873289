from django.urls import path

from . import hsda, views

app_name = "directory"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/data.json", views.map_data, name="map_data"),
    path("map/borders.geojson", views.borders_geojson, name="borders"),
    path("map/export.<str:fmt>", views.export, name="export"),
    path("map/hsds.<str:fmt>", views.hsds_download, name="hsds_download"),
    path("map/services/<uuid:pk>/", views.service_detail, name="service"),
    path("map/services/<uuid:pk>/edit/", views.service_edit, name="service_edit"),
    path("map/services/<uuid:pk>/verify/", views.service_verify, name="service_verify"),
    path("map/services/<uuid:pk>/publish/", views.service_publish, name="service_publish"),
    path("map/changes/<int:pk>/", views.edit_review, name="edit_review"),
    path("map/changes/<int:pk>/decide/", views.edit_decide, name="edit_decide"),
    path("map/countries/<str:code>/review/", views.review, name="review"),
    path("map/countries/<str:code>/print/", views.print_directory, name="print"),
    *hsda.urlpatterns,
]
