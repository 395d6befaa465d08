import datetime

import pytest

from deskmate.engine.fit import CareerProfile, Goal, Mode, Role, fit_candidate
from deskmate.engine.reasons import Names, SharedPlaces, explain, relative_time, year_range
from deskmate.engine.ties import (
    Community,
    Contacts,
    Educations,
    Evidence,
    EvidenceKind,
    InteractionKind,
    Interactions,
    Positions,
    compute_ties,
)

AS_OF = datetime.date(2024, 3, 1)
ACME, GLOBEX, PAYMENTS, PLATFORM_GROUP, NORTHFIELD, COMPUTER_SCIENCE = 1, 2, 10, 11, 7, 3
NAMES = Names(
    organisations={ACME: "Acme", GLOBEX: "Globex"},
    units={PAYMENTS: "Payments", PLATFORM_GROUP: "Platform Group"},
    schools={NORTHFIELD: "Northfield University"},
    programmes={COMPUTER_SCIENCE: "Computer Science"},
)
VIEWER, FORMER, CURRENT, CLASSMATE, MY_CONTACT, SECRET_ADMIRER, MUTUAL, LUNCH_BUDDY = range(8)


def days_ago(days):
    return AS_OF - datetime.timedelta(days=days)


@pytest.fixture(scope="module")
def ties():
    community = Community(
        n_members=11,
        positions=Positions.from_rows(
            [
                (VIEWER, ACME, PAYMENTS, "2018-01-01", None),
                (FORMER, ACME, PAYMENTS, "2019-03-01", "2021-06-30"),
                (CURRENT, ACME, PAYMENTS, "2020-02-01", None),
            ]
        ),
        educations=Educations.from_rows(
            [
                (VIEWER, NORTHFIELD, COMPUTER_SCIENCE, "2015-09-01", "2018-06-30"),
                (CLASSMATE, NORTHFIELD, COMPUTER_SCIENCE, "2014-09-01", "2019-06-30"),
            ]
        ),
        contacts=Contacts.from_rows(
            [
                (VIEWER, MY_CONTACT),
                (SECRET_ADMIRER, VIEWER),
                *[(VIEWER, friend) for friend in (8, 9, 10)],
                *[(MUTUAL, friend) for friend in (8, 9, 10)],
            ]
        ),
        interactions=Interactions.from_rows(
            [
                (SECRET_ADMIRER, VIEWER, InteractionKind.LUNCH, days_ago(3)),
                (VIEWER, LUNCH_BUDDY, InteractionKind.LUNCH, days_ago(14)),
                *[
                    (VIEWER, LUNCH_BUDDY, InteractionKind.TALKING_SHOP, days_ago(d))
                    for d in (40, 70, 100)
                ],
            ]
        ),
    )
    return compute_ties(community, as_of=AS_OF)


def reasons(ties, viewer, other, **options):
    row = ties.find(viewer, other)
    evidence = [] if row is None else ties.evidence_of(row)
    return explain(viewer, other, evidence=evidence, names=NAMES, as_of=AS_OF, **options)


def test_former_colleague(ties):
    assert reasons(ties, VIEWER, FORMER) == (
        "You overlapped on the Payments team at Acme, 2019–2021",
    )


def test_current_colleague(ties):
    assert reasons(ties, VIEWER, CURRENT) == (
        "You work together on the Payments team at Acme since 2020",
    )


def test_classmate(ties):
    assert reasons(ties, VIEWER, CLASSMATE) == (
        "You studied Computer Science at Northfield University together, 2015–2018",
    )


def test_own_contact(ties):
    assert reasons(ties, VIEWER, MY_CONTACT) == ("In your contacts",)


def test_mutual_contacts(ties):
    assert reasons(ties, VIEWER, MUTUAL) == ("3 mutual contacts",)


def test_interactions_by_recency_and_count(ties):
    assert reasons(ties, VIEWER, LUNCH_BUDDY) == (
        "You talked shop 3 times, most recently 5 weeks ago",
        "You had lunch 2 weeks ago",
    )


def test_another_members_private_evidence_is_never_shown(ties):
    assert reasons(ties, VIEWER, SECRET_ADMIRER) == ()
    assert reasons(ties, SECRET_ADMIRER, VIEWER) == ("You had lunch 3 days ago", "In your contacts")
    # A bystander sees nothing of a tie they are not part of.
    assert reasons(ties, CURRENT, SECRET_ADMIRER) == ()
    stolen = ties.evidence_of(ties.find(VIEWER, SECRET_ADMIRER))
    assert explain(CURRENT, VIEWER, evidence=stolen, names=NAMES, as_of=AS_OF) == ()


