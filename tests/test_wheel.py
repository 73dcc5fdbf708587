"""cctracker as a user installs it: a wheel in a fresh environment, run from elsewhere.

The wheel is built from a copy of the checkout (so nothing untracked or
generated can leak in), installed -- never editable -- into a new virtualenv
in a temporary directory with pip, and with ``pipx install`` and ``uv tool
install`` (each pip-installed into a throwaway virtualenv of its own). Every
command then runs from another directory, with the checkout nowhere on the
path: ``serve --demo`` answers /api/health and the Overview page, ``import``
reads the shared transcripts exactly as the checkout does, and an event run
through the installed hook command is drained and found by ``search``.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile

import pytest

from conftest import HOOK_FIXTURES, ROOT, TRANSCRIPTS, free_port

#: Building, installing (cached downloads) and serving the demo take a few minutes in all.
INSTALL_TIMEOUT = 900
SERVE_TIMEOUT = 300

#: Files that are never part of the wheel.
JUNK = ("__pycache__", ".pyc", ".pyo")

#: Where each top-level folder of the checkout goes in the wheel.
SHIPPED = {"collector": "collector", "hooks": "hooks", "cctracker_client": "cctracker_client",
           "datasette": "collector/dashboard_files"}

PROMPT = "why does the flux capacitor drift by one cent after the wheel install"


def checkout_files():
    """Files a fresh clone of the current work would have, relative to ROOT."""
    if (ROOT / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode()
        names = [n for n in out.split("\0") if n]
    else:  # an exported tree: everything but the environments and caches
        names = [os.path.relpath(os.path.join(d, f), ROOT) for d, dirs, files in os.walk(ROOT)
                 for f in files if not d.startswith(str(ROOT / ".venv"))]
    return sorted(n for n in names if (ROOT / n).is_file() and not any(j in n for j in JUNK))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel built with pip from a copy of the checkout."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    for name in checkout_files():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    out = base / "dist"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
                          capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    assert done.returncode == 0, done.stderr
    [path] = out.glob("cctracker-*.whl")
    return path


def test_wheel_ships_every_file_of_the_packages_and_the_dashboard(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for name in checkout_files():
        top, _, rest = name.partition("/")
        if top in SHIPPED and rest:
            expected.add(SHIPPED[top] + "/" + rest)
    assert expected, "no package files found in the checkout"
    assert sorted(expected - names) == []
    assert "collector/migrations/__init__.py" in names and "collector/usage/pricing.json" in names
    assert "collector/dashboard_files/metadata.yml" in names
    # Nothing may shadow the real Datasette package.
    assert not any(n.startswith("datasette/") for n in names)
    [top_level] = [n for n in names if n.endswith(".dist-info/top_level.txt")]
    assert sorted(zipfile.ZipFile(wheel).read(top_level).decode().split()) == [
        "cctracker_client", "collector", "hooks"]


# ---- installed ---------------------------------------------------------------------------------


def _python():
    """The interpreter behind this test run (a venv's python resolves to it)."""
    return os.path.realpath(sys.executable)


def _install_pip(wheel, base, env):
    venv = base / "venv"
    subprocess.run([_python(), "-m", "venv", str(venv)], check=True, timeout=INSTALL_TIMEOUT)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)]
    _run(install, env)
    reinstall = install[:-1] + ["--force-reinstall", "--no-deps", str(wheel)]
    return venv / "bin", venv / "bin" / "python", (reinstall, env)


def _tools(base, env):
    """pipx and uv, pip-installed into a throwaway virtualenv."""
    venv = base / "tools"
    subprocess.run([_python(), "-m", "venv", str(venv)], check=True, timeout=INSTALL_TIMEOUT)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "pipx", "uv"], env)
    return venv / "bin"


