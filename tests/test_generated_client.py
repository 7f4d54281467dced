"""A Python client generated from /api/schema/ (openapi-python-client) imports and runs the README's example.

Generation and the example run in their own interpreters, as a user would run them; the example
talks to the live test server on loopback.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from .factories import PASSWORD, UserFactory

README = Path(__file__).resolve().parent.parent / "README.md"
BIN = Path(sys.executable).parent
IMPORT_ALL = """
import importlib, pkgutil, factcheck_client
failed = []
names = [m.name for m in pkgutil.walk_packages(factcheck_client.__path__, "factcheck_client.")]
for name in names:
    try:
        importlib.import_module(name)
    except Exception as error:
        failed.append(f"{name}: {error!r}")
print(len(names))
print("\\n".join(failed))
"""


def readme_example() -> str:
    text = README.read_text()
    return re.search(r"<!-- generated-client-example -->\n```python\n(.*?)```", text, re.S).group(1)


@pytest.fixture
def generated_client(live_server, tmp_path):
    """The client package generated from the live server's schema, in tmp_path (on sys.path for subprocesses)."""
    schema = tmp_path / "schema.yaml"
    schema.write_bytes(requests.get(f"{live_server.url}/api/schema/", timeout=30).content)
    package = tmp_path / "factcheck_client"
    subprocess.run(
        [BIN / "openapi-python-client", "generate", "--path", schema, "--output-path", package, "--meta", "none"],
        check=True,
        capture_output=True,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    return tmp_path


def run_python(code: str, path: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=path,
        env={**os.environ, "PYTHONPATH": str(path), **env},
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_every_module_of_the_generated_client_imports(generated_client):
    result = run_python(IMPORT_ALL, generated_client)
    assert result.returncode == 0, result.stderr
    count, _, failures = result.stdout.partition("\n")
    assert int(count) > 40
    assert failures.strip() == ""


@pytest.mark.django_db(transaction=True)
def test_the_readme_example_creates_a_claim_saves_a_verdict_and_downloads_the_export(generated_client, live_server):
    UserFactory(username="desk-editor", role="editor")
    result = run_python(
        readme_example(),
        generated_client,
        FACTCHECK_URL=live_server.url,
        FACTCHECK_USER="desk-editor",
        FACTCHECK_PASSWORD=PASSWORD,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.lstrip("\ufeff").splitlines()
    assert re.fullmatch(r"claim \d+ verdict version 1", lines[0])
    header, row = lines[1].split(","), lines[2].split(",")
    assert dict(zip(header, row, strict=False))["verdict"] == "mostly-false"
    assert dict(zip(header, row, strict=False))["claimant"] == "The mayor"
