"""The demo community's history: mentorships, introductions, programmes and a report.

Written after the members and their careers, inside the loader's transaction
and, like the loader, with bulk inserts rather than one service call per row:
the rows are what the services would have left behind (an agreement, check-ins
over past months, milestones with some overdue, feedback, a timeline), dated
relative to the day the demo is built so that the personas' home pages always
have work waiting:

- Maya (mentee@) is mentored by Daniel: a check-in is due in five days, one
  milestone is overdue; a mentor asked her for more information, a peer asked
  her to be copilots and a former classmate asks her for an introduction.
- Daniel (mentor@) has two mentees, one of them with an overdue check-in, two
  requests to answer and an introduction forwarded to him.
- Claire (coordinator@) runs two programmes: one finished, its match run
  published into mentorships that name the programme and the reasons for each
  pair, with monthly check-ins and pulse surveys from both people, so its health
  page has months of history; and one with enrolment open and applications
  (mentees and mentors, each with ranked topics) waiting to be matched.
- Adam (admin@) has a report waiting.
- Conversations: Maya and Daniel write to each other in their mentorship (his
  last message waits for her) and have their next check-in accepted at 12:30;
  Aisha asks Daniel about her overdue check-in, Lukas and Daniel talk about his
  request before Daniel decides, and Chloe, Aisha and Daniel talk in their
  introduction.

Other members who take part are the first mentors and members of the
generated community, so the same --members and --seed give the same history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from deskmate.demo.generator import Community
from deskmate.mentoring.models import (
    AgreementVersion,
    Cadence,
    CheckIn,
    Event,
    Feedback,
    InfoRequest,
    Mentorship,
    Message,
    MessageReceipt,
    Milestone,
    PlannedCheckIn,
    Report,
    SurveyResponse,
)
from deskmate.mentoring.rules import REQUEST_EXPIRY_DAYS
from deskmate.mentoring.states import State
from deskmate.network.models import Introduction
from deskmate.programmes.models import (
    Application,
    MatchRun,
    Programme,
    ProposedPair,
    Publication,
)

# Positions of the personas in the generated community (see generator.PERSONAS).
MAYA, DANIEL, CLAIRE, ADAM, TOMAS, AISHA, LUKAS, CHLOE = range(8)
PERSONA_COUNT = 8

FINISHED_PROGRAMME = "Alumni mentoring circle, spring"
OPEN_PROGRAMME = "Alumni mentoring circle, winter"
FINISHED_PAIRS = 6
OPEN_MENTEES = 10
OPEN_MENTORS = 4
PROGRAMME_TOPICS = ("Management", "Career change", "Public speaking")
#: Why the finished programme's pairs were matched, one set per pair in turn.
MATCH_REASONS = (
    ("Both studied at the same university.", "Both chose Management as their first topic."),
    ("Worked in the same organisation.", "Both chose Career change as their first topic."),
    ("Both chose Public speaking as their first topic.",),
)
#: Pulse answers (of 5) over the months of the finished programme, cycled per pair.
PULSE_SCORES = (4, 5, 3, 4, 5, 4, 4)


@dataclass
class _Plan:
    """One mentorship and what happened in it, in days before today (negative is the past)."""

    requester: int
    recipient: int
    state: str
    created: int
    started: int | None = None
    ended: int | None = None
    next_checkin: int | None = None
    kind: str = Mentorship.Kind.MENTORSHIP
    message: str = ""
    checkins: Sequence[int] = ()
    #: (title, due day, done day or None)
    milestones: Sequence[tuple[str, int | None, int | None]] = ()
    feedback: Sequence[tuple[int, str]] = ()
    question: str = ""
    programme: int | None = None
    origin: str = Mentorship.Origin.REQUEST
    programme_name: str = ""
    match_reasons: Sequence[str] = ()


@dataclass
class _Rows:
    mentorships: list[Mentorship] = field(default_factory=list)
    agreements: list[AgreementVersion] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    info: list[InfoRequest] = field(default_factory=list)


class _History:
    def __init__(self, community: Community, member_ids: Sequence[int], today: dt.date):
        self.ids = member_ids
        self.today = today
        self.now = timezone.now()
        people = community.members
        self.mentors = [i for i in range(PERSONA_COUNT, len(people)) if people[i].open_to_mentoring]
        self.members = [
            i for i in range(PERSONA_COUNT, len(people)) if not people[i].open_to_mentoring
        ]
        self.names = {
            i: f"{people[i].first_name} {people[i].last_name}" for i in range(len(people))
        }
        self.counts: dict[str, int] = {}
        self.forwarded_introduction: Introduction | None = None

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def at(self, offset: int, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.day(offset), dt.time(hour)))

    # Who takes part.

    def mentor(self, n: int) -> int:
        return self.mentors[n % len(self.mentors)] if self.mentors else DANIEL

    def member(self, n: int) -> int:
        return self.members[n % len(self.members)] if self.members else TOMAS

    def plans(self) -> list[_Plan]:
        maya_milestones = (
            ("Shadow one of Daniel's one-to-ones", -95, -88),
            ("Draft an onboarding plan for a new joiner", -14, None),
            ("Send a talk proposal to a conference", 30, None),
        )
        return [
            _Plan(
                MAYA,
                DANIEL,
                State.ACTIVE,
                -124,
                started=-120,
                next_checkin=5,
                message="I would like to prepare for a first management role.",
                checkins=(-118, -90, -61, -33, -5),
                milestones=maya_milestones,
                feedback=(
                    (DANIEL, "Maya ran the planning meeting calmly and kept it short."),
                    (MAYA, "The talk outline Daniel suggested made the proposal easy."),
                ),
            ),
            _Plan(
                AISHA,
                DANIEL,
                State.ACTIVE,
                -66,
                started=-60,
                next_checkin=-9,
                message="Could you help me grow into a tech lead role?",
                checkins=(-58, -37),
                milestones=(
                    ("Lead a design review", -20, None),
                    ("Pair with a senior on an incident", 25, None),
                ),
            ),
            _Plan(
                LUKAS,
                DANIEL,
                State.REQUESTED,
                -1,
                message="I am moving from support into engineering and would value your view.",
            ),
            _Plan(
                CHLOE,
                DANIEL,
                State.REQUESTED,
                -4,
                message="I am preparing for my first engineering manager interviews.",
            ),
            _Plan(
                self.member(0),
                DANIEL,
                State.ENDED_EARLY,
                -260,
                started=-250,
                ended=-150,
                checkins=(-240, -210),
            ),
            _Plan(self.member(1), DANIEL, State.WITHDRAWN, -40, ended=-38),
            _Plan(
                MAYA,
                self.mentor(0),
                State.COMPLETED,
                -430,
                started=-420,
                ended=-240,
                checkins=(-410, -380, -350, -320, -290, -250),
                milestones=(
                    ("Write a design document", -360, -365),
                    ("Review a colleague's pull requests for a month", -300, -305),
                ),
                feedback=((MAYA, "Every check-in ended with one thing to try; that worked."),),
            ),
            _Plan(
                MAYA,
                self.mentor(1),
                State.INFO_REQUESTED,
                -3,
                message="Could you help me speak at my first conference?",
                question="Which conference are you aiming for, and by when?",
            ),
            _Plan(MAYA, self.mentor(2), State.DECLINED, -210, ended=-205),
            _Plan(MAYA, self.mentor(3), State.EXPIRED, -320, ended=-306),
            _Plan(
                TOMAS,
                MAYA,
                State.REQUESTED,
                -2,
                kind=Mentorship.Kind.COPILOT,
                message="We are both aiming at management: shall we keep each other going?",
            ),
        ]

    # Mentorships and what happened in them.

    def build(self, plans: list[_Plan]) -> _Rows:
        rows = _Rows()
        for plan in plans:
            rows.mentorships.append(self._mentorship(plan))
        Mentorship.objects.bulk_create(rows.mentorships)
        for plan, mentorship in zip(plans, rows.mentorships, strict=True):
            self._inside(plan, mentorship, rows)
        AgreementVersion.objects.bulk_create(rows.agreements)
        Milestone.objects.bulk_create(rows.milestones)
        CheckIn.objects.bulk_create(rows.checkins)
        Feedback.objects.bulk_create(rows.feedback)
        InfoRequest.objects.bulk_create(rows.info)
        Event.objects.bulk_create(rows.events)
        for name in ("mentorships", "milestones", "checkins", "feedback"):
            self.counts[name] = self.counts.get(name, 0) + len(getattr(rows, name))
        return rows

    def _mentorship(self, plan: _Plan) -> Mentorship:
        open_request = plan.state in {State.REQUESTED, State.INFO_REQUESTED}
        return Mentorship(
            kind=plan.kind,
            state=plan.state,
            requester_id=self.ids[plan.requester],
            recipient_id=self.ids[plan.recipient],
            origin=plan.origin,
            programme_id=plan.programme,
            programme_name=plan.programme_name,
            match_reasons=list(plan.match_reasons),
            message=plan.message,
            cadence=Cadence.MONTHLY,
            duration_weeks=26,
            created_at=self.at(plan.created),
            expires_at=self.at(plan.created + REQUEST_EXPIRY_DAYS) if open_request else None,
            answered_at=self.at(plan.started) if plan.started is not None else None,
            started_on=self.day(plan.started) if plan.started is not None else None,
            ends_on=self.day(plan.started + 26 * 7) if plan.started is not None else None,
            ended_at=self.at(plan.ended) if plan.ended is not None else None,
            next_checkin_on=self.day(plan.next_checkin) if plan.next_checkin is not None else None,
        )

    def _inside(self, plan: _Plan, mentorship: Mentorship, rows: _Rows) -> None:
        requester, recipient = self.ids[plan.requester], self.ids[plan.recipient]
        event = self._event_maker(mentorship, rows)
        event(Event.Kind.REQUESTED, plan.created, requester, f"{self.names[plan.requester]} asked.")
        if plan.question:
            rows.info.append(
                InfoRequest(mentorship=mentorship, question=plan.question, asked_at=self.at(-1))
            )
            event(Event.Kind.INFO_ASKED, -1, recipient, "More information was asked for.")
        if plan.started is not None:
            self._started(plan, mentorship, rows, event)
        if plan.ended is not None:
            event(
                plan.state, plan.ended, None, f"The mentorship is {plan.state.replace('_', ' ')}."
            )

    def _event_maker(self, mentorship: Mentorship, rows: _Rows):
        def event(kind: str, day: int, actor: int | None, text: str) -> None:
            rows.events.append(
                Event(mentorship=mentorship, kind=kind, actor_id=actor, text=text, at=self.at(day))
            )

        return event

    def _started(self, plan: _Plan, mentorship: Mentorship, rows: _Rows, event) -> None:
        started = plan.started or 0  # called only once the mentorship started
        requester, recipient = self.ids[plan.requester], self.ids[plan.recipient]
        kind = (
            Event.Kind.MATCHED
            if plan.origin == Mentorship.Origin.PROGRAMME
            else Event.Kind.ACCEPTED
        )
        started_text = (
            f"{self.names[plan.requester]} and {self.names[plan.recipient]} were matched"
            f" in {plan.programme_name}."
            if plan.programme_name
            else "The mentorship started."
        )
        event(kind, started, recipient, started_text)
        rows.agreements.append(
            AgreementVersion(
                mentorship=mentorship,
                version=1,
                cadence=Cadence.MONTHLY,
                duration_weeks=26,
                goals=plan.message or "Grow into the next role.",
                meeting="Video call, first Tuesday of the month",
                confidentiality="What we discuss stays between us.",
                updated_by_id=recipient,
                updated_at=self.at(started + 1),
            )
        )
        for title, due, done in plan.milestones:
            rows.milestones.append(
                Milestone(
                    mentorship=mentorship,
                    title=title,
                    due_on=self.day(due) if due is not None else None,
                    created_by_id=requester,
                    created_at=self.at(started + 2),
                    done_at=self.at(done) if done is not None else None,
                    done_by_id=requester if done is not None else None,
                )
            )
        for number, held in enumerate(plan.checkins, start=1):
            rows.checkins.append(
                CheckIn(
                    mentorship=mentorship,
                    held_on=self.day(held),
                    topics=f"Check-in {number}: progress on the goals",
                    notes="Went through what was tried since last time.",
                    next_steps="Try one thing before the next check-in.",
                    recorded_by_id=recipient,
                    created_at=self.at(held, 17),
                )
            )
            event(Event.Kind.CHECKIN, held, recipient, f"Check-in {number} held.")
        for author, text in plan.feedback:
            rows.feedback.append(
                Feedback(
                    mentorship=mentorship,
                    author_id=self.ids[author],
                    text=text,
                    created_at=self.at(plan.checkins[-1] if plan.checkins else started, 18),
                )
            )

    # Introductions, programmes and a report.

    # Conversations and a check-in at a time.

    def conversations(self, mentorships: Sequence[Mentorship]) -> None:
        """A few threads, in the same order as ``plans``: the last message of each waits unread."""
        maya_daniel, aisha_daniel, lukas_daniel = mentorships[0], mentorships[1], mentorships[2]
        threads: list[tuple[dict[str, Any], tuple[int, ...], list[tuple[int, int, str]]]] = [
            (
                {"mentorship": maya_daniel},
                (MAYA, DANIEL),
                [
                    (MAYA, -6, "I sent the onboarding plan draft; could you look before we meet?"),
                    (DANIEL, -6, "Got it. I will bring comments to our check-in."),
                    (MAYA, -2, "Would Tuesday 12:30 suit you for the next one?"),
                    (DANIEL, -1, "Tuesday 12:30 works. I accepted it in deskmate."),
                ],
            ),
            (
                {"mentorship": aisha_daniel},
                (AISHA, DANIEL),
                [(AISHA, -8, "Sorry I missed our check-in; can we find a new date?")],
            ),
            (
                {"mentorship": lukas_daniel},
                (LUKAS, DANIEL),
                [(LUKAS, -1, "Happy to tell you more about the support work I do now.")],
            ),
            (
                {"introduction": self.forwarded_introduction},
                (CHLOE, AISHA, DANIEL),
                [
                    (AISHA, -3, "Daniel, Chloe is preparing for manager interviews."),
                    (CHLOE, -2, "Thank you both. Daniel, would a short call suit you?"),
                ],
            ),
        ]
        messages: list[Message] = []
        receipts: list[MessageReceipt] = []
        for subject, people, said in threads:
            for number, (author, day, text) in enumerate(said, start=1):
                message = Message(
                    author_id=self.ids[author],
                    text=text,
                    created_at=self.at(day, 9 + number),
                    **subject,
                )
                # Everything before the last message of a thread was read an hour after it came.
                read_at = (
                    None if number == len(said) else message.created_at + dt.timedelta(hours=1)
                )
                messages.append(message)
                receipts += [
                    MessageReceipt(message=message, recipient_id=self.ids[other], read_at=read_at)
                    for other in people
                    if other != author
                ]
        Message.objects.bulk_create(messages)
        MessageReceipt.objects.bulk_create(receipts)
        self.counts["messages"] = len(messages)
        starts = timezone.make_aware(dt.datetime.combine(self.day(5), dt.time(12, 30)))
        PlannedCheckIn.objects.create(
            mentorship=maya_daniel,
            starts_at=starts,
            time_zone=timezone.get_current_timezone_name(),
            status=PlannedCheckIn.Status.ACCEPTED,
            proposed_by_id=self.ids[MAYA],
            uid=f"demo-{maya_daniel.pk}-{self.day(5).isoformat()}",
            sequence=1,
            created_at=self.at(-2),
            updated_at=self.at(-1),
        )

    def introductions(self) -> None:
        made = [
            (
                LUKAS,
                MAYA,
                DANIEL,
                Introduction.Status.ASKED,
                -2,
                "Could you introduce me to Daniel? I would like to ask him about moving into engineering.",
            ),
            (
                CHLOE,
                AISHA,
                DANIEL,
                Introduction.Status.FORWARDED,
                -3,
                "Could you introduce me to Daniel? He hires engineering managers.",
            ),
            (
                MAYA,
                TOMAS,
                self.mentor(4),
                Introduction.Status.MADE,
                -30,
                "Could you introduce me to someone who speaks at conferences?",
            ),
        ]
        created = Introduction.objects.bulk_create(
            [
                Introduction(
                    requester_id=self.ids[requester],
                    introducer_id=self.ids[introducer],
                    target_id=self.ids[target],
                    message=message,
                    status=status,
                    created_at=self.at(day),
                )
                for requester, introducer, target, status, day, message in made
            ]
        )
        self.counts["introductions"] = len(made)
        self.forwarded_introduction = created[1]

    def programmes(self) -> None:
        coordinator = self.ids[CLAIRE]
        finished = Programme.objects.create(
            name=FINISHED_PROGRAMME,
            slug="alumni-circle-spring",
            description="Six months of monthly conversations between alumni and recent graduates.",
            topics=list(PROGRAMME_TOPICS),
            default_cadence=Cadence.MONTHLY,
            milestone_template="Agree on three goals for the programme",
            enrolment_opens_on=self.day(-340),
            enrolment_closes_on=self.day(-310),
            starts_on=self.day(-300),
            ends_on=self.day(-118),
            created_by_id=coordinator,
            created_at=self.at(-350),
        )
        finished.coordinators.add(coordinator)
        # A small community has fewer people than pairs: each takes part once.
        mentees = list(dict.fromkeys(self.member(10 + n) for n in range(FINISHED_PAIRS)))
        mentors = list(dict.fromkeys(self.mentor(10 + n) for n in range(FINISHED_PAIRS)))
        mentees = mentees[: len(mentors)]
        mentors = mentors[: len(mentees)]
        self._applications(finished, mentees, mentors, -320)
        plans = [
            _Plan(
                mentee,
                mentor,
                State.COMPLETED,
                -300,
                started=-300,
                ended=-118,
                checkins=(-290, -260, -230, -200, -170, -140),
                programme=finished.pk,
                origin=Mentorship.Origin.PROGRAMME,
                message="Matched in the alumni mentoring circle.",
                milestones=(("Agree on three goals for the programme", -280, -285),),
                feedback=((mentee, "Monthly was the right rhythm for us."),),
                programme_name=FINISHED_PROGRAMME,
                match_reasons=MATCH_REASONS[n % len(MATCH_REASONS)],
            )
            for n, (mentee, mentor) in enumerate(zip(mentees, mentors, strict=True))
        ]
        rows = self.build(plans)
        self._pulses(plans, rows.mentorships)
        run = MatchRun.objects.create(
            programme=finished,
            method=MatchRun.Method.OPTIMAL,
            status=MatchRun.Status.PUBLISHED,
            created_by_id=coordinator,
            published_by_id=coordinator,
            published_at=self.at(-302),
            created_at=self.at(-305),
            started_at=self.at(-305),
            finished_at=self.at(-305),
            progress=100,
            metrics={"pairs": len(plans), "unmatched": []},
        )
        Publication.objects.create(
            run=run,
            status=Publication.Status.DONE,
            summary={"mentorships": len(plans), "told": 2 * len(plans), "newcomers": 0},
            progress=100,
            created_at=self.at(-302),
            started_at=self.at(-302),
            finished_at=self.at(-302),
        )
        ProposedPair.objects.bulk_create(
            [
                ProposedPair(
                    run=run,
                    mentee_id=self.ids[mentee],
                    mentor_id=self.ids[mentor],
                    score=0.8,
                    reasons=list(plan.match_reasons),
                    mentorship=mentorship,
                )
                for mentee, mentor, plan, mentorship in zip(
                    mentees, mentors, plans, rows.mentorships, strict=True
                )
            ]
        )
        waiting = Programme.objects.create(
            name=OPEN_PROGRAMME,
            slug="alumni-circle-winter",
            description="The next circle: apply as a mentee or as a mentor before enrolment closes.",
            topics=list(PROGRAMME_TOPICS),
            enrolment_opens_on=self.day(-10),
            enrolment_closes_on=self.day(20),
            starts_on=self.day(35),
            ends_on=self.day(215),
            created_by_id=coordinator,
            created_at=self.at(-20),
        )
        waiting.coordinators.add(coordinator)
        self._applications(
            waiting,
            [TOMAS, LUKAS] + [self.member(30 + n) for n in range(OPEN_MENTEES - 2)],
            [self.mentor(30 + n) for n in range(OPEN_MENTORS)],
            -5,
        )
        self.counts["programmes"] = 2

    def _applications(self, programme: Programme, mentees, mentors, day: int) -> None:
        made = [
            Application(
                programme=programme,
                member_id=self.ids[member],
                role=role,
                capacity=1 if role == Application.Role.MENTOR else None,
                goals="Grow into the next role." if role == Application.Role.MENTEE else "",
                # Topic name → rank: each applicant ranks the programme's topics from a different one.
                topics={
                    PROGRAMME_TOPICS[(n + k) % len(PROGRAMME_TOPICS)]: k + 1
                    for k in range(1 + n % len(PROGRAMME_TOPICS))
                },
                created_at=self.at(day),
            )
            for role, members in (
                (Application.Role.MENTEE, mentees),
                (Application.Role.MENTOR, mentors),
            )
            for n, member in enumerate(dict.fromkeys(members))
        ]
        Application.objects.bulk_create(made)
        self.counts["applications"] = self.counts.get("applications", 0) + len(made)

    def _pulses(self, plans: Sequence[_Plan], mentorships: Sequence[Mentorship]) -> None:
        """A pulse survey a day after each check-in, answered by both people of each pair."""
        answers = []
        for n, (plan, mentorship) in enumerate(zip(plans, mentorships, strict=True)):
            for month, held in enumerate(plan.checkins):
                for side, respondent in enumerate((plan.requester, plan.recipient)):
                    answers.append(
                        SurveyResponse(
                            mentorship=mentorship,
                            respondent_id=self.ids[respondent],
                            kind=SurveyResponse.Kind.PULSE,
                            due_on=self.day(held + 1),
                            satisfaction=PULSE_SCORES[(n + month + side) % len(PULSE_SCORES)],
                            low_score_shared=True,
                            answered_at=self.at(held + 1, 19),
                        )
                    )
        SurveyResponse.objects.bulk_create(answers)
        self.counts["pulse_surveys"] = len(answers)

    def report(self) -> None:
        Report.objects.create(
            reporter_id=self.ids[CHLOE],
            about_member_id=self.ids[self.member(50)],
            text="Kept sending me messages after I said I was not interested.",
            created_at=self.at(-1),
        )
        self.counts["reports"] = 1


def demo_history_load(
    community: Community, member_ids: Sequence[int], *, today: dt.date | None = None
) -> dict[str, int]:
    """Writes the demo's history for the community just loaded; returns rows made per kind."""
    history = _History(community, member_ids, today or timezone.localdate())
    rows = history.build(history.plans())
    history.introductions()
    history.conversations(rows.mentorships)
    history.programmes()
    history.report()
    return history.counts
