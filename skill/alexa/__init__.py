"""The Alexa layer: ask-sdk handlers and interceptors that turn requests into coach events."""
