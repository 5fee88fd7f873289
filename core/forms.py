"""Helpers shared by forms of every domain."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form: on its fields where they exist, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                messages = item.messages if hasattr(item, "messages") else [str(item)]
                for message in messages:
                    if target is None and field != NON_FIELD_ERRORS:
                        message = f"{field}: {message}"
                    form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
