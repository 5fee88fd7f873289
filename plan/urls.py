from django.urls import path

from . import views

app_name = "plan"

PLAN = "<int:pk>/"
YEAR = PLAN + "<int:year>/"
REPORT = YEAR + "reports/<str:code>/"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path(PLAN, views.plan_detail, name="plan"),
    path(PLAN + "nodes/<int:node_pk>/", views.node_detail, name="node"),
    path(YEAR, views.matrix, name="matrix"),
    path(REPORT, views.report_detail, name="report"),
    path(REPORT + "start/", views.report_start, name="report_start"),
    path(REPORT + "submit/", views.report_submit, name="report_submit"),
    path(REPORT + "from-last-year/", views.report_from_last_year, name="report_from_last_year"),
    path(REPORT + "approve/", views.report_review, {"decision": "approve"}, name="report_approve"),
    path(REPORT + "return/", views.report_review, {"decision": "return"}, name="report_return"),
    path(REPORT + "reopen/", views.report_review, {"decision": "reopen"}, name="report_reopen"),
    path(REPORT + "evidence/", views.evidence_add, name="evidence_add"),
    path(REPORT + "evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path(REPORT + "evidence/<int:evidence_pk>/remove/", views.evidence_remove, name="evidence_remove"),
]

from . import io_urls  # noqa: E402

urlpatterns += io_urls.urlpatterns
