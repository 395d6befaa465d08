from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from deskmate.core.forms import form_errors_from
from deskmate.core.live import page_or_part
from deskmate.importing.errors import ImportFileError
from deskmate.limits.guards import limited
from deskmate.mentoring import selectors as mentoring_selectors
from deskmate.network.services import upload_read_bounded
from deskmate.people import services as people_services
from deskmate.people.decorators import member_required
from deskmate.programmes import (
    applications_file,
    attributes,
    matching,
    publishing,
    reports,
    selectors,
    services,
)
from deskmate.programmes.forms import (
    ApplicationForm,
    AttributeForm,
    AttributeRuleForm,
    CoordinatorForm,
    ImportUploadForm,
    InviteForm,
    MappingForm,
    MenteeRankingForm,
    PairRuleForm,
    PendingEmailForm,
    PendingFileForm,
    ProgrammeForm,
    PublishForm,
    QuotaForm,
    RunForm,
)
from deskmate.programmes.models import (
    Application,
    ApplicationImport,
    MatchRun,
    PairRule,
    Programme,
)

INVITATION_ANSWER = "Choose to decline, or follow the link to apply."
PUBLISHING_STARTED = "Publishing has started: this page shows how far it has gone."


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


RULE_SAVED = "The rule is saved; run the matching again to apply it."
RULE_REMOVED = "The rule is removed."
QUOTA_SAVED = "The quota is saved; it applies to the next optimal run."
QUOTA_REMOVED = "The quota is removed."
UNKNOWN_ACTION = "Choose what to add: an attribute, a rule or a quota."


def _manage(request, programme, template: str, *, status: int = 200, **context):
    return render(
        request,
        template,
        {"programme": programme, "counts": selectors.programme_counts(programme), **context},
        status=status,
    )


@member_required
def programme_list(request):
    member = request.member
    return render(
        request,
        "programmes/list.html",
        {
            "programmes": selectors.programmes_visible_to(member),
            "applications": selectors.applications_by_member(member),
        },
    )


@member_required
def programme_create(request):
    if not request.member.is_coordinator:
        raise Http404(selectors.PROGRAMME_NOT_FOUND)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.member, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{programme.name} is created.")
            return redirect("programme_detail", programme_id=programme.pk)
    return render(request, "programmes/form.html", {"form": form, "title": "New programme"})


COORDINATOR_ADDED = "{name} now coordinates this programme too."
COORDINATOR_REMOVED = "{name} no longer coordinates this programme."


@member_required
def programme_coordinators(request, programme_id: int):
    """Who runs the programme; its coordinators add another coordinator or remove one."""
    programme = selectors.access_managed_programme(request.member, programme_id)
    form = CoordinatorForm(request.POST or None, programme=programme)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            member, action = form.cleaned_data["member"], form.cleaned_data["action"]
            service = (
                services.programme_coordinator_add
                if action == "add"
                else services.programme_coordinator_remove
            )
            try:
                service(programme=programme, actor=request.member, member=member)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                done = COORDINATOR_ADDED if action == "add" else COORDINATOR_REMOVED
                messages.success(request, done.format(name=member.name))
                return redirect("programme_coordinators", programme_id=programme.pk)
        status = 422
    return _manage(
        request,
        programme,
        "programmes/coordinators.html",
        status=status,
        form=form,
        coordinators=selectors.coordinators_of(programme),
    )


@member_required
def programme_edit(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            services.programme_update(programme=programme, actor=request.member, **fields)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "The programme is saved.")
            return redirect("programme_detail", programme_id=programme.pk)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": f"Edit {programme.name}", "programme": programme},
    )


@member_required
def programme_detail(request, programme_id: int):
    member = request.member
    programme = selectors.access_programme(member, programme_id)
    if selectors.coordinates(member, programme):
        return _manage(
            request,
            programme,
            "programmes/manage.html",
            runs=selectors.runs_of(programme)[:20],
            run_form=RunForm(programme=programme),
            imports=programme.imports.all()[:5],
            own=selectors.own_application(member, programme),
        )
    return render(
        request,
        "programmes/public.html",
        {
            "programme": programme,
            "application": selectors.own_application(member, programme),
            "may_apply": services.may_apply(programme, member),
        },
    )


