"""Lexical normalisation of short career texts: titles, skills, goals and offers.

The engine compares words people typed in different ways ("Engineering
Manager", "manager, engineering", "EM"). Everything here turns such text into
*terms*: lowercase tokens with stop words removed, aliases replaced by their
canonical form, and English stemming applied, so that "managing" and
"management" meet.

A :class:`TextScorer` turns two lists of texts into a similarity matrix. The
default :class:`LexicalScorer` compares term sets, each term weighted by how
specific it is in the community (:class:`TermWeights`, an inverse document
frequency fitted on the community's own profiles and goals), so that a word
nearly everyone uses ("engineering", "research") is weak evidence and a rare
one ("nuclear", "kubernetes") strong; :class:`EmbeddingScorer` wraps any
sentence-embedding function the deployment has installed.

Examples
--------
>>> lexicon = Lexicon(aliases={"k8s": "kubernetes", "em": "engineering manager"})
>>> lexicon.terms("Running K8s clusters")
('run', 'kubernet', 'cluster')
>>> lexicon.terms("EM")
('engin', 'manag')
>>> lexicon.skill_key("Kubernetes") == lexicon.skill_key("k8s")
True
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np
import snowballstemmer

__all__ = [
    "STOP_WORDS",
    "EmbeddingScorer",
    "Lexicon",
    "LexicalScorer",
    "TermWeights",
    "TextScorer",
    "stem",
    "term_similarity",
    "weighted_term_similarity",
    "tokenize",
]

# Keeps skill names such as "c++", "c#", "node.js" and "ci/cd" whole, while a
# trailing full stop or comma ends a token.
_TOKEN = re.compile(r"[a-z0-9](?:[a-z0-9+#./-]*[a-z0-9+#])?")

# A block of words reads better than a column of quoted strings.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again all also am an and any are as at be been before being
    below between both but by can could did do does doing down during each else etc
    for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their them
    then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours
    able become becoming better chat chatting get getting glad grow growing happy
    help helping keen like love move moving really someone thing things want wanting
    """.split()  # noqa: SIM905
)
"""English function words, plus the filler words of goals and offers ("I want
to get better at", "happy to chat about") that say nothing about the topic."""


class _ThreadStemmer(threading.local):
    # Snowball stemmer objects keep per-call state, so each thread gets its own.
    def __init__(self) -> None:
        self.stemmer = snowballstemmer.stemmer("english")