def test_one_year_and_unit_words():
    same_year = Evidence(
        EvidenceKind.WORKED_TOGETHER,
        0,
        1,
        0.3,
        organisation=GLOBEX,
        unit=PLATFORM_GROUP,
        start=datetime.date(2019, 2, 1),
        end=datetime.date(2019, 11, 30),
    )
    assert explain(0, 1, evidence=[same_year], names=NAMES, as_of=AS_OF) == (
        "You overlapped on the Platform Group at Globex, 2019",
    )


def test_missing_names_give_vaguer_words_never_ids():
    unnamed = Evidence(
        EvidenceKind.WORKED_TOGETHER,
        0,
        1,
        0.3,
        organisation=99,
        unit=98,
        start=datetime.date(2019, 2, 1),
        end=datetime.date(2020, 11, 30),
    )
    alumni = Evidence(EvidenceKind.ALUMNI, 0, 1, 0.1, school=97)
    assert explain(0, 1, evidence=[unnamed, alumni], names=Names(), as_of=AS_OF) == (
        "You worked together in the same team, 2019–2020",
        "You are alumni of the same school",
    )


def test_same_organisation_and_alumni_words():
    evidence = [
        Evidence(
            EvidenceKind.SAME_ORGANISATION,
            0,
            1,
            0.2,
            organisation=ACME,
            start=datetime.date(2021, 5, 1),
            current=True,
        ),
        Evidence(
            EvidenceKind.SAME_ORGANISATION,
            0,
            1,
            0.1,
            organisation=GLOBEX,
            start=datetime.date(2012, 5, 1),
            end=datetime.date(2014, 1, 31),
        ),
        Evidence(EvidenceKind.ALUMNI, 0, 1, 0.05, school=NORTHFIELD),
    ]
    assert explain(0, 1, evidence=evidence, names=NAMES, as_of=AS_OF) == (
        "You both work at Acme since 2021",
        "You were both at Globex, 2012–2014",
        "You are both alumni of Northfield University",
    )


def test_shared_places_without_a_tie():
    places = SharedPlaces(current_organisation=ACME, former_organisation=GLOBEX, school=NORTHFIELD)
    assert explain(0, 1, evidence=[], names=NAMES, as_of=AS_OF, places=places) == (
        "You both work at Acme",
        "You were both at Globex",
        "You are both alumni of Northfield University",
    )


def test_fit_reasons():
    member = CareerProfile(
        0,
        roles=(Role("Engineer", 2019),),
        goals=(
            Goal(
                1,
                "Lead a team",
                target_role="Engineering Manager",
                skills=("Hiring", "Coaching", "Budgeting"),
            ),
        ),
    )
    candidate = CareerProfile(
        1,
        roles=(Role("Engineer", 2014, 2022), Role("Engineering Manager", 2022)),
        skills=("Hiring", "Coaching"),
        offers=("Leading a team for the first time",),
    )
    fit = fit_candidate(member, candidate, mode=Mode.MENTOR, current_year=2024)
    assert explain(0, 1, evidence=[], names=NAMES, as_of=AS_OF, fit=fit) == (
        "Moved from engineer to engineering manager in 2022 — one of your goals",
        "Knows Hiring and Coaching — skills you want",
        "Offers help with “Leading a team for the first time”",
    )


def test_role_held_without_the_move():
    member = CareerProfile(
        0, roles=(Role("Designer", 2019),), goals=(Goal(1, "", target_role="Design Director"),)
    )
    held = CareerProfile(
        1, roles=(Role("Design Director", 2015, 2020), Role("Chief Product Officer", 2020))
    )
    fit = fit_candidate(member, held, mode=Mode.MENTOR, current_year=2024)
    assert explain(0, 1, evidence=[], names=NAMES, as_of=AS_OF, fit=fit) == (
        "Was a design director, 2015–2020 — one of your goals",
    )


def test_a_more_senior_title_leading_the_same_function_is_the_role_now():
    member = CareerProfile(
        0, roles=(Role("Designer", 2019),), goals=(Goal(1, "", target_role="Design Director"),)
    )
    held = CareerProfile(1, roles=(Role("Design Director", 2015, 2020), Role("VP Design", 2020)))
    fit = fit_candidate(member, held, mode=Mode.MENTOR, current_year=2024)
    assert explain(0, 1, evidence=[], names=NAMES, as_of=AS_OF, fit=fit) == (
        "Works as a VP design — one of your goals",
    )


def test_year_range_and_relative_time():
    assert year_range(datetime.date(2015, 9, 1), datetime.date(2018, 6, 30)) == "2015\u20132018"
    assert year_range(datetime.date(2018, 1, 1), datetime.date(2018, 6, 30)) == "2018"
    assert relative_time(days_ago(1), AS_OF) == "yesterday"
    assert relative_time(days_ago(200), AS_OF) == "7 months ago"
    assert relative_time(days_ago(365 * 3), AS_OF) == "3 years ago"
