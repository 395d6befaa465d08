from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from deskmate.core.forms import form_errors_from
from deskmate.core.live import wants_part
from deskmate.mentoring import forms, rules, selectors, services
from deskmate.mentoring.calendar import member_feed_ics, next_checkin_ics, planned_checkin_ics
from deskmate.mentoring.states import State, allowed_actions
from deskmate.network.models import Introduction
from deskmate.people import selectors as people_selectors
from deskmate.people.decorators import coordinator_required, member_required

NO_CHECKIN_PLANNED = "No next check-in is planned."


def _mentorship_context(viewer, mentorship, **extra) -> dict:
    return {
        "mentorship": mentorship,
        "other": mentorship.other(viewer),
        "is_requester": viewer.pk == mentorship.requester_id,
        "is_recipient": viewer.pk == mentorship.recipient_id,
        "survey_due": selectors.survey_due(mentorship, viewer),
        "overdue_milestones": selectors.overdue_milestones(mentorship, viewer.local_date())
        if mentorship.state == State.ACTIVE
        else [],
        **extra,
    }


def _saved(request, form, save, success: str):
    """On a valid POST, call the service and return what it made; its refusal goes on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        form_errors_from(form, error)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def _refusal_message(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@member_required
def mentorships(request):
    member = request.member
    return render(
        request,
        "mentoring/list.html",
        {
            "groups": selectors.groups_of(member),
            "received": selectors.requests_received(member),
            "sent": selectors.requests_sent(member),
            "active": selectors.active_mentorships(member),
            "past": selectors.past_mentorships(member)[:50],
            "availability": selectors.availability_of(member),
        },
    )


@member_required
def mentorship_ask(request, member_id: int):
    asked = people_selectors.access_member(request.member, member_id)
    if asked.pk == request.member.pk:
        raise Http404(people_selectors.MEMBER_NOT_FOUND)
    form = forms.RequestForm(request.POST or None, goals=people_selectors.goals_of(request.member))
    created = _saved(
        request,
        form,
        lambda data: services.mentorship_request(requester=request.member, recipient=asked, **data),
        f"Your request is on its way to {asked.name}.",
    )
    if created:
        return redirect("mentorship_detail", mentorship_id=created.pk)
    return render(
        request,
        "mentoring/ask.html",
        {"form": form, "asked": asked, "expiry_days": rules.request_expiry_days()},
    )


@member_required
def mentorship_detail(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    return render(
        request,
        "mentoring/detail.html",
        _mentorship_context(
            request.member,
            mentorship,
            actions=allowed_actions(mentorship.state),
            goals=mentorship.goals.all(),
            info_requests=selectors.info_requests_of(mentorship),
            agreement=selectors.current_agreement(mentorship),
        ),
    )


def _simple_action(service, success: str):
    @require_POST
    @member_required
    def view(request, mentorship_id: int):
        mentorship = selectors.access_mentorship(request.member, mentorship_id)
        try:
            service(mentorship=mentorship, actor=request.member)
        except ValidationError as error:
            _refusal_message(request, error)
        else:
            messages.success(request, success)
        return redirect("mentorship_detail", mentorship_id=mentorship.pk)

    return view


mentorship_accept = _simple_action(
    services.mentorship_accept, "Accepted. Agree your goals to get started."
)
mentorship_withdraw = _simple_action(services.mentorship_withdraw, "Your request is withdrawn.")
mentorship_complete = _simple_action(services.mentorship_complete, "Completed. Well done, both!")


def _form_action(*, form_class, title: str, intro: str, submit: str, success: str, save):
    @member_required
    def view(request, mentorship_id: int):
        mentorship = selectors.access_mentorship(request.member, mentorship_id)
        form = form_class(request.POST or None)
        if _saved(request, form, lambda data: save(mentorship, request.member, data), success):
            return redirect("mentorship_detail", mentorship_id=mentorship.pk)
        return render(
            request,
            "mentoring/action_form.html",
            _mentorship_context(
                request.member, mentorship, form=form, title=title, intro=intro, submit=submit
            ),
        )

    return view


mentorship_decline = _form_action(
    form_class=forms.ReasonForm,
    title="Decline this request",
    intro="The reason is for you alone: the person who asked is only told that you cannot take it.",
    submit="Decline",
    success="Declined.",
    save=lambda m, actor, data: services.mentorship_decline(mentorship=m, actor=actor, **data),
)
mentorship_ask_info = _form_action(
    form_class=forms.QuestionForm,
    title="Ask for more information",
    intro="The request stays open while you wait for the answer.",
    submit="Send question",
    success="Your question is sent.",
    save=lambda m, actor, data: services.mentorship_ask_info(mentorship=m, actor=actor, **data),
)
mentorship_answer_info = _form_action(
    form_class=forms.AnswerForm,
    title="Answer the question",
    intro="",
    submit="Send answer",
    success="Your answer is sent.",
    save=lambda m, actor, data: services.mentorship_answer_info(mentorship=m, actor=actor, **data),
)
mentorship_end_early = _form_action(
    form_class=forms.ReasonForm,
    title="End early",
    intro="The other person is told that it has ended; your reason is kept with the mentorship for the two of you.",
    submit="End it now",
    success="It has ended.",
    save=lambda m, actor, data: services.mentorship_end_early(mentorship=m, actor=actor, **data),
)


@member_required
def mentorship_timeline(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    return render(
        request,
        "mentoring/timeline.html",
        _mentorship_context(request.member, mentorship, events=selectors.timeline_of(mentorship)),
    )


@member_required
def mentorship_agreement(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    agreement = selectors.current_agreement(mentorship)
    initial = {}
    if agreement:
        initial = {
            "goals": agreement.goals,
            "cadence": agreement.cadence,
            "duration_weeks": agreement.duration_weeks,
            "meeting": agreement.meeting,
            "confidentiality": agreement.confidentiality,
        }
    form = forms.AgreementForm(request.POST or None, initial=initial)
    saved = _saved(
        request,
        form,
        lambda data: services.agreement_update(mentorship=mentorship, actor=request.member, **data),
        "The agreement is saved.",
    )
    if saved:
        return redirect("mentorship_agreement", mentorship_id=mentorship.pk)
    return render(
        request,
        "mentoring/agreement.html",
        _mentorship_context(
            request.member,
            mentorship,
            agreement=agreement,
            form=form,
            history=selectors.agreement_history(mentorship)[1:10],
        ),
    )


@member_required
def mentorship_milestones(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    form = forms.MilestoneForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.milestone_create(mentorship=mentorship, actor=request.member, **data),
        "Milestone added.",
    ):
        return redirect("mentorship_milestones", mentorship_id=mentorship.pk)
    return render(
        request,
        "mentoring/milestones.html",
        _mentorship_context(
            request.member,
            mentorship,
            milestones=selectors.milestones_with_overdue(mentorship, request.member.local_date()),
            form=form,
        ),
    )


@require_POST
@member_required
def milestone_complete(request, mentorship_id: int, milestone_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    milestone = selectors.access_milestone(mentorship, milestone_id)
    try:
        services.milestone_complete(milestone=milestone, actor=request.member)
    except ValidationError as error:
        _refusal_message(request, error)
    else:
        messages.success(request, f"Milestone reached: {milestone.title}. Congratulations!")
    return redirect("mentorship_milestones", mentorship_id=mentorship.pk)


@member_required
def mentorship_checkins(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    form = forms.CheckInForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.checkin_record(mentorship=mentorship, actor=request.member, **data),
        "Check-in recorded.",
    ):
        return redirect("mentorship_checkins", mentorship_id=mentorship.pk)
    return render(
        request,
        "mentoring/checkins.html",
        _mentorship_context(
            request.member,
            mentorship,
            checkins=selectors.checkins_of(mentorship),
            form=form,
            **_schedule_context(request, mentorship),
        ),
    )


@member_required
def mentorship_calendar(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    if not mentorship.is_active:
        raise Http404(NO_CHECKIN_PLANNED)
    timed = selectors.next_accepted_checkin(mentorship)
    if timed is not None:
        return _ics_response(planned_checkin_ics(timed), f"check-in-{timed.pk}.ics")
    if mentorship.next_checkin_on is None:
        raise Http404(NO_CHECKIN_PLANNED)
    response = HttpResponse(
        next_checkin_ics(mentorship), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="check-in-{mentorship.next_checkin_on}.ics"'
    )
    return response


@member_required
def mentorship_feedback(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    form = forms.FeedbackForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.feedback_give(mentorship=mentorship, actor=request.member, **data),
        "Thank you: your feedback is shared.",
    ):
        return redirect("mentorship_feedback", mentorship_id=mentorship.pk)
    return render(
        request,
        "mentoring/feedback.html",
        _mentorship_context(
            request.member, mentorship, feedback=selectors.feedback_of(mentorship), form=form
        ),
    )


@member_required
def mentorship_surveys(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    form = forms.SurveyForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.survey_answer(mentorship=mentorship, actor=request.member, **data),
        "Thank you for answering.",
    ):
        return redirect("mentorship_surveys", mentorship_id=mentorship.pk)
    return render(
        request,
        "mentoring/surveys.html",
        _mentorship_context(
            request.member,
            mentorship,
            form=form,
            answered=selectors.surveys_of(mentorship, request.member),
        ),
    )


@member_required
def mentoring_availability(request):
    availability = selectors.availability_of(request.member)
    form = forms.AvailabilityForm(
        request.POST or None, initial={"unavailable": availability.unavailable}
    )
    if request.method == "POST" and form.is_valid():
        services.availability_update(
            member=request.member,
            unavailable=form.cleaned_data["unavailable"],
            actor=request.member,
        )
        messages.success(request, "Your availability is saved.")
        return redirect("mentorships")
    return render(
        request, "mentoring/availability.html", {"form": form, "availability": availability}
    )


@coordinator_required
def mentorship_overview(request):
    return render(
        request,
        "mentoring/overview.html",
        {"mentorships": selectors.mentorship_overview(request.member)[:500]},
    )


# ---------------------------------------------------------------- safety


@member_required
def blocks(request):
    return render(request, "mentoring/blocks.html", {"blocks": selectors.blocks_of(request.member)})


@member_required
def member_block(request, member_id: int):
    member = people_selectors.access_member(request.member, member_id)
    if request.method == "POST":
        try:
            services.block_create(blocker=request.member, blocked=member)
        except ValidationError as error:
            _refusal_message(request, error)
        else:
            messages.success(request, f"{member.name} is blocked.")
        return redirect("blocks")
    return render(request, "mentoring/block_confirm.html", {"member": member})


@require_POST
@member_required
def block_remove(request, member_id: int):
    block = selectors.access_block(request.member, member_id)
    services.block_remove(block=block, actor=request.member)
    messages.success(request, "Unblocked.")
    return redirect("blocks")


def _report_page(request, *, member=None, mentorship=None):
    form = forms.ReportForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.report_create(
            reporter=request.member, member=member, mentorship=mentorship, **data
        ),
        "Thank you. A coordinator will look at it, and you will be told the outcome.",
    ):
        return redirect("my_reports")
    return render(
        request,
        "mentoring/report_form.html",
        {"form": form, "member": member, "mentorship": mentorship},
    )


@member_required
def report_member(request, member_id: int):
    return _report_page(request, member=people_selectors.access_member(request.member, member_id))


@member_required
def report_mentorship(request, mentorship_id: int):
    return _report_page(
        request, mentorship=selectors.access_mentorship(request.member, mentorship_id)
    )


@member_required
def my_reports(request):
    return render(
        request, "mentoring/my_reports.html", {"reports": selectors.reports_by(request.member)}
    )


@coordinator_required
def reports(request):
    status = request.GET.get("status", "open")
    return render(
        request,
        "mentoring/reports.html",
        {"reports": selectors.reports_queue(request.member, status=status), "status": status},
    )


@coordinator_required
def report_detail(request, report_id: int):
    report = selectors.access_report(request.member, report_id)
    form = forms.ResolveForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda data: services.report_resolve(report=report, actor=request.member, **data),
        "Done. The reporter has been told.",
    ):
        return redirect("reports")
    return render(request, "mentoring/report_detail.html", {"report": report, "form": form})


# ---------------------------------------------------------------- conversations


@member_required
def threads(request):
    return render(
        request,
        "mentoring/threads.html",
        {"threads": selectors.threads_of(request.member)},
    )


def _thread_page(request, thread):
    """A conversation: reading it marks it read; a POST writes in it (then back to the page)."""
    form = forms.MessageForm(request.POST or None)
    in_place = wants_part(request) and request.method == "POST"
    sent = _saved(
        request,
        form,
        lambda data: services.message_post(thread=thread, author=request.member, **data),
        "" if in_place else "Sent.",
    )
    if in_place:
        return _message_form_part(request, thread, form, sent=bool(sent))
    if sent:
        return redirect(thread.url + "#message-form")
    services.thread_mark_read(thread=thread, reader=request.member)
    around = _thread_around(request.member, thread)
    return render(
        request,
        "mentoring/thread.html",
        {
            **around,
            "thread": thread,
            "title": thread.title_for(request.member),
            "others": thread.others(request.member),
            "messages_list": selectors.messages_in(thread),
            "form": form,
            "can_write": services.thread_is_open(thread),
            "target_joins_later": isinstance(thread.subject, Introduction)
            and thread.subject.status not in selectors.TARGET_READS_THREAD,
        },
    )


def _thread_around(viewer, thread) -> dict:
    if thread.kind == "mentorship":
        return _mentorship_context(viewer, thread.subject)
    if thread.kind == "group":
        return {"group": thread.subject}
    return {"other": thread.others(viewer)[0]}


def _message_form_part(request, thread, form, *, sent: bool):
    """The form alone after an htmx post: empty once sent, with the messages to swap beside it."""
    return render(
        request,
        "mentoring/_message_form.html",
        {
            "thread": thread,
            "others": thread.others(request.member),
            "form": forms.MessageForm() if sent else form,
            "sent": sent,
            "messages_list": selectors.messages_in(thread) if sent else (),
            "can_write": services.thread_is_open(thread),
        },
    )


def _thread_fragment(request, thread):
    """The messages alone, for the page to poll; read while the page shows them."""
    services.thread_mark_read(thread=thread, reader=request.member)
    return render(
        request,
        "mentoring/_messages.html",
        {"thread": thread, "messages_list": selectors.messages_in(thread)},
    )


@member_required
def mentorship_messages(request, mentorship_id: int):
    return _thread_page(request, selectors.access_mentorship_thread(request.member, mentorship_id))


@member_required
def mentorship_messages_fragment(request, mentorship_id: int):
    return _thread_fragment(
        request, selectors.access_mentorship_thread(request.member, mentorship_id)
    )


@member_required
def introduction_messages(request, introduction_id: int):
    return _thread_page(
        request, selectors.access_introduction_thread(request.member, introduction_id)
    )


@member_required
def introduction_messages_fragment(request, introduction_id: int):
    return _thread_fragment(
        request, selectors.access_introduction_thread(request.member, introduction_id)
    )


# ---------------------------------------------------------------- scheduling


def _schedule_context(request, mentorship, **extra) -> dict:
    viewer = request.member
    planned = list(selectors.upcoming_planned_checkins(mentorship))
    for item in planned:
        item.waits_for_me = (  # type: ignore[attr-defined]
            item.status == item.Status.PROPOSED and item.proposed_by_id != viewer.pk
        )
    return {"planned_checkins": planned, "my_zone": viewer.zone.key, **extra}


@member_required
def checkin_propose(request, mentorship_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    form = forms.CheckInTimeForm(request.POST or None, member=request.member)
    if _saved(
        request,
        form,
        lambda data: services.checkin_propose(mentorship=mentorship, actor=request.member, **data),
        "Proposed. The other person can accept the time or move it.",
    ):
        return redirect("mentorship_checkins", mentorship_id=mentorship.pk)
    return render(
        request,
        "mentoring/checkin_time.html",
        _mentorship_context(
            request.member,
            mentorship,
            form=form,
            title="Propose a check-in",
            submit="Propose this time",
        ),
    )


@member_required
def checkin_move(request, mentorship_id: int, planned_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    planned = selectors.access_planned_checkin(mentorship, planned_id)
    local = planned.starts_at.astimezone(request.member.zone)
    form = forms.CheckInTimeForm(
        request.POST or None,
        member=request.member,
        initial={"day": local.date(), "time": local.time().replace(second=0)},
    )
    if _saved(
        request,
        form,
        lambda data: services.checkin_move(planned=planned, actor=request.member, **data),
        "Moved. The other person can accept the new time or move it again.",
    ):
        return redirect("mentorship_checkins", mentorship_id=mentorship.pk)
    return render(
        request,
        "mentoring/checkin_time.html",
        _mentorship_context(
            request.member,
            mentorship,
            form=form,
            title="Move the check-in",
            submit="Move to this time",
        ),
    )


def _planned_action(service, success: str):
    @require_POST
    @member_required
    def view(request, mentorship_id: int, planned_id: int):
        mentorship = selectors.access_mentorship(request.member, mentorship_id)
        planned = selectors.access_planned_checkin(mentorship, planned_id)
        try:
            service(planned=planned, actor=request.member)
        except ValidationError as error:
            _refusal_message(request, error)
        else:
            messages.success(request, success)
        return redirect("mentorship_checkins", mentorship_id=mentorship.pk)

    return view


checkin_accept = _planned_action(services.checkin_accept, "Accepted: it is in both calendars.")
checkin_cancel = _planned_action(services.checkin_cancel, "The check-in is cancelled.")


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_required
def planned_checkin_calendar(request, mentorship_id: int, planned_id: int):
    mentorship = selectors.access_mentorship(request.member, mentorship_id)
    planned = selectors.access_planned_checkin(mentorship, planned_id)
    return _ics_response(planned_checkin_ics(planned), f"check-in-{planned.pk}.ics")


@member_required
def calendar_feed_settings(request):
    """The member's private calendar address: shown once when made, replaced or turned off here."""
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(member=request.member, actor=request.member)
            messages.success(request, CALENDAR_FEED_OFF)
            return redirect("calendar_feed_settings")
        _, token = services.calendar_feed_create(member=request.member, actor=request.member)
        new_url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    return render(
        request,
        "mentoring/calendar_feed.html",
        {"feed": selectors.calendar_feed_of(request.member), "new_url": new_url},
    )


