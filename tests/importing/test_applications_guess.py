"""Reading and guessing applications columns: pure, no database."""

import pytest

from deskmate.importing import applications as a


def layout_of(text: str):
    return a.read_layout(text.encode(), filename="f.csv", max_bytes=10**6)


def guessed(text: str, **kwargs) -> dict[str, str]:
    layout = layout_of(text)
    return a.guess_mapping(layout.labels, names=layout.names, samples=layout.samples, **kwargs)


TOPICS = [f"Topic {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(30)]
CELLS = ["First Choice", "Second Choice", "Third Choice, Fourth Choice", "", "x"]


def grid(labels: list[str]) -> str:
    rows = [["Email", *labels]]
    for person in range(5):
        rows.append(
            [f"p{person}@example.org", *(CELLS[(person + i) % 5] for i in range(len(labels)))]
        )
    return "\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n"


def test_bare_and_form_style_topic_headers_are_both_guessed():
    bare = guessed(grid(TOPICS))
    form = guessed(grid([f"Which areas interest you? [{topic}]" for topic in TOPICS]))
    assert list(bare.values()).count(a.TOPIC) == 30
    assert list(form.values()).count(a.TOPIC) == 30


def test_an_email_column_of_row_numbers_is_an_identifier():
    mapping = guessed("E-mail,Name,Role\n1,Ada Lovelace,Mentor\n2,Sam Lee,Mentee\n")
    assert mapping == {"E-mail": a.IDENTIFIER, "Name": a.NAME, "Role": a.ROLE}


def test_ratings_are_not_ranks():
    text = (
        "Email,Rate the importance of the following [professional development],Graph Theory\n"
        "a@example.org,Very important,First Choice\n"
        "b@example.org,Not at all important,Second Choice\n"
    )
    mapping = guessed(text)
    assert mapping["Rate the importance of the following [professional development]"] == a.RATING
    assert mapping["Graph Theory"] == a.TOPIC


def test_free_columns_become_attributes():
    text = "Email,University,Gender,Class year,Reference score,Advisor,Lab\na@x.org,TU Delft,F,2026,4.5,Prof. Kim,Robotics lab\n"
    assert guessed(text) == {
        "Email": a.EMAIL,
        "University": a.ATTRIBUTE_CATEGORY,
        "Gender": a.ATTRIBUTE_CATEGORY,
        "Class year": a.ATTRIBUTE_NUMBER,
        "Reference score": a.ATTRIBUTE_NUMBER,
        "Advisor": a.ATTRIBUTE_CATEGORY,
        "Lab": a.ATTRIBUTE_CATEGORY,
    }


@pytest.mark.parametrize(
    ("cell", "topics"),
    [
        ("Control, Dynamics, Robotics", ["Control", "Dynamics", "Robotics"]),
        (
            "Moving into management;Technical leadership",
            ["Moving into management", "Technical leadership"],
        ),
        ("Public speaking\nCareer change", ["Public speaking", "Career change"]),
        ("Leadership;Public speaking;", ["Leadership", "Public speaking"]),
    ],
)
def test_a_multi_select_cell_becomes_one_topic_each(cell, topics):
    text = 'Email,Areas\na@example.org,"' + cell + '"\n'
    found = a.parse_applicants(
        text.encode(),
        filename="f.csv",
        mapping={"Email": a.EMAIL, "Areas": a.TOPICS},
        peer=False,
        role="mentee",
        max_bytes=10**6,
    )
    assert found[0].topics == dict.fromkeys(topics, 0)


def test_a_known_topic_with_a_comma_is_kept_whole():
    assert a.split_choices("Control, Dynamics, Robotics", known=["Control, Dynamics"]) == [
        "Control, Dynamics",
        "Robotics",
    ]


def test_a_multi_rank_cell_keeps_its_best_rank_and_says_so():
    text = 'Email,Graph Theory\na@example.org,"Third Choice, Fourth Choice"\n'
    (found,) = a.parse_applicants(
        text.encode(),
        filename="f.csv",
        mapping={"Email": a.EMAIL, "Graph Theory": a.TOPIC},
        peer=False,
        role="mentor",
        max_bytes=10**6,
    )
    assert (found.role, found.topics) == ("mentor", {"Graph Theory": 3})
    assert found.notes == (
        a.MULTI_RANK_NOTE.format(
            row=2, label="Graph Theory", value="Third Choice, Fourth Choice", rank=3
        ),
    )


def test_without_an_address_a_name_or_identifier_tells_applicants_apart():
    text = "ID,Name\nS-1,Ada Lovelace\nS-2,Ada Lovelace\nS-1,Sam Lee\n"
    with pytest.raises(a.ImportFileError) as refused:
        a.parse_applicants(
            text.encode(),
            filename="f.csv",
            mapping={"ID": a.IDENTIFIER, "Name": a.NAME},
            peer=False,
            role="mentee",
            max_bytes=10**6,
        )
    assert [str(e) for e in refused.value.errors] == [
        'f.csv, row 4, "ID": ' + a.KEY_TWICE.format(value="S-1", row=2)
    ]


def test_the_file_name_may_say_the_role():
    assert [a.guess_file_role(n) for n in ("Mentors.xlsx", "mentee-applications.csv", "x.csv")] == [
        "mentor",
        "mentee",
        "",
    ]
    assert a.mapping_problems({"Email": a.EMAIL}, peer=False, role="mentor") == []
    assert a.mapping_problems({"Email": a.EMAIL}, peer=False) == [a.MAP_ROLE]
