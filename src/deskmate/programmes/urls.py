from django.urls import path

from deskmate.programmes import views

one = "programmes/<int:programme_id>/"

urlpatterns = [
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path(one, views.programme_detail, name="programme_detail"),
    path(one + "edit/", views.programme_edit, name="programme_edit"),
    path(one + "coordinators/", views.programme_coordinators, name="programme_coordinators"),
    path(one + "apply/", views.programme_apply, name="programme_apply"),
    path(one + "withdraw/", views.programme_withdraw, name="programme_withdraw"),
    path(one + "ranking/", views.mentee_ranking, name="programme_ranking"),
    path(one + "applications/", views.applications, name="programme_applications"),
    path(
        one + "applications/<int:application_id>/",
        views.application_edit,
        name="programme_application_edit",
    ),
    path(
        one + "applications/<int:application_id>/withdraw/",
        views.application_withdraw,
        name="programme_application_withdraw",
    ),
    path(one + "invite/", views.invite, name="programme_invite"),
    path(
        one + "invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="programme_invitation_resend",
    ),
    path("invitations/<str:token>/", views.invitation_open, name="programme_invitation_open"),
    path(one + "import/", views.import_upload, name="programme_import"),
    path(one + "import/<int:import_id>/", views.import_mapping, name="programme_import_mapping"),
    path(
        one + "import/<int:import_id>/result/", views.import_result, name="programme_import_result"
    ),
    path(one + "pending/", views.pending, name="programme_pending"),
    path(one + "rules/", views.pair_rules, name="programme_rules"),
    path(one + "rules/<int:rule_id>/remove/", views.pair_rule_remove, name="programme_rule_remove"),
    path(one + "attributes/", views.programme_attributes, name="programme_attributes"),
    path(
        one + "attributes/rules/<int:rule_id>/remove/",
        views.attribute_rule_remove,
        name="programme_attribute_rule_remove",
    ),
    path(
        one + "attributes/quotas/<int:quota_id>/remove/",
        views.quota_remove,
        name="programme_quota_remove",
    ),
    path(one + "runs/", views.run_start, name="programme_run_start"),
    path(one + "runs/<int:run_id>/", views.run_detail, name="programme_run"),
    path(one + "runs/<int:run_id>/rule/", views.pair_rule_quick, name="programme_run_rule"),
    path(one + "runs/<int:run_id>/publish/", views.run_publish, name="programme_run_publish"),
    path(one + "health/", views.health, name="programme_health"),
    path(one + "health/nudge/<int:mentorship_id>/", views.pair_nudge, name="programme_pair_nudge"),
    path(one + "report.csv", views.report_csv, name="programme_report_csv"),
]
