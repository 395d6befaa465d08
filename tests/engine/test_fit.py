import numpy as np
import pytest

from deskmate.engine.fit import (
    DEFAULT_FIT_WEIGHTS,
    CareerProfile,
    FitWeights,
    Goal,
    Mode,
    Role,
    Transition,
    fit_candidate,
    fit_candidates,
    parse_title,
    role_satisfies,
    seniority,
    title_similarity,
    years_of_experience,
)
from deskmate.engine.text import EmbeddingScorer, LexicalScorer, Lexicon, TermWeights

LEXICON = Lexicon(
    aliases={"k8s": "kubernetes", "em": "engineering manager", "people management": "management"}
)
LEAD_A_TEAM, KUBERNETES = 1, 2

MEMBER = CareerProfile(
    member=0,
    roles=(Role("Software Engineer", 2019),),
    goals=(
        Goal(
            LEAD_A_TEAM,
            "Move into engineering management",
            target_role="Engineering Manager",
            skills=("people management", "hiring"),
        ),
        Goal(KUBERNETES, "Get better at Kubernetes", skills=("k8s",)),
    ),
)
MADE_THE_MOVE = CareerProfile(
    member=1,
    roles=(
        Role("Software Engineer", 2012, 2017),
        Role("Senior Software Engineer", 2017, 2022),
        Role("Engineering Manager", 2022),
    ),
    skills=("Management", "Hiring"),
    offers=("Happy to talk about moving from engineering into management",),
)
CAME_FROM_PRODUCT = CareerProfile(
    member=2,
    roles=(Role("Product Manager", 2010, 2016), Role("EM", 2016)),
    skills=("Hiring",),
)
KUBERNETES_EXPERT = CareerProfile(
    member=3,
    roles=(Role("Senior Engineer", 2014),),
    skills=("Kubernetes",),
    offers=("Kubernetes in production",),
)
JUNIOR = CareerProfile(member=4, roles=(Role("Junior Engineer", 2023),), skills=("Python",))
PEER = CareerProfile(member=5, roles=(Role("Backend Engineer", 2019),), skills=("Go",))
CANDIDATES = [JUNIOR, KUBERNETES_EXPERT, CAME_FROM_PRODUCT, MADE_THE_MOVE, PEER]


def fits_by_member(mode, **options):
    fits = fit_candidates(
        MEMBER, CANDIDATES, mode=mode, current_year=2024, lexicon=LEXICON, **options
    )
    return {fit.candidate: fit for fit in fits}


def ranked(fits):
    return sorted(fits, key=lambda member: (-fits[member].score, member))


