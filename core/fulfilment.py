"""Let one domain's action fulfil another domain's record, without importing each other.

A circular that "fulfils" a meeting commitment marks it done when it is sent: circulation
calls `fulfil(commitment, by=circular, acting_user=…)`; meetings registered, for its
Commitment model, the function that records it. Neither app imports the other.
"""

_fulfillers = {}


def register_fulfiller(model, func):
    """Declare how a `model` record is fulfilled: `func(record, *, by, acting_user)`."""
    _fulfillers[model] = func


def reference_pattern():
    """What `resolve_target` takes, as one regular expression (JSON Schema and Python alike): nothing, or
    "app_label.model:id" for a kind of record that can be fulfilled."""
    labels = sorted(f"{model._meta.app_label}\\.{model._meta.model_name}" for model in _fulfillers)
    return rf"^\s*$|^({'|'.join(labels)}):[0-9]{{1,18}}$"


def can_be_fulfilled(record_or_model):
    model = record_or_model if isinstance(record_or_model, type) else type(record_or_model)
    return model in _fulfillers


def fulfil(record, *, by, acting_user):
    """Record that `by` fulfils `record`; return whatever the domain's function returns."""
    func = _fulfillers.get(type(record))
    if func is None:
        raise LookupError(f"{type(record).__name__} records cannot be fulfilled.")
    return func(record, by=by, acting_user=acting_user)
