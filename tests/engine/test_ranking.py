import dataclasses

import numpy as np
import pytest

from deskmate.engine.fit import CareerProfile, Goal, Role
from deskmate.engine.ranking import (
    OPEN_WITHOUT_HISTORY,
    Availability,
    Mode,
    RankingWeights,
    SuggestionFilter,
    candidate_pool,
    rank_suggestions,
    shared_context,
    tie_break_keys,
)
from deskmate.engine.reasons import Names
from deskmate.engine.ties import Community, Contacts, Educations, Positions, compute_ties

AS_OF = "2024-03-01"
ACME, GLOBEX, PAYMENTS, SEARCH, NORTHFIELD = 1, 2, 10, 11, 7
NAMES = Names(
    organisations={ACME: "Acme", GLOBEX: "Globex"},
    units={PAYMENTS: "Payments"},
    schools={NORTHFIELD: "Northfield University"},
)
LEAD_A_TEAM, SPEAKING = 1, 2

(
    VIEWER,
    FORMER_MANAGER,
    STRANGER,
    CURRENT_MANAGER,
    OVERLOADED,
    SECRET_ADMIRER,
    PEER,
    MY_CONTACT,
    SPEAKER,
    ALUMNA,
) = range(10)

THE_MOVE = (Role("Software Engineer", 2010, 2018), Role("Engineering Manager", 2018))
PROFILES = {
    VIEWER: CareerProfile(
        VIEWER,
        roles=(Role("Software Engineer", 2019),),
        goals=(
            Goal(LEAD_A_TEAM, "Lead a team", target_role="Engineering Manager"),
            Goal(SPEAKING, "Speak at conferences", skills=("public speaking",)),
        ),
    ),
    FORMER_MANAGER: CareerProfile(FORMER_MANAGER, roles=THE_MOVE),
    STRANGER: CareerProfile(STRANGER, roles=THE_MOVE),
    CURRENT_MANAGER: CareerProfile(CURRENT_MANAGER, roles=(Role("Engineering Manager", 2012),)),
    OVERLOADED: CareerProfile(OVERLOADED, roles=THE_MOVE),
    SECRET_ADMIRER: CareerProfile(SECRET_ADMIRER, roles=THE_MOVE),
    PEER: CareerProfile(PEER, roles=(Role("Software Engineer", 2019),)),
    MY_CONTACT: CareerProfile(MY_CONTACT, roles=THE_MOVE),
    SPEAKER: CareerProfile(
        SPEAKER, roles=(Role("Developer Advocate", 2012),), skills=("Public Speaking",)
    ),
    ALUMNA: CareerProfile(ALUMNA, roles=(Role("Software Engineer", 2018),)),
}
COMMUNITY = Community(
    n_members=10,
    positions=Positions.from_rows(
        [
            (VIEWER, ACME, PAYMENTS, "2019-01-01", None),
            (FORMER_MANAGER, ACME, PAYMENTS, "2019-01-01", "2021-12-31"),
            (CURRENT_MANAGER, ACME, PAYMENTS, "2020-01-01", None),
            (PEER, ACME, SEARCH, "2019-06-01", None),
            (STRANGER, GLOBEX, -1, "2010-01-01", None),
        ]
    ),
    educations=Educations.from_rows(
        [
            (VIEWER, NORTHFIELD, 1, "2014-09-01", "2018-06-30"),
            (ALUMNA, NORTHFIELD, 2, "2008-09-01", "2012-06-30"),
        ]
    ),
    contacts=Contacts.from_rows([(SECRET_ADMIRER, VIEWER), (VIEWER, MY_CONTACT)]),
)
TIES = compute_ties(COMMUNITY, as_of=AS_OF)
CONTEXT = shared_context(VIEWER, COMMUNITY, as_of=AS_OF)


def availability():
    available = Availability.everyone_open(10, capacity=2)
    available.active[OVERLOADED] = 2
    available.open_requests[OVERLOADED] = 4
    return available


def suggest(mode=Mode.MENTOR, **options):
    options.setdefault("availability", availability())
    return rank_suggestions(
        PROFILES[VIEWER],
        [profile for member, profile in PROFILES.items()],
        mode=mode,
        ties=TIES,
        context=CONTEXT,
        names=NAMES,
        as_of=AS_OF,
        **options,
    ).suggestions


def members(suggestions):
    return [suggestion.candidate for suggestion in suggestions]


