"""The back office's view of the catalogue, the sessions and the enrolments.

Read-only: every write goes through the app's pages, whose services keep the invariants (the
weights of a course add up to 100, seats and the waitlist, prerequisites) that the admin's
plain forms would bypass. The back office is for looking things up and reading the history.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from courses.models import AssessmentComponent, Course, CourseSession, Enrolment


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssessmentComponentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AssessmentComponent
    fields = ["order", "name_es", "name_en", "weight", "max_score", "pass_mark", "critical"]
    extra = 0


@admin.register(Course)
class CourseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "title_es", "title_en", "category", "hours", "pass_mark"]
    list_filter = ["category"]
    search_fields = ["code", "title_es", "title_en"]
    inlines = [AssessmentComponentInline]


@admin.register(CourseSession)
class CourseSessionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "course", "start_date", "end_date", "venue", "capacity", "status"]
    list_filter = ["status", "language", "course"]
    list_select_related = ["course"]
    search_fields = ["code", "course__code", "venue"]
    date_hierarchy = "start_date"


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["trainee", "session", "status", "requested_at", "total"]
    list_filter = ["status", "session__course"]
    list_select_related = ["trainee", "session__course"]
    search_fields = [
        "trainee__given_names",
        "trainee__first_surname",
        "trainee__second_surname",
        "session__code",
    ]
    raw_id_fields = ["trainee", "session"]
