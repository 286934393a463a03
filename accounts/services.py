"""Focal persons: who may sign in for a member organisation, and their one-time sign-in links.

Views, the admin and tasks call these; nothing else writes FocalPerson rows.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from sesame.backends import ModelBackend as SesameBackend
from sesame.utils import get_token

from core.mail import sender

from .models import FocalPerson

logger = logging.getLogger(__name__)


def focal_persons_with_email(email):
    return FocalPerson.objects.active().filter(contact__email__iexact=str(email).strip())


def focal_person_check(*, contact):
    """Raise ValidationError when `contact` cannot be a focal person: no email address, or
    another active focal person signs in with it (a link must name one organisation)."""
    email = (contact.email or "").strip()
    if not email:
        raise ValidationError(
            _("Give this contact an email address first: the sign-in link goes there.")
        )
    other = focal_persons_with_email(email).exclude(contact=contact).first()
    if other is not None:
        raise ValidationError(
            _("%(email)s already signs in for %(organisation)s.")
            % {"email": email, "organisation": other.organisation}
        )


@transaction.atomic
def focal_person_make(*, contact, made_by, language="km") -> FocalPerson:
    """Let `contact` sign in for their organisation (again, if they had been revoked).

    Refused (ValidationError) without an email address, or when another active focal person
    signs in with the same address: a link must name one organisation.
    """
    focal_person_check(contact=contact)
    email = contact.email.strip()
    existing = FocalPerson.objects.select_related("user").filter(contact=contact).first()
    if existing is not None:
        user = existing.user
        user.email, user.is_active = email, True
        user.save(update_fields=["email", "is_active"])
        existing.revoked_at = existing.revoked_by = None
        existing.save(update_fields=["revoked_at", "revoked_by"])
        return existing
    user = get_user_model()(username=f"focal-{contact.pk}", email=email)
    user.set_unusable_password()
    user.save()
    return FocalPerson.objects.create(
        contact=contact, user=user, created_by=made_by, language=language
    )


@transaction.atomic
def focal_person_revoke(*, focal_person, revoked_by) -> FocalPerson:
    """No more sign-in for this person. An inactive user is signed out at their next request
    (Django's backends refuse inactive users), and links already sent stop working."""
    focal_person.revoked_at = timezone.now()
    focal_person.revoked_by = revoked_by
    focal_person.save(update_fields=["revoked_at", "revoked_by"])
    focal_person.user.is_active = False
    focal_person.user.save(update_fields=["is_active"])
    return focal_person


def focal_person_from_token(token, *, lock=False):
    """The active focal person a sign-in token was made for, if it is still valid (signed,
    unexpired, unused: SESAME_ONE_TIME ties it to the user's last sign-in); else None.

    With `lock`, inside a transaction, the user row is locked and the token checked again, so
    that two tabs posting one link sign in once (signing in changes last_login, which ends the
    token). Checked here, not through authenticate(): the token is no password, so django-axes'
    password lockout has nothing to count.
    """
    if not token or len(token) > 1000:
        return None
    user = SesameBackend().authenticate(None, sesame=token)
    if user is not None and lock:
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        user = SesameBackend().authenticate(None, sesame=token)
    focal_person = getattr(user, "focal_person", None) if user is not None else None
    if focal_person is None or not focal_person.is_active:
        return None
    return focal_person


def sign_in_link(*, focal_person, next_url="") -> str:
    """The one-time link (SESAME_MAX_AGE, SESAME_ONE_TIME) to the confirm page, absolute."""
    query = {"sesame": get_token(focal_person.user)}
    if next_url:
        query["next"] = next_url
    return settings.SITE_URL + reverse("accounts:sign-in-link") + "?" + urlencode(query)


def sign_in_link_send(*, email, language, next_url="") -> bool:
    """Email a sign-in link to the focal person with this address, in `language`; nothing to
    anyone else (the page says the same either way). True when a link was sent."""
    focal_person = focal_persons_with_email(email).select_related("contact__organisation").first()
    if focal_person is None:
        return False
    with translation.override(language):
        link = sign_in_link(focal_person=focal_person, next_url=next_url)
        context = {
            "name": focal_person.contact.full_name,
            "organisation": focal_person.organisation,
            "link": link,
            "minutes": settings.SESAME_MAX_AGE // 60,
        }
        message = EmailMultiAlternatives(
            subject=str(_("Your link to sign in to the CCC portal")),
            body=render_to_string("emails/accounts/sign_in.txt", context),
            from_email=sender(),
            to=[focal_person.contact.email],
        )
        message.attach_alternative(
            render_to_string("emails/accounts/sign_in.html", context), "text/html"
        )
    message.send()
    return True