class TestTitles:
    def test_parse_title_finds_role_noun_qualifiers_and_level(self):
        title = parse_title("Senior Engineering Manager")
        assert (title.head, title.qualifiers, title.level) == ("manag", frozenset({"engin"}), 4)
        assert parse_title("Head of Design").head == "head"
        assert parse_title("Head of Design").qualifiers == frozenset({"design"})
        assert parse_title("Junior Developer").level == 1
        assert parse_title("Developer").level == 2
        assert parse_title("CTO", LEXICON).level == 7

    def test_similarity_separates_engineers_from_their_managers(self):
        engineer, manager = parse_title("Engineer"), parse_title("Engineering Manager")
        assert title_similarity(engineer, manager) == 0.0
        assert title_similarity(manager, parse_title("EM", LEXICON)) == 1.0
        assert title_similarity(manager, parse_title("Product Manager")) == 0.5
        assert title_similarity(engineer, parse_title("Software Engineer")) == 0.5

    @pytest.mark.parametrize(
        "held",
        [
            "Adjunct Professor",
            "Affiliate Professor",
            "Professor Emeritus",
            "Emeritus Professor",
            "Visiting Professor",
            "Assistant Professor",
            "Associate Professor",
            "Professor",
        ],
    )
    def test_professors_of_every_appointment_satisfy_a_professor_goal(self, held):
        assert role_satisfies(parse_title(held), parse_title("Professor")) == 1.0

    @pytest.mark.parametrize(
        "held", ["Senior Engineer", "Staff Engineer", "Principal Engineer", "Lead Engineer"]
    )
    def test_senior_engineers_are_engineers(self, held):
        assert role_satisfies(parse_title(held), parse_title("Engineer")) == 1.0
        assert role_satisfies(parse_title(held), parse_title("Engineering Manager")) == 0.0

    @pytest.mark.parametrize(
        "held", ["Head of Product", "Director of Product", "Product Director", "VP, Product"]
    )
    def test_leading_a_function_is_one_role_whatever_its_name(self, held):
        assert role_satisfies(parse_title(held), parse_title("Head of Product")) == 1.0
        assert role_satisfies(parse_title(held), parse_title("Head of Design")) == 0.5

    def test_a_target_level_is_met_only_at_that_level_or_above(self):
        senior = parse_title("Senior Engineer")
        assert role_satisfies(parse_title("Junior Engineer"), senior) == 0.5
        assert role_satisfies(parse_title("Principal Engineer"), senior) == 1.0
        vp = parse_title("VP of Engineering")
        assert role_satisfies(parse_title("Director of Engineering"), vp) == 0.5
        assert role_satisfies(parse_title("Vice President, Engineering"), vp) == 1.0

    def test_an_adjunct_professor_serves_a_professor_goal(self):
        member = CareerProfile(
            0,
            roles=(Role("PhD Student", 2021),),
            goals=(Goal(1, "Become a professor", target_role="Professor"),),
        )
        adjunct = CareerProfile(1, roles=(Role("Adjunct Professor", 2012),))
        fit = fit_candidate(member, adjunct, mode=Mode.MENTOR, current_year=2024)
        assert fit.goals[0].role == Role("Adjunct Professor", 2012)
        assert fit.goals[0].score >= DEFAULT_FIT_WEIGHTS.goal_served

    def test_seniority_from_title_words_and_years(self):
        assert years_of_experience(MADE_THE_MOVE, 2024) == 12.0
        assert seniority(MADE_THE_MOVE, 2024) == pytest.approx((4 + 12 / 3) / 2)
        assert seniority(JUNIOR, 2024) == pytest.approx((1 + 1 / 3) / 2)
        assert seniority(CareerProfile(9), 2024) == pytest.approx(1.0)


class TestMentorFit:
    def test_exact_order(self):
        fits = fits_by_member(Mode.MENTOR)
        assert ranked(fits) == [1, 3, 2, 4, 5]
        # A peer is not ahead and serves no goal: no mentor fit at all.
        assert fits[5].score == fits[4].score == 0.0

    def test_transition_with_its_year(self):
        fit = fits_by_member(Mode.MENTOR)[1]
        lead = fit.goals[0]
        assert lead.goal == LEAD_A_TEAM
        assert lead.transition == Transition(
            "Senior Software Engineer", "Engineering Manager", 2022
        )
        assert lead.role == Role("Engineering Manager", 2022)
        assert lead.skills == ("people management", "hiring")
        assert lead.offer == "Happy to talk about moving from engineering into management"

    def test_goal_score_is_the_weighted_mean_of_its_components(self):
        lead = fits_by_member(Mode.MENTOR)[2].goals[0]
        # skills 1/2, role 1 (EM is an alias), no transition, no offer.
        assert lead.transition is None and lead.role == Role("EM", 2016)
        assert lead.score == pytest.approx((1 * 0.5 + 1 * 1 + 1.5 * 0 + 1 * 0) / 4.5)

    def test_goals_combine_by_noisy_or(self):
        member = CareerProfile(
            0, goals=(Goal(1, "python", skills=("Python",)), Goal(2, "go", skills=("Go",)))
        )
        candidate = CareerProfile(1, skills=("Python", "Go"))
        fit = fit_candidate(member, candidate, mode=Mode.MENTOR, current_year=2024)
        assert [goal.score for goal in fit.goals] == [0.5, 0.5]
        assert fit.goal_score == pytest.approx(0.75)

    def test_a_junior_is_no_mentor(self):
        fit = fits_by_member(Mode.MENTOR)[4]
        assert fit.stage_score == 0.0 and fit.goal_score == 0.0 and fit.score == 0.0
        assert fit.goals == ()


