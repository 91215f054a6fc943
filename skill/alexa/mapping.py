"""A parsed envelope (a dict) -> ask-sdk-model objects, with the skill's own serializer.

Both entry points map through here: the web edge after verification (skill/web/endpoint.py), the
Lambda handler with the event the runtime has already decoded (skill/lambda_function.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

__all__ = ["ModelSerializer", "iso_stamp", "parsed_deserializer"]


class ModelSerializer(DefaultSerializer):
    """The SDK's DefaultSerializer, remembering which class each model name stands for.

    Mapping one envelope resolves about 30 model names ("ask_sdk_model.context.Context", ...)
    through __import__ and getattr, a quarter of the mapping's time; the answer never changes
    within a process. Overrides the private, name-mangled
    _DefaultSerializer__load_class_from_name (the SDK's own lookup, unchanged since 1.0):
    should a release rename it, this override is simply never called, and
    tests/test_mapping.py fails so that the change is noticed. Only successful lookups are
    kept, so the dictionary holds at most the SDK's own model names.
    """

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        found = self._classes.get(class_name)
        if found is None:
            found = self._classes[class_name] = super()._DefaultSerializer__load_class_from_name(  # type: ignore[misc]
                class_name
            )
        return found


def iso_stamp(raw: object) -> datetime | None:
    """An ISO 8601 request timestamp, aware (a zone-less one is read as UTC); else None."""
    if not isinstance(raw, str):
        return None
    try:
        stamp = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def parsed_deserializer(serializer: DefaultSerializer) -> Callable[[dict[str, Any]], RequestEnvelope]:
    """Map an already-parsed envelope to ask-sdk-model objects with the skill's own serializer.

    DefaultSerializer.deserialize() only takes a JSON string and decodes it again; the
    mapping step it then runs is the name-mangled _DefaultSerializer__deserialize (private,
    but the SDK's own code path, and stable since ask-sdk-core 1.0). Should a release rename
    it, this falls back to the public method at the cost of one more decode, and
    tests/test_app.py fails so that the change is noticed.

    The SDK parses request.timestamp with dateutil (about 80 us, the largest single step of
    the mapping); an ISO 8601 stamp - what Alexa sends - is parsed with the standard library
    instead and set on the mapped request. Anything else is left to the SDK, which refuses it.
    """
    mapped = getattr(serializer, "_DefaultSerializer__deserialize", None)
    if mapped is None:
        return lambda data: serializer.deserialize(json.dumps(data), RequestEnvelope)

    def to_envelope(data: dict[str, Any]) -> RequestEnvelope:
        request = data["request"]
        stamp = iso_stamp(request.get("timestamp"))
        if stamp is None:
            return mapped(data, RequestEnvelope)
        rest = {key: value for key, value in request.items() if key != "timestamp"}
        envelope = mapped({**data, "request": rest}, RequestEnvelope)
        envelope.request.timestamp = stamp
        return envelope

    return to_envelope
