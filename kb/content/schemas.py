"""JSON Schemas of the record files, generated from the file models (for editors' completion)."""

from __future__ import annotations

from typing import Any

from kb.content import kinds


def json_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per record kind, plus the sectors, regions and synonyms list files."""
    out: dict[str, dict[str, Any]] = {}
    for kind in kinds.with_files():
        doc = kind.model.model_json_schema()
        doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        doc["title"] = f"kb {kind}"
        out[kind] = doc
    for kind in kinds.with_list_file():
        out[kind.collection] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"kb {kind.collection}",
            "type": "array",
            "items": kind.model.model_json_schema(),
        }
    out["synonyms"] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kb synonyms",
        "type": "array",
        "items": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 1}},
    }
    return out
