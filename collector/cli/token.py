"""``cctracker token``: a random access token for CCTRACKER_TOKEN."""

import secrets

import click

from .base import cli


@cli.command()
def token():
    """Print a new random token (43 URL-safe characters, 256 bits).

    Use it as CCTRACKER_TOKEN: the API and the dashboard then ask for it on
    every request (Authorization: Bearer <token>), on loopback too. Both
    refuse a token shorter than 32 characters.
    """
    click.echo(secrets.token_urlsafe(32))
