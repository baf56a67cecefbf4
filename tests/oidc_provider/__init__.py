"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit's OIDC
support in its own Django project, started by the tests in a subprocess on loopback
(`serve.py`), with its own SQLite database and an RSA key made at test start."""
