"""Whether a person a file names may be someone already known, and the evidence in words.

An import links a person to a member only on certain evidence (the same external id,
e-mail or profile address). This module finds the *possible* matches an import must
not decide alone: the same e-mail apart from dots, a "+tag" or the provider's other
domain; the same mailbox name at another domain of the same organisation; a name
written another way (accents, a nickname, an initial, a double surname) together with
an organisation both have worked at. A name alone is never evidence: namesakes are
common. The importer confirms or rejects each match; nothing here decides.

>>> index = MatchIndex([(7, Person("María", "Sánchez", "maria.sanchez@acme.example", ("acme",)))])
>>> [(found.key, found.evidence) for found in index.matches(Person("Maria", "Sanchez", "", ("acme",)))]
[(7, ('names alike: “Maria Sanchez” and “María Sánchez”', 'both at acme'))]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rapidfuzz import fuzz

__all__ = [
    "Match",
    "MatchIndex",
    "Person",
    "email_alias_key",
    "email_organisation",
    "evidence_for",
    "folded",
    "names_alike",
]

Key = TypeVar("Key", bound=Hashable)

#: Providers whose addresses are one mailbox under two domains.
SAME_PROVIDER = {"googlemail.com": "gmail.com"}
#: Mailbox providers: a shared provider says nothing about a shared organisation.
PERSONAL_PROVIDERS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.de", "web.de", "yandex.ru", "mail.ru",
        "qq.com", "163.com", "fastmail.com", "zoho.com",
    }
)  # fmt: skip
#: Second-level labels under a country code ("acme.co.uk", "acme.com.au").
_SECOND_LEVEL = frozenset({"co", "com", "ac", "org", "net", "gov", "edu", "ne", "or"})
#: Short forms of first names, each to the name it shortens (all folded).
NICKNAMES = {
    "alex": "alexander", "andy": "andrew", "ben": "benjamin", "bill": "william",
    "bob": "robert", "chris": "christopher", "dan": "daniel", "dave": "david",
    "ed": "edward", "jim": "james", "joe": "joseph", "jon": "jonathan", "kate": "katherine",
    "liz": "elizabeth", "matt": "matthew", "mike": "michael", "nick": "nicholas",
    "pat": "patrick", "rob": "robert", "sam": "samuel", "steve": "steven", "tom": "thomas",
    "tony": "anthony", "will": "william", "pepe": "jose", "paco": "francisco",
}  # fmt: skip
#: Stored people compared with one incoming person at most (the first given), so that a file
#: of 30,000 "John Smith"s against a community of them stays linear.
MAX_CANDIDATES = 100
#: How alike two first names (or two surnames) must be, in rapidfuzz's 0–100 ratio.
FIRST_NAME_LIKENESS = 80
LAST_NAME_LIKENESS = 85

SAME_MAILBOX = "the e-mail {incoming} is {stored} apart from case, dots or a +tag"
SIBLING_DOMAIN = (
    "the e-mail {incoming} has the mailbox name of {stored}, at another domain of {org}"
)
NAMES_ALIKE = "names alike: “{incoming}” and “{stored}”"
BOTH_AT = "both at {org}"


def folded(text: str) -> str:
    """Lower case without accents, hyphens or dots; "Sánchez-López" → "sanchez lopez".

    >>> folded("  Sánchez-López ")
    'sanchez lopez'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    for mark in "-.,'’_":
        bare = bare.replace(mark, " ")
    return " ".join(bare.split())


def _split(email: str) -> tuple[str, str]:
    local, at, domain = email.strip().casefold().rpartition("@")
    return (local, domain) if at else ("", "")


def email_alias_key(email: str) -> str:
    """The mailbox an address delivers to: without case, dots, a "+tag", or a provider's alias.

    >>> email_alias_key("Maria.Sanchez+hr@GoogleMail.com")
    'mariasanchez@gmail.com'
    >>> email_alias_key("not an address")
    ''
    """
    local, domain = _split(email)
    if not local or not domain:
        return ""
    local = local.split("+", 1)[0].replace(".", "")
    return f"{local}@{SAME_PROVIDER.get(domain, domain)}"


