"""The community's vocabulary: how specific each term is, for text fit.

Text fit weighs each term by its inverse document frequency over the
community's own texts (``deskmate.engine.text.TermWeights``). A document is
one member: their position titles, skills, offers, and goals with their
target roles. The counts are made for the whole community at every full tie
refresh (``deskmate refresh-ties`` and the daily refresh), stored in the one
:class:`~deskmate.network.models.Vocabulary` row, and read by each process
once per refresh; a refresh of a few members' ties does not recount them.
Until the first full refresh every term weighs the same.
"""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from deskmate.engine.text import Lexicon, TermWeights
from deskmate.network.models import Vocabulary
from deskmate.people.models import Goal, MemberSkill, Offer, Position, SkillAlias

_lexicons: dict[tuple, Lexicon] = {}
_weights: dict[tuple, TermWeights] = {}


def lexicon() -> Lexicon:
    """The skill aliases as a lexicon, reused while they are unchanged (it keeps parsed titles)."""
    aliases = tuple(sorted(SkillAlias.objects.values_list("normalised_name", "skill__name")))
    found = _lexicons.get(aliases)
    if found is None:
        _lexicons.clear()
        found = _lexicons[aliases] = Lexicon(dict(aliases))
    return found


def member_documents() -> list[str]:
    """One text per member who has written anything: titles, skills, offers and goals."""
    texts: defaultdict[int, list[str]] = defaultdict(list)
    for member_id, title in Position.objects.values_list("member_id", "title").iterator():
        texts[member_id].append(title)
    for member_id, name in MemberSkill.objects.values_list("member_id", "skill__name").iterator():
        texts[member_id].append(name)
    for member_id, text in Offer.objects.values_list("member_id", "text").iterator():
        texts[member_id].append(text)
    for member_id, text, role in Goal.objects.values_list(
        "member_id", "text", "target_role"
    ).iterator():
        texts[member_id] += [text, role]
    return [" ".join(parts) for parts in texts.values()]


@transaction.atomic
def vocabulary_refresh() -> Vocabulary:
    """Count, for every term, the members whose texts use it, and store the counts."""
    fitted = TermWeights(lexicon()).fit(member_documents())
    with transaction.atomic():
        Vocabulary.objects.all().delete()
        return Vocabulary.objects.create(
            documents=fitted.n_documents_,
            frequencies=fitted.document_frequencies_,
            refreshed_at=timezone.now(),
        )


def term_weights() -> TermWeights | None:
    """The weights fitted at the last full refresh, or ``None`` before the first one."""
    stamp = Vocabulary.objects.values_list("pk", "refreshed_at").first()
    if stamp is None:
        return None
    found = _weights.get(stamp)
    if found is None:
        stored = Vocabulary.objects.get(pk=stamp[0])
        _weights.clear()
        found = _weights[stamp] = TermWeights(lexicon()).from_frequencies(
            stored.documents, stored.frequencies
        )
    return found
