"""Factories shared by every app's tests. Apps add theirs in tests/<app>/factories.py."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from procurement.models import Region, Vendor

TEST_PASSWORD = "test-pass-123!"


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Vendor {n:03d}")
    region = Region.NEARSHORE
    country = "Portugal"
    contact_email = factory.LazyAttribute(
        lambda o: f"sales@{o.name.lower().replace(' ', '-')}.example"
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class ProcurementUserFactory(UserFactory):
    role = Role.PROCUREMENT


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class AdminUserFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class VendorUserFactory(UserFactory):
    role = Role.VENDOR
    vendor = factory.SubFactory(VendorFactory)
