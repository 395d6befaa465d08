import json

from django.core.management.base import BaseCommand, CommandError

from deskmate.programmes import matching, services
from deskmate.programmes.models import MatchRun, Programme


class Command(BaseCommand):
    help = (
        "Run a programme's matching and print the proposed pairs with their reasons and the run's "
        "measures. Nothing is published: review and publish the run on its page."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="The programme's id or slug.")
        parser.add_argument(
            "--method",
            choices=services.METHODS,
            default="optimal",
            help="optimal (highest total), stable (nobody would rather swap) or participation "
            "(as many matched as possible). Peer programmes always pair peers.",
        )
        parser.add_argument(
            "--proposing",
            choices=Programme.Proposing.values,
            default=None,
            help="Stable runs: which side proposes (the programme's setting when not given).",
        )
        parser.add_argument(
            "--new-round", action="store_true", help="Peer programmes: start a new round."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    def handle(self, *args, programme: str, method: str, new_round: bool, json: bool, **options):
        found = _programme(programme)
        run = services.match_run_start(
            programme=found,
            actor=None,
            method=method,
            proposing=options.get("proposing"),
            new_round=new_round,
            background=False,
        )
        if run.status == MatchRun.Status.FAILED:
            raise CommandError(f"The matching failed: {run.error}")
        pairs = list(run.pairs.select_related("mentee", "mentor").order_by("-score", "id"))
        if json:
            self.stdout.write(
                _dumps(
                    {
                        "programme": {"id": found.pk, "slug": found.slug, "name": found.name},
                        "run": run.pk,
                        "method": run.method,
                        "metrics": run.metrics,
                        "warnings": run.warnings,
                        "pairs": [
                            {
                                "mentee_id": pair.mentee_id,
                                "mentee": pair.mentee.name,
                                "mentor_id": pair.mentor_id,
                                "mentor": pair.mentor.name,
                                "score": round(pair.score, 4),
                                "pinned": pair.pinned,
                                "published": pair.carried,
                                "reasons": pair.reasons,
                            }
                            for pair in pairs
                        ],
                    }
                )
            )
            return
        metrics = run.metrics
        self.stdout.write(f"{found.name}: run {run.pk} ({run.get_method_display()})")
        self.stdout.write(
            f"Matched {metrics.get('number_matched', 0)} (share {metrics.get('share_matched', 0):.0%}), "
            f"total score {metrics.get('total_score', 0):.2f}"
            + (
                f", {metrics['ratio_to_optimum']:.0%} of the optimum"
                if metrics.get("ratio_to_optimum") is not None
                else ""
            )
        )
        for sentence in matching.stability_words(metrics).values():
            self.stdout.write(sentence)
        for quota in metrics.get("quotas", []):
            self.stdout.write(f"Quota: {quota['words']}")
        if metrics.get("solver_words"):
            self.stdout.write(metrics["solver_words"])
        if metrics.get("peer_gap_words"):
            self.stdout.write(metrics["peer_gap_words"])
        for rule in metrics.get("rules", []):
            self.stdout.write(f"Rule: {rule['words']}")
        for warning in run.warnings:
            self.stdout.write(f"! {warning}")
        for pair in pairs:
            self.stdout.write(f"{pair.mentee.name} — {pair.mentor.name} ({pair.score:.2f})")
            for reason in pair.reasons:
                self.stdout.write(f"   · {reason}")


def _programme(key: str) -> Programme:
    programme = (
        Programme.objects.filter(pk=int(key)).first()
        if key.isdigit()
        else Programme.objects.filter(slug=key).first()
    )
    if programme is None:
        raise CommandError(f"No programme has the id or slug {key!r}.")
    return programme


def _dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
