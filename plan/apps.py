from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class PlanConfig(EnlaceAppConfig):
    default = True
    name = "plan"
    verbose_name = _("Strategic plan")
    url_prefix = "plan/"
    nav = (NavItem(_("Strategic plan"), "plan:list", "member", order=45),)

    def main_pages(self):
        from .models import FollowUpReport, Node, Plan, ReportStatus, Scope

        pages = [{"name": "plans", "path": "/plan/", "audience": "member"}]
        plan = Plan.objects.filter(is_demo=True).order_by("pk").first() or Plan.objects.order_by("pk").first()
        if plan is None:
            return pages
        base = f"/plan/{plan.pk}"
        pages.append({"name": "plan-tree", "path": f"{base}/", "audience": "member"})
        node = (
            Node.objects.filter(plan=plan, scope=Scope.NATIONAL, indicators__isnull=False).order_by("position").first()
            or Node.objects.filter(plan=plan, scope=Scope.NATIONAL).order_by("position").first()
            or Node.objects.filter(plan=plan).order_by("position").first()
        )
        if node is not None:
            pages.append({"name": "node", "path": f"{base}/nodes/{node.pk}/", "audience": "member"})
        reports = FollowUpReport.objects.filter(plan=plan)
        latest = reports.filter(status=ReportStatus.APPROVED).order_by("-year").values_list("year", flat=True).first()
        year = latest or reports.order_by("-year").values_list("year", flat=True).first() or plan.start_year
        pages.append({"name": "matrix", "path": f"{base}/{year}/", "audience": "member"})
        # The gates sign in as Guatemala's officer: its own report (the form when it is open), else an approved one.
        report = (
            reports.filter(country__code="GT").order_by("-year").first()
            or reports.filter(status=ReportStatus.APPROVED).order_by("-year").first()
        )
        if report is not None:
            code = report.country.code.code.lower() if report.country_id else "regional"
            pages.append({"name": "report", "path": f"{base}/{report.year}/reports/{code}/", "audience": "member"})
        return pages

    def ready(self):
        from core.audit import track

        from . import access, models, mywork  # noqa: F401  (register the access policies and My work)

        track(models.Plan, exclude=("created_at",))
        track(models.Node)
        track(models.Indicator)
        track(models.IndicatorValue, exclude=("entered_at",))
        track(models.FollowUpReport, exclude=("updated_at", "created_at"))
        track(models.FollowUpLine, exclude=("updated_at",))
        track(models.Evidence, exclude=("added_at",))
        track(models.ReportEvent, exclude=("at",))
