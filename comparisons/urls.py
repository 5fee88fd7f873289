from django.urls import path

from . import views

app_name = "comparisons"

ROUND = "<int:pk>/rounds/<int:number>/"
COUNTRY = ROUND + "countries/<str:code>/"

urlpatterns = [
    path("", views.analysis_list, name="list"),
    path("new/", views.analysis_edit, name="create"),
    path("<int:pk>/", views.analysis_detail, name="analysis"),
    path("<int:pk>/edit/", views.analysis_edit, name="edit"),
    path("<int:pk>/leads/", views.analysis_leads, name="leads"),
    path("<int:pk>/matrix/", views.latest_matrix, name="latest"),
    path("<int:pk>/framework/", views.framework, name="framework"),
    path("<int:pk>/framework/sections/new/", views.section_edit, name="section_create"),
    path("<int:pk>/framework/sections/<int:section_pk>/edit/", views.section_edit, name="section_edit"),
    path("<int:pk>/framework/sections/<int:section_pk>/remove/", views.section_remove, name="section_remove"),
    path("<int:pk>/framework/questions/new/", views.question_edit, name="question_create"),
    path("<int:pk>/framework/questions/<int:question_pk>/edit/", views.question_edit, name="question_edit"),
    path("<int:pk>/framework/questions/<int:question_pk>/remove/", views.question_remove, name="question_remove"),
    path("<int:pk>/questions/<int:question_pk>/", views.question_latest, name="question_latest"),
    path("<int:pk>/rounds/new/", views.round_start, name="round_start"),
    path(ROUND, views.matrix, name="matrix"),
    path(ROUND + "close/", views.round_close, name="round_close"),
    path(ROUND + "changes/", views.round_changes, name="changes"),
    path(ROUND + "export.<str:fmt>", views.export, name="export"),
    path(ROUND + "questions/<int:question_pk>/", views.question_detail, name="question"),
    path(COUNTRY, views.country_profile, name="country"),
    path(COUNTRY + "answer/", views.column_answer, name="answer"),
    path(COUNTRY + "confirm/", views.column_confirm, name="confirm"),
    path(COUNTRY + "submit/", views.column_submit, name="submit"),
    path(COUNTRY + "return/", views.column_review, {"decision": "return"}, name="return"),
    path(COUNTRY + "validate/", views.column_review, {"decision": "validate"}, name="validate"),
]
