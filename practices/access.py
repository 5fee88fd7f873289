"""Access rules for the repository (registered with core.access).

- Published practices and resources are public (their published version).
- The working copy (drafts, submissions, returned items, unpublished changes) is seen by its
  author, the staff of the submitting organization, the liaison officers of the submitting
  country, the TS, and reviewers named for it.
- The TS reviews and publishes; so do reviewers the TS names with a "review" grant on a call,
  a compilation or one record (for example IOM staff compiling a call's answers). Drafts stay
  with their authors until submitted.
- Calls for practices are public; who answered them is for network members. The TS opens calls
  and compilations.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.access import CHANGE, DELETE, VIEW, Policy, ThroughParent, TSOnly, register, register_policy
from core.models import GrantPermission

from .models import (
    EDITABLE_STATUSES,
    Axis,
    Call,
    Compilation,
    FacetBit,
    Practice,
    PracticeFile,
    Resource,
    ReviewEvent,
    SearchEntry,
    SearchText,
    Status,
    Theme,
    Version,
)

SUBMIT = "submit"
REVIEW = "review"
VIEW_WORKING = "view_working"
VIEW_CONTACT = "view_contact"
VIEW_TRACKING = "view_tracking"
COMPILE = "compile"
WITHDRAW = "withdraw"
VIEW_HISTORY = "view_history"


def reviewable_scope(p):
    """Return (call ids, practice ids, resource ids) that the principal was named to review."""
    if not p.grants:
        return set(), set(), set()
    types = ContentType.objects.get_for_models(Call, Compilation, Practice, Resource)
    # Grant keys are integers or, once core stores any record's key, text: read both.
    by_model = {
        model: {
            int(oid)
            for (ct, oid, perm) in p.grants
            if ct == types[model].pk and perm == GrantPermission.REVIEW and str(oid).isdigit()
        }
        for model in types
    }
    calls = set(by_model[Call])
    practices = set(by_model[Practice])
    if by_model[Compilation]:
        compilations = Compilation.objects.filter(pk__in=by_model[Compilation])
        calls |= {call_id for call_id in compilations.values_list("call_id", flat=True) if call_id}
        practices |= set(
            Compilation.practices.through.objects.filter(compilation_id__in=by_model[Compilation]).values_list(
                "practice_id", flat=True
            )
        )
    return calls, practices, set(by_model[Resource])


def is_contributor(p, obj):
    """Author, staff of the submitting organization, or officer of the submitting country."""
    if p.user_id is not None and obj.created_by_id == p.user_id:
        return True
    if obj.submitting_organization_id and obj.submitting_organization_id in p.organizations:
        return True
    return bool(obj.submitting_country_id and obj.submitting_country_id in p.officer_countries)


def is_reviewer(p, obj):
    if p.is_ts:
        return True
    calls, practices, resources = reviewable_scope(p)
    if isinstance(obj, Practice):
        return obj.pk in practices or (obj.call_id is not None and obj.call_id in calls)
    return obj.pk in resources


class ReviewablePolicy(Policy):
    """Practices and resources: public once published; the working copy for its contributors."""

    def can(self, p, action, obj):
        if action == VIEW:
            return obj.is_published or self.can(p, VIEW_WORKING, obj)
        if action == VIEW_WORKING:
            if p.is_ts or is_contributor(p, obj):
                return True
            return obj.status != Status.DRAFT and is_reviewer(p, obj)
        if action == VIEW_CONTACT:
            return p.is_member
        if action == CHANGE:
            return obj.status in EDITABLE_STATUSES and (p.is_ts or is_contributor(p, obj))
        if action == SUBMIT:
            return obj.status in (Status.DRAFT, Status.RETURNED) and (p.is_ts or is_contributor(p, obj))
        if action == REVIEW:
            return obj.status in (Status.SUBMITTED, Status.IN_REVIEW) and is_reviewer(p, obj)
        if action == DELETE:
            return not obj.is_published and obj.status == Status.DRAFT and (p.is_ts or is_contributor(p, obj))
        if action == WITHDRAW:
            return p.is_ts and obj.is_published
        if action == VIEW_HISTORY:
            return p.is_ts
        return False

    def can_create(self, p, **context):
        return p.is_member

    def contributor_q(self, p):
        q = Q(pk__in=[])
        if p.user_id is not None:
            q |= Q(created_by_id=p.user_id)
        if p.organizations:
            q |= Q(submitting_organization_id__in=p.organizations)
        if p.officer_countries:
            q |= Q(submitting_country_id__in=p.officer_countries)
        return q

    def working_q(self, p, model):
        """Filter for the records whose working copy `p` may see."""
        if p.is_ts:
            return Q()
        q = self.contributor_q(p)
        calls, practices, resources = reviewable_scope(p)
        submitted = ~Q(status=Status.DRAFT)
        if model is Practice and (calls or practices):
            q |= submitted & (Q(call_id__in=calls) | Q(pk__in=practices))
        if model is Resource and resources:
            q |= submitted & Q(pk__in=resources)
        return q

    def restrict(self, queryset, p, action):
        if action == VIEW:
            if p.is_ts:
                return queryset
            return queryset.filter(Q(published_version__isnull=False) | self.working_q(p, queryset.model))
        if action == VIEW_WORKING:
            return queryset.filter(self.working_q(p, queryset.model))
        if action == CHANGE:
            if p.is_ts:
                return queryset.filter(status__in=EDITABLE_STATUSES)
            return queryset.filter(self.contributor_q(p), status__in=EDITABLE_STATUSES)
        if action == REVIEW:
            pending = Q(status__in=(Status.SUBMITTED, Status.IN_REVIEW))
            if p.is_ts:
                return queryset.filter(pending)
            calls, practices, resources = reviewable_scope(p)
            if queryset.model is Practice:
                return queryset.filter(pending, Q(call_id__in=calls) | Q(pk__in=practices))
            return queryset.filter(pending, pk__in=resources)
        return queryset.none()


register(Practice)(ReviewablePolicy)
register(Resource)(ReviewablePolicy)


@register(SearchEntry)
class SearchEntryPolicy(Policy):
    """Search entries follow their records: public when published, else the working copy's readers."""

    def can(self, p, action, obj):
        return action == VIEW and (obj.is_public or obj.pk in self.restrict(SearchEntry.objects.all(), p, VIEW))

    def can_create(self, p, **context):
        return False

    def restrict(self, queryset, p, action):
        if action != VIEW:
            return queryset.none()
        if p.is_ts:
            return queryset
        q = Q(is_public=True)
        if p.user_id is not None:
            q |= Q(author_id=p.user_id)
        if p.organizations:
            q |= Q(organization_id__in=p.organizations)
        if p.officer_countries:
            q |= Q(country_id__in=p.officer_countries)
        calls, practices, resources = reviewable_scope(p)
        submitted = ~Q(status=Status.DRAFT)
        if calls:
            q |= submitted & Q(kind="practice", call_id__in=calls)
        if practices:
            q |= submitted & Q(kind="practice", object_id__in=practices)
        if resources:
            q |= submitted & Q(kind="resource", object_id__in=resources)
        return queryset.filter(q)


