from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cecopam.models import WorkerHeartbeat

admin.site.site_header = _("CECOPAM Training Manager")
admin.site.site_title = _("CECOPAM")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["queue", "worker", "seen_at", "beats"]
    readonly_fields = ["queue", "worker", "seen_at", "beats"]
