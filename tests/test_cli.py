"""Every command has help, appears in README, and bad input gets one line and a non-zero exit."""

import pathlib
import subprocess
import sys

import pytest
from click.testing import CliRunner

from collector.cli import cli

README = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text()
COMMANDS = sorted(cli.commands)


def test_cli_has_the_documented_commands():
    for name in ("install", "uninstall", "status", "drain", "serve", "import", "export", "forget",
                 "search", "reindex", "report"):
        assert name in COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_works(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: cli %s" % name in result.output or "Usage: cctracker %s" % name in result.output
    assert cli.commands[name].help, "command %s has no help text" % name


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name):
    assert "cctracker %s" % name in README


def test_drain_with_an_empty_spool_says_so(home):
    result = CliRunner().invoke(cli, ["drain", "--json"])
    assert result.exit_code == 0, result.output
    assert '"events": 0' in result.output


def test_bad_config_file_is_one_line_and_exit_1(home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("privacy = 'everything'\n")
    done = subprocess.run([sys.executable, "-m", "collector.cli", "drain"], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "privacy must be 'full' or 'metadata'" in done.stderr


def test_unknown_option_exits_non_zero():
    result = CliRunner().invoke(cli, ["drain", "--nope"])
    assert result.exit_code == 2
