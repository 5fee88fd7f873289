from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("preferences/", views.preferences, name="preferences"),
    path("email/", views.sign_in_email, name="email"),
    path("email/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
]
