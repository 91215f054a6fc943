"""`python -m skill package`: build the ASK CLI v2 project that `ask deploy` uploads.
Longer than ~250 lines: the two targets (self-hosted HTTPS and Lambda) share the checks
every locale must pass before anything is written, and keeping them with both writers is
what makes "nothing written on a failed check" easy to see.

deploy/skill.json and interaction_model/*.json stay the single sources; this command only
copies them into the layout the ASK CLI expects and fills in the endpoint, and each locale's
privacyPolicyUrl (GET /privacy?locale=<locale> on the endpoint's host, skill/web/privacy.py),
so the real domain never has to be committed. Before writing anything it checks every
locale (manifest_problems): a model, the health disclaimer, example phrases that are samples
of that locale's model, a privacy URL; a problem exits 1 and writes nothing.

Two targets (deploy/README.md compares them):
- `--target https` (default): the skill package only; Alexa calls your own HTTPS service.
- `--target lambda`: a whole ASK CLI v2 project for the `@ask-cli/lambda-deployer`, so one
  `ask deploy` creates the skill, the IAM role and the function, and points the skill at it.
  Shapes, from the ASK CLI's own docs and deployer (github.com/alexa/ask-cli, docs/concepts/
  Alexa-Skill-Project-Definition.md and Deploy-Command.md, lib/builtins/deploy-delegates/
  lambda-deployer/helper.js, lib/controllers/skill-infrastructure-controller/index.js):
    ask-resources.json  profiles.default.skillMetadata.src, .code.default.src,
                        .skillInfrastructure {type, userConfig {runtime, handler, awsRegion,
                        lambda {memorySize, timeout, environmentVariables}, skillEvents}}
    skill-package/      skill.json with `apis.custom` but no endpoint: after creating the
                        function the CLI writes its ARN into apis.<domain>.endpoint for every
                        domain under `apis`, and, from userConfig.skillEvents, into
                        events.endpoint with the subscriptions (so `events` is left out here)
    lambda/             the code folder: the `skill` package without its web edge and
                        commands, and requirements.txt (= requirements-lambda.txt), which the
                        CLI's python-pip build flow installs next to it before zipping
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from skill.commands._model_source import language_model, match

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

# --- the Lambda target ------------------------------------------------------------------
TARGETS = ("https", "lambda")
DEFAULT_LAMBDA_OUT = REPO_ROOT / "build" / "lambda-project"
PACKAGE_DIR = REPO_ROOT / "skill"
LAMBDA_REQUIREMENTS = REPO_ROOT / "requirements-lambda.txt"
LAMBDA_DEPLOYER = "@ask-cli/lambda-deployer"
LAMBDA_RUNTIME = "python3.11"
LAMBDA_HANDLER = "skill.lambda_function.lambda_handler"
# Alexa's North America endpoint region; the table must live in the function's region.
DEFAULT_AWS_REGION = "us-east-1"
LAMBDA_MEMORY_MB = 512  # the CLI's own default; CPU (so cold start) grows with memory
# Alexa gives up after ~8 s (D:custom-skills/send-the-user-a-progressive-response.html); a
# function still running then only costs money. The CLI's default is 15.
LAMBDA_TIMEOUT_S = 8
DEFAULT_TABLE = "back-stretches"
# Left out of the Lambda code folder: the Flask edge, the CLI, and build leftovers.
NOT_IN_LAMBDA = ("web", "commands", "__main__.py", "__pycache__", "*.pyc")
# Settings copied from the packaging shell into the function's environment when set there.
PASSED_SETTINGS = ("LOG_LEVEL", "RETENTION_DAYS", "STORAGE_KEY_SALT", "LOG_HASH_SALT")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "package",
        help="write the ASK CLI skill project (skill.json + interaction models; --target lambda: + the function)",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="https",
        help="https: your own HTTPS service (default); lambda: AWS Lambda + DynamoDB via the lambda-deployer",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output directory (default: {DEFAULT_OUT.relative_to(REPO_ROOT)}, "
        f"or {DEFAULT_LAMBDA_OUT.relative_to(REPO_ROOT)} for lambda)",
    )
    parser.add_argument(
        "--skill-id",
        default=None,
        help="lambda: the skill id for ALEXA_SKILL_IDS (default: $ALEXA_SKILL_IDS, else the id the "
        "first `ask deploy` stored in OUT/.ask/ask-states.json)",
    )
    parser.add_argument(
        "--aws-region",
        default=DEFAULT_AWS_REGION,
        help=f"lambda: AWS region of the function and table (default {DEFAULT_AWS_REGION})",
    )
    parser.add_argument(
        "--table",
        default=None,
        help=f"lambda: DynamoDB table name (default: $DYNAMODB_TABLE, else {DEFAULT_TABLE})",
    )
    parser.add_argument(
        "--endpoint",
        default=None,
        help=f"public HTTPS URL of POST /alexa (default: ${ENDPOINT_ENV})",
    )
    parser.add_argument(
        "--certificate-type",
        choices=CERTIFICATE_TYPES,
        default="Trusted",
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


# --- checks every locale must pass before anything is written ---------------------------
# Amazon's health-skill policy: the description says the skill is no substitute for advice.
DISCLAIMER = "not a substitute for professional medical advice"
SUMMARY_MAX = 160
LAUNCH_PHRASES = ("open", "start", "launch", "begin", "load", "run", "talk to", "use")
CONNECTING_WORDS = ("to", "for", "about", "if", "whether", "that")  # "ask <name> to ..."
PRIVACY_PATH = "/privacy"


def phrase_utterance(phrase: str, invocation: str) -> str | None:
    """What an example phrase asks the skill ("Alexa, ask my back stretches to do X" -> "do x");
    None for a plain launch; ValueError when it neither launches nor asks the skill."""
    text = " ".join(phrase.lower().strip().rstrip(".?!").split())
    if not text.startswith("alexa, "):
        raise ValueError(f"{phrase!r} does not start with 'Alexa, '")
    text = text[len("alexa, ") :]
    if any(text == f"{launch} {invocation}" for launch in LAUNCH_PHRASES):
        return None
    for verb in ("ask", "tell"):
        lead = f"{verb} {invocation} "
        if text.startswith(lead):
            words = text[len(lead) :].split(" ", 1)
            return words[1] if words[0] in CONNECTING_WORDS and len(words) == 2 else " ".join(words)
    raise ValueError(f"{phrase!r} neither launches nor asks {invocation!r}")


def manifest_problems(template: dict[str, Any], models: dict[str, dict[str, Any]]) -> list[str]:
    """Why a locale would fail certification or mislead, one line each; empty when all pass."""
    body = template["manifest"]
    publishing = body["publishingInformation"]["locales"]
    privacy = body["privacyAndCompliance"].get("locales", {})
    problems = []
    for locale in sorted(set(publishing) | set(models) | set(privacy)):
        info = publishing.get(locale)
        if info is None:
            problems.append(f"{locale}: a model but no publishingInformation")
            continue
        if locale not in models:
            problems.append(f"{locale}: no interaction_model/{locale}.json")
            continue
        if locale not in privacy:
            problems.append(f"{locale}: no privacyAndCompliance locale (privacyPolicyUrl)")
        if DISCLAIMER not in info.get("description", "").lower():
            problems.append(f"{locale}: the description must say it is {DISCLAIMER!r}")
        if not info.get("name") or not 0 < len(info.get("summary", "")) <= SUMMARY_MAX:
            problems.append(f"{locale}: a name and a summary of at most {SUMMARY_MAX} characters")
        if not info.get("keywords"):
            problems.append(f"{locale}: no keywords")
        phrases = info.get("examplePhrases", [])
        if not 1 <= len(phrases) <= 3:
            problems.append(f"{locale}: one to three example phrases")
        invocation = language_model(models[locale])["invocationName"]
        for phrase in phrases:
            try:
                utterance = phrase_utterance(phrase, invocation)
            except ValueError as exc:
                problems.append(f"{locale}: {exc}")
                continue
            if utterance is not None and not match(models[locale], utterance):
                problems.append(f"{locale}: example phrase {phrase!r} is no sample of its model")
    return problems


def privacy_url(endpoint: str, locale: str) -> str:
    """The notice the service serves, on the endpoint's own host (Caddy forwards /privacy)."""
    parts = urlsplit(endpoint)
    return f"https://{parts.netloc}{PRIVACY_PATH}?locale={locale}"


