"""Quotas and attribute rules in the product path, checked against an independent brute force."""

import itertools

import pytest

from deskmate.core.audit import AuditEntry, AuditEvent
from deskmate.programmes import services
from deskmate.programmes.matching import QUOTAS_OPTIMAL_ONLY, build_matrix
from deskmate.programmes.models import ApplicationImport, AttributeRule, MatchRun, Quota
from tests.conftest import client_for
from tests.people.test_api import bearer
from tests.programmes.test_import import run_import

pytestmark = pytest.mark.django_db

# A Google Forms responses export: Timestamp, then one column per question. Mentees rank
# mentors by e-mail, best first; mentors rank mentees the same way.
FORM = (
    "Timestamp,Email address,Full name,I join as,How many mentees can you take?,"
    "University,Advisor,Who would you like to be matched with? (best first),"
    "Topics [Leadership],Topics [Public speaking]\n"
    "2025/03/01 9:00:00 AM GMT+1,omar@example.org,Omar Haddad,Mentor,2,,Prof. Aydın,"
    '"lena@example.org; elif@example.org; deniz@example.org",1,\n'
    "2025/03/01 9:10:00 AM GMT+1,priya@example.org,Priya Nair,Mentor,2,,Prof. Kaya,"
    '"ana@example.org; mert@example.org",,1\n'
    "2025/03/01 9:20:00 AM GMT+1,jonas@example.org,Jonas Weber,Mentor,2,,Prof. Lee,"
    '"deniz@example.org; can@example.org",1,2\n'
    "2025/03/02 10:00:00 AM GMT+1,lena@example.org,Lena Fischer,Mentee,,Boğaziçi, prof. aydın ,"
    '"omar@example.org; priya@example.org",1,\n'
    "2025/03/02 10:05:00 AM GMT+1,ana@example.org,Ana Silva,Mentee,,Boğaziçi,Prof. Kaya,"
    '"priya@example.org; omar@example.org",,1\n'
    "2025/03/02 10:10:00 AM GMT+1,deniz@example.org,Deniz Yılmaz,Mentee,,BOĞAZİÇİ,Prof. Lee,"
    '"omar@example.org; jonas@example.org",1,2\n'
    "2025/03/02 10:15:00 AM GMT+1,elif@example.org,Elif Demir,Mentee,,Boğaziçi,Prof. Aydın,"
    '"omar@example.org; priya@example.org",1,\n'
    "2025/03/02 10:20:00 AM GMT+1,can@example.org,Can Öztürk,Mentee,,METU,Prof. Kaya,"
    "jonas@example.org,,1\n"
    "2025/03/02 10:25:00 AM GMT+1,mert@example.org,Mert Kaya,Mentee,,METU,,priya@example.org,2,1\n"
)
MAPPING = {
    "Timestamp": "ignore",
    "Email address": "email",
    "Full name": "name",
    "I join as": "role",
    "How many mentees can you take?": "capacity",
    "University": "attribute_category",
    "Advisor": "attribute_text",
    "Who would you like to be matched with? (best first)": "ranking",
    "Topics [Leadership]": "topic",
    "Topics [Public speaking]": "topic",
}


WRITES = [
    AuditEvent.ATTRIBUTE_DECLARE,
    AuditEvent.ATTRIBUTE_RULE_ADD,
    AuditEvent.ATTRIBUTE_RULE_REMOVE,
    AuditEvent.QUOTA_ADD,
    AuditEvent.QUOTA_REMOVE,
]


