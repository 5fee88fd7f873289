from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("<int:pk>/", views.practice_detail, name="practice"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("compilations/<int:pk>/", views.compilation_detail, name="compilation"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("resources/<int:pk>/file/", views.file_download, name="resource_file"),
]
