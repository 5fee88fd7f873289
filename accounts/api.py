"""API: who am I."""

from ninja import Router, Schema

from core import access
from core.api import Error

from .auth import WRITE_AUTH

router = Router(tags=["accounts"])


class MeOut(Schema):
    email: str
    language: str
    timezone: str
    person_id: int | None
    roles: list[str]
    is_ts: bool
    is_ppt: bool
    officer_countries: list[str]


@router.get("/me", response={200: MeOut, 401: Error}, auth=WRITE_AUTH)
def me(request):
    """The signed-in account and the roles it holds today."""
    p = access.principal_for(request.user)
    return {
        "email": request.user.email,
        "language": request.user.language,
        "timezone": request.user.timezone,
        "person_id": p.person_id,
        "roles": [str(label) for label in p.role_labels()],
        **p.role_flags(),
        "officer_countries": list(p.officer_country_codes),
    }
