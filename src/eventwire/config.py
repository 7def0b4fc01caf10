"""The run configuration: user actor dictionaries and trigger files from ``eventwire.toml``, the
command line or the environment.

A user adds actors and triggers without Python by listing their files (formats:
docs/event-coding.md) in one of three places; the first that gives a list wins:

1. the command line: ``eventwire run ... --dictionaries my-actors.json --triggers my-triggers.tsv``
   (each option repeatable);
2. the environment: ``EVENTWIRE_DICTIONARIES`` and ``EVENTWIRE_TRIGGERS`` (``os.pathsep``-separated);
3. the ``[run]`` table of ``eventwire.toml`` (``--config PATH``, else ``./eventwire.toml`` when it exists)::

       [run]
       dictionaries = ["my-actors.json", "petrarch-actors:/data/Phoenix.Countries.actors.txt"]
       triggers = ["my-triggers.tsv"]

   Relative paths are read from the directory of the file. Other keys are an error (a typo must not
   be ignored silently).

:func:`apply` puts the chosen lists into the two environment variables, which the coder and every
worker process read (:func:`eventwire.actors.dictionary.dictionary_from_env`,
:func:`eventwire.events.patterns.triggers_from_env`).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.events.patterns import TRIGGERS_ENV

#: The configuration file read from the current directory when ``--config`` is not given.
CONFIG_FILE = "eventwire.toml"
#: Environment variable listing user actor dictionaries.
DICTIONARIES_ENV = "EVENTWIRE_DICTIONARIES"
#: Keys of the ``[run]`` table.
RUN_KEYS = ("dictionaries", "triggers")
_PREFIXES = ("petrarch-actors:", "petrarch-agents:")


class ConfigError(ValueError):
    """A configuration file that cannot be read or holds an unknown key or a value of the wrong type."""


@dataclass(slots=True)
class RunSettings:
    """The ``[run]`` table of a configuration file.

    Attributes:
        path: the file read (``None``: no file).
        dictionaries: actor dictionary specs (paths resolved against the file's directory; a
            ``petrarch-actors:``/``petrarch-agents:`` prefix kept).
        triggers: trigger file paths (resolved the same way).
    """

    path: Path | None = None
    dictionaries: list[str] | None = None
    triggers: list[str] | None = None


def _resolve(spec: str, base: Path) -> str:
    prefix = next((p for p in _PREFIXES if spec.startswith(p)), "")
    rest = spec[len(prefix):]
    p = Path(rest).expanduser()
    return prefix + str(p if p.is_absolute() else base / p)


def read_config(path: str | Path) -> RunSettings:
    """Read the ``[run]`` table of a TOML configuration file (a file without one gives empty settings).

    Raises:
        ConfigError: the file cannot be read, is not valid TOML, ``[run]`` is not a table, has a key
            other than :data:`RUN_KEYS`, or a value that is not a string or a list of strings.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    run = data.get("run", {})
    if not isinstance(run, dict):
        raise ConfigError(f"{path}: [run] must be a table")
    unknown = sorted(set(run) - set(RUN_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [run]: {', '.join(unknown)} (known: {', '.join(RUN_KEYS)})")
    out = RunSettings(path=path)
    base = path.resolve().parent
    for key in RUN_KEYS:
        if key not in run:
            continue
        v = run[key]
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise ConfigError(f"{path}: [run] {key} must be a list of file paths (strings)")
        setattr(out, key, [_resolve(x.strip(), base) for x in v])
    return out


def find_config(explicit: str | Path | None = None, cwd: str | Path | None = None) -> RunSettings:
    """The settings of ``explicit`` (``--config``), else of ``eventwire.toml`` in ``cwd`` (default: the
    current directory) when it exists, else empty settings.

    Raises:
        ConfigError: as :func:`read_config`; also when ``explicit`` does not exist.
    """
    if explicit is not None:
        if not Path(explicit).is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        return read_config(explicit)
    default = Path(cwd or ".") / CONFIG_FILE
    return read_config(default) if default.is_file() else RunSettings()


@dataclass(slots=True)
class Applied:
    """Where each list came from, for error messages: variable -> origin (``--triggers``,
    ``EVENTWIRE_TRIGGERS``, ``eventwire.toml [run] triggers``), only for the lists that are set."""

    origins: dict[str, str] = field(default_factory=dict)


def apply(settings: RunSettings, dictionaries: list[str] | None = None, triggers: list[str] | None = None,
          environ: dict | None = None) -> Applied:
    """Set ``EVENTWIRE_DICTIONARIES`` and ``EVENTWIRE_TRIGGERS`` in ``environ`` (default ``os.environ``)
    from the command-line lists, else keep the environment's, else take the configuration file's.

    Returns:
        The origin of each list that is set.
    """
    env = os.environ if environ is None else environ
    applied = Applied()
    for var, option, key, given in ((DICTIONARIES_ENV, "--dictionaries", "dictionaries", dictionaries),
                                    (TRIGGERS_ENV, "--triggers", "triggers", triggers)):
        from_file = getattr(settings, key)
        if given:
            env[var] = os.pathsep.join(given)
            applied.origins[var] = option
        elif env.get(var, "").strip():
            applied.origins[var] = var
        elif from_file:
            env[var] = os.pathsep.join(from_file)
            applied.origins[var] = f"{settings.path} [run] {key}"
    return applied
