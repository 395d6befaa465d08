"""Possible matches of a file's person with a stored one: what counts, what does not."""

import pytest

from deskmate.importing.identity import (
    MatchIndex,
    Person,
    email_alias_key,
    email_organisation,
    evidence_for,
    names_alike,
)


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("Wei.Zhang@Acme.example", "weizhang@acme.example"),
        ("w.e.i.zhang+hr@acme.example", "weizhang@acme.example"),
        ("ana@googlemail.com", "ana@gmail.com"),
        ("@acme.example", ""),
        ("ana@", ""),
    ],
)
def test_email_alias_key(email, key):
    assert email_alias_key(email) == key


@pytest.mark.parametrize(
    ("email", "organisation"),
    [
        ("wei@acme.com", "acme"),
        ("wei@eu.acme.com", "acme"),
        ("wei@acme.co.uk", "acme"),
        ("wei@acme.com.au", "acme"),
        ("wei@outlook.com", ""),
        ("not an address", ""),
    ],
)
def test_email_organisation(email, organisation):
    assert email_organisation(email) == organisation


@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        (("Bob", "Smith"), ("Robert", "Smith"), True),
        (("Jon", "Smith"), ("John", "Smith"), True),
        (("J.", "Smith"), ("John", "Smith"), True),
        (("José", "Núñez"), ("Jose", "Nunez"), True),
        (("María", "Sánchez-López"), ("Maria", "Sánchez"), True),
        (("Wei", "Zhang"), ("Wei", "Zhan"), True),
        (("Maria", "Sanchez"), ("Mario", "Sandoval"), False),
        (("Anna", "Smith"), ("Hannah", "Jones"), False),
        (("", "Smith"), ("John", "Smith"), False),
    ],
)
def test_names_alike(one, other, alike):
    assert names_alike(*one, *other) is alike


def test_a_name_alone_is_no_evidence_but_a_shared_organisation_makes_it_one():
    stored = Person("Wei", "Zhang", "wei@globex.example", ("globex",))
    assert evidence_for(Person("Wei", "Zhang", "", ("initech",)), stored) == ()
    assert evidence_for(Person("Wei", "Zhang", "", ("globex",)), stored) == (
        "names alike: “Wei Zhang” and “Wei Zhang”",
        "both at globex",
    )
    # The stored e-mail's domain names an organisation too.
    assert evidence_for(Person("Wei", "Zhang", "", ("globex corp",)), stored)[-1] == (
        "both at globex corp"
    )


def test_the_same_address_is_no_possible_match_it_is_a_certain_one():
    stored = Person("Wei", "Zhang", "Wei@Acme.example")
    assert evidence_for(Person("Wei", "Zhang", "wei@acme.example", ("acme",)), stored) == ()


def test_mailbox_names_at_two_personal_providers_say_nothing():
    stored = Person("Wei", "Zhang", "wei.zhang@outlook.com")
    assert evidence_for(Person("Wei", "Zhang", "wei.zhang@gmail.com"), stored) == ()


def test_an_alias_of_the_address_is_evidence_even_under_another_name():
    stored = Person("Priya", "Raman", "priyaraman@example.net")
    assert evidence_for(Person("P", "R", "Priya.Raman+li@example.net"), stored) == (
        "the e-mail Priya.Raman+li@example.net is theirs apart from case, dots or a +tag",
    )


def test_index_finds_a_surname_with_a_late_typo_and_keeps_the_given_order():
    index = MatchIndex(
        [
            (3, Person("Maria", "Sanches", "", ("acme",))),
            (1, Person("Maria", "Sanchez", "", ("acme",))),
            (2, Person("Maria", "Okafor", "", ("acme",))),
        ]
    )
    incoming = Person("María", "Sánchez", "", ("acme",))
    assert index.candidates(incoming) == [3, 1]
    assert [match.key for match in index.matches(incoming)] == [3, 1]
    assert [match.key for match in index.matches(incoming, exclude=[3])] == [1]


def test_index_meets_a_nickname_under_the_full_names_initial():
    index = MatchIndex([(1, Person("Robert", "Smith")), (2, Person("Alice", "Smith"))])
    assert index.candidates(Person("Bob", "Smith")) == [1]


def test_index_compares_one_person_with_at_most_the_first_hundred_namesakes():
    index = MatchIndex([(key, Person("John", "Smith", "", ("acme",))) for key in range(150)])
    assert index.candidates(Person("John", "Smith")) == list(range(100))
