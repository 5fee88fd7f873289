"""The one place that decides who may see and do what.

Every view, API endpoint, export and search asks here: `can(user, action, obj)` for one
record, `restrict(queryset, user, action)` for lists, `require(...)` to refuse with 403.
Each domain registers a `Policy` for its models (see `network/access.py`); the rules stay
in those policies, the entry points stay here.

Roles are not stored as flags: they follow from a person's current appointments
(TS staff, liaison officer of a country, partner organization member), the current Pro
Tempore Presidency, and per-object grants.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from .models import DocumentSettings, Visibility

log = logging.getLogger("enlace.access")

VIEW = "view"
CHANGE = "change"
DELETE = "delete"
CREATE = "create"


class _Any:
    """Context value meaning 'in some context of the user's' (e.g. any country they keep)."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


@dataclass(frozen=True)
class Principal:
    """What one user is in the network today, computed once per request."""

    user_id: int | None = None
    person_id: int | None = None
    is_ts: bool = False
    officer_countries: frozenset = frozenset()
    principal_countries: frozenset = frozenset()
    ppt_countries: frozenset = frozenset()
    # Years of the presidencies the user's countries held and handed over: they keep reading what
    # they left (the regional follow-up reports of those years), never filling it.
    past_ppt_years: frozenset = frozenset()
    organizations: frozenset = frozenset()
    partner_organizations: frozenset = frozenset()
    officer_country_codes: tuple = ()  # ISO codes of officer_countries, sorted
    grants: frozenset = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_member(self) -> bool:
        """Network member: TS staff, a liaison officer, or staff of a partner organization."""
        return self.is_ts or bool(self.officer_countries) or bool(self.organizations)

    @property
    def is_officer(self) -> bool:
        return bool(self.officer_countries)

    @property
    def is_ppt(self) -> bool:
        return bool(self.ppt_countries)

    @property
    def is_partner(self) -> bool:
        return bool(self.partner_organizations)

    def has_grant(self, obj: models.Model, permission: str) -> bool:
        ct_id = ContentType.objects.get_for_model(obj).pk
        return (ct_id, str(obj.pk), permission) in self.grants

    def granted_ids(self, model: type[models.Model], permission: str) -> set[str]:
        """Return the keys (as text) of the `model` records this principal holds `permission` on."""
        ct_id = ContentType.objects.get_for_model(model).pk
        return {obj_id for (ct, obj_id, perm) in self.grants if ct == ct_id and perm == permission}

    def role_flags(self) -> dict[str, bool]:
        """The roles as yes/no answers, for the API's account description."""
        return {"is_ts": self.is_ts, "is_ppt": self.is_ppt}

    def role_labels(self) -> list[str]:
        """Return the names of this principal's roles, for display."""
        from django.utils.translation import gettext as _

        labels = []
        if self.is_ts:
            labels.append(_("Technical Secretariat"))
        if self.is_ppt:
            labels.append(_("Pro Tempore Presidency"))
        if self.is_officer:
            labels.append(_("Liaison officer"))
        if self.is_partner:
            labels.append(_("Partner organization"))
        return labels


ANONYMOUS = Principal()
# Who a decision is asked about: a user (or None, anonymous) or the Principal already read.
UserLike = Any


# ---- the decisions every app asks by name --------------------------------------------------------
# Pages, the API, exports and services ask these, never a role: change a rule here and every
# place follows. Each takes a user or a Principal.


def _p(user_or_principal: UserLike) -> "Principal":
    return user_or_principal if isinstance(user_or_principal, Principal) else principal_for(user_or_principal)


def sees_members_only(user: UserLike) -> bool:
    """Contact details, who wrote or entered what, exact places of confidential services and work
    not yet published are for network members only (TS, liaison officers, partners' staff)."""
    return _p(user).is_member


def acts_for_whole_network(user: UserLike) -> bool:
    """The TS acts for every country and organization: its choices (countries, institutions,
    roles, fields) are not limited to a country it keeps, and closing someone's access is its own."""
    return _p(user).is_ts


def sees_history(user: UserLike) -> bool:
    """The audit history of a record (who changed what, when): the TS's."""
    return _p(user).is_ts


def makes_working_copies(user: UserLike) -> bool:
    """Documents with content not yet approved, marked as a working copy: the TS's."""
    return _p(user).is_ts


def administers(user: UserLike) -> bool:
    """The administration site, the e-mail outbox and the TS's menu entries."""
    return _p(user).is_ts


def sees_audience(user: UserLike, audience: str) -> bool:
    """Whether a page or menu entry for `audience` ("public", "member" or "ts") is for `user`."""
    if audience == "member":
        return sees_members_only(user)
    if audience == "ts":
        return administers(user)
    return True


# How a user's roles are read: registered by the network directory (network/roles.py), which core
# does not import. A function of the user that returns the Principal's fields, user_id aside.
_role_reader: Callable[[Any], dict[str, Any]] | None = None


def register_role_reader(read: Callable[[Any], dict[str, Any]]) -> None:
    """Say how a user's roles are read: `read(user)` returns the fields of their Principal."""
    global _role_reader
    _role_reader = read


