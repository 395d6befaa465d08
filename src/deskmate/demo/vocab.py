"""The demo community's world: the university, employers, job ladders, skills, goals and offers."""

from typing import NamedTuple

UNIVERSITY = "Northfield University"
UNIVERSITY_CITY = "Northfield"


class UnitSpec(NamedTuple):
    name: str
    #: What kind of work the unit does; decides which careers are hired into it.
    kind: str
    #: Relative share of hires: 1 is a small team, 8 a large department.
    weight: float


class OrganisationSpec(NamedTuple):
    name: str
    city: str
    #: Relative share of all positions held at this organisation.
    weight: float
    units: tuple[UnitSpec, ...]


def _units(*specs: tuple[str, str, float]) -> tuple[UnitSpec, ...]:
    return tuple(UnitSpec(*spec) for spec in specs)


EMPLOYERS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec(
        "Acme",
        "London",
        10,
        _units(
            ("Payments", "team", 3),
            ("Platform", "team", 4),
            ("Mobile", "team", 2),
            ("Checkout", "team", 1.5),
            ("Data", "data", 3),
            ("Design", "design", 2),
            ("Sales", "sales", 3),
            ("Marketing", "marketing", 1.5),
            ("People", "people", 1),
            ("Finance", "finance", 1),
        ),
    ),
    OrganisationSpec(
        "Globex",
        "Berlin",
        8,
        _units(
            ("Platform", "team", 4),
            ("Search", "team", 2),
            ("Infrastructure", "team", 2),
            ("Data", "data", 3),
            ("Design", "design", 1.5),
            ("Sales", "sales", 4),
            ("People", "people", 1),
            ("Finance", "finance", 1),
        ),
    ),
    OrganisationSpec(
        "Initech",
        "Manchester",
        6,
        _units(
            ("Core Systems", "team", 4),
            ("Integrations", "team", 1.5),
            ("Analytics", "data", 2),
            ("Sales", "sales", 3),
            ("People", "people", 1),
        ),
    ),
    OrganisationSpec(
        "Umbrella Health",
        "Dublin",
        7,
        _units(
            ("Clinical Systems", "team", 3),
            ("Patient App", "team", 2),
            ("Data", "data", 2.5),
            ("Design", "design", 1),
            ("Sales", "sales", 2),
            ("Marketing", "marketing", 1),
            ("People", "people", 1),
            ("Finance", "finance", 1),
        ),
    ),
    OrganisationSpec(
        "Northwind Bank",
        "London",
        9,
        _units(
            ("Digital Banking", "team", 4),
            ("Payments", "team", 3),
            ("Fraud", "team", 1.5),
            ("Risk Analytics", "data", 3),
            ("Design", "design", 1.5),
            ("Sales", "sales", 2),
            ("Marketing", "marketing", 1.5),
            ("People", "people", 1.5),
            ("Finance", "finance", 3),
        ),
    ),
    OrganisationSpec(
        "Bluebird Logistics",
        "Rotterdam",
        5,
        _units(
            ("Routing", "team", 2),
            ("Warehouse Systems", "team", 2),
            ("Data", "data", 1.5),
            ("Sales", "sales", 2),
            ("People", "people", 1),
        ),
    ),
    OrganisationSpec(
        "Cobalt Energy",
        "Edinburgh",
        4,
        _units(
            ("Smart Meters", "team", 2),
            ("Data", "data", 2),
            ("Sales", "sales", 1.5),
            ("Finance", "finance", 1.5),
        ),
    ),
    OrganisationSpec(
        "Lumen Retail",
        "Paris",
        6,
        _units(
            ("E-commerce", "team", 3),
            ("Mobile", "team", 1.5),
            ("Customer Insights", "data", 2),
            ("Design", "design", 1.5),
            ("Marketing", "marketing", 3),
            ("People", "people", 1),
            ("Finance", "finance", 1),
        ),
    ),
    OrganisationSpec(
        "Tidewater Media",
        "Amsterdam",
        4,
        _units(
            ("Streaming", "team", 2),
            ("Recommendations", "data", 1.5),
            ("Design", "design", 1),
            ("Marketing", "marketing", 2),
            ("Sales", "sales", 1.5),
        ),
    ),
    OrganisationSpec(
        "Helix Biotech",
        "Cambridge",
        4,
        _units(
            ("Research Software", "team", 1.5),
            ("Bioinformatics", "data", 2),
            ("People", "people", 1),
            ("Finance", "finance", 1),
        ),
    ),
    OrganisationSpec(
        "Northfield City Council",
        UNIVERSITY_CITY,
        3,
        _units(
            ("Digital Services", "team", 2),
            ("Policy and Insight", "data", 1),
            ("Human Resources", "people", 1),
            ("Finance", "finance", 1.5),
        ),
    ),
    OrganisationSpec(
        UNIVERSITY,
        UNIVERSITY_CITY,
        3,
        _units(
            ("IT Services", "team", 2),
            ("Research Computing", "data", 1),
            ("Careers Service", "careers", 1),
            ("Alumni Relations", "marketing", 1),
            ("Human Resources", "people", 1),
            ("Finance", "finance", 1),
        ),
    ),
)

