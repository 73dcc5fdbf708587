"""The ``local`` template filter: a stored UTC time as the local ``YYYY-MM-DD HH:MM``
people read (collector.times.local.minute); anything else passes through unchanged."""

import re

from datasette import hookimpl

from collector.times import local as localdays

_STORED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def local(value):
    if isinstance(value, str) and _STORED.match(value):
        return localdays.minute(value)
    return value


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["local"] = local