def build_manifest(template: dict[str, Any], endpoint: str, certificate_type: str) -> dict[str, Any]:
    manifest = copy.deepcopy(template)
    target = {"uri": endpoint, "sslCertificateType": certificate_type}
    body = manifest["manifest"]
    body["apis"]["custom"]["endpoint"] = dict(target)
    for locale, entry in body["privacyAndCompliance"].get("locales", {}).items():
        entry["privacyPolicyUrl"] = privacy_url(endpoint, locale)
    if "events" in body:
        # SkillDisabled events must reach the same service, which deletes the user's data.
        body["events"]["endpoint"] = dict(target)
    return manifest


def read_sources() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """deploy/skill.json and every interaction_model/<locale>.json (fail here, not in the console)."""
    template = json.loads(MANIFEST.read_text(encoding="utf-8"))
    models = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(MODELS_DIR.glob("*.json"))}
    return template, models


def write_project(out: Path, endpoint: str, certificate_type: str) -> list[Path]:
    """Write the project under `out`; returns the files written."""
    template = json.loads(MANIFEST.read_text(encoding="utf-8"))
    resources = {
        "askcliResourcesVersion": ASK_RESOURCES_VERSION,
        "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
    }
    return _write_skill_package(out, resources, build_manifest(template, endpoint, certificate_type))