@member_required
def programme_apply(request, programme_id: int):
    programme = selectors.access_programme(request.member, programme_id)
    application = selectors.own_application(request.member, programme)
    form = ApplicationForm(
        request.POST or None,
        programme=programme,
        mentors=selectors.mentors_to_rank(request.member, programme),
        mentees=selectors.mentees_to_rank(request.member, programme),
        initial=ApplicationForm.initial_from(application),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                programme=programme,
                member=request.member,
                actor=request.member,
                **form.service_fields(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                "Your application is in." if application is None else "Your application is saved.",
            )
            return redirect("programme_detail", programme_id=programme.pk)
    return render(
        request,
        "programmes/apply.html",
        {"programme": programme, "form": form, "application": application},
    )


@member_required
def mentee_ranking(request, programme_id: int):
    """A mentor ranks the mentees who applied, also after enrolment has closed."""
    programme = selectors.access_programme(request.member, programme_id)
    application = selectors.access_own_mentor_application(request.member, programme)
    form = MenteeRankingForm(
        request.POST or None,
        mentees=selectors.mentees_to_rank(request.member, programme),
        limit=services.MAX_MENTEE_PREFERENCES,
        initial=MenteeRankingForm.initial_from(application),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mentee_ranking_set(
                application=application, actor=request.member, mentee_ids=form.mentee_ids()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Your ranking of the mentees is saved.")
            return redirect("programme_detail", programme_id=programme.pk)
    return render(
        request,
        "programmes/ranking.html",
        {"programme": programme, "form": form, "application": application},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@member_required
def programme_withdraw(request, programme_id: int):
    programme = selectors.access_programme(request.member, programme_id)
    application = selectors.own_application(request.member, programme)
    if application is not None:
        services.application_withdraw(application=application, actor=request.member)
        messages.success(request, "Your application is withdrawn.")
    return redirect("programme_detail", programme_id=programme.pk)


@member_required
def applications(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    return _manage(
        request,
        programme,
        "programmes/applications.html",
        applications=selectors.applications_of(programme),
    )


@member_required
def application_edit(request, programme_id: int, application_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    application = selectors.access_application(request.member, programme, application_id)
    by_role = selectors.applicants_by_role(programme)
    mentors = [m for m in by_role[Application.Role.MENTOR] if m.pk != application.member_id]
    mentees = [m for m in by_role[Application.Role.MENTEE] if m.pk != application.member_id]
    form = ApplicationForm(
        request.POST or None,
        programme=programme,
        mentors=mentors,
        mentees=mentees,
        initial=ApplicationForm.initial_from(application),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                programme=programme,
                member=application.member,
                actor=request.member,
                **form.service_fields(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"The application of {application.member.name} is saved.")
            return redirect("programme_applications", programme_id=programme.pk)
    return _manage(
        request, programme, "programmes/application_edit.html", form=form, application=application
    )


@require_POST
@member_required
def application_withdraw(request, programme_id: int, application_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    application = selectors.access_application(request.member, programme, application_id)
    services.application_withdraw(application=application, actor=request.member)
    messages.success(request, f"The application of {application.member.name} is withdrawn.")
    return redirect("programme_applications", programme_id=programme.pk)


@member_required
@limited("invitations")
def invite(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    form = InviteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        emails = services.split_emails(form.cleaned_data["emails"])
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                emails += applications_file.parse_invitees(
                    upload_read_bounded(upload), filename=upload.name, max_bytes=10 * 1024 * 1024
                )
            count = services.invitations_send(
                programme=programme, actor=request.member, emails=emails
            )
        except ImportFileError as error:
            form.add_error("file", [str(item) for item in error.errors])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{count} invitation{'' if count == 1 else 's'} sent.")
            return redirect("programme_invite", programme_id=programme.pk)
    return _manage(
        request,
        programme,
        "programmes/invite.html",
        form=form,
        invitations=selectors.invitations_of(programme),
    )


@require_POST
@member_required
@limited("invitations")
def invitation_resend(request, programme_id: int, invitation_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    invitation = selectors.access_invitation(request.member, programme, invitation_id)
    try:
        services.invitation_resend(invitation=invitation, actor=request.member)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"The invitation to {invitation.email} is sent again.")
    return redirect("programme_invite", programme_id=programme.pk)


def invitation_open(request, token: str):
    """The tracked link of an invitation: following it marks it opened; it offers apply or decline.

    No sign-in is needed (most invitees have no account yet); the signed token is the key.
    """
    invitation = selectors.invitation_by_token(services.invitation_from_token(token))
    if request.method == "POST":
        if request.POST.get("answer") != "decline":
            return render(
                request,
                "programmes/invitation.html",
                {"invitation": invitation, "error": INVITATION_ANSWER},
                status=422,
            )
        invitation = services.invitation_decline(invitation=invitation)
    else:
        invitation = services.invitation_open(invitation=invitation)
    programme = invitation.programme
    next_url = reverse("programme_detail", args=[programme.pk])
    return render(
        request,
        "programmes/invitation.html",
        {
            "invitation": invitation,
            "programme": programme,
            "has_account": selectors.invitee_has_account(invitation),
            "join": people_services.join_link(email=invitation.email, next_url=next_url),
            "apply": next_url,
        },
    )


@member_required
@limited("imports")
def import_upload(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            found = services.application_import_create(
                programme=programme,
                actor=request.member,
                file_name=upload.name,
                payload=upload_read_bounded(upload),
            )
        except ImportFileError as error:
            form.add_error("file", [str(item) for item in error.errors])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect(
                "programme_import_mapping", programme_id=programme.pk, import_id=found.pk
            )
    return _manage(
        request,
        programme,
        "programmes/import_upload.html",
        form=form,
        imports=programme.imports.all()[:10],
    )


@member_required
def import_mapping(request, programme_id: int, import_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    upload = selectors.access_import(request.member, programme, import_id)
    finished = upload.status in (ApplicationImport.Status.DONE, ApplicationImport.Status.QUEUED)
    if finished or upload.payload is None:
        return redirect("programme_import_result", programme_id=programme.pk, import_id=upload.pk)
    form = MappingForm(
        request.POST or None,
        columns=upload.columns,
        initial_mapping=upload.mapping,
        names=upload.column_names,
        samples=upload.samples,
        file_role=upload.file_role,
        peer=programme.is_peer,
    )
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.application_import_apply(
                upload=upload,
                actor=request.member,
                mapping=form.mapping(),
                file_role=form.file_role_choice(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect(
                "programme_import_result", programme_id=programme.pk, import_id=upload.pk
            )
    return _manage(
        request,
        programme,
        "programmes/import_mapping.html",
        status=422 if request.method == "POST" else 200,
        form=form,
        upload=upload,
    )


@member_required
def import_result(request, programme_id: int, import_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    upload = selectors.access_import(request.member, programme, import_id)
    template = page_or_part(
        request, "programmes/import_result.html", "programmes/_import_result_live.html"
    )
    return _manage(request, programme, template, upload=upload)


def _pending_action(request, programme) -> None:
    """One change on the pending applicants page: an address typed, a file of them, or leaving out."""
    action = request.POST.get("action", "")
    if action == "file":
        file_form = PendingFileForm(request.POST, request.FILES)
        if not file_form.is_valid():
            _refused(request, ValidationError(list(file_form.errors.get("file", []))))
            return
        upload = file_form.cleaned_data["file"]
        count = services.pending_emails_from_file(
            programme=programme,
            actor=request.member,
            file_name=upload.name,
            payload=upload_read_bounded(upload),
        )
        messages.success(request, f"{count} address{'' if count == 1 else 'es'} added.")
        return
    member = selectors.access_applicant(request.member, programme, request.POST.get("member"))
    if action == "leave_out":
        services.pending_applicant_leave_out(
            programme=programme, member=member, actor=request.member
        )
        messages.success(request, f"{member.name} is left out.")
        return
    email_form = PendingEmailForm(request.POST)
    if not email_form.is_valid():
        _refused(request, ValidationError(list(email_form.errors.get("email", []))))
        return
    services.pending_applicant_add_email(
        programme=programme,
        member=member,
        email=email_form.cleaned_data["email"],
        actor=request.member,
    )
    messages.success(request, f"{member.name} now has an address.")


@member_required
def pending(request, programme_id: int):
    """Pending applicants (named by a file without an address): add their address or leave them out."""
    programme = selectors.access_managed_programme(request.member, programme_id)
    if request.method == "POST":
        try:
            _pending_action(request, programme)
        except ImportFileError as error:
            for item in error.errors:
                messages.error(request, str(item))
        except ValidationError as error:
            _refused(request, error)
        return redirect("programme_pending", programme_id=programme.pk)
    return _manage(
        request,
        programme,
        "programmes/pending.html",
        pending=selectors.pending_applicants(programme),
        in_pairs=selectors.pending_in_latest_run(programme),
        file_form=PendingFileForm(),
    )


@member_required
def pair_rules(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    form = PairRuleForm(
        request.POST or None,
        programme=programme,
        applicants=selectors.applicants_by_role(programme),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mentee = selectors.access_applicant(request.member, programme, data["mentee"])
        mentor = selectors.access_applicant(request.member, programme, data["mentor"])
        try:
            services.pair_rule_set(
                programme=programme,
                actor=request.member,
                mentee=mentee,
                mentor=mentor,
                kind=data["kind"],
                reason=data.get("reason", ""),
                confirmed=data.get("confirm", False),
            )
        except services.PinOverForbid as question:
            return _pin_question(
                request, programme, question, action=reverse("programme_rules", args=[programme.pk])
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, RULE_SAVED)
            return redirect("programme_rules", programme_id=programme.pk)
    return _manage(
        request,
        programme,
        "programmes/rules.html",
        form=form,
        rules=selectors.pair_rules_of(programme),
        status=422 if request.method == "POST" else 200,
    )


def _pin_question(request, programme, question, *, action: str, back: str = ""):
    """A pin over a forbid asks first: the forbid's reason, then pin anyway or keep it."""
    return _manage(
        request,
        programme,
        "programmes/pin_question.html",
        question=question.messages[0],
        forbid=question.rule,
        action=action,
        back=back or reverse("programme_rules", args=[programme.pk]),
        status=409,
    )


@require_POST
@member_required
def pair_rule_quick(request, programme_id: int, run_id: int):
    """Pin or forbid a proposed pair from the review page, then come back to it."""
    programme = selectors.access_managed_programme(request.member, programme_id)
    run = selectors.access_run(request.member, programme, run_id)
    kind = request.POST.get("kind")
    if kind not in PairRule.Kind.values:
        messages.error(request, "Choose to pin or to forbid.")
        return redirect("programme_run", programme_id=programme.pk, run_id=run.pk)
    mentee = selectors.access_applicant(request.member, programme, request.POST.get("mentee"))
    mentor = selectors.access_applicant(request.member, programme, request.POST.get("mentor"))
    try:
        services.pair_rule_set(
            programme=programme,
            actor=request.member,
            mentee=mentee,
            mentor=mentor,
            kind=kind,
            confirmed=request.POST.get("confirm") == "yes",
        )
    except services.PinOverForbid as question:
        here = reverse("programme_run", args=[programme.pk, run.pk])
        return _pin_question(
            request,
            programme,
            question,
            action=reverse("programme_run_rule", args=[programme.pk, run.pk]),
            back=here,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        done = "pinned" if kind == PairRule.Kind.PIN else "forbidden"
        messages.success(
            request, f"{mentee.name} and {mentor.name}: {done}. Run the matching again to apply it."
        )
    return redirect("programme_run", programme_id=programme.pk, run_id=run.pk)


@require_POST
@member_required
def pair_rule_remove(request, programme_id: int, rule_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    rule = selectors.access_pair_rule(request.member, programme, rule_id)
    services.pair_rule_remove(rule=rule, actor=request.member)
    messages.success(request, RULE_REMOVED)
    return redirect("programme_rules", programme_id=programme.pk)


#: The attributes page's three forms: what each is, the service it calls, what it says when done.
AttributePageForm = AttributeForm | AttributeRuleForm | QuotaForm
ATTRIBUTE_ACTIONS: dict[str, tuple[type[AttributePageForm], Callable[..., object], str]] = {
    "attribute": (AttributeForm, services.attribute_declare, "The attribute is declared."),
    "rule": (AttributeRuleForm, services.attribute_rule_add, RULE_SAVED),
    "quota": (QuotaForm, services.quota_add, QUOTA_SAVED),
}


@member_required
def programme_attributes(request, programme_id: int):
    """Attributes, attribute rules and preferences, and quotas: one page, one form each."""
    programme = selectors.access_managed_programme(request.member, programme_id)
    action = request.POST.get("action") if request.method == "POST" else None
    forms: dict[str, AttributePageForm] = {
        name: form_class(request.POST if name == action else None, programme=programme, prefix=name)
        for name, (form_class, _, _) in ATTRIBUTE_ACTIONS.items()
    }
    if action is not None and action not in forms:
        messages.error(request, UNKNOWN_ACTION)
    elif action is not None and forms[action].is_valid():
        _, service, done = ATTRIBUTE_ACTIONS[action]
        try:
            service(programme=programme, actor=request.member, **forms[action].service_fields())
        except ValidationError as error:
            form_errors_from(forms[action], error)
        else:
            messages.success(request, done)
            return redirect("programme_attributes", programme_id=programme.pk)
    return _manage(
        request,
        programme,
        "programmes/attributes.html",
        forms=forms,
        declared=list(attributes.declared(programme).values()),
        sources=attributes.SOURCES,
        rules=[
            (rule, attributes.rule_title(rule)) for rule in selectors.attribute_rules_of(programme)
        ],
        quotas=[(quota, attributes.quota_words(quota)) for quota in selectors.quotas_of(programme)],
        status=422 if action is not None else 200,
    )


@require_POST
@member_required
def attribute_rule_remove(request, programme_id: int, rule_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    rule = selectors.access_attribute_rule(request.member, programme, rule_id)
    services.attribute_rule_remove(rule=rule, actor=request.member)
    messages.success(request, RULE_REMOVED)
    return redirect("programme_attributes", programme_id=programme.pk)


@require_POST
@member_required
def quota_remove(request, programme_id: int, quota_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    quota = selectors.access_quota(request.member, programme, quota_id)
    services.quota_remove(quota=quota, actor=request.member)
    messages.success(request, QUOTA_REMOVED)
    return redirect("programme_attributes", programme_id=programme.pk)


@require_POST
@member_required
def run_start(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    form = RunForm(request.POST, programme=programme)
    if not form.is_valid():
        messages.error(request, "Choose a matching method.")
        return redirect("programme_detail", programme_id=programme.pk)
    try:
        run = services.match_run_start(
            programme=programme,
            actor=request.member,
            method=form.cleaned_data.get("method", MatchRun.Method.PEER),
            proposing=form.cleaned_data.get("proposing") or None,
            new_round=form.cleaned_data.get("new_round", False),
        )
    except ValidationError as error:
        _refused(request, error)
        return redirect("programme_detail", programme_id=programme.pk)
    return redirect("programme_run", programme_id=programme.pk, run_id=run.pk)


@member_required
def run_detail(request, programme_id: int, run_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    run = selectors.access_run(request.member, programme, run_id)
    pairs = list(selectors.pairs_of(run))
    unmatched = selectors.members_by_ids(run.metrics.get("unmatched", []))
    return _manage(
        request,
        programme,
        page_or_part(request, "programmes/run.html", "programmes/_run_live.html"),
        run=run,
        pairs=pairs,
        unmatched=unmatched,
        run_form=RunForm(
            programme=programme,
            initial={
                "method": run.method,
                "proposing": run.parameters.get("proposing", programme.proposing),
            },
        ),
        rules=selectors.pair_rules_of(programme),
        stability=matching.stability_words(run.metrics),
        new_pairs=sum(1 for pair in pairs if not pair.carried),
        publication=selectors.publication_of(run),
        pending_in_pairs=len(
            {
                member.pk
                for pair in pairs
                if not pair.carried
                for member in (pair.mentee, pair.mentor)
                if member.is_pending
            }
        ),
    )


@member_required
def run_publish(request, programme_id: int, run_id: int):
    """The confirmation (counts and sample e-mails), then the publication's progress and result."""
    programme = selectors.access_managed_programme(request.member, programme_id)
    run = selectors.access_run(request.member, programme, run_id)
    form = PublishForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                services.match_run_publish_queue(run=run, actor=request.member)
            except services.PublishRefused as error:
                form.add_error(None, error.messages)
                status = 409
            except ValidationError as error:
                form.add_error(None, error.messages)
                status = 422
            else:
                messages.success(request, PUBLISHING_STARTED)
                return redirect("programme_run_publish", programme_id=programme.pk, run_id=run.pk)
    publication = selectors.publication_of(run)
    run.refresh_from_db()
    context = {"run": run, "form": form, "publication": publication}
    if publication is not None and publication.status != "failed":
        context["deliveries"] = publishing.delivery_progress(run)
    elif run.status == MatchRun.Status.DONE:
        context["preview"] = publishing.publication_preview(run)
    template = page_or_part(request, "programmes/publish.html", "programmes/_publish_live.html")
    return _manage(request, programme, template, status=status, **context)


@member_required
def health(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    return _manage(
        request,
        programme,
        "programmes/health.html",
        health=reports.programme_health(programme),
        at_risk=reports.pairs_at_risk(programme),
        groups=mentoring_selectors.group_health(programme.pk)
        if programme.kind == Programme.Kind.GROUP
        else None,
    )


@require_POST
@member_required
@limited("nudges")
def pair_nudge(request, programme_id: int, mentorship_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    mentorship = selectors.access_programme_mentorship(request.member, programme, mentorship_id)
    try:
        services.pair_nudge(programme=programme, mentorship=mentorship, actor=request.member)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"{mentorship.requester.name} and {mentorship.recipient.name} are nudged.",
        )
    return redirect("programme_health", programme_id=programme.pk)


@member_required
def report_csv(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    response = HttpResponse(
        reports.report_csv(programme, request.member), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-report.csv"'
    return response
