import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from trainees.models import Clearance, Institution, Trainee
from trainees.selectors import CLEARANCE_STATE_LABELS, clearance_state_filter, trainee_search


class TraineeFilter(django_filters.FilterSet):
    """The trainee list's search box, filters and sort order (all in the query string)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name or service number"), "type": "search"}
        ),
    )
    nationality = django_filters.ChoiceFilter(label=_("Nationality"), choices=[])
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=Institution.objects.order_by("name")
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Trainee.Sex.choices)
    un_category = django_filters.ChoiceFilter(
        label=_("UN personnel category"), choices=Trainee.UNCategory.choices
    )
    clearance_kind = django_filters.ChoiceFilter(
        label=_("Clearance"), choices=Clearance.Kind.choices, method="filter_nothing"
    )
    clearance_state = django_filters.ChoiceFilter(
        label=_("Clearance state"),
        choices=list(CLEARANCE_STATE_LABELS.items()),
        method="filter_clearance_state",
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("first_surname", "surname"),
            ("nationality", "nationality"),
            ("institution__name", "institution"),
            ("rank", "rank"),
            ("created_at", "created"),
        ),
        field_labels={
            "first_surname": _("Surname"),
            "nationality": _("Nationality"),
            "institution__name": _("Institution"),
            "rank": _("Rank"),
            "created_at": _("Date added"),
        },
    )

    class Meta:
        model = Trainee
        fields = ["q", "nationality", "institution", "sex", "un_category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Country names in the language of the page, computed per request.
        self.filters["nationality"].extra["choices"] = list(countries)

    def filter_search(self, queryset, name, value):
        return trainee_search(queryset, value)

    def filter_nothing(self, queryset, name, value):
        return queryset  # read together with the state, below

    def filter_clearance_state(self, queryset, name, value):
        kind = self.form.cleaned_data.get("clearance_kind") or ""
        return queryset.filter(clearance_state_filter(state=value, kind=kind))

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("order"):
            queryset = queryset.order_by("first_surname", "second_surname", "given_names", "pk")
        return queryset
