"""Deployment artefacts: the ASK CLI project, the manifest, the gunicorn config, the
container's start command and the files that must agree with one another."""

from __future__ import annotations

import gc
import json
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from skill.__main__ import main
from skill.commands._model_source import BUILT_IN_PATTERNS

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
MODELS = ROOT / "interaction_model"
ENDPOINT = "https://example.org/alexa"
LAUNCH_PHRASES = ("open", "start", "launch", "begin", "load", "run", "talk to", "use")
# Words Alexa lets sit between "ask <invocation name>" and the utterance.
CONNECTING_WORDS = ("to", "for", "about", "if", "whether", "that")
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-0000000000aa"


# --- the ASK CLI project ---------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Run from elsewhere: the command must find its sources from the package, not the CWD.
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "project"
    assert main(["package", "--out", str(out), "--endpoint", ENDPOINT]) == 0
    return out


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_package_writes_the_ask_cli_layout(project: Path) -> None:
    files = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    models = sorted(f"skill-package/interactionModels/custom/{p.name}" for p in MODELS.glob("*.json"))
    assert files == sorted(["ask-resources.json", "skill-package/skill.json", *models])
    assert read_json(project / "ask-resources.json") == {
        "askcliResourcesVersion": "2020-03-31",
        "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
    }
    for source in MODELS.glob("*.json"):
        copied = project / "skill-package" / "interactionModels" / "custom" / source.name
        assert read_json(copied) == read_json(source)


def test_packaged_manifest_is_complete(project: Path) -> None:
    manifest = read_json(project / "skill-package" / "skill.json")["manifest"]
    assert manifest["manifestVersion"] == "1.0"

    publishing = manifest["publishingInformation"]
    assert publishing["isAvailableWorldwide"] is False
    # en-AU serves New Zealand too (DESIGN.md, emergency numbers); each country's locale exists.
    assert publishing["distributionCountries"] == ["AU", "CA", "GB", "IN", "NZ", "US"]
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    assert publishing["testingInstructions"].strip()
    us = publishing["locales"]["en-US"]
    assert us["name"] == "My Back Stretches"
    assert us["summary"].strip() and len(us["summary"]) <= 160
    assert 1 <= len(us["examplePhrases"]) <= 3
    assert us["keywords"]
    # Amazon's health-skill policy: every locale's description carries the disclaimer, and
    # names the care provider in that locale's words.
    providers = {
        "en-US": "your doctor or midwife",
        "en-CA": "your health care provider",
        "en-GB": "your midwife or gp",
        "en-AU": "your midwife, gp or obstetrician",
        "en-IN": "your doctor",
    }
    assert set(publishing["locales"]) == set(providers)
    for locale, info in publishing["locales"].items():
        description = info["description"].lower()
        assert "not a substitute for professional medical advice" in description, locale
        assert f"check with {providers[locale]} before" in description, locale
        assert info["name"] == "My Back Stretches" and 0 < len(info["summary"]) <= 160, locale
        assert 1 <= len(info["examplePhrases"]) <= 3 and info["keywords"], locale
        assert ("antenatal" if locale in ("en-GB", "en-AU", "en-IN") else "prenatal") in info["keywords"]

    privacy = manifest["privacyAndCompliance"]
    assert {
        k: privacy[k]
        for k in (
            "allowsPurchases",
            "usesPersonalInfo",
            "isChildDirected",
            "isExportCompliant",
            "containsAds",
        )
    } == {
        "allowsPurchases": False,
        "usesPersonalInfo": False,
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
    }
    # Each locale links the notice the service serves on the endpoint's own host.
    assert {loc: v["privacyPolicyUrl"] for loc, v in privacy["locales"].items()} == {
        loc: f"https://example.org/privacy?locale={loc}" for loc in providers
    }

    assert manifest["apis"]["custom"]["endpoint"] == {"uri": ENDPOINT, "sslCertificateType": "Trusted"}
    assert "ALEXA_PRESENTATION_APL" in {
        i["type"] for i in manifest["apis"]["custom"]["interfaces"]
    }  # issue 14
    assert {"type": "CAN_FULFILL_INTENT_REQUEST"} in manifest["apis"]["custom"]["interfaces"]  # issue 15
    events = manifest["events"]
    assert events["endpoint"]["uri"] == ENDPOINT
    # SKILL_DISABLED deletes her data; a withdrawn reminders permission forgets her reminder.
    assert [e["eventName"] for e in events["subscriptions"]] == [
        "SKILL_DISABLED",
        "SKILL_PERMISSION_ACCEPTED",
        "SKILL_PERMISSION_CHANGED",
    ]
    assert manifest["permissions"] == [{"name": "alexa::alerts:reminders:skill:readwrite"}]  # issue 12


