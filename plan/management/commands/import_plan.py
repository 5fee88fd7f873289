"""Import a plan's tree from an XLSX or CSV sheet (the TS's layout), or check it with --dry-run."""

import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.uploads import check_upload

from ...models import Plan
from ...tree_io import COLUMNS, FORMATS, MAX_BYTES, import_tree


class Command(BaseCommand):
    help = (
        "Replace a plan's tree with a sheet (XLSX or CSV) whose columns are: "
        + ", ".join(COLUMNS)
        + ". Nodes are matched by code; a sheet with any fault is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("path", help="The sheet (.xlsx or .csv).")
        parser.add_argument("--as", dest="as_email", required=True, help="E-mail of the TS member importing.")
        parser.add_argument("--dry-run", action="store_true", help="Check the sheet and count changes; write nothing.")

    def handle(self, *args, plan_id, path, as_email, dry_run=False, **options):
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"Unknown plan: {plan_id}.")
        if not os.path.isfile(path):
            raise CommandError(f"{path}: no such file.")
        fmt = os.path.splitext(path)[1].lower().lstrip(".")
        user = User.objects.filter(email__iexact=as_email).first()
        if user is None:
            raise CommandError(f"No account with the e-mail {as_email}.")
        with open(path, "rb") as handle:
            sheet = File(handle, name=os.path.basename(path))
            try:
                check_upload(sheet, kinds=FORMATS, max_bytes=MAX_BYTES)  # the check every upload point makes
                result = import_tree(plan, sheet, fmt, acting_user=user, dry_run=dry_run)
            except ValidationError as error:
                lines = "\n".join(f"  - {message}" for message in error.messages)
                raise CommandError(
                    f"{path} was not imported ({len(error.messages)} problem(s)); nothing was written:\n{lines}"
                ) from None
            except PermissionDenied:
                raise CommandError(
                    f"{user.email} may not change the plan: only the Technical Secretariat may."
                ) from None
        summary = (
            f"{len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.deleted)} deleted, {result.unchanged} unchanged"
        )
        prefix = "Dry run, nothing written: " if dry_run else f"Plan {plan.pk} “{plan}”: "
        self.stdout.write(prefix + summary + ".")
        for label, codes in (("created", result.created), ("updated", result.updated), ("deleted", result.deleted)):
            if codes:
                self.stdout.write(f"  {label}: {', '.join(codes)}")
