from django.urls import path

from trainees import views

app_name = "trainees"

urlpatterns = [
    path("", views.TraineeListView.as_view(), name="list"),
    path("new/", views.TraineeEditView.as_view(), name="create"),
    path("<int:pk>/", views.TraineeDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.TraineeEditView.as_view(), name="edit"),
    path("me/contact/", views.ContactEditView.as_view(), name="contact"),
    path("import/", views.TraineeImportView.as_view(), name="import"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import-template"),
    path("export.csv", views.TraineeExportView.as_view(), {"fmt": "csv"}, name="export-csv"),
    path("export.xlsx", views.TraineeExportView.as_view(), {"fmt": "xlsx"}, name="export-xlsx"),
]
