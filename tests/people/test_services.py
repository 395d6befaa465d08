import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from deskmate.core.models import AuditEntry
from deskmate.people import services
from deskmate.people.models import (
    Education,
    Organisation,
    Position,
    School,
    Skill,
    SkillAlias,
)

pytestmark = pytest.mark.django_db


def test_member_create_signs_in_by_email(mentee):
    from django.contrib.auth import authenticate

    from tests.conftest import PASSWORD

    assert authenticate(username="MAYA@example.org".lower(), password=PASSWORD).member == mentee


def test_member_create_refuses_a_second_account_for_the_same_email(mentee):
    with pytest.raises(ValidationError) as error:
        services.member_create(email="Maya@Example.org", password="x" * 12, first_name="Maya")
    assert error.value.message_dict == {"email": [services.EMAIL_TAKEN]}


def test_organisations_with_equivalent_names_are_one(mentee):
    services.position_create(
        member=mentee,
        actor=mentee,
        organisation="Acme Inc.",
        title="Engineer",
        start=dt.date(2020, 1, 1),
    )
    services.position_create(
        member=mentee,
        actor=mentee,
        organisation="ACME, Inc",
        title="Senior Engineer",
        start=dt.date(2022, 1, 1),
    )
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Acme Inc."]
    assert Position.objects.filter(member=mentee, organisation__name="Acme Inc.").count() == 2


def test_position_ending_before_it_starts_is_refused_and_nothing_is_saved(mentee):
    with pytest.raises(ValidationError) as error:
        services.position_create(
            member=mentee,
            actor=mentee,
            organisation="Globex",
            unit="Payments",
            title="Engineer",
            start=dt.date(2021, 5, 1),
            end=dt.date(2020, 5, 1),
        )
    assert error.value.message_dict == {"end": ["The end date is before the start date."]}
    assert Position.objects.count() == 0
    # The shared records made on the way are rolled back with it.
    assert Organisation.objects.count() == 0
    assert AuditEntry.objects.filter(action="position_create").count() == 0


def test_position_in_the_future_is_refused(mentee):
    with pytest.raises(ValidationError) as error:
        services.position_create(
            member=mentee,
            actor=mentee,
            organisation="Globex",
            title="Engineer",
            start=dt.date.today() + dt.timedelta(days=30),
        )
    assert error.value.message_dict == {"start": ["The date is in the future."]}


def test_position_needs_an_organisation(mentee):
    with pytest.raises(ValidationError) as error:
        services.position_create(
            member=mentee,
            actor=mentee,
            organisation="   ",
            title="Engineer",
            start=dt.date(2020, 1, 1),
        )
    assert error.value.message_dict == {"organisation": ["Name the organisation."]}


def test_position_create_writes_an_audit_entry(mentee):
    position = services.position_create(
        member=mentee,
        actor=mentee,
        organisation="Acme",
        unit="Payments",
        title="Engineer",
        start=dt.date(2020, 1, 1),
    )
    entry = AuditEntry.objects.get(action="position_create")
    assert (entry.actor, entry.subject_type, entry.subject_id) == (mentee, "position", position.pk)
    assert position.unit.name == "Payments" and position.unit.organisation == position.organisation


def test_education_without_dates_is_allowed_and_schools_are_shared(mentee, mentor):
    services.education_create(
        member=mentee, actor=mentee, school="The University of Northfield", degree="BSc"
    )
    services.education_create(
        member=mentor, actor=mentor, school="University of Northfield", degree="MSc"
    )
    assert School.objects.count() == 1
    assert Education.objects.filter(start__isnull=True).count() == 2


def test_skill_aliases_resolve_to_the_skill(mentee):
    javascript = Skill.objects.create(
        name="JavaScript", normalised_name=Skill.normalise("JavaScript")
    )
    SkillAlias.objects.create(skill=javascript, normalised_name=Skill.normalise("JS"))
    held = services.skill_add(member=mentee, actor=mentee, name="js")
    again = services.skill_add(member=mentee, actor=mentee, name="JavaScript")
    assert held.pk == again.pk and held.skill == javascript
    assert mentee.skills.count() == 1


def test_goal_with_target_skill(mentee):
    goal = services.goal_create(
        member=mentee,
        actor=mentee,
        text="Lead a team",
        target_role="Engineering Manager",
        target_skill="People management",
    )
    assert (goal.text, goal.target_role, goal.target_skill.name) == (
        "Lead a team",
        "Engineering Manager",
        "People management",
    )


def test_goal_needs_text(mentee):
    with pytest.raises(ValidationError):
        services.goal_create(member=mentee, actor=mentee, text="  ")
    assert mentee.goals.count() == 0


def test_open_to_mentoring_needs_a_capacity(mentee):
    with pytest.raises(ValidationError) as error:
        services.profile_update(
            member=mentee, actor=mentee, open_to_mentoring=True, mentee_capacity=0
        )
    assert "mentee_capacity" in error.value.message_dict
    mentee.refresh_from_db()
    assert mentee.open_to_mentoring is False


def test_api_token_keeps_only_a_hash(mentee):
    token, raw = services.api_token_create(member=mentee, name="laptop")
    assert raw.startswith("dm_") and raw not in (token.key_hash, token.prefix + "x")
    assert token.key_hash == services.api_token_hash(raw)
