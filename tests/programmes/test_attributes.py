"""Programme attributes from imported columns, the API and profiles; attribute rules in the matrix."""

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from deskmate.programmes import attributes, services
from deskmate.programmes.matching import build_matrix
from deskmate.programmes.models import Application, ApplicationImport, AttributeRule
from tests.programmes.conftest import apply
from tests.programmes.test_import import run_import
from tests.programmes.test_matrix import work

pytestmark = pytest.mark.django_db

# A Google Forms responses export: a Timestamp column, then one column per question.
FORM = (
    "Timestamp,Email address,Full name,I join as,University,Reference score,Advisor,Time zone\n"
    "2025/03/01 10:00:00 AM GMT+1,lena@example.org,Lena Fischer,Mentee,Boğaziçi,4.5,Prof. Aydın,UTC+3\n"
    "2025/03/01 11:00:00 AM GMT+1,omar@example.org,Omar Haddad,Mentor,,,Prof. Aydın,UTC+3\n"
    '2025/03/02 09:30:00 AM GMT+1,ana@example.org,Ana Silva,Mentee,METU,"3,5",prof. kaya ,UTC+0\n'
)
FORM_MAPPING = {
    "Timestamp": "ignore",
    "Email address": "email",
    "Full name": "name",
    "I join as": "role",
    "University": "attribute_category",
    "Reference score": "attribute_number",
    "Advisor": "attribute_text",
    "Time zone": "attribute_category",
}


def attributes_by_email(programme):
    return {
        a.member.user.email: a.attributes
        for a in Application.objects.filter(programme=programme).select_related("member__user")
    }


def test_imported_columns_become_declared_attributes_and_values(programme, coordinator):
    upload = run_import(programme, coordinator, FORM, mapping=FORM_MAPPING)
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    programme.refresh_from_db()
    assert programme.attributes == [
        {"name": "University", "kind": "category", "source": "application"},
        {"name": "Reference score", "kind": "number", "source": "application"},
        {"name": "Advisor", "kind": "text", "source": "application"},
        {"name": "Time zone", "kind": "category", "source": "application"},
    ]
    assert attributes_by_email(programme) == {
        "lena@example.org": {
            "University": "Boğaziçi",
            "Reference score": 4.5,
            "Advisor": "Prof. Aydın",
            "Time zone": "UTC+3",
        },
        "omar@example.org": {"Advisor": "Prof. Aydın", "Time zone": "UTC+3"},
        "ana@example.org": {
            "University": "METU",
            "Reference score": 3.5,
            "Advisor": "prof. kaya",
            "Time zone": "UTC+0",
        },
    }
    again = run_import(programme, coordinator, FORM, mapping=FORM_MAPPING)
    assert again.summary["unchanged"] == 3


def test_a_bad_number_refuses_the_whole_file(programme, coordinator):
    bad = FORM.replace("4.5", "excellent")
    upload = run_import(programme, coordinator, bad, mapping=FORM_MAPPING)
    assert upload.status == ApplicationImport.Status.FAILED
    assert upload.errors == ['responses.csv, row 2, "Reference score": "excellent" is not a number']
    assert Application.objects.filter(programme=programme).count() == 0


def declare(programme, coordinator, name, kind, source="application"):
    services.attribute_declare(
        programme=programme, actor=coordinator, name=name, kind=kind, source=source
    )
    programme.refresh_from_db()


def set_values(programme, coordinator, member, **values):
    application = Application.objects.get(programme=programme, member=member)
    services.application_attributes_set(application=application, actor=coordinator, values=values)


@pytest.fixture
def advised(cohort, coordinator, mentee, second_mentee, mentor, second_mentor):
    """Maya and Daniel share an advisor; Nina's reference score is low."""
    declare(cohort, coordinator, "Advisor", "text")
    declare(cohort, coordinator, "Reference score", "number")
    set_values(cohort, coordinator, mentee, Advisor="Prof. Aydın", **{"Reference score": "4"})
    set_values(cohort, coordinator, second_mentee, Advisor="Prof. Kaya", **{"Reference score": 2})
    set_values(cohort, coordinator, mentor, Advisor=" prof. aydın")
    set_values(cohort, coordinator, second_mentor, Advisor="Prof. Lee")
    return cohort


def index(matrix, mentee, mentor):
    return matrix.mentee_ids.index(mentee.pk), matrix.mentor_ids.index(mentor.pk)


def test_must_not_share_an_advisor_forbids_the_pair_with_its_words(
    advised, coordinator, mentee, mentor, second_mentor
):
    services.attribute_rule_add(
        programme=advised, actor=coordinator, attribute="Advisor", kind="must_not_share"
    )
    matrix = build_matrix(advised)
    row, col = index(matrix, mentee, mentor)
    assert np.isnan(matrix.scores[row, col])
    assert np.isnan(matrix.mentee_side[row, col]) and np.isnan(matrix.mentor_side[row, col])
    assert matrix.forbidden_reasons(row, col) == [
        "they share Advisor, which this programme rules out"
    ]
    assert np.isfinite(np.delete(matrix.scores.ravel(), row * 2 + col)).all()


