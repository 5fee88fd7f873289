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
    path(REPORT, views.report_detail, name="report"),
]
