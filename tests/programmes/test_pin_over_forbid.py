"""A pin over a forbid asks first, with the forbid's reason; it never silently replaces it."""

import re

import pytest

from deskmate.core.models import AuditEntry
from deskmate.programmes import services
from deskmate.programmes.models import PairRule
from tests.conftest import client_for
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def forbid(cohort, coordinator, mentee, mentor):
    return services.pair_rule_set(
        programme=cohort,
        actor=coordinator,
        mentee=mentee,
        mentor=mentor,
        kind="forbid",
        reason="they share a lab",
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode()).replace("&#x27;", "'")


def kinds(programme) -> list[tuple[int, int, str]]:
    return list(programme.pair_rules.values_list("mentee_id", "mentor_id", "kind"))


def test_the_service_refuses_an_unconfirmed_pin_with_the_reason(forbid, cohort, coordinator):
    with pytest.raises(services.PinOverForbid) as asked:
        services.pair_rule_set(
            programme=cohort,
            actor=coordinator,
            mentee=forbid.mentee,
            mentor=forbid.mentor,
            kind="pin",
        )
    day = f"{forbid.created_at:%-d %B %Y}"
    assert asked.value.messages == [
        f"Maya Patel and Daniel Okafor are forbidden because they share a lab (Claire Dubois, {day}); pin anyway?"
    ]
    assert asked.value.rule == forbid
    assert kinds(cohort) == [(forbid.mentee_id, forbid.mentor_id, "forbid")]


def test_the_rules_page_asks_then_pins_when_confirmed(forbid, cohort, as_coordinator):
    url = f"/programmes/{cohort.pk}/rules/"
    asked = as_coordinator.post(
        url, {"mentee": forbid.mentee_id, "mentor": forbid.mentor_id, "kind": "pin"}
    )
    assert asked.status_code == 409
    text = text_of(asked)
    assert "Maya Patel and Daniel Okafor are forbidden because they share a lab" in text
    assert 'id="pin-anyway"' in text and "Keep the forbid" in text
    assert kinds(cohort) == [(forbid.mentee_id, forbid.mentor_id, "forbid")]
    assert not AuditEntry.objects.filter(action="pair_pin").exists()

    pinned = as_coordinator.post(
        url,
        {"mentee": forbid.mentee_id, "mentor": forbid.mentor_id, "kind": "pin", "confirm": "yes"},
    )
    assert pinned.status_code == 302
    assert kinds(cohort) == [(forbid.mentee_id, forbid.mentor_id, "pin")]
    entry = AuditEntry.objects.get(action="pair_pin")
    assert entry.details["replaced_forbid"] == "True"


def test_the_run_page_pin_button_asks_too(forbid, cohort, coordinator, as_coordinator):
    run = services.match_run_start(programme=cohort, actor=coordinator)
    url = f"/programmes/{cohort.pk}/runs/{run.pk}/rule/"
    asked = as_coordinator.post(
        url, {"mentee": forbid.mentee_id, "mentor": forbid.mentor_id, "kind": "pin"}
    )
    assert asked.status_code == 409 and "pin anyway?" in text_of(asked)
    assert f'action="{url}"' in asked.content.decode()
    assert PairRule.objects.get().kind == "forbid"
    as_coordinator.post(
        url,
        {"mentee": forbid.mentee_id, "mentor": forbid.mentor_id, "kind": "pin", "confirm": "yes"},
    )
    assert PairRule.objects.get().kind == "pin"


def test_a_forbid_without_a_reason_says_so(cohort, coordinator, mentee, mentor):
    services.pair_rule_set(
        programme=cohort, actor=coordinator, mentee=mentee, mentor=mentor, kind="forbid"
    )
    with pytest.raises(services.PinOverForbid) as asked:
        services.pair_rule_set(
            programme=cohort, actor=coordinator, mentee=mentee, mentor=mentor, kind="pin"
        )
    assert "no reason was given" in asked.value.messages[0]


def test_the_api_answers_409_with_the_reason_unless_confirmed(forbid, cohort, coordinator):
    client = bearer(coordinator)
    url = f"/api/v1/programmes/{cohort.pk}/rules"
    body = {"mentee_id": forbid.mentee_id, "mentor_id": forbid.mentor_id, "kind": "pin"}
    asked = client.post(url, body, content_type="application/json")
    assert asked.status_code == 409
    answer = asked.json()
    assert answer["code"] == "pin_over_forbid"
    assert answer["forbid"]["id"] == forbid.pk and answer["forbid"]["reason"] == "they share a lab"
    assert answer["detail"].startswith(
        "Maya Patel and Daniel Okafor are forbidden because they share a lab"
    )
    assert PairRule.objects.get().kind == "forbid"
    pinned = client.post(url, {**body, "confirm": True}, content_type="application/json")
    assert pinned.status_code == 201 and pinned.json()["kind"] == "pin"
    assert PairRule.objects.get().kind == "pin"


def test_bad_rule_input_is_422_naming_the_field(cohort, coordinator, mentee, mentor):
    client = bearer(coordinator)
    url = f"/api/v1/programmes/{cohort.pk}/rules"
    too_long = client.post(
        url,
        {"mentee_id": mentee.pk, "mentor_id": mentor.pk, "kind": "forbid", "reason": "x" * 301},
        content_type="application/json",
    )
    assert too_long.status_code == 422 and "reason" in str(too_long.json()["detail"])
    wrong_kind = client.post(
        url,
        {"mentee_id": mentee.pk, "mentor_id": mentor.pk, "kind": "maybe"},
        content_type="application/json",
    )
    assert wrong_kind.status_code == 422 and "kind" in str(wrong_kind.json()["detail"])
    assert PairRule.objects.count() == 0


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_members_cannot_pin_over_a_forbid(request, forbid, cohort, who):
    member = request.getfixturevalue(who)
    body = {"mentee": forbid.mentee_id, "mentor": forbid.mentor_id, "kind": "pin", "confirm": "yes"}
    assert client_for(member).post(f"/programmes/{cohort.pk}/rules/", body).status_code == 404
    api = bearer(member).post(
        f"/api/v1/programmes/{cohort.pk}/rules",
        {
            "mentee_id": forbid.mentee_id,
            "mentor_id": forbid.mentor_id,
            "kind": "pin",
            "confirm": True,
        },
        content_type="application/json",
    )
    assert api.status_code == 404
    assert kinds(cohort) == [(forbid.mentee_id, forbid.mentor_id, "forbid")]


def test_a_reason_naming_someone_loses_the_name_when_they_are_erased(
    cohort, coordinator, mentee, mentor, second_mentor
):
    from deskmate.people import data_rights

    rule = services.pair_rule_set(
        programme=cohort,
        actor=coordinator,
        mentee=mentee,
        mentor=mentor,
        kind="forbid",
        reason="Olivia Reyes says they share a lab",
    )
    data_rights.member_erase(member=second_mentor, actor=second_mentor)
    rule.refresh_from_db()
    assert "Olivia" not in rule.reason and "share a lab" in rule.reason
