"""Writes on what every domain shares: the settings of the network's official documents."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import access
from .audit import acting_as
from .models import DocumentSettings
from .uploads import check_upload

LOGO_KINDS = frozenset({"png", "jpg", "jpeg"})
LOGO_MAX_BYTES = 2 * 1024 * 1024


def assign(instance: models.Model, fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Set `fields` on `instance`, refusing — with the field's name, before anything is written — any
    field the service does not let its caller set. Every create/update service writes through this."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


def check_logo(file: UploadedFile) -> UploadedFile:
    """Check an uploaded logo: a real PNG or JPEG that Word documents can hold, at most 2 MB."""
    checked = check_upload(file, LOGO_KINDS, LOGO_MAX_BYTES)
    from docx.image.image import Image

    file.seek(0)
    try:
        Image.from_blob(file.read())
    except Exception:  # noqa: BLE001 - any image python-docx cannot read is refused, never a 500
        raise ValidationError(
            {"logo": _("%(file)s: this image cannot be read; save it again as PNG or JPEG.") % {"file": checked.name}}
        ) from None
    file.seek(0)
    file.name = checked.name
    return file


@transaction.atomic
def update_document_settings(
    *,
    acting_user: Any,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
    circular_reference: str | None = None,
) -> DocumentSettings:
    """Change the logo of the documents and the pattern of circular references (TS)."""
    row = DocumentSettings.current()
    access.require(acting_user, access.CHANGE, row)
    row = DocumentSettings.objects.select_for_update().get(pk=row.pk)
    old_logo = row.logo.name if row.logo else ""
    if circular_reference is not None:
        row.circular_reference = circular_reference.strip()
    if logo is not None:
        row.logo = check_logo(logo)
    elif remove_logo:
        row.logo = ""
    row.full_clean()
    with acting_as(acting_user):
        row.save()
    if old_logo and old_logo != (row.logo.name if row.logo else ""):
        storage = row.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return row
