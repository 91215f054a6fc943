"""The pure core: content, pacing, SSML, routine state, the coach and the stored profile.

Nothing here imports Flask, ask-sdk or storage code (tests/test_layers.py proves it).
"""