#: Words that make up the long tail of small employers ("Kestrel Analytics").
SMALL_EMPLOYER_FIRST_WORDS = (
    "Kestrel",
    "Bramble",
    "Quartz",
    "Juniper",
    "Maple",
    "Orbit",
    "Pebble",
    "Saffron",
    "Tandem",
    "Willow",
    "Arbor",
    "Beacon",
    "Copper",
    "Drift",
    "Ember",
    "Fable",
    "Granite",
    "Heron",
    "Iris",
    "Jasper",
    "Kite",
    "Lark",
    "Meridian",
    "Nimbus",
    "Otter",
    "Pinecone",
    "Quill",
    "Raven",
    "Summit",
    "Thistle",
    "Umber",
    "Vale",
    "Wren",
    "Yarrow",
    "Zephyr",
    "Alder",
    "Basalt",
    "Cinder",
    "Dune",
    "Fjord",
)
SMALL_EMPLOYER_SECOND_WORDS = (
    "Labs",
    "Analytics",
    "Studio",
    "Health",
    "Software",
    "Robotics",
    "Games",
    "Finance",
    "Foods",
    "Energy",
    "Mobility",
    "Learning",
    "Security",
    "Cloud",
    "Insights",
    "Works",
    "Collective",
    "Travel",
    "Payments",
    "Media",
    "Bio",
    "Maps",
    "Housing",
    "Legal",
    "Farms",
)
SMALL_EMPLOYER_UNITS = _units(
    ("Engineering", "team", 3),
    ("Data", "data", 1),
    ("Design", "design", 1),
    ("Sales", "sales", 1.5),
    ("Marketing", "marketing", 1),
    ("Operations", "people", 1),
    ("Finance", "finance", 0.5),
)
CITIES = (
    "London",
    "Manchester",
    "Berlin",
    "Amsterdam",
    "Paris",
    "Dublin",
    "Lisbon",
    "Edinburgh",
    "Leeds",
    "Bristol",
    "Barcelona",
    "Warsaw",
    "Stockholm",
    "Toronto",
    "Remote",
)


class Programme(NamedTuple):
    degree: str
    field: str
    years: int
    #: Relative size of the yearly intake.
    intake: float
    #: Careers its graduates tend to go into, with relative weights.
    tracks: tuple[tuple[str, float], ...]