_STEMMERS = _ThreadStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the English Snowball stem of one lowercase word.

    Words carrying symbols ("c++", "node.js") are returned unchanged: they are
    names, not English.

    Examples
    --------
    >>> stem("engineering"), stem("engineer"), stem("c++")
    ('engin', 'engin', 'c++')
    """
    if not word.isalpha():
        return word
    return str(_STEMMERS.stemmer.stemWord(word))


def tokenize(text: str) -> list[str]:
    """Split text into lowercase word tokens.

    Examples
    --------
    >>> tokenize("Senior Engineer, C++ & Node.js (2019).")
    ['senior', 'engineer', 'c++', 'node.js', '2019']
    """
    return _TOKEN.findall(text.lower())


def term_similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """Cosine similarity of two term sets seen as binary vectors.

    Examples
    --------
    >>> term_similarity(frozenset({"product", "manag"}), frozenset({"product"}))
    0.7071067811865475
    >>> term_similarity(frozenset(), frozenset({"product"}))
    0.0
    """
    if not first or not second:
        return 0.0
    return len(first & second) / float(np.sqrt(len(first) * len(second)))


def weighted_term_similarity(
    first: frozenset[str], second: frozenset[str], weight: Callable[[str], float]
) -> float:
    """Cosine similarity of two term sets, each term's coordinate its ``weight``.

    Examples
    --------
    >>> specific = {"nuclear": 4.0, "fluid": 4.0, "engin": 0.5}.__getitem__
    >>> round(weighted_term_similarity(
    ...     frozenset({"nuclear", "engin"}), frozenset({"fluid", "engin"}), specific), 3)
    0.015
    >>> weighted_term_similarity(frozenset({"engin"}), frozenset({"engin"}), specific)
    1.0
    """
    shared = sum(weight(term) ** 2 for term in first & second)
    if not shared:
        return 0.0
    norms = sum(weight(term) ** 2 for term in first) * sum(weight(term) ** 2 for term in second)
    return min(1.0, shared / float(np.sqrt(norms)))


class TermWeights:
    """How specific each term is in a community: a smoothed inverse document frequency.

    A term's weight is ``log((1 + n) / (1 + df))`` for ``n`` documents of
    which ``df`` contain it: 0 for a term in every document, ``log(1 + n)``
    for a term in none (a word the community has never used is as specific
    as can be). The documents are the community's own texts, one per member
    (see ``deskmate.network.vocabulary``), fitted once per full tie refresh.

    Parameters
    ----------
    lexicon : Lexicon
        Turns a document into terms.

    Attributes
    ----------
    n_documents_ : int
        Documents fitted on.
    document_frequencies_ : dict of str to int
        Documents containing each term.

    Examples
    --------
    >>> weights = TermWeights(Lexicon()).fit(
    ...     ["Nuclear Engineering", "Fluid Mechanics Engineering", "Civil Engineering"]
    ... )
    >>> round(weights.weight("engin"), 3), round(weights.weight("nuclear"), 3)
    (0.0, 0.693)
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon

    def fit(self, documents: Sequence[str]) -> TermWeights:
        """Count the documents containing each term."""
        lexicon = self.lexicon if self.lexicon is not None else Lexicon()
        frequencies: dict[str, int] = {}
        for document in documents:
            for term in lexicon.term_set(document):
                frequencies[term] = frequencies.get(term, 0) + 1
        return self.from_frequencies(len(documents), frequencies)

    def from_frequencies(self, n_documents: int, frequencies: Mapping[str, int]) -> TermWeights:
        """Take counts made elsewhere (stored after a refresh) as if fitted here."""
        self.n_documents_ = int(n_documents)
        self.document_frequencies_ = dict(frequencies)
        return self

    def weight(self, term: str) -> float:
        """The weight of one term."""
        count = self.document_frequencies_.get(term, 0)
        return float(np.log((1 + self.n_documents_) / (1 + min(count, self.n_documents_))))


_CANONICAL_CACHE_SIZE = 100_000


