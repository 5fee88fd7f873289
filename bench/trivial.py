"""The floor of bench.pages: a trivial Django page (one query, a small template) served the same way as Enlace.

gunicorn runs it with `DJANGO_SETTINGS_MODULE=bench.trivial` and `bench.trivial:application`, on
the same database (DATABASE_URL), with Django's default middleware.
"""

import os

import dj_database_url
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.urls import path

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-trivial-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.trivial"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "OPTIONS": {"loaders": []}}]
USE_TZ = True

PAGE = """<!doctype html><html lang="es"><head><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><p>{{ count }} migrations applied.</p></main></body></html>"""


def page(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        count = cursor.fetchone()[0]
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"title": "Trivial", "count": count}, request))


urlpatterns = [path("", page)]

if os.environ.get("DJANGO_SETTINGS_MODULE") == "bench.trivial":
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
