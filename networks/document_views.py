"""Serving signed MoU documents. The rules are in networks.documents."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

from .documents import DocumentRefused, document_for_link, document_for_user, document_response


def _refused(request, refusal, *, offer_sign_in=False):
    sign_in_url = None
    if offer_sign_in and not request.user.is_authenticated:
        sign_in_url = redirect_to_login(request.get_full_path(), reverse("admin:login")).url
    return render(
        request,
        "networks/document_refused.html",
        {"message": refusal.message, "sign_in_url": sign_in_url},
        status=refusal.status,
    )


def staff_document(request, pk):
    """An MoU's signed PDF, to staff who may view MoUs (linked from the MoU's admin page)."""
    try:
        return document_response(document_for_user(pk, request.user))
    except DocumentRefused as refusal:
        return _refused(request, refusal, offer_sign_in=True)


def shared_document(request, token):
    """An MoU's signed PDF, through a signed link staff sent to the network."""
    try:
        return document_response(document_for_link(token), shared_link=True)
    except DocumentRefused as refusal:
        return _refused(request, refusal)
