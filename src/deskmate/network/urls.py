from django.urls import path

from deskmate.network import views

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/columns/", views.import_mapping, name="import_mapping"),
    path("imports/<int:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:job_id>/matches/", views.import_matches, name="import_matches"),
    path("imports/mappings/", views.people_mappings, name="people_mappings"),
    path(
        "imports/mappings/<int:mapping_id>/", views.people_mapping_edit, name="people_mapping_edit"
    ),
    path(
        "imports/mappings/<int:mapping_id>/delete/",
        views.people_mapping_delete,
        name="people_mapping_delete",
    ),
    path("contacts/", views.contacts, name="contacts"),
    path("suggestions/mentors/", views.mentor_suggestions, name="mentor_suggestions"),
    path("suggestions/copilots/", views.copilot_suggestions, name="copilot_suggestions"),
    path("network/", views.network_page, name="network"),
    path("network/map.json", views.network_map_data, name="network_map_data"),
    path("network/interactions/", views.interactions, name="interactions"),
    path(
        "network/interactions/<int:interaction_id>/delete/",
        views.interaction_delete,
        name="interaction_delete",
    ),
    path("members/<int:member_id>/log/", views.interaction_log, name="interaction_log"),
    path("members/<int:member_id>/introduction/", views.introduction_ask, name="introduction_ask"),
    path("introductions/", views.introductions, name="introductions"),
    path(
        "introductions/<int:introduction_id>/answer/",
        views.introduction_answer,
        name="introduction_answer",
    ),
    path(
        "introductions/<int:introduction_id>/withdraw/",
        views.introduction_withdraw,
        name="introduction_withdraw",
    ),
]
