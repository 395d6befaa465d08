import json

from django.core.management.base import BaseCommand, CommandError

from deskmate.engine.ranking import SuggestionFilter
from deskmate.network.suggestions import suggestions_for
from deskmate.people.models import Member


class Command(BaseCommand):
    help = "Suggest mentors (or copilots) for a member, with the reasons in words."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The member's e-mail address.")
        parser.add_argument(
            "--copilots", action="store_true", help="Peers at a similar stage instead of mentors."
        )
        parser.add_argument(
            "--goal",
            default="",
            help="Only suggestions for the member's goal containing this text.",
        )
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    def handle(self, *args, email, copilots, goal, limit, json: bool, **options):
        member = Member.objects.filter(user__email__iexact=email.strip()).first()
        if member is None:
            raise CommandError(f"No member has the e-mail address {email}.")
        goal_id = None
        if goal:
            found = member.goals.filter(text__icontains=goal).first()
            if found is None:
                raise CommandError(f"{member.name} has no goal containing {goal!r}.")
            goal_id = found.pk
        suggestions = suggestions_for(
            member, copilots=copilots, filters=SuggestionFilter(goal=goal_id), limit=limit
        )
        if json:
            self.stdout.write(
                _json_dumps(
                    [
                        {
                            "member_id": s.member.pk,
                            "name": s.member.name,
                            "email": s.member.user.email,
                            "score": round(s.score, 4),
                            "fit": round(s.fit, 4),
                            "tie_strength": round(s.tie_strength, 4),
                            "goal_ids": list(s.goals),
                            "reasons": list(s.reasons),
                        }
                        for s in suggestions
                    ]
                )
            )
            return
        if not suggestions:
            self.stdout.write(
                "No suggestions yet: add history, goals or contacts, then refresh ties."
            )
        for rank, item in enumerate(suggestions, start=1):
            self.stdout.write(f"{rank}. {item.member.name} — {item.member.headline}".rstrip(" —"))
            for reason in item.reasons:
                self.stdout.write(f"   · {reason}")


def _json_dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
