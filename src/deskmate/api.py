"""The versioned REST API: /api/v1/, documented at /api/v1/docs and /api/v1/openapi.json."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from deskmate.limits.guards import ApiLimit
from deskmate.mentoring.api import router as mentoring_router
from deskmate.network.api import router as network_router
from deskmate.notifications.api import router as notifications_router
from deskmate.people.api import router as people_router
from deskmate.people.models import ApiToken
from deskmate.people.selectors import member_for_user
from deskmate.people.services import api_token_hash
from deskmate.programmes.api import router as programmes_router


class PersonalToken(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("member__user")
            .filter(key_hash=api_token_hash(token), member__user__is_active=True)
            .exclude(expires_at__lte=timezone.now())
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.member.user
        return found.member


class SessionMember(SessionAuth):
    """A signed-in browser session (CSRF-checked), resolved to its member."""

    def authenticate(self, request, key):
        return member_for_user(request.user)


api = NinjaAPI(
    title="deskmate API",
    version="1",
    description="Members, career histories, skills, goals, contacts, imports, ties and suggestions, "
    "mentorships, notifications and programmes. "
    "Authenticate with a personal token (Authorization: Bearer …) or a signed-in session.",
    auth=[PersonalToken(), SessionMember()],
    throttle=[ApiLimit("api")],
    urls_namespace="api-v1",
)


@api.exception_handler(ValidationError)
def validation_error(request, error: ValidationError):
    if hasattr(error, "error_dict"):
        detail = [
            {"loc": [field], "msg": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        detail = [{"loc": [], "msg": message} for message in error.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, error: PermissionDenied):
    return api.create_response(request, {"detail": str(error) or "Not allowed."}, status=403)


api.add_router("/", people_router)
api.add_router("/", network_router)
api.add_router("/", mentoring_router)
api.add_router("/", programmes_router)
api.add_router("/", notifications_router)
