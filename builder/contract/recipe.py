"""The recipe contract: the `@recipe` decorator, the `Recipe` it makes, and the context a recipe gets.

A recipe is one decorated function, one pair in, zero or more `Example`s out; it may also offer a
batched form, a batch of pairs in as Arrow columns and columns of examples out, which a build then
uses (the two must agree record for record: `builder.testing.check_recipe` checks it). The
decorator checks it when its module is imported: a kebab-case name, a semver version, a docstring,
the `(pair, ctx)` signature (`(pairs, ctx)` for a batched function), snake_case extra fields,
well-formed parameter declarations, and the contract version the recipe says it was written for
(`contract="2.0"`), which must be one this twcasual keeps.

Contract versions (MAJOR.MINOR; a recipe runs on any twcasual with the same MAJOR and at least its
MINOR):

- 1.0: the first contract; a recipe read any key of its `[recipes.NAME]` table from `ctx.params`.
- 2.0: parameters are declared (`@recipe(params=[Param(...)])`); an undeclared key or a value of
  the wrong type in the config is an error, and `ctx.params` holds every declared parameter.
- 2.1: a recipe may set its own defaults for the core's keys (`@recipe(core_defaults={"min_casual":
  CASUAL_THRESHOLD})`); the config's value still wins.
- 2.2: a recipe may offer a batched form (`builder.contract.batch`): `@recipe(..., batch=function)`
  beside its per-pair function, or `@recipe(..., batched=True)` on a batched function alone.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import random
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, TypeVar

from builder.contract.batch import BatchContext, BatchFunction, PairBatch
from builder.contract.batch_checks import Malformed, first_problems, made_columns
from builder.contract.checks import checked_example
from builder.contract.params import CORE_KEYS, Param, core_default_problem, resolve_params
from builder.errors import RecipeError
from builder.output.layout import RESERVED_NAMES
from builder.types import Example, Pair, Style
from builder.version import __version__

__all__ = ["CONTRACT_VERSION", "Recipe", "RecipeContext", "RecipeFunction", "recipe"]

CONTRACT_VERSION = "2.2"
BATCHED_SINCE = (2, 2)  # the contract that added the batched form
_CHANGES = {2: "parameters are declared with @recipe(params=[Param(...)])"}  # what each MAJOR broke

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
)
_CONTRACT = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_FIELD = re.compile(r"^[a-z][a-z0-9_]*$")

RecipeFunction = Callable[[Pair, "RecipeContext"], Iterable[Example]]
T = TypeVar("T")


class RecipeContext:
    """What a recipe gets besides the pair: its parameters, the pair's style, and seeded randomness.

    The random generator is seeded from the recipe name and the pair id only, so a recipe gives
    the same output for the same pair in every build, process and input order.
    """

    __slots__ = ("recipe", "pair", "params", "_rng", "_picks")

    def __init__(self, recipe: str, pair: Pair, params: Mapping[str, Any] | None = None) -> None:
        self.recipe = recipe
        self.pair = pair
        self.params: Mapping[str, Any] = (
            params if isinstance(params, MappingProxyType) else MappingProxyType(dict(params or {}))
        )
        self._rng: random.Random | None = None
        self._picks = 0

    @property
    def style(self) -> Style | None:
        """The pair's style annotation (particles, interjections, markers), if annotated."""
        return self.pair.style

    @property
    def rng(self) -> random.Random:
        """A `random.Random` seeded from the recipe name and the pair id."""
        if self._rng is None:
            digest = hashlib.blake2b(
                f"{self.recipe}\x00{self.pair.id}".encode(), digest_size=8
            ).digest()
            self._rng = random.Random(int.from_bytes(digest, "big"))
        return self._rng

    def pick(self, options: Sequence[T]) -> T:
        """Pick one of `options`, deterministically for this recipe and pair."""
        if not options:
            raise ValueError("pick() needs at least one option")
        # A hash per draw instead of seeding a Random: pick() runs for every record (hot path).
        self._picks += 1
        digest = hashlib.blake2b(
            f"{self.recipe}\x00{self.pair.id}\x00{self._picks}".encode(), digest_size=8
        ).digest()
        return options[int.from_bytes(digest, "big") % len(options)]


