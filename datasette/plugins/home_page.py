"""The dashboard's front door: ``/`` opens the Overview.

A user who opens http://127.0.0.1:8001 wants their numbers, not Datasette's
list of databases. That list stays one click away at ``/-/index`` (and
``/.json`` keeps answering for scripts), so nothing Datasette offers is lost.
"""

from datasette import Response, hookimpl
from datasette.views.index import IndexView

OVERVIEW = "/-/dashboards/overview"


async def home(datasette, request):
    # 302, not 301: browsers cache a permanent redirect for good, and the
    # front page may change in a later version.
    target = datasette.urls.path(OVERVIEW)
    if request.query_string:
        target += "?" + request.query_string
    return Response.redirect(target)


async def datasette_index(datasette, request, send):
    return await IndexView.as_view(datasette)(request, send)


@hookimpl
def register_routes():
    return [
        (r"^/$", home),
        (r"^/-/index(\.(?P<format>jsono?))?$", datasette_index),
    ]