def _install_pipx(wheel, base, env):
    tools = _tools(base, env)
    env = dict(env, PIPX_HOME=str(base / "pipx"), PIPX_BIN_DIR=str(base / "bin"), PIPX_MAN_DIR=str(base / "man"))
    install = [str(tools / "pipx"), "install", "--python", _python(), str(wheel)]
    _run(install, env)
    reinstall = install[:2] + ["--force"] + install[2:]
    return base / "bin", base / "pipx" / "venvs" / "cctracker" / "bin" / "python", (reinstall, env)


def _install_uv(wheel, base, env):
    tools = _tools(base, env)
    env = dict(env, UV_TOOL_DIR=str(base / "uv-tools"), UV_TOOL_BIN_DIR=str(base / "bin"),
               UV_PYTHON_DOWNLOADS="never")
    install = [str(tools / "uv"), "tool", "install", "--python", _python(), str(wheel)]
    _run(install, env)
    reinstall = install[:3] + ["--reinstall"] + install[3:]
    return base / "bin", base / "uv-tools" / "cctracker" / "bin" / "python", (reinstall, env)


INSTALLERS = {"pip": _install_pip, "pipx": _install_pipx, "uv": _install_uv}


def _run(argv, env, cwd=None, check=True, stdin=None, timeout=INSTALL_TIMEOUT, shell=False):
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, input=stdin, timeout=timeout, shell=shell)
    if check:
        assert done.returncode == 0, (argv, done.stdout[-2000:], done.stderr[-2000:])
    return done


class Installed:
    """One installation and a directory far from the checkout to run it in."""

    def __init__(self, how, bin_dir, python, reinstall, base, env):
        self.how, self.bin, self.python, self.base, self.env = how, bin_dir, python, base, env
        self.reinstall = reinstall  # (argv, env): what the README says to run to upgrade
        self.cwd = base / "elsewhere"
        self.cwd.mkdir()

    def cctracker(self, *args, check=True, timeout=300):
        return _run([str(self.bin / "cctracker"), *map(str, args)], self.env, cwd=self.cwd, check=check,
                    timeout=timeout)

    def json(self, *args):
        return json.loads(self.cctracker(*args, "--json").stdout)


@pytest.fixture(scope="module", params=sorted(INSTALLERS))
def installed(request, wheel, tmp_path_factory):
    base = tmp_path_factory.mktemp("installed-" + request.param)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(CCTRACKER_HOME=str(base / "home"), CLAUDE_CONFIG_DIR=str(base / "claude"), HOME=str(base / "user"),
               PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR") or os.path.expanduser("~/.cache/pip"),
               UV_CACHE_DIR=os.environ.get("UV_CACHE_DIR") or os.path.expanduser("~/.cache/uv"))
    (base / "user").mkdir()
    bin_dir, python, reinstall = INSTALLERS[request.param](wheel, base, env)
    return Installed(request.param, bin_dir, python, reinstall, base, env)


@pytest.mark.slow
def test_installed_code_is_the_wheel_not_the_checkout(installed):
    done = _run([str(installed.python), "-c", "import collector, hooks, cctracker_client\n"
                               "from collector.serve import dashboard\n"
                               "print(collector.__file__); print(hooks.__file__); print(dashboard.CONFIG_DIR)"],
                installed.env, cwd=installed.cwd)
    paths = done.stdout.decode().split()
    assert len(paths) == 3
    for path in paths:
        assert "site-packages" in path and not path.startswith(str(ROOT)), path
    assert paths[2].endswith(os.path.join("collector", "dashboard_files"))


@pytest.mark.slow
def test_every_command_answers_help(installed):
    listing = installed.cctracker("--help").stdout.decode()
    commands = [line.split()[0] for line in listing.split("Commands:")[1].splitlines() if line.strip()]
    assert {"install", "import", "serve", "search", "status", "drain"} <= set(commands)
    for name in commands:
        assert installed.cctracker(name, "--help").stdout.decode().startswith("Usage: cctracker %s" % name)


