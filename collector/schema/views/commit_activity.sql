CREATE VIEW commit_activity as 
select c.id as commit_id, c.project_id, p.name as project_name, c.session_id,
    date(c.committed_at, 'localtime') as day, c.committed_at, c.sha, c.subject, c.author_name,
    c.files_changed, c.lines_added, c.lines_removed, c.lines_added + c.lines_removed as lines_changed,
    c.by_claude,
    -- A commit found in the git history with no session is counted as Claude Code's.
    coalesce((select s.agent from sessions s where s.id = c.session_id), 'claude-code') as agent
from commits c left join projects p on p.id = c.project_id;
