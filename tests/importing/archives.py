"""Builders for import files, made in code so every test suite can share them.

``build_linkedin_zip()`` with no arguments gives a realistic LinkedIn data
archive carrying the quirks real exports have (byte-order marks, CRLF line
endings, notes above the Connections header, quoted commas and line breaks,
missing columns, an open-ended current role).  ``EXPECTED_*`` in
tests/importing/test_linkedin.py spell out what it parses to.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence

DEFAULT_FOLDER = "Basic_LinkedInDataExport_03-14-2024"

PROFILE_CSV = """\
First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers
Maria,Sánchez,,,"Mar 3, 1990",Engineering Manager at Acme,"Building payments teams.
I like mentoring, cycling and good coffee.",Software Development,1000-001,"Lisbon, Portugal",[mariasz],,
"""

# Older exports have no Description or Location column.
POSITIONS_CSV = """\
Company Name,Title,Description,Location,Started On,Finished On
"Acme, Inc.",Engineering Manager,"Leads the Payments team (8 engineers).
Hiring, coaching, delivery.","Lisbon, Portugal",Jan 2022,
Acme Inc.,Senior Software Engineer,,Lisbon,Mar 2019,Dec 2021
Globex,Software Engineer,"Built the ""checkout"" service",,2016,Feb 2019
"""

# Older exports: Positions.csv without Description and Location, Education.csv without
# Activities.
OLDER_POSITIONS_CSV = """\
Company Name,Title,Started On,Finished On
"Acme, Inc.",Engineering Manager,Jan 2022,
Acme Inc.,Senior Software Engineer,Mar 2019,Dec 2021
Globex,Software Engineer,2016,Feb 2019
"""

OLDER_EDUCATION_CSV = """\
School Name,Start Date,End Date,Notes,Degree Name
University of Lisbon,2010,2014,,"BSc, Computer Science"
Le Wagon,Sep 2015,Nov 2015,Evening bootcamp,Web Development
"""

EDUCATION_CSV = """\
School Name,Start Date,End Date,Notes,Degree Name,Activities
University of Lisbon,2010,2014,,"BSc, Computer Science","Robotics club, debating"
Le Wagon,Sep 2015,Nov 2015,Evening bootcamp,Web Development,
"""

SKILLS_CSV = """\
Name
Python
C++
Engineering Management
"""

CONNECTIONS_NOTES = """\
Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"

"""

CONNECTIONS_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"

CONNECTIONS_CSV = (
    CONNECTIONS_NOTES
    + CONNECTIONS_HEADER
    + """\
John,Doe,https://www.linkedin.com/in/johndoe,,Acme Inc.,"Head of Payments, EMEA",12 Mar 2024
Ana,López,https://www.linkedin.com/in/ana-lopez,ana@example.es,Globex,Product Manager,03 Jan 2023
,,,,,,
,,,,Initech,Recruiter,01 Feb 2020
Wei,Zhang,https://www.linkedin.com/in/wzhang,,,,Jan 2020
"""
)

REALISTIC_FILES: dict[str, str] = {
    "Profile.csv": PROFILE_CSV,
    "Positions.csv": POSITIONS_CSV,
    "Education.csv": EDUCATION_CSV,
    "Skills.csv": SKILLS_CSV,
    "Connections.csv": CONNECTIONS_CSV,
    # Files deskmate does not read, as found in real archives.
    "Rich_Media.csv": "Date/Time,Media Description,Media Link\n",
    "Jobs/Job Applications.csv": "Application Date,Contact Email\n",
}


def as_export_bytes(text: str, *, bom: bool = True, crlf: bool = True) -> bytes:
    """Text encoded the way LinkedIn writes it: UTF-8 with a BOM and CRLF line ends."""
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def build_zip(
    entries: Mapping[str, bytes | str] | Iterable[tuple[str, bytes | str]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A zip archive holding ``entries`` (name → content) exactly as given."""
    pairs = entries.items() if isinstance(entries, Mapping) else entries
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in pairs:
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 14, 9, 30, 0))
            archive.writestr(info, content, compress_type=compression)
    return buffer.getvalue()