@pytest.mark.slow
def test_import_reads_the_shared_transcripts_as_the_checkout_does(installed, tmp_path):
    ours = installed.json("import", TRANSCRIPTS)
    env = dict(os.environ, CCTRACKER_HOME=str(tmp_path / "checkout-home"))
    theirs = json.loads(_run([sys.executable, "-m", "collector.cli", "import", str(TRANSCRIPTS), "--json"],
                             env).stdout)
    keys = ("files", "files_read", "bytes", "sessions", "messages", "tool_calls", "usage_rows", "agents",
            "turns", "lines", "skipped")
    assert {k: ours.get(k) for k in keys} == {k: theirs.get(k) for k in keys}
    assert ours["files_read"] == 8 and ours["skipped"] == {}


@pytest.mark.slow
def test_hook_event_is_recorded_and_found_by_search(installed):
    settings = installed.base / "claude" / "settings.json"
    installed.cctracker("install")
    [command] = {h["command"] for groups in json.loads(settings.read_text())["hooks"].values()
                 for group in groups for h in group["hooks"]}
    assert str(installed.base) in command and "site-packages" in command  # the installed package's hook
    assert command.startswith('CCTRACKER_HOME="%s" ' % installed.env["CCTRACKER_HOME"])
    payload = json.loads((HOOK_FIXTURES / "user_prompt_submit.json").read_text())
    payload.update(prompt=PROMPT, session_id="wheel-%s" % installed.how, cwd=str(installed.cwd))
    # As Claude Code runs it: through a shell, in its own environment (no CCTRACKER_HOME).
    env = {k: v for k, v in installed.env.items() if k != "CCTRACKER_HOME"}
    done = _run(command, env, cwd=installed.cwd, stdin=json.dumps(payload).encode(), shell=True, timeout=60)
    assert (done.stdout, done.stderr) == (b"", b"")
    assert installed.json("drain")["events"] == 1
    results = installed.json("search", "flux capacitor drift")
    assert results and results[0]["session_uuid"] == "wheel-%s" % installed.how
    assert "flux" in results[0]["snippet"]
    hooks = installed.json("status")["hooks"]
    assert [len(h["events"]) for h in hooks if h["path"] == str(settings)] == [13]


@pytest.mark.slow
def test_hook_survives_a_reinstall(installed):
    settings = installed.base / "claude" / "settings.json"
    installed.cctracker("install")
    before = settings.read_text()
    _run(*installed.reinstall)  # pip --force-reinstall, pipx install --force, uv tool install --reinstall
    assert installed.json("status")["warnings"] == []
    assert installed.cctracker("install").stdout.decode() == "Already installed in %s (13 events).\n" % settings
    assert settings.read_text() == before


def _get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.url, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, url, e.read().decode()


@pytest.mark.slow
def test_serve_demo_answers_health_and_the_overview(installed):
    api, dash = free_port(), free_port()
    proc = subprocess.Popen([str(installed.bin / "cctracker"), "serve", "--demo", "--port", str(api),
                             "--dashboard-port", str(dash)], cwd=installed.cwd, env=installed.env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        while True:
            assert proc.poll() is None, proc.stdout.read().decode()
            try:
                status, _, body = _get("http://127.0.0.1:%d/" % dash)
                break
            except OSError:
                assert time.monotonic() < deadline, "serve --demo did not answer in %d s" % SERVE_TIMEOUT
                time.sleep(0.5)
        health = json.loads(_get("http://127.0.0.1:%d/api/health" % api)[2])
        assert health["status"] == "ok" and health["db_path"].endswith("demo.db")
        status, url, body = _get("http://127.0.0.1:%d/" % dash, timeout=60)
        assert (status, url) == (200, "http://127.0.0.1:%d/-/dashboards/overview" % dash)
        assert "Overview" in body and "vega" in body.lower()
        links = {link["rel"] for link in json.loads(_get("http://127.0.0.1:%d/" % api)[2])["links"]}
        assert {"docs", "openapi", "health"} <= links
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
