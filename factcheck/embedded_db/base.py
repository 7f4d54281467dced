"""PostgreSQL backend that starts the embedded server (server.py) before connecting, and connects to it.

It is Django's PostgreSQL backend in every other respect (vendor "postgresql").
HOST, PORT and PASSWORD are filled in from the running server, so code reading them from
the connection's settings (e.g. to hand the database to a worker) finds it.
"""

from django.db.backends.postgresql import base

from . import server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        # EMBEDDED names the data directory and the database made on first start (not the test
        # database, which the test runner creates on its own under another NAME).
        embedded = self.settings_dict["EMBEDDED"]
        running = server.ensure_running(embedded["DATA_DIR"], database=embedded["DATABASE"])
        self.settings_dict["HOST"] = running.host
        self.settings_dict["PORT"] = str(running.port)
        # The server accepts only its superuser's password (server.py: generated at first start).
        self.settings_dict["PASSWORD"] = running.password
        return super().get_connection_params()
