"""Let one domain's action fulfil another domain's record, without importing each other.

A circular that "fulfils" a meeting commitment marks it done when it is sent: circulation
calls `fulfil(commitment, by=circular, acting_user=…)`; meetings registered, for its
Commitment model, the function that records it. Neither app imports the other.
"""

_fulfillers = {}
_searchers = []


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


def register_searcher(func):
    """Declare how to find records a circular could fulfil: `func(user, words) -> [(reference, label)]`,
    only records the user may see and mark done (the circular's form lets its author search them)."""
    _searchers.append(func)
    return func


def search(user, text, limit=20):
    """Records `user` could have a circular fulfil, matching every word of `text`: [(reference, label)]."""
    words = text.split()[:8]
    found = []
    for func in _searchers:
        found.extend(func(user, words))
    return found[:limit]


def reference_of(record):
    """ "app_label.model:id", as `resolve_target` and the API take it."""
    return f"{record._meta.app_label}.{record._meta.model_name}:{record.pk}"
