"""The audit log: who changed what, and when — one entry per write made through a service.

Every kind of entry is an :class:`AuditEvent`, so the full list of what deskmate
records is in one place (and a typo is a type error, not a new kind of entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import models

from deskmate.core.models import AuditEntry

if TYPE_CHECKING:
    from deskmate.people.models import Member


class AuditEvent(models.TextChoices):
    AGREEMENT_UPDATE = "agreement_update", "Agreement update"
    APPLICATION_ATTRIBUTES_SET = "application_attributes_set", "Application attributes set"
    ATTRIBUTE_DECLARE = "attribute_declare", "Attribute declare"
    ATTRIBUTE_RULE_ADD = "attribute_rule_add", "Attribute rule add"
    ATTRIBUTE_RULE_REMOVE = "attribute_rule_remove", "Attribute rule remove"
    API_TOKEN_CREATE = "api_token_create", "Api token create"
    API_TOKEN_REVOKE = "api_token_revoke", "Api token revoke"
    APPLICATION_CREATE = "application_create", "Application create"
    APPLICATION_UPDATE = "application_update", "Application update"
    APPLICATION_IMPORT_APPLY = "application_import_apply", "Application import apply"
    APPLICATION_IMPORT_CREATE = "application_import_create", "Application import create"
    APPLICATION_WITHDRAW = "application_withdraw", "Application withdraw"
    APPLICATIONS_IMPORT = "applications_import", "Applications import"
    AVAILABILITY_UPDATE = "availability_update", "Availability update"
    BLOCK_CREATE = "block_create", "Block create"
    BLOCK_REMOVE = "block_remove", "Block remove"
    CALENDAR_FEED_CREATE = "calendar_feed_create", "Calendar feed create"
    CALENDAR_FEED_REVOKE = "calendar_feed_revoke", "Calendar feed revoke"
    CHECKIN_ACCEPT = "checkin_accept", "Checkin accept"
    CHECKIN_CANCEL = "checkin_cancel", "Checkin cancel"
    CHECKIN_MOVE = "checkin_move", "Checkin move"
    CHECKIN_PROPOSE = "checkin_propose", "Checkin propose"
    CHECKIN_RECORD = "checkin_record", "Checkin record"
    DEMO_COMMUNITY_LOAD = "demo_community_load", "Demo community load"
    EDUCATION_CREATE = "education_create", "Education create"
    EDUCATION_DELETE = "education_delete", "Education delete"
    EDUCATION_UPDATE = "education_update", "Education update"
    FEEDBACK_GIVE = "feedback_give", "Feedback give"
    GOAL_CREATE = "goal_create", "Goal create"
    GROUP_CREATE_FROM_MATCH = "group_create_from_match", "Group create from match"
    GROUP_JOIN = "group_join", "Group join"
    GROUP_LEAVE = "group_leave", "Group leave"
    GOAL_DELETE = "goal_delete", "Goal delete"
    GOAL_UPDATE = "goal_update", "Goal update"
    IMPORT_CONFIRM = "import_confirm", "Import confirm"
    IMPORT_JOB_CREATE = "import_job_create", "Import job create"
    IMPORT_JOB_MAP = "import_job_map", "Import job map"
    IMPORT_MATCHES_ANSWER = "import_matches_answer", "Import possible matches answer"
    INTERACTION_DELETE = "interaction_delete", "Interaction delete"
    INTERACTION_LOG = "interaction_log", "Interaction log"
    INTRODUCTION_ANSWER = "introduction_answer", "Introduction answer"
    INTRODUCTION_REQUEST = "introduction_request", "Introduction request"
    INTRODUCTION_WITHDRAW = "introduction_withdraw", "Introduction withdraw"
    INVITATION_CREATE = "invitation_create", "Invitation create"
    LINKEDIN_IMPORT = "linkedin_import", "Linkedin import"
    MATCH_RUN_PUBLISH = "match_run_publish", "Match run publish"
    MATCH_RUN_PUBLISH_QUEUE = "match_run_publish_queue", "Match run publish queue"
    INVITATION_RESEND = "invitation_resend", "Invitation resend"
    INVITATION_DECLINE = "invitation_decline", "Invitation decline"
    PAIR_NUDGE = "pair_nudge", "Pair nudge"
    MEMBER_ADD_EMAIL = "member_add_email", "Member add e-mail"
    MATCH_RUN_START = "match_run_start", "Match run start"
    MEMBER_CREATE = "member_create", "Member create"
    MEMBER_ERASE = "member_erase", "Member erase"
    MEMBER_EXPORT = "member_export", "Member export"
    MEMBER_SET_ROLE = "member_set_role", "Member set role"
    MENTORSHIP_ACCEPT = "mentorship_accept", "Mentorship accept"
    MENTORSHIP_ANSWER_INFO = "mentorship_answer_info", "Mentorship answer info"
    MENTORSHIP_ASK_INFO = "mentorship_ask_info", "Mentorship ask info"
    MENTORSHIP_COMPLETE = "mentorship_complete", "Mentorship complete"
    MENTORSHIP_CREATE_FROM_MATCH = "mentorship_create_from_match", "Mentorship create from match"
    MENTORSHIP_DECLINE = "mentorship_decline", "Mentorship decline"
    MENTORSHIP_END_EARLY = "mentorship_end_early", "Mentorship end early"
    MENTORSHIP_EXPIRE = "mentorship_expire", "Mentorship expire"
    MENTORSHIP_REQUEST = "mentorship_request", "Mentorship request"
    MENTORSHIP_WITHDRAW = "mentorship_withdraw", "Mentorship withdraw"
    MESSAGE_POST = "message_post", "Message post"
    MILESTONE_COMPLETE = "milestone_complete", "Milestone complete"
    MILESTONE_CREATE = "milestone_create", "Milestone create"
    OFFER_CREATE = "offer_create", "Offer create"
    OFFER_DELETE = "offer_delete", "Offer delete"
    PAIR_FORBID = "pair_forbid", "Pair forbid"
    PAIR_PIN = "pair_pin", "Pair pin"
    PAIR_RULE_REMOVE = "pair_rule_remove", "Pair rule remove"
    QUOTA_ADD = "quota_add", "Quota add"
    QUOTA_REMOVE = "quota_remove", "Quota remove"
    PEOPLE_IMPORT = "people_import", "People import"
    PEOPLE_MAPPING_DELETE = "people_mapping_delete", "People mapping delete"
    PEOPLE_MAPPING_SAVE = "people_mapping_save", "People mapping save"
    PEOPLE_MAPPING_UPDATE = "people_mapping_update", "People mapping update"
    POSITION_CREATE = "position_create", "Position create"
    POSITION_DELETE = "position_delete", "Position delete"
    POSITION_UPDATE = "position_update", "Position update"
    PREFERENCE_UPDATE = "preference_update", "Preference update"
    PENDING_APPLICANT_LEAVE_OUT = "pending_applicant_leave_out", "Pending applicant leave out"
    PROFILE_UPDATE = "profile_update", "Profile update"
    PROGRAMME_CREATE = "programme_create", "Programme create"
    PROGRAMME_UPDATE = "programme_update", "Programme update"
    PROGRAMME_COORDINATOR_ADD = "programme_coordinator_add", "Programme coordinator added"
    PROGRAMME_COORDINATOR_REMOVE = "programme_coordinator_remove", "Programme coordinator removed"
    REPORT_CREATE = "report_create", "Report create"
    REPORT_RESOLVE = "report_resolve", "Report resolve"
    SKILL_ADD = "skill_add", "Skill add"
    SKILL_REMOVE = "skill_remove", "Skill remove"
    SURVEY_ANSWER = "survey_answer", "Survey answer"
    TIES_REFRESH_ALL = "ties_refresh_all", "Ties refresh all"
    VCARD_IMPORT = "vcard_import", "Vcard import"


def audit(
    *,
    actor: Member | None,
    action: AuditEvent,
    subject: models.Model | None = None,
    **details: object,
) -> AuditEntry:
    """Record one write: the acting member (``None`` for the system), what, on which object."""
    return AuditEntry.objects.create(
        actor=actor,
        action=AuditEvent(action),
        subject_type=subject._meta.model_name if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        details={key: str(value) for key, value in details.items()},
    )


def audit_many(
    *,
    actor: Member | None,
    action: AuditEvent,
    subjects: Sequence[models.Model],
    **details: object,
) -> int:
    """Record one write per subject in a few inserts: what a bulk service does, row by row."""
    entries = [
        AuditEntry(
            actor=actor,
            action=AuditEvent(action),
            subject_type=str(subject._meta.model_name),
            subject_id=subject.pk,
            details={key: str(value) for key, value in details.items()},
        )
        for subject in subjects
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
