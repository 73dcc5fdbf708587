-- The inputs of the engagement and productivity scores, per local day over all projects. The
-- scores themselves are defined once, in collector/analytics/scores.py; in Datasette they are the
-- SQL functions engagement_score(wall_seconds, active_seconds, thinking_seconds, user_wait_seconds,
-- prompts) and productivity_score(active_seconds, files_modified, lines_changed, commits,
-- tool_successes, tool_failures) (collector/analytics/sql_functions.py).
create view daily_scores as
select day, sum(sessions) as sessions, round(sum(wall_seconds), 3) as wall_seconds,
    round(sum(active_seconds), 3) as active_seconds, round(sum(user_wait_seconds), 3) as user_wait_seconds,
    round(sum(thinking_seconds), 3) as thinking_seconds, sum(prompts) as prompts,
    sum(files_modified) as files_modified, sum(lines_added + lines_removed) as lines_changed,
    sum(commits) as commits, sum(tool_successes) as tool_successes, sum(tool_failures) as tool_failures
from daily_activity group by day;
