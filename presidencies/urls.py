from django.urls import path

from . import views

app_name = "presidencies"

urlpatterns = [
    path("", views.presidency_list, name="list"),
    path("<int:pk>/handover/", views.handover, name="handover"),
    path("<int:pk>/handover.docx", views.handover_docx, name="handover_docx"),
    path("<int:pk>/handover.pdf", views.handover_docx, {"fmt": "pdf"}, name="handover_pdf"),
    path("<int:pk>/handover/keeps/<int:keep_pk>/withdraw/", views.keep_withdraw, name="keep_withdraw"),
]
