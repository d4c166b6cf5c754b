"""The public pages: a share link and the gallery. The same for everyone, signed in or not.

Every request, page or media, re-reads approval, the link and the owner's standing from the database;
anything wrong is a 404, whatever the reason, so the public learns nothing about what exists.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from accessprogram.hooks import PUBLIC_CREDITS, run_hooks
from accessprogram.services.context import client_ip
from generation.infrastructure.media_responses import output_media_response
from review.access import public_gallery, public_gallery_entry, public_share
from review.forms import PassphraseForm
from review.services.provenance import public_video_key

# Public media URLs from object storage live no longer than this.
PUBLIC_URL_SECONDS = 60
PASSPHRASE_ATTEMPTS = 10
PASSPHRASE_WINDOW_SECONDS = 15 * 60
_SESSION_KEY = "unlocked_share_links"


def _private(response: HttpResponse) -> HttpResponse:
    # A share link's slug is its secret: keep it out of other sites' Referer headers and out of search indexes.
    # Not "no-referrer": with it, a browser's POST (the passphrase form, the language switcher) carries
    # `Origin: null`, which the CSRF check must refuse; "same-origin" names the page to this site only, which
    # knows the slug anyway.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _unlocked(request, link) -> bool:
    return not link.has_passphrase or link.pk in request.session.get(_SESSION_KEY, [])


def _public_link(request, slug: str, *, need_unlocked: bool = True):
    link = public_share(slug)
    if need_unlocked and not _unlocked(request, link):
        raise Http404(gettext("No such link."))
    return link


def _attach_public_credits(outputs) -> None:
    """Set `public_credits` on each output: the lines the apps above (licences) require on public pages."""
    outputs = list(outputs)
    credits: dict = {}
    for answer in run_hooks(PUBLIC_CREDITS, outputs=outputs):
        for output_id, lines in answer.items():
            credits.setdefault(output_id, []).extend(lines)
    for output in outputs:
        output.public_credits = credits.get(output.pk, [])


@never_cache
def share_page(request, slug):
    link = _public_link(request, slug, need_unlocked=False)
    form = None
    if not _unlocked(request, link):
        attempts_key = f"share-passphrase:{link.pk}:{client_ip(request)}"
        form = PassphraseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if cache.get(attempts_key, 0) >= PASSPHRASE_ATTEMPTS:
                form.add_error(None, gettext("Too many attempts. Try again later."))
                return _private(render(request, "review/share_passphrase.html", {"form": form}, status=429))
            if check_password(form.cleaned_data["passphrase"], link.passphrase_hash):
                request.session[_SESSION_KEY] = [*request.session.get(_SESSION_KEY, []), link.pk]
                return redirect("review:share_page", slug=slug)
            cache.add(attempts_key, 0, PASSPHRASE_WINDOW_SECONDS)
            cache.incr(attempts_key)
            form.add_error("passphrase", gettext("That passphrase does not open this link."))
        status = 400 if form.errors else 200
        return _private(render(request, "review/share_passphrase.html", {"form": form}, status=status))
    output = link.output
    _attach_public_credits([output])
    return _private(
        render(
            request,
            "review/share_page.html",
            {
                "link": link,
                "output": output,
                "credit": link.credit_line,
                "approved_at": link.approved_at,
                "prompt": output.job.prompt if link.show_prompt else None,
            },
        )
    )


def share_media(request, slug):
    link = _public_link(request, slug)
    return _private(
        output_media_response(
            request,
            link.output,
            part="video",
            expire_seconds=PUBLIC_URL_SECONDS,
            video_key=public_video_key(link.output),
        )
    )


def share_poster(request, slug):
    link = _public_link(request, slug)
    return _private(output_media_response(request, link.output, part="poster", expire_seconds=PUBLIC_URL_SECONDS))


GALLERY_PAGE_SIZE = 24


@never_cache
def gallery(request):
    """Newest first, a page at a time. No total count: counting would check every entry's visibility."""
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        number = 1
    start = (number - 1) * GALLERY_PAGE_SIZE
    entries = list(public_gallery()[start : start + GALLERY_PAGE_SIZE + 1])
    _attach_public_credits(entry.output for entry in entries[:GALLERY_PAGE_SIZE])
    return render(
        request,
        "review/gallery.html",
        {
            "entries": entries[:GALLERY_PAGE_SIZE],
            "number": number,
            "previous_page": number - 1 if number > 1 else None,
            "next_page": number + 1 if len(entries) > GALLERY_PAGE_SIZE else None,
        },
    )


def gallery_media(request, slug):
    entry = public_gallery_entry(slug)
    return output_media_response(
        request, entry.output, part="video", expire_seconds=PUBLIC_URL_SECONDS, video_key=public_video_key(entry.output)
    )


def gallery_poster(request, slug):
    entry = public_gallery_entry(slug)
    return output_media_response(request, entry.output, part="poster", expire_seconds=PUBLIC_URL_SECONDS)
