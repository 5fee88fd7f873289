from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.practice_edit, name="practice_create"),
    path("<int:pk>/", views.practice_detail, name="practice"),
    path("<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("<int:pk>/delete/", views.practice_delete, name="practice_delete"),
    path("<int:pk>/files/", views.practice_file_add, name="practice_file_add"),
    path("<int:pk>/versions/<int:number>/", views.practice_version, name="practice_version"),
    path("<int:pk>/<slug:step>/", views.practice_step, name="practice_step"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("files/<int:pk>/remove/", views.practice_file_remove, name="file_remove"),
    path("resources/new/", views.resource_edit, name="resource_create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/file/", views.resource_file, name="resource_file"),
    path("resources/<int:pk>/<slug:step>/", views.resource_step, name="resource_step"),
    path("calls/", views.call_list, name="calls"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/compilation.docx", views.call_compilation, name="call_compilation"),
    path("calls/<int:pk>/compilation.pdf", views.call_compilation, {"fmt": "pdf"}, name="call_compilation_pdf"),
    path("compilations/new/", views.compilation_create, name="compilation_create"),
    path("compilations/<int:pk>/", views.compilation_detail, name="compilation"),
    path("compilations/<int:pk>/document.docx", views.compilation_document, name="compilation_document"),
    path(
        "compilations/<int:pk>/document.pdf",
        views.compilation_document,
        {"fmt": "pdf"},
        name="compilation_document_pdf",
    ),
]
