"""The `satire` command: a click group whose commands live in
`generator/commands/` and are imported only when used, so `--help` is fast.

Exit codes: 0 done, 1 some work failed, 2 bad usage, config or input. Errors
print one line each; only `--debug` shows a traceback.
"""

from __future__ import annotations

import errno
import gc
import importlib
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from generator import __version__
from generator.commands import App
from generator.errors import shown

BUSY = re.compile(r"database (table )?is locked|database is busy")

# name -> "module:attribute"; a module not written yet is left out of the group
COMMANDS = {
    "init": "generator.commands.init:init",
    "check": "generator.commands.check:check",
    "styles": "generator.commands.styles:styles",
    "prompt": "generator.commands.prompt:prompt",
    "generate": "generator.commands.generate:generate",
    "review": "generator.commands.review:review",
    "factcheck": "generator.commands.factcheck:factcheck",
    "publish": "generator.commands.publish:publish",
    "unpublish": "generator.commands.publish:unpublish",
    "build": "generator.commands.build:build",
    "serve": "generator.commands.serve:serve",
    "desk": "generator.commands.desk:desk",
    "editors": "generator.commands.editors:editors",
    "stats": "generator.commands.stats:stats",
    "eval": "generator.commands.evaluate:evaluate",
    "deploy": "generator.commands.deploy:deploy",
    "brief": "generator.commands.brief:brief",
    "run": "generator.commands.run:run",
    "intake": "generator.commands.intake:intake",
    "images": "generator.commands.images:images",
}


class LazyGroup(click.Group):
    """Imports a command's module only when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._load(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        command: click.Command = getattr(module, attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder (default: the nearest folder upwards holding satire.yaml).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(__version__, prog_name="satire")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None, debug: bool) -> None:
    """Write satirical tech-news blogs from briefs, with an LLM and an editor."""
    ctx.obj = App(project_dir=project_dir, debug=debug)


# a write the system refused: a full disk or quota, a read-only or locked-down folder
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def known_error(exc: Exception) -> str | None:
    """One line for a fault of the machine rather than of satire, else None: a
    write the system refused (the file and why) or a state database another
    command kept locked past the wait."""
    if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
        where = shown(Path(exc.filename)) if exc.filename else "a file"
        if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
            return f"{where}: {exc.strerror}: free some space, then run the command again"
        return (
            f"{where}: {exc.strerror}: make the project folder writable, then run the command again"
        )
    if type(exc).__name__ == "OperationalError" and BUSY.search(str(exc)):
        from generator.infra import state  # only now: sqlite3 is loaded, the command ran

        return f".satire/state.db: busy: another satire command kept it locked for more than {state.BUSY_TIMEOUT:g} s; run the command again (what did not finish was not recorded)"
    return None


def run() -> None:
    """The `satire` process (the console script and `python -m generator`): one
    command, then the process ends. The cyclic collector is paused for it: its
    passes over what the imports and a build make freed nothing, and cost a
    tenth of a one-post rebuild. What is left at the end is frozen, so the
    interpreter's exit does not walk it once more. The servers, which run for
    hours, turn the collector back on."""
    gc.disable()
    try:
        main()
    finally:
        gc.freeze()


def main(argv: list[str] | None = None) -> Any:
    """Run the group, turning every error into one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        result = cli.main(args=args, prog_name="satire", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        if debug:
            traceback.print_exc()
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        known = known_error(exc)
        if known:
            click.echo(known, err=True)
            sys.exit(1)
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)",
            err=True,
        )
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
