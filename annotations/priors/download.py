"""Download a feed (JSON, JSON Lines, CSV) or a fact-check page to a temporary file, safely.

The connection is made by the article fetcher's one door (annotations.fetching.fetcher.open_checked):
every address and every redirect is checked by the same policy, under the same wall-clock deadline.
Unlike an article, a feed is not HTML and may be hundreds of MB, so it is streamed to disk under its
own limits; a conditional GET sends the validators of the last answer (ETag, Last-Modified) and a
304 is reported as such.
"""

import os
import tempfile
from dataclasses import dataclass

import requests

from ..fetching import policy
from ..fetching.fetcher import FetchFailed, Opened, open_checked

ACCEPT = "application/ld+json, application/json, application/x-ndjson, text/csv, text/html;q=0.9, */*;q=0.5"


@dataclass
class Download:
    path: str | None  # None: not modified (304)
    url: str
    content_type: str
    etag: str
    last_modified: str


def download(
    url: str,
    *,
    allow_hosts,
    timeout_s: float,
    max_bytes: int,
    etag: str = "",
    last_modified: str = "",
    resolver: policy.Resolver = policy.system_resolver,
) -> Download:
    """GET `url` into a temporary file (the caller deletes it). Raises FetchFailed with the reason."""
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with open_checked(url, allow_hosts=allow_hosts, timeout_s=timeout_s, resolver=resolver, headers=headers) as opened:
        return _save(opened, max_bytes)


def _save(opened: Opened, max_bytes: int) -> Download:
    response, url, deadline = opened.response, opened.url, opened.deadline
    headers = response.headers
    validators = {"etag": headers.get("ETag", ""), "last_modified": headers.get("Last-Modified", "")}
    if response.status_code == 304:
        return Download(path=None, url=url, content_type="", **validators)
    if response.status_code >= 400:
        raise FetchFailed(f"the server answered {response.status_code} {response.reason or ''}".rstrip())
    declared = headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(f"the file is larger than {max_bytes / 1_000_000:g} MB")
    size = 0
    with tempfile.NamedTemporaryFile(prefix="prior-feed-", delete=False) as out:
        try:
            for chunk in response.iter_content(chunk_size=256 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed(f"the file is larger than {max_bytes / 1_000_000:g} MB")
                if deadline.passed():
                    raise FetchFailed(deadline.message)
                out.write(chunk)
            # A file read to the end of the connection ends early, and looks whole, when the deadline shut it.
            if deadline.passed():
                raise FetchFailed(deadline.message)
        except (requests.Timeout, requests.ConnectionError) as error:
            os.unlink(out.name)
            raise FetchFailed(deadline.message) from error
        except FetchFailed:
            os.unlink(out.name)
            raise
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    return Download(path=out.name, url=url, content_type=content_type, **validators)
