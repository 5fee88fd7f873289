"""Meetings of the network's bodies, their reports to the RCGM, and the commitments in them."""

from .commitments import (  # noqa: F401 (the package answers for all its modules)
    CLOSED_STATUSES,
    DUE_PERIOD_RE,
    NO_DUE_DATE,
    OPEN_STATUSES,
    ActorKind,
    Commitment,
    CommitmentActor,
    CommitmentQuerySet,
    CommitmentStatus,
    CommitmentStatusChange,
    period_end,
    roll_up,
)
from .consultation import (  # noqa: F401 (the package answers for all its modules)
    ACTIVE_CONSULTATION,
    AmendmentAnswer,
    Consultation,
    ConsultationParty,
    ConsultationStatus,
    Position,
    Remark,
    RemarkKind,
)
from .intake import (  # noqa: F401 (the package answers for all its modules)
    CalendarFeed,
    Delegate,
    DelegateQuerySet,
    ImportJob,
    ImportStatus,
)
from .meeting import (  # noqa: F401 (the package answers for all its modules)
    AgendaItem,
    DocumentKind,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingQuerySet,
    MeetingStatus,
    Modality,
)
from .reports import (  # noqa: F401 (the package answers for all its modules)
    Agreement,
    AgreementKind,
    AgreementQuerySet,
    ApprovalBasis,
    Decision,
    ReportStatus,
    ReportVersion,
    ReportVersionQuerySet,
)
