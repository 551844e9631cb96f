from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from cecopam import views

auth_patterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("instructor/", views.InstructorHomeView.as_view(), name="instructor-home"),
    path("me/", views.PortalView.as_view(), name="portal"),
    path("operations/", views.OperationsView.as_view(), name="operations"),
    path("operations.json", views.OperationsJsonView.as_view(), name="operations-json"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("accounts/", include(auth_patterns)),
    # Choosing the language sets a cookie for the display and changes nothing stored, so it
    # needs no CSRF token: the layout's language buttons then carry none, and public pages (the
    # verification page a QR code opens) set no cookie and are the same for every visitor.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("trainees/", include("trainees.urls")),
    path("courses/", include("courses.urls")),
    path("verify/", include("courses.urls.verification")),
    path("readiness/", include("readiness.urls")),
    path("admin/", admin.site.urls),
]
