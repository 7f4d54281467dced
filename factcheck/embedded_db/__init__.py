"""The embedded PostgreSQL: a Django database backend that starts the server on first connection.

With DATABASE_URL unset, settings use ENGINE "factcheck.embedded_db" with the
data directory in EMBEDDED["DATA_DIR"] (var/pg). See `server.py` for the server's life and
`manage.py dbserver` to show or stop it.
"""
