"""``cctracker prices``: the token price table in effect, its date and each price's source."""

import click

from .base import cli, echo_json, fail, load_config, table


@cli.command("prices")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def prices(as_json):
    """Show the price table costs are computed with (USD per million tokens).

    The bundled table is dated and names where each price came from. Rows in
    $CCTRACKER_HOME/prices.json (same shape as the bundled pricing.json) add
    models or replace a bundled row; they apply to all history at the next
    drain or import. A model no row matches has an unknown cost, never 0.
    """
    from ..usage import pricing

    config = load_config()
    try:
        current = pricing.table(config.home)
    except pricing.PriceFileError as e:
        fail(str(e))
    if as_json:
        echo_json(current)
        return
    click.echo("Price table of %s (%s); a request over %d input tokens is priced at its"
               " long-context rates where a model has them (long: in/out)."
               % (current["price_date"], current["unit"], current["long_context_above"]))
    if current["override"]:
        click.echo("Your overrides: %s" % current["override"])
    rows = []
    for m in current["models"]:
        long = m.get("long_context")
        rows.append({"model": m["match"], "input": _usd(m["input"]), "output": _usd(m["output"]),
                     "cache 5m": _usd(m["cache_write_5m"]), "cache 1h": _usd(m.get("cache_write_1h")),
                     "cache read": _usd(m["cache_read"]),
                     "long": "%g/%g" % (long["input"], long["output"]) if long else "",
                     "from": m["origin"]})
    table(rows)
    click.echo("")
    for source in sorted({m["source"] for m in current["models"]}):
        names = [m["match"] for m in current["models"] if m["source"] == source]
        click.echo("Source of %s: %s" % (", ".join(names) if len(names) <= 3 else "%d models (%s, ...)"
                                         % (len(names), names[0]), source))


def _usd(value):
    # Exact, not rounded to cents: cache reads cost fractions of a cent per million.
    return "" if value is None else "%g" % value