@register(Call)
class CallPolicy(Policy):
    """Calls are public; who answered is for members; the TS opens and changes them."""

    def can(self, p, action, obj):
        if action == VIEW:
            return True
        if action == VIEW_TRACKING:
            return p.is_member
        if action == COMPILE:
            return p.is_ts or obj.pk in reviewable_scope(p)[0]
        return p.is_ts


@register(Compilation)
class CompilationPolicy(Policy):
    """Compilations are for members; the TS makes them and names who compiles."""

    def can(self, p, action, obj):
        if action == VIEW:
            return p.is_member
        if action == COMPILE:
            return p.is_ts or p.has_grant(obj, GrantPermission.REVIEW)
        return p.is_ts

    def restrict(self, queryset, p, action):
        if action == VIEW and p.is_member:
            return queryset
        return super().restrict(queryset, p, action) if p.is_ts else queryset.none()


@register(Theme)
@register(Axis)
class TaxonomyPolicy(Policy):
    """The taxonomy is public; the TS keeps it."""


# A practice's file: the practice's rules. Published versions and review events are shown through the
# practice's or resource's pages; read directly, they are the TS's. The search index's internals too.
register_policy(PracticeFile, ThroughParent("practice"))
for _model in (Version, ReviewEvent, SearchText, FacetBit):
    register_policy(_model, TSOnly())
