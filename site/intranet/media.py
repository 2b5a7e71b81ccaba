"""Uploaded files, served behind the login like every other page of the intranet.

A picture belongs to what uses it: the picture of a win posted only in members-only projects,
or the cover of a members-only project, is served only to people who may see one of them
(an address is easy to guess from the uploaded file's name). Photos of people and pictures
on intranet pages are for everyone logged in.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.static import serve
from wagtail.images import get_image_model

from projects.selectors import picture_hidden_from


def image_id_of_file(path):
    """The id of the Wagtail image stored at `path` (its original or a rendition), or None."""
    image_model = get_image_model()
    image_id = image_model.objects.filter(file=path).values_list("pk", flat=True).first()
    if image_id is None:
        renditions = image_model.get_rendition_model().objects.filter(file=path)
        image_id = renditions.values_list("image_id", flat=True).first()
    return image_id


@login_required
def serve_media(request, path):
    image_id = image_id_of_file(path)
    if image_id is not None and picture_hidden_from(request.user, image_id):
        # As for the project itself: to outsiders, it is not there.
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
