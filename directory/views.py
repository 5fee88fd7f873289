"""Pages of the map of services. Views parse, ask core.access, call services, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from core import access, documents
from core.access import require
from core.audit import history_for
from core.confirm import confirmation
from core.forms import add_service_errors
from core.pagecache import public_page
from core.replica import public_reads
from network.models import Country

from . import borders, exports, proposals, queries, services
from .access import APPROVE, PROPOSE, VERIFY, VIEW_CONFIDENTIAL
from .forms import DecisionForm, MapFilterForm, ServiceChange, decided_message
from .hsds import package
from .hsds.tables import collect
from .models import Contact, EditStatus, Service, ServiceEdit

PAGE_SIZE = 20


def _list_context(request, form):
    filters = form.filters()
    origin = form.origin()
    context = {"origin": origin}
    if origin is not None:
        lat, lon, label = origin
        found = queries.nearest(request.user, filters, lat, lon, limit=PAGE_SIZE)
        points = [point for point, _km in found]
        context.update(rows=[(p, km) for p, km in found], count=len(found), page=None)
    else:
        rows = queries.in_view(request.user, filters, form.viewport())
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        points = list(page.object_list)
        context.update(rows=[(p, None) for p in points], count=page.paginator.count, page=page)
    services_by_id = queries.services_for_points(points)
    context["rows"] = [(point, km, services_by_id[point.service_id]) for point, km in context["rows"]]
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return context


@public_page
@public_reads
def map_page(request):
    """The map, its filters and the list beside it (the list alone for htmx)."""
    form = MapFilterForm(request.GET or None)
    context = _list_context(request, form)
    if request.htmx:
        return render(request, "directory/map.html#results", context)
    context.update(
        form=form,
        view=queries.default_view(),
        tile_url=getattr(settings, "DIRECTORY_TILE_URL", ""),
        tile_attribution=getattr(settings, "DIRECTORY_TILE_ATTRIBUTION", ""),
        can_add=access.can_create(request.user, Service, country=access.ANY),
        review_countries=_review_countries(request.user),
        place_names=borders.place_names(translation.get_language() or settings.LANGUAGE_CODE),
    )
    return render(request, "directory/map.html", context)


def _review_countries(user):
    p = access.principal_for(user)
    if access.acts_for_whole_network(p):
        return list(Country.objects.members())
    return list(Country.objects.filter(pk__in=p.officer_countries))


# How long a proxy or CDN may keep the anonymous map's answers (a crisis spike, docs/deployment.md).
SHARED_MAP_SECONDS = 60


@public_page
@public_reads
def map_data(request):
    """JSON for the map: clusters and points in a viewport, filtered.

    An anonymous request that names its language (`lang`) and asks for a viewport snapped to the
    map's tiles (as the map page sends it) gets an answer that any proxy may keep and give to
    every anonymous reader: it does not depend on cookies or headers, and repeats as readers pan.
    Signed-in readers' answers (exact positions, confidential places) are private.
    """
    form = MapFilterForm(request.GET or None)
    bbox = form.viewport() or queries.BBox(-180, -85, 180, 85)
    try:
        zoom = int(request.GET.get("zoom", "4"))
    except ValueError:
        zoom = 4
    lang = request.GET.get("lang", "")
    shared = (
        not request.user.is_authenticated and lang in dict(settings.LANGUAGES) and queries.snapped_to_tiles(bbox, zoom)
    )
    with translation.override(lang if shared else translation.get_language()):
        data = queries.clusters(request.user, form.filters(), bbox, zoom)
    response = JsonResponse(data, json_dumps_params={"separators": (",", ":")})
    if shared:
        response["Cache-Control"] = f"public, max-age={SHARED_MAP_SECONDS}"  # no Vary on cookies or language
    else:
        response["Cache-Control"] = "private, max-age=60"
    return response


@cache_control(public=True, max_age=86400)
def borders_geojson(request):
    """The committed borders: sent compressed as they are stored to a browser that takes gzip."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(borders.compressed_bytes(), content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(borders.geojson_bytes(), content_type="application/geo+json")
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def service_detail(request, pk):
    service = get_object_or_404(Service.objects.for_pages(), pk=pk)
    require(request.user, access.VIEW, service)
    see_all = access.can(request.user, VIEW_CONFIDENTIAL, service)
    links = list(
        service.service_at_locations.select_related("location__municipality", "location__division", "location__country")
        .prefetch_related("location__addresses", "location__phones")
        .order_by("location__name")
    )
    pending, mine = [], []
    if access.can(request.user, APPROVE, service):
        pending = list(service.edits.pending().select_related("author"))
    elif request.user.is_authenticated:
        mine = list(service.edits.filter(author=request.user)[:5])
    for edit in (*pending, *mine):
        edit.summary = proposals.short_labels(edit.changes)
    history = history_for(request.user, service)
    schedules = list(service.schedules.all())
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "links": links,
            "see_all": see_all,
            "phones": [proposals.phone_words(proposals.phone_values(p)) for p in proposals.own_phones(service)],
            "week": proposals.week_words(proposals.weekly_hours(schedules)),
            "other_schedules": [s for s in schedules if not proposals.is_weekly(s)],
            "contacts": list(access.restrict(Contact.objects.filter(service=service), request.user)),
            "can_change": access.can(request.user, access.CHANGE, service),
            "can_propose": access.can(request.user, PROPOSE, service),
            "can_verify": access.can(request.user, VERIFY, service),
            "can_approve": access.can(request.user, APPROVE, service),
            "pending": pending,
            "mine": mine,
            "history": history,
        },
    )


