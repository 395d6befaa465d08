"""How the people app reacts to its own signals (connected in ``PeopleConfig.ready``)."""

from deskmate.people.models import User
from deskmate.people.services import api_tokens_revoke_on_password_change


def password_changed_received(sender: object, *, user: User, **kwargs: object) -> None:
    """A new password ends every API token made under the old one."""
    api_tokens_revoke_on_password_change(user=user)
