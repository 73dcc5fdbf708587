from . import cli

cli(prog_name="cctracker")
