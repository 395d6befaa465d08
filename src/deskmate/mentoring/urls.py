from django.urls import path

from deskmate.mentoring import views

one = "mentorships/<int:mentorship_id>/"
group = "groups/<int:group_id>/"

urlpatterns = [
    path("mentorships/", views.mentorships, name="mentorships"),
    path("mentorships/ask/<int:member_id>/", views.mentorship_ask, name="mentorship_ask"),
    path("mentorships/availability/", views.mentoring_availability, name="mentoring_availability"),
    path("mentorships/overview/", views.mentorship_overview, name="mentorship_overview"),
    path(one, views.mentorship_detail, name="mentorship_detail"),
    path(one + "accept/", views.mentorship_accept, name="mentorship_accept"),
    path(one + "decline/", views.mentorship_decline, name="mentorship_decline"),
    path(one + "ask-info/", views.mentorship_ask_info, name="mentorship_ask_info"),
    path(one + "answer-info/", views.mentorship_answer_info, name="mentorship_answer_info"),
    path(one + "withdraw/", views.mentorship_withdraw, name="mentorship_withdraw"),
    path(one + "complete/", views.mentorship_complete, name="mentorship_complete"),
    path(one + "end/", views.mentorship_end_early, name="mentorship_end_early"),
    path(one + "timeline/", views.mentorship_timeline, name="mentorship_timeline"),
    path(one + "agreement/", views.mentorship_agreement, name="mentorship_agreement"),
    path(one + "milestones/", views.mentorship_milestones, name="mentorship_milestones"),
    path(
        one + "milestones/<int:milestone_id>/done/",
        views.milestone_complete,
        name="milestone_complete",
    ),
    path(one + "checkins/", views.mentorship_checkins, name="mentorship_checkins"),
    path(one + "checkins/next.ics", views.mentorship_calendar, name="mentorship_calendar"),
    path(one + "checkins/propose/", views.checkin_propose, name="checkin_propose"),
    path(one + "checkins/planned/<int:planned_id>/move/", views.checkin_move, name="checkin_move"),
    path(
        one + "checkins/planned/<int:planned_id>/accept/",
        views.checkin_accept,
        name="checkin_accept",
    ),
    path(
        one + "checkins/planned/<int:planned_id>/cancel/",
        views.checkin_cancel,
        name="checkin_cancel",
    ),
    path(
        one + "checkins/planned/<int:planned_id>/invitation.ics",
        views.planned_checkin_calendar,
        name="planned_checkin_calendar",
    ),
    path(one + "messages/", views.mentorship_messages, name="mentorship_messages"),
    path(
        one + "messages/new/",
        views.mentorship_messages_fragment,
        name="mentorship_messages_fragment",
    ),
    path(
        "introductions/<int:introduction_id>/messages/",
        views.introduction_messages,
        name="introduction_messages",
    ),
    path(
        "introductions/<int:introduction_id>/messages/new/",
        views.introduction_messages_fragment,
        name="introduction_messages_fragment",
    ),
    path(group, views.group_detail, name="group_detail"),
    path(group + "agreement/", views.group_agreement, name="group_agreement"),
    path(group + "milestones/", views.group_milestone_add, name="group_milestone_add"),
    path(
        group + "milestones/<int:milestone_id>/done/",
        views.group_milestone_complete,
        name="group_milestone_complete",
    ),
    path(group + "checkins/", views.group_checkin_add, name="group_checkin_add"),
    path(group + "leave/", views.group_leave, name="group_leave"),
    path(group + "messages/", views.group_messages, name="group_messages"),
    path(group + "messages/new/", views.group_messages_fragment, name="group_messages_fragment"),
    path("messages/", views.threads, name="threads"),
    path("settings/calendar/", views.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(one + "feedback/", views.mentorship_feedback, name="mentorship_feedback"),
    path(one + "surveys/", views.mentorship_surveys, name="mentorship_surveys"),
    path(one + "report/", views.report_mentorship, name="report_mentorship"),
    path("safety/blocks/", views.blocks, name="blocks"),
    path("safety/block/<int:member_id>/", views.member_block, name="member_block"),
    path("safety/blocks/<int:member_id>/remove/", views.block_remove, name="block_remove"),
    path("safety/report/<int:member_id>/", views.report_member, name="report_member"),
    path("safety/my-reports/", views.my_reports, name="my_reports"),
    path("safety/reports/", views.reports, name="reports"),
    path("safety/reports/<int:report_id>/", views.report_detail, name="report_detail"),
]
