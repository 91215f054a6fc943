"""The pose figure an Echo Show draws beside the pacer: two keyframes per stretch.

Pure data and one lookup, used by skill/core/screen.py for the datasource's "figure" key.
The document's "figure" graphic (skill/alexa/apl/stretch.json) is a side view, facing right,
100 x 100 units, floor at y = 92; the pacer moves it between keyframe a and keyframe b.
"""

from __future__ import annotations

from typing import Any

# A keyframe: hip position, then angles in degrees, clockwise, each relative to its parent
# (thigh and torso to the hip; knee to thigh; neck and arm to torso; elbow to arm).
# 0 = leg or arm straight down, torso upright. wallX 0: no wall.
Pose = dict[str, float]
_STAND: Pose = {
    "hipX": 50,
    "hipY": 50,
    "thigh": 0,
    "knee": 0,
    "torso": 0,
    "neck": 0,
    "arm": 10,
    "elbow": 0,
    "wallX": 0,
}
POSES: dict[str, tuple[Pose, Pose, str]] = {
    "cat_cow": (
        {**_STAND, "hipX": 32, "hipY": 70, "knee": 90, "torso": 96, "neck": 30, "arm": -96},
        {**_STAND, "hipX": 32, "hipY": 70, "knee": 90, "torso": 84, "neck": -30, "arm": -84},
        "On hands and knees, rounding the back, then letting the belly lower and looking up",
    ),
    "shoulder_squeezes": (
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "arm": 0, "elbow": -90},
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "arm": 30, "elbow": -110},
        "Sitting tall, drawing the elbows back to squeeze the shoulder blades",
    ),
    "wall_angels": (
        {**_STAND, "hipX": 38, "hipY": 50, "arm": 95, "elbow": -90, "wallX": 30},
        {**_STAND, "hipX": 38, "hipY": 50, "arm": 170, "elbow": -15, "wallX": 30},
        "Standing with the back to a wall, sliding the arms up and down it",
    ),
    "childs_pose": (
        {**_STAND, "hipX": 36, "hipY": 78, "thigh": -80, "knee": 170, "torso": 20, "arm": -20},
        {**_STAND, "hipX": 36, "hipY": 78, "thigh": -80, "knee": 170, "torso": 100, "neck": 10, "arm": 165},
        "Kneeling with knees wide, folding forward with the arms stretched out",
    ),
    # seated versions (routine versions, issue 13): on a chair, feet flat
    "seated_cat_cow": (
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "torso": 22, "neck": 25, "arm": -40},
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "torso": -6, "neck": -20, "arm": -60},
        "Sitting on a chair, rounding the back, then lifting the chest and looking up",
    ),
    "seated_childs_pose": (
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "torso": 10, "arm": -10},
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "torso": 60, "neck": 15, "arm": -30},
        "Sitting with knees wide, folding forward over the bump",
    ),
    "seated_squeezes": (
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "arm": -5, "elbow": -80},
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "arm": 35, "elbow": -100},
        "Sitting tall on a chair, squeezing the shoulder blades together",
    ),
    "seated_chest_opener": (
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "arm": 20},
        {**_STAND, "hipX": 38, "hipY": 70, "thigh": -90, "knee": 90, "torso": -6, "neck": -12, "arm": 55},
        "Sitting tall on a chair, drawing the arms back to open the chest",
    ),
    "chest_opener": (
        {**_STAND, "arm": 15},
        {**_STAND, "torso": -8, "neck": -12, "arm": 45},
        "Standing tall, drawing the arms back to open the chest",
    ),
}


def figure(exercise_id: str | None) -> dict[str, Any]:
    """The datasource's "figure": the stretch's two keyframes and a label for screen readers;
    a standing figure for no stretch or one without a pose."""
    a, b, label = POSES.get(exercise_id or "", (_STAND, _STAND, "A standing figure"))
    return {"label": f"Pose: {label}", "a": dict(a), "b": dict(b)}
