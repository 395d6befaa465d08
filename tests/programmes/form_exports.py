"""Applications files laid out exactly as the form tools export them.

Each builder returns the bytes of one export, following the tool's documented layout:

- Google Forms (Responses → Download responses (.csv)): "Timestamp" first, then
  "Email Address" when the form collects it, one column per question; a grid
  question gives one column per row, headed "Question [Row]"; checkbox answers
  are joined with ", ".
- Microsoft Forms (Open results in Excel): an .xlsx whose first sheet starts
  with ID, Start time, Completion time, Email, Name, Last modified time, then
  one column per question; choices of a multi-select question are joined by
  ";" with a trailing ";".
- Typeform (Results → Download → CSV): "#" (the response token) first, one
  column per question, a multi-selection question one column per choice that
  holds the choice's text when chosen, then Start Date (UTC), Submit Date (UTC)
  and Network ID.
- Qualtrics (Data & Analysis → Export → CSV, choice text): three header rows,
  the export tags (StartDate … UserLanguage, Q1, Q3_1 …), the question text
  ("Question - Row", "Question - Selected Choice"), and ImportId JSON; several
  choices joined with ",".
- SurveyMonkey (Analyze → Save as → All individual responses, CSV): two header
  rows, the question over its first column (blank over the others) and under it
  "Response", "Open-Ended Response" or the choice or row of each column;
  Respondent ID, Collector ID, Start Date, End Date, IP Address, Email Address,
  First Name, Last Name, Custom Data 1 first.

``corrupt`` variants change one or two cells, to be refused whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl


def _csv(rows: list[list[str]], *, bom: bool = False, newline: str = "\r\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerows(rows)
    text = buffer.getvalue()
    return ("\ufeff" + text).encode() if bom else text.encode()


# ---------------------------------------------------------------- Google Forms

GOOGLE_HEADER = [
    "Timestamp",
    "Email Address",
    "Full name",
    "I would like to join as",
    "How many mentees can you take?",
    "Rank these topics [Graph Theory]",
    "Rank these topics [Robotics]",
    "Rank these topics [Control]",
    "Which areas interest you?",
    "How important is each to you? [Professional development]",
    "How important is each to you? [Networking]",
    "University",
    "Class year",
    "What do you hope to get out of the programme?",
]


def google_forms(*, corrupt: bool = False) -> bytes:
    rows = [
        GOOGLE_HEADER,
        [
            "3/1/2025 10:04:12",
            "ana.silva@example.edu",
            "Ana Silva",
            "Mentee",
            "",
            "First Choice",
            "Third Choice, Fourth Choice",
            "Second Choice",
            "Control, Dynamics, Robotics",
            "Very important",
            "Somewhat important",
            "TU Delft",
            "2026",
            "Find a research direction",
        ],
        [
            "3/1/2025 11:30:45",
            "ben.okoro@example.edu",
            "Ben Okoro",
            "Mentor",
            "2",
            "Second Choice",
            "First Choice",
            "",
            "Robotics",
            "Important",
            "Very important",
            "TU Delft",
            "2019",
            "Give back to the lab",
        ],
        [
            "3/2/2025 09:15:00",
            "Maya@Example.org",
            "Maya Patel",
            "Mentee",
            "",
            "",
            "",
            "maybe" if corrupt else "First Choice",
            "Control",
            "Not important",
            "Important",
            "ETH Zurich",
            "twenty" if corrupt else "2027",
            "Learn control theory",
        ],
    ]
    return _csv(rows)


# ---------------------------------------------------------------- Microsoft Forms

MICROSOFT_HEADER = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Last modified time",
    "How many mentees can you take?",
    "Which topics can you help with?",
    "Department",
    "Anything else we should know?",
]


def microsoft_forms(*, corrupt: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(MICROSOFT_HEADER)
    start = dt.datetime(2025, 3, 3, 9, 0, 0)
    sheet.append(
        [
            1,
            start,
            start + dt.timedelta(minutes=3, seconds=12),
            "li.wei@contoso.com",
            "Li Wei",
            None,
            "lots" if corrupt else 2,
            "Leadership;Public speaking;",
            "Engineering",
            None,
        ]
    )
    sheet.append(
        [
            2,
            start + dt.timedelta(hours=2),
            start + dt.timedelta(hours=2, minutes=5),
            "daniel@example.org",
            "Daniel Okafor",
            None,
            1,
            "Career change;",
            "Product",
            "Happy to help people move into product",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- Typeform

TYPEFORM_HEADER = [
    "#",
    "What's your full name?",
    "Graph Theory",
    "Robotics",
    "Control",
    "Which university do you attend?",
    "Start Date (UTC)",
    "Submit Date (UTC)",
    "Network ID",
]


def typeform(*, corrupt: bool = False) -> bytes:
    rows = [
        TYPEFORM_HEADER,
        [
            "a1b2c3d4e5f6g7h8",
            "Nina Berg",
            "Graph Theory",
            "",
            "Control",
            "TU Delft",
            "2025-03-04 08:00:01",
            "2025-03-04 08:05:40",
            "3f1c2a9e0b",
        ],
        [
            "q9w8e7r6t5y4u3i2",
            "Tomás Ruiz",
            "",
            "Robotics",
            "",
            "ETH Zurich",
            "2025-03-04 09:12:00",
            "2025-03-04 09:20:13",
            "7d2e4b1a9c",
        ],
        [
            "a1b2c3d4e5f6g7h8" if corrupt else "z1x2c3v4b5n6m7l8",
            "Aiko Tanaka",
            "Graph Theory",
            "Robotics",
            "",
            "TU Delft",
            "2025-03-05 14:00:00",
            "2025-03-05 14:03:30",
            "0a9b8c7d6e",
        ],
    ]
    return _csv(rows)


# ---------------------------------------------------------------- Qualtrics

QUALTRICS_META = [
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "America/Denver"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "America/Denver"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "America/Denver"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
    ("Q1", "What is your name?", {"ImportId": "QID1_TEXT"}),
    ("Q2", "What is your e-mail address?", {"ImportId": "QID2_TEXT"}),
    (
        "Q3_1",
        "How important is each to you? - Professional development",
        {"ImportId": "QID3_1"},
    ),
    ("Q3_2", "How important is each to you? - Networking", {"ImportId": "QID3_2"}),
    ("Q4", "Which areas interest you? - Selected Choice", {"ImportId": "QID4"}),
]


def _qualtrics_row(response_id: str, name: str, email: str, q3: tuple[str, str], q4: str):
    return [
        "2025-03-06 10:00:00",
        "2025-03-06 10:04:31",
        "IP Address",
        "192.0.2.10",
        "100",
        "271",
        "True",
        "2025-03-06 10:04:32",
        response_id,
        "",
        "",
        "",
        "",
        "39.7392",
        "-104.9903",
        "anonymous",
        "EN",
        name,
        email,
        *q3,
        q4,
    ]


def qualtrics(*, corrupt: bool = False) -> bytes:
    rows = [
        [tag for tag, _, _ in QUALTRICS_META],
        [text for _, text, _ in QUALTRICS_META],
        [json.dumps(import_id, separators=(",", ":")) for _, _, import_id in QUALTRICS_META],
        _qualtrics_row(
            "R_1a2B3c4D5e6F7g8",
            "Jonas Weber",
            "jonas.weber@example.edu",
            ("Extremely important", "Slightly important"),
            "Graph Theory,Robotics",
        ),
        _qualtrics_row(
            "R_9z8Y7x6W5v4U3t2",
            "Lea Novak",
            "lea.novak@example.edu",
            ("Quite important" if corrupt else "Moderately important", "Very important"),
            "Control",
        ),
    ]
    return _csv(rows, bom=True)


# ---------------------------------------------------------------- SurveyMonkey

SURVEYMONKEY_TOP = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
    "What is your full name?",
    "What is your e-mail address?",
    "Are you joining as a mentor or a mentee?",
    "Which areas interest you? (select all that apply)",
    "",
    "",
    "How important is each to you?",
    "",
]
SURVEYMONKEY_BELOW = [
    *[""] * 9,
    "Open-Ended Response",
    "Open-Ended Response",
    "Response",
    "Graph Theory",
    "Robotics",
    "Control",
    "Professional development",
    "Networking",
]


def surveymonkey(*, corrupt: bool = False) -> bytes:
    meta = ["405467356", "03/07/2025 09:01:12 AM", "03/07/2025 09:06:40 AM", "198.51.100.7"]
    rows = [
        SURVEYMONKEY_TOP,
        SURVEYMONKEY_BELOW,
        [
            "114837102938",
            *meta,
            "",
            "",
            "",
            "",
            "Priya Raman",
            "priya.raman@example.com",
            "Mentor",
            "Graph Theory",
            "",
            "Control",
            "Very important",
            "Important",
        ],
        [
            "114837102977",
            *meta,
            "",
            "",
            "",
            "",
            "Omar Haddad",
            "omar.haddad@example.com",
            "Sponsor" if corrupt else "Mentee",
            "",
            "Robotics",
            "",
            "Important",
            "Not important",
        ],
    ]
    return _csv(rows)
