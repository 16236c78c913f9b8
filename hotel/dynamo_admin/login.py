"""The admin's login: Django's LoginView, landing staff on their first page after it.

Without a particular page to return to (no `next`, or `next` is the admin index, which is
where Django's login sends everyone and where a bare /admin/ bounces from), staff land on
the site's landing page for them (`DynamoAdminSite.landing_url`: the dashboard for the desk
and managers, the housekeeping board for attendants). A `next` naming another page is
followed as before; one that is not safe falls back to `LOGIN_REDIRECT_URL`, as in Django.
"""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffLoginView(LoginView):
    admin_site = None

    def get_redirect_url(self):
        asked = self.request.POST.get(
            self.redirect_field_name, self.request.GET.get(self.redirect_field_name)
        )
        index = reverse("admin:index", current_app=self.admin_site.name)
        if self.request.user.is_authenticated and asked in (None, "", index):
            return self.admin_site.landing_url(self.request)
        return super().get_redirect_url()


def admin_login(site, request, extra_context=None):
    """AdminSite.login with StaffLoginView (the stock one hard-codes the index as `next`)."""
    if request.method == "GET" and site.has_permission(request):
        return HttpResponseRedirect(site.landing_url(request))
    context = {
        **site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=site.name)
    context.update(extra_context or {})
    request.current_app = site.name
    return StaffLoginView.as_view(
        admin_site=site,
        extra_context=context,
        authentication_form=site.login_form or AdminAuthenticationForm,
        template_name=site.login_template or "admin/login.html",
    )(request)
