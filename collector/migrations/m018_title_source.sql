-- Which line named a session (custom = /rename, hook = SessionStart's session_title, ai = Claude
-- Code's own title, summary = an old summary line, prompt = its first prompt), so a better name
-- replaces a worse one whatever order the lines are read in (collector.store.set_title).
alter table sessions add column title_source text;
update sessions set title_source = 'prompt' where title is not null;
