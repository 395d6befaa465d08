"""Mentors rank mentees on the form, on the ranking page, through the API and in the import.

Whichever way the two sides' rankings come in, a stable run on the `matching`
library's published hospital/resident game gives the library's answer.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from deskmate.programmes import services
from deskmate.programmes.models import Application, ApplicationImport, MatchRun, Programme
from tests.conftest import client_for, make_member
from tests.engine.test_stable import (
    HR_CAPACITIES,
    HR_HOSPITALS,
    HR_RESIDENTS,
    blocking_pairs,
    library_answer,
)
from tests.people.test_api import bearer
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db

SURNAME = {"Mercy": "Adeyemi", "City": "Brandt", "General": "Castillo"}


def email(name):
    return f"{name.lower()}@example.org"


def full_name(name):
    return f"{name} {SURNAME.get(name, 'Novak')}"


# ---------------------------------------------------------------- the import

HEADER = (
    "Timestamp,Full name,Email address,I join as,How many mentees can you take?,"
    "Who would you like to be matched with? (best first)\n"
)
IMPORT_MAPPING = {
    "Timestamp": "ignore",
    "Full name": "name",
    "Email address": "email",
    "I join as": "role",
    "How many mentees can you take?": "capacity",
    "Who would you like to be matched with? (best first)": "ranking",
}


def game_file():
    """The library's game as a form tool's export: mentees name mentors, mentors give e-mails."""
    lines = []
    for name, ranked in HR_RESIDENTS.items():
        choices = ", ".join(full_name(h) for h in ranked)
        lines.append(f'2025-03-01 10:00,{full_name(name)},{email(name)},Mentee,,"{choices}"')
    for name, ranked in HR_HOSPITALS.items():
        choices = "; ".join(email(r) for r in ranked)
        lines.append(
            f'2025-03-02 09:00,{full_name(name)},{email(name)},Mentor,{HR_CAPACITIES[name]},"{choices}"'
        )
    return HEADER + "\n".join(lines) + "\n"


def run_import(programme, coordinator, content, mapping=IMPORT_MAPPING):
    upload = services.application_import_create(
        programme=programme, actor=coordinator, file_name="responses.csv", payload=content.encode()
    )
    return services.application_import_apply(upload=upload, actor=coordinator, mapping=mapping)


@pytest.fixture
def game_programme(coordinator):
    return services.programme_create(actor=coordinator, name="Hospital game", capacity_per_mentor=2)


def proposal(run):
    return {pair.mentee.first_name: pair.mentor.first_name for pair in run.pairs.all()}


def test_the_ranking_column_is_guessed(game_programme, coordinator):
    upload = services.application_import_create(
        programme=game_programme,
        actor=coordinator,
        file_name="responses.csv",
        payload=game_file().encode(),
    )
    assert upload.mapping == IMPORT_MAPPING


def test_an_imported_game_is_matched_as_the_library_does(game_programme, coordinator):
    upload = run_import(game_programme, coordinator, game_file())
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary["created"] == 8
    dani = Application.objects.get(member__user__email="dani@example.org")
    assert dani.mentor_preferences == [
        Application.objects.get(member__first_name=h).member_id
        for h in ("City", "Mercy", "General")
    ]
    mercy = Application.objects.get(member__first_name="Mercy")
    assert len(mercy.mentee_preferences) == 4
    run = services.match_run_start(
        programme=game_programme, actor=coordinator, method="stable", background=False
    )
    assert proposal(run) == library_answer(HR_RESIDENTS, HR_HOSPITALS, HR_CAPACITIES, "resident")
    assert run.metrics["blocking_pairs"] == 0


def test_importing_the_same_file_again_changes_nothing(game_programme, coordinator):
    run_import(game_programme, coordinator, game_file())
    before = list(
        Application.objects.order_by("id").values_list("mentor_preferences", "mentee_preferences")
    )
    again = run_import(game_programme, coordinator, game_file())
    assert again.summary == {
        "members_created": 0,
        "members_found": 8,
        "created": 0,
        "updated": 0,
        "unchanged": 8,
        "members_linked": 0,
        "pending": 0,
        "notes": [],
    }
    after = list(
        Application.objects.order_by("id").values_list("mentor_preferences", "mentee_preferences")
    )
    assert after == before


def test_a_file_without_a_ranking_column_keeps_the_rankings(game_programme, coordinator):
    run_import(game_programme, coordinator, game_file())
    before = list(
        Application.objects.order_by("id").values_list("mentor_preferences", "mentee_preferences")
    )
    mapping = {**IMPORT_MAPPING, "Who would you like to be matched with? (best first)": "ignore"}
    again = run_import(game_programme, coordinator, game_file(), mapping=mapping)
    assert again.status == ApplicationImport.Status.DONE
    after = list(
        Application.objects.order_by("id").values_list("mentor_preferences", "mentee_preferences")
    )
    assert after == before


def test_an_unknown_ranked_person_refuses_the_whole_file(game_programme, coordinator):
    content = game_file().replace("Mercy Adeyemi", "Mercy Smith", 1)
    upload = run_import(game_programme, coordinator, content)
    assert upload.status == ApplicationImport.Status.FAILED
    assert upload.errors == [
        'responses.csv, row 3, "Who would you like to be matched with? (best first)": '
        '"Mercy Smith" is not a mentor of this programme or of this file'
    ]
    assert Application.objects.count() == 0


def test_a_name_two_mentors_share_asks_for_the_address(game_programme, coordinator):
    content = game_file() + ("2025-03-03 09:00,City Brandt,city2@example.org,Mentor,1,\n")
    upload = run_import(game_programme, coordinator, content)
    assert upload.status == ApplicationImport.Status.FAILED
    assert any(
        '"City Brandt" names 2 mentors of this programme; give their e-mail address' in error
        for error in upload.errors
    )
    assert Application.objects.count() == 0


# ---------------------------------------------------------------- the API


def test_a_game_built_through_the_api_gives_the_library_mentor_optimal_matching(coordinator):
    created = bearer(coordinator).post(
        "/api/v1/programmes",
        {
            "name": "API game",
            "capacity_per_mentor": 2,
            "mentor_weight": 0.75,
            "proposing": "mentors",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["mentor_weight"], body["proposing"]) == (0.75, "mentors")
    p = body["id"]
    members = {}
    for name in [*HR_HOSPITALS, *HR_RESIDENTS]:
        members[name] = make_member(email(name), name, SURNAME.get(name, "Novak"))

    def submit(name, payload):
        response = bearer(members[name]).post(
            f"/api/v1/programmes/{p}/applications", payload, content_type="application/json"
        )
        assert response.status_code == 201, response.json()
        return response.json()

    for name in HR_HOSPITALS:
        submit(name, {"role": "mentor", "capacity": HR_CAPACITIES[name]})
    for name, ranked in HR_RESIDENTS.items():
        submit(name, {"role": "mentee", "mentor_preferences": [members[h].pk for h in ranked]})
    for name, ranked in HR_HOSPITALS.items():
        out = submit(
            name,
            {
                "role": "mentor",
                "capacity": HR_CAPACITIES[name],
                "mentee_preferences": [members[r].pk for r in ranked],
            },
        )
        assert out["mentee_preferences"] == [members[r].pk for r in ranked]
    run = bearer(coordinator).post(
        f"/api/v1/programmes/{p}/runs", {"method": "stable"}, content_type="application/json"
    )
    assert run.status_code == 201
    metrics = run.json()["metrics"]
    assert (metrics["proposing"], metrics["blocking_pairs"]) == ("mentors", 0)
    got = {
        pair["mentee"]["name"].split()[0]: pair["mentor"]["name"].split()[0]
        for pair in run.json()["pairs"]
    }
    assert got == library_answer(HR_RESIDENTS, HR_HOSPITALS, HR_CAPACITIES, "hospital")


def test_an_api_run_may_ask_the_mentees_to_propose(cohort, coordinator):
    cohort.proposing = Programme.Proposing.MENTORS
    cohort.save()
    run = bearer(coordinator).post(
        f"/api/v1/programmes/{cohort.pk}/runs",
        {"method": "stable", "proposing": "mentees"},
        content_type="application/json",
    )
    assert run.json()["parameters"]["proposing"] == "mentees"
    refused = bearer(coordinator).post(
        f"/api/v1/programmes/{cohort.pk}/runs",
        {"method": "stable", "proposing": "everyone"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["msg"] == services.UNKNOWN_PROPOSING
    assert MatchRun.objects.count() == 1


@pytest.fixture
def closed_cohort(cohort):
    cohort.enrolment_closes_on = dt.date(2000, 1, 1)
    cohort.save()
    return cohort


def test_a_mentor_ranks_the_mentees_through_the_api_after_enrolment_closed(
    closed_cohort, mentor, mentee, second_mentee
):
    response = bearer(mentor).post(
        f"/api/v1/programmes/{closed_cohort.pk}/application/ranking",
        {"mentee_ids": [second_mentee.pk, mentee.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["mentee_preferences"] == [second_mentee.pk, mentee.pk]
    application = Application.objects.get(programme=closed_cohort, member=mentor)
    assert application.mentee_preferences == [second_mentee.pk, mentee.pk]


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_the_ranking_api_is_404_to_anyone_but_a_mentor(request, closed_cohort, who, second_mentee):
    member = request.getfixturevalue(who)
    before = list(Application.objects.order_by("id").values_list("id", "mentee_preferences"))
    response = bearer(member).post(
        f"/api/v1/programmes/{closed_cohort.pk}/application/ranking",
        {"mentee_ids": [second_mentee.pk]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert (
        list(Application.objects.order_by("id").values_list("id", "mentee_preferences")) == before
    )


def test_ranking_someone_who_is_no_mentee_is_refused(closed_cohort, mentor, second_mentor):
    response = bearer(mentor).post(
        f"/api/v1/programmes/{closed_cohort.pk}/application/ranking",
        {"mentee_ids": [second_mentor.pk]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == services.NOT_A_MENTEE_HERE
    assert Application.objects.get(member=mentor).mentee_preferences == []


# ---------------------------------------------------------------- the pages


def test_a_mentor_ranks_mentees_on_the_application_form(cohort, mentor, mentee, second_mentee):
    client = client_for(mentor)
    page = client.get(f"/programmes/{cohort.pk}/apply/")
    assert b"Mentees you would like" in page.content and b"Maya Patel" in page.content
    response = client.post(
        f"/programmes/{cohort.pk}/apply/",
        {"role": "mentor", "capacity": 1, "mentee_0": mentee.pk, "mentee_1": second_mentee.pk},
    )
    assert response.status_code == 302
    application = Application.objects.get(programme=cohort, member=mentor)
    assert application.mentee_preferences == [mentee.pk, second_mentee.pk]


def test_the_ranking_page_works_after_enrolment_closed(
    closed_cohort, mentor, mentee, second_mentee
):
    client = client_for(mentor)
    detail = client.get(f"/programmes/{closed_cohort.pk}/")
    assert b"Rank the mentees" in detail.content
    page = client.get(f"/programmes/{closed_cohort.pk}/ranking/")
    assert page.status_code == 200 and b"Nina Berg" in page.content
    response = client.post(
        f"/programmes/{closed_cohort.pk}/ranking/",
        {"rank_0": second_mentee.pk, "rank_1": mentee.pk},
    )
    assert response.status_code == 302
    application = Application.objects.get(programme=closed_cohort, member=mentor)
    assert application.mentee_preferences == [second_mentee.pk, mentee.pk]
    assert b"(2 ranked)" in client.get(f"/programmes/{closed_cohort.pk}/").content


def test_ranking_a_mentee_twice_is_refused_with_a_message(closed_cohort, mentor, mentee):
    response = client_for(mentor).post(
        f"/programmes/{closed_cohort.pk}/ranking/", {"rank_0": mentee.pk, "rank_1": mentee.pk}
    )
    assert response.status_code == 422
    assert "Rank each mentee once." in response.content.decode()
    assert Application.objects.get(member=mentor).mentee_preferences == []


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_the_ranking_page_is_404_to_anyone_but_a_mentor(request, closed_cohort, who, second_mentee):
    client = client_for(request.getfixturevalue(who))
    before = list(Application.objects.order_by("id").values_list("id", "mentee_preferences"))
    assert client.get(f"/programmes/{closed_cohort.pk}/ranking/").status_code == 404
    refused = client.post(f"/programmes/{closed_cohort.pk}/ranking/", {"rank_0": second_mentee.pk})
    assert refused.status_code == 404
    assert (
        list(Application.objects.order_by("id").values_list("id", "mentee_preferences")) == before
    )


def test_the_run_form_lets_mentors_propose(cohort, coordinator, mentor, mentee):
    apply(cohort, mentor, "mentor", capacity=1, mentee_preferences=[mentee.pk])
    response = client_for(coordinator).post(
        f"/programmes/{cohort.pk}/runs/", {"method": "stable", "proposing": "mentors"}
    )
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert (run.parameters["proposing"], run.metrics["proposing"]) == ("mentors", "mentors")


def test_the_programme_form_sets_the_mentor_weight_and_the_proposing_side(programme, coordinator):
    client = client_for(coordinator)
    page = client.get(f"/programmes/{programme.pk}/edit/")
    assert b"Both sides&#x27; rankings count alike" in page.content
    form = {
        "name": programme.name,
        "kind": programme.kind,
        "capacity_per_mentor": 2,
        "organisation_rule": "any",
        "tie_weight": "0.0",
        "mentor_weight": "0.25",
        "proposing": "mentors",
        "avoid_reporting_line": "on",
        "open_signup": "on",
    }
    response = client.post(f"/programmes/{programme.pk}/edit/", form)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.mentor_weight, programme.proposing) == (0.25, "mentors")


# ---------------------------------------------------------------- the run page and the command


def test_the_run_page_says_who_proposed_and_the_blocking_pairs_against_each_side(
    game_programme, coordinator
):
    run_import(game_programme, coordinator, game_file())
    run = services.match_run_start(
        programme=game_programme,
        actor=coordinator,
        method="stable",
        proposing="mentors",
        background=False,
    )
    page = client_for(coordinator).get(f"/programmes/{game_programme.pk}/runs/{run.pk}/")
    text = page.content.decode()
    assert (
        '<dd id="run-proposing">Mentors proposed: of all stable matchings, '
        "this is the best for every mentor.</dd>"
    ) in text
    mentees, mentors = (
        run.metrics["blocking_pairs_mentee_side"],
        run.metrics["blocking_pairs_mentor_side"],
    )
    assert (
        '<dd id="run-blocking">None against both sides&#x27; own rankings: no mentee and mentor '
        "would both rather be together. Counted on one side&#x27;s rankings alone, as if the other "
        f"side ranked the same way: {mentees} on the mentees&#x27;, {mentors} on the mentors&#x27;.</dd>"
    ) in text


def test_an_optimal_run_page_counts_its_blocking_pairs_in_words(coordinator):
    programme = services.programme_create(
        actor=coordinator, name="Weighted", capacity_per_mentor=2, mentor_weight=0.0
    )
    run_import(programme, coordinator, game_file())
    run = services.match_run_start(
        programme=programme, actor=coordinator, method="optimal", background=False
    )
    both = len(blocking_pairs(HR_RESIDENTS, HR_HOSPITALS, HR_CAPACITIES, proposal(run)))
    assert run.metrics["blocking_pairs"] == both
    page = client_for(coordinator).get(f"/programmes/{programme.pk}/runs/{run.pk}/")
    text = page.content.decode()
    assert 'id="run-proposing"' not in text
    expected = (
        "None against both sides&#x27; own rankings"
        if both == 0
        else f"{both} against both sides&#x27; own rankings: {both} mentee–mentor pair"
    )
    assert expected in text


def test_the_stability_words_of_a_run_with_blocking_pairs():
    words = services.matching.stability_words(
        {
            "proposing": "mentees",
            "blocking_pairs": 3,
            "blocking_pairs_mentee_side": 0,
            "blocking_pairs_mentor_side": 2,
        }
    )
    assert words == {
        "proposing": "Mentees proposed: of all stable matchings, this is the best for every mentee.",
        "blocking": (
            "3 against both sides' own rankings: 3 mentee–mentor pairs would both rather be "
            "together than keep what they were given. Counted on one side's rankings alone, as if "
            "the other side ranked the same way: 0 on the mentees', 2 on the mentors'."
        ),
    }
    assert services.matching.stability_words({"blocking_pairs": 1}) == {
        "blocking": (
            "1 against both sides' own rankings: 1 mentee–mentor pair would both rather be "
            "together than keep what they were given."
        )
    }


def test_the_match_command_lets_mentors_propose(game_programme, coordinator):
    run_import(game_programme, coordinator, game_file())
    out = io.StringIO()
    call_command(
        "match", game_programme.slug, "--method", "stable", "--proposing", "mentors", stdout=out
    )
    text = out.getvalue()
    assert "Mentors proposed: of all stable matchings, this is the best for every mentor." in text
    assert "None against both sides' own rankings" in text
    assert MatchRun.objects.get().parameters["proposing"] == "mentors"