# The layout of archives LinkedIn wrote before 2019, as open-source archive readers of the
# time read them: file names with spaces, Recommendations Received.csv separated by tabs
# with "Shown"/"Hidden" statuses, Positions.csv with its title last and MM/YYYY dates, and
# a Profile.csv with maiden name, address and birth date before the headline.
OLDER_LAYOUT = {
    "Profile.csv": "First Name,Last Name,Maiden Name,Created Date,Address,Birth Date,"
    "Contact Instructions,Marital Status,Headline,Summary,Industry,Association\n"
    "Maria,Sánchez,,4/12/10 9:14 AM,,,,,Engineering Manager at Acme,Payments.,"
    "Software Development,\n",
    "Positions.csv": "Company Name,Description,Location,Started On,Finished On,Title\n"
    '"Acme, Inc.",Leads Payments,"Lisbon, Portugal",01/2022,,Engineering Manager\n'
    "Globex,,,06/2016,02/2019,Software Engineer\n",
    "Recommendations Received.csv": "Creation Date\tText\tFirst Name\tLast Name\tCompany"
    "\tJob Title\tStatus\n"
    "09/27/17, 03:56 PM\tMaya led our payments migration, calmly.\tDaniel\tOkafor\tAcme"
    "\tEngineering Manager\tShown\n"
    "01/05/18, 10:12 AM\tA pleasure.\tAna\tLópez\tGlobex\tPM\tHidden\n",
    "Endorsement Received Info.csv": "Endorsement Date,Skill Name,Endorser First Name,"
    "Endorser Last Name,Endorser Public Url\n"
    "2018/05/30 07:25:24 UTC,Go,Daniel,Okafor,www.linkedin.com/in/dokafor\n",
}


def build_linkedin_zip(
    files: Mapping[str, str | bytes] | None = None,
    *,
    folder: str | None = DEFAULT_FOLDER,
    bom: bool = True,
    crlf: bool = True,
) -> bytes:
    """A LinkedIn data archive; with no ``files``, the realistic one.

    Text content is written as LinkedIn writes it (see :func:`as_export_bytes`);
    bytes are stored untouched.  ``folder=None`` puts the files at the root.
    """
    chosen = REALISTIC_FILES if files is None else files
    entries = {}
    for name, content in chosen.items():
        path = f"{folder}/{name}" if folder else name
        if isinstance(content, str):
            content = as_export_bytes(content, bom=bom, crlf=crlf)
        entries[path] = content
    return build_zip(entries)


def connections_csv(count: int) -> str:
    """A Connections.csv with LinkedIn's notes and ``count`` distinct connections."""
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    lines = [CONNECTIONS_NOTES, CONNECTIONS_HEADER]
    for index in range(count):
        email = f"person{index}@example.org" if index % 3 == 0 else ""
        connected = f"{index % 28 + 1:02d} {months[index % 12]} {2010 + index % 15}"
        lines.append(
            f"Person{index},Number {index},https://www.linkedin.com/in/person-{index},"
            f'{email},"Company {index % 500}, Ltd",Engineer,{connected}\n'
        )
    return "".join(lines)


def build_zip_bomb(size: int = 200_000_000, *, name: str = "Connections.csv") -> bytes:
    """A zip whose one member is ``size`` zero bytes, deflated to under 1 MB.

    The fastest compression level keeps building it under a second; it still
    compresses over 200:1.
    """
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        written = 0
        while written < size:
            piece = chunk[: min(len(chunk), size - written)]
            member.write(piece)
            written += len(piece)
    return buffer.getvalue()


def build_encrypted_zip(name: str = "Positions.csv") -> bytes:
    """A zip whose member is marked as password-protected (general purpose bit 0)."""
    data = bytearray(build_zip({name: as_export_bytes(POSITIONS_CSV)}))
    # zipfile cannot encrypt, so set the flag in the local and central headers.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + flag_offset
        flags = int.from_bytes(data[at : at + 2], "little") | 0x1
        data[at : at + 2] = flags.to_bytes(2, "little")
    return bytes(data)


# --- an organisation's people export -------------------------------------------------

PEOPLE_COLUMNS = (
    "external_id",
    "email",
    "first_name",
    "last_name",
    "kind",
    "organisation",
    "unit",
    "title",
    "school",
    "degree",
    "field",
    "start",
    "end",
    "headline",
    "location",
    "manager_external_id",
    "manager_email",
    "manager_name",
)

