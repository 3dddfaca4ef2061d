"""How a baked project runs as several instances: the Kubernetes manifests in
deploy/ (use_docker), and the README section on what the instances share, how
they stop, and how many database connections they may open.

The manifests are checked against the project they deploy, not against
themselves: the port gunicorn binds, the paths and Host header the app answers
probes on (its probes are sent, as Kubernetes sends them, to the app under
gunicorn with the manifest's settings), gunicorn's graceful timeout, the
variables the app reads, the user the image runs as, the commands the README
and compose.yaml give; and kubernetes-validate checks them against Kubernetes'
own schemas. There is no cluster here: nothing is deployed.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PRODUCTION_SETTINGS, Bake, gunicorn, postgresql, run
from matrix import MATRIX, uses_redis

TOOLS = Path(sys.executable).parent
MANIFESTS = ("deploy/kubernetes.yaml", "deploy/migrate.yaml")
DOCKER_ROWS = [name for name, row in MATRIX.items() if row["use_docker"]]
# The bakes the README section is read in: the defaults, every option on with
# Neon, and one without Docker.
README_ROWS = ["defaults", "all-on-neon", "all-off"]
SECTION = "### Running several instances"
# Settings that hold a credential, or a URL that may carry one.
SECRET_SETTINGS = frozenset(
    {
        "SECRET_KEY",
        "SECRET_KEY_FALLBACKS",
        "DATABASE_URL",
        "DATABASE_URL_DIRECT",
        "REDIS_URL",
        "SENTRY_DSN",
    }
)


@pytest.fixture(scope="module")
def baked(bake: Bake):
    """The bake of a matrix row, by name (one bake per row per session)."""
    return lambda row: bake(MATRIX[row])


def _documents(project: Path) -> list[dict[str, Any]]:
    documents = []
    for manifest in MANIFESTS:
        text = (project / manifest).read_text(encoding="utf-8")
        documents += [d for d in yaml.safe_load_all(text) if d is not None]
    return documents


def _resource(project: Path, kind: str, component: str) -> dict[str, Any] | None:
    found = [
        d
        for d in _documents(project)
        if d["kind"] == kind
        and d["metadata"]["labels"]["app.kubernetes.io/component"] == component
    ]
    assert len(found) <= 1, f"{len(found)} {kind}s for {component}"
    return found[0] if found else None


def _pod(resource: dict[str, Any]) -> dict[str, Any]:
    return resource["spec"]["template"]["spec"]


def _container(resource: dict[str, Any]) -> dict[str, Any]:
    (container,) = _pod(resource)["containers"]
    return container


def _web(project: Path) -> dict[str, Any]:
    web = _resource(project, "Deployment", "web")
    assert web is not None, "deploy/kubernetes.yaml has no web Deployment"
    return web


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in container.get("env", [])}


def _gunicorn_default(project: Path, variable: str) -> int:
    text = (project / "gunicorn.conf.py").read_text(encoding="utf-8")
    match = re.search(rf'_integer\("{variable}", ([0-9_]+)\)', text)
    assert match, f"gunicorn.conf.py reads no {variable}"
    return int(match.group(1))


def _package(project: Path) -> Path:
    (config,) = project.glob("*/config.py")
    return config.parent


def _config_default(project: Path, variable: str) -> int:
    text = (_package(project) / "config.py").read_text(encoding="utf-8")
    match = re.search(rf'_integer\(environ, "{variable}", ([0-9_]+)', text)
    assert match, f"config.py reads no {variable}"
    return int(match.group(1))


def variables_read(*sources: Path) -> set[str]:
    """The environment variables some Python files name: every upper-case string
    constant, and names built by an f-string from a constant prefix and one of
    the file's lower-case constants (config.py's f"PROXY_FIX_X_{hop.upper()}")."""
    constants: set[str] = set()
    prefixes: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr) and isinstance(
                node.values[0], ast.Constant
            ):
                prefixes.add(node.values[0].value)
    built = {
        prefix + word.upper()
        for prefix in prefixes
        for word in constants
        if re.fullmatch(r"[A-Z][A-Z0-9_]*_", prefix) and re.fullmatch("[a-z]+", word)
    }
    return {c for c in constants if re.fullmatch("[A-Z][A-Z0-9_]+", c)} | built


# Which files each bake has.


@pytest.mark.parametrize("row", list(MATRIX))
def test_manifests_come_with_the_container_image_only(row: str, baked) -> None:
    project = baked(row)
    present = sorted(
        p.relative_to(project).as_posix() for p in (project / "deploy").glob("*")
    )
    assert present == (sorted(MANIFESTS) if MATRIX[row]["use_docker"] else [])
    assert (project / "deploy").exists() == MATRIX[row]["use_docker"]


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_manifests_are_the_resources_the_readme_describes(row: str, baked) -> None:
    project = baked(row)
    kinds = sorted(
        (d["kind"], d["metadata"]["labels"]["app.kubernetes.io/component"])
        for d in _documents(project)
    )
    expected = [("Deployment", "web"), ("Job", "migrate"), ("Service", "web")]
    if MATRIX[row]["use_celery"]:
        expected.append(("Deployment", "worker"))
    assert kinds == sorted(expected)
    for document in _documents(project):
        assert set(document) >= {"apiVersion", "kind", "metadata", "spec"}


# The web pods.


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_probes_reach_the_health_endpoints_on_the_port_gunicorn_binds(
    row: str, baked
) -> None:
    project = baked(row)
    container = _container(_web(project))
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    image_bind = re.search(r"GUNICORN_BIND=(\S+)", dockerfile).group(1)
    bind = _env(container)["GUNICORN_BIND"]["value"]
    assert bind == image_bind, "the manifest and the image must bind alike"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert int(bind.rpartition(":")[2]) == ports["http"]

    trusted = _env(container)["TRUSTED_HOSTS"]["value"].split(",")
    first_trusted = trusted[0].strip().lstrip(".")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = container[probe]["httpGet"]
        assert get["path"] == path, probe
        assert ports.get(get["port"], get["port"]) == ports["http"], probe
        headers = {h["name"]: h["value"] for h in get.get("httpHeaders", [])}
        # The app answers 400 to a Host it does not trust, such as the pod's IP.
        assert headers.get("Host") == first_trusted, probe
        assert get.get("scheme", "HTTP") == "HTTP", probe

    (service,) = [d for d in _documents(project) if d["kind"] == "Service"]
    assert (
        service["spec"]["selector"] == _web(project)["spec"]["selector"]["matchLabels"]
    )
    (port,) = service["spec"]["ports"]
    assert ports.get(port["targetPort"], port["targetPort"]) == ports["http"]


@pytest.mark.slow
@pytest.mark.parametrize("row", ["defaults", "all-on-neon"])
def test_health_endpoints_answer_plain_http_probes(
    row: str, baked, venv_for, default_answers
) -> None:
    """The probes as the manifest sends them (plain HTTP, no X-Forwarded-Proto,
    its Host header), to the app under gunicorn with the manifest's own settings
    and a database that answers: both pass, where any other page would be
    redirected to HTTPS."""
    project = baked(row)
    python = venv_for(project)
    container = _container(_web(project))
    settings = {
        name: str(entry["value"])
        for name, entry in _env(container).items()
        if "value" in entry and name != "GUNICORN_BIND"
    }
    secrets = {name for name, entry in _env(container).items() if "valueFrom" in entry}
    probes = [
        container[probe]["httpGet"] for probe in ("livenessProbe", "readinessProbe")
    ]
    package = str(default_answers["package_name"])
    with postgresql(python, project, package, "app") as url:
        production = {
            **PRODUCTION_SETTINGS,
            "DATABASE_URL": url("app"),
            "DATABASE_URL_DIRECT": url("app"),
        }
        required = {
            name
            for name, entry in _env(container).items()
            if "valueFrom" in entry
            and not entry["valueFrom"]["secretKeyRef"].get("optional", False)
        }
        assert required <= set(production), f"no test value for {required}"
        with gunicorn(
            python,
            project,
            **{k: v for k, v in production.items() if k in secrets},
            **settings,
        ) as server:
            answers = {
                get["path"]: server.get(
                    get["path"],
                    {h["name"]: h["value"] for h in get.get("httpHeaders", [])},
                )
                for get in probes
            }
            page = server.get("/no-such-page", {"Host": settings["TRUSTED_HOSTS"]})
    assert all(get.get("scheme", "HTTP") == "HTTP" for get in probes)
    assert {path: answer.status for path, answer in answers.items()} == {
        "/healthz": 200,
        "/readyz": 200,
    }, {path: answer.body for path, answer in answers.items()}
    assert page.status == 301, "other pages must still be redirected to HTTPS"


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_pods_outlast_gunicorns_graceful_shutdown(row: str, baked) -> None:
    project = baked(row)
    pod = _pod(_web(project))
    container = _container(_web(project))
    graceful = _gunicorn_default(project, "GUNICORN_GRACEFUL_TIMEOUT")
    assert "GUNICORN_GRACEFUL_TIMEOUT" not in _env(container)
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep"
    pause = int(command[1])
    assert pause > 0
    # Kubernetes counts the preStop hook against the grace period.
    assert pod["terminationGracePeriodSeconds"] > pause + graceful


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_app_instances_counts_every_web_pod_a_rollout_can_run(row: str, baked) -> None:
    web = _web(baked(row))
    rollout = web["spec"]["strategy"]["rollingUpdate"]
    instances = int(_env(_container(web))["APP_INSTANCES"]["value"])
    assert instances == web["spec"]["replicas"] + rollout["maxSurge"]
    assert web["spec"]["replicas"] >= 2


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_pods_run_as_the_image_user_on_a_read_only_root(row: str, baked) -> None:
    project = baked(row)
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    user, group = re.search(r"^USER (\d+):(\d+)$", dockerfile, re.M).groups()
    for document in _documents(project):
        if document["kind"] not in ("Deployment", "Job"):
            continue
        pod, container = _pod(document), _container(document)
        name = document["metadata"]["name"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == int(user), name
        assert pod["securityContext"]["runAsGroup"] == int(group), name
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        # gunicorn's worker heartbeat files (and spooled uploads) need a writable /tmp.
        (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
        (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
        assert "emptyDir" in volume, name
        assert set(container["resources"]["requests"]) == {"cpu", "memory"}, name


# What every pod is given.


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_every_variable_the_manifests_set_is_one_the_app_reads(row: str, baked) -> None:
    project = baked(row)
    read = variables_read(
        *_package(project).rglob("*.py"), project / "gunicorn.conf.py"
    )
    for document in _documents(project):
        if document["kind"] in ("Deployment", "Job"):
            unread = set(_env(_container(document))) - read
            assert unread == set(), f"{document['metadata']['name']} sets {unread}"


def test_variables_read_finds_literal_and_built_names(tmp_path) -> None:
    source = tmp_path / "config.py"
    source.write_text(
        'a = environ.get("APP_ENV")\n'
        'hops = ("for", "proto")\n'
        'b = {hop: environ[f"PROXY_FIX_X_{hop.upper()}"] for hop in hops}\n',
        encoding="utf-8",
    )
    assert variables_read(source) >= {"APP_ENV", "PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO"}
    assert "PROXY_FIX_X_HOST" not in variables_read(source)


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_pods_get_production_settings_and_secrets_by_reference(row: str, baked) -> None:
    project = baked(row)
    for document in _documents(project):
        if document["kind"] not in ("Deployment", "Job"):
            continue
        name = document["metadata"]["name"]
        env = _env(_container(document))
        assert env["APP_ENV"]["value"] == "production", name
        assert env["TRUSTED_HOSTS"]["value"], name
        required = {"SECRET_KEY", "DATABASE_URL"}
        if uses_redis(MATRIX[row]):
            required.add("REDIS_URL")
        assert required <= set(env), f"{name} lacks {required - set(env)}"
        for variable in SECRET_SETTINGS & set(env):
            entry = env[variable]
            assert "value" not in entry, f"{name} holds {variable} in the manifest"
            reference = entry["valueFrom"]["secretKeyRef"]
            assert reference["key"] == variable, name
            assert (
                reference["name"]
                == document["metadata"]["labels"]["app.kubernetes.io/name"]
            )


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_manifests_hold_no_secret_values(row: str, baked) -> None:
    project = baked(row)
    env_file = (project / ".env").read_text(encoding="utf-8")
    secret_key = re.search(r"^SECRET_KEY=(.+)$", env_file, re.M).group(1)
    for manifest in MANIFESTS:
        text = (project / manifest).read_text(encoding="utf-8")
        assert secret_key not in text, manifest
        assert not re.search(r"\b(postgres|postgresql|redis|rediss)://", text)
        assert "kind: Secret" not in text, "the Secret is made from production.env"


# The migration Job and the Celery worker.


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_migration_job_runs_the_readmes_command_over_the_direct_url(
    row: str, baked
) -> None:
    project = baked(row)
    job = _resource(project, "Job", "migrate")
    container = _container(job)
    assert container["command"] == ["flask", "--app", "wsgi", "db", "upgrade"]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "flask --app wsgi db upgrade" in readme
    direct = _env(container)["DATABASE_URL_DIRECT"]["valueFrom"]["secretKeyRef"]
    # Neon's pooler cannot run migrations: there the direct URL is required.
    neon = MATRIX[row]["database_provider"] == "neon"
    assert direct.get("optional", False) is not neon
    assert _pod(job)["restartPolicy"] == "Never"


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_worker_deployment_exists_with_celery_only(row: str, baked) -> None:
    project = baked(row)
    worker = _resource(project, "Deployment", "worker")
    assert (worker is not None) == MATRIX[row]["use_celery"]
    if worker is None:
        return
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    compose_command = compose["services"]["worker"]["command"]
    command = _container(worker)["command"]
    assert command[: len(compose_command)] == compose_command
    assert any(a.startswith("--concurrency=") for a in command), (
        "a fixed concurrency, or Celery sizes it from the node's CPUs"
    )
    # A task may run far longer than a request.
    assert (
        _pod(worker)["terminationGracePeriodSeconds"]
        > _pod(_web(project))["terminationGracePeriodSeconds"]
    )
    assert "livenessProbe" not in _container(worker)


@pytest.mark.parametrize("row", ["defaults", "all-on-neon"])
def test_manifests_pass_kubernetes_schema_validation(row: str, baked) -> None:
    # Installed by `make test` (requirements-dev.txt), with Kubernetes' schemas inside.
    validator = TOOLS / "kubernetes-validate"
    project = baked(row)
    validated = run([str(validator), "--strict", *MANIFESTS], cwd=project)
    assert validated.returncode == 0, validated.stdout


# The README.


def _section(project: Path) -> str:
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert SECTION in readme, f"the README has no {SECTION!r}"
    start = readme.index(SECTION)
    end = readme.find("\n## ", start)
    return readme[start:end]


@pytest.mark.parametrize("row", README_ROWS)
def test_readme_explains_running_several_instances_for_the_options_chosen(
    row: str, baked
) -> None:
    answers, project = MATRIX[row], baked(row)
    section = _section(project)
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert readme.index("## Deploy") < readme.index(SECTION)
    for always in ("SECRET_KEY", "APP_INSTANCES", "GUNICORN_GRACEFUL_TIMEOUT"):
        assert always in section, always
    assert ("Neon" in section) == (answers["database_provider"] == "neon")
    assert ("REDIS_URL" in section) == uses_redis(answers)
    assert ("Celery" in section) == answers["use_celery"]
    for docker_only in ("deploy/kubernetes.yaml", "docker compose", "replicas"):
        assert (docker_only in section) == answers["use_docker"], docker_only
    if answers["database_provider"] == "neon":
        assert "<https://neon.com/docs/connect/connection-pooling>" in section


@pytest.mark.parametrize("row", README_ROWS)
def test_readme_connection_budget_matches_the_defaults(row: str, baked) -> None:
    """The worked example's numbers are the baked project's own defaults."""
    project = baked(row)
    section = _section(project)
    workers = _gunicorn_default(project, "WEB_CONCURRENCY")
    pool = _config_default(project, "DB_POOL_SIZE")
    overflow = _config_default(project, "DB_MAX_OVERFLOW")
    per_instance = workers * (pool + overflow)
    times = "\N{MULTIPLICATION SIGN}"
    stated = f"{workers} {times} ({pool} + {overflow}) = {per_instance}"
    assert stated in section, f"the README should say {stated!r}"
    if MATRIX[row]["use_docker"]:
        instances = int(_env(_container(_web(project)))["APP_INSTANCES"]["value"])
        assert f"`APP_INSTANCES={instances}`" in section
        assert f"{instances * per_instance} connections" in section


@pytest.mark.parametrize("row", ["defaults", "all-on-neon"])
def test_readme_states_the_manifests_shutdown_timings(row: str, baked) -> None:
    project = baked(row)
    section = _section(project)
    web = _web(project)
    pause = _container(web)["lifecycle"]["preStop"]["exec"]["command"][1]
    graceful = _gunicorn_default(project, "GUNICORN_GRACEFUL_TIMEOUT")
    assert f"`GUNICORN_GRACEFUL_TIMEOUT` seconds ({graceful}," in section
    assert f"({_pod(web)['terminationGracePeriodSeconds']} in the manifest)" in section
    assert f"`preStop` sleep of {pause} s" in section
    worker = _resource(project, "Deployment", "worker")
    if worker is not None:
        grace = _pod(worker)["terminationGracePeriodSeconds"]
        assert f"(the manifest gives it {grace} s)" in section
