"""Signals other apps may subscribe to (the notifications app, later).

`commitment_assigned` is sent once a commitment with its actors is created or imported, after
the transaction commits: `sender=Commitment`, `commitment=…`, `actors=[CommitmentActor, …]`,
`acting_user=…`.
"""

from django.dispatch import Signal

commitment_assigned = Signal()
