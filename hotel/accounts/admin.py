"""Staff accounts in the admin (managers only): list, add, change role/name/active, set password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path

from hotel.actor import actor_from
from hotel.admin_site import site
from hotel.dynamo_admin import DynamoModelAdmin
from hotel.dynamo_admin.forms import add_domain_errors
from hotel.errors import DomainError

from . import roles, services
from .forms import SetPasswordForm, StaffAddForm
from .models import StaffAccount


class StaffAdmin(DynamoModelAdmin):
    app_label = "accounts"
    model_name = "staffuser"
    verbose_name = "staff member"
    verbose_name_plural = "staff"
    object_type = "accounts.staff"

    list_display = ("email", "fullName", "role", "isActive", "lastLogin")
    list_filter = ("role", "isActive")  # no index: the staff table is a few dozen items
    search_fields = ("email", "fullName")
    search_help_text = "Email or part of a name."
    choices = {"role": roles.ROLE_LABELS}
    fields = ("email", "fullName", "role", "isActive", "lastLogin", "createdAt")
    readonly_fields = ("lastLogin", "createdAt")
    labels = {"isActive": "Active", "fullName": "Full name"}
    help_texts = {"isActive": "Inactive staff cannot log in; their API tokens are revoked."}
    audit_exclude = ("passwordHash",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # Staff are deactivated, never deleted: the audit log names them.

    def search_key(self, term: str) -> str:
        return services.normalize_email(term)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "fullName", "role", "password", "password_again"]
        return super().get_fields(request, obj)

    def get_form(self, request, obj=None):
        return StaffAddForm if obj is None else super().get_form(request, obj)

    def get_form_data(self, request, form, obj=None):
        data = super().get_form_data(request, form, obj)
        if obj is None:
            data["password"] = form.cleaned_data["password"]
        return data

    def get_object_tools(self, request, obj):
        tools = super().get_object_tools(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            tools.append(("Set password", self.object_url(obj.email, "password")))
        return tools

    def create_object(self, request, data):
        actor = actor_from(request)
        user = services.staff_create(
            email=data["email"],
            password=data["password"],
            role=data["role"],
            full_name=data.get("fullName", ""),
            actor=actor.who,
            now=actor.now,
        )
        return StaffAccount.get(user.email, consistent_read=True)

    def update_object(self, request, obj, data, expected_version):
        services.staff_update(
            email=obj.email,
            full_name=data.get("fullName"),
            role=data.get("role"),
            is_active=data.get("isActive"),
            expected_version=expected_version,
            **actor_from(request).as_kwargs(),
        )
        return StaffAccount.get(obj.email, consistent_read=True)

    # --- set someone's password ------------------------------------------------------------------

    def get_extra_object_urls(self, wrap):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/password/",
                wrap(self.set_password_view),
                name=f"{prefix}_password",
            )
        ]

    def set_password_view(self, request, object_id):
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._missing(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = SetPasswordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.staff_set_password(
                    email=obj.email,
                    password=form.cleaned_data["password"],
                    **actor_from(request).as_kwargs(),
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                self.message_user(
                    request, f"The password of {obj.email} was changed.", messages.SUCCESS
                )
                return HttpResponseRedirect(self.object_url(obj.email))
        context = self.base_context(
            request,
            title=f"Set the password of {obj.email}",
            subtitle=None,
            form=form,
            original=obj,
            change_url=self.object_url(obj.email),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/dynamo/set_password.html", context)


site.register(StaffAccount, StaffAdmin)