def email_organisation(email: str) -> str:
    """The organisation an address's domain names: "acme" for acme.co.uk and eu.acme.com.

    Empty for a personal mailbox provider, which names no organisation.

    >>> email_organisation("wei@eu.acme.com"), email_organisation("wei@acme.co.uk")
    ('acme', 'acme')
    >>> email_organisation("wei@gmail.com")
    ''
    """
    _, domain = _split(email)
    if not domain or domain in PERSONAL_PROVIDERS:
        return ""
    labels = domain.split(".")[:-1]
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels.pop()
    return labels[-1] if labels else ""


def _first_names_alike(one: str, other: str) -> bool:
    if len(one) == 1 or len(other) == 1:  # an initial: "J Smith"
        return one[0] == other[0]
    full, other_full = NICKNAMES.get(one, one), NICKNAMES.get(other, other)
    return (
        full == other_full
        or fuzz.ratio(one, other) >= FIRST_NAME_LIKENESS
        or fuzz.ratio(full, other_full) >= FIRST_NAME_LIKENESS
    )


def _last_names_alike(one: str, other: str) -> bool:
    # A double surname written whole or in part ("Sánchez López", "Sánchez").
    if set(one.split()) <= set(other.split()) or set(other.split()) <= set(one.split()):
        return True
    return fuzz.ratio(one, other) >= LAST_NAME_LIKENESS


def names_alike(first: str, last: str, other_first: str, other_last: str) -> bool:
    """Whether two names may be one person's, written two ways.

    >>> names_alike("Bob", "Smith", "Robert", "Smith"), names_alike("J.", "Smith", "John", "Smith")
    (True, True)
    >>> names_alike("María", "Sánchez López", "Maria", "Sanchez")
    True
    >>> names_alike("Maria", "Sanchez", "Marta", "Sandoval")
    False
    """
    first, last, other_first, other_last = map(folded, (first, last, other_first, other_last))
    if not (first and last and other_first and other_last):
        return False
    firsts = (first.split()[0], other_first.split()[0])
    return _first_names_alike(*firsts) and _last_names_alike(last, other_last)


@dataclass(frozen=True)
class Person:
    """What a file or the database says of a person: names, an e-mail, organisation keys."""

    first_name: str
    last_name: str
    email: str = ""
    #: Normalised organisation names (``names.normalise_organisation_name``).
    organisations: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return " ".join(f"{self.first_name} {self.last_name}".split())


@dataclass(frozen=True)
class Match(Generic[Key]):
    key: Key
    evidence: tuple[str, ...]


def _shared_organisation(incoming: Person, stored: Person) -> str:
    theirs = set(stored.organisations)
    if domain := email_organisation(stored.email):
        theirs.add(domain)
    for organisation in incoming.organisations:
        # "Northwind Traders" is the organisation of northwind.example: its name, run
        # together or by its first word, is the domain's.
        spellings = {organisation, organisation.replace(" ", ""), organisation.split()[0]}
        if organisation and spellings & theirs:
            return organisation
    return ""


def _email_evidence(incoming: Person, stored: Person) -> str:
    if not incoming.email or not stored.email:
        return ""
    alias = email_alias_key(incoming.email)
    if alias and alias == email_alias_key(stored.email):
        return SAME_MAILBOX.format(incoming=incoming.email, stored="theirs")
    (local, _), (stored_local, _) = _split(incoming.email), _split(stored.email)
    organisation = email_organisation(incoming.email)
    if (
        organisation
        and organisation == email_organisation(stored.email)
        and local.split("+", 1)[0].replace(".", "")
        == stored_local.split("+", 1)[0].replace(".", "")
    ):
        return SIBLING_DOMAIN.format(incoming=incoming.email, stored="theirs", org=organisation)
    return ""


