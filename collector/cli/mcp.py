"""``cctracker mcp``: the history as an MCP server for Claude Code (stdio)."""

import click

from .base import cli, guard, load_config


@cli.command("mcp")
@guard
def mcp_command():
    """Serve the history to Claude Code over stdio (the Model Context Protocol).

    Tools: search_history, get_session, usage_report, blocks, recent_errors.
    All read-only; text was redacted when stored. Register it with
    `cctracker install --mcp`; Claude Code then starts it for each session.
    """
    from ..claude import mcp_server

    mcp_server.run(load_config().db_path)
