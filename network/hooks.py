"""What the network gives other apps: the terms awaiting someone's answer, for My work."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import mywork

from . import queries


@mywork.register
def proposals_work(user):
    """Terms proposed to the reader (for the TS: every pending proposal) that await an answer."""
    return [
        mywork.WorkItem(
            _("Proposed term to answer"),
            str(proposal),
            proposal.person.get_absolute_url(),
            detail=_("Proposed on %(date)s")
            % {"date": formats.date_format(timezone.localtime(proposal.created_at), "DATE_FORMAT")},
        )
        for proposal in queries.proposals_to_answer(user)
    ]
