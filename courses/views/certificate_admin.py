"""The administrators' certificate pages: the list, one certificate, and what can be done to
it (revoke, reissue after a correction, retry a failed render)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin
from courses.forms.certificate_admin import CertificateReissueForm, CertificateRevokeForm
from courses.models import Certificate, Enrolment
from courses.selectors.certificate_list import (
    CertificateFilter,
    certificate_get_for_admin,
    certificate_history,
    certificate_list_for_user,
)
from courses.services import certificate_reissue, certificate_revoke
from courses.services.certificates import certificate_retry
from courses.verification_codes import verification_url

PAGE_SIZE = 25
Status = Certificate.Status


def certificate_actions(certificate: Certificate) -> dict[str, bool]:
    """Which buttons the certificate's page offers (the services check again)."""
    return {
        "can_revoke": certificate.status not in (Status.REVOKED, Status.SUPERSEDED),
        "can_reissue": certificate.standing() == Certificate.Standing.VALID
        and certificate.enrolment.status == Enrolment.Status.PASSED,
        "can_retry": certificate.status == Status.FAILED,
    }


def certificate_printed(snapshot: dict) -> list[tuple[str, object]]:
    """The printed fields, labelled, in the order of the page (dates as dates)."""

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    return [
        (_("Holder"), snapshot.get("holder")),
        (_("Rank"), snapshot.get("rank")),
        (_("Institution"), snapshot.get("institution")),
        (
            _("Nationality"),
            f"{snapshot.get('nationality_es', '')} / {snapshot.get('nationality_en', '')}",
        ),
        (_("Course"), snapshot.get("course_code")),
        (_("Title in Spanish"), snapshot.get("course_title_es")),
        (_("Title in English"), snapshot.get("course_title_en")),
        (_("Hours"), snapshot.get("hours")),
        (_("Session"), snapshot.get("session_code")),
        (_("Start date"), day(snapshot.get("start_date"))),
        (_("End date"), day(snapshot.get("end_date"))),
        (_("Final score"), snapshot.get("total")),
        (_("Serial number"), snapshot.get("serial")),
    ]


def certificate_page(
    request, certificate: Certificate, *, error: ValidationError | None = None, status: int = 200
):
    """The certificate's page; with ``error``, why an action was refused."""
    context = {
        "certificate": certificate,
        "verification_url": verification_url(certificate.code),
        "printed": certificate_printed(certificate.snapshot),
        "history": certificate_history(certificate),
        "revoke_form": CertificateRevokeForm(),
        "reissue_form": CertificateReissueForm(),
        "errors": error.messages if error else [],
        **certificate_actions(certificate),
    }
    return render(request, "courses/certificate_detail.html", context, status=status)


class CertificateListView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        filterset = CertificateFilter(
            request.GET, queryset=certificate_list_for_user(user=request.user)
        )
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "courses/certificate_list.html",
            {"filter": filterset, "page": page, "query": query.urlencode()},
        )


class CertificateDetailView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request, pk):
        return certificate_page(request, certificate_get_for_admin(user=request.user, pk=pk))


class CertificateReasonView(RoleRequiredMixin, View):
    """A confirmation page with a reason (the certificate page opens the same form in a
    dialog; this page answers when it is sent back with an error, or without JavaScript).

    Each page defines ``act(certificate, reason)``: the service it runs, returning the
    certificate to show next."""

    allowed_roles = (Role.ADMINISTRATOR,)
    form_class: type
    template_name: str

    def get(self, request, pk):
        certificate = certificate_get_for_admin(user=request.user, pk=pk)
        return self.page(certificate, self.form_class())

    def post(self, request, pk):
        certificate = certificate_get_for_admin(user=request.user, pk=pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                result = self.act(certificate, form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)  # a reason error lands on its field
            else:
                return redirect("courses:certificate-detail", pk=result.pk)
        return self.page(certificate, form, status=400)

    def page(self, certificate, form, *, status=200):
        context = {"certificate": certificate, "form": form, **certificate_actions(certificate)}
        return render(self.request, self.template_name, context, status=status)


class CertificateRevokeView(CertificateReasonView):
    form_class = CertificateRevokeForm
    template_name = "courses/certificate_revoke.html"

    def act(self, certificate, reason):
        certificate = certificate_revoke(
            certificate=certificate, by=self.request.user, reason=reason
        )
        messages.success(
            self.request,
            _("Certificate %(serial)s is revoked: its verification page now says so.")
            % {"serial": certificate.serial},
        )
        return certificate


class CertificateReissueView(CertificateReasonView):
    form_class = CertificateReissueForm
    template_name = "courses/certificate_reissue.html"

    def act(self, certificate, reason):
        new = certificate_reissue(certificate=certificate, by=self.request.user, reason=reason)
        messages.success(
            self.request,
            _(
                "Certificate %(serial)s replaces %(old)s. Its PDF is being made; the old "
                "certificate's verification page now says it was superseded."
            )
            % {"serial": new.serial, "old": certificate.serial},
        )
        return new


class CertificateRetryView(RoleRequiredMixin, View):
    """Render a failed certificate again (POST)."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def post(self, request, pk):
        certificate = certificate_get_for_admin(user=request.user, pk=pk)
        try:
            certificate = certificate_retry(certificate=certificate, by=request.user)
        except ValidationError as error:
            return certificate_page(request, certificate, error=error, status=400)
        messages.success(
            request,
            _("Certificate %(serial)s is being rendered again.") % {"serial": certificate.serial},
        )
        return redirect("courses:certificate-detail", pk=certificate.pk)
