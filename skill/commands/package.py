"""`python -m skill package`: build the ASK CLI v2 project that `ask deploy` uploads.

deploy/skill.json and interaction_model/*.json stay the single sources; this command only
copies them into the layout the ASK CLI expects and fills in the endpoint, so the real
domain never has to be committed.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Resolved from this file, not the working directory, so the command works from anywhere.
REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST = REPO_ROOT / "deploy" / "skill.json"
MODELS_DIR = REPO_ROOT / "interaction_model"
DEFAULT_OUT = REPO_ROOT / "build" / "skill-project"
ENDPOINT_ENV = "SKILL_ENDPOINT_URL"
CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")
# The ASK CLI v2 project format version (ask-resources.json "askcliResourcesVersion").
ASK_RESOURCES_VERSION = "2020-03-31"
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "package",
        help="write the ASK CLI skill project (skill.json + interaction models)",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument(
        "--out", type=Path, default=None,
        help=f"output directory (default: {DEFAULT_OUT.relative_to(REPO_ROOT)} in the repository)",
    )
    parser.add_argument(
        "--endpoint", default=None,
        help=f"public HTTPS URL of POST /alexa (default: ${ENDPOINT_ENV})",
    )
    parser.add_argument(
        "--certificate-type", choices=CERTIFICATE_TYPES, default="Trusted",
        help="sslCertificateType for the endpoint; certification requires Trusted (default)",
    )
    parser.set_defaults(func=run)


def endpoint_problem(url: str) -> str | None:
    """Why Alexa would refuse this endpoint, or None. Alexa calls only HTTPS on port 443."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return "the endpoint must be an https:// URL with a host name"
    if parts.port not in (None, 443):
        return "Alexa only calls port 443"
    return None


def build_manifest(template: dict[str, Any], endpoint: str, certificate_type: str) -> dict[str, Any]:
    manifest = copy.deepcopy(template)
    target = {"uri": endpoint, "sslCertificateType": certificate_type}
    body = manifest["manifest"]
    body["apis"]["custom"]["endpoint"] = dict(target)
    if "events" in body:
        # SkillDisabled events must reach the same service, which deletes the user's data.
        body["events"]["endpoint"] = dict(target)
    return manifest


def write_project(out: Path, endpoint: str, certificate_type: str) -> list[Path]:
    """Write the project under `out`; returns the files written."""
    template = json.loads(MANIFEST.read_text(encoding="utf-8"))
    package = out / "skill-package"
    models = package / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    # A locale removed from interaction_model/ must not linger and be deployed again.
    for stale in models.glob("*.json"):
        stale.unlink()
    written = []

    resources = {
        "askcliResourcesVersion": ASK_RESOURCES_VERSION,
        "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
    }
    written.append(_write_json(out / "ask-resources.json", resources))
    written.append(
        _write_json(package / "skill.json", build_manifest(template, endpoint, certificate_type))
    )
    for source in sorted(MODELS_DIR.glob("*.json")):
        model = json.loads(source.read_text(encoding="utf-8"))  # fail here, not in the console
        written.append(_write_json(models / source.name, model))
    return written


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def run(args: argparse.Namespace) -> int:
    endpoint = args.endpoint or os.environ.get(ENDPOINT_ENV, "").strip()
    if not endpoint:
        print(f"package: give --endpoint https://YOUR_DOMAIN/alexa or set {ENDPOINT_ENV}", file=sys.stderr)
        return EXIT_USAGE
    problem = endpoint_problem(endpoint)
    if problem:
        print(f"package: {problem}: {endpoint}", file=sys.stderr)
        return EXIT_USAGE
    out = args.out if args.out is not None else DEFAULT_OUT
    written = write_project(out, endpoint, args.certificate_type)
    for path in written:
        print(path)
    if args.certificate_type != "Trusted":
        print(
            f"package: note: certification requires sslCertificateType Trusted, not {args.certificate_type}",
            file=sys.stderr,
        )
    return 0
