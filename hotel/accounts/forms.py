"""Staff forms: the admin's login (with the lockout message), its password change (through
the audited service), and the add-staff and set-password forms (a password typed twice)."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from hotel.dynamo_admin.forms import DynamoForm

from . import roles
from .services import login_locked_until, staff_set_password


class StaffLoginForm(AdminAuthenticationForm):
    """The admin login form; a locked-out email gets the lockout message, not the generic one."""

    def get_invalid_login_error(self):
        locked = getattr(self.request, "login_locked", None) if self.request else None
        if locked is not None:
            return ValidationError(locked.message, code="locked")
        now = timezone.now()
        until = login_locked_until(email=self.cleaned_data.get("username") or "", now=now)
        if until is not None:
            minutes = max(1, int((until - now).total_seconds() // 60) + 1)
            return ValidationError(
                f"Too many failed logins for this account. Try again in {minutes} minutes.",
                code="locked",
            )
        return super().get_invalid_login_error()


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    """Django's password change, written through the audited staff service."""

    def save(self, commit=True):
        updated = staff_set_password(
            email=self.user.email,
            password=self.cleaned_data["new_password1"],
            actor=self.user.email,
            now=timezone.now(),
            validate=False,  # The form's own validators already ran.
        )
        self.user.password = updated.password
        return self.user


class PasswordPairMixin:
    """Two password inputs, `password` and `password_again`, that must match."""

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


def password_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class SetPasswordForm(PasswordPairMixin, forms.Form):
    """A manager sets someone else's password."""

    required_css_class = "required"
    password = password_field("New password")
    password_again = password_field("New password (again)")


class StaffAddForm(PasswordPairMixin, DynamoForm):
    email = forms.EmailField(label="Email")
    fullName = forms.CharField(label="Full name", max_length=150, required=False)
    role = forms.ChoiceField(label="Role", choices=list(roles.ROLE_LABELS.items()))
    password = password_field("Password")
    password_again = password_field("Password (again)")
