"""Run the test provider: migrate its own database, register clients and users, serve on
loopback, print `READY <port>` once it accepts connections. Started by the SSO tests:

    OP_DB=… OP_RSA_PRIVATE_KEY=… OP_CLIENTS='[…]' OP_USERS='{…}' python -m tests.oidc_provider.serve
"""

import json
import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0, interactive=False)
    Application = get_application_model()
    for client in json.loads(os.environ["OP_CLIENTS"]):
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=client["redirect_uri"],
            post_logout_redirect_uris=client.get("post_logout_redirect_uri", ""),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    User = get_user_model()
    for email, user in json.loads(os.environ["OP_USERS"]).items():
        User.objects.create_user(
            username=email, email=email, password=user["password"], first_name=user["name"]
        )

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        sys.exit(0)


if __name__ == "__main__":
    main()
