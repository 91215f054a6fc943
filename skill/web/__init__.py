"""The web edge: the Flask app and Alexa request verification."""
