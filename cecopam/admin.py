from django.contrib import admin

from cecopam.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["queue", "worker", "seen_at", "beats"]
    readonly_fields = ["queue", "worker", "seen_at", "beats"]
