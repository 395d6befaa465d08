import numpy as np
import pytest

from deskmate.engine.text import (
    EmbeddingScorer,
    LexicalScorer,
    Lexicon,
    stem,
    term_similarity,
    tokenize,
)


def test_tokenize_keeps_skill_names_whole():
    assert tokenize("C++, C#, Node.js and CI/CD.") == ["c++", "c#", "node.js", "and", "ci/cd"]


def test_stemming_meets_word_forms_and_leaves_names_alone():
    assert stem("managing") == stem("management") == stem("manager") == "manag"
    assert stem("node.js") == "node.js"


def test_terms_drop_stop_words_and_goal_filler():
    assert Lexicon().terms("I want to get better at public speaking") == ("public", "speak")


def test_aliases_replace_the_longest_phrase_first():
    lexicon = Lexicon(aliases={"ml": "machine learning", "ml ops": "mlops", "k8s": "kubernetes"})
    assert lexicon.canonical_tokens("ML ops on k8s") == ["mlops", "on", "kubernetes"]
    assert lexicon.canonical_tokens("ML models") == ["machine", "learning", "models"]


def test_skill_keys_compare_spellings_and_aliases():
    lexicon = Lexicon(aliases={"k8s": "kubernetes", "people management": "management"})
    assert lexicon.skill_key("K8s") == lexicon.skill_key("kubernetes")
    assert lexicon.skill_key("People Management") == lexicon.skill_key("management")
    assert lexicon.skill_key("Machine-Learning") == lexicon.skill_key("machine learning")
    assert lexicon.skill_key("Java") != lexicon.skill_key("JavaScript")


def test_term_similarity_is_the_cosine_of_term_sets():
    assert term_similarity(frozenset("ab"), frozenset("ab")) == 1.0
    assert term_similarity(frozenset("ab"), frozenset("bc")) == pytest.approx(0.5)
    assert term_similarity(frozenset(), frozenset("a")) == 0.0


def test_lexical_scorer_matches_offers_to_goals():
    scorer = LexicalScorer(Lexicon())
    scores = scorer.similarity(
        ["Move into product management"],
        ["Happy to chat about managing products", "Kubernetes", ""],
    )
    assert scores.shape == (1, 3)
    np.testing.assert_allclose(scores, [[1.0, 0.0, 0.0]])


def test_embedding_scorer_uses_the_embedder_passed_in():
    calls = []

    def embed(texts):
        calls.append(list(texts))
        # A toy two-dimensional "meaning": talk about people versus about machines.
        return np.array(
            [[text.count("team") + text.count("people"), text.count("server")] for text in texts],
            dtype=float,
        )

    scorer = EmbeddingScorer(embed)
    scores = scorer.similarity(["grow my team"], ["coaching people", "server tuning", "nothing"])
    np.testing.assert_allclose(scores, [[1.0, 0.0, 0.0]])
    assert calls == [["grow my team", "coaching people", "server tuning", "nothing"]]
    assert scorer.similarity([], ["x"]).shape == (0, 1)
