"""Pages of circulation. Views parse, ask core.access, call services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from core import access, documents, fulfilment
from core.confirm import confirmation
from core.downloads import stored_file_response
from core.forms import add_service_errors
from core.mywork import count_for, figures_for, items_for, remember_count
from core.pagecache import reader_page
from messaging.models import EmailState, Notification, NotificationPreference, OutboundEmail
from network.models import Country, Organization, Person

from . import activity, exports, extensions, queries, services
from .access import VIEW_BOARD
from .forms import (
    ActivityFilterForm,
    AttachmentForm,
    CircularForm,
    ExtendDeadlineForm,
    PreferencesForm,
    ReplyForm,
)
from .models import (
    Circular,
    CircularAttachment,
    CircularRecipient,
    CircularStatus,
    InboundEmail,
    InboundStatus,
    ReplyAttachment,
)

PAGE_SIZE = 50


def _errors(request, error):
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _circular(request, pk, action=access.VIEW):
    circular = get_object_or_404(Circular.objects.select_related("created_by__person", "target_type"), pk=pk)
    access.require(request.user, action, circular)
    return circular


# ---- circulars -----------------------------------------------------------------------------


@login_required
def circular_list(request):
    access.require_member(request.user)
    status = request.GET.get("status")
    status = status if status in CircularStatus.values else None
    rows = queries.circular_list(request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "circulation/circular_list.html",
        {"page": page, "status": status, "can_create": access.can_create(request.user, Circular)},
    )


def _people_choices(user):
    current = Person.objects.with_current_appointment().order_by("family_names", "given_names")
    return access.restrict(current, user)


def _save_circular(request, form, circular=None):
    data = dict(form.cleaned_data)
    parties = {key: list(data.pop(key)) for key in ("countries", "organizations", "people")}
    try:
        data["fulfils"] = services.resolve_target(data.pop("fulfils"), request.user)
        if circular is None:
            data.pop("revision", None)
            return services.create_circular(acting_user=request.user, **parties, **data)
        return services.update_circular(circular, acting_user=request.user, **parties, **data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@login_required
def circular_create(request):
    if not access.can_create(request.user, Circular):
        access.refuse(request.user, access.CREATE, Circular)
    initial = {"fulfils": request.GET.get("fulfils", "")[:100]}
    form = CircularForm(
        request.POST or None, initial=initial, people_queryset=_people_choices(request.user), user=request.user
    )
    if request.method == "POST" and "find" not in request.POST and form.is_valid():
        circular = _save_circular(request, form)
        if circular is not None:
            messages.success(request, _("Draft saved. Attach documents if needed, then send it."))
            return redirect(circular)
    return render(request, "circulation/circular_form.html", {"form": form, "circular": None})


@login_required
def circular_edit(request, pk):
    circular = _circular(request, pk, access.CHANGE)
    form = CircularForm(
        request.POST or None, instance=circular, people_queryset=_people_choices(request.user), user=request.user
    )
    if request.method == "POST" and "find" not in request.POST and form.is_valid():
        saved = _save_circular(request, form, circular)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(request, "circulation/circular_form.html", {"form": form, "circular": circular})


@login_required
@require_GET
def fulfils_options(request):
    """The commitments a circular's author could have it fulfil, matching what they type (an htmx part)."""
    access.require_create(request.user, Circular)  # those who write circulars: the TS and the PPT
    query = request.GET.get("fulfils_q", "")[:200]
    options = fulfilment.search(request.user, query) if query.strip() else []
    return render(request, "circulation/_fulfils_options.html", {"options": options, "searched": bool(query.strip())})


@login_required
def circular_detail(request, pk):
    circular = _circular(request, pk)
    services.mark_read(circular, acting_user=request.user)
    context = queries.circular_detail(request.user, circular)
    context.update(
        circular=circular,
        recipients=list(circular.recipients.with_parties()),
        can_change=access.can(request.user, access.CHANGE, circular),
        attachment_form=AttachmentForm(),
        reply_form=ReplyForm(recipients=context["my_recipients"]) if context["my_recipients"] else None,
        target=circular.target if circular.target_type_id else None,
        extra_links=extensions.links_for([circular], request.user).get(circular.pk, []),
    )
    return render(request, "circulation/circular_detail.html", context)


