from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from deskmate.core.forms import form_errors_from
from deskmate.core.live import page_or_part
from deskmate.engine.ranking import SuggestionFilter
from deskmate.limits.guards import limited
from deskmate.network import confirmations, identities, selectors, services
from deskmate.network.acquaintance import introducers_ranked
from deskmate.network.forms import (
    InteractionForm,
    IntroductionAnswerForm,
    IntroductionForm,
    PeopleMappingForm,
    SuggestionFilterForm,
)
from deskmate.network.models import ImportJob
from deskmate.network.network_map import network_map_for
from deskmate.network.suggestions import suggestion_lists
from deskmate.people.decorators import member_required
from deskmate.people.forms import LinkedInUploadForm, PeopleUploadForm, VCardUploadForm
from deskmate.people.selectors import access_member, members_visible_to

FORMS = {
    ImportJob.Kind.LINKEDIN: (LinkedInUploadForm, "archive"),
    ImportJob.Kind.VCARD: (VCardUploadForm, "vcard"),
    ImportJob.Kind.PEOPLE: (PeopleUploadForm, "people"),
}
ADMINS_ONLY = services.ADMINS_ONLY
CONFIRMED = "Your answers were saved."


@member_required
@limited("imports")
def imports(request):
    kind = request.POST.get("kind", "")
    forms = {key: form_class(prefix=key) for key, (form_class, _) in FORMS.items()}
    if request.method == "POST" and kind in FORMS:
        if kind == ImportJob.Kind.PEOPLE and not request.member.is_admin:
            raise PermissionDenied(ADMINS_ONLY)
        form_class, field = FORMS[kind]
        form = forms[kind] = form_class(request.POST, request.FILES, prefix=kind)
        if form.is_valid():
            upload = form.cleaned_data[field]
            try:
                job = services.import_job_create(
                    owner=request.member,
                    kind=kind,
                    file_name=upload.name,
                    payload=services.upload_read_bounded(upload),
                    use_vouches=bool(form.cleaned_data.get("use_vouches")),
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                if job.status == ImportJob.Status.MAPPING:
                    return redirect("import_mapping", job_id=job.pk)
                return redirect("import_detail", job_id=job.pk)
    return render(
        request,
        "network/imports.html",
        {"forms": forms, "jobs": selectors.import_jobs_of(request.member)[:20]},
    )


@member_required
def import_detail(request, job_id: int):
    job = selectors.access_import_job(request.member, job_id)
    return _import_detail_page(request, job)


def _import_detail_page(request, job: ImportJob, *, errors=(), match_errors=(), status: int = 200):
    matches = identities.waiting_matches(job)
    return render(
        request,
        page_or_part(request, "network/import_detail.html", "network/_import_live.html"),
        {
            "job": job,
            "waiting": confirmations.waiting_items(job),
            "decisions": confirmations.DECISIONS,
            "confirm_errors": list(errors),
            "matches": [(number, item) for number, item in matches if not item["decision"]],
            "answered_matches": [item for _, item in matches if item["decision"]],
            "match_answers": identities.ANSWERS,
            "match_errors": list(match_errors),
        },
        status=status,
    )


def _errors_by_number(error: ValidationError, label: str) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{label} {key}: {message}"
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


@member_required
@require_POST
def import_confirm(request, job_id: int):
    """The member's answers to the entries an import left waiting for their confirmation."""
    job = selectors.access_import_job(request.member, job_id)
    decisions = {
        key.removeprefix("decision-"): value
        for key, value in request.POST.items()
        if key.startswith("decision-") and value
    }
    try:
        job = confirmations.import_confirm(job=job, actor=request.member, decisions=decisions)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            errors = [
                f"Entry {key}: {message}"
                for key, messages in error.message_dict.items()
                for message in messages
            ]
        else:
            errors = list(error.messages)
        return _import_detail_page(request, job, errors=errors, status=422)
    messages.success(request, CONFIRMED)
    return redirect("import_detail", job_id=job.pk)


@member_required
@require_POST
def import_matches(request, job_id: int):
    """The importer's answers to an import's possible matches: all of them, at once."""
    job = selectors.access_import_job(request.member, job_id)
    answers = {
        key.removeprefix("match-"): value
        for key, value in request.POST.items()
        if key.startswith("match-") and value
    }
    try:
        job = identities.import_matches_answer(job=job, actor=request.member, answers=answers)
    except ValidationError as error:
        errors = _errors_by_number(error, "Possible match")
        return _import_detail_page(request, job, match_errors=errors, status=422)
    messages.success(request, CONFIRMED)
    return redirect("import_detail", job_id=job.pk)


@member_required
def import_mapping(request, job_id: int):
    """Confirm or correct the guessed field of each column of a people file, then import it."""
    job = selectors.access_people_import_job(request.member, job_id)
    if job.status != ImportJob.Status.MAPPING and not job.can_remap:
        return redirect("import_detail", job_id=job.pk)
    preview = job.preview
    # A refused file comes back with the mapping it was refused with, to be corrected.
    earlier = job.mapping or {}
    form = PeopleMappingForm(
        request.POST or None,
        columns=preview["labels"],
        samples=preview["samples"],
        initial_mapping=earlier.get("columns") or preview["guess"],
        initial={
            "date_order": earlier.get("date_order", preview.get("date_order", "")),
            "organisation": earlier.get("organisation", ""),
            "school": earlier.get("school", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.people_import_map(
                job=job,
                actor=request.member,
                mapping=form.mapping(),
                save_as=form.cleaned_data["save_as"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("import_detail", job_id=job.pk)
    return render(request, "network/import_mapping.html", {"job": job, "form": form})


@member_required
def people_mappings(request):
    if not request.member.is_admin:
        raise PermissionDenied(ADMINS_ONLY)
    return render(
        request,
        "network/people_mappings.html",
        {"mappings": selectors.people_mappings_for(request.member)},
    )


@member_required
def people_mapping_edit(request, mapping_id: int):
    saved = selectors.access_people_mapping(request.member, mapping_id)
    form = PeopleMappingForm(
        request.POST or None,
        columns=saved.columns,
        initial_mapping=saved.fields,
        name_field="name",
        initial={
            "name": saved.name,
            "organisation": saved.organisation,
            "school": saved.school,
            "date_order": saved.date_order,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.people_mapping_update(
                saved=saved,
                actor=request.member,
                name=form.cleaned_data["name"],
                mapping=form.mapping(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Saved the mapping “{form.cleaned_data['name']}”.")
            return redirect("people_mappings")
    return render(request, "network/people_mapping_edit.html", {"saved": saved, "form": form})


@require_POST
@member_required
def people_mapping_delete(request, mapping_id: int):
    saved = selectors.access_people_mapping(request.member, mapping_id)
    services.people_mapping_delete(saved=saved, actor=request.member)
    messages.success(request, f"Deleted the mapping “{saved.name}”.")
    return redirect("people_mappings")


@member_required
def contacts(request):
    page = Paginator(selectors.contacts_of(request.member), 100).get_page(request.GET.get("page"))
    page.object_list = selectors.contacts_shown_to(request.member, page.object_list)
    return render(request, "network/contacts.html", {"page": page})


def _filters(form) -> SuggestionFilter:
    if not form.is_valid():
        return SuggestionFilter()
    data = form.cleaned_data
    return SuggestionFilter(
        goal=data["goal"],
        current_colleagues=data["current_colleagues"],
        former_colleagues=data["former_colleagues"],
        alumni=data["alumni"],
        contacts=data["contacts"],
        open_now=data["open_now"],
    )


def _suggestions_page(request, *, copilots: bool):
    goals = list(request.member.goals.all())
    form = SuggestionFilterForm(request.GET or None, goals=goals)
    lists = suggestion_lists(request.member, copilots=copilots, filters=_filters(form))
    goal_text = {goal.pk: goal.text for goal in goals}
    rows = [
        (item, [goal_text[g] for g in item.goals if g in goal_text]) for item in lists.suggestions
    ]
    return render(
        request,
        "network/suggestions.html",
        {
            "form": form,
            "rows": rows,
            "open_without_history": lists.open_without_history,
            "copilots": copilots,
            "has_goals": bool(goals),
        },
    )


@member_required
def mentor_suggestions(request):
    return _suggestions_page(request, copilots=False)


@member_required
def copilot_suggestions(request):
    return _suggestions_page(request, copilots=True)


@member_required
def network_page(request):
    return render(request, "network/network.html", {"map_url": reverse("network_map_data")})


@member_required
def network_map_data(request):
    return JsonResponse(network_map_for(request.member))


@member_required
def interactions(request):
    return render(
        request,
        "network/interactions.html",
        {
            "interactions": selectors.interactions_logged_by(request.member)[:100],
            "vouches": selectors.vouches_for_author(request.member)[:100],
        },
    )


@member_required
def interaction_log(request, member_id: int):
    other = access_member(request.member, member_id)
    form = InteractionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.interaction_log(logged_by=request.member, other=other, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                f"Logged: {dict(form.fields['kind'].choices)[form.cleaned_data['kind']].lower()} with {other.first_name}.",
            )
            return redirect("member_profile", member_id=other.pk)
    return render(request, "network/interaction_form.html", {"form": form, "other": other})


@require_POST
@member_required
def interaction_delete(request, interaction_id: int):
    interaction = selectors.access_interaction(request.member, interaction_id)
    services.interaction_delete(interaction=interaction, actor=request.member)
    messages.success(request, "Interaction removed.")
    return redirect("interactions")


@member_required
def introductions(request):
    return render(
        request,
        "network/introductions.html",
        {"introductions": selectors.introductions_involving(request.member)},
    )


@member_required
def introduction_ask(request, member_id: int):
    target = access_member(request.member, member_id)
    mutual_ids = selectors.mutual_contact_ids(request.member, target)
    introducers = introducers_ranked(
        request.member, target, members_visible_to(request.member).filter(pk__in=mutual_ids)
    )
    form = IntroductionForm(request.POST or None, introducers=introducers)
    if request.method == "POST" and form.is_valid():
        introducer = access_member(request.member, form.cleaned_data["introducer"])
        try:
            services.introduction_request(
                requester=request.member,
                introducer=introducer,
                target=target,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, f"Asked {introducer.first_name} to introduce you to {target.first_name}."
            )
            return redirect("introductions")
    return render(
        request,
        "network/introduction_form.html",
        {"form": form, "target": target, "introducers": introducers},
        status=422 if form.errors else 200,
    )


@require_POST
@member_required
def introduction_answer(request, introduction_id: int):
    introduction = selectors.access_introduction(request.member, introduction_id)
    form = IntroductionAnswerForm(request.POST)
    agree = request.POST.get("answer") == "agree"
    try:
        services.introduction_answer(
            introduction=introduction,
            actor=request.member,
            agree=agree,
            note=form.cleaned_data.get("note", "") if form.is_valid() else "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you; your answer is recorded.")
    return redirect("introductions")


@require_POST
@member_required
def introduction_withdraw(request, introduction_id: int):
    introduction = selectors.access_introduction(request.member, introduction_id)
    try:
        services.introduction_withdraw(introduction=introduction, actor=request.member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("introductions")
