"""How sessions and figures read on the dashboard's pages (shared by its plugins).

A session without a title (``sessions.title``) shows its first typed prompt, so no row
is blank: slash commands and injected context (``<command-name>``, ``<system-reminder>``
...) start with ``<`` and are skipped; with no prompt at all it reads "Session in
<project>". Durations pick their unit so a short session never reads "0.0 min".
"""

#: For a query over ``session_list`` (it names the view for its correlated subquery).
TITLE_SQL = ("coalesce(nullif(trim(title), ''), (select substr(replace(replace(m.content, char(10), ' '),"
             " char(13), ' '), 1, 90) from messages m where m.session_id = session_list.session_id"
             " and +m.kind = 'prompt' and m.role = 'user' and m.agent_id is null and m.content not like '<%'"
             " order by m.created_at, m.id limit 1), 'Session in ' || project_name)")


def duration(seconds):
    """Seconds as people read them: 45 s, 12 min, 3.4 h."""
    seconds = seconds or 0
    if seconds < 60:
        return "%d s" % round(seconds)
    if seconds < 3600:
        return "%d min" % round(seconds / 60)
    return "%.1f h" % (seconds / 3600)
