"""The public page that confirms a certificate of attendance from its verification code.

It shows what the certificate says (the name, the event, its date, "attended") and nothing
else about the person: no email, phone or organisation.
"""

from django.shortcuts import render

from .certificates_services import certificate_registration


def certificate_verify(request, code):
    registration = certificate_registration(code)
    return render(
        request,
        "events/certificate_verify.html",
        {
            "registration": registration,
            "event": registration.event if registration else None,
            "code": code,
        },
        status=200 if registration else 404,
    )