def principal_for(user: Any) -> Principal:
    """Return the user's Principal, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_enlace_principal", None)
    if cached is not None:
        return cached

    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from core.models import Grant
    from core.pagecache import content_version

    # Roles follow from records the audit trail follows (terms, the PPT, grants) and from the day:
    # kept across requests until one of them changes.
    key = f"principal:{user.pk}:{int(user.is_superuser)}:{timezone.localdate()}:{content_version(user)[0]}"
    # Inside a transaction the roles may be about to change and be rolled back: read them afresh.
    keep = not connection.in_atomic_block
    result = cache.get(key) if keep else None
    if result is None:
        fields = _role_reader(user) if _role_reader is not None else {}
        grants = frozenset(Grant.objects.filter(user=user).values_list("content_type_id", "object_id", "permission"))
        result = Principal(user_id=user.pk, grants=grants, **fields)
        if user.is_superuser and not result.is_ts:
            result = replace(result, is_ts=True)
        if keep:
            cache.set(key, result, 3600)
    user._enlace_principal = result
    return result


def forget_principal(user: Any) -> None:
    """Drop the cached Principal after roles change within one request."""
    for kept in ("_enlace_principal", "_enlace_content_version"):
        if hasattr(user, kept):
            delattr(user, kept)


class Policy:
    """Rules for one model. Subclasses override what differs from 'anyone sees, the TS edits'."""

    def can(self, p: Principal, action: str, obj: Any) -> bool:
        if action == VIEW:
            return True
        return p.is_ts

    def can_create(self, p: Principal, **context: Any) -> bool:
        return p.is_ts

    def restrict[QS: QuerySet](self, queryset: QS, p: Principal, action: str) -> QS:
        if action == VIEW or p.is_ts:
            return queryset
        return queryset.none()


class VisibilityPolicy(Policy):
    """For records with a `visibility` field: public, network members, or TS only."""

    def visible(self, p: Principal, obj: Any) -> bool:
        if obj.visibility == Visibility.PUBLIC or p.is_ts:
            return True
        return obj.visibility == Visibility.MEMBERS and p.is_member

    def visibility_q(self, p: Principal, prefix: str = "") -> Q:
        """Return a filter for what `p` may see; `prefix` reaches the field across a relation."""
        if p.is_ts:
            return Q()
        allowed = [Visibility.PUBLIC, Visibility.MEMBERS] if p.is_member else [Visibility.PUBLIC]
        return Q(**{f"{prefix}visibility__in": allowed})


class ThroughParent(Policy):
    """A record reached only through its parent (a service's phone, a practice's file): the parent's
    policy decides — seeing it is seeing the parent, anything else is changing the parent. With several
    parent fields (an HSDS phone belongs to a service, a location, a provider…), the one that is set."""

    def __init__(self, *parent_fields: str, members_only: bool = False) -> None:
        self.parent_fields = parent_fields
        self.members_only = members_only  # parts that may hold confidential details (an address, a phone)

    def _parent(self, obj: Any) -> Any:
        for name in self.parent_fields:
            parent = getattr(obj, name, None)
            if parent is not None:
                return parent
        return None

    def can(self, p: Principal, action: str, obj: Any) -> bool:
        parent = self._parent(obj)
        if parent is None or (self.members_only and not p.is_member):
            return p.is_ts
        return policy_for(parent).can(p, VIEW if action == VIEW else CHANGE, parent)

    def can_create(self, p: Principal, **context: Any) -> bool:
        parent = next((context[name] for name in self.parent_fields if context.get(name) is not None), None)
        return p.is_ts if parent is None else policy_for(parent).can(p, CHANGE, parent)

    def restrict[QS: QuerySet](self, queryset: QS, p: Principal, action: str) -> QS:
        if p.is_ts:
            return queryset
        if self.members_only and not p.is_member:
            return queryset.none()
        allowed = Q()
        for name in self.parent_fields:
            parent_model = queryset.model._meta.get_field(name).related_model
            parents = policy_for(parent_model).restrict(
                parent_model._default_manager.all(), p, VIEW if action == VIEW else CHANGE
            )
            allowed |= Q(**{f"{name}__in": parents.values("pk")})
        return queryset.filter(allowed)


class TSOnly(Policy):
    """Records only the Technical Secretariat reads directly (the audit trail, search internals, review
    history); people see what they say through the pages of the records they are about."""

    def can(self, p: Principal, action: str, obj: Any) -> bool:
        return p.is_ts

    def restrict[QS: QuerySet](self, queryset: QS, p: Principal, action: str) -> QS:
        return queryset if p.is_ts else queryset.none()


class OwnedBy(Policy):
    """A user's own record (an API token, an invitation sent): its owner and the TS."""

    def __init__(self, owner_field: str) -> None:
        self.owner_field = owner_field

    def can(self, p: Principal, action: str, obj: Any) -> bool:
        return p.is_ts or (p.user_id is not None and getattr(obj, f"{self.owner_field}_id") == p.user_id)

    def can_create(self, p: Principal, **context: Any) -> bool:
        return p.is_authenticated

    def restrict[QS: QuerySet](self, queryset: QS, p: Principal, action: str) -> QS:
        if p.is_ts:
            return queryset
        return queryset.filter(**{f"{self.owner_field}_id": p.user_id}) if p.user_id else queryset.none()


