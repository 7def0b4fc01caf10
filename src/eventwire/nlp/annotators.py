"""Annotators as declared components: what each requires and assigns, and the run order derived from it.

An annotator is a function ``(article, doc) -> None`` that adds its records to a parsed
:class:`~eventwire.records.Article`. It registers with the :func:`annotator` decorator (as spaCy's
``Language.factory(requires=, assigns=)``), declaring the article fields it reads and writes:

* ``"places"``: the list field ``Article.places`` (the annotator fills or replaces it);
* ``"entities+"``: adds items to a list it does not own, never changing or removing the ones there;
* ``"quotes.speaker_code"``: one attribute of the items already in a list (written, not added).

Every annotator may append to ``Article.warnings``. The pipeline itself provides :data:`PROVIDED`
(``sentences`` and spaCy's ``entities``, filled before any annotator runs) and the extraction fields
(body, title, dates, ...), which need no declaration.

**Order.** :func:`annotators` sorts the registered annotators topologically: an annotator runs after
every other annotator that assigns one of the names it requires (the exact name: ``"events"`` is
assigned by the event coder, ``"events.date"`` by the context annotator). Among annotators free to
run, the built-ins go first in :data:`BUILTIN_ANNOTATOR_MODULES` order, then the others in registration
order, so the order is the same in every process whatever the import order. A cycle, a requirement nobody assigns, or a name that is
not a field of the records is an :class:`AnnotatorError`.

**Registration by import.** The built-in modules are imported by :func:`annotators`; an outside
package adds one by an entry point in the group :data:`ENTRY_POINT_GROUP` whose target is the module
(or the function) that applies the decorator, e.g. in its ``pyproject.toml``::

    [project.entry-points."eventwire.annotators"]
    sentiment = "mypackage.sentiment"

**Checking the declarations.** With the environment variable ``EVENTWIRE_CHECK_ASSIGNS=1`` the pipeline
compares each article before and after every annotator and raises :class:`AnnotatorError` when an
annotator changed something it did not declare (:func:`check_assigns`; slow, for tests).
"""
from __future__ import annotations

import copy
import dataclasses
import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.records import Amount, Article, Entity, Event, Place, Quote, Sentence, TimeExpr

if TYPE_CHECKING:
    from spacy.tokens import Doc

Annotator = Callable[[Article, "Doc"], None]

#: Entry-point group through which installed packages add annotators.
ENTRY_POINT_GROUP = "eventwire.annotators"
#: Environment variable: when ``1``, every annotator's writes are checked against its declaration.
CHECK_ENV = "EVENTWIRE_CHECK_ASSIGNS"
#: Names the pipeline fills before any annotator runs (spaCy sentences and named entities).
PROVIDED = frozenset({"sentences", "entities"})
#: The article's list fields and the record type of their items (the names annotators may declare).
LIST_FIELDS: dict[str, type] = {"sentences": Sentence, "entities": Entity, "places": Place, "times": TimeExpr,
                                "quotes": Quote, "amounts": Amount, "events": Event}
#: Modules imported to register the default annotators, in the order that breaks ties.
BUILTIN_ANNOTATOR_MODULES: list[str] = [
    "eventwire.geo.annotate",        # places
    "eventwire.temporal.annotate",   # times
    "eventwire.quotes.annotate",     # quotes
    "eventwire.amounts.annotate",    # amounts
    "eventwire.actors.annotate",     # actor codes of entities and quote speakers
    "eventwire.events.coder",        # events
    "eventwire.context.annotate",    # event location and date
]


class AnnotatorError(Exception):
    """An annotator declaration that cannot run: a cycle, a requirement no annotator assigns, a name
    that is no field of the records, an entry point that fails to load, or (with :data:`CHECK_ENV`) an
    annotator that wrote what it did not declare."""


@dataclass(frozen=True, slots=True)
class AnnotatorSpec:
    """A registered annotator.

    Attributes:
        name: unique name (also the timing stage and the name in warnings).
        fn: the function ``(article, doc) -> None``.
        requires: names it reads (see the module docstring for the forms).
        assigns: names it writes.
        seq: registration number (breaks ties in the order).
    """

    name: str
    fn: Annotator
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    seq: int


_REGISTRY: dict[str, AnnotatorSpec] = {}
_SEQ = [0]
_LOADED = [False]


def _check_name(owner: str, name: str) -> None:
    base = name[:-1] if name.endswith("+") else name
    field, _, attr = base.partition(".")
    kind = LIST_FIELDS.get(field)
    if kind is None:
        top = {f.name for f in dataclasses.fields(Article)}
        if field in top and not attr and not name.endswith("+"):
            return
        raise AnnotatorError(f"annotator '{owner}': '{name}' is not a field of Article "
                             f"(known lists: {', '.join(LIST_FIELDS)})")
    if attr and (name.endswith("+") or attr not in {f.name for f in dataclasses.fields(kind)}):
        raise AnnotatorError(f"annotator '{owner}': '{name}': {kind.__name__} has no field '{attr}'")


def annotator(name: str, requires: Iterable[str] = (), assigns: Iterable[str] = ()) -> Callable[[Annotator], Annotator]:
    """Decorator registering ``fn(article, doc)`` as the annotator ``name``.

    Args:
        name: unique name; registering the same name again replaces the earlier one.
        requires: what it reads: ``"times"``, ``"entities.actor_code"``, ...
        assigns: what it writes: ``"events"``, ``"entities+"``, ``"events.date"``, ...

    Raises:
        AnnotatorError: a name that is not a field of :class:`~eventwire.records.Article` or of its items.
    """
    req, asg = tuple(requires), tuple(assigns)
    for n in req + asg:
        _check_name(name, n)

    def deco(fn: Annotator) -> Annotator:
        old = _REGISTRY.get(name)
        seq = old.seq if old is not None else _SEQ[0]
        _SEQ[0] += old is None
        _REGISTRY[name] = AnnotatorSpec(name, fn, req, asg, seq)
        return fn

    return deco


