from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import oidc
from .forms import ApiTokenForm, EmailAuthenticationForm
from .models import ApiToken
from .services import api_token_issue, api_token_revoke


class LoginView(auth_views.LoginView):
    """E-mail and password for everyone (vendors, and installations without single sign-on);
    "Sign in with your company account" beside it when OIDC is configured."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": oidc.is_configured()}


class LogoutView(auth_views.LogoutView):
    """Ends the local session; after a company-account sign-in also the provider's, when it
    offers an end_session_endpoint (RP-initiated logout with the ID token as hint)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and oidc.is_configured():
            provider_url = oidc.provider_sign_out_url(request, id_token)
            if provider_url:
                return redirect(provider_url)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The reset link is built from SITE_URL, never from the request's Host header (which an
    attacker chooses: a link to their host would carry the victim's reset token)."""

    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        self.domain_override = urlsplit(settings.SITE_URL).netloc
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = api_token_issue(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Your new API token is shown below once. Copy it now."))
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/token_list.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:token_list")
