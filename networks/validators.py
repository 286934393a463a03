from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def validate_pdf(upload):
    """Accept only a PDF (by its content, not its name) no larger than MOU_DOCUMENT_MAX_BYTES."""
    limit = settings.MOU_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    header = upload.read(5)
    upload.seek(position)
    if header != b"%PDF-" or not upload.name.lower().endswith(".pdf"):
        raise ValidationError(_("Upload the signed MoU as a PDF file."), code="not_pdf")