class TestCopilotFit:
    def test_similar_stage_comes_first(self):
        fits = fits_by_member(Mode.COPILOT)
        assert fits[5].seniority_gap == pytest.approx(0.0)
        assert fits[5].stage_score == 1.0
        assert ranked(fits)[0] == 5
        assert fits[4].stage_score > fits[1].stage_score

    def test_stage_alone_for_a_member_without_goals(self):
        member = CareerProfile(0, roles=(Role("Designer", 2020),))
        fit = fit_candidate(member, PEER, mode=Mode.COPILOT, current_year=2024)
        assert fit.score == fit.stage_score


def test_embedding_scorer_replaces_lexical_offer_matching():
    member = CareerProfile(0, goals=(Goal(1, "become a better people leader"),))
    coach = CareerProfile(1, offers=("coaching managers",))
    lexical = fit_candidate(member, coach, mode=Mode.MENTOR, current_year=2024)
    assert lexical.goals == ()

    def embed(texts):
        leadership = ("leader", "coaching", "managers")
        return np.array([[sum(word in text for word in leadership), 0.1] for text in texts])

    semantic = fit_candidate(
        member, coach, mode=Mode.MENTOR, current_year=2024, text_scorer=EmbeddingScorer(embed)
    )
    assert semantic.goals[0].offer == "coaching managers"
    assert semantic.goals[0].offer_score > 0.9


def test_weights_change_the_order_transparently():
    fits = fits_by_member(Mode.MENTOR, weights=FitWeights(transition=0.0, offer=0.0, role=0.0))
    # Skills alone: each goal scores the share of its skills the candidate has.
    assert fits[3].goal_score == pytest.approx(1.0)
    assert fits[1].goal_score == pytest.approx(1.0)
    assert fits[2].goal_score == pytest.approx(0.5)


class TestTermSpecificity:
    """A word most of the community uses is weak evidence; a shared generic word alone is no fit."""

    VOCABULARY = [
        "Nuclear Engineering student",
        "Professor of Fluid Mechanics, Engineering",
        "Civil Engineering",
        "Electrical Engineering",
        "Mechanical Engineering",
        "Reactor safety in nuclear plants",
        "Software Engineering",
        "Chemical Engineering",
    ]
    MENTEE = CareerProfile(
        0,
        roles=(Role("PhD Student", 2021),),
        goals=(Goal(1, "A research career in nuclear engineering"),),
    )
    FLUIDS = CareerProfile(
        1, roles=(Role("Professor", 2005),), offers=("Fluid mechanics in engineering",)
    )
    REACTORS = CareerProfile(
        2, roles=(Role("Professor", 2005),), offers=("Nuclear reactor safety research",)
    )

    def goal_fits(self, text_scorer):
        fits = fit_candidates(
            self.MENTEE,
            [self.FLUIDS, self.REACTORS],
            mode=Mode.MENTOR,
            current_year=2024,
            text_scorer=text_scorer,
        )
        return {fit.candidate: {g.goal: g for g in fit.goals} for fit in fits}

    def test_a_shared_generic_word_alone_does_not_make_a_fit(self):
        weights = TermWeights(Lexicon()).fit(self.VOCABULARY)
        fits = self.goal_fits(LexicalScorer(Lexicon(), weights))
        assert fits[1] == {}
        assert fits[2][1].offer == "Nuclear reactor safety research"
        assert fits[2][1].score >= DEFAULT_FIT_WEIGHTS.goal_served

    def test_counting_every_word_the_same_would_have_made_it_one(self):
        fits = self.goal_fits(LexicalScorer(Lexicon()))
        assert fits[1][1].offer == "Fluid mechanics in engineering"
        assert fits[1][1].score >= DEFAULT_FIT_WEIGHTS.goal_served

    def test_weights_are_the_documented_inverse_document_frequency(self):
        weights = TermWeights(Lexicon()).fit(self.VOCABULARY)
        assert weights.n_documents_ == 8
        assert weights.document_frequencies_["engin"] == 7
        assert weights.weight("engin") == pytest.approx(np.log(9 / 8))
        assert weights.weight("nuclear") == pytest.approx(np.log(9 / 3))
        assert weights.weight("never-used") == pytest.approx(np.log(9))
