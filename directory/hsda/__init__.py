"""The HSDS API (HSDA 3.0) under /api/hsds/: every path of Open Referral's openapi.json.

Plain JSON views, read-only, paginated as the specification says (`page` from 1, `per_page`,
and `total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`, `empty`
around `contents`). Callers get what core.access lets them see: the public gets published
services, no named contacts, and a confidential location at its municipality. Texts come in
the reader's language (`Accept-Language` or `?lang=es|en`), both languages as attributes.
"""

from .schema import urlpatterns

__all__ = ["urlpatterns"]