_registry: dict[type[models.Model], Policy] = {}


def register_policy(model: type[models.Model], policy: Policy) -> None:
    """Make an instance of a shared Policy (ThroughParent, TSOnly, OwnedBy) the rules for `model`."""
    _registry[model] = policy


def register(model: type[models.Model]) -> Callable[[type[Policy]], type[Policy]]:
    """Class decorator: make a Policy the rules for `model`."""

    def decorate(policy_class: type[Policy]) -> type[Policy]:
        _registry[model] = policy_class()
        return policy_class

    return decorate


def policy_for(model_or_obj: models.Model | type[models.Model]) -> Policy:
    # `__class__`, not type(): request.user is a lazy object that reports its wrapped class.
    model = model_or_obj if isinstance(model_or_obj, type) else model_or_obj.__class__
    model = getattr(model._meta, "concrete_model", model)
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"No access policy is registered for {model.__name__}.") from None


def can(user: Any, action: str, obj: Any) -> bool:
    """May `user` do `action` on `obj`?"""
    return policy_for(obj).can(principal_for(user), action, obj)


def can_create(user: Any, model: type[models.Model], **context: Any) -> bool:
    """May `user` create a `model` record (in the given context, e.g. country=…)?"""
    return policy_for(model).can_create(principal_for(user), **context)


def restrict[QS: QuerySet](queryset: QS, user: Any, action: str = VIEW) -> QS:
    """Return only the rows of `queryset` that `user` may `action`."""
    return policy_for(queryset.model).restrict(queryset, principal_for(user), action)


class Refused(PermissionDenied):
    """A refusal that knows how to write itself to the audit trail.

    Inside a transaction the entry would be rolled back with the refused work, so it is
    written by the 403 handlers (page and API) once the transaction is over.
    """

    def __init__(self, user: Any, action: str, target: Any) -> None:
        super().__init__()
        self.actor = user if getattr(user, "is_authenticated", False) else None
        self.action = action
        self.is_record = hasattr(target, "_meta") and not isinstance(target, type)
        self.target = target
        self.recorded = False

    def record(self, request: HttpRequest | None = None) -> None:
        from .audit import record
        from .models import AuditAction

        if self.recorded:
            return
        self.recorded = True
        target = self.target if self.is_record else None
        label = None if self.is_record else str(getattr(getattr(self.target, "_meta", None), "verbose_name", ""))
        record(AuditAction.REFUSED, target, actor=self.actor, note=self.action, object_repr=label, request=request)


def record_refusal(exception: BaseException, request: HttpRequest | None = None) -> None:
    """Write a refusal to the audit trail if it was not written yet (called by 403 handlers)."""
    if isinstance(exception, Refused):
        exception.record(request)


def refuse(user: Any, action: str, target: Any) -> NoReturn:
    """Refuse: raise PermissionDenied, recording who was refused what."""
    exc = Refused(user, action, target)
    log.info("refused %s on %r for user %s", action, target, getattr(exc.actor, "pk", None))
    if not connection.in_atomic_block:
        exc.record()
    raise exc


def require(user: Any, action: str, obj: Any) -> None:
    """Raise PermissionDenied unless `user` may `action` on `obj`."""
    if not can(user, action, obj):
        refuse(user, action, obj)


def require_create(user: Any, model: type[models.Model], **context: Any) -> None:
    """Raise PermissionDenied unless `user` may create a `model` record."""
    if not can_create(user, model, **context):
        refuse(user, CREATE, model)


def require_member(user: Any) -> None:
    """Raise PermissionDenied unless `user` is a network member."""
    if not principal_for(user).is_member:
        refuse(user, "member", None)


@register(DocumentSettings)
class DocumentSettingsPolicy(Policy):
    """Anyone sees the network's logo on its documents; the TS keeps the document settings."""


# The audit trail and grants: the TS reads and keeps them (a record's history is shown on its page
# through history_for, which asks the record's own policy).
def _register_core_policies() -> None:
    from .models import AuditEntry, Grant

    register_policy(AuditEntry, TSOnly())
    register_policy(Grant, TSOnly())


_register_core_policies()


def _register_prepared_exports() -> None:
    from .models import PreparedExport

    register_policy(PreparedExport, MembersIfMarked())


class MembersIfMarked(Policy):
    """A prepared download: the public's file for anyone, a file made for members (it holds confidential
    addresses) for network members only; only the task worker writes them."""

    def can(self, p: Principal, action: str, obj: Any) -> bool:
        return action == VIEW and (not obj.members or p.is_member or p.is_ts)

    def can_create(self, p: Principal, **context: Any) -> bool:
        return False

    def restrict[QS: QuerySet](self, queryset: QS, p: Principal, action: str) -> QS:
        if action != VIEW:
            return queryset.none()
        return queryset if p.is_member or p.is_ts else queryset.filter(members=False)


_register_prepared_exports()
