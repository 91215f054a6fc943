"""Upper-back stretch coach for pregnancy: an Alexa custom skill served by Flask."""

__version__ = "0.1.0"


def create_app(config=None, *, verifier=None, persistence=None):  # noqa: D103 - re-exported
    from skill.app import create_app as _create_app

    return _create_app(config, verifier=verifier, persistence=persistence)
