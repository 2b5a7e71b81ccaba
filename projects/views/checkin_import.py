"""Import check-ins from a CSV file: upload or paste, see the preview, then confirm."""

import csv

from django import forms
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from ..checkin_import import COLUMNS, apply_check_in_import, read_check_in_rows
from ..models import Metric
from ..services import ProjectActionError
from .common import back_to_project, require

MAX_UPLOAD_BYTES = 1024 * 1024
# A CSV is plain text. Browsers label it variously (Windows says application/vnd.ms-excel),
# so the name decides, and the content must then read as UTF-8 text with no NUL bytes.
CSV_EXTENSIONS = (".csv", ".txt")


class CheckInImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("UTF-8, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    text = forms.CharField(
        label=_("Or paste the CSV here"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if not upload.name.lower().endswith(CSV_EXTENSIONS):
            raise forms.ValidationError(
                _("“%(name)s” is not a CSV file. Choose a file ending in .csv."),
                params={"name": upload.name},
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 1 MB. Split it into smaller files.")
            )
        content = upload.read()
        if b"\0" in content:
            raise forms.ValidationError(
                _("“%(name)s” is not a text file. Save the sheet as “CSV UTF-8” and try again."),
                params={"name": upload.name},
            )
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not in UTF-8. Save it as “CSV UTF-8” and try again.")
            ) from None

    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        if len(text.encode()) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The text is larger than 1 MB. Import it in parts."))
        return text

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("file") and not data.get("text", "").strip():
            raise forms.ValidationError(_("Choose a CSV file or paste its contents."))
        return data

    @property
    def csv_text(self):
        return self.cleaned_data.get("file") or self.cleaned_data.get("text", "")


def import_check_ins(request, project):
    require(request, "check_in")
    context = {"page": project, "columns": COLUMNS}
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "commit":
        # Never trust the preview: the text comes back from the browser and is read again.
        text = request.POST.get("csv_text", "")
        preview = read_check_in_rows(text=text, project=project, language=get_language())
        if preview.is_valid:
            try:
                written, replaced = apply_check_in_import(
                    preview=preview, author=request.project_access.person
                )
            except ProjectActionError as error:
                context["apply_errors"] = error.messages
            else:
                message = ngettext(
                    "Imported %(count)d check-in (%(replaced)d replaced a value of the same day).",
                    "Imported %(count)d check-ins (%(replaced)d replaced a value of the same day).",
                    written,
                ) % {"count": written, "replaced": replaced}
                return back_to_project(request, project, message, anchor="metrics")
        context.update(form=CheckInImportForm(), preview=preview, csv_text=text)
        return TemplateResponse(request, "projects/checkin_import.html", context, status=400)

    form = CheckInImportForm(request.POST or None, request.FILES or None)
    if step == "preview" and form.is_valid():
        text = form.csv_text
        preview = read_check_in_rows(text=text, project=project, language=get_language())
        context.update(form=CheckInImportForm(), preview=preview, csv_text=text)
        return TemplateResponse(request, "projects/checkin_import.html", context)
    context["form"] = form
    return TemplateResponse(
        request, "projects/checkin_import.html", context, status=400 if form.errors else 200
    )


def check_in_template_csv(request, project):
    """A CSV to fill in: the columns, and a line per metric of the project with today's date."""
    require(request, "check_in")
    # Where numbers have a decimal comma, spreadsheets expect semicolons between cells.
    delimiter = ";" if get_format("DECIMAL_SEPARATOR") == "," else ","
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(project.title) or 'project'}-check-ins.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csv.writer(response, delimiter=delimiter)
    writer.writerow(COLUMNS)
    today = timezone.localdate().isoformat()
    for name in Metric.objects.filter(project=project).values_list("name", flat=True):
        writer.writerow([name, today, "", "medium", ""])
    return response
