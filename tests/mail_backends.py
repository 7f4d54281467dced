"""Test-only email backends: a mail server that refuses, for the failure path of the digests."""

import os
import smtplib
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class RefusingBackend(BaseEmailBackend):
    """Every send fails, as an unreachable SMTP server would."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingOnceBackend(ConsoleBackend):
    """The first send fails; later ones print (the worker's log). The failure is remembered in a file
    named by FACTCHECK_TEST_MAIL_FLAG, so it holds across a worker's retries."""

    def send_messages(self, email_messages):
        flag = Path(os.environ["FACTCHECK_TEST_MAIL_FLAG"])
        if not flag.exists():
            flag.write_text("refused once")
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)