CALENDAR_FEED_OFF = "Your calendar address is turned off; calendars using it get nothing more."


@require_GET
def calendar_feed(request, token: str):
    """The subscription itself: no sign-in (calendar apps cannot), the secret in the address."""
    feed = selectors.access_calendar_feed(token)
    member = feed.member
    services.calendar_feed_used(feed=feed)
    content = member_feed_ics(
        member, selectors.feed_checkins(member), selectors.feed_milestones(member)
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- mentoring groups


def _group_page(request, group, **forms_given):
    thread = selectors.thread_of_group(group)
    services.thread_mark_read(thread=thread, reader=request.member)
    milestones = list(selectors.group_milestones(group))
    for milestone in milestones:
        milestone.overdue_since = selectors.milestone_overdue_since(milestone)  # type: ignore[attr-defined]
    return render(
        request,
        "mentoring/group.html",
        {
            "group": group,
            "is_mentor": request.member.pk == group.mentor_id,
            "memberships": selectors.current_memberships(group),
            "agreement": selectors.group_agreement(group),
            "milestones": milestones,
            "checkins": selectors.group_checkins(group),
            "thread": thread,
            "others": thread.others(request.member),
            "messages_list": selectors.messages_in(thread),
            "can_write": services.thread_is_open(thread),
            "form": forms_given.get("form") or forms.MessageForm(),
            "milestone_form": forms_given.get("milestone_form") or forms.MilestoneForm(),
            "checkin_form": forms_given.get("checkin_form") or forms.GroupCheckInForm(),
        },
    )


@member_required
def group_detail(request, group_id: int):
    return _group_page(request, selectors.access_group(request.member, group_id))


@member_required
def group_agreement(request, group_id: int):
    group = selectors.access_group(request.member, group_id)
    agreement = selectors.group_agreement(group)
    initial = {}
    if agreement:
        initial = {
            "goals": agreement.goals,
            "cadence": agreement.cadence,
            "duration_weeks": agreement.duration_weeks,
            "meeting": agreement.meeting,
            "confidentiality": agreement.confidentiality,
        }
    form = forms.AgreementForm(request.POST or None, initial=initial)
    if _saved(
        request,
        form,
        lambda data: services.group_agreement_update(group=group, actor=request.member, **data),
        "The group's agreement is saved.",
    ):
        return redirect("group_agreement", group_id=group.pk)
    return render(
        request,
        "mentoring/group_agreement.html",
        {
            "group": group,
            "agreement": agreement,
            "form": form,
            "history": selectors.group_agreement_history(group)[1:10],
        },
    )


@require_POST
@member_required
def group_milestone_add(request, group_id: int):
    group = selectors.access_group(request.member, group_id)
    form = forms.MilestoneForm(request.POST)
    if _saved(
        request,
        form,
        lambda data: services.group_milestone_create(group=group, actor=request.member, **data),
        "Milestone added.",
    ):
        return redirect(reverse("group_detail", args=[group.pk]) + "#milestones-h")
    return _group_page(request, group, milestone_form=form)


@require_POST
@member_required
def group_milestone_complete(request, group_id: int, milestone_id: int):
    group = selectors.access_group(request.member, group_id)
    milestone = selectors.access_group_milestone(group, milestone_id)
    try:
        services.group_milestone_complete(milestone=milestone, actor=request.member)
    except ValidationError as error:
        _refusal_message(request, error)
    else:
        messages.success(request, f"Milestone reached: {milestone.title}. Congratulations!")
    return redirect(reverse("group_detail", args=[group.pk]) + "#milestones-h")


@require_POST
@member_required
def group_checkin_add(request, group_id: int):
    group = selectors.access_group(request.member, group_id)
    form = forms.GroupCheckInForm(request.POST)
    if _saved(
        request,
        form,
        lambda data: services.group_checkin_record(group=group, actor=request.member, **data),
        "Check-in recorded.",
    ):
        return redirect(reverse("group_detail", args=[group.pk]) + "#checkins-h")
    return _group_page(request, group, checkin_form=form)


@require_POST
@member_required
def group_leave(request, group_id: int):
    group = selectors.access_group(request.member, group_id)
    try:
        services.group_leave(group=group, actor=request.member)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("group_detail", group_id=group.pk)
    messages.success(request, f"You left {group.name}.")
    return redirect("mentorships")


@member_required
def group_messages(request, group_id: int):
    return _thread_page(request, selectors.access_group_thread(request.member, group_id))


@member_required
def group_messages_fragment(request, group_id: int):
    return _thread_fragment(request, selectors.access_group_thread(request.member, group_id))