@dataclass(frozen=True)
class Recipe:
    """A registered recipe: the function (or functions) and what the registry checked about it.

    `function` is the per-pair form (None for a recipe that has only a batched form), `batch` the
    batched form (None for a per-pair recipe). A build runs the batched form when there is one.
    """

    name: str
    version: str
    function: RecipeFunction | None = field(repr=False)
    description: str
    fields: tuple[str, ...] = ()
    origin: str = ""
    params: tuple[Param, ...] = ()
    contract: str = CONTRACT_VERSION
    core_defaults: Mapping[str, Any] = field(default_factory=dict, hash=False)  # its defaults for core keys
    batch: BatchFunction | None = field(default=None, repr=False)

    @cached_property
    def field_set(self) -> frozenset[str]:
        """`fields` as a set, for checking every example's extra keys."""
        return frozenset(self.fields)

    @property
    def main_function(self) -> Callable[..., Any]:
        """The function the decorator was put on: the per-pair one, else the batched one."""
        function = self.function if self.function is not None else self.batch
        assert function is not None, "a recipe has a per-pair or a batched form"
        return function

    @property
    def defined_at(self) -> str:
        """Where the function is defined, as `file:line`."""
        function = self.main_function
        code = getattr(function, "__code__", None)
        if code is None:
            return getattr(function, "__module__", "?")
        return f"{code.co_filename}:{code.co_firstlineno}"

    def __call__(self, pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
        if self.function is None:  # batched only: the batched form on a batch of this one pair
            return iter([example for example, _ in self._batched_one(pair, ctx.params, check=False)])
        result = self.function(pair, ctx)
        if result is None:
            return iter(())
        return iter(result)

    def resolve_params(self, given: Mapping[str, Any], where: str = "config") -> dict[str, Any]:
        """Check parameters against the declared ones; return them all, defaults filled in."""
        return resolve_params(self.name, self.params, given, where)

    def checked(self, pair: Pair, params: Mapping[str, Any]) -> list[tuple[Example, str]]:
        """Run on one pair with resolved `params`, as a build does: every example checked, each
        with its extra fields as JSON. A raise or a malformed example is a RecipeError naming the
        recipe, its version and the pair's file and line. A recipe with only a batched form runs
        it on a batch of this one pair."""
        if self.function is None:
            return self._batched_one(pair, params)
        try:
            examples = list(self(pair, RecipeContext(self.name, pair, params)))
        except Exception as error:
            raise self.failed(pair, error) from error
        known = (pair.en, pair.zh)
        checked = []
        for example in examples:
            problem, extra = checked_example(example, self.field_set, known)
            if problem:
                raise RecipeError(f"{self._where(pair)}: malformed example: {problem}")
            checked.append((example, extra))
        return checked

    def _batched_one(self, pair: Pair, params: Mapping[str, Any], check: bool = True) -> list[tuple[Example, str]]:
        """The batched form on a batch of one pair, its examples checked (`check`) and made `Example`s."""
        assert self.batch is not None, "a recipe has a per-pair or a batched form"
        pairs = PairBatch.of([pair])
        try:
            made = made_columns(self.batch(pairs, BatchContext(self.name, pairs, params)), 1)
        except Malformed as problem:
            raise RecipeError(f"{self._where(pair)}: malformed example: {problem}") from None
        except Exception as error:
            raise self.failed(pair, error) from error
        problems = first_problems(made, self.field_set, pairs.en, pairs.zh) if check else {}
        if problems:
            raise RecipeError(f"{self._where(pair)}: malformed example: {problems[0]}")
        columns = zip(made.instruction.to_pylist(), made.output.to_pylist(), made.input.to_pylist(),
                      made.extra.to_pylist(), made.synthetic.to_pylist())
        return [(Example(instruction, output, input_, json.loads(extra) if extra != "{}" else {}, synthetic), extra)
                for instruction, output, input_, extra, synthetic in columns]

    def failed(self, pair: Pair, error: Exception) -> RecipeError:
        """The error of a recipe that raised on a pair: one line naming the recipe and the pair."""
        message = " ".join(str(error).split())  # one line, whatever the recipe raised
        return RecipeError(f"{self._where(pair)}: {type(error).__name__}: {message}")

    def run(self, pair: Pair, params: Mapping[str, Any] | None = None) -> list[Example]:
        """Run the recipe on one pair with a fresh context and the checks of a build."""
        resolved = MappingProxyType(self.resolve_params(params or {}, where="run()"))
        return [example for example, _ in self.checked(pair, resolved)]

    def _where(self, pair: Pair) -> str:
        return f"recipe '{self.name}' {self.version} failed on pair {pair.source}"


def recipe(
    name: str, *, version: str, fields: Sequence[str] = (), params: Sequence[Param] = (),
    contract: str = CONTRACT_VERSION, core_defaults: Mapping[str, Any] | None = None,
    batch: BatchFunction | None = None, batched: bool = False,
) -> Callable[[Callable[..., Any]], Recipe]:
    """Turn a function `(pair, ctx) -> Iterable[Example]` into a checked `Recipe`.

    `name` is kebab-case and unique, `version` is semver, the docstring's first line is the
    description, `fields` names the extra fields the recipe may put in `Example.extra`, `params`
    declares the parameters it reads from `ctx.params`, `contract` is the contract version it
    was written for, and `core_defaults` sets the recipe's own defaults for the core's keys
    (`min_casual`, `min_particles`), which a config can still override. `batch` gives the
    recipe's batched form, `(pairs: PairBatch, ctx: BatchContext) -> Examples`, beside the
    per-pair one; `batched=True` says the decorated function is itself a batched form (and the
    recipe has no per-pair one).
    """

    def decorate(function: Callable[..., Any]) -> Recipe:
        where = f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise RecipeError(f"recipe {where}: name {name!r} is not kebab-case (like 'en-to-casual')")
        if name in RESERVED_NAMES:
            raise RecipeError(f"recipe {where}: the name '{name}' is reserved (used by the dataset layout)")
        if not isinstance(version, str) or not _SEMVER.match(version):
            raise RecipeError(f"recipe '{name}' ({where}): version {version!r} is not semver (like '1.0.0')")
        if not callable(function):
            raise RecipeError(f"recipe '{name}' ({where}): not callable")
        doc = inspect.getdoc(function) or ""
        if not doc.strip():
            raise RecipeError(f"recipe '{name}' ({where}): needs a docstring; its first line is the description")
        _check_signature(name, where, function, "(pairs, ctx)" if batched else "(pair, ctx)")
        for extra in fields:
            if not _FIELD.match(extra):
                raise RecipeError(f"recipe '{name}' ({where}): field name {extra!r} is not snake_case")
        _check_params(name, where, params)
        _check_contract(name, where, contract)
        _check_batch(name, where, batch, batched, contract)
        for key, value in (core_defaults or {}).items():
            problem = core_default_problem(key, value)
            if problem:
                raise RecipeError(f"recipe '{name}' ({where}): {problem}")
        return Recipe(name=name, version=version, function=None if batched else function,
                      description=doc.strip().splitlines()[0], fields=tuple(fields),
                      params=tuple(params), contract=contract,
                      core_defaults=MappingProxyType(dict(core_defaults or {})),
                      batch=function if batched else batch)

    return decorate


def _check_batch(name: str, where: str, batch: Any, batched: bool, contract: str) -> None:
    """Check the batched form a recipe offers, and that it states a contract that has one."""
    if batch is None and not batched:
        return
    if batch is not None and batched:
        raise RecipeError(f"recipe '{name}' ({where}): give either batch=function (beside a per-pair "
                          "function) or batched=True (on a batched function), not both")
    if batch is not None:
        if not callable(batch):
            raise RecipeError(f"recipe '{name}' ({where}): batch= is not callable")
        _check_signature(name, where, batch, "(pairs, ctx)", "its batched form")
    if tuple(map(int, contract.split("."))) < BATCHED_SINCE:
        since = ".".join(map(str, BATCHED_SINCE))
        raise RecipeError(f"recipe '{name}' ({where}) offers a batched form, which recipe contract {since} "
                          f"added, but states contract='{contract}': state contract='{since}'")


def _check_signature(name: str, where: str, function: Callable[..., Any], shape: str = "(pair, ctx)",
                     what: str = "") -> None:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError) as error:
        raise RecipeError(f"recipe '{name}' ({where}): cannot read its signature: {error}") from None
    positional = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    required_keyword = [p for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if len(positional) != 2 or required_keyword:
        subject = f" {what}" if what else ""
        raise RecipeError(f"recipe '{name}' ({where}):{subject} must take exactly {shape}")


def _check_params(name: str, where: str, params: Sequence[Param]) -> None:
    seen: set[str] = set()
    core = {key.name for key in CORE_KEYS}
    for param in params:
        if not isinstance(param, Param):
            raise RecipeError(f"recipe '{name}' ({where}): params must be Param(...) declarations, "
                              f"not {type(param).__name__}")
        problem = param.problem()
        if problem is None and param.name in core:
            problem = f"parameter '{param.name}' is a key the core handles for every recipe"
        if problem is None and param.name in seen:
            problem = f"parameter '{param.name}' is declared twice"
        if problem:
            raise RecipeError(f"recipe '{name}' ({where}): {problem}")
        seen.add(param.name)


def _check_contract(name: str, where: str, contract: str) -> None:
    """Refuse a recipe written for a contract this twcasual does not keep, saying what to do."""
    match = _CONTRACT.match(contract) if isinstance(contract, str) else None
    if match is None:
        raise RecipeError(f"recipe '{name}' ({where}): contract {contract!r} is not MAJOR.MINOR (like "
                          f"'{CONTRACT_VERSION}')")
    wanted = tuple(map(int, match.groups()))
    have = tuple(map(int, CONTRACT_VERSION.split(".")))
    provided = f"twcasual {__version__} keeps recipe contract {CONTRACT_VERSION}"
    if wanted[0] < have[0]:
        changed = "; ".join(f"{major}.0: {what}" for major, what in sorted(_CHANGES.items())
                            if major > wanted[0])
        raise RecipeError(f"recipe '{name}' ({where}) was written for recipe contract {contract}; "
                          f"{provided} (changed since: {changed}): update the recipe and state "
                          f"contract='{CONTRACT_VERSION}'")
    if wanted > have:
        raise RecipeError(f"recipe '{name}' ({where}) was written for recipe contract {contract}, "
                          f"newer than this twcasual: {provided}; upgrade twcasual")
