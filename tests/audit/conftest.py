# One real object of every kind, vendor A's where a vendor owns it (the hardening cast).
from tests.hardening.conftest import cast, objects  # noqa: F401
