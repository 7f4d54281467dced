"""Domain errors raised by the services; the API maps them to 4xx responses."""


class DomainConflict(Exception):
    """The request is valid but conflicts with the current state of the record (HTTP 409)."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotAllowed(Exception):
    """The user's role does not allow this action on this record (HTTP 403)."""


class StaleVersion(Exception):
    """A change was based on a version that is no longer the newest (HTTP 412)."""

    def __init__(self, annotation, based_on: int):
        super().__init__(f"Version {based_on} is not the current version {annotation.version}.")
        self.annotation = annotation
        self.based_on = based_on


class TaskQueueUnavailable(Exception):
    """The task broker could not be reached, so the work was not handed to a worker (HTTP 503)."""
