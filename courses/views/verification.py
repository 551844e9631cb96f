"""The public verification of certificates: a form for the code, and a certificate's standing
as a page and as JSON. No sign-in. Lookups are counted per visitor's address and throttled, so
that codes cannot be guessed in bulk (courses.verification_throttle); the page itself is kept
rendered in the cache (courses.verification_pages)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views import View
from django.views.decorators.cache import never_cache

from courses.forms.verification import VerificationForm
from courses.selectors.verification import certificate_get_by_code, certificate_standing
from courses.verification_codes import verification_code_display, verification_code_normalise
from courses.verification_pages import VerificationPage, verification_page_cacheable
from courses.verification_throttle import lookup_count, lookup_missed


def _too_many_page(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(wait)
    return response


def _private(response: HttpResponse) -> HttpResponse:
    # A holder's name on a public page: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class CertificateVerifyFormView(View):
    """Type a certificate's code; a code that can be one leads to its verification page."""

    template_name = "courses/verify_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": VerificationForm()})

    def post(self, request):
        if (wait := lookup_count(request).wait) is not None:
            return _too_many_page(request, wait)
        form = VerificationForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        return redirect("verify:detail", code=verification_code_display(form.cleaned_data["code"]))


# The standing changes (a revocation, a reissue): nothing in between may keep an old answer.
@method_decorator(never_cache, name="dispatch")
class CertificateVerifyView(View):
    """A certificate's standing and the printed facts that identify it, for anyone with its
    code, typed in any form (the address is then corrected to the printed form)."""

    def get(self, request, code):
        stored = verification_code_normalise(code)
        if stored is not None and code != verification_code_display(stored):
            return redirect("verify:detail", code=verification_code_display(stored), permanent=True)
        page = None
        if stored is not None and verification_page_cacheable(request):
            page = VerificationPage(code=stored, language=get_language(), on=timezone.localdate())
        lookup = lookup_count(request, read=page.keys if page else ())
        if lookup.wait is not None:
            return _too_many_page(request, lookup.wait)
        if page and (html := page.kept(lookup.found)) is not None:
            return _private(HttpResponse(html))
        try:
            certificate = certificate_get_by_code(code=code)
        except Http404:
            lookup_missed(request)
            context = {"code": code, "form": VerificationForm(initial={"code": code})}
            return _private(render(request, "courses/verify_not_found.html", context, status=404))
        context = {
            "code": verification_code_display(stored),
            "certificate": certificate_standing(certificate),
        }
        response = render(request, "courses/verify_detail.html", context)
        if page is not None and not response.cookies:  # nothing of this visitor's on it
            page.keep(response.content.decode(), lookup.found)
        return _private(response)


@method_decorator(never_cache, name="dispatch")
class CertificateVerifyJsonView(View):
    """The same as the page, for machines: status (valid, expired, revoked, superseded or
    not_found), serial, holder, course, session, issued_on, valid_until (and revoked_on)."""

    def get(self, request, code):
        if (wait := lookup_count(request).wait) is not None:
            response = JsonResponse({"status": "throttled"}, status=429)
            response["Retry-After"] = str(wait)
            return response
        try:
            certificate = certificate_get_by_code(code=code)
        except Http404:
            lookup_missed(request)
            return _private(JsonResponse({"status": "not_found"}, status=404))
        return _private(JsonResponse(certificate_standing(certificate).as_json()))
