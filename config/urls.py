import importlib.util

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views
from core import operations
from core import views as core_views
from core.apps import project_apps

from .api import api

admin.site.site_header = "Enlace"
admin.site.site_title = "Enlace"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("metrics", operations.metrics, name="metrics"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("search/", core_views.search, name="search"),
    # allauth's e-mail management would change the sign-in address unconfirmed: ours confirms it.
    path("accounts/email/", RedirectView.as_view(pattern_name="accounts:email"), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# Each domain app declares where its pages live (EnlaceAppConfig.url_prefix).
for app in project_apps():
    if app.url_prefix is not None and importlib.util.find_spec(f"{app.name}.urls"):
        urlpatterns.append(path(app.url_prefix, include(f"{app.name}.urls")))

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
