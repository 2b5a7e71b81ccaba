from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from intranet.pagination import paginate
from projects.department_selectors import department_story

from .forms import DirectoryFilterForm
from .models import Department, Person

PEOPLE_PER_PAGE = 24


@require_safe
def people_directory(request):
    form = DirectoryFilterForm(request.GET or None)
    people = Person.objects.active().for_listing().alphabetical()
    if form.is_bound:
        people = form.filter(people)
    page, querystring = paginate(request, people, PEOPLE_PER_PAGE)
    template = "organisation/includes/people_results.html" if request.htmx else None
    return TemplateResponse(
        request,
        template or "organisation/people_directory.html",
        {"form": form, "page": page, "querystring": querystring},
    )


@require_safe
def person_detail(request, username):
    person = get_object_or_404(
        Person.objects.active().select_related("user", "department", "photo"),
        user__username=username,
    )
    colleagues = (
        Person.objects.active()
        .for_listing()
        .filter(department=person.department_id)
        .exclude(pk=person.pk)
        .alphabetical()[:6]
    )
    return TemplateResponse(
        request,
        "organisation/person.html",
        {
            "person": person,
            "topics": person.ask_me_about.all(),
            "colleagues": colleagues,
        },
    )


@require_safe
def department_list(request):
    departments = Department.objects.with_people_count().select_related("parent")
    return TemplateResponse(
        request, "organisation/department_list.html", {"departments": departments}
    )


@require_safe
def department_detail(request, slug):
    department = get_object_or_404(Department.objects.select_related("parent"), slug=slug)
    people = Person.objects.active().for_listing().filter(department=department).alphabetical()
    page, querystring = paginate(request, people, PEOPLE_PER_PAGE)
    return TemplateResponse(
        request,
        "organisation/department.html",
        {
            "department": department,
            "sub_departments": department.children.with_people_count(),
            "page": page,
            "querystring": querystring,
            "story": department_story(department, request.user),
        },
    )