def _write_skill_package(out: Path, resources: dict[str, Any], manifest: dict[str, Any]) -> list[Path]:
    """ask-resources.json, skill-package/skill.json and every interaction model, in that order."""
    package = out / "skill-package"
    models = package / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    # A locale removed from interaction_model/ must not linger and be deployed again.
    for stale in models.glob("*.json"):
        stale.unlink()
    written = [
        _write_json(out / "ask-resources.json", resources),
        _write_json(package / "skill.json", manifest),
    ]
    for source in sorted(MODELS_DIR.glob("*.json")):
        model = json.loads(source.read_text(encoding="utf-8"))  # fail here, not in the console
        written.append(_write_json(models / source.name, model))
    return written


def lambda_manifest(template: dict[str, Any]) -> dict[str, Any]:
    """The manifest with the endpoints left for the lambda-deployer to fill in."""
    manifest = copy.deepcopy(template)
    body = manifest["manifest"]
    body["apis"]["custom"].pop("endpoint", None)
    body.pop("events", None)  # re-created by the CLI from userConfig.skillEvents, with the ARN
    return manifest


def lambda_resources(
    template: dict[str, Any], environment: dict[str, str], aws_region: str
) -> dict[str, Any]:
    """ask-resources.json for the @ask-cli/lambda-deployer."""
    user_config: dict[str, Any] = {
        "runtime": LAMBDA_RUNTIME,
        "handler": LAMBDA_HANDLER,
        "awsRegion": aws_region,
        "lambda": {
            "memorySize": LAMBDA_MEMORY_MB,
            "timeout": LAMBDA_TIMEOUT_S,
            "environmentVariables": environment,
        },
    }
    subscriptions = [s["eventName"] for s in template["manifest"].get("events", {}).get("subscriptions", [])]
    if subscriptions:  # SKILL_DISABLED must reach the function, which deletes her data
        user_config["skillEvents"] = {"subscriptions": subscriptions}
    return {
        "askcliResourcesVersion": ASK_RESOURCES_VERSION,
        "profiles": {
            "default": {
                "skillMetadata": {"src": "./skill-package"},
                "code": {"default": {"src": "./lambda"}},
                "skillInfrastructure": {"type": LAMBDA_DEPLOYER, "userConfig": user_config},
            }
        },
    }


def lambda_environment(table: str, skill_id: str | None, env: dict[str, str]) -> dict[str, str]:
    """The function's settings: the same names as the web service's (README, Configuration)."""
    environment = {"STORAGE_BACKEND": "dynamodb", "DYNAMODB_TABLE": table, "DYNAMODB_CREATE_TABLE": "off"}
    if skill_id:
        environment["ALEXA_SKILL_IDS"] = skill_id
    for name in PASSED_SETTINGS:
        if env.get(name, "").strip():
            environment[name] = env[name]
    return environment


