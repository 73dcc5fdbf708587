"""Git remotes without the credentials a URL may carry (issue #14).

Earlier versions stored ``remote.origin.url`` as git reported it, so a clone
made with ``https://oauth2:<token>@gitlab.com/...`` kept the token in
``projects.git_remote``. New remotes pass ``collector.privacy.remote``; this
removes the user-info part of the ones already stored, the same way (frozen
here: a migration imports nothing of the runtime). ``git@host:path`` keeps
its user: it names no secret.
"""


def _strip(url):
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url
    return scheme + sep + authority.rsplit("@", 1)[1] + slash + path


def migrate(conn):
    rows = conn.execute("select id, git_remote from projects where git_remote like '%://%@%'").fetchall()
    for project_id, remote in rows:
        cleaned = _strip(remote)
        if cleaned != remote:
            conn.execute("update projects set git_remote = ? where id = ?", (cleaned, project_id))
