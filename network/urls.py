from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("bodies/<slug:slug>/", views.body_detail, name="body"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_edit, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("contacts/", views.directory, name="contacts"),
    path("contacts/export.<str:fmt>", views.directory_export, name="contacts_export"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/vcard/", views.person_vcard, name="person_vcard"),
    path("people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("people/<int:person_pk>/terms/new/", views.appointment_edit, name="appointment_create"),
    path("people/<int:person_pk>/terms/<int:pk>/edit/", views.appointment_edit, name="appointment_edit"),
    path("proposed-terms/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    # The address it had when accounts served it: links in e-mails and bookmarks keep working.
    path("account/people/<int:person_pk>/sign-in-email/", views.set_sign_in_email, name="set_sign_in_email"),
]