UNDERGRADUATE_PROGRAMMES: tuple[Programme, ...] = (
    Programme(
        "BSc", "Computer Science", 3, 10, (("engineering", 8), ("data_science", 1), ("product", 1))
    ),
    Programme("BEng", "Software Engineering", 4, 5, (("engineering", 9), ("product", 1))),
    Programme(
        "BSc",
        "Mathematics",
        3,
        4,
        (("analytics", 4), ("data_science", 3), ("finance", 3), ("engineering", 2)),
    ),
    Programme("BSc", "Statistics", 3, 2, (("analytics", 5), ("data_science", 4))),
    Programme(
        "BSc", "Information Systems", 3, 3, (("engineering", 4), ("analytics", 3), ("product", 3))
    ),
    Programme(
        "BA", "Economics", 3, 6, (("finance", 4), ("analytics", 3), ("product", 2), ("sales", 2))
    ),
    Programme(
        "BA",
        "Business Management",
        3,
        7,
        (("sales", 4), ("marketing", 3), ("product", 2), ("people", 2), ("finance", 2)),
    ),
    Programme(
        "BA", "Psychology", 3, 4, (("people", 5), ("design", 2), ("marketing", 2), ("analytics", 1))
    ),
    Programme("BA", "Graphic Design", 3, 3, (("design", 9), ("marketing", 1))),
    Programme("BA", "English Literature", 3, 2, (("marketing", 5), ("people", 3), ("sales", 2))),
)
POSTGRADUATE_PROGRAMMES: tuple[Programme, ...] = (
    Programme("MSc", "Data Science", 1, 3, (("data_science", 6), ("analytics", 2))),
    Programme("MSc", "Computer Science", 1, 2, (("engineering", 5),)),
    Programme("MSc", "Human-Computer Interaction", 1, 1, (("design", 4), ("product", 2))),
)
MBA = Programme(
    "MBA", "Business Administration", 2, 1, (("product", 3), ("finance", 2), ("sales", 1))
)

#: Other schools some members attended, with the fields each teaches.
OTHER_SCHOOLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "University of Eastbrook",
        ("Computer Science", "Mathematics", "Economics", "Psychology", "English Literature"),
    ),
    (
        "Riverside Polytechnic",
        ("Software Engineering", "Information Systems", "Business Management"),
    ),
    ("Harbour Institute of Technology", ("Computer Science", "Software Engineering", "Statistics")),
    ("Kingsbridge Business School", ("Business Management", "Economics")),
    ("Lakeside College of Art and Design", ("Graphic Design",)),
)

#: Years of experience from which each ladder step is reached, at an ordinary pace.
LEVEL_YEARS = (0, 2, 5, 9, 14)

#: Job ladders: the title held at each level. None means the ladder has no such step.
LADDERS: dict[str, tuple[str | None, ...]] = {
    "engineering": (
        "Junior Engineer",
        "Engineer",
        "Senior Engineer",
        "Staff Engineer",
        "Principal Engineer",
    ),
    "engineering_management": (
        None,
        None,
        "Engineering Manager",
        "Senior Engineering Manager",
        "Head of Engineering",
    ),
    "product": (
        "Product Analyst",
        "Product Manager",
        "Senior Product Manager",
        "Group Product Manager",
        "Director of Product",
    ),
    "analytics": (
        "Junior Data Analyst",
        "Data Analyst",
        "Senior Data Analyst",
        "Analytics Lead",
        "Head of Analytics",
    ),
    "data_science": (
        "Junior Data Scientist",
        "Data Scientist",
        "Senior Data Scientist",
        "Lead Data Scientist",
        "Head of Data",
    ),
    "design": (
        "Junior Designer",
        "Product Designer",
        "Senior Product Designer",
        "Lead Designer",
        "Head of Design",
    ),
    "sales": (
        "Sales Development Representative",
        "Account Executive",
        "Senior Account Executive",
        "Sales Manager",
        "Head of Sales",
    ),
    "marketing": (
        "Marketing Assistant",
        "Marketing Manager",
        "Senior Marketing Manager",
        "Marketing Lead",
        "Head of Marketing",
    ),
    "people": (
        "People Coordinator",
        "People Partner",
        "Senior People Partner",
        "People Lead",
        "Head of People",
    ),
    "finance": (
        "Junior Financial Analyst",
        "Financial Analyst",
        "Senior Financial Analyst",
        "Finance Manager",
        "Finance Director",
    ),
}
INTERN_TITLES: dict[str, str] = {
    "engineering": "Software Engineering Intern",
    "product": "Product Intern",
    "analytics": "Data Intern",
    "data_science": "Data Science Intern",
    "design": "Design Intern",
    "sales": "Sales Intern",
    "marketing": "Marketing Intern",
    "people": "HR Intern",
    "finance": "Finance Intern",
}

