"""Echo devices with screens, as their requests describe them, and a Conversation on one.

Viewports follow Alexa's request reference (context.Viewport): pixels and dpi; APL works in
dp = px * 160 / dpi. Every RenderDocument a screen conversation receives is kept in
PRODUCED so tests/test_screen_validator.py runs Amazon's validator over all of them.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.conversation import Conversation, Said
from tests.envelopes import envelope, iso

APL = "Alexa.Presentation.APL"
RENDER = "Alexa.Presentation.APL.RenderDocument"


def viewport(
    shape: str, px_w: int, px_h: int, dpi: int, *, mode: str = "HUB", touch: bool = True
) -> dict[str, Any]:
    return {
        "experiences": [
            {"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False, "canResize": False}
        ],
        "mode": mode,
        "shape": shape,
        "pixelWidth": px_w,
        "pixelHeight": px_h,
        "dpi": dpi,
        "currentPixelWidth": px_w,
        "currentPixelHeight": px_h,
        "touch": ["SINGLE"] if touch else [],
        "keyboard": [] if touch else ["DIRECTION"],
        "video": {"codecs": ["H_264_42", "H_264_41"]},
    }


# name -> (viewport, dp width x height the document sees)
DEVICES: dict[str, dict[str, Any]] = {
    "Echo Spot (round)": viewport("ROUND", 480, 480, 160),
    "Echo Show 5 (small)": viewport("RECTANGLE", 960, 480, 160),
    "Echo Show 8 (medium)": viewport("RECTANGLE", 1280, 800, 213),
    "Echo Show 10 (large)": viewport("RECTANGLE", 1280, 800, 160),
    "Echo Show 15 (large)": viewport("RECTANGLE", 1920, 1080, 160),
    "Fire TV (tv)": viewport("RECTANGLE", 1920, 1080, 320, mode="TV", touch=False),
}
SHOW_8 = DEVICES["Echo Show 8 (medium)"]

PRODUCED: list[dict[str, Any]] = []  # every RenderDocument directive the screen tests received


def apl_interfaces(max_version: str = "2023.3") -> dict[str, Any]:
    return {APL: {"runtime": {"maxVersion": max_version}}}


def directives(said: Said) -> list[dict[str, Any]]:
    return [d for d in said.response.get("directives") or () if d.get("type") == RENDER]


def payload(said: Said) -> dict[str, Any]:
    found = directives(said)
    assert len(found) == 1, f"expected one RenderDocument, got {len(found)}"
    return found[0]["datasources"]["payload"]


class ScreenConversation(Conversation):
    """A Conversation on a device with a screen; it can also touch the screen's buttons."""

    def __init__(
        self, client: Any, *, device: dict[str, Any] = SHOW_8, max_version: str = "2023.3", **kw: Any
    ) -> None:
        super().__init__(client, **kw)
        self.device = device
        self.max_version = max_version
        self.token: str | None = None

    def post(self, body: dict[str, Any], label: str) -> Said:
        body["context"]["System"]["device"]["supportedInterfaces"] = apl_interfaces(self.max_version)
        body["context"]["Viewport"] = self.device
        said = super().post(body, label)
        for directive in directives(said):
            PRODUCED.append(directive)
            self.token = directive["token"]
        return said

    def touch(self, *arguments: Any, token: str | None = None, label: str | None = None) -> Said:
        """A UserEvent from a TouchWrapper whose onPress sent SendEvent(arguments)."""
        return self.post(self._user_event(arguments, token), label or f"touch {arguments!r}")

    def touch_ignored(
        self, *arguments: Any, token: Any = None, request_changes: dict[str, Any] | None = None
    ) -> Said:
        """A touch the skill must ignore: HTTP 200, no speech, no screen, the session unchanged."""
        body = self._user_event(arguments, token)
        body["request"].update(request_changes or {})
        body["context"]["System"]["device"]["supportedInterfaces"] = apl_interfaces(self.max_version)
        body["context"]["Viewport"] = self.device
        raw = self.client.post("/alexa", data=json.dumps(body), content_type="application/json")
        said = Said(raw.status_code, raw.get_json(silent=True) or {})
        assert said.status == 200, said.body
        assert not said.ssml and not directives(said), said.body
        assert said.ends_session is False or "shouldEndSession" not in said.response
        return said

    def _user_event(self, arguments: tuple[Any, ...], token: Any) -> dict[str, Any]:
        request = {
            "type": "Alexa.Presentation.APL.UserEvent",
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": iso(self.clock),
            "locale": "en-US",
            "token": self.token if token is None else token,
            "arguments": list(arguments),
            "source": {
                "type": "TouchWrapper",
                "handler": "Press",
                "id": f"button_{arguments[0] if arguments else ''}",
            },
            "components": {},
        }
        session = self._session()
        session.pop("timestamp")
        return envelope(request, **session)


def test_the_devices_cover_every_viewport_class() -> None:
    """Round, small, medium, large and TV, as dp (what the document's `when` clauses see)."""
    dp = {
        name: (v["pixelWidth"] * 160 // v["dpi"], v["pixelHeight"] * 160 // v["dpi"])
        for name, v in DEVICES.items()
    }
    assert dp["Echo Spot (round)"] == (480, 480) and DEVICES["Echo Spot (round)"]["shape"] == "ROUND"
    assert dp["Echo Show 5 (small)"] == (960, 480)
    assert dp["Echo Show 8 (medium)"] == (961, 600)
    assert dp["Echo Show 10 (large)"] == (1280, 800)
    assert dp["Echo Show 15 (large)"] == (1920, 1080)
    assert dp["Fire TV (tv)"] == (960, 540) and DEVICES["Fire TV (tv)"]["mode"] == "TV"
