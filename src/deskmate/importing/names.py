"""Keys for comparing the names people type for organisations, schools and skills.

The keys are for matching ("ACME, Inc" and "Acme Inc." are one employer), never
for display: keep what the person wrote and store the key beside it.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

# Django's address rule, so that an import accepts exactly what a form accepts. The validators
# are plain functions: they need no settings and no apps (the one Django import allowed here).
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

__all__ = [
    "full_name_key",
    "is_email_address",
    "normalise_organisation_name",
    "normalise_school_name",
    "normalise_skill_name",
    "profile_url_key",
]

#: Company-form words dropped from the end of an organisation's name.
LEGAL_SUFFIXES = frozenset(
    {
        "ab", "ag", "as", "asa", "bv", "co", "company", "corp", "corporation", "gmbh",
        "inc", "incorporated", "kg", "kgaa", "kk", "lda", "limited", "llc", "llp", "lp",
        "ltd", "mbh", "nv", "oy", "oyj", "plc", "pte", "pty", "pvt", "sa", "sarl", "sas",
        "sau", "se", "sl", "spa", "srl", "ug",
    }
)  # fmt: skip

_JOINED_BY_NOTHING = re.compile(r"[.'’`´]")
_OTHER_PUNCTUATION = re.compile(r"[^\w\s]|_")


def _words(name: str) -> list[str]:
    """Lower-case words without accents or punctuation; "J.P. Morgan" → ["jp", "morgan"].

    Runs of single letters join up, so "S. A." and "S.A." both give "sa".
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    bare = bare.replace("&", " and ")
    bare = _JOINED_BY_NOTHING.sub("", bare)
    bare = _OTHER_PUNCTUATION.sub(" ", bare)
    words: list[str] = []
    in_letter_run = False
    for word in bare.split():
        single_letter = len(word) == 1 and word.isalpha()
        if single_letter and in_letter_run:
            words[-1] += word
        else:
            words.append(word)
        in_letter_run = single_letter
    return words


def _drop_leading_the(words: list[str]) -> list[str]:
    return words[1:] if len(words) > 1 and words[0] == "the" else words


def normalise_organisation_name(name: str) -> str:
    """The key two spellings of one organisation share.

    Case, accents, punctuation, "&" versus "and", a leading "The" and trailing
    company forms (Inc, Ltd, GmbH & Co. KG, S.A., ...) do not count.

    >>> normalise_organisation_name("ACME, Inc")
    'acme'
    >>> normalise_organisation_name("Société Générale S.A.")
    'societe generale'
    """
    words = _drop_leading_the(_words(name))
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
        if len(words) > 1 and words[-1] == "and":
            words.pop()  # the "&" of "& Co." and "GmbH & Co. KG"
    return " ".join(words)


def normalise_school_name(name: str) -> str:
    """The key two spellings of one school share.

    >>> normalise_school_name("The University of Lisbon")
    'university of lisbon'
    """
    return " ".join(_drop_leading_the(_words(name)))


def normalise_skill_name(name: str) -> str:
    """A skill in lower case with single spaces; symbols stay ("C++", "C#", ".NET").

    >>> normalise_skill_name("  Machine   LEARNING ")
    'machine learning'
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def is_email_address(value: str) -> bool:
    """Whether ``value`` is an e-mail address by Django's own rule (``validate_email``).

    >>> is_email_address("maria.sanchez@acme.example"), is_email_address("maria@acme")
    (True, False)
    >>> is_email_address("maria sanchez@acme.example"), is_email_address("12")
    (False, False)
    """
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


#: Abbreviations that titles and degrees are written with either way.
_TITLE_WORDS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "jnr": "junior",
    "mgr": "manager",
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "assoc": "associate",
    "asst": "assistant",
    "vp": "vice president",
}


def normalise_title(title: str) -> str:
    """The key two spellings of one job title or degree share.

    Case, accents, punctuation and a few common abbreviations do not count:

    >>> normalise_title("Sr. Software Eng.")
    'senior software engineer'
    >>> normalise_title("B.Sc.") == normalise_title("BSc")
    True
    """
    return " ".join(_TITLE_WORDS.get(word, word) for word in _words(title))


def full_name_key(first: str, last: str = "") -> str:
    """A person's full name as compared when a file names someone only by name.

    Case, Unicode forms and runs of spaces do not count; a single cell written as a
    directory writes it ("Sánchez, María") is the same name as "María Sánchez".
    Nothing else is loosened: "Bob" is not "Robert", and accents count.

    >>> full_name_key("María", "Sánchez") == full_name_key("  sánchez,  MARÍA ")
    True
    >>> full_name_key("Maria Sanchez") == full_name_key("María Sánchez")
    False
    """
    if not last and "," in first:
        last, _, first = first.partition(",")
    text = unicodedata.normalize("NFKC", f"{first} {last}")
    return " ".join(text.split()).casefold()


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_HOST_PREFIX = re.compile(r"^(?:www|[a-z]{2})\.(?=[^.]+\.[^.]+$)")
_LOCALE = re.compile(r"[a-z]{2}(?:[-_][a-z]{2})?")


def profile_url_key(url: str) -> str:
    """A profile address as compared to another: what names the person, nothing else.

    Scheme, case, ``www.`` or a country sub-domain, the query and fragment, a trailing
    slash and a trailing locale ("/en", "/fr-fr") do not count.

    >>> profile_url_key("https://uk.LinkedIn.com/in/Wei-Zhang-1/en/?trk=profile#x")
    'linkedin.com/in/wei-zhang-1'
    >>> profile_url_key("www.linkedin.com/in/wei-zhang-1")
    'linkedin.com/in/wei-zhang-1'
    >>> profile_url_key("")
    ''
    """
    text = urllib.parse.unquote(url.strip()).casefold()
    text = _SCHEME.sub("", text).split("?", 1)[0].split("#", 1)[0]
    host, _, path = text.partition("/")
    host = _HOST_PREFIX.sub("", host)
    parts = [part for part in path.split("/") if part]
    if len(parts) >= 3 and _LOCALE.fullmatch(parts[-1]):
        parts.pop()
    return "/".join([host, *parts]) if host else ""