def cells(column: str) -> dict[str, str]:
    """A column of FORM by e-mail, read here without the product's reader."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(FORM)))
    return {row["Email address"]: row[column] for row in rows}


def brute_force(scores, capacity, allowed, keeps):
    """The best total over every assignment (each mentee: a mentor or nobody) and one that reaches it."""
    n_mentees, n_mentors = scores.shape
    best_total, best = -1.0, None
    for mentor_of in itertools.product(range(-1, n_mentors), repeat=n_mentees):
        if any(mentor_of.count(col) > capacity[col] for col in range(n_mentors)):
            continue
        pairs = [(row, col) for row, col in enumerate(mentor_of) if col >= 0]
        if not all(allowed(row, col) for row, col in pairs) or not keeps(mentor_of):
            continue
        total = float(sum(scores[row, col] for row, col in pairs))
        if total > best_total + 1e-12:
            best_total, best = total, mentor_of
    return best_total, best


@pytest.fixture
def imported(programme, coordinator):
    upload = run_import(programme, coordinator, FORM, mapping=MAPPING)
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    programme.refresh_from_db()
    return programme


def test_a_university_quota_and_an_advisor_rule_from_imported_columns_match_optimally(
    imported, coordinator
):
    # The scores of every pair before any rule or quota: the independent solve starts here.
    free = build_matrix(imported)
    emails = {member_id: m.user.email for member_id, m in free.members.items()}
    mentees = [emails[i] for i in free.mentee_ids]
    mentors = [emails[i] for i in free.mentor_ids]
    advisor = {email: value.strip().casefold() for email, value in cells("Advisor").items()}
    university = {email: value.strip().casefold() for email, value in cells("University").items()}

    def apart(row, col):
        a, b = advisor[mentees[row]], advisor[mentors[col]]
        return not (a and a == b)

    def at_most_two(mentor_of):
        matched = [university[mentees[row]] for row, col in enumerate(mentor_of) if col >= 0]
        return all(matched.count(value) <= 2 for value in set(matched))

    def anything(*_):
        return True

    best, best_pairs = brute_force(free.scores, free.capacity, apart, at_most_two)
    unruled, unruled_pairs = brute_force(free.scores, free.capacity, anything, anything)
    rule_only, _ = brute_force(free.scores, free.capacity, apart, anything)
    # Both bite: the best assignment without them breaks the rule and the quota.
    assert not at_most_two(unruled_pairs)
    assert not all(apart(row, col) for row, col in enumerate(unruled_pairs) if col >= 0)
    assert best < rule_only < unruled

    services.attribute_rule_add(
        programme=imported, actor=coordinator, attribute="Advisor", kind="must_not_share"
    )
    services.quota_add(
        programme=imported, actor=coordinator, attribute="University", kind="at_most", limit=2
    )
    run = services.match_run_start(programme=imported, actor=coordinator, method="optimal")
    assert run.status == MatchRun.Status.DONE, run.error
    pairs = [(p.mentee.user.email, p.mentor.user.email, p.score) for p in run.pairs.all()]
    assert sum(score for *_, score in pairs) == pytest.approx(best, abs=1e-5)
    assert run.metrics["total_score"] == pytest.approx(best, abs=1e-4)
    for mentee_email, mentor_email, _ in pairs:
        assert advisor[mentee_email] != advisor[mentor_email] or not advisor[mentee_email]
    matched = [university[mentee_email] for mentee_email, *_ in pairs]
    assert matched.count("boğaziçi") == 2 and matched.count("metu") == 2
    assert len(pairs) == sum(1 for col in best_pairs if col >= 0)

    cost = (rule_only - best) / rule_only
    assert run.metrics["quotas"] == [
        {
            "quota": "at most 2 matched mentees per University",
            "kind": "at_most",
            "binds_for": ["Boğaziçi", "METU"],
            "cost": round(rule_only - best, 4),
            "cost_share": round(cost, 6),
            "cost_exact": True,
            "words": "at most 2 matched mentees per University: binds for Boğaziçi and METU, "
            f"costs {cost * 100:.1f}% of the total score",
        }
    ]
    assert run.metrics["optimality_gap"] <= 1e-6 and run.metrics["time_limited"] is False
    excluded = sum(
        1 for row in range(len(mentees)) for col in range(len(mentors)) if not apart(row, col)
    )
    # Lena and Elif with Omar, Ana and Can with Priya, Deniz with Jonas.
    assert excluded == 5
    assert {
        "rule": "mentee and mentor must not share Advisor",
        "excluded_pairs": 5,
        "words": "mentee and mentor must not share Advisor: rules out 5 of 18 pairs",
    } in run.metrics["rules"]


def test_the_run_page_and_the_api_say_which_quota_binds_and_what_it_costs(
    imported, coordinator, as_coordinator
):
    services.quota_add(
        programme=imported, actor=coordinator, attribute="University", kind="at_most", limit=2
    )
    services.attribute_rule_add(
        programme=imported, actor=coordinator, attribute="Advisor", kind="must_not_share"
    )
    run = services.match_run_start(programme=imported, actor=coordinator, method="optimal")
    words = run.metrics["quotas"][0]["words"]
    assert words.startswith("at most 2 matched mentees per University: binds for Boğaziçi")
    page = as_coordinator.get(f"/programmes/{imported.pk}/runs/{run.pk}/").content.decode()
    assert f"<li>{words[0].upper()}{words[1:]}</li>" in page
    assert "Solved exactly by HiGHS (scipy.optimize.milp): proven optimal." in page
    assert "Mentee and mentor must not share Advisor: rules out 5 of 18 pairs" in page
    body = bearer(coordinator).get(f"/api/v1/programmes/{imported.pk}/runs/{run.pk}").json()
    assert body["quotas"][0]["words"] == words
    assert body["quotas"][0]["binds_for"] == ["Boğaziçi", "METU"]
    assert body["optimality_gap"] == run.metrics["optimality_gap"]
    assert "mentee and mentor must not share Advisor: rules out 5 of 18 pairs" in [
        rule["words"] for rule in body["rules"]
    ]


def test_each_mentors_mentees_from_two_universities(imported, coordinator):
    free = build_matrix(imported)
    emails = [free.members[i].user.email for i in free.mentee_ids]
    university = {e: v.strip().casefold() for e, v in cells("University").items()}

    def mixed(mentor_of):
        for col in set(mentor_of) - {-1}:
            mine = [university[emails[row]] for row, c in enumerate(mentor_of) if c == col]
            if len(set(mine)) < min(2, len(mine)):
                return False
        return True

    best, _ = brute_force(free.scores, free.capacity, lambda *_: True, mixed)
    services.quota_add(
        programme=imported, actor=coordinator, attribute="University", kind="min_distinct", limit=2
    )
    run = services.match_run_start(programme=imported, actor=coordinator, method="optimal")
    assert run.metrics["total_score"] == pytest.approx(best, abs=1e-4)
    by_mentor: dict[str, list[str]] = {}
    for pair in run.pairs.select_related("mentor", "mentee__user"):
        by_mentor.setdefault(pair.mentor.name, []).append(university[pair.mentee.user.email])
    assert all(len(set(values)) == len(values) for values in by_mentor.values())
    outcome = run.metrics["quotas"][0]
    assert (
        outcome["quota"] == "each mentor's mentees from at least 2 different values of University"
    )
    assert set(outcome["binds_for"]) <= {"Omar Haddad", "Priya Nair", "Jonas Weber"}
    assert outcome["binds_for"] and outcome["cost"] > 0


def test_a_stable_run_says_it_does_not_keep_the_quotas(imported, coordinator):
    services.quota_add(
        programme=imported, actor=coordinator, attribute="University", kind="at_most", limit=1
    )
    run = services.match_run_start(programme=imported, actor=coordinator, method="stable")
    assert run.metrics["quota_note"] == QUOTAS_OPTIMAL_ONLY
    assert "quotas" not in run.metrics
    assert run.pairs.count() == 6


def test_an_at_least_quota_for_a_value_nobody_has_is_left_out_with_a_warning(imported, coordinator):
    services.quota_add(
        programme=imported,
        actor=coordinator,
        attribute="University",
        kind="at_least_share",
        value="ITU",
        share=0.5,
    )
    run = services.match_run_start(programme=imported, actor=coordinator, method="optimal")
    assert run.warnings == [
        'No mentee has University "ITU", so the quota "at least 50% of matched mentees with '
        'University ITU" was left out of this run.'
    ]
    assert run.pairs.count() == 6 and "quotas" not in run.metrics


def test_an_at_least_share_quota_holds(imported, coordinator):
    services.quota_add(
        programme=imported,
        actor=coordinator,
        attribute="University",
        kind="at_least_share",
        value="metu",
        share=0.5,
    )
    run = services.match_run_start(programme=imported, actor=coordinator, method="optimal")
    universities = [cells("University")[p.mentee.user.email] for p in run.pairs.all()]
    assert universities.count("METU") * 2 >= len(universities) == 4
    assert run.metrics["quotas"][0]["binds_for"] == ["METU"]


# ---------------------------------------------------------------- the page


def test_the_coordinator_adds_and_removes_rules_and_quotas_on_the_page(
    imported, coordinator, as_coordinator
):
    url = f"/programmes/{imported.pk}/attributes/"
    page = as_coordinator.get(url)
    assert page.status_code == 200 and "University" in page.content.decode()
    added = as_coordinator.post(
        url, {"action": "rule", "rule-attribute": "Advisor", "rule-kind": "must_not_share"}
    )
    assert added.status_code == 302
    preference = as_coordinator.post(
        url,
        {
            "action": "rule",
            "rule-attribute": "University",
            "rule-kind": "prefer_different",
            "rule-weight": "0.2",
        },
    )
    assert preference.status_code == 302
    quota = as_coordinator.post(
        url,
        {
            "action": "quota",
            "quota-attribute": "University",
            "quota-kind": "at_most",
            "quota-limit": "2",
        },
    )
    assert quota.status_code == 302
    share = as_coordinator.post(
        url,
        {
            "action": "quota",
            "quota-attribute": "University",
            "quota-kind": "at_least_share",
            "quota-value": "METU",
            "quota-share": "40",
        },
    )
    assert share.status_code == 302
    assert list(AttributeRule.objects.values_list("attribute", "kind", "weight")) == [
        ("Advisor", "must_not_share", None),
        ("University", "prefer_different", 0.2),
    ]
    assert list(Quota.objects.values_list("kind", "limit", "value", "share")) == [
        ("at_most", 2, "", None),
        ("at_least_share", None, "METU", 0.4),
    ]
    shown = as_coordinator.get(url).content.decode()
    assert "Mentee and mentor must not share Advisor" in shown
    assert "Prefer pairs with a different University (weight 0.2)" in shown
    assert "At most 2 matched mentees per University" in shown
    assert "At least 40% of matched mentees with University METU" in shown
    assert list(
        AuditEntry.objects.filter(action__in=[AuditEvent.ATTRIBUTE_RULE_ADD, AuditEvent.QUOTA_ADD])
        .order_by("id")
        .values_list("action", "actor")
    ) == [
        (AuditEvent.ATTRIBUTE_RULE_ADD, coordinator.pk),
        (AuditEvent.ATTRIBUTE_RULE_ADD, coordinator.pk),
        (AuditEvent.QUOTA_ADD, coordinator.pk),
        (AuditEvent.QUOTA_ADD, coordinator.pk),
    ]
    rule = AttributeRule.objects.get(kind="must_not_share")
    first = Quota.objects.get(kind="at_most")
    as_coordinator.post(f"{url}rules/{rule.pk}/remove/")
    as_coordinator.post(f"{url}quotas/{first.pk}/remove/")
    assert AttributeRule.objects.count() == 1 and Quota.objects.count() == 1
    removed = AuditEntry.objects.get(action=AuditEvent.QUOTA_REMOVE)
    assert (removed.subject_id, removed.details) == (first.pk, {"attribute": "University"})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"action": "quota", "quota-attribute": "University", "quota-kind": "at_most"},
            "limit",
            services.LIMIT_REQUIRED,
        ),
        (
            {
                "action": "quota",
                "quota-attribute": "University",
                "quota-kind": "min_distinct",
                "quota-limit": "1",
            },
            "limit",
            services.DISTINCT_REQUIRED,
        ),
        (
            {"action": "quota", "quota-attribute": "Favourite colour", "quota-kind": "at_most"},
            "attribute",
            "Select a valid choice. Favourite colour is not one of the available choices.",
        ),
        (
            {
                "action": "rule",
                "rule-attribute": "Advisor",
                "rule-kind": "prefer_same",
                "rule-weight": "",
            },
            "weight",
            services.WEIGHT_REQUIRED,
        ),
        (
            {"action": "rule", "rule-attribute": "Advisor", "rule-kind": "minimum"},
            "attribute",
            'A minimum applies to a number attribute; "Advisor" is text.',
        ),
    ],
)
def test_bad_input_on_the_page_is_422_naming_the_field(
    imported, as_coordinator, fields, field, message
):
    response = as_coordinator.post(f"/programmes/{imported.pk}/attributes/", fields)
    assert response.status_code == 422
    prefix = fields["action"]
    errors = response.context["forms"][prefix].errors
    assert errors == {field: [message]}
    assert AttributeRule.objects.count() == 0 and Quota.objects.count() == 0
    assert not AuditEntry.objects.filter(
        action__in=[AuditEvent.ATTRIBUTE_RULE_ADD, AuditEvent.QUOTA_ADD]
    ).exists()


def test_an_unknown_action_on_the_page_is_422_and_adds_nothing(imported, as_coordinator):
    from deskmate.programmes.views import UNKNOWN_ACTION

    response = as_coordinator.post(
        f"/programmes/{imported.pk}/attributes/", {"action": "everything", "quota-limit": "2"}
    )
    assert response.status_code == 422
    assert UNKNOWN_ACTION in response.content.decode()
    assert AttributeRule.objects.count() == 0 and Quota.objects.count() == 0


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_members_are_refused_the_page_and_the_api(request, imported, coordinator, who):
    rule = services.attribute_rule_add(
        programme=imported, actor=coordinator, attribute="Advisor", kind="must_not_share"
    )
    quota = services.quota_add(
        programme=imported, actor=coordinator, attribute="University", kind="at_most", limit=2
    )
    member = request.getfixturevalue(who)
    client = client_for(member)
    base = f"/programmes/{imported.pk}/attributes/"
    assert client.get(base).status_code == 404
    assert (
        client.post(
            base,
            {
                "action": "quota",
                "quota-attribute": "University",
                "quota-kind": "at_most",
                "quota-limit": "1",
            },
        ).status_code
        == 404
    )
    assert client.post(f"{base}rules/{rule.pk}/remove/").status_code == 404
    assert client.post(f"{base}quotas/{quota.pk}/remove/").status_code == 404
    api = bearer(member)
    root = f"/api/v1/programmes/{imported.pk}"
    for path in ("/attributes", "/attribute-rules", "/quotas"):
        assert api.get(root + path).status_code == 404, path
    posts = {
        "/attributes": {"name": "Class year", "kind": "number"},
        "/attribute-rules": {"attribute": "Advisor", "kind": "must_share"},
        "/quotas": {"attribute": "University", "kind": "at_most", "limit": 1},
    }
    for path, body in posts.items():
        assert api.post(root + path, body, content_type="application/json").status_code == 404
    assert api.delete(f"{root}/attribute-rules/{rule.pk}").status_code == 404
    assert api.delete(f"{root}/quotas/{quota.pk}").status_code == 404
    assert AttributeRule.objects.count() == 1 and Quota.objects.count() == 1
    imported.refresh_from_db()
    assert [a["name"] for a in imported.attributes] == ["University", "Advisor"]
    assert not AuditEntry.objects.filter(actor=member, action__in=WRITES).exists()


# ---------------------------------------------------------------- the API


def test_the_api_adds_lists_and_removes_attributes_rules_and_quotas(imported, coordinator):
    api = bearer(coordinator)
    root = f"/api/v1/programmes/{imported.pk}"
    declared = api.post(
        root + "/attributes",
        {"name": "Class year", "kind": "number"},
        content_type="application/json",
    )
    assert declared.status_code == 201
    assert declared.json() == {"name": "Class year", "kind": "number", "source": "application"}
    assert [a["name"] for a in api.get(root + "/attributes").json()] == [
        "University",
        "Advisor",
        "Class year",
    ]
    rule = api.post(
        root + "/attribute-rules",
        {"attribute": "Class year", "kind": "minimum", "threshold": 3},
        content_type="application/json",
    )
    assert rule.status_code == 201
    assert rule.json()["words"] == "mentees need Class year of at least 3"
    quota = api.post(
        root + "/quotas",
        {"attribute": "University", "kind": "min_distinct", "limit": 2},
        content_type="application/json",
    )
    assert quota.status_code == 201
    assert quota.json()["words"] == (
        "each mentor's mentees from at least 2 different values of University"
    )
    assert [q["id"] for q in api.get(root + "/quotas").json()] == [quota.json()["id"]]
    assert [r["kind"] for r in api.get(root + "/attribute-rules").json()] == ["minimum"]
    assert api.delete(f"{root}/attribute-rules/{rule.json()['id']}").status_code == 204
    assert api.delete(f"{root}/quotas/{quota.json()['id']}").status_code == 204
    assert AttributeRule.objects.count() == 0 and Quota.objects.count() == 0
    assert list(
        AuditEntry.objects.filter(actor=coordinator, action__in=WRITES)
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        AuditEvent.ATTRIBUTE_DECLARE,
        AuditEvent.ATTRIBUTE_RULE_ADD,
        AuditEvent.QUOTA_ADD,
        AuditEvent.ATTRIBUTE_RULE_REMOVE,
        AuditEvent.QUOTA_REMOVE,
    ]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/quotas", {"attribute": "University", "kind": "at_most", "limit": 0}, "limit"),
        ("/quotas", {"attribute": "University", "kind": "at_least_share", "share": 0.4}, "value"),
        (
            "/quotas",
            {"attribute": "University", "kind": "at_least_share", "value": "METU", "share": 40},
            "share",
        ),
        ("/quotas", {"attribute": "University", "kind": "sometimes"}, "kind"),
        ("/quotas", {"attribute": "Shoe size", "kind": "at_most", "limit": 2}, "attribute"),
        (
            "/attribute-rules",
            {"attribute": "Advisor", "kind": "prefer_same", "weight": 2},
            "weight",
        ),
        ("/attributes", {"name": "Advisor"}, "name"),
        ("/attributes", {"name": "Year", "source": "horoscope"}, "source"),
    ],
)
def test_bad_input_to_the_api_is_422_naming_the_field(imported, coordinator, path, body, field):
    before = (AttributeRule.objects.count(), Quota.objects.count(), len(imported.attributes))
    response = bearer(coordinator).post(
        f"/api/v1/programmes/{imported.pk}{path}", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [[field]]
    imported.refresh_from_db()
    assert (
        AttributeRule.objects.count(),
        Quota.objects.count(),
        len(imported.attributes),
    ) == before


def test_the_command_line_prints_the_quotas_and_rules(imported, coordinator):
    import io

    from django.core.management import call_command

    services.quota_add(
        programme=imported, actor=coordinator, attribute="University", kind="at_most", limit=2
    )
    services.attribute_rule_add(
        programme=imported, actor=coordinator, attribute="Advisor", kind="must_not_share"
    )
    out = io.StringIO()
    call_command("match", imported.slug, stdout=out)
    lines = out.getvalue().splitlines()
    run = MatchRun.objects.get()
    assert f"Quota: {run.metrics['quotas'][0]['words']}" in lines
    assert "Solved exactly by HiGHS (scipy.optimize.milp): proven optimal." in lines
    assert "Rule: mentee and mentor must not share Advisor: rules out 5 of 18 pairs" in lines


def test_pins_that_break_a_quota_fail_the_run_with_the_reason(imported, coordinator):
    from deskmate.engine.quotas import INFEASIBLE
    from deskmate.people.models import Member

    def member(email):
        return Member.objects.get(user__email=email)

    for mentee, mentor in (
        ("lena@example.org", "priya@example.org"),
        ("ana@example.org", "omar@example.org"),
    ):
        services.pair_rule_set(
            programme=imported,
            actor=coordinator,
            mentee=member(mentee),
            mentor=member(mentor),
            kind="pin",
        )
    services.quota_add(
        programme=imported, actor=coordinator, attribute="University", kind="at_most", limit=1
    )
    run = services.match_run_start(programme=imported, actor=coordinator, method="optimal")
    assert (run.status, run.error) == (MatchRun.Status.FAILED, INFEASIBLE)
    assert run.pairs.count() == 0


def test_a_run_stopped_by_the_time_limit_says_so_and_how_far_it_may_be(
    imported, coordinator, monkeypatch, settings
):
    from deskmate.programmes import matching

    settings.PROGRAMMES_QUOTA_TIME_LIMIT = 7
    seen = {}
    real = matching.assign_with_quotas

    def stopped(*args, time_limit, **kwargs):
        # The real answer, as HiGHS would give it had the limit stopped it at a 1.5% gap.
        seen["time_limit"] = time_limit
        solution = real(*args, time_limit=time_limit, **kwargs)
        solution.time_limited, solution.gap = True, 0.015
        for outcome in solution.outcomes:
            outcome.cost_exact = False
        return solution

    monkeypatch.setattr(matching, "assign_with_quotas", stopped)
    services.quota_add(
        programme=imported, actor=coordinator, attribute="University", kind="at_most", limit=2
    )
    run = services.match_run_start(programme=imported, actor=coordinator, method="optimal")
    assert seen == {"time_limit": 7} and run.parameters["quota_time_limit"] == 7
    assert (run.metrics["time_limited"], run.metrics["optimality_gap"]) == (True, 0.015)
    assert run.metrics["solver_words"] == (
        "HiGHS (scipy.optimize.milp) stopped at its time limit of 7 s "
        "with an answer within 1.5% of the best possible total."
    )
    assert run.metrics["quotas"][0]["words"].endswith(matching.APPROXIMATE_COST)
    assert run.metrics["quotas"][0]["cost_exact"] is False
