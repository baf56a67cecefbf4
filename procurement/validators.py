"""Checks shared by the forms and the services: offer documents, the quote deadline."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

OFFER_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def validate_offer_document(upload: UploadedFile) -> None:
    """A PDF of at most 10 MB. The content is checked, not only the name: a renamed Word
    file or an executable with a .pdf extension is refused."""
    if upload.size is not None and upload.size > OFFER_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; an offer document may be at most 10 MB."),
            code="too_large",
            params={"size": f"{upload.size / (1024 * 1024):.1f}"},
        )
    if not (upload.name or "").lower().endswith(".pdf"):
        raise ValidationError(_("Upload the offer as a PDF file (.pdf)."), code="extension")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("This file is not a PDF document, whatever its name says."), code="not_pdf"
        )


def validate_quote_deadline_in_future(value: datetime | None) -> None:
    """A deadline is set in the future (checked when it is set or changed)."""
    if value is not None and value <= timezone.now():
        raise ValidationError(
            _("The quote deadline must lie in the future."), code="deadline_in_past"
        )
