from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import PDF, check_size, sniff


def validate_pdf(upload):
    """Accept only a PDF (by its content, not its name) no larger than MOU_DOCUMENT_MAX_BYTES."""
    check_size(upload, settings.MOU_DOCUMENT_MAX_BYTES)
    if sniff(upload, kinds=(PDF,)) is None or not upload.name.lower().endswith(".pdf"):
        raise ValidationError(_("Upload the signed MoU as a PDF file."), code="not_pdf")
