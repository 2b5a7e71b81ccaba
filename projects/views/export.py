"""Download a project's whole history: members take it with them without asking anyone."""

import io

from django.http import HttpResponse, StreamingHttpResponse

from ..export import filename, markdown_chunks, project_history, write_csv_bundle
from .common import require


def attachment(response, name):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_markdown(request, project):
    require(request, "export")
    # Read everything first, so a database error is a proper error page, not a cut-off file.
    history = project_history(project)
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in markdown_chunks(history)),
        content_type="text/markdown; charset=utf-8",
    )
    return attachment(response, filename(project, "md", day=history.exported_on))


def export_csv_bundle(request, project):
    require(request, "export")
    history = project_history(project)
    # A zip's table of contents comes last and needs every file's size: built in memory
    # (one project's history is small) rather than streamed.
    bundle = write_csv_bundle(history, io.BytesIO()).getvalue()
    response = HttpResponse(bundle, content_type="application/zip")
    return attachment(response, filename(project, "zip", day=history.exported_on))
