from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin, access_require_role
from trainees.exports import (
    trainee_export_csv,
    trainee_export_xlsx,
    trainee_import_template_xlsx,
)
from trainees.filters import TraineeFilter
from trainees.forms import (
    ClearanceFormSet,
    ContactForm,
    ImportUploadForm,
    LanguageFormSet,
    TraineeForm,
)
from trainees.imports import import_commit, import_preview
from trainees.record_sections import record_sections
from trainees.selectors import (
    Visibility,
    clearance_rows,
    trainee_get_for_user,
    trainee_get_for_user_account,
    trainee_history,
    trainee_list_clearance_counts,
    trainee_list_for_user,
)
from trainees.services import (
    import_upload_discard,
    import_upload_load,
    import_upload_store,
    trainee_contact_update,
    trainee_record_save,
)

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TraineeListView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        filterset = TraineeFilter(request.GET, queryset=trainee_list_for_user(user=request.user))
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = trainee_list_clearance_counts(page.object_list)
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
        context = {
            "trainee": trainee,
            "visibility": visibility,
            "record_sections": record_sections(trainee=trainee, visibility=visibility),
        }
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


# ------------------------------------------------------------------ import and export
IMPORT_SESSION_KEY = "trainee_import_token"
PREVIEW_ROWS_SHOWN = 200


class TraineeImportView(RoleRequiredMixin, View):
    """Upload → preview (what will be created, updated, left alone; every error) → import."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        return self.render(ImportUploadForm())

    def post(self, request):
        if "token" in request.POST:
            return self.commit(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = import_preview(data=data, filename=upload.name)
        self.discard_pending(request)
        token = ""
        if preview.ok:
            token = import_upload_store(data=data, filename=upload.name)
            request.session[IMPORT_SESSION_KEY] = token
        return self.render(
            ImportUploadForm(), preview=preview, token=token, status=200 if preview.ok else 400
        )

    def commit(self, request):
        token = request.POST["token"]
        pending = None
        if token and token == request.session.get(IMPORT_SESSION_KEY):
            pending = import_upload_load(token=token)
        if pending is None:
            messages.error(request, _("That import is no longer waiting: upload the file again."))
            return redirect("trainees:import")
        data, filename = pending
        result = import_commit(data=data, filename=filename, user=request.user)
        if not result.ok:
            return self.render(ImportUploadForm(), preview=result, status=400)
        self.discard_pending(request)
        counts = result.counts
        messages.success(
            request,
            _("Imported %(file)s: %(create)d created, %(update)d updated, %(unchanged)d unchanged.")
            % {"file": filename, **counts},
        )
        return redirect("trainees:list")

    def discard_pending(self, request):
        token = request.session.pop(IMPORT_SESSION_KEY, "")
        if token:
            import_upload_discard(token=token)

    def render(self, form, *, preview=None, token="", status=200):
        context = {"form": form, "preview": preview, "token": token, "shown": PREVIEW_ROWS_SHOWN}
        return render(self.request, "trainees/trainee_import.html", context, status=status)


class ImportTemplateView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        response = HttpResponse(content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="cecopam-trainees-template.xlsx"'
        trainee_import_template_xlsx(stream=response)
        return response


class TraineeExportView(RoleRequiredMixin, View):
    """The list as it is filtered on screen, as CSV or XLSX."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request, fmt):
        filterset = TraineeFilter(request.GET, queryset=trainee_list_for_user(user=request.user))
        trainees = filterset.qs.iterator(chunk_size=2000)
        stamp = timezone.localdate().isoformat()
        if fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            trainee_export_csv(trainees=trainees, stream=response)
        else:
            response = HttpResponse(content_type=XLSX)
            trainee_export_xlsx(trainees=trainees, stream=response)
        response["Content-Disposition"] = f'attachment; filename="cecopam-trainees-{stamp}.{fmt}"'
        return response
