"""What the programmes app holds about a member, for their data download and their erasure.

A programme's history is the coordinators' and the other participants': an
erased member's applications stay as "A former member" with their own words
removed and, while still waiting, withdrawn; invitations to their address lose
the address; match runs and proposed pairs keep their numbers with the member's
name taken out of every summary; an erased coordinator stops coordinating.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from deskmate.people.data_rights import (
    ERASED_ADDRESS,
    Erasure,
    Holding,
    Identity,
    register_holding,
    rows_as_dicts,
    scrub_text,
)
from deskmate.people.models import Member
from deskmate.programmes.models import (
    Application,
    ApplicationImport,
    AttributeRule,
    Invitation,
    MatchRun,
    PairRule,
    Programme,
    ProposedPair,
    Publication,
    Quota,
)


def _applications(member: Member) -> list[dict[str, Any]]:
    return rows_as_dicts(Application.objects.filter(member=member))


def _applications_erase(identity: Identity, erasure: Erasure) -> None:
    mine = Application.objects.filter(member=identity.member)
    withdrawn = mine.filter(status=Application.Status.APPLIED).update(
        status=Application.Status.WITHDRAWN
    )
    blanked = mine.update(goals="", answers={}, mentor_preferences=[])
    erasure.count("applications", anonymised=max(withdrawn, blanked))


def _invitations(member: Member) -> list[dict[str, Any]]:
    addressed = Q(member=member) | Q(email__iexact=member.user.email)
    return rows_as_dicts(Invitation.objects.filter(addressed))


def _invitations_erase(identity: Identity, erasure: Erasure) -> None:
    addressed = Invitation.objects.filter(
        Q(member=identity.member) | Q(email__iexact=identity.email)
    )
    changed = 0
    for invitation in addressed:
        invitation.email = f"erased-invitation-{invitation.pk}@{ERASED_ADDRESS}"
        invitation.member = None
        invitation.save(update_fields=["email", "member"])
        changed += 1
    erasure.count("invitations", anonymised=changed)


def _pairs(member: Member) -> list[dict[str, Any]]:
    """Pairs proposed for the member, rules naming them, and what they ran as a coordinator."""
    pairs = ProposedPair.objects.filter(Q(mentee=member) | Q(mentor=member))
    rules = PairRule.objects.filter(Q(mentee=member) | Q(mentor=member))
    created = Programme.objects.filter(created_by=member)
    uploads = ApplicationImport.objects.filter(owner=member)
    return [
        {
            "proposed_pairs": rows_as_dicts(pairs),
            "pair_rules": rows_as_dicts(rules),
            "programmes_created": rows_as_dicts(created),
            "programmes_coordinated": list(
                member.programmes_coordinated.order_by("pk").values("pk", "name")
            ),
            "application_imports": rows_as_dicts(uploads, exclude=("payload",)),
            "attribute_rules_made": rows_as_dicts(AttributeRule.objects.filter(created_by=member)),
            "quotas_made": rows_as_dicts(Quota.objects.filter(created_by=member)),
        }
    ]


def _runs_erase(identity: Identity, erasure: Erasure) -> None:
    # An erased coordinator no longer runs anything; the programme stays with the others.
    coordinated = identity.member.programmes_coordinated.count()
    identity.member.programmes_coordinated.clear()
    erasure.count("programme_coordinators", deleted=coordinated)
    scrub_text(MatchRun, ["metrics", "warnings", "error"], identity, erasure, kind="match_runs")
    scrub_text(ProposedPair, ["reasons"], identity, erasure, kind="proposed_pairs")
    # A failed publication's error names the pair that could not be made.
    scrub_text(Publication, ["error"], identity, erasure, kind="publications")
    scrub_text(PairRule, ["reason"], identity, erasure, kind="pair_rules")
    scrub_text(
        ApplicationImport, ["summary", "errors"], identity, erasure, kind="application_imports"
    )


def register() -> None:
    """The programmes app's kinds (called from its ``AppConfig.ready``)."""
    for holding in (
        Holding("applications", ("programmes.Application",), _applications, _applications_erase),
        Holding("invitations", ("programmes.Invitation",), _invitations, _invitations_erase),
        Holding(
            "programme_pairs",
            (
                "programmes.ProposedPair",
                "programmes.PairRule",
                "programmes.MatchRun",
                "programmes.Programme",
                "programmes.ApplicationImport",
                "programmes.AttributeRule",
                "programmes.Quota",
                "programmes.Publication",
            ),
            _pairs,
            _runs_erase,
            order=60,
        ),
    ):
        register_holding(holding)
