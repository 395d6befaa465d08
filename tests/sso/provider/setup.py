"""Prepare the provider's database: a signing key, its users, and deskmate as a client.

Run as ``python -m tests.sso.provider.setup REDIRECT_URI USER:PASSWORD:EMAIL:FIRST:LAST ...``
with ``DJANGO_SETTINGS_MODULE=tests.sso.provider.settings``.
"""

import sys

import django


def main(redirect_uri: str, users: list[str]) -> None:
    django.setup()
    # Imported once the provider's settings are loaded, which django.setup() just did.
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey")
    for spec in users:
        username, password, email, first, last = spec.split(":")
        User.objects.create_user(
            username, email=email, password=password, first_name=first, last_name=last
        )
    client = Client.objects.create(
        name="deskmate",
        client_type="confidential",
        client_id="deskmate",
        client_secret="deskmate-secret",
        jwt_alg="RS256",
        require_consent=False,
        _redirect_uris=redirect_uri,
        _scope="openid email profile",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
