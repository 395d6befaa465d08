from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from deskmate.api import api
from deskmate.limits.guards import limited, posted_email
from deskmate.people import sso
from deskmate.people.forms import PasswordLinkForm
from deskmate.serving import views as serving_views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sso/", sso.SignOnStart.as_view(), name="oidc_authentication_init"),
    path(
        "accounts/sso/callback/",
        sso.SignOnCallback.as_view(),
        name="oidc_authentication_callback",
    ),
    # Setting a first password and resetting a forgotten one are the same e-mailed link.
    path(
        "accounts/password/",
        limited("password_link", account=posted_email)(
            auth_views.PasswordResetView.as_view(
                form_class=PasswordLinkForm,
                extra_email_context={"site_url": settings.SITE_URL},
                subject_template_name="registration/password_link_subject.txt",
                email_template_name="registration/password_link_email.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("health/", serving_views.health, name="health"),
    path("favicon.ico", serving_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("deskmate.network.urls")),
    path("", include("deskmate.mentoring.urls")),
    path("", include("deskmate.notifications.urls")),
    path("", include("deskmate.programmes.urls")),
    path("", include("deskmate.people.urls")),
]
