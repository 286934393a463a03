"""Helpers shared by several test modules."""

import socket


def registration_form_data(**overrides):
    """What a person types into the public registration form."""
    data = {
        "full_name": "Sok Dara",
        "organisation_name": "Village Support Group",
        "position": "Programme officer",
        "gender": "female",
        "email": "dara@example.org",
        "phone": "012 345 678",
        "language": "km",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def closed_port():
    """A loopback port nothing listens on: a service there is down for real."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
