from django.urls import path

from deskmate.people import views

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.my_profile, name="my_profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/positions/add/", views.position_add, name="position_add"),
    path("profile/positions/<int:position_id>/edit/", views.position_edit, name="position_edit"),
    path(
        "profile/positions/<int:position_id>/delete/", views.position_delete, name="position_delete"
    ),
    path("profile/education/add/", views.education_add, name="education_add"),
    path("profile/education/<int:education_id>/edit/", views.education_edit, name="education_edit"),
    path(
        "profile/education/<int:education_id>/delete/",
        views.education_delete,
        name="education_delete",
    ),
    path("profile/skills/add/", views.skill_add, name="skill_add"),
    path("profile/skills/<int:member_skill_id>/remove/", views.skill_remove, name="skill_remove"),
    path("profile/goals/add/", views.goal_add, name="goal_add"),
    path("profile/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("profile/goals/<int:goal_id>/delete/", views.goal_delete, name="goal_delete"),
    path("profile/offers/add/", views.offer_add, name="offer_add"),
    path("profile/offers/<int:offer_id>/delete/", views.offer_delete, name="offer_delete"),
    path("join/<str:token>/", views.join, name="join"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:member_id>/", views.member_profile, name="member_profile"),
    path("settings/tokens/", views.api_tokens, name="api_tokens"),
    path("settings/my-data/", views.my_data, name="my_data"),
    path("settings/my-data/download/", views.my_data_download, name="my_data_download"),
    path("settings/my-data/delete/", views.my_account_delete, name="my_account_delete"),
    path("settings/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
