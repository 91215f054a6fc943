"""The names people use for each stretch, as Alexa hears them, and the stretch each must reach:
one list for the interaction model's resolution and for the conversation (issue 10, point 5)."""

from __future__ import annotations

NAMES_PEOPLE_USE = [
    ("cat", "cat_cow"),
    ("cow", "cat_cow"),
    ("the cat one", "cat_cow"),
    ("Cat-Cow", "cat_cow"),
    ("chest", "chest_opener"),
    ("the chest one", "chest_opener"),
    ("opener", "chest_opener"),
    ("squeeze", "shoulder_squeezes"),
    ("the squeeze one", "shoulder_squeezes"),
    ("snow angels", "wall_angels"),
    ("Child's Pose", "childs_pose"),
    ("childs pose", "childs_pose"),
    ("child\u2019s pose.", "childs_pose"),
]