#: The kinds of unit each career is hired into, most likely first.
TRACK_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    "engineering": ("team",),
    "engineering_management": ("team",),
    "product": ("team",),
    "analytics": ("data",),
    "data_science": ("data",),
    "design": ("design", "team"),
    "sales": ("sales",),
    "marketing": ("marketing",),
    "people": ("people",),
    "finance": ("finance",),
}

#: Role changes: (from ladder, to ladder, lowest level at which it happens, chance per job change).
ROLE_CHANGES: tuple[tuple[str, str, int, float], ...] = (
    ("engineering", "engineering_management", 2, 0.30),
    ("engineering", "product", 1, 0.08),
    ("analytics", "data_science", 1, 0.25),
    ("design", "product", 2, 0.08),
    ("analytics", "product", 1, 0.06),
    ("sales", "marketing", 1, 0.05),
)

#: Skills with other names people use for them.
SKILLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Python", ("py", "python3")),
    ("JavaScript", ("js", "ecmascript")),
    ("TypeScript", ("ts",)),
    ("Java", ()),
    ("Go", ("golang",)),
    ("Kotlin", ()),
    ("Swift", ()),
    ("Rust", ()),
    ("SQL", ()),
    ("PostgreSQL", ("postgres",)),
    ("React", ("react.js", "reactjs")),
    ("Django", ()),
    ("Kubernetes", ("k8s",)),
    ("Docker", ()),
    ("AWS", ("amazon web services",)),
    ("Terraform", ()),
    ("System design", ("systems design", "software architecture")),
    ("Distributed systems", ()),
    ("Software testing", ("qa", "test automation")),
    ("Application security", ("appsec",)),
    ("Continuous delivery", ("ci/cd", "continuous integration")),
    ("Payments", ("payment systems",)),
    ("Mobile development", ("ios development", "android development")),
    ("Observability", ("monitoring",)),
    ("Machine learning", ("ml",)),
    ("Deep learning", ("dl",)),
    ("Natural language processing", ("nlp",)),
    ("Statistics", ("stats",)),
    ("Data analysis", ("data analytics",)),
    ("Data visualisation", ("data visualization", "dataviz")),
    ("Experimentation", ("a/b testing",)),
    ("Forecasting", ()),
    ("Spark", ("apache spark",)),
    ("Tableau", ()),
    ("Excel", ("microsoft excel",)),
    ("Product management", ("product mgmt",)),
    ("Product strategy", ()),
    ("Roadmapping", ()),
    ("User research", ("ux research",)),
    ("Stakeholder management", ()),
    ("Agile", ("scrum",)),
    ("UX design", ("user experience design",)),
    ("UI design", ("visual design",)),
    ("Figma", ()),
    ("Design systems", ()),
    ("Accessibility", ("a11y",)),
    ("Prototyping", ()),
    ("Management", ("people management", "line management", "team management")),
    ("Leadership", ("team leadership",)),
    ("Mentoring", ("mentorship",)),
    ("Hiring", ("recruiting", "interviewing")),
    ("Public speaking", ("presenting", "conference speaking")),
    ("Negotiation", ()),
    ("Sales", ("b2b sales",)),
    ("Account management", ()),
    ("Salesforce", ()),
    ("Business development", ("bizdev",)),
    ("Digital marketing", ("online marketing",)),
    ("Content strategy", ("content marketing",)),
    ("SEO", ("search engine optimisation", "search engine optimization")),
    ("Employee relations", ()),
    ("Learning and development", ("l&d",)),
    ("Compensation and benefits", ("reward",)),
    ("Financial modelling", ("financial modeling",)),
    ("Accounting", ()),
    ("Budgeting", ()),
    ("Risk management", ()),
)

