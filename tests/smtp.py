"""A real SMTP server on loopback (aiosmtpd) whose answers a test programs, and the settings
that point Django's SMTP backend at it. No Redis or worker needed."""

import asyncio
import threading
from collections import Counter
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from tests.helpers import unused_port

OK = "250 OK"
TRY_LATER = "451 4.3.0 Try again later"
NO_SUCH_USER = "550 5.1.1 No such user"


class ProgrammableHandler:
    """Accepts every message, unless told otherwise.

    `answers`: replies to DATA, one per message in turn ("451 …", "250 …", "554 …"); once they
    are used up, messages are accepted. `refuse`: an address's reply to RCPT, such as
    {"gone@example.org": NO_SUCH_USER}. `delay`: seconds before each DATA reply (a slow server);
    a client that goes away meanwhile never gets its message accepted.
    """

    def __init__(self, answers=(), refuse=None, delay=0.0):
        self.answers = list(answers)
        self.refuse = dict(refuse or {})
        self.delay = delay
        self.received = []  # each accepted message's recipients, in order
        self.contents = []  # each accepted message, as bytes
        self.refused = 0
        self.in_data = 0  # messages whose DATA has begun (accepted or not)
        self.lock = threading.Lock()

    @property
    def counts(self):
        """Accepted messages per recipient."""
        with self.lock:
            return Counter(self.received)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            with self.lock:
                self.refused += 1
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return OK

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.in_data += 1
        if self.delay:
            await asyncio.sleep(self.delay)  # cancelled when the client hangs up
        with self.lock:
            answer = self.answers.pop(0) if self.answers else OK
            if answer.startswith("250"):
                self.received.extend(envelope.rcpt_tos)
                self.contents.append(envelope.content)
            else:
                self.refused += 1
        return answer


def use_smtp(settings, port):
    """Point Django's SMTP backend at 127.0.0.1:`port` (a closed port: an unreachable server)."""
    settings.EMAIL_BACKEND = "core.mail.SMTPBackend"  # Django's, sending prepared bytes as they are
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10


@contextmanager
def smtp_server(settings, handler=None):
    """Run an SMTP server on loopback with `handler` and send Django's mail to it."""
    handler = handler or ProgrammableHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=unused_port())
    controller.start()
    use_smtp(settings, controller.port)
    try:
        yield handler
    finally:
        controller.stop()