def unregister(name: str) -> None:
    """Remove the annotator ``name`` (tests registering a stand-in); unknown names are ignored."""
    _REGISTRY.pop(name, None)


def _entry_points():
    from importlib.metadata import entry_points

    return entry_points(group=ENTRY_POINT_GROUP)


def load_annotators() -> None:
    """Import the built-in annotator modules and every installed ``eventwire.annotators`` entry point
    (once per process).

    Raises:
        AnnotatorError: an entry point that fails to load (names it and the error).
    """
    if _LOADED[0]:
        return
    for mod in BUILTIN_ANNOTATOR_MODULES:
        importlib.import_module(mod)
    for ep in _entry_points():
        try:
            ep.load()
        except Exception as exc:
            raise AnnotatorError(f"entry point '{ep.name} = {ep.value}' ({ENTRY_POINT_GROUP}) failed to load: "
                                 f"{type(exc).__name__}: {exc}") from exc
    _LOADED[0] = True


def _rank(s: AnnotatorSpec) -> tuple[int, int]:
    """Tie-break: built-ins in :data:`BUILTIN_ANNOTATOR_MODULES` order (whatever imported them first),
    then the others in registration order."""
    mod = getattr(s.fn, "__module__", None)
    n = len(BUILTIN_ANNOTATOR_MODULES)
    return (BUILTIN_ANNOTATOR_MODULES.index(mod) if mod in BUILTIN_ANNOTATOR_MODULES else n, s.seq)


def run_order(specs: Iterable[AnnotatorSpec]) -> list[AnnotatorSpec]:
    """``specs`` sorted so that each runs after every other one assigning a name it requires; among
    those free to run, built-ins first in :data:`BUILTIN_ANNOTATOR_MODULES` order, then registration
    order (the same order in every process, whatever the import order).

    Raises:
        AnnotatorError: a requirement that neither :data:`PROVIDED` nor an annotator assigns, or a cycle
            (the message lists the annotators in it).
    """
    specs = sorted(specs, key=_rank)
    by_assign: dict[str, list[str]] = {}
    for s in specs:
        for a in s.assigns:
            by_assign.setdefault(a, []).append(s.name)
    after: dict[str, set[str]] = {}
    for s in specs:
        deps = set()
        for r in s.requires:
            producers = [p for p in by_assign.get(r, []) if p != s.name]
            if not producers and r not in PROVIDED:
                raise AnnotatorError(f"annotator '{s.name}' requires '{r}', which no annotator assigns")
            deps.update(producers)
        after[s.name] = deps
    done: list[AnnotatorSpec] = []
    placed: set[str] = set()
    todo = list(specs)
    while todo:
        ready = next((s for s in todo if after[s.name] <= placed), None)
        if ready is None:
            names = ", ".join(f"{s.name} (after {', '.join(sorted(after[s.name] - placed))})" for s in todo)
            raise AnnotatorError(f"annotators wait on each other (a cycle): {names}")
        done.append(ready)
        placed.add(ready.name)
        todo.remove(ready)
    return done


def annotator_specs() -> list[AnnotatorSpec]:
    """Every registered annotator (built-ins and entry points loaded), in run order."""
    load_annotators()
    return run_order(_REGISTRY.values())


def annotators() -> list[tuple[str, Annotator]]:
    """The registered annotators as (name, function), in run order (see :func:`annotator_specs`)."""
    return [(s.name, s.fn) for s in annotator_specs()]


def checking() -> bool:
    """Is :data:`CHECK_ENV` set to ``1``?"""
    return os.environ.get(CHECK_ENV, "") == "1"


def _item_state(item) -> tuple:
    return (item, {f.name: copy.deepcopy(getattr(item, f.name)) for f in dataclasses.fields(item)})


def snapshot(article: Article) -> dict:
    """A copy of what :func:`check_assigns` compares (every field; list items with their field values)."""
    out = {}
    for f in dataclasses.fields(Article):
        v = getattr(article, f.name)
        out[f.name] = [_item_state(x) for x in v] if f.name in LIST_FIELDS else copy.deepcopy(v)
    return out


def check_assigns(spec: AnnotatorSpec, before: dict, article: Article) -> list[str]:
    """What ``spec``'s annotator changed in ``article`` beyond its declaration (empty: nothing).

    ``before`` is :func:`snapshot` taken just before the annotator ran. Appending to ``warnings`` is
    always allowed.
    """
    bad = []
    declared = set(spec.assigns)
    for f in dataclasses.fields(Article):
        name, now = f.name, getattr(article, f.name)
        if name == "warnings":
            if now[: len(before[name])] != before[name]:
                bad.append("warnings: earlier warnings changed")
            continue
        if name in declared:
            continue
        if name not in LIST_FIELDS:
            if now != before[name]:
                bad.append(f"{name}: changed")
            continue
        attrs = {d.split(".", 1)[1] for d in declared if d.startswith(name + ".")}
        old = {id(x): state for x, state in before[name]}
        new_ids = {id(x) for x in now}
        if any(i not in new_ids for i in old):
            bad.append(f"{name}: items removed or replaced")
        added = [x for x in now if id(x) not in old]
        if added and name + "+" not in declared:
            bad.append(f"{name}: {len(added)} items added")
        for x in now:
            if id(x) in old:
                for k, v in old[id(x)].items():
                    if k not in attrs and getattr(x, k) != v:
                        bad.append(f"{name}.{k}: changed")
    return sorted(set(bad))
