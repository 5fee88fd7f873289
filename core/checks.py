"""Every model of the project answers to one access rule and to the audit trail — checked, not assumed.

`manage.py check` (hence `make test` and every deployment) fails when a model of Enlace's own apps
has no access policy (core.access: its own, ThroughParent, TSOnly or OwnedBy) or is neither tracked
by the audit trail (core.audit.track) nor declared untracked with its reason (core.audit.untracked).
"""

from django.apps import apps
from django.conf import settings
from django.core import checks


def project_models():
    labels = {name.split(".")[-1] for name in settings.PROJECT_APPS}
    return [model for model in apps.get_models() if model._meta.app_label in labels]


def unanswered(models):
    """The errors for `models` that have no access policy, or neither audit tracking nor a stated reason."""
    from . import access, audit

    errors = []
    for model in models:
        label = model._meta.label
        if model not in access._registry:
            errors.append(
                checks.Error(
                    f"{label} has no access policy: nothing decides who may see or change it.",
                    hint="Register a Policy for it in its app's access.py (access.register, or register_policy "
                    "with ThroughParent, TSOnly or OwnedBy).",
                    obj=model,
                    id="enlace.E001",
                )
            )
        if not audit.is_accounted_for(model):
            errors.append(
                checks.Error(
                    f"{label} is not in the audit trail and no reason is given.",
                    hint="Call core.audit.track(model) in its app's ready(), or core.audit.untracked(model, reason).",
                    obj=model,
                    id="enlace.E002",
                )
            )
    return errors


@checks.register()
def every_model_answers_to_access_and_audit(app_configs=None, **kwargs):
    return unanswered(project_models())