class TestMentorSuggestions:
    def test_exact_order(self):
        # Same experience ranks by visible tie (with the calibrated weights,
        # three years in a team of three over a contact, which is over
        # nothing), then by availability and load. The current manager
        # has the strongest tie but never made the move the viewer wants;
        # the speaker serves the smaller goal. The stranger and the secret
        # admirer score the same: the viewer's tie-break hash orders them.
        equals = sorted(
            [STRANGER, SECRET_ADMIRER],
            key=lambda member: tie_break_keys(VIEWER, [member])[0],
        )
        assert members(suggest()) == [
            FORMER_MANAGER,
            MY_CONTACT,
            CURRENT_MANAGER,
            *equals,
            SPEAKER,
            OVERLOADED,
        ]

    def test_score_is_the_documented_sum(self):
        weights = RankingWeights()
        for suggestion in suggest():
            assert suggestion.score == pytest.approx(
                weights.fit * suggestion.fit
                + weights.tie * suggestion.tie_strength
                + weights.availability * suggestion.availability
                - weights.load * suggestion.load
            )

    def test_private_evidence_of_others_does_not_move_anyone(self):
        by_member = {suggestion.candidate: suggestion for suggestion in suggest()}
        assert by_member[SECRET_ADMIRER].tie_strength == 0.0
        assert by_member[SECRET_ADMIRER].score == by_member[STRANGER].score
        assert by_member[SECRET_ADMIRER].reasons == (
            "Moved from software engineer to engineering manager in 2018 — one of your goals",
        )

    def test_load_penalty_and_waitlist(self):
        overloaded = {s.candidate: s for s in suggest()}[OVERLOADED]
        assert overloaded.availability == RankingWeights().waitlisted
        assert overloaded.load == pytest.approx(3 / 4)

    def test_goals_served_and_reasons(self):
        suggestions = suggest()
        by_member = {s.candidate: s for s in suggestions}
        contact, manager, speaker = (
            by_member[MY_CONTACT],
            by_member[FORMER_MANAGER],
            by_member[SPEAKER],
        )
        assert suggestions[0] is manager
        assert contact.goals == (LEAD_A_TEAM,)
        assert contact.reasons == (
            "In your contacts",
            "Moved from software engineer to engineering manager in 2018 — one of your goals",
        )
        assert manager.goals == (LEAD_A_TEAM,)
        assert manager.reasons == (
            "You overlapped on the Payments team at Acme, 2019–2021",
            "Moved from software engineer to engineering manager in 2018 — one of your goals",
        )
        assert speaker.goals == (SPEAKING,)
        assert speaker.reasons == ("Knows public speaking — skills you want",)

    def test_members_without_goals_are_shown_those_further_along(self):
        viewer = dataclasses.replace(PROFILES[VIEWER], goals=())
        suggestions = rank_suggestions(
            viewer,
            list(PROFILES.values()),
            mode=Mode.MENTOR,
            ties=TIES,
            context=CONTEXT,
            availability=availability(),
            names=NAMES,
            as_of=AS_OF,
        )
        shown = members(suggestions.suggestions)
        assert PEER not in shown and ALUMNA not in shown
        # Everyone left is well ahead, so the strongest visible ties lead.
        assert shown == [CURRENT_MANAGER, FORMER_MANAGER, MY_CONTACT]
        # Further along but nothing to name: apart, with the honest reason, best first.
        apart = suggestions.open_without_history
        assert {s.candidate for s in apart} == {STRANGER, SECRET_ADMIRER, SPEAKER, OVERLOADED}
        assert [s.reasons for s in apart] == [(OPEN_WITHOUT_HISTORY[Mode.MENTOR],)] * 4
        assert apart[-1].candidate == OVERLOADED
        assert all(a.score >= b.score for a, b in zip(apart, apart[1:], strict=False))


class TestFilters:
    def test_goal(self):
        assert members(suggest(filters=SuggestionFilter(goal=SPEAKING))) == [SPEAKER]
        assert suggest(filters=SuggestionFilter(goal=99)) == []

    def test_relationships(self):
        assert members(suggest(filters=SuggestionFilter(current_colleagues=True))) == [
            CURRENT_MANAGER
        ]
        assert members(suggest(filters=SuggestionFilter(former_colleagues=True))) == [
            FORMER_MANAGER
        ]
        assert members(suggest(filters=SuggestionFilter(contacts=True))) == [MY_CONTACT]
        either = SuggestionFilter(current_colleagues=True, contacts=True)
        assert members(suggest(filters=either)) == [MY_CONTACT, CURRENT_MANAGER]

    def test_alumni_and_copilot_mode(self):
        assert members(suggest(Mode.COPILOT, filters=SuggestionFilter(alumni=True))) == [ALUMNA]

    def test_open_now(self):
        available = availability()
        available.open_to_mentoring[FORMER_MANAGER] = False
        suggestions = suggest(availability=available, filters=SuggestionFilter(open_now=True))
        assert FORMER_MANAGER not in members(suggestions)
        assert OVERLOADED not in members(suggestions)
        equals = sorted(
            [STRANGER, SECRET_ADMIRER],
            key=lambda member: tie_break_keys(VIEWER, [member])[0],
        )
        assert members(suggestions) == [MY_CONTACT, CURRENT_MANAGER, *equals, SPEAKER]


