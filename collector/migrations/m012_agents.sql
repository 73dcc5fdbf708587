-- Which coding agent wrote a session, and reasoning tokens kept apart.
--
-- Sessions come from Claude Code, OpenAI Codex and Gemini CLI (more later): a session's
-- agent says which, so every figure can be split or filtered by it
-- (session_id in (select id from sessions where agent = ?) on the views, served by
-- sessions_agent). Existing rows are Claude Code's. The schema takes any name: a new agent
-- needs a reader (collector/agents), not a migration.
--
-- Other agents' token counts are stored in Claude's terms so one table and one price rule
-- serve all: input_tokens = uncached input, cache_read_tokens = cached input, output_tokens
-- includes reasoning. reasoning_tokens keeps the reasoning part apart (Codex
-- reasoning_output_tokens, Gemini thoughts) so a user can check against the agent's own figures.
alter table sessions add column agent text not null default 'claude-code';
create index sessions_agent on sessions(agent, started_at);
alter table token_usage add column reasoning_tokens integer not null default 0;