PEOPLE_ROWS: tuple[dict[str, str], ...] = (
    {
        "external_id": "E001",
        "email": "maria.sanchez@acme.example",
        "first_name": "María",
        "last_name": "Sánchez",
        "kind": "position",
        "organisation": "Acme",
        "unit": "Payments",
        "title": "Engineering Manager",
        "start": "Jan 2022",
        "headline": "Engineering Manager",
        "location": "Lisbon, Portugal",
        "manager_external_id": "E003",
    },
    {
        "external_id": "E001",
        "email": "maria.sanchez@acme.example",
        "first_name": "María",
        "last_name": "Sánchez",
        "kind": "position",
        "organisation": "Acme",
        "unit": "Payments",
        "title": "Senior Software Engineer",
        "start": "2019-03",
        "end": "2021-12",
        "headline": "Engineering Manager",
        "location": "Lisbon, Portugal",
        "manager_external_id": "E003",
    },
    {
        "external_id": "E001",
        "email": "maria.sanchez@acme.example",
        "first_name": "María",
        "last_name": "Sánchez",
        "kind": "education",
        "school": "University of Lisbon",
        "degree": "BSc",
        "field": "Computer Science",
        "start": "2010",
        "end": "2014",
        "headline": "Engineering Manager",
        "location": "Lisbon, Portugal",
        "manager_external_id": "E003",
    },
    {
        "external_id": "E002",
        "email": "tom.baker@acme.example",
        "first_name": "Tom",
        "last_name": "Baker",
        "kind": "position",
        "organisation": "Acme",
        "unit": "Payments",
        "title": "Software Engineer",
        "start": "12 Mar 2024",
        "manager_external_id": "E001",
    },
    {"external_id": "E003", "email": "", "first_name": "Priya", "last_name": "Nair"},
)


def people_csv(
    rows: Sequence[Mapping[str, str]] = PEOPLE_ROWS,
    *,
    columns: Sequence[str] = PEOPLE_COLUMNS,
    delimiter: str = ",",
    bom: bool = False,
    crlf: bool = True,
) -> bytes:
    """A people CSV with ``columns`` as header and one line per row (missing cells blank)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def build_people_xlsx(
    rows: Sequence[Mapping[str, object]] = PEOPLE_ROWS,
    *,
    columns: Sequence[str] = PEOPLE_COLUMNS,
) -> bytes:
    """The same table as :func:`people_csv`, as an Excel workbook."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "People"
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column) if row.get(column) != "" else None for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- vCards --------------------------------------------------------------------------

# As an iPhone or Android contacts export writes version 3.0: CRLF, folded lines,
# TYPE lists, CHARSET parameters, escaped commas, grouped properties.
VCARD_30_PHONE = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//iPhone OS 17.2//EN\r\n"
    "N:Doe;Jane;Q.;Dr.;\r\n"
    "FN:Dr. Jane Q. Doe\r\n"
    "ORG:Acme\\, Inc.;Payments\r\n"
    "TITLE:Head of Payments\r\n"
    "EMAIL;type=INTERNET;type=WORK;type=pref:jane.doe@acme.example\r\n"
    "EMAIL;TYPE=INTERNET,HOME:jane@home.example\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:+44 7700 900123\r\n"
    "item1.URL;type=pref:https://www.linkedin.com/in/\r\n"
    " janedoe\r\n"
    "item1.X-ABLabel:_$!<HomePage>!$_\r\n"
    "NOTE:Met at the payments meetup\\, London\\nLikes climbing\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N;CHARSET=UTF-8:Müller;Jürgen;;;\r\n"
    "FN;CHARSET=UTF-8:Jürgen Müller\r\n"
    "TEL;TYPE=HOME:+49 30 123456\r\n"
    "END:VCARD\r\n"
)

VCARD_40 = (
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "FN:Ana López\n"
    "N:López;Ana;;;\n"
    "KIND:individual\n"
    "ORG:Globex\n"
    "TITLE:Product Manager\n"
    "EMAIL;TYPE=work;PREF=1:ana@globex.example\n"
    'TEL;VALUE=uri;TYPE="voice,cell":tel:+34-600-000-000\n'
    "URL:https://ana.example.es\n"
    "URL;TYPE=work:https://globex.example/ana\n"
    "END:VCARD\n"
)
