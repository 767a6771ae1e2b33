"""People: users who sign in, and the platform staff roles some of them hold."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.ids import new_id


class StaffRole(models.TextChoices):
    TRADE_EXPERT = "trade_expert", _("Trade expert")
    REVIEWER = "reviewer", _("Qualification reviewer")
    SUPPORT_AGENT = "support_agent", _("Support agent")
    ADMIN = "admin", _("Platform admin")


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("staff_role", StaffRole.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.CharField(primary_key=True, max_length=40, default="", editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True, default="")
    # A code from settings.LANGUAGES ("pt-br"); empty until chosen or adopted from the browser at sign-in.
    preferred_language = models.CharField(max_length=10, blank=True, default="")
    staff_role = models.CharField(max_length=20, choices=StaffRole.choices, blank=True, default="")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)  # Django admin access only
    date_joined = models.DateTimeField(default=clock.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.id:
            self.id = new_id("usr")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.email

    @property
    def is_platform_staff(self) -> bool:
        return bool(self.staff_role)