#: Skills that go with each career.
TRACK_SKILLS: dict[str, tuple[str, ...]] = {
    "engineering": (
        "Python",
        "JavaScript",
        "TypeScript",
        "Java",
        "Go",
        "Kotlin",
        "Swift",
        "Rust",
        "SQL",
        "PostgreSQL",
        "React",
        "Django",
        "Kubernetes",
        "Docker",
        "AWS",
        "Terraform",
        "System design",
        "Distributed systems",
        "Software testing",
        "Application security",
        "Continuous delivery",
        "Mobile development",
        "Observability",
        "Agile",
    ),
    "engineering_management": (
        "Management",
        "Leadership",
        "Hiring",
        "Mentoring",
        "System design",
        "Stakeholder management",
        "Agile",
        "Roadmapping",
    ),
    "product": (
        "Product management",
        "Product strategy",
        "Roadmapping",
        "User research",
        "Stakeholder management",
        "Agile",
        "Experimentation",
        "SQL",
        "Data analysis",
    ),
    "analytics": (
        "SQL",
        "Excel",
        "Tableau",
        "Data analysis",
        "Data visualisation",
        "Statistics",
        "Experimentation",
        "Python",
        "Forecasting",
    ),
    "data_science": (
        "Python",
        "Machine learning",
        "Deep learning",
        "Natural language processing",
        "Statistics",
        "SQL",
        "Spark",
        "Experimentation",
        "Forecasting",
        "Data visualisation",
    ),
    "design": (
        "UX design",
        "UI design",
        "Figma",
        "Design systems",
        "Accessibility",
        "Prototyping",
        "User research",
    ),
    "sales": (
        "Sales",
        "Account management",
        "Salesforce",
        "Business development",
        "Negotiation",
        "Public speaking",
    ),
    "marketing": (
        "Digital marketing",
        "Content strategy",
        "SEO",
        "Data analysis",
        "Public speaking",
        "Experimentation",
    ),
    "people": (
        "Employee relations",
        "Learning and development",
        "Compensation and benefits",
        "Hiring",
        "Mentoring",
    ),
    "finance": (
        "Financial modelling",
        "Accounting",
        "Budgeting",
        "Risk management",
        "Excel",
        "Forecasting",
    ),
}
#: Skills that people who lead others pick up, whatever their career.
LEAD_SKILLS = ("Management", "Leadership", "Hiring", "Mentoring")
#: Payments teams teach payments.
UNIT_SKILLS = {"Payments": "Payments", "Checkout": "Payments", "Fraud": "Risk management"}


class GoalSpec(NamedTuple):
    text: str
    target_role: str = ""
    target_skill: str = ""


