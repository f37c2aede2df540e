"""docker-compose.yml, the Dockerfile and the settings describe one production topology."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
SERVICES = COMPOSE["services"]


def _resolve(value: str) -> str:
    """Expand ``${VAR:-default}`` and ``${VAR:?message}`` as compose would with VAR unset."""

    def substitute(match: re.Match) -> str:
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if op == ":-":
            return rest
        return {"SECRET_KEY": "k" * 30 + "production-secret-from-environment"}.get(name, "x")

    return re.sub(r"\$\{(\w+)(:[-?])?([^}]*)\}", substitute, str(value))


def _service_env(name: str) -> dict[str, str]:
    return {key: _resolve(value) for key, value in SERVICES[name]["environment"].items()}


def test_compose_has_the_five_processes():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat"}


def test_one_beat_runs_the_schedule_from_settings():
    command = SERVICES["beat"]["command"]
    assert command[:4] == ["celery", "-A", "config", "beat"]
    assert "replicas" not in SERVICES["beat"].get("deploy", {})


def test_postgres_has_a_healthcheck_and_a_volume():
    postgres = SERVICES["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in COMPOSE["volumes"]


def test_web_migrates_then_serves_with_gunicorn_from_the_shared_config():
    command = " ".join(SERVICES["web"]["command"])
    assert command.index("manage.py migrate") < command.index("gunicorn")
    assert "-c config/gunicorn.py config.wsgi:application" in command
    assert (ROOT / "config" / "gunicorn.py").exists()
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]' in DOCKERFILE


def test_web_port_matches_the_dockerfile_and_gunicorn_bind():
    exposed = re.search(r"^EXPOSE (\d+)$", DOCKERFILE, re.M).group(1)
    host_port, container_port = SERVICES["web"]["ports"][0].split(":")
    bind_port = _service_env("web")["GUNICORN_BIND"].rsplit(":", 1)[1]
    assert exposed == container_port == bind_port


def test_worker_runs_the_celery_app_of_the_project():
    assert SERVICES["worker"]["command"][:3] == ["celery", "-A", "config"]
    assert "worker" in SERVICES["worker"]["command"]
    assert (ROOT / "config" / "celery.py").exists()


def test_web_and_worker_wait_for_healthy_dependencies():
    for name in ("web", "worker"):
        depends = SERVICES[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_compose_points_at_its_own_postgres_and_redis():
    env = _service_env("web")
    assert env["DATABASE_URL"].startswith("postgres://lectern:")
    assert "@postgres:5432/lectern" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["DEBUG"] == "0"
    assert _service_env("worker") == {k: v for k, v in env.items() if k != "GUNICORN_BIND"}


def test_compose_environment_satisfies_production_settings():
    """The settings load in production mode from exactly what compose gives web and worker."""
    env = {"PATH": os.environ["PATH"], **_service_env("web")}
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_every_variable_compose_sets_is_documented_in_env_example():
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    for name in ("web", "worker"):
        assert set(SERVICES[name]["environment"]) <= documented


def test_the_readme_says_how_to_choose_host_and_port_and_that_the_first_run_downloads():
    """Every ``make`` variable the README offers exists in the Makefile, and is used by run."""
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for variable in ("HOST", "PORT"):
        assert re.search(rf"make run [^\n]*\b{variable}=", readme), variable
        assert re.search(rf"^{variable} \?=", makefile, re.M), variable
    assert "runserver $(HOST):$(PORT)" in makefile
    assert "first run downloads" in readme
