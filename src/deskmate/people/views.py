from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from deskmate.core.forms import form_errors_from
from deskmate.limits.guards import limited
from deskmate.people import data_rights, selectors, services
from deskmate.people import home as home_panels
from deskmate.people.acquaintance import how_viewer_knows
from deskmate.people.decorators import member_required
from deskmate.people.forms import (
    AccountDeleteForm,
    DirectoryForm,
    EducationForm,
    GoalForm,
    JoinForm,
    OfferForm,
    PositionForm,
    ProfileForm,
    SkillForm,
    TokenForm,
)
from deskmate.people.models import User

ACCOUNT_DELETED = (
    "Your account is deleted. What you shared with others now shows as from a former member."
)


@member_required
def home(request):
    """One page for every role: each app adds the panels of work it holds for the viewer."""
    return render(
        request,
        "people/home.html",
        {"member": request.member, "panels": home_panels.panels_for(request.member)},
    )


def _profile_context(viewer, member) -> dict:
    return {
        "member": member,
        "how_known": how_viewer_knows(viewer, member),
        "is_own": viewer.pk == member.pk,
        "positions": selectors.positions_of(member),
        "education": selectors.education_of(member),
        "skills": selectors.skills_of(member),
        "goals": selectors.goals_of(member),
        "offers": selectors.offers_of(member),
    }


@member_required
def my_profile(request):
    return render(request, "people/profile.html", _profile_context(request.member, request.member))


@member_required
def member_profile(request, member_id: int):
    member = selectors.access_member(request.member, member_id)
    return render(request, "people/profile.html", _profile_context(request.member, member))


@member_required
def member_list(request):
    """The People directory: search and filters over the members the viewer may open, 25 a page."""
    form = DirectoryForm(request.GET)
    if not form.is_valid():
        return render(request, "people/member_list.html", {"form": form, "page": None}, status=422)
    members = selectors.member_directory(request.member, form.cleaned_data)
    # A page number past the end shows the last page; one that is not a number, the first.
    page = Paginator(members, selectors.DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "people/member_list.html",
        {"form": form, "page": page, "query": urlencode(kept)},
    )