#: Goals for people early in each career.
TRACK_GOALS: dict[str, tuple[GoalSpec, ...]] = {
    "engineering": (
        GoalSpec("Move into engineering management", "Engineering Manager", "Management"),
        GoalSpec("Become a senior engineer", "Senior Engineer", "System design"),
        GoalSpec(
            "Move from engineering to product management", "Product Manager", "Product management"
        ),
        GoalSpec("Get better at system design", "", "System design"),
        GoalSpec("Learn machine learning", "Data Scientist", "Machine learning"),
    ),
    "product": (
        GoalSpec("Become a product manager", "Product Manager", "Product management"),
        GoalSpec("Lead a product area", "Senior Product Manager", "Product strategy"),
        GoalSpec("Run better experiments", "", "Experimentation"),
    ),
    "analytics": (
        GoalSpec("Become a data scientist", "Data Scientist", "Machine learning"),
        GoalSpec("Move into product management", "Product Manager", "Product management"),
        GoalSpec("Learn Python for analysis", "", "Python"),
    ),
    "data_science": (
        GoalSpec("Lead a data science team", "Lead Data Scientist", "Leadership"),
        GoalSpec("Put models into production", "", "Distributed systems"),
        GoalSpec("Work on language models", "", "Natural language processing"),
    ),
    "design": (
        GoalSpec("Lead a design team", "Lead Designer", "Leadership"),
        GoalSpec("Build a design system", "", "Design systems"),
        GoalSpec("Move into product management", "Product Manager", "Product management"),
    ),
    "sales": (
        GoalSpec("Become a sales manager", "Sales Manager", "Management"),
        GoalSpec("Close larger deals", "Senior Account Executive", "Negotiation"),
    ),
    "marketing": (
        GoalSpec("Lead a marketing team", "Marketing Lead", "Leadership"),
        GoalSpec("Get better at search", "", "SEO"),
    ),
    "people": (
        GoalSpec("Become a people partner", "People Partner", "Employee relations"),
        GoalSpec("Design a learning programme", "", "Learning and development"),
    ),
    "finance": (
        GoalSpec("Become a finance manager", "Finance Manager", "Budgeting"),
        GoalSpec("Get better at financial modelling", "", "Financial modelling"),
    ),
}
#: Goals anyone may have.
GENERAL_GOALS: tuple[GoalSpec, ...] = (
    GoalSpec("Speak at a conference", "", "Public speaking"),
    GoalSpec("Negotiate my next promotion", "", "Negotiation"),
    GoalSpec("Find a mentor outside my team"),
    GoalSpec("Get better at giving feedback"),
)
#: Goals of students still studying.
STUDENT_GOALS: dict[str, tuple[GoalSpec, ...]] = {
    "engineering": (GoalSpec("Land a first engineering job", "Junior Engineer", "Python"),),
    "product": (
        GoalSpec("Find a way into product management", "Product Analyst", "Product management"),
    ),
    "analytics": (GoalSpec("Find a first job in data", "Data Analyst", "SQL"),),
    "data_science": (
        GoalSpec("Find a first job in data science", "Data Scientist", "Machine learning"),
    ),
    "design": (GoalSpec("Build a portfolio that gets interviews", "Junior Designer", "Figma"),),
    "sales": (
        GoalSpec("Understand what working in sales is like", "Sales Development Representative"),
    ),
    "marketing": (
        GoalSpec("Find a marketing internship", "Marketing Assistant", "Digital marketing"),
    ),
    "people": (GoalSpec("Learn how HR teams work", "People Coordinator"),),
    "finance": (
        GoalSpec(
            "Prepare for finance interviews", "Junior Financial Analyst", "Financial modelling"
        ),
    ),
}
STUDENT_GENERAL_GOALS: tuple[GoalSpec, ...] = (
    GoalSpec("Choose between industry and a PhD"),
    GoalSpec("Practise interviews"),
)

#: What experienced people offer, by career.
TRACK_OFFERS: dict[str, tuple[str, ...]] = {
    "engineering": (
        "System design reviews",
        "Getting promoted to senior engineer",
        "Open source contributions",
    ),
    "engineering_management": (
        "Preparing for a first management role",
        "Hiring and running interviews",
        "Running a team through a reorganisation",
    ),
    "product": (
        "Writing a product strategy",
        "Working with engineers as a product manager",
        "Product management interviews",
    ),
    "analytics": ("Telling stories with data", "SQL and dashboards"),
    "data_science": ("Machine learning in production", "Moving from research to industry"),
    "design": ("Portfolio reviews", "Building a design system"),
    "sales": ("Closing enterprise deals", "Building a sales pipeline"),
    "marketing": ("Content that people read", "Marketing on a small budget"),
    "people": ("Difficult conversations", "Setting up a mentoring scheme"),
    "finance": ("Reading a balance sheet", "Budgeting for a new team"),
}
#: Offers that come from having made a role change.
TRANSITION_OFFERS: dict[tuple[str, str], str] = {
    ("engineering", "engineering_management"): "Preparing for a first management role",
    ("engineering", "product"): "Moving from engineering to product",
    ("analytics", "data_science"): "Moving from analytics to data science",
    ("design", "product"): "Moving from design to product",
    ("analytics", "product"): "Moving from analytics to product",
    ("sales", "marketing"): "Moving from sales to marketing",
}
GENERAL_OFFERS = (
    "Conference talks",
    "CV and interview practice",
    "Negotiating a promotion",
    "Returning to work after parental leave",
    "Changing countries for work",
)
