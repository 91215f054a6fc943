"""Upper-back stretch coach for pregnancy: an Alexa custom skill.

Layers, bottom up (docs/architecture.md draws them):
  skill.core      pure: content, pacing, SSML, routine state, the coach, the stored profile
  skill.storage   persistence adapters and pseudonymous keys
  skill.alexa     ask-sdk handlers and interceptors: requests in, coach events out
  skill.web       the Flask edge and Alexa request verification
  skill.commands  python -m skill ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skill.version import __version__

__all__ = ["__version__", "create_app"]


if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None, *, verifier: Any = None, persistence: Any = None) -> Flask:
    """gunicorn's entry point ('skill:create_app()'); see skill.web.app.create_app. Imported
    lazily so `python -m skill plan` and the Lambda entry need no Flask."""
    from skill.web.app import create_app as _create_app

    return _create_app(config, verifier=verifier, persistence=persistence)
