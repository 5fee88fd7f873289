"""The plan API: request and response schemas (schemas.py) and endpoints (endpoints.py).

config/api.py mounts `router`.
"""

from .endpoints import router  # noqa: F401 (mounted by config/api.py)
