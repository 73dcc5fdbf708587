"""The one session model: what events mean for sessions, turns, waits, tool calls and projects."""
