"""The pages of one model's admin: the list, an item's change form, delete and history.

As Django's ModelAdmin views, with the same template context names; writes go through
the `create_object` / `update_object` / `delete_object` hooks (see `writes`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.forms import CheckboxInput
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from pynamodb.exceptions import PynamoDBException

from hotel.audit.selectors import audit_for_object
from hotel.errors import DomainError, NotFound, StaleObject

from .changelist import ChangeList
from .forms import VERSION_FIELD, add_domain_errors, label_for
from .params import SEARCH_VAR
from .rendering import display_value, header_for
from .writes import condition_failed


class ViewsMixin:
    # The list page's reader: ChangeList (a Query or Scan by the filters), or a subclass such
    # as ListedChangeList for a small table its app lists through a selector.
    changelist_class = ChangeList

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.response_action(request)
        cl = self.changelist_class(request, self)
        cl.get_results()
        for error in cl.errors:
            messages.warning(request, error)
        actions = self.get_actions(request)
        context = self.base_context(
            request,
            title=capfirst(self.opts.verbose_name_plural),
            subtitle=None,
            cl=cl,
            headers=cl.headers(),
            rows=cl.rows(),
            filters=[(f.template, f.context(cl)) for f in cl.filters],
            action_choices=[(name, desc) for name, (_f, _n, desc) in actions.items()],
            has_add_permission=self.has_add_permission(request),
            search_var=SEARCH_VAR,
            search_help_text=self.search_help_text,
            read_plan=cl.plan.describe() if cl.plan else "",
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_list_template, context)

    def add_view(self, request, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self.changeform_view(request, None, extra_context)

    def change_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._missing(request, unquote(object_id))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied
        return self.changeform_view(request, obj, extra_context)

    def changeform_view(self, request, obj, extra_context=None):
        add = obj is None
        form_class = self.get_form(request, obj)
        can_change = add or (
            self.has_change_permission(request, obj)
            and any(not f.widget.is_hidden for f in form_class.base_fields.values())
        )
        if request.method == "POST" and not can_change:
            self.message_user(
                request,
                f"Nothing on this {self.opts.verbose_name} can be changed here now.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self.object_url(self.object_id(obj)))
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, obj=obj, request=request)
            if form.is_valid():
                response = self.save_form(request, form, obj)
                if response is not None:
                    return response
        else:
            form = form_class(initial=self.get_initial(request, obj), obj=obj, request=request)
        title = (
            f"Add {self.opts.verbose_name}"
            if add
            else f"{'Change' if can_change else 'View'} {self.opts.verbose_name}"
        )
        hidden_errors = [
            error
            for name in form.fields
            if form.fields[name].widget.is_hidden
            for error in form.errors.get(name, [])
        ]
        context = self.base_context(
            request,
            title=title,
            subtitle=None if add else self.object_label(obj),
            form=form,
            rows=self.form_rows(request, form, obj, can_change=can_change),
            non_field_errors=[*form.non_field_errors(), *hidden_errors],
            hidden_fields=[form[n] for n in form.fields if form.fields[n].widget.is_hidden],
            add=add,
            change=not add,
            original=obj,
            original_label=None if add else self.object_label(obj),
            object_id=None if add else self.object_id(obj),
            can_change=can_change,
            has_delete_permission=not add and self.has_delete_permission(request, obj),
            has_file_field=form.is_multipart(),
            media=form.media,
            object_tools=self.get_object_tools(request, obj),
            object_actions=[]
            if add
            else [(n, d) for n, (_f, _n, d) in self.get_object_actions(request, obj).items()],
            object_actions_url=None
            if add or not self.object_actions
            else self.object_url(self.object_id(obj), "actions"),
            **self.get_changeform_context(request, obj),
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_form_template, context)

    def get_changeform_context(self, request, obj) -> dict:
        """Extra template context for an item's page (sections a custom template shows)."""
        return {}

    def get_object_tools(self, request, obj) -> list[tuple[str, str]]:
        """Links above the change form: (label, url)."""
        if obj is None:
            return []
        return [("History", self.object_url(self.object_id(obj), "history"))]

    def form_rows(self, request, form, obj, *, can_change: bool) -> list[dict]:
        """What the change form shows, in order: editable fields and read-only values."""
        readonly = set(self.get_readonly_fields(request, obj))
        attributes = self.model.get_attributes()
        names = self.get_fields(request, obj)
        rows = []
        for name in names:
            if can_change and name in form.fields and name not in readonly:
                rows.append(_field_row(form[name]))
            elif obj is not None and (
                name in attributes
                or (name not in form.fields and callable(getattr(self, name, None)))
            ):
                rows.append(
                    {
                        "name": name,
                        "label": header_for(self, name),
                        "contents": display_value(self, obj, name),
                        "readonly": True,
                    }
                )
        if can_change:
            rows += [
                _field_row(form[name])
                for name in form.fields
                if name not in names and not form.fields[name].widget.is_hidden
            ]
        return rows

    def save_form(self, request, form, obj):
        """Write through the hooks; on success a redirect, else None (errors are on the form)."""
        add = obj is None
        data = self.get_form_data(request, form, obj)
        try:
            if add:
                saved = self.create_object(request, data)
            else:
                saved = self.update_object(
                    request, obj, data, expected_version=form.cleaned_data.get(VERSION_FIELD)
                )
        except StaleObject:
            form.add_error(None, self.get_stale_message(obj))
            return None
        except DomainError as exc:
            add_domain_errors(form, exc)
            return None
        except PynamoDBException as exc:
            if not condition_failed(exc):
                raise
            form.add_error(None, self.get_stale_message(obj))
            return None
        change_url = self.object_url(self.object_id(saved))
        try:
            saved = self.save_extra(request, saved, form, add=add) or saved
        except DomainError as exc:
            self.message_user(
                request,
                f"The {self.opts.verbose_name} “{self.object_label(saved)}” was saved, "
                f"but: {_describe(exc)}",
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        return self.response_add(request, saved) if add else self.response_change(request, saved)

    def response_add(self, request, obj):
        """The message and redirect after adding `obj`."""
        return self._response_saved(request, obj, verb="added")

    def response_change(self, request, obj):
        """The message and redirect after changing `obj`."""
        return self._response_saved(request, obj, verb="changed")

    def _response_saved(self, request, saved, *, verb: str):
        change_url = self.object_url(self.object_id(saved))
        link = format_html('<a href="{}">{}</a>', change_url, self.object_label(saved))
        self.message_user(
            request,
            format_html("The {} “{}” was {} successfully.", self.opts.verbose_name, link, verb),
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            return HttpResponseRedirect(change_url)
        if "_addanother" in request.POST:
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_add",
                    current_app=self.admin_site.name,
                )
            )
        return HttpResponseRedirect(self.changelist_url())

    def delete_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._missing(request, object_id)
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        change_url = self.object_url(object_id)
        if request.method == "POST" and request.POST.get("post"):
            version = _int_or_none(request.POST.get(VERSION_FIELD))
            if self.version_attribute and version is None:
                self.message_user(
                    request, "The confirmation form was incomplete: try again.", messages.ERROR
                )
                return HttpResponseRedirect(change_url)
            try:
                self.delete_object(request, obj, expected_version=version)
            except (StaleObject, PynamoDBException) as exc:
                if isinstance(exc, PynamoDBException) and not condition_failed(exc):
                    raise
                self.message_user(
                    request,
                    f"Someone else changed this {self.opts.verbose_name} since you opened it, "
                    "so it was not deleted. Review the current version and try again.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(change_url)
            except NotFound:
                return self._missing(request, object_id)
            except DomainError as exc:
                self.message_user(request, _describe(exc), messages.ERROR)
                return HttpResponseRedirect(change_url)
            self.message_user(
                request,
                f"The {self.opts.verbose_name} “{self.object_label(obj)}” was deleted "
                "successfully.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self.changelist_url())
        context = self.base_context(
            request,
            title="Are you sure?",
            subtitle=None,
            object=obj,
            object_label=self.object_label(obj),
            object_id=object_id,
            object_name=self.opts.verbose_name,
            version=getattr(obj, self.version_attribute) if self.version_attribute else "",
            version_field=VERSION_FIELD,
            summary=[
                {"label": header_for(self, name), "value": display_value(self, obj, name)}
                for name in self.list_display
            ],
            change_url=change_url,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.delete_confirmation_template, context)

    def history_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        entries = audit_for_object(object_type=self.object_type, object_id=object_id)
        if obj is None and not entries:
            return self._missing(request, object_id)
        context = self.base_context(
            request,
            title=f"Change history: {self.object_label(obj) or object_id}",
            subtitle=None,
            object=obj,
            object_label=self.object_label(obj),
            object_id=object_id,
            module_name=capfirst(self.opts.verbose_name_plural),
            entries=[
                {
                    "entry": e,
                    "changes": self.audit_lines(e),
                    "label": self.describe_action(e.action),
                }
                for e in entries
            ],
            change_url=self.object_url(object_id) if obj is not None else None,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


def _field_row(bound) -> dict:
    return {
        "name": bound.name,
        "field": bound,
        "readonly": False,
        "is_checkbox": isinstance(bound.field.widget, CheckboxInput),
        "required": bound.field.required,
    }


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _describe(exc: DomainError) -> str:
    fields = (exc.details or {}).get("fields") or {}
    parts = [
        f"{label_for(name)}: {' '.join([msgs] if isinstance(msgs, str) else msgs)}"
        for name, msgs in fields.items()
    ]
    return " ".join(parts) or exc.message