def test_must_share_forbids_every_pair_without_a_common_value(advised, coordinator, mentee, mentor):
    services.attribute_rule_add(
        programme=advised, actor=coordinator, attribute="Advisor", kind="must_share"
    )
    matrix = build_matrix(advised)
    allowed = np.argwhere(np.isfinite(matrix.scores)).tolist()
    assert allowed == [list(index(matrix, mentee, mentor))]


def test_a_minimum_leaves_out_mentees_below_it_or_without_a_value(
    advised, coordinator, mentee, second_mentee
):
    services.attribute_rule_add(
        programme=advised,
        actor=coordinator,
        attribute="Reference score",
        kind="minimum",
        threshold="3.5",
    )
    matrix = build_matrix(advised)
    low = matrix.mentee_ids.index(second_mentee.pk)
    high = matrix.mentee_ids.index(mentee.pk)
    assert np.isnan(matrix.scores[low]).all()
    assert np.isfinite(matrix.scores[high]).all()
    assert matrix.forbidden_reasons(low, 0) == [
        "the mentee's Reference score is missing or below 3.5"
    ]


def test_soft_preferences_add_their_weight(advised, coordinator, mentee, mentor, second_mentor):
    before = build_matrix(advised)
    services.attribute_rule_add(
        programme=advised, actor=coordinator, attribute="Advisor", kind="prefer_same", weight=0.3
    )
    same = build_matrix(advised)
    row, col = index(same, mentee, mentor)
    difference = same.scores - before.scores
    expected = np.zeros_like(difference)
    expected[row, col] = 0.3
    np.testing.assert_allclose(difference, expected)
    services.attribute_rule_add(
        programme=advised,
        actor=coordinator,
        attribute="Advisor",
        kind="prefer_different",
        weight=0.1,
    )
    both = build_matrix(advised)
    expected += 0.1
    expected[row, col] -= 0.1
    np.testing.assert_allclose(both.scores - before.scores, expected)
    np.testing.assert_allclose(both.mentee_side - before.mentee_side, expected)


def test_a_profile_field_is_an_attribute(cohort, coordinator, mentee, mentor, second_mentor):
    for member, organisation in ((mentee, "Acme"), (mentor, "Acme"), (second_mentor, "Globex")):
        work(member, organisation)
    declare(cohort, coordinator, "Organisation", "category", source="organisation")
    before = build_matrix(cohort)
    services.attribute_rule_add(
        programme=cohort,
        actor=coordinator,
        attribute="Organisation",
        kind="prefer_different",
        weight=0.2,
    )
    after = build_matrix(cohort)
    # Only Maya and Olivia both have a current organisation and differ in it.
    expected = np.zeros_like(before.scores)
    expected[index(after, mentee, second_mentor)] = 0.2
    np.testing.assert_allclose(after.scores - before.scores, expected)
    organisation = attributes.declared(cohort)["Organisation"]
    assert attributes.values_of(
        organisation, [mentee.pk, second_mentor.pk, mentor.pk], {}
    ).keys == [
        frozenset({"acme"}),
        frozenset({"globex"}),
        frozenset({"acme"}),
    ]


def test_bad_rules_and_values_name_the_field(advised, coordinator, mentee):
    cases = [
        (dict(attribute="Advisor", kind="sometimes"), "kind"),
        (dict(attribute="Supervisor", kind="must_share"), "attribute"),
        (dict(attribute="Advisor", kind="minimum", threshold=3), "attribute"),
        (dict(attribute="Reference score", kind="minimum", threshold="high"), "threshold"),
        (dict(attribute="Advisor", kind="prefer_same", weight=2), "weight"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as error:
            services.attribute_rule_add(programme=advised, actor=coordinator, **fields)
        assert list(error.value.message_dict) == [field]
    assert AttributeRule.objects.count() == 0
    with pytest.raises(ValidationError) as error:
        set_values(advised, coordinator, mentee, **{"Reference score": "lots"})
    assert error.value.message_dict == {"attributes": ['Reference score: "lots" is not a number']}
    with pytest.raises(ValidationError) as error:
        declare(advised, coordinator, "Advisor", "text")
    assert error.value.message_dict == {
        "name": ['The programme already has an attribute called "Advisor".']
    }


def test_an_application_keeps_its_attributes_when_the_member_changes_it(advised, mentee):
    apply(advised, mentee, "mentee", goals="Lead a bigger team")
    application = Application.objects.get(programme=advised, member=mentee)
    assert application.attributes == {"Advisor": "Prof. Aydın", "Reference score": 4.0}
