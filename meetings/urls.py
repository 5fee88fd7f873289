from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.meeting_calendar, name="calendar"),
    path("calendar/feeds/", views.feeds, name="feeds"),
    path("calendar/<str:key>.ics", views.ical_feed, name="ical"),
    path("new/", views.meeting_edit, name="create"),
    path("import/", views.import_upload, name="import"),
    path("follow-up/", views.board, name="board"),
    path("rcgm-pack/", views.rcgm_pack, name="pack"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/versions/<int:number>/", views.meeting_detail, name="version"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/publish/", views.meeting_publish, name="publish"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/translation/", views.translation_upload, name="translation"),
    path("<int:pk>/agenda/new/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("<int:pk>/report/", views.report_editor, name="editor"),
    path("<int:pk>/report/start/", views.report_start, name="report_start"),
    path("<int:pk>/report/correct/", views.report_correct, name="report_correct"),
    path("<int:pk>/report/agreements/new/", views.agreement_add, name="agreement_add"),
    path("<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:pk>/report/print/", views.report_print, name="report_print"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/text/", views.report_text, name="report_text"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/move/", views.agreement_move, name="agreement_move"),
    path("agreements/<int:pk>/delete/", views.agreement_delete, name="agreement_delete"),
    path("agreements/<int:pk>/decision/", views.agreement_decision, name="agreement_decision"),
    path("agreements/<int:agreement_pk>/commitments/new/", views.commitment_edit, name="commitment_create"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/delete/", views.commitment_delete, name="commitment_delete"),
    path("commitments/<int:pk>/evidence/", views.evidence_download, name="evidence"),
    path("commitments/<int:pk>/evidence/<int:change_pk>/", views.evidence_download, name="change_evidence"),
]
