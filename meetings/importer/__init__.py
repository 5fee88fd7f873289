"""Import a report (plain text or DOCX, English or Spanish) into what Enlace understands of it.

`parse_file(file)` checks the upload (core.uploads), reads its visible paragraphs, and returns
a ParsedReport; bad input raises ValidationError with a message naming the problem. Nothing
is written: `meetings.services.import_report` turns a ParsedReport into a draft meeting.
"""

from django.core.exceptions import ValidationError

from .directory import Actor, Directory
from .parser import NoAgreements, ParsedReport, Parser
from .reading import read_upload

__all__ = ["Actor", "Directory", "ParsedReport", "parse_file", "parse_paragraphs"]


def parse_paragraphs(paragraphs, directory=None):
    """Parse a report given as a list of paragraphs."""
    try:
        return Parser(directory or Directory.load()).parse(paragraphs)
    except NoAgreements as error:
        raise ValidationError(str(error), code="no_agreements") from None


def parse_file(file, name=None, directory=None):
    """Check and parse an uploaded or opened file (TXT or DOCX)."""
    paragraphs, _text = read_upload(file, name)
    return parse_paragraphs(paragraphs, directory)