class TestCopilotSuggestions:
    def test_peers_who_share_a_workplace_or_school(self):
        suggestions = suggest(Mode.COPILOT)
        # The managers share a workplace but are years ahead: mentors, not copilots.
        assert members(suggestions) == [PEER, ALUMNA]
        peer, alumna = suggestions
        assert peer.reasons == ("You both work at Acme since 2019", "At a similar career stage")
        assert alumna.reasons == (
            "You are both alumni of Northfield University",
            "At a similar career stage",
        )


def test_candidate_pool_lists_tie_partners_then_shared_places():
    pool = candidate_pool(VIEWER, TIES, CONTEXT)
    strengths = TIES.visible_strengths(VIEWER)
    assert set(pool.tolist()) == {FORMER_MANAGER, CURRENT_MANAGER, PEER, MY_CONTACT, ALUMNA}
    assert SECRET_ADMIRER not in pool
    assert np.all(np.diff(strengths[pool]) <= 0)


def test_context_from_another_member_is_refused():
    with pytest.raises(ValueError):
        rank_suggestions(
            PROFILES[PEER],
            [],
            mode=Mode.MENTOR,
            ties=TIES,
            context=CONTEXT,
            availability=availability(),
            names=NAMES,
            as_of=AS_OF,
        )


class TestFairAndHonestOrdering:
    """Equal scores follow a per-viewer hash, never the member id; nothing is shown without a reason."""

    TWINS = (1, 2)

    def rank_twins(self, keys):
        community = Community(n_members=3, contacts=Contacts.from_rows([(0, 1), (0, 2)]))
        ties = compute_ties(community, as_of=AS_OF)
        viewer = CareerProfile(
            0,
            roles=(Role("Software Engineer", 2019),),
            goals=(Goal(LEAD_A_TEAM, "Lead a team", target_role="Engineering Manager"),),
        )
        twins = [CareerProfile(member, roles=THE_MOVE) for member in self.TWINS]
        ranking = rank_suggestions(
            viewer,
            twins,
            mode=Mode.MENTOR,
            ties=ties,
            context=shared_context(0, community, as_of=AS_OF),
            availability=Availability.everyone_open(3),
            names=Names(),
            as_of=AS_OF,
            member_keys=keys,
        )
        first, second = ranking.suggestions
        assert first.score == second.score and first.reasons == second.reasons
        return [keys[s.candidate] for s in ranking.suggestions]

    def hash_order(self, keys):
        twin_keys = [keys[member] for member in self.TWINS]
        return sorted(twin_keys, key=lambda key: tie_break_keys(keys[0], [key])[0])

    def test_equal_scores_follow_the_viewers_hash_whichever_id_is_smaller(self):
        for keys in ([100, 7, 8], [100, 8, 7]):
            assert self.rank_twins(keys) == self.hash_order(keys)

    def test_the_order_among_equals_differs_across_viewers(self):
        orders = {tuple(self.rank_twins([viewer, 7, 8])) for viewer in range(100, 120)}
        assert orders == {(7, 8), (8, 7)}

    def test_the_same_viewer_sees_the_same_order_every_time(self):
        assert self.rank_twins([100, 7, 8]) == self.rank_twins([100, 7, 8])

    def test_no_suggestion_without_a_reason(self):
        for mode in Mode:
            for viewer in (PROFILES[VIEWER], dataclasses.replace(PROFILES[VIEWER], goals=())):
                ranking = rank_suggestions(
                    viewer,
                    list(PROFILES.values()),
                    mode=mode,
                    ties=TIES,
                    context=CONTEXT,
                    availability=availability(),
                    names=NAMES,
                    as_of=AS_OF,
                    limit=None,
                )
                assert all(s.reasons for s in ranking.suggestions)
                assert OPEN_WITHOUT_HISTORY[mode] not in {
                    r for s in ranking.suggestions for r in s.reasons
                }

    def test_closed_candidates_without_a_reason_are_not_listed_at_all(self):
        viewer = dataclasses.replace(PROFILES[VIEWER], goals=())
        closed = availability()
        closed.open_to_mentoring[STRANGER] = False
        ranking = rank_suggestions(
            viewer,
            list(PROFILES.values()),
            mode=Mode.MENTOR,
            ties=TIES,
            context=CONTEXT,
            availability=closed,
            names=NAMES,
            as_of=AS_OF,
            open_limit=2,
        )
        listed = members(ranking.suggestions) + members(ranking.open_without_history)
        assert STRANGER not in listed
        assert len(ranking.open_without_history) == 2
