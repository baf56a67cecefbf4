"""Production renders every template from the cached loader (issue 22): each template is
read and compiled once per process, never per request."""

from tests.support import settings_probe

PROBE = (
    "import json; from django.template import engines; "
    "loaders = engines['django'].engine.template_loaders; "
    "print(json.dumps([[type(l).__module__ + '.' + type(l).__name__, "
    "[type(i).__module__ + '.' + type(i).__name__ for i in getattr(l, 'loaders', [])]] "
    "for l in loaders]))"
)


def loaders_under(settings_module: str) -> list:
    return settings_probe(
        PROBE,
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "SECRET_KEY": "test-only-not-secret-template-loader-probe-0123456789",
            "DEBUG": "false",
        },
    )


def test_production_uses_the_cached_template_loader():
    assert loaders_under("config.settings.production") == [
        [
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        ]
    ]