def deployed_skill_id(out: Path) -> str | None:
    """The skill id a previous `ask deploy` from `out` recorded, if any."""
    states = out / ".ask" / "ask-states.json"
    try:
        found = json.loads(states.read_text(encoding="utf-8"))["profiles"]["default"]["skillId"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if isinstance(found, str) and found else None


def dynamodb_policy(table: str, aws_region: str) -> dict[str, Any]:
    """What the function's role needs on its table (the deployer's role has only CloudWatch Logs)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "StretchProgress",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                "Resource": f"arn:aws:dynamodb:{aws_region}:*:table/{table}",
            }
        ],
    }


def write_lambda_project(
    out: Path, *, skill_id: str | None, aws_region: str, table: str, env: dict[str, str]
) -> list[Path]:
    """Write the Lambda project under `out` (a previous deploy's .ask/ folder is kept)."""
    template = json.loads(MANIFEST.read_text(encoding="utf-8"))
    environment = lambda_environment(table, skill_id, env)
    written = _write_skill_package(
        out, lambda_resources(template, environment, aws_region), lambda_manifest(template)
    )
    code = out / "lambda"
    if code.exists():
        shutil.rmtree(code)  # a module removed from the project must not be deployed again
    shutil.copytree(PACKAGE_DIR, code / "skill", ignore=_not_in_lambda)
    shutil.copyfile(LAMBDA_REQUIREMENTS, code / "requirements.txt")
    written += [code / "skill", code / "requirements.txt"]
    written.append(
        _write_json(out / "infrastructure" / "dynamodb-policy.json", dynamodb_policy(table, aws_region))
    )
    return written


def _not_in_lambda(directory: str, names: list[str]) -> set[str]:
    top = Path(directory) == PACKAGE_DIR
    return {n for n in names if (top and n in NOT_IN_LAMBDA[:3]) or n == "__pycache__" or n.endswith(".pyc")}


def _write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def run(args: argparse.Namespace) -> int:
    if args.target == "lambda":
        return run_lambda(args)
    endpoint = args.endpoint or os.environ.get(ENDPOINT_ENV, "").strip()
    if not endpoint:
        print(f"package: give --endpoint https://YOUR_DOMAIN/alexa or set {ENDPOINT_ENV}", file=sys.stderr)
        return EXIT_USAGE
    problem = endpoint_problem(endpoint)
    if problem:
        print(f"package: {problem}: {endpoint}", file=sys.stderr)
        return EXIT_USAGE
    out = args.out if args.out is not None else DEFAULT_OUT
    if not _checked():
        return 1
    written = write_project(out, endpoint, args.certificate_type)
    for path in written:
        print(path)
    if args.certificate_type != "Trusted":
        print(
            f"package: note: certification requires sslCertificateType Trusted, not {args.certificate_type}",
            file=sys.stderr,
        )
    return 0


def _checked() -> bool:
    problems = manifest_problems(*read_sources())
    for problem in problems:
        print(f"package: {problem}", file=sys.stderr)
    return not problems


def run_lambda(args: argparse.Namespace) -> int:
    out = args.out if args.out is not None else DEFAULT_LAMBDA_OUT
    if not _checked():
        return 1
    env = dict(os.environ)
    skill_id = args.skill_id or env.get("ALEXA_SKILL_IDS", "").strip() or deployed_skill_id(out)
    table = args.table or env.get("DYNAMODB_TABLE", "").strip() or DEFAULT_TABLE
    for path in write_lambda_project(
        out, skill_id=skill_id, aws_region=args.aws_region, table=table, env=env
    ):
        print(path)
    if not skill_id:
        print(
            "package: note: no skill id yet, so ALEXA_SKILL_IDS is unset and only the Lambda trigger "
            "checks it. After the first `ask deploy`, run this command again and deploy once more.",
            file=sys.stderr,
        )
    print(
        "package: note: privacyPolicyUrl stays as deploy/skill.json has it; on Lambda there is no "
        "web service to serve /privacy, so point it at a notice you host (deploy/README.md)",
        file=sys.stderr,
    )
    if not env.get("STORAGE_KEY_SALT", "").strip():
        print(
            "package: note: STORAGE_KEY_SALT is not set; set it before the first user (README, Configuration)",
            file=sys.stderr,
        )
    return 0
