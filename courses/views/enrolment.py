"""Nominating trainees to a session, and withdrawing them."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin
from courses.forms.enrolment import NominationForm
from courses.models import Enrolment
from courses.selectors import enrolment_get_for_user, nomination_candidates, session_get_for_user
from courses.services import enrolment_create_many, enrolment_withdraw
from trainees.filters import TraineeFilter
from trainees.models import Trainee

PAGE_SIZE = 25


class SessionEnrolView(RoleRequiredMixin, View):
    """The trainee list, filtered as on the trainees page, with a box to tick for each trainee
    to nominate to the session."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request, pk):
        session = session_get_for_user(user=request.user, pk=pk)
        return self.page(request, session, NominationForm())

    def post(self, request, pk):
        session = session_get_for_user(user=request.user, pk=pk)
        form = NominationForm(request.POST)
        if form.is_valid():
            try:
                enrolments = enrolment_create_many(
                    session=session,
                    trainees=form.chosen(),
                    by=request.user,
                    override_reason=form.cleaned_data["override_reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _enrolled_message(enrolments))
                return redirect("courses:session-detail", pk=session.pk)
        return self.page(request, session, form, status=400)

    def page(self, request, session, form, *, status=200):
        filterset = TraineeFilter(
            request.GET,
            queryset=nomination_candidates(session=session, trainees=Trainee.objects.all()),
        )
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        chosen = {str(pk) for pk in form.data.getlist("trainees")} if form.is_bound else set()
        return render(
            request,
            "courses/session_enrol.html",
            {
                "session": session,
                "filter": filterset,
                "page": page,
                "query": query.urlencode(),
                "form": form,
                "chosen": chosen,
            },
            status=status,
        )


def _enrolled_message(enrolments: list[Enrolment]) -> str:
    counts = Counter(enrolment.status for enrolment in enrolments)
    parts = []
    if n := counts[Enrolment.Status.NOMINATED]:
        parts.append(ngettext("%(n)d nominated", "%(n)d nominated", n) % {"n": n})
    if n := counts[Enrolment.Status.CONFIRMED]:
        parts.append(ngettext("%(n)d confirmed", "%(n)d confirmed", n) % {"n": n})
    if n := counts[Enrolment.Status.WAITLISTED]:
        parts.append(ngettext("%(n)d waitlisted", "%(n)d waitlisted", n) % {"n": n})
    return _("Enrolled: %(parts)s.") % {"parts": ", ".join(parts)}


class EnrolmentWithdrawView(RoleRequiredMixin, View):
    """Withdraw a trainee from a session, or mark a no-show (POST ``no_show``); the seat goes
    to the first of the waitlist."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def post(self, request, pk):
        enrolment = enrolment_get_for_user(user=request.user, pk=pk)
        no_show = request.POST.get("no_show") == "1"
        try:
            enrolment_withdraw(enrolment=enrolment, no_show=no_show)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            template = (
                _("%(name)s is marked a no-show.") if no_show else _("%(name)s is withdrawn.")
            )
            messages.success(request, template % {"name": enrolment.trainee.full_name})
        return redirect("courses:session-detail", pk=enrolment.session_id)