@dataclass(frozen=True)
class Lexicon:
    """Normalises text into terms, applying the caller's aliases.

    Parameters
    ----------
    aliases : mapping of str to str
        Alias to canonical form, for skills and titles alike, e.g.
        ``{"k8s": "kubernetes", "ml": "machine learning",
        "swe": "software engineer"}``. Aliases may have several words; the
        longest alias wins where several overlap.
    stop_words : frozenset of str
        Tokens dropped from terms.

    Examples
    --------
    >>> Lexicon(aliases={"ml": "machine learning"}).terms("Intro to ML ops")
    ('intro', 'machin', 'learn', 'op')
    """

    aliases: Mapping[str, str] = field(default_factory=dict)
    stop_words: frozenset[str] = STOP_WORDS
    _phrases: dict[tuple[str, ...], tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _longest_alias: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        phrases = {
            tuple(tokenize(alias)): tuple(tokenize(canonical))
            for alias, canonical in self.aliases.items()
            if tokenize(alias)
        }
        object.__setattr__(self, "_phrases", phrases)
        object.__setattr__(self, "_longest_alias", max(map(len, phrases), default=0))

    def canonical_tokens(self, text: str) -> list[str]:
        """Tokens of ``text`` with aliases replaced, before stop words and stemming.

        Examples
        --------
        >>> Lexicon(aliases={"em": "engineering manager"}).canonical_tokens("EM at Acme")
        ['engineering', 'manager', 'at', 'acme']
        """
        # The same titles, skills and offers are read again for every ranking: remember them.
        cache = self.__dict__.setdefault("_canonical_cache", {})
        found = cache.get(text)
        if found is None:
            if len(cache) >= _CANONICAL_CACHE_SIZE:
                cache.clear()
            found = cache[text] = tuple(self._canonical_tokens(text))
        return list(found)

    def _canonical_tokens(self, text: str) -> list[str]:
        tokens = tokenize(text)
        if not self._phrases:
            return tokens
        result: list[str] = []
        position = 0
        while position < len(tokens):
            for length in range(min(self._longest_alias, len(tokens) - position), 0, -1):
                replacement = self._phrases.get(tuple(tokens[position : position + length]))
                if replacement is not None:
                    result.extend(replacement)
                    position += length
                    break
            else:
                result.append(tokens[position])
                position += 1
        return result

    def terms(self, text: str) -> tuple[str, ...]:
        """Stemmed, alias-resolved tokens of ``text`` without stop words.

        Examples
        --------
        >>> Lexicon().terms("I want to move into product management")
        ('product', 'manag')
        """
        return tuple(
            stem(token) for token in self.canonical_tokens(text) if token not in self.stop_words
        )

    def term_set(self, text: str) -> frozenset[str]:
        """The set of :meth:`terms` of ``text``."""
        return frozenset(self.terms(text))

    def skill_key(self, skill: str) -> str:
        """A key under which spellings of the same skill compare equal.

        Examples
        --------
        >>> lexicon = Lexicon(aliases={"ml": "machine learning"})
        >>> lexicon.skill_key("Machine-Learning") == lexicon.skill_key("ML")
        True
        """
        return " ".join(stem(token) for token in self.canonical_tokens(skill.replace("-", " ")))


class TextScorer(Protocol):
    """Scores how well each document answers each query.

    Implementations return an array of shape ``(len(queries), len(documents))``
    with values in ``[0, 1]``. The engine calls it once per ranking with all
    goals as queries and all candidates' offers as documents, so an
    implementation backed by a model can embed in one batch.
    """

    def similarity(self, queries: Sequence[str], documents: Sequence[str]) -> np.ndarray:
        """Similarity of every query to every document."""
        ...


@dataclass(frozen=True)
class LexicalScorer:
    """Cosine similarity of term sets; the default :class:`TextScorer`.

    With ``term_weights`` each term counts by its specificity
    (:func:`weighted_term_similarity`); without, every term counts the same.

    Examples
    --------
    >>> scorer = LexicalScorer(Lexicon())
    >>> scorer.similarity(["product management"], ["managing products", "python"]).round(2)
    array([[1., 0.]])
    >>> weights = TermWeights(Lexicon()).fit(["nuclear engineering", "fluid engineering",
    ...                                       "civil engineering", "nuclear safety"])
    >>> LexicalScorer(Lexicon(), weights).similarity(
    ...     ["nuclear engineering"], ["fluid engineering", "nuclear safety"]).round(2)
    array([[0.09, 0.45]])
    """

    lexicon: Lexicon = field(default_factory=Lexicon)
    term_weights: TermWeights | None = None

    def similarity(self, queries: Sequence[str], documents: Sequence[str]) -> np.ndarray:
        """Cosine similarity of the term sets of every query and document."""
        query_terms = [self.lexicon.term_set(text) for text in queries]
        document_terms = [self.lexicon.term_set(text) for text in documents]
        scores = np.zeros((len(queries), len(documents)))
        weights = self.term_weights
        for row, terms in enumerate(query_terms):
            for column, other in enumerate(document_terms):
                scores[row, column] = (
                    term_similarity(terms, other)
                    if weights is None
                    else weighted_term_similarity(terms, other, weights.weight)
                )
        return scores


Embedder = Callable[[Sequence[str]], np.ndarray]
"""A function from ``n`` texts to an ``(n, d)`` array of sentence embeddings."""


@dataclass(frozen=True)
class EmbeddingScorer:
    """A :class:`TextScorer` backed by a sentence-embedding function.

    The engine never loads a model itself: the deployment passes a function
    that embeds texts with whatever it has installed. Negative cosines (texts
    about opposite things) count as no similarity.

    Parameters
    ----------
    embed : callable
        Maps a sequence of ``n`` texts to an ``(n, d)`` array.

    Examples
    --------
    >>> def embed(texts):
    ...     return np.array([[t.count("data"), t.count("design")] for t in texts], float)
    >>> EmbeddingScorer(embed).similarity(["data work"], ["data", "design", "data design"]).round(2)
    array([[1.  , 0.  , 0.71]])
    """

    embed: Embedder

    def similarity(self, queries: Sequence[str], documents: Sequence[str]) -> np.ndarray:
        """Cosine similarity of embeddings, clipped to ``[0, 1]``."""
        if not queries or not documents:
            return np.zeros((len(queries), len(documents)))
        vectors = np.asarray(self.embed([*queries, *documents]), dtype=float)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        scores = unit[: len(queries)] @ unit[len(queries) :].T
        return np.asarray(np.clip(scores, 0.0, 1.0))
