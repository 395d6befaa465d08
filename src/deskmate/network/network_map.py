"""The data behind "My network": the viewer's ties, coloured by kind and sized by strength."""

from django.urls import reverse

from deskmate.engine.ties import EvidenceKind
from deskmate.network.neighbourhood import viewer_ties
from deskmate.network.tie_store import visible_strength
from deskmate.people.models import Member
from deskmate.people.selectors import visible_member_ids

MAP_SIZE = 80
KIND_LABELS = {
    "current_colleague": "Current colleague",
    "former_colleague": "Former colleague",
    "classmate": "Studied together",
    "alumni": "Same school",
    "colleague_elsewhere": "Same organisation",
    "contact": "In your contacts",
    "interaction": "You met recently",
    "mutual": "Mutual contacts",
}


def evidence_visible(item: dict, viewer_id: int) -> bool:
    private_to = item.get("private_to")
    return private_to is None or private_to == viewer_id


def evidence_kind(item: dict) -> str:
    kind = EvidenceKind(item["kind"])
    if kind is EvidenceKind.WORKED_TOGETHER:
        return "current_colleague" if item.get("current") else "former_colleague"
    return {
        EvidenceKind.SAME_ORGANISATION: "colleague_elsewhere",
        EvidenceKind.STUDIED_TOGETHER: "classmate",
        EvidenceKind.ALUMNI: "alumni",
        EvidenceKind.CONTACT: "contact",
        EvidenceKind.INTERACTION: "interaction",
        EvidenceKind.MUTUAL_CONTACTS: "mutual",
    }[kind]


def network_map_for(viewer: Member, *, size: int = MAP_SIZE) -> dict:
    """Nodes and edges for the viewer's map; strengths count only what the viewer may see."""
    edges = []
    for low, high, evidence in viewer_ties(viewer.pk):
        shown = [item for item in evidence if evidence_visible(item, viewer.pk)]
        if not shown:
            continue
        strongest = max(shown, key=lambda item: item["strength"])
        edges.append(
            {
                "other": high if low == viewer.pk else low,
                "strength": round(visible_strength(evidence, viewer.pk), 4),
                "kind": evidence_kind(strongest),
                "kinds": sorted({evidence_kind(item) for item in shown}),
            }
        )
    visible = visible_member_ids(viewer, [edge["other"] for edge in edges])
    edges = sorted(
        (edge for edge in edges if edge["other"] in visible),
        key=lambda edge: (-edge["strength"], edge["other"]),
    )[:size]
    members = Member.objects.in_bulk([edge["other"] for edge in edges])
    nodes = [
        {"id": f"m{viewer.pk}", "label": viewer.name, "me": True, "strength": 1.0, "kind": "me"}
    ]
    for edge in edges:
        member = members[edge["other"]]
        nodes.append(
            {
                "id": f"m{member.pk}",
                "label": member.name,
                "headline": member.headline,
                "url": reverse("member_profile", args=[member.pk]),
                "strength": edge["strength"],
                "kind": edge["kind"],
                "kinds": [KIND_LABELS[kind] for kind in edge["kinds"]],
            }
        )
    return {
        "nodes": nodes,
        "edges": [
            {
                "source": f"m{viewer.pk}",
                "target": f"m{edge['other']}",
                "strength": edge["strength"],
                "kind": edge["kind"],
            }
            for edge in edges
        ],
        "legend": KIND_LABELS,
    }