@login_required
def service_edit(request, pk):
    """Edit a service (its country's officers, the TS) or propose a change (partners named on it)."""
    service = get_object_or_404(Service, pk=pk)
    if not access.can(request.user, PROPOSE, service):
        access.refuse(request.user, access.CHANGE, Service)
    change = ServiceChange(Service.objects.get(pk=pk), request.user, request.POST or None)
    if request.method == "POST" and change.is_valid():
        try:
            result = services.update_service(service, acting_user=request.user, **change.arguments())
        except ValidationError as error:
            add_service_errors(change.form, error)
        else:
            if isinstance(result, ServiceEdit):
                messages.success(request, _("Your change was sent for approval. The public sees it once approved."))
            else:
                messages.success(request, _("Saved."))
            return redirect(service)
    return render(
        request,
        "directory/service_form.html",
        {
            "form": change.form,
            "change": change,
            "service": service,
            "tile_url": getattr(settings, "DIRECTORY_TILE_URL", ""),
            "tile_attribution": getattr(settings, "DIRECTORY_TILE_ATTRIBUTION", ""),
            "can_change": access.can(request.user, access.CHANGE, service),
        },
    )


@login_required
@require_POST
def service_verify(request, pk):
    service = get_object_or_404(Service, pk=pk)
    services.verify_service(service, acting_user=request.user)
    messages.success(request, _("Marked as verified today."))
    return redirect(request.POST.get("next") or service.get_absolute_url())


@login_required
@require_POST
def edit_decide(request, pk):
    """Approve or reject a proposal whole (the review page decides item by item)."""
    edit = get_object_or_404(ServiceEdit.objects.select_related("service"), pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            services.approve_edit(edit, acting_user=request.user)
            messages.success(request, _("Change approved: the public sees it now."))
        else:
            services.reject_edit(edit, acting_user=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("Change rejected."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(edit.service.get_absolute_url())


@login_required
def edit_review(request, pk):
    """A proposed change as a diff: only its items, labelled, old → new; each approved or rejected with a note."""
    edit = get_object_or_404(ServiceEdit.objects.select_related("service__country", "author", "decided_by"), pk=pk)
    require(request.user, access.VIEW, edit)
    service = edit.service
    now, places = services.current_values(service)
    items = proposals.review_items(edit, now, places)
    if not access.can(request.user, VIEW_CONFIDENTIAL, service):
        hidden = {str(pk) for pk, place in places.items() if place.is_confidential}
        items = [item for item in items if item.key.partition(":")[2] not in hidden]
    can_decide = edit.status == EditStatus.PENDING and access.can(request.user, APPROVE, service)
    data = request.POST if request.method == "POST" and can_decide else None
    form = DecisionForm(data, items=items, revision=service.revision)
    if request.method == "POST":
        if not can_decide:
            access.refuse(request.user, APPROVE, ServiceEdit)
        if form.is_valid():
            try:
                decided = services.decide_edit(edit, acting_user=request.user, **form.decisions())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, decided_message(decided))
                return redirect(service)
    return render(
        request,
        "directory/edit_review.html",
        {"edit": edit, "service": service, "items": items, "form": form, "can_decide": can_decide},
    )


@login_required
@require_POST
def service_publish(request, pk):
    service = get_object_or_404(Service, pk=pk)
    access.require(request.user, APPROVE, service)
    after = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}):
        after = service.get_absolute_url()
    page = confirmation(
        request,
        title=_("Publish “%(name)s”?") % {"name": service},
        lines=[_("The entry appears on the public map and in the directory exports, as it stands now.")],
        button=_("Publish"),
        cancel=after,
    )
    if page:
        return page
    services.publish_service(service, acting_user=request.user)
    messages.success(request, _("Entry approved and published."))
    return redirect(after)


@login_required
def review(request, code):
    """A country's work list: partners' changes to approve, new entries, and entries to verify."""
    country = get_object_or_404(Country, code=code.upper())
    p = access.principal_for(request.user)
    if not (access.acts_for_whole_network(p) or country.pk in p.officer_countries):
        access.refuse(request.user, APPROVE, Country)
    return render(
        request,
        "directory/review.html",
        {
            "country": country,
            "edits": list(queries.pending_edits(request.user, country)),
            "new_services": list(queries.pending_services(request.user, country)),
            "to_verify": list(queries.to_verify(request.user, country)[:500]),
        },
    )


def export(request, fmt):
    """CSV or XLSX with an HXL hashtag row, of what the filters select (public fields for the public)."""
    if fmt not in exports.FORMATS:
        raise Http404
    form = MapFilterForm(request.GET or None)
    rows = queries.map_points(request.user, form.filters()).order_by("country_id", "name_es", "service_at_location_id")
    with translation.override(documents.language_of(request)):  # one language per document (?lang=es|en)
        return exports.FORMATS[fmt](request.user, rows)


def print_directory(request, code):
    """A printable directory of a country's services, for field staff."""
    country = get_object_or_404(Country, code=code.upper())
    rows = list(
        queries.map_points(request.user, queries.MapFilters(country=country)).order_by(
            "division_id", "name_es", "service_at_location_id"
        )[:2000]
    )
    with translation.override(documents.language_of(request)):
        return render(request, "directory/print.html", exports.print_context(request.user, country, rows))


def hsds_download(request, fmt):
    """The HSDS data package (zip) or HSDS JSON of the published directory, as this reader may see it."""
    if fmt not in ("zip", "json"):
        raise Http404
    rows = access.restrict(Service.objects.published(), request.user)
    public = not access.sees_members_only(request.user)
    tables = collect(rows, public=public, lang="es")
    if fmt == "zip":
        response = HttpResponse(package.package_zip(tables), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="enlace-hsds.zip"'
        return response
    response = HttpResponse(package.json_text(tables), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="enlace-hsds.json"'
    return response