def evidence_for(incoming: Person, stored: Person) -> tuple[str, ...]:
    """The reasons ``incoming`` may be ``stored``; empty when it is no possible match.

    >>> evidence_for(Person("Wei", "Zhang", "wei.zhang@acme.co.uk"),
    ...              Person("Wei", "Zhang", "wei.zhang@acme.example"))
    ('the e-mail wei.zhang@acme.co.uk has the mailbox name of theirs, at another domain of acme', 'names alike: “Wei Zhang” and “Wei Zhang”')
    >>> evidence_for(Person("Wei", "Zhang"), Person("Wei", "Zhang"))
    ()
    """
    if incoming.email and incoming.email.casefold() == stored.email.casefold():
        return ()  # the same address is a certain match, decided before this
    email = _email_evidence(incoming, stored)
    alike = names_alike(
        incoming.first_name, incoming.last_name, stored.first_name, stored.last_name
    )
    shared = _shared_organisation(incoming, stored) if alike else ""
    if not email and not shared:
        return ()
    evidence = [email] if email else []
    if alike:
        evidence.append(NAMES_ALIKE.format(incoming=incoming.name, stored=stored.name))
    if shared:
        evidence.append(BOTH_AT.format(org=shared))
    return tuple(evidence)


def _initials(first_name: str) -> set[str]:
    """A first name's initial, and its full form's ("Bob" → b and r, for Robert)."""
    words = folded(first_name).split()
    if not words:
        return {""}
    return {words[0][0], NICKNAMES.get(words[0], words[0])[0]}


def _name_keys(first_name: str, last_name: str) -> set[str]:
    """Blocks of a name: each surname word, and its first four letters (so that one typo late
    in a surname still meets it), each with the first name's initials."""
    words = [word for word in folded(last_name).split() if len(word) > 1]
    initials = _initials(first_name)
    return {
        f"{kind}:{part}|{initial}"
        for word in words
        for kind, part in (("w", word), ("p", word[:4]))
        for initial in initials
    }


def _email_keys(email: str) -> set[str]:
    keys = set()
    if alias := email_alias_key(email):
        keys.add(f"a:{alias}")
        keys.add(f"l:{alias.split('@', 1)[0]}")
    return keys


@dataclass
class MatchIndex(Generic[Key]):
    """Stored people by surname and mailbox, so that each incoming person meets only a few.

    Build it once per import from ``(key, Person)`` pairs (a member's id and what is
    stored of them); ``matches`` compares an incoming person with the stored people who
    share a surname word or its first four letters together with a first initial, or a
    mailbox name: at most ``MAX_CANDIDATES`` of them.
    """

    people: Iterable[tuple[Key, Person]]
    _stored: dict[Key, Person] = field(default_factory=dict, init=False)
    _by_block: dict[str, list[Key]] = field(default_factory=dict, init=False)
    _order: dict[Key, int] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for key, person in self.people:
            self._stored[key] = person
            self._order.setdefault(key, len(self._order))
            for block in _name_keys(person.first_name, person.last_name) | _email_keys(
                person.email
            ):
                self._by_block.setdefault(block, []).append(key)

    def __len__(self) -> int:
        return len(self._stored)

    def candidates(self, incoming: Person) -> list[Key]:
        """The stored people who share a block with ``incoming``, in the order they were given."""
        blocks = _name_keys(incoming.first_name, incoming.last_name) | _email_keys(incoming.email)
        found = {key for block in blocks for key in self._by_block.get(block, ())}
        return sorted(found, key=self._order.__getitem__)[:MAX_CANDIDATES]

    def stored(self, key: Key) -> Person:
        return self._stored[key]

    def matches(self, incoming: Person, *, exclude: Iterable[Key] = ()) -> list[Match[Key]]:
        """The stored people ``incoming`` may be, in the order they were given, with evidence."""
        left_out = set(exclude)
        found = []
        for key in self.candidates(incoming):
            if key in left_out:
                continue
            if evidence := evidence_for(incoming, self._stored[key]):
                found.append(Match(key, evidence))
        return found