@member_required
def profile_edit(request):
    member = request.member
    form = ProfileForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(member=member, actor=member, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("my_profile")
    return render(request, "people/form.html", {"form": form, "title": "Edit your profile"})


def _form_view(request, *, form_class, title, save, initial=None):
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("my_profile")
    return render(request, "people/form.html", {"form": form, "title": title})


@member_required
def position_add(request):
    return _form_view(
        request,
        form_class=PositionForm,
        title="Add a position",
        save=lambda data: services.position_create(
            member=request.member, actor=request.member, **data
        ),
    )


@member_required
def position_edit(request, position_id: int):
    position = selectors.access_position(request.member, position_id)
    initial = {
        "organisation": position.organisation.name,
        "unit": position.unit.name if position.unit else "",
        "title": position.title,
        "start": position.start,
        "end": position.end,
        "location": position.location,
        "description": position.description,
    }
    return _form_view(
        request,
        form_class=PositionForm,
        title="Edit position",
        initial=initial,
        save=lambda data: services.position_update(position=position, actor=request.member, **data),
    )


@require_POST
@member_required
def position_delete(request, position_id: int):
    position = selectors.access_position(request.member, position_id)
    services.position_delete(position=position, actor=request.member)
    messages.success(request, "Position removed.")
    return redirect("my_profile")


@member_required
def education_add(request):
    return _form_view(
        request,
        form_class=EducationForm,
        title="Add education",
        save=lambda data: services.education_create(
            member=request.member, actor=request.member, **data
        ),
    )


@member_required
def education_edit(request, education_id: int):
    education = selectors.access_education(request.member, education_id)
    initial = {
        "school": education.school.name,
        "degree": education.degree,
        "field": education.field,
        "start": education.start,
        "end": education.end,
    }
    return _form_view(
        request,
        form_class=EducationForm,
        title="Edit education",
        initial=initial,
        save=lambda data: services.education_update(
            education=education, actor=request.member, **data
        ),
    )


@require_POST
@member_required
def education_delete(request, education_id: int):
    education = selectors.access_education(request.member, education_id)
    services.education_delete(education=education, actor=request.member)
    messages.success(request, "Education removed.")
    return redirect("my_profile")


@member_required
def skill_add(request):
    return _form_view(
        request,
        form_class=SkillForm,
        title="Add a skill",
        save=lambda data: services.skill_add(member=request.member, actor=request.member, **data),
    )


@require_POST
@member_required
def skill_remove(request, member_skill_id: int):
    held = selectors.access_member_skill(request.member, member_skill_id)
    services.skill_remove(member_skill=held, actor=request.member)
    messages.success(request, "Skill removed.")
    return redirect("my_profile")


@member_required
def goal_add(request):
    return _form_view(
        request,
        form_class=GoalForm,
        title="Add a goal",
        save=lambda data: services.goal_create(member=request.member, actor=request.member, **data),
    )


@member_required
def goal_edit(request, goal_id: int):
    goal = selectors.access_goal(request.member, goal_id)
    initial = {
        "text": goal.text,
        "target_role": goal.target_role,
        "target_skill": goal.target_skill.name if goal.target_skill else "",
    }
    return _form_view(
        request,
        form_class=GoalForm,
        title="Edit goal",
        initial=initial,
        save=lambda data: services.goal_update(goal=goal, actor=request.member, **data),
    )


@require_POST
@member_required
def goal_delete(request, goal_id: int):
    goal = selectors.access_goal(request.member, goal_id)
    services.goal_delete(goal=goal, actor=request.member)
    messages.success(request, "Goal removed.")
    return redirect("my_profile")


@member_required
def offer_add(request):
    return _form_view(
        request,
        form_class=OfferForm,
        title="Offer help",
        save=lambda data: services.offer_create(
            member=request.member, actor=request.member, **data
        ),
    )


@require_POST
@member_required
def offer_delete(request, offer_id: int):
    offer = selectors.access_offer(request.member, offer_id)
    services.offer_delete(offer=offer, actor=request.member)
    messages.success(request, "Offer removed.")
    return redirect("my_profile")


@member_required
@limited("api_token")
def api_tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = services.api_token_create(
            member=request.member,
            name=form.cleaned_data["name"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
        form = TokenForm()
    return render(
        request,
        "people/api_tokens.html",
        {"form": form, "tokens": request.member.api_tokens.all(), "new_key": new_key},
    )


@require_POST
@member_required
def api_token_revoke(request, token_id: int):
    token = selectors.access_api_token(request.member, token_id)
    services.api_token_revoke(token=token, actor=request.member)
    messages.success(request, "Token revoked.")
    return redirect("api_tokens")


def join(request, token: str):
    """Create an account from a join link sent with an invitation, sign in, and go where the link says."""
    try:
        invitation = services.join_invitation(token)
    except ValidationError as error:
        return render(
            request, "people/join_refused.html", {"message": error.messages[0]}, status=400
        )
    next_url = invitation.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if User.objects.filter(email__iexact=invitation["email"]).exists():
        messages.info(
            request,
            "That address already has an account: sign in, or set a password if you never did.",
        )
        return redirect(
            f"{reverse('login')}?{urlencode({'next': next_url})}" if next_url else "login"
        )
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_join(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to deskmate.")
            return redirect(next_url or "profile_edit")
    return render(request, "people/join.html", {"form": form, "email": invitation["email"]})


@member_required
def my_data(request):
    """Download everything deskmate holds about me, or delete my account."""
    return render(request, "people/my_data.html", {"form": AccountDeleteForm(user=request.user)})


@require_POST
@member_required
@limited("data_export")
def my_data_download(request):
    archive = data_rights.member_export(member=request.member, actor=request.member)
    response = HttpResponse(archive, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="deskmate-my-data-{stamp}.zip"'
    return response


@require_POST
@member_required
@limited("account_delete")
def my_account_delete(request):
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "people/my_data.html", {"form": form}, status=422)
    data_rights.member_erase(member=request.member, actor=request.member)
    logout(request)
    messages.success(request, ACCOUNT_DELETED)
    return redirect("login")
