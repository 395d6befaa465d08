from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from deskmate.core.forms import form_errors_from
from deskmate.importing.errors import ImportFileError
from deskmate.limits.guards import limited
from deskmate.network.services import upload_read_bounded
from deskmate.people.decorators import member_required
from deskmate.programmes import (
    applications_file,
    attributes,
    matching,
    reports,
    selectors,
    services,
)
from deskmate.programmes.forms import (
    ApplicationForm,
    AttributeForm,
    AttributeRuleForm,
    ImportUploadForm,
    InviteForm,
    MappingForm,
    MenteeRankingForm,
    PairRuleForm,
    ProgrammeForm,
    QuotaForm,
    RunForm,
)
from deskmate.programmes.models import Application, ApplicationImport, MatchRun, PairRule


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
    if member.is_coordinator:
        programme = selectors.access_managed_programme(member, programme_id)
        return _manage(
            request,
            programme,
            "programmes/manage.html",
            runs=selectors.runs_of(programme)[:20],
            run_form=RunForm(programme=programme),
            imports=programme.imports.all()[:5],
            own=selectors.own_application(member, programme),
        )
    programme = selectors.access_programme(member, programme_id)
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
        invitations=programme.invitations.all()[:200],
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
    if upload.status != ApplicationImport.Status.UPLOADED:
        return redirect("programme_import_result", programme_id=programme.pk, import_id=upload.pk)
    form = MappingForm(request.POST or None, columns=upload.columns, initial_mapping=upload.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.application_import_apply(
                upload=upload, actor=request.member, mapping=form.mapping()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect(
                "programme_import_result", programme_id=programme.pk, import_id=upload.pk
            )
    return _manage(request, programme, "programmes/import_mapping.html", form=form, upload=upload)


@member_required
def import_result(request, programme_id: int, import_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    upload = selectors.access_import(request.member, programme, import_id)
    return _manage(request, programme, "programmes/import_result.html", upload=upload)


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
        try:
            services.pair_rule_set(
                programme=programme,
                actor=request.member,
                mentee=selectors.access_applicant(request.member, programme, data["mentee"]),
                mentor=selectors.access_applicant(request.member, programme, data["mentor"]),
                kind=data["kind"],
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
            programme=programme, actor=request.member, mentee=mentee, mentor=mentor, kind=kind
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
        "programmes/run.html",
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
    )


@require_POST
@member_required
def run_publish(request, programme_id: int, run_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    run = selectors.access_run(request.member, programme, run_id)
    try:
        run = services.match_run_publish(run=run, actor=request.member)
    except ValidationError as error:
        _refused(request, error)
    else:
        created = run.pairs.filter(carried=False).count()
        messages.success(
            request,
            f"Published: {created} new match{'' if created == 1 else 'es'}; everyone has been told.",
        )
    return redirect("programme_run", programme_id=programme.pk, run_id=run.pk)


@member_required
def health(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    return _manage(
        request, programme, "programmes/health.html", health=reports.programme_health(programme)
    )


@member_required
def report_csv(request, programme_id: int):
    programme = selectors.access_managed_programme(request.member, programme_id)
    response = HttpResponse(
        reports.report_csv(programme, request.member), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-report.csv"'
    return response
