from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from trainees.models import Institution, Trainee


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name"]


@admin.register(Trainee)
class TraineeAdmin(SimpleHistoryAdmin):
    list_display = [
        "first_surname",
        "second_surname",
        "given_names",
        "rank",
        "institution",
        "nationality",
        "sex",
    ]
    list_filter = ["sex", "un_category", "rank_category", "institution__kind"]
    list_select_related = ["institution"]
    search_fields = ["given_names", "first_surname", "second_surname", "service_number"]
    raw_id_fields = ["user"]
