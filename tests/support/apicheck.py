"""Check API answers against the OpenAPI document the API serves (shared by the API and export tests)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from werkzeug.test import TestResponse

from kb.api import openapi, views

BASE = openapi.BASE_PATH


def document() -> dict[str, Any]:
    """The OpenAPI document generated from the code (a test checks the served one is the same)."""
    return openapi.document(views.OPERATIONS)


def template_of(doc: dict[str, Any], url: str) -> str:
    """The document's path template (e.g. ``/proposals/{id}``) that a request URL falls under."""
    path = urlsplit(url).path
    assert path.startswith(BASE), path
    rest = path[len(BASE) :]
    for template in doc["paths"]:
        pattern = "^" + re.escape(template).replace(re.escape("{id}"), "[^/]+") + "$"
        if re.match(pattern, rest):
            return template
    raise AssertionError(f"{url} is not described by the OpenAPI document")


def validate(doc: dict[str, Any], url: str, resp: TestResponse) -> None:
    """The response's status is documented for its path and its JSON body matches the documented schema."""
    operation = doc["paths"][template_of(doc, url)]["get"]
    documented = operation["responses"].get(str(resp.status_code))
    assert documented is not None, f"{resp.status_code} not documented for {url}"
    content = documented.get("content", {})
    if "application/json" in content:
        schema = {**content["application/json"]["schema"], "components": doc["components"]}
        errors = sorted(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(resp.get_json()), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    elif content:
        assert resp.mimetype in content, (resp.mimetype, list(content))


def get(client: FlaskClient, doc: dict[str, Any], url: str, **kwargs: Any) -> TestResponse:
    """GET an API URL and check the answer against the document."""
    resp = client.get(url, **kwargs)
    validate(doc, url, resp)
    return resp