def test_certificate_type_option_reaches_both_endpoints(tmp_path: Path) -> None:
    out = tmp_path / "p"
    assert main(["package", "--out", str(out), "--endpoint", ENDPOINT, "--certificate-type", "Wildcard"]) == 0
    manifest = read_json(out / "skill-package" / "skill.json")["manifest"]
    assert manifest["apis"]["custom"]["endpoint"]["sslCertificateType"] == "Wildcard"
    assert manifest["events"]["endpoint"]["sslCertificateType"] == "Wildcard"


def test_endpoint_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILL_ENDPOINT_URL", "https://skill.example.net/alexa")
    assert main(["package", "--out", str(tmp_path / "p")]) == 0
    manifest = read_json(tmp_path / "p" / "skill-package" / "skill.json")["manifest"]
    assert manifest["apis"]["custom"]["endpoint"]["uri"] == "https://skill.example.net/alexa"


@pytest.mark.parametrize(
    "argv", [[], ["--endpoint", "http://example.org/alexa"], ["--endpoint", "https://example.org:8443/alexa"]]
)
def test_missing_or_unusable_endpoint_exits_2(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SKILL_ENDPOINT_URL", raising=False)
    out = tmp_path / "p"
    assert main(["package", "--out", str(out), *argv]) == 2
    assert not out.exists()


def _broken_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit) -> None:
    import skill.commands.package as package

    manifest = read_json(DEPLOY / "skill.json")
    edit(manifest["manifest"])
    path = tmp_path / "skill.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(package, "MANIFEST", path)


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda m: m["publishingInformation"]["locales"]["en-GB"].update(
                examplePhrases=["Alexa, ask my back stretches to juggle"]
            ),
            "en-GB: example phrase 'Alexa, ask my back stretches to juggle' is no sample of its model",
        ),
        (
            lambda m: m["publishingInformation"]["locales"]["en-IN"].update(description="Stretches."),
            "en-IN: the description must say it is 'not a substitute for professional medical advice'",
        ),
        (
            lambda m: m["privacyAndCompliance"]["locales"].pop("en-AU"),
            "en-AU: no privacyAndCompliance locale",
        ),
        (
            lambda m: m["publishingInformation"]["locales"].pop("en-CA"),
            "en-CA: a model but no publishingInformation",
        ),
    ],
    ids=["phrase", "disclaimer", "privacy", "publishing"],
)
def test_package_checks_every_locale_and_writes_nothing_on_a_problem(
    edit, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_manifest(tmp_path, monkeypatch, edit)
    for argv in (["--endpoint", ENDPOINT], ["--target", "lambda"]):
        out = tmp_path / "p"
        assert main(["package", "--out", str(out), *argv]) == 1
        assert says in capsys.readouterr().err
        assert not out.exists()


def test_every_locale_passes_the_package_checks() -> None:
    from skill.commands.package import manifest_problems, read_sources

    assert manifest_problems(*read_sources()) == []


def test_repackaging_drops_a_removed_locale(project: Path) -> None:
    stale = project / "skill-package" / "interactionModels" / "custom" / "xx-XX.json"
    stale.write_text("{}", encoding="utf-8")
    assert main(["package", "--out", str(project), "--endpoint", ENDPOINT]) == 0
    assert not stale.exists()


# --- the manifest agrees with the interaction models -----------------------------------


def _manifest() -> dict:
    return read_json(DEPLOY / "skill.json")["manifest"]


def _model(locale: str) -> dict:
    return read_json(MODELS / f"{locale}.json")["interactionModel"]["languageModel"]


def _normalize(text: str) -> str:
    return " ".join(text.lower().strip().rstrip(".?!").split())


def _utterance_patterns(model: dict) -> list[re.Pattern[str]]:
    """Each sample as a regex; a {slot} of a custom type matches its values and synonyms."""
    values: dict[str, list[str]] = {}
    for t in model.get("types", []):
        values[t["name"]] = [
            s for v in t["values"] for s in [v["name"]["value"], *v["name"].get("synonyms", [])]
        ]
    patterns = []
    for intent in model["intents"]:
        slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            parts = re.split(r"(\{[^}]+\})", _normalize(sample))
            regex = ""
            for part in parts:
                if part.startswith("{"):
                    kind = slot_types[part[1:-1]]
                    choices = values.get(kind)
                    # a built-in type (AMAZON.TIME, issue 12): what the chat's matcher accepts
                    built_in = BUILT_IN_PATTERNS.get(kind, ".+")
                    regex += "(?:" + "|".join(map(re.escape, choices)) + ")" if choices else built_in
                else:
                    regex += re.escape(part)
            patterns.append(re.compile(regex))
    return patterns


def _utterance_of(phrase: str, invocation: str) -> str | None:
    """What the user asks for in an example phrase; None for a plain launch."""
    text = _normalize(phrase)
    assert text.startswith("alexa, "), phrase
    text = text[len("alexa, ") :]
    for launch in LAUNCH_PHRASES:
        if text == f"{launch} {invocation}":
            return None
    match = re.fullmatch(rf"(?:ask|tell) {re.escape(invocation)} (.+)", text)
    assert match, f"{phrase!r} neither launches nor asks {invocation!r}"
    words = match.group(1).split(" ", 1)
    if words[0] in CONNECTING_WORDS and len(words) == 2:
        return words[1]
    return match.group(1)


def test_example_phrases_are_sample_utterances() -> None:
    for locale, info in _manifest()["publishingInformation"]["locales"].items():
        model = _model(locale)
        patterns = _utterance_patterns(model)
        for phrase in info["examplePhrases"]:
            utterance = _utterance_of(phrase, model["invocationName"])
            if utterance is None:
                continue
            assert any(p.fullmatch(utterance) for p in patterns), f"{phrase!r}: {utterance!r} is no sample"


def test_example_phrase_check_rejects_an_unknown_utterance() -> None:
    model = _model("en-US")
    utterance = _utterance_of("Alexa, ask my back stretches to juggle", model["invocationName"])
    assert not any(p.fullmatch(utterance) for p in _utterance_patterns(model))


def test_manifest_locales_match_the_models() -> None:
    manifest = _manifest()
    models = {p.stem for p in MODELS.glob("*.json")}
    assert set(manifest["publishingInformation"]["locales"]) == models
    assert set(manifest["privacyAndCompliance"]["locales"]) == models


# --- gunicorn ---------------------------------------------------------------------------

GUNICORN_ENV = ("BIND", "PORT", "WEB_CONCURRENCY", "LOG_LEVEL", "FORWARDED_ALLOW_IPS")


def _gunicorn_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for name in GUNICORN_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = _gunicorn_settings(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["workers"] == 2
    assert 0 < conf["timeout"] < 8, "must give up before Alexa's 8 s deadline"
    assert 0 < conf["graceful_timeout"] <= 10
    assert conf["loglevel"] == "info"
    assert "127.0.0.1" in conf["forwarded_allow_ips"]
    assert conf["accesslog"] == "-"


def test_gunicorn_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _gunicorn_settings(monkeypatch, PORT="9001")["bind"] == "127.0.0.1:9001"
    conf = _gunicorn_settings(monkeypatch, BIND="0.0.0.0:8000", WEB_CONCURRENCY="5", LOG_LEVEL="WARNING")
    assert (conf["bind"], conf["workers"], conf["loglevel"]) == ("0.0.0.0:8000", 5, "warning")


def test_each_worker_freezes_the_app_it_built(monkeypatch: pytest.MonkeyPatch) -> None:
    # Full collections then skip the ~50,000 start-up objects (a ~30 ms stall otherwise).
    hook = _gunicorn_settings(monkeypatch)["post_worker_init"]
    try:
        hook(None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_access_log_format_carries_no_personal_data(monkeypatch: pytest.MonkeyPatch) -> None:
    fmt = _gunicorn_settings(monkeypatch)["access_log_format"]
    # h: client address, r: request line with query string, q: query, a: user agent,
    # f: referer, u: user, {...}i: request headers (Signature etc.), {...}e: environ.
    for atom in ("%(h)s", "%(r)s", "%(q)s", "%(a)s", "%(f)s", "%(u)s"):
        assert atom not in fmt
    assert not re.search(r"%\(\{[^}]*\}[ie]\)s", fmt)
    for atom in ("%(m)s", "%(U)s", "%(s)s"):
        assert atom in fmt


# --- the container's start command, run for real on loopback -----------------------------


def _dockerfile_instruction(name: str) -> str:
    """The (last) instruction `name`, with line continuations joined."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = [
        line.strip()[len(name) :].strip()
        for line in text.splitlines()
        if line.strip().upper().startswith(name + " ")
    ]
    assert found, f"no {name} in the Dockerfile"
    return found[-1]


def _dockerfile_cmd() -> list[str]:
    cmd = json.loads(_dockerfile_instruction("CMD"))  # exec form, so signals reach gunicorn
    assert isinstance(cmd, list) and cmd[0] == "gunicorn"
    return cmd


def _app_can_be_built() -> str | None:
    """Why the app cannot be served yet, or None. Other parts of the project land in
    parallel; until skill.web.app and its handlers exist the serve test has nothing to run."""
    try:
        from skill.web.app import create_app

        create_app({"STORAGE_BACKEND": "memory", "ALEXA_SKILL_IDS": SKILL_ID})
    except ImportError as exc:
        return f"skill.web.app is not importable yet ({exc})"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def served(tmp_path: Path):
    """The Dockerfile's CMD, with the venv's gunicorn, on a free loopback port."""
    reason = _app_can_be_built()
    if reason:
        pytest.skip(reason)
    cmd = _dockerfile_cmd()
    cmd[0] = str(Path(sys.executable).with_name("gunicorn"))
    port = _free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "STORAGE_BACKEND": "memory",
        "ALEXA_SKILL_IDS": SKILL_ID,
        "LOG_LEVEL": "INFO",
    }
    env.pop("ALEXA_VERIFY_REQUESTS", None)
    stdout = tmp_path / "stdout.log"
    stderr = tmp_path / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        # Own process group, so the arbiter and its workers are stopped together.
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{stderr.read_text()}")
            try:
                _get(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer within 20 s:\n{stderr.read_text()}")
                time.sleep(0.1)
        yield base, port, stdout
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def test_container_command_serves_healthz(served) -> None:
    base, port, stdout = served
    status, body = _get(base + "/healthz?user=amzn1.ask.account.SECRET")
    assert status == 200
    health = json.loads(body)
    assert health["status"] == "ok"
    assert health["verification"] is True  # on unless explicitly turned off

    # Unknown routes are not served (the proxy 404s them first; the app must agree).
    assert _get(base + "/admin")[0] == 404

    # The container's HEALTHCHECK itself, pointed at this port, reports healthy.
    check = json.loads(_dockerfile_instruction("HEALTHCHECK").split("CMD", 1)[1].strip())
    assert check[0] == "python"
    script = check[-1].replace(":8000/", f":{port}/")
    assert ":8000/" in check[-1]
    assert subprocess.run([sys.executable, *check[1:-1], script], timeout=10).returncode == 0

    # The access log names the route and status but neither the query string nor the client.
    deadline = time.monotonic() + 5
    while "/healthz" not in stdout.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = stdout.read_text()
    assert re.search(r'"GET /healthz" 200 ', log), log
    assert "SECRET" not in log and "user=" not in log
    assert "127.0.0.1 " not in log


# --- the deployment files agree with one another ------------------------------------------


def _unit() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / "back-stretches.service").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_systemd_unit_runs_the_container_command_and_can_write_its_database() -> None:
    unit = _unit()
    exec_start = unit["ExecStart"][0].replace('"', "").split()
    assert Path(exec_start[0]).name == "gunicorn" and "/.venv/" in exec_start[0]
    assert exec_start[1:] == _dockerfile_cmd()[1:]
    assert unit["EnvironmentFile"] == ["/etc/back-stretches.env"]
    assert unit["ProtectSystem"] == ["strict"] and unit["NoNewPrivileges"] == ["yes"]
    assert unit["User"][0] not in ("", "root")
    sqlite = next(v.split("=", 1)[1] for v in unit["Environment"] if v.startswith("SQLITE_PATH="))
    writable = " ".join(unit["ReadWritePaths"]).split()
    assert any(Path(sqlite).parent == Path(p) or Path(p) in Path(sqlite).parents for p in writable)


def test_caddy_forwards_only_the_public_routes() -> None:
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    code = "\n".join(line.split("#", 1)[0] for line in caddy.splitlines())
    assert sorted(re.findall(r"^\s*path\s+(\S+)\s*$", code, re.M)) == ["/alexa", "/healthz", "/privacy"]
    assert len(re.findall(r"^\s*reverse_proxy\b", code, re.M)) == 3
    assert re.search(r"@privacy \{\s*method GET HEAD\s*path /privacy\s*\}", code)
    assert re.search(r"^\s*respond 404\s*$", code, re.M)
    assert "{$SKILL_DOMAIN}" in code


class _Recorder(dict):
    """A mapping that remembers every setting name read from it."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def get(self, key, default=None):
        self.names.add(key)
        return default


def test_env_example_documents_every_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from skill.commands.package import ENDPOINT_ENV
    from skill.config import Config

    recorder = _Recorder()
    Config.from_mapping(recorder)
    names = set(recorder.names) | set(GUNICORN_ENV) | {ENDPOINT_ENV, "SKILL_DOMAIN", "UPSTREAM"}
    names.discard("AWS_DEFAULT_REGION")  # AWS's own fallback for AWS_REGION
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(), re.M))
    assert names <= documented, names - documented
    assert re.search(r"^ALEXA_SKILL_IDS=\S+", (DEPLOY / "env.example").read_text(), re.M)


# --- the Lambda project (`package --target lambda`) -------------------------------------
# Shapes from the ASK CLI v2's own docs and code (github.com/alexa/ask-cli):
# docs/concepts/Alexa-Skill-Project-Definition.md (profiles.<name>.skillMetadata.src,
# code.<region>.src, skillInfrastructure.type/userConfig), Deploy-Command.md (lambda-deployer
# userConfig: awsRegion, runtime, handler), lib/builtins/deploy-delegates/lambda-deployer/
# helper.js (userConfig.lambda.memorySize/timeout/environmentVariables) and
# lib/controllers/skill-infrastructure-controller/index.js (the ARN goes into
# apis.<domain>.endpoint for each domain under `apis`; userConfig.skillEvents -> events).

LAMBDA_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-0000000000bb"


@pytest.fixture
def lambda_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in (
        "ALEXA_SKILL_IDS",
        "DYNAMODB_TABLE",
        "STORAGE_KEY_SALT",
        "LOG_HASH_SALT",
        "LOG_LEVEL",
        "RETENTION_DAYS",
    ):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "lambda-project"
    assert main(["package", "--target", "lambda", "--out", str(out)]) == 0
    return out


def test_lambda_project_ask_resources_match_the_documented_shape(lambda_project: Path) -> None:
    resources = read_json(lambda_project / "ask-resources.json")
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    assert set(resources["profiles"]) == {"default"}
    profile = resources["profiles"]["default"]
    assert set(profile) == {"skillMetadata", "code", "skillInfrastructure"}
    assert profile["skillMetadata"] == {"src": "./skill-package"}
    assert profile["code"] == {"default": {"src": "./lambda"}}
    infrastructure = profile["skillInfrastructure"]
    assert infrastructure["type"] == "@ask-cli/lambda-deployer"
    user = infrastructure["userConfig"]
    assert (user["runtime"], user["handler"], user["awsRegion"]) == (
        "python3.11",
        "skill.lambda_function.lambda_handler",
        "us-east-1",
    )
    assert set(user["lambda"]) == {"memorySize", "timeout", "environmentVariables"}
    assert (
        isinstance(user["lambda"]["memorySize"], int) and user["lambda"]["timeout"] <= 8
    )  # Alexa waits ~8 s
    assert user["lambda"]["environmentVariables"] == {
        "STORAGE_BACKEND": "dynamodb",
        "DYNAMODB_TABLE": "back-stretches",
        "DYNAMODB_CREATE_TABLE": "off",
    }
    assert all(isinstance(v, str) for v in user["lambda"]["environmentVariables"].values())
    assert user["skillEvents"] == {
        "subscriptions": ["SKILL_DISABLED", "SKILL_PERMISSION_ACCEPTED", "SKILL_PERMISSION_CHANGED"]
    }
    assert set(user) <= {
        "runtime",
        "handler",
        "awsRegion",
        "lambda",
        "skillEvents",
        "targetEndpoint",
        "regionalOverrides",
        "sourceLambda",
    }  # what the deployer and the CLI read


def test_lambda_project_manifest_leaves_the_endpoint_to_the_deployer(lambda_project: Path) -> None:
    manifest = read_json(lambda_project / "skill-package" / "skill.json")["manifest"]
    template = read_json(DEPLOY / "skill.json")["manifest"]
    assert "endpoint" not in manifest["apis"]["custom"]  # the CLI writes the function's ARN here
    assert {k: v for k, v in manifest["apis"]["custom"].items()} == {
        k: v for k, v in template["apis"]["custom"].items() if k != "endpoint"
    }
    assert "events" not in manifest  # re-created by the CLI from skillEvents, with the ARN
    assert {k: v for k, v in manifest.items() if k not in ("apis", "events")} == {
        k: v for k, v in template.items() if k not in ("apis", "events")
    }
    for source in MODELS.glob("*.json"):
        assert read_json(
            lambda_project / "skill-package" / "interactionModels" / "custom" / source.name
        ) == read_json(source)


def test_lambda_project_code_is_the_package_without_the_web_edge(lambda_project: Path) -> None:
    code = lambda_project / "lambda"
    assert sorted(p.name for p in code.iterdir()) == ["requirements.txt", "skill"]
    assert (code / "requirements.txt").read_text() == (ROOT / "requirements-lambda.txt").read_text()
    assert (code / "skill" / "lambda_function.py").is_file()
    assert (code / "skill" / "core" / "content" / "exercises.toml").is_file()
    for absent in ("web", "commands", "__main__.py"):
        assert not (code / "skill" / absent).exists()
    assert not list(code.rglob("__pycache__")) and not list(code.rglob("*.pyc"))
    policy = read_json(lambda_project / "infrastructure" / "dynamodb-policy.json")
    statement = policy["Statement"][0]
    assert statement["Resource"] == "arn:aws:dynamodb:us-east-1:*:table/back-stretches"
    assert set(statement["Action"]) == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}


