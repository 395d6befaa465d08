"""Fit: how well a candidate's experience covers a member's goals.

For each of the member's goals a candidate earns up to four components, each
in ``[0, 1]``:

skills
    The share of the goal's skills the candidate has (compared by
    :meth:`Lexicon.skill_key`, so aliases meet).
role
    How closely a title the candidate holds or held meets the goal's target
    role (:func:`role_satisfies`, counted from 0.75 up). Titles are compared
    by their role noun and what it is about, not by level or appointment:
    senior, staff, principal and lead engineers are engineers; adjunct,
    affiliate, emeritus, visiting, assistant and associate professors are
    professors; head of, director of and VP of a function lead it. A target
    that names a level ("Senior Engineer") is met only at that level or
    above.
transition
    1 when the candidate moved from a title like the member's current one to
    the target role, as the member wants to.
offer
    How well the best of the candidate's offers (free text of what they are
    glad to help with) answers the goal, scored by a :class:`TextScorer`.

A goal's score is the weighted mean of the components that apply to it
(skills only when the goal lists skills, role and transition only when it
names a target role). Several goals combine by noisy-or, ``1 - prod(1 - s)``,
so serving two goals beats serving one equally well.

Career stage comes from seniority, a number on the scale of
:data:`LEVEL_WORDS` (0 intern … 7 chief): the mean of the level the title's
words suggest (2 when they suggest none) and ``min(years / 3, 7)``. A mentor
should be ahead of the member, a copilot at a similar stage. The final fit is
the weighted mean of goal fit and stage fit (stage only, for a member with no
goals).

Examples
--------
>>> member = CareerProfile(
...     member=0,
...     roles=(Role("Software Engineer", 2019),),
...     goals=(Goal(1, "Lead a team", target_role="Engineering Manager"),),
... )
>>> candidate = CareerProfile(
...     member=1,
...     roles=(Role("Engineer", 2012, 2018), Role("Engineering Manager", 2018)),
... )
>>> fit = fit_candidate(member, candidate, mode=Mode.MENTOR, current_year=2024)
>>> fit.goals[0].transition
Transition(from_title='Engineer', to_title='Engineering Manager', year=2018)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from deskmate.engine.text import LexicalScorer, Lexicon, TextScorer, stem

__all__ = [
    "DEFAULT_FIT_WEIGHTS",
    "LEVEL_WORDS",
    "NO_ALIASES",
    "CareerProfile",
    "Fit",
    "FitWeights",
    "Goal",
    "GoalFit",
    "Mode",
    "Role",
    "Title",
    "Transition",
    "fit_candidate",
    "fit_candidates",
    "parse_title",
    "role_satisfies",
    "seniority",
    "title_similarity",
    "years_of_experience",
]


class Mode(enum.StrEnum):
    """What a member is looking for."""

    MENTOR = "mentor"
    COPILOT = "copilot"


LEVEL_WORDS: Mapping[str, int] = {
    "intern": 0,
    "trainee": 0,
    "apprentice": 0,
    "junior": 1,
    "graduate": 1,
    "associate": 1,
    "assistant": 1,
    "senior": 3,
    "lead": 4,
    "staff": 4,
    "principal": 4,
    "manager": 4,
    "head": 5,
    "director": 5,
    "vp": 6,
    "chief": 7,
}
"""Seniority suggested by title words, 0 (intern) to 7 (chief); 2 when none."""

_MID_LEVEL = 2
_TOP_LEVEL = 7
_YEARS_PER_LEVEL = 3.0

# Words that only qualify a title's level when they come before its role
# noun ("senior engineer", "lead designer"); as the last word they are the
# role itself ("tech lead", "engineering manager").
_LEVEL_MODIFIERS = frozenset(
    {
        "intern",
        "trainee",
        "junior",
        "graduate",
        "associate",
        "senior",
        "lead",
        "staff",
        "principal",
        "chief",
        "assistant",
    }
)
# Words of an appointment that never change the role, wherever they stand: an
# adjunct professor, a visiting professor and a professor emeritus are professors.
_APPOINTMENT_WORDS = frozenset(
    {
        "adjunct",
        "affiliate",
        "emeritus",
        "emerita",
        "visiting",
        "honorary",
        "acting",
        "interim",
        "distinguished",
        "tenured",
        "full",
    }
)
# Leading a function is one role, whatever it is called: head of design,
# design director, director of design, VP design. Their levels still differ.
_FUNCTION_LEADERS = frozenset({"head", "director", "vp"})
_FUNCTION_LEAD = "head"
_NUMBERINGS = frozenset({"i", "ii", "iii", "iv", "v"})
_TITLE_ALIASES: Mapping[str, str] = {
    "sr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "vice president": "vp",
    "svp": "vp",
    "evp": "vp",
    "cto": "chief technology officer",
    "ceo": "chief executive officer",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cpo": "chief product officer",
}


NO_ALIASES = Lexicon()
"""The default lexicon: stop words and stemming, no aliases."""


@dataclass(frozen=True)
class Role:
    """A title held from ``start_year`` to ``end_year`` (``None`` while current)."""

    title: str
    start_year: int
    end_year: int | None = None


@dataclass(frozen=True)
class Goal:
    """Something a member wants to grow into.

    Attributes
    ----------
    id : int
        The goal's id, echoed in fits and suggestions.
    text : str
        The goal in the member's words.
    target_role : str
        The title the member wants to reach, ``""`` when the goal is not a role.
    skills : tuple of str
        Skills the member wants to gain.
    """

    id: int
    text: str
    target_role: str = ""
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class CareerProfile:
    """What fit reads about a member: history, skills, offers and goals.

    Attributes
    ----------
    member : int
        Member index, as in the tie computation.
    roles : tuple of Role
        Career history, in any order.
    skills : tuple of str
        Skills the member has.
    offers : tuple of str
        What the member is glad to help others with, in their words.
    goals : tuple of Goal
        The member's goals.
    years_of_experience : float or None
        Overrides the years computed from ``roles``.
    """

    member: int
    roles: tuple[Role, ...] = ()
    skills: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    goals: tuple[Goal, ...] = ()
    years_of_experience: float | None = None

    def current_role(self) -> Role | None:
        """The latest current role, else the latest role, else ``None``."""
        if not self.roles:
            return None
        return max(self.roles, key=lambda role: (role.end_year is None, role.start_year))


@dataclass(frozen=True)
class FitWeights:
    """Weights and thresholds of fit, in one place.

    Attributes
    ----------
    skills, role, transition, offer : float
        Weights of a goal's components. A transition is the strongest sign:
        the candidate has walked the path the member wants to walk.
    goals : float
        Weight of goal fit against stage fit.
    mentor_stage, copilot_stage : float
        Weight of stage fit in each mode. Stage matters more for a copilot,
        who is chosen for being at the same point.
    mentor_lead_levels : float
        Seniority lead at which a mentor's stage fit is full; none below zero.
    copilot_spread : float
        Seniority difference at which a copilot's stage fit falls to 37 %.
    role_match : float
        Title similarity from which a held title counts for the target role.
    previous_role_match : float
        Title similarity from which an earlier title counts as the member's
        current one, when looking for a transition.
    minimum_offer : float
        Offer similarity below which an offer does not count.
    goal_served : float
        Goal score from which a suggestion is said to serve that goal.
    """

    skills: float = 1.0
    role: float = 1.0
    transition: float = 1.5
    offer: float = 1.0
    goals: float = 1.0
    mentor_stage: float = 0.5
    copilot_stage: float = 2.0
    mentor_lead_levels: float = 1.0
    copilot_spread: float = 1.0
    role_match: float = 0.75
    previous_role_match: float = 0.5
    minimum_offer: float = 0.2
    goal_served: float = 0.25


DEFAULT_FIT_WEIGHTS = FitWeights()


@dataclass(frozen=True)
class Transition:
    """A move the candidate made from one title to another, in ``year``."""

    from_title: str
    to_title: str
    year: int


@dataclass(frozen=True)
class GoalFit:
    """How a candidate covers one goal.

    Attributes
    ----------
    goal : int
        Goal id.
    score : float
        Weighted mean of the components that apply, in ``[0, 1]``.
    skills : tuple of str
        The goal's skills the candidate has, as the member wrote them.
    role : Role or None
        The candidate's title that best matches the target role.
    transition : Transition or None
        The move from the member's kind of title to the target role.
    offer : str or None
        The candidate's offer that best answers the goal.
    offer_score : float
        Its similarity to the goal.
    """

    goal: int
    score: float
    skills: tuple[str, ...] = ()
    role: Role | None = None
    transition: Transition | None = None
    offer: str | None = None
    offer_score: float = 0.0


@dataclass(frozen=True)
class Fit:
    """A candidate's fit to a member.

    Attributes
    ----------
    candidate : int
        Member index of the candidate.
    score : float
        Overall fit in ``[0, 1]``.
    goal_score : float
        Noisy-or of the goal scores.
    stage_score : float
        Stage fit for the mode.
    seniority_gap : float
        Candidate's seniority minus the member's.
    goals : tuple of GoalFit
        One per goal with a positive score, best first.
    """

    candidate: int
    score: float
    goal_score: float
    stage_score: float
    seniority_gap: float
    goals: tuple[GoalFit, ...] = ()


@dataclass(frozen=True)
class Title:
    """A title reduced to its role noun, qualifiers and level.

    ``head`` is the stemmed role noun ("manag" in "Senior Engineering
    Manager", "head" in "Head of Design"), ``qualifiers`` the other stemmed
    words that say what the role is about, ``level`` the seniority its words
    suggest.
    """

    head: str
    qualifiers: frozenset[str] = field(default_factory=frozenset)
    level: int = _MID_LEVEL


def _title_lexicon(lexicon: Lexicon) -> Lexicon:
    # Building a lexicon tokenises every alias; titles are parsed thousands of times per ranking,
    # so the title variant is made once per lexicon and kept on it.
    variant = lexicon.__dict__.get("_title_variant")
    if variant is None:
        variant = Lexicon(
            aliases={**_TITLE_ALIASES, **lexicon.aliases}, stop_words=lexicon.stop_words
        )
        object.__setattr__(lexicon, "_title_variant", variant)
    return variant


def parse_title(title: str, lexicon: Lexicon = NO_ALIASES) -> Title:
    """Reduce a title to its role noun, qualifiers and level.

    Examples
    --------
    >>> parse_title("Senior Software Engineer II")
    Title(head='engin', qualifiers=frozenset({'softwar'}), level=3)
    >>> parse_title("VP of Engineering").head, parse_title("Vice President, Engineering").level
    ('head', 6)
    >>> parse_title("Tech Lead").head, parse_title("Lead Designer").head
    ('lead', 'design')
    >>> parse_title("Adjunct Professor") == parse_title("Professor Emeritus") == parse_title("Professor")
    True
    >>> parse_title("Engineering Director") == parse_title("Director of Engineering")
    True
    """
    # A community has a few hundred distinct titles and ranking parses them thousands of
    # times: remember each one's parse on the lexicon it was parsed with.
    parsed: dict[str, Title] = lexicon.__dict__.setdefault("_parsed_titles", {})
    found = parsed.get(title)
    if found is None:
        found = parsed[title] = _parse_title(title, lexicon)
    return found


def _parse_title(title: str, lexicon: Lexicon) -> Title:
    tokens = [
        token
        for token in _title_lexicon(lexicon).canonical_tokens(title)
        if token not in _APPOINTMENT_WORDS
    ]
    level = max((LEVEL_WORDS[token] for token in tokens if token in LEVEL_WORDS), default=None)
    if "of" in tokens:
        cut = tokens.index("of")
        role_words, subject_words = tokens[:cut], tokens[cut + 1 :]
    else:
        role_words, subject_words = tokens, []
    role_words = [word for word in role_words if word not in _NUMBERINGS and not word.isdigit()]
    if not role_words:
        return Title(head="", level=_MID_LEVEL if level is None else level)
    leaders = [word for word in role_words if word in _FUNCTION_LEADERS]
    if leaders:
        # "VP Engineering", "Director, Product", "Design Director": the rest is the function led.
        head = _FUNCTION_LEAD
        modifiers = [word for word in role_words if word not in _FUNCTION_LEADERS]
    else:
        head, modifiers = role_words[-1], role_words[:-1]
    qualifiers = {
        stem(word)
        for word in [*modifiers, *subject_words]
        if word not in _LEVEL_MODIFIERS and word not in lexicon.stop_words
    }
    return Title(
        head=head if leaders else stem(head),
        qualifiers=frozenset(qualifiers),
        level=_MID_LEVEL if level is None else level,
    )


def title_similarity(first: Title, second: Title) -> float:
    """Similarity of two parsed titles in ``[0, 1]``.

    0 when the role nouns differ; otherwise 0.5 plus half the Jaccard
    similarity of the qualifiers (two titles without qualifiers are equal).

    Examples
    --------
    >>> manager = parse_title("Engineering Manager")
    >>> title_similarity(manager, parse_title("Software Engineering Manager"))
    0.75
    >>> title_similarity(manager, parse_title("Engineer"))
    0.0
    >>> title_similarity(parse_title("Engineer"), parse_title("Senior Engineer"))
    1.0
    """
    if not first.head or first.head != second.head:
        return 0.0
    union = first.qualifiers | second.qualifiers
    if not union:
        return 1.0
    return 0.5 + 0.5 * len(first.qualifiers & second.qualifiers) / len(union)


def role_satisfies(held: Title, target: Title) -> float:
    """How far a title someone holds or held meets a target role, in ``[0, 1]``.

    :func:`title_similarity`, halved when the target asks for a level
    ("Senior Engineer", "VP of Product") that the held title does not reach.
    A target without a level word (mid level) is met at any level: an
    assistant professor is a professor.

    Examples
    --------
    >>> role_satisfies(parse_title("Adjunct Professor"), parse_title("Professor"))
    1.0
    >>> role_satisfies(parse_title("Principal Engineer"), parse_title("Engineer"))
    1.0
    >>> role_satisfies(parse_title("Junior Engineer"), parse_title("Senior Engineer"))
    0.5
    >>> role_satisfies(parse_title("Director of Design"), parse_title("Head of Design"))
    1.0
    """
    similarity = title_similarity(held, target)
    if target.level > _MID_LEVEL and held.level < target.level:
        return similarity / 2
    return similarity


def years_of_experience(profile: CareerProfile, current_year: int) -> float:
    """Years covered by at least one role (overlapping roles count once).

    Examples
    --------
    >>> years_of_experience(
    ...     CareerProfile(0, roles=(Role("a", 2010, 2014), Role("b", 2012, 2016), Role("c", 2020))),
    ...     current_year=2024,
    ... )
    10.0
    """
    if profile.years_of_experience is not None:
        return float(profile.years_of_experience)
    spans = sorted(
        (role.start_year, current_year if role.end_year is None else role.end_year)
        for role in profile.roles
    )
    total, covered_until = 0.0, None
    for start, end in spans:
        if covered_until is not None:
            start = max(start, covered_until)
        if end > start:
            total += end - start
        covered_until = end if covered_until is None else max(covered_until, end)
    return total


def seniority(profile: CareerProfile, current_year: int, lexicon: Lexicon = NO_ALIASES) -> float:
    """Career stage on the :data:`LEVEL_WORDS` scale, from title and years.

    Examples
    --------
    >>> seniority(CareerProfile(0, roles=(Role("Junior Developer", 2023),)), 2024)
    0.6666666666666666
    >>> seniority(CareerProfile(0, roles=(Role("Director of Product", 2010),)), 2024)
    4.833333333333334
    """
    role = profile.current_role()
    title_level = parse_title(role.title, lexicon).level if role else _MID_LEVEL
    years_level = min(years_of_experience(profile, current_year) / _YEARS_PER_LEVEL, _TOP_LEVEL)
    return (title_level + years_level) / 2


def _stage_score(gap: float, mode: Mode, weights: FitWeights) -> float:
    if mode is Mode.MENTOR:
        return float(np.clip(gap / weights.mentor_lead_levels, 0.0, 1.0))
    return float(np.exp(-((gap / weights.copilot_spread) ** 2)))


def _goal_query(goal: Goal) -> str:
    return " ".join([goal.text, goal.target_role, *goal.skills]).strip()


def _find_transition(
    roles: Sequence[tuple[Role, Title]],
    current: Title,
    target: Title,
    weights: FitWeights,
) -> Transition | None:
    """The earliest move from a title like ``current`` to one like ``target``."""
    previous: Role | None = None
    for role, title in roles:
        if previous is not None and role_satisfies(title, target) >= weights.role_match:
            return Transition(previous.title, role.title, role.start_year)
        if title_similarity(title, current) >= weights.previous_role_match:
            previous = role
    return None


@dataclass(frozen=True)
class _MemberGoal:
    goal: Goal
    target: Title | None
    skill_keys: tuple[str, ...]


def _score_goal(
    member_goal: _MemberGoal,
    current: Title | None,
    roles: Sequence[tuple[Role, Title]],
    skill_keys: frozenset[str],
    offers: Sequence[str],
    offer_scores: np.ndarray,
    weights: FitWeights,
) -> GoalFit:
    goal = member_goal.goal
    parts: list[tuple[float, float]] = []
    matched_skills: tuple[str, ...] = ()
    if goal.skills:
        matched_skills = tuple(
            skill
            for skill, key in zip(goal.skills, member_goal.skill_keys, strict=True)
            if key in skill_keys
        )
        parts.append((weights.skills, len(matched_skills) / len(goal.skills)))
    best_role: Role | None = None
    transition: Transition | None = None
    target = member_goal.target
    if target is not None:
        best = 0.0
        for role, title in roles:
            similarity = role_satisfies(title, target)
            # Prefer the current or latest of equally good titles.
            if similarity >= weights.role_match and similarity >= best:
                best, best_role = similarity, role
        parts.append((weights.role, best))
        if current is not None and role_satisfies(current, target) < weights.role_match:
            transition = _find_transition(roles, current, target, weights)
            parts.append((weights.transition, 1.0 if transition else 0.0))
    best_offer: str | None = None
    offer_score = 0.0
    if len(offers):
        index = int(np.argmax(offer_scores))
        if offer_scores[index] >= weights.minimum_offer:
            best_offer, offer_score = offers[index], float(offer_scores[index])
    parts.append((weights.offer, offer_score))
    total_weight = sum(weight for weight, _ in parts)
    score = sum(weight * value for weight, value in parts) / total_weight if total_weight else 0.0
    return GoalFit(
        goal=goal.id,
        score=score,
        skills=matched_skills,
        role=best_role,
        transition=transition,
        offer=best_offer,
        offer_score=offer_score,
    )


def fit_candidates(
    member: CareerProfile,
    candidates: Sequence[CareerProfile],
    *,
    mode: Mode,
    current_year: int,
    lexicon: Lexicon = NO_ALIASES,
    weights: FitWeights = FitWeights(),
    text_scorer: TextScorer | None = None,
) -> list[Fit]:
    """Fit of each candidate to ``member``, in the order of ``candidates``.

    Parameters
    ----------
    member : CareerProfile
        The member looking for a mentor or copilot; their goals are scored.
    candidates : sequence of CareerProfile
        The people to score.
    mode : Mode
        Mentor (stage ahead of the member) or copilot (similar stage).
    current_year : int
        The year open roles run to.
    lexicon : Lexicon
        Aliases for skills and titles.
    weights : FitWeights
        Component weights and thresholds.
    text_scorer : TextScorer, optional
        Scores offers against goals; lexical by default. The scorer is called
        once for all goals and offers.

    Returns
    -------
    list of Fit

    Examples
    --------
    >>> member = CareerProfile(0, goals=(Goal(1, "Get better at Kubernetes", skills=("k8s",)),))
    >>> candidates = [
    ...     CareerProfile(1, skills=("Kubernetes",), offers=("Running kubernetes in production",)),
    ...     CareerProfile(2, skills=("Excel",)),
    ... ]
    >>> fits = fit_candidates(
    ...     member, candidates, mode=Mode.MENTOR, current_year=2024,
    ...     lexicon=Lexicon(aliases={"k8s": "kubernetes"}),
    ... )
    >>> [round(fit.goal_score, 2) for fit in fits]
    [0.79, 0.0]
    """
    scorer = text_scorer if text_scorer is not None else LexicalScorer(lexicon)
    member_goals = [
        _MemberGoal(
            goal=goal,
            target=parse_title(goal.target_role, lexicon) if goal.target_role.strip() else None,
            skill_keys=tuple(lexicon.skill_key(skill) for skill in goal.skills),
        )
        for goal in member.goals
    ]
    current_role = member.current_role()
    current = parse_title(current_role.title, lexicon) if current_role else None
    member_seniority = seniority(member, current_year, lexicon)
    all_offers = [offer for candidate in candidates for offer in candidate.offers]
    offer_matrix = (
        np.asarray(scorer.similarity([_goal_query(g.goal) for g in member_goals], all_offers))
        if member_goals and all_offers
        else np.zeros((len(member_goals), len(all_offers)))
    )
    stage_weight = weights.mentor_stage if mode is Mode.MENTOR else weights.copilot_stage
    titles: dict[str, Title] = {}
    fits: list[Fit] = []
    offset = 0
    for candidate in candidates:
        roles = [
            (role, titles.setdefault(role.title, parse_title(role.title, lexicon)))
            for role in sorted(
                candidate.roles, key=lambda role: (role.start_year, role.end_year or 10_000)
            )
        ]
        skill_keys = frozenset(lexicon.skill_key(skill) for skill in candidate.skills)
        offers = candidate.offers
        goal_fits = [
            _score_goal(
                member_goal,
                current,
                roles,
                skill_keys,
                offers,
                offer_matrix[row, offset : offset + len(offers)],
                weights,
            )
            for row, member_goal in enumerate(member_goals)
        ]
        offset += len(offers)
        goal_score = 1.0 - float(np.prod([1.0 - goal_fit.score for goal_fit in goal_fits]))
        gap = seniority(candidate, current_year, lexicon) - member_seniority
        stage = _stage_score(gap, mode, weights)
        if member_goals:
            score = (weights.goals * goal_score + stage_weight * stage) / (
                weights.goals + stage_weight
            )
        else:
            score = stage
        served = sorted(
            (goal_fit for goal_fit in goal_fits if goal_fit.score > 0),
            key=lambda goal_fit: -goal_fit.score,
        )
        fits.append(
            Fit(
                candidate=candidate.member,
                score=score,
                goal_score=goal_score,
                stage_score=stage,
                seniority_gap=gap,
                goals=tuple(served),
            )
        )
    return fits


def fit_candidate(
    member: CareerProfile,
    candidate: CareerProfile,
    *,
    mode: Mode,
    current_year: int,
    lexicon: Lexicon = NO_ALIASES,
    weights: FitWeights = FitWeights(),
    text_scorer: TextScorer | None = None,
) -> Fit:
    """Fit of one candidate; see :func:`fit_candidates`."""
    return fit_candidates(
        member,
        [candidate],
        mode=mode,
        current_year=current_year,
        lexicon=lexicon,
        weights=weights,
        text_scorer=text_scorer,
    )[0]
