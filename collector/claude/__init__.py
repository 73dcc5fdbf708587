"""Giving history back to Claude Code: restore and resume a session, the MCP server."""
