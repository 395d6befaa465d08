from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from deskmate.network import selectors, services
from deskmate.network.models import ImportJob
from deskmate.people.decorators import form_errors_from, member_required
from deskmate.people.forms import LinkedInUploadForm, PeopleUploadForm, VCardUploadForm

FORMS = {
    ImportJob.Kind.LINKEDIN: (LinkedInUploadForm, "archive"),
    ImportJob.Kind.VCARD: (VCardUploadForm, "vcard"),
    ImportJob.Kind.PEOPLE: (PeopleUploadForm, "people"),
}
ADMINS_ONLY = "Only admins may import an organisation's people."


@member_required
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
                    owner=request.member, kind=kind, file_name=upload.name, payload=services.upload_read_bounded(upload)
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                return redirect("import_detail", job_id=job.pk)
    return render(
        request,
        "network/imports.html",
        {"forms": forms, "jobs": selectors.import_jobs_of(request.member)[:20]},
    )


@member_required
def import_detail(request, job_id: int):
    job = selectors.access_import_job(request.member, job_id)
    return render(request, "network/import_detail.html", {"job": job})


@member_required
def contacts(request):
    page = Paginator(selectors.contacts_of(request.member), 100).get_page(request.GET.get("page"))
    return render(request, "network/contacts.html", {"page": page})
