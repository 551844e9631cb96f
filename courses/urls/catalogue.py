"""URLs of the catalogue pages."""

from django.urls import path

from courses.views.catalogue import CourseDetailView, CourseEditView, CourseListView

urlpatterns = [
    path("", CourseListView.as_view(), name="course-list"),
    path("new/", CourseEditView.as_view(), name="course-create"),
    path("<int:pk>/", CourseDetailView.as_view(), name="course-detail"),
    path("<int:pk>/edit/", CourseEditView.as_view(), name="course-edit"),
]