def test_lambda_project_takes_the_skill_id_from_the_first_deploy(
    lambda_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    states = lambda_project / ".ask" / "ask-states.json"
    states.parent.mkdir()
    states.write_text(
        json.dumps(
            {"askcliStatesVersion": "2020-03-31", "profiles": {"default": {"skillId": LAMBDA_SKILL_ID}}}
        )
    )
    monkeypatch.setenv("STORAGE_KEY_SALT", "a-long-random-secret")
    assert (
        main(
            [
                "package",
                "--target",
                "lambda",
                "--out",
                str(lambda_project),
                "--table",
                "t1",
                "--aws-region",
                "eu-west-1",
            ]
        )
        == 0
    )
    user = read_json(lambda_project / "ask-resources.json")["profiles"]["default"]["skillInfrastructure"][
        "userConfig"
    ]
    environment = user["lambda"]["environmentVariables"]
    assert environment["ALEXA_SKILL_IDS"] == LAMBDA_SKILL_ID
    assert (environment["DYNAMODB_TABLE"], user["awsRegion"]) == ("t1", "eu-west-1")
    assert environment["STORAGE_KEY_SALT"] == "a-long-random-secret"
    assert states.exists()  # the CLI's state (skill id, function ARN) survives repackaging
    assert main(["package", "--target", "lambda", "--out", str(lambda_project), "--skill-id", SKILL_ID]) == 0
    user = read_json(lambda_project / "ask-resources.json")["profiles"]["default"]["skillInfrastructure"][
        "userConfig"
    ]
    assert user["lambda"]["environmentVariables"]["ALEXA_SKILL_IDS"] == SKILL_ID


def test_lambda_settings_are_settings_the_service_knows(lambda_project: Path) -> None:
    from skill.lambda_function import lambda_config

    user = read_json(lambda_project / "ask-resources.json")["profiles"]["default"]["skillInfrastructure"][
        "userConfig"
    ]
    cfg = lambda_config({**user["lambda"]["environmentVariables"], "AWS_REGION": user["awsRegion"]})
    assert (cfg.storage_backend, cfg.dynamodb_table, cfg.dynamodb_create_table) == (
        "dynamodb",
        "back-stretches",
        False,
    )
    example = (DEPLOY / "env.example").read_text()
    for name in user["lambda"]["environmentVariables"]:
        assert f"{name}=" in example
