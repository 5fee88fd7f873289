"""Every schema of the API has a name of its own: OpenAPI keys components by name, and two
schemas sharing one would make the document describe one response with the other's shape."""

import importlib
import inspect
import pkgutil

from django.conf import settings
from ninja import Schema

from config.api import api

API_MODULES = ("api", "hsda")


def project_schemas():
    for app in settings.PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.iter_modules(package.__path__):
            if info.name in API_MODULES:
                module = importlib.import_module(f"{app}.{info.name}")
                for value in vars(module).values():
                    if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                        yield value


def test_no_two_api_schemas_share_a_name():
    seen, clashes = {}, []
    for schema in project_schemas():
        other = seen.setdefault(schema.__name__, schema)
        if other is not schema:
            clashes.append(f"{schema.__name__}: {other.__module__} and {schema.__module__}")
    assert len(seen) > 50
    assert not clashes, "schemas sharing a name:\n" + "\n".join(clashes)


def test_the_openapi_document_builds():
    assert api.get_openapi_schema()["components"]["schemas"]