@login_required
@require_POST
def circular_send(request, pk):
    circular = _circular(request, pk, access.CHANGE)
    page = confirmation(
        request,
        title=_("Send “%(title)s”?") % {"title": circular},
        lines=queries.send_preview(circular),
        button=_("Send"),
        cancel=circular.get_absolute_url(),
    )
    if page:
        return page
    try:
        services.send_circular(circular, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Sent. The recipients are notified."))
    return redirect(circular)


@login_required
@require_POST
def circular_delete(request, pk):
    circular = _circular(request, pk, access.DELETE)
    page = confirmation(
        request,
        title=_("Delete the draft “%(title)s”?") % {"title": circular},
        lines=[_("The draft, its attachments and its recipients are deleted; nobody has received it.")],
        button=_("Delete"),
        cancel=circular.get_absolute_url(),
        danger=True,
    )
    if page:
        return page
    services.delete_circular(circular, acting_user=request.user)
    messages.success(request, _("Draft deleted."))
    return redirect("circulation:list")


@login_required
@require_POST
def attachment_add(request, pk):
    circular = _circular(request, pk, access.CHANGE)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(circular, form.cleaned_data["file"], acting_user=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Document attached."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(circular)


@login_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    circular = _circular(request, pk, access.CHANGE)
    attachment = get_object_or_404(CircularAttachment, pk=attachment_pk, circular=circular)
    services.remove_attachment(attachment, acting_user=request.user)
    messages.success(request, _("Document removed."))
    return redirect(circular)


def _file_response(field, name):
    return stored_file_response(field, name)


@login_required
def attachment_download(request, pk, attachment_pk):
    circular = _circular(request, pk)
    attachment = get_object_or_404(CircularAttachment, pk=attachment_pk, circular=circular)
    return _file_response(attachment.file, attachment.name)


@login_required
def reply_attachment_download(request, pk, attachment_pk):
    circular = _circular(request, pk)
    attachment = get_object_or_404(
        ReplyAttachment.objects.select_related("reply__recipient__circular"), pk=attachment_pk, reply__circular=circular
    )
    access.require(request.user, access.VIEW, attachment.reply)
    return _file_response(attachment.file, attachment.name)


@login_required
@require_POST
def circular_acknowledge(request, pk):
    circular = _circular(request, pk)
    recipient = _posted_recipient(request, circular)
    services.acknowledge_circular(circular, acting_user=request.user, recipient=recipient)
    messages.success(request, _("Receipt acknowledged."))
    return redirect(circular)


def _posted_recipient(request, circular):
    raw = request.POST.get("recipient")
    if not raw:
        return None
    try:
        return CircularRecipient.objects.get(pk=int(raw), circular=circular)
    except (ValueError, CircularRecipient.DoesNotExist):
        raise Http404 from None


@login_required
@require_POST
def circular_reply(request, pk):
    circular = _circular(request, pk)
    principal = access.principal_for(request.user)
    mine = [r for r in circular.recipients.with_parties() if circular.is_sent and r.includes(principal)]
    if not mine:
        access.refuse(request.user, "reply", circular)
    form = ReplyForm(request.POST, request.FILES, recipients=mine)
    if form.is_valid():
        recipient = next((r for r in mine if r.pk == form.cleaned_data.get("recipient")), mine[0])
        file = form.cleaned_data.get("file")
        try:
            services.reply_to_circular(
                circular,
                acting_user=request.user,
                recipient=recipient,
                text=form.cleaned_data["text"],
                files=[file] if file else [],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Reply sent."))
            return redirect(circular)
    context = queries.circular_detail(request.user, circular)
    context.update(
        circular=circular,
        recipients=list(circular.recipients.with_parties()),
        can_change=False,
        attachment_form=None,
        reply_form=form,
        target=circular.target if circular.target_type_id else None,
    )
    return render(request, "circulation/circular_detail.html", context, status=400)


@reader_page
@login_required
def circular_board(request, pk):
    circular = _circular(request, pk, VIEW_BOARD)
    rows, summary = queries.board(circular)
    return render(
        request,
        "circulation/board.html",
        {"circular": circular, "rows": rows, "summary": summary, "extend_form": ExtendDeadlineForm()},
    )


@login_required
def board_export(request, pk):
    """The tracking board as XLSX, in the reader's language (or ?lang=es|en)."""
    circular = _circular(request, pk, VIEW_BOARD)
    lang = documents.language_of(request)
    return documents.attachment(exports.board_xlsx(circular, lang), exports.board_filename(circular, lang))


@login_required
@require_POST
def recipient_extend(request, pk, recipient_pk):
    circular = _circular(request, pk, VIEW_BOARD)
    recipient = get_object_or_404(CircularRecipient, pk=recipient_pk, circular=circular)
    recipient.circular = circular
    form = ExtendDeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.extend_deadline(recipient, form.cleaned_data["deadline"], acting_user=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Deadline changed for %(party)s.") % {"party": recipient.party})
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("circulation:board", pk=circular.pk)


# ---- inboxes -------------------------------------------------------------------------------


@login_required
def inbox(request, code=None, org_pk=None):
    access.require_member(request.user)
    principal = access.principal_for(request.user)
    party = None
    if code is not None:
        party = get_object_or_404(Country, code=code.upper()[:2])
        if not (access.acts_for_whole_network(principal) or party.pk in principal.officer_countries):
            access.refuse(request.user, access.VIEW, party)
        recipients = queries.inbox(request.user, country=party)
    elif org_pk is not None:
        party = get_object_or_404(Organization, pk=org_pk)
        if not (access.acts_for_whole_network(principal) or party.pk in principal.organizations):
            access.refuse(request.user, access.VIEW, party)
        recipients = queries.inbox(request.user, organization=party)
    elif request.GET.get("waiting"):
        recipients = queries.awaiting(request.user)
    else:
        recipients = queries.inbox(request.user)
    links = extensions.links_for({r.circular_id: r.circular for r in recipients}.values(), request.user)
    for r in recipients:
        r.extra_links = links.get(r.circular_id, [])
    countries = Country.objects.filter(pk__in=principal.officer_countries)
    organizations = Organization.objects.filter(pk__in=principal.organizations)
    return render(
        request,
        "circulation/inbox.html",
        {
            "party": party,
            "waiting": party is None and bool(request.GET.get("waiting")),
            "recipients": recipients,
            "my_countries": countries,
            "my_organizations": organizations,
        },
    )


# ---- notifications -------------------------------------------------------------------------


@reader_page
@login_required
def notification_list(request):
    rows = access.restrict(Notification.objects.all(), request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "circulation/notifications.html", {"page": page})


@login_required
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk)
    services.mark_notification_read(notification, acting_user=request.user)
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect("circulation:notifications")
    return redirect(url)


@login_required
@require_POST
def notifications_read_all(request):
    services.mark_all_notifications_read(acting_user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("circulation:notifications")


@login_required
def notification_badge(request):
    """The unread count, as a fragment for the header (htmx) or any page."""
    return render(request, "circulation/_notification_badge.html")


@login_required
def preferences(request):
    prefs = {p.kind: p.delivery for p in NotificationPreference.objects.filter(user=request.user)}
    initial = {"default": prefs.get("", "immediate")}
    initial.update({f"kind_{kind}": delivery for kind, delivery in prefs.items() if kind})
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_notification_preferences(
                acting_user=request.user, default=form.cleaned_data["default"], per_kind=form.per_kind()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Preferences saved."))
            return redirect("circulation:preferences")
    return render(request, "circulation/preferences.html", {"form": form})


# ---- my work -------------------------------------------------------------------------------


@reader_page
@login_required
def my_work(request):
    """Each member's landing page: what they must do now, overdue first, and figures of what they follow."""
    items = items_for(request.user)
    # An unread notification about something already in the list says it twice: the list keeps it, and
    # the same notification repeated (a draft submitted twice) shows once.
    listed = {item.url for item in items}
    recent, seen = [], set()
    for notification in access.restrict(Notification.objects.all(), request.user).filter(read_at=None)[:50]:
        key = (notification.url, notification.subject_text)
        if notification.url in listed or key in seen:
            continue
        seen.add(key)
        recent.append(notification)
    # The menu's count, known now that the items are gathered (core.mywork keeps it until a record changes).
    remember_count(request.user, len(items))
    return render(
        request,
        "circulation/my_work.html",
        {"items": items, "notifications": recent[:10], "figures": figures_for(request.user)},
    )


@login_required
@require_GET
def my_work_count(request):
    """The menu's count of My work, as a fragment loaded after the page when it was not known at once."""
    return render(request, "core/_nav_count.html", {"count": count_for(request.user)})


# ---- activity ------------------------------------------------------------------------------


@login_required
def activity_page(request):
    """What changed in the network, grouped, a page at a time (older pages continue from an entry id)."""
    form = ActivityFilterForm(request.GET or None)
    country, days = None, 7
    if form.is_valid():
        country = form.cleaned_data.get("country")
        days = form.cleaned_data.get("days") or 7
    before = request.GET.get("before", "")
    before = int(before) if before.isdigit() and len(before) < 19 else None
    page = activity.feed_page(request.user, country=country, days=days, before=before)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "circulation/activity.html",
        {"form": form, "page": page, "country": country, "days": days, "query": query.urlencode(), "before": before},
    )


@login_required
def feed_settings(request):
    raw = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed_tokens(acting_user=request.user)
            messages.success(request, _("Your feed address no longer works."))
            return redirect("circulation:feed_settings")
        raw = services.create_feed_token(acting_user=request.user)
    active = request.user.feed_tokens.filter(revoked_at=None).first()
    feed_url = request.build_absolute_uri(reverse("circulation:feed", args=[raw])) if raw else None
    return render(request, "circulation/feed_settings.html", {"feed_url": feed_url, "active": active})


# ---- received e-mails (TS) -------------------------------------------------------------------


@login_required
@require_safe
def inbound_page(request):
    """Messages received at the reply addresses, as they came, for 30 days: recorded or not, and why."""
    if not access.can(request.user, access.VIEW, InboundEmail()):
        access.refuse(request.user, access.VIEW, InboundEmail)
    rows = access.restrict(InboundEmail.objects.select_related("recipient__circular", "reply"), request.user)
    status = request.GET.get("status")
    if status in InboundStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "circulation/inbound.html", {"page": page, "status": status, "statuses": InboundStatus.choices}
    )


@login_required
@require_safe
def inbound_message(request, pk):
    """One received message as it came (.eml), for the TS."""
    row = get_object_or_404(InboundEmail, pk=pk)
    access.require(request.user, access.VIEW, row)
    if not row.raw:
        raise Http404
    return stored_file_response(row.raw, f"received-{row.pk}.eml", "eml")


# ---- outbox (TS) ---------------------------------------------------------------------------


@login_required
def outbox_page(request):
    if not access.administers(request.user):
        access.refuse(request.user, access.VIEW, OutboundEmail)
    state = request.GET.get("state")
    rows = OutboundEmail.objects.all()
    if state == "problems":
        rows = rows.problems()
    elif state in EmailState.values:
        rows = rows.filter(state=state)
    elif state == "waiting":
        rows = rows.filter(Q(state=EmailState.QUEUED) | Q(state=EmailState.SENDING))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {
        value: OutboundEmail.objects.filter(state=value).count()
        for value in (EmailState.QUEUED, EmailState.FAILED, EmailState.UNCONFIRMED)
    }
    return render(
        request,
        "circulation/outbox.html",
        {"page": page, "state": state, "states": EmailState.choices, "counts": counts},
    )


@login_required
@require_POST
def outbox_action(request, pk):
    email = get_object_or_404(OutboundEmail, pk=pk)
    action = request.POST.get("action")
    actions = {
        "retry": services.retry_email,
        "confirm": services.confirm_email_sent,
        "cancel": services.cancel_email,
    }
    if action not in actions:
        messages.error(request, _("Unknown action."))
    else:
        try:
            actions[action](email, acting_user=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Done."))
    state = request.POST.get("state")
    suffix = f"?state={state}" if state in {*EmailState.values, "problems", "waiting"} else ""
    return redirect(reverse("circulation:outbox") + suffix)
