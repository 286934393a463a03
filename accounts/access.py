"""Who may see a member organisation's pages: its own active focal persons, nobody else."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from .models import FocalPerson


def signed_in_focal_person(request):
    """The request's active focal person, or None (staff users are not focal persons)."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    focal_person = (
        FocalPerson.objects.active()
        .select_related("contact__organisation", "user")
        .filter(user=user)
        .first()
    )
    return focal_person


def focal_person_required(view):
    """Sets request.focal_person and request.organisation; anyone else goes to the sign-in page
    (and comes back here once signed in)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        focal_person = signed_in_focal_person(request)
        if focal_person is None:
            return redirect_to_login(request.get_full_path(), reverse("accounts:sign-in"))
        request.focal_person = focal_person
        request.organisation = focal_person.organisation
        return view(request, *args, **kwargs)

    return wrapper
