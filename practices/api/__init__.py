"""The practices API: request and response schemas (schemas.py) and endpoints (endpoints.py).

config/api.py mounts `router`; the schemas are imported from `practices.api.schemas`.
"""

from .endpoints import router  # noqa: F401 (mounted by config/api.py)
