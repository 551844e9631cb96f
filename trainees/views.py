from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin, access_require_role
from trainees.filters import TraineeFilter
from trainees.forms import ClearanceFormSet, ContactForm, LanguageFormSet, TraineeForm
from trainees.selectors import (
    Visibility,
    clearance_rows,
    trainee_get_for_user,
    trainee_get_for_user_account,
    trainee_history,
    trainee_list_for_user,
)
from trainees.services import trainee_contact_update, trainee_record_save

PAGE_SIZE = 25


class TraineeListView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        filterset = TraineeFilter(request.GET, queryset=trainee_list_for_user(user=request.user))
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "trainees/trainee_list.html",
            {"filter": filterset, "page": page, "query": query.urlencode()},
        )


class TraineeDetailView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR, Role.TRAINEE)

    def get(self, request, pk):
        trainee, visibility = trainee_get_for_user(user=request.user, pk=pk)
        context = {"trainee": trainee, "visibility": visibility}
        if visibility != Visibility.BASIC:
            context["clearance_rows"] = clearance_rows(trainee)
        if visibility == Visibility.FULL:
            context["history"] = trainee_history(trainee)
        return render(request, "trainees/trainee_detail.html", context)


class TraineeEditView(RoleRequiredMixin, View):
    """Create (no pk) or edit a trainee, with clearances and languages on the same page."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.trainee = None
        if pk is not None and request.user.is_authenticated:
            access_require_role(request.user, *self.allowed_roles)
            self.trainee, _visibility = trainee_get_for_user(user=request.user, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        return (
            TraineeForm(data, instance=self.trainee, prefix="trainee"),
            ClearanceFormSet(data, instance=self.trainee, prefix="clearances"),
            LanguageFormSet(data, instance=self.trainee, prefix="languages"),
        )

    def get(self, request):
        return self.render(*self.forms())

    def post(self, request):
        form, clearances, languages = self.forms(request.POST)
        if form.is_valid() and clearances.is_valid() and languages.is_valid():
            trainee = trainee_record_save(form=form, clearances=clearances, languages=languages)
            messages.success(
                request, _("The record of %(name)s was saved.") % {"name": trainee.full_name}
            )
            return redirect("trainees:detail", pk=trainee.pk)
        return self.render(form, clearances, languages, status=400)

    def render(self, form, clearances, languages, status=200):
        context = {
            "form": form,
            "clearances": clearances,
            "languages": languages,
            "trainee": self.trainee,
        }
        return render(self.request, "trainees/trainee_form.html", context, status=status)


class ContactEditView(RoleRequiredMixin, View):
    """A trainee edits their own email and phone, and nothing else."""

    allowed_roles = (Role.TRAINEE,)

    def dispatch(self, request, *args, **kwargs):
        self.trainee = trainee_get_for_user_account(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if self.trainee is None:
            return redirect("portal")
        return self.render(ContactForm(instance=self.trainee))

    def post(self, request):
        if self.trainee is None:
            return redirect("portal")
        form = ContactForm(request.POST, instance=self.trainee)
        if form.is_valid():
            trainee_contact_update(trainee=self.trainee, **form.cleaned_data)
            messages.success(request, _("Your contact details were saved."))
            return redirect("portal")
        return self.render(form, status=400)

    def render(self, form, status=200):
        return render(self.request, "trainees/contact_form.html", {"form": form}, status=status)
