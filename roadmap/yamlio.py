"""Load YAML input files safely and point every problem at its line and column.

Loading composes the document with PyYAML's safe composer (the C one when available) and then
builds plain data with code of our own, so no tag can ever create a Python object. Before
building, one pass over the node graph refuses non-standard tags, alias bombs and runaway
nesting; while building, duplicate keys and non-scalar keys are refused. Every problem is an
:class:`~roadmap.errors.InputError` carrying ``FILE:LINE:COL: message`` diagnostics.

The result, :class:`LoadedYaml`, keeps an index of where each key and value was written, so
later steps (pydantic validation, cross-reference checks) can report positions too.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import os
import re
import stat
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, MutableSequence, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.constructor import SafeConstructor
from yaml.reader import Reader

from roadmap.errors import Diagnostic, InputError

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "LoadedYaml",
    "Loc",
    "decode",
    "did_you_mean",
    "gc_paused",
    "load_yaml",
    "load_yaml_text",
    "read_input",
    "show_value",
    "validate_model",
    "validation_diagnostics",
]

Loc = tuple[str | int, ...]
"""A path into loaded data: mapping keys (always ``str``) and list indices (``int``)."""

Position = tuple[int, int]
"""A 1-based ``(line, column)``; ``(0, 0)`` when unknown."""

M = TypeVar("M", bound=BaseModel)

MAX_BYTES = 10 * 1024 * 1024
"""Largest input file read, in bytes."""
MAX_NODES = 100_000
"""Most values (scalars, lists and mappings, counted after expanding aliases) in one document."""
MAX_DEPTH = 200
"""Deepest nesting of lists and mappings allowed, after expanding aliases."""

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL = _TAG + "str", _TAG + "int", _TAG + "float", _TAG + "bool"
_NULL, _TIMESTAMP, _SEQ, _MAP = _TAG + "null", _TAG + "timestamp", _TAG + "seq", _TAG + "map"
_MERGE, _VALUE = _TAG + "merge", _TAG + "value"
_SCALAR_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _MERGE, _VALUE})
_SCALAR_WHAT = {
    _INT: "integer",
    _FLOAT: "number",
    _BOOL: "boolean",
    _NULL: "null",
    _TIMESTAMP: "date",
}
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters other than tab and line feed: they would reach a terminal."""
MAX_TEXT = 2_000
"""Longest text value, in characters (a title, a note, an answer)."""
MAX_KEY = 200
"""Longest mapping key, in characters."""
EARLIEST = date(1990, 1, 1)
"""The earliest date any file may hold."""
LATEST = date(2100, 12, 31)
"""The latest date any file may hold."""
_CONSTRUCTOR = SafeConstructor()


class _Composer(Protocol):
    """The part of a PyYAML loader used here."""

    def get_single_node(self) -> yaml.Node | None: ...

    def dispose(self) -> None: ...


def _pick_loader() -> Callable[[str], _Composer]:
    """PyYAML's C safe loader when it was built with libyaml, else the pure-Python one."""
    fast: Callable[[str], _Composer] | None = getattr(yaml, "CSafeLoader", None)
    return fast if fast is not None else yaml.SafeLoader


_LOADER = _pick_loader()


class _Pos:
    """Where one value was written, and where each of its children (and their keys) was."""

    __slots__ = ("at", "children")

    def __init__(self, at: Position) -> None:
        self.at = at
        self.children: dict[str | int, tuple[Position, _Pos]] = {}


@dataclass(frozen=True)
class LoadedYaml:
    """A YAML document as plain data, with the positions of its keys and values."""

    file: str
    """The file name as the user gave it; used in messages."""
    data: Any
    """Plain ``dict`` / ``list`` / ``str`` / ``int`` / ``float`` / ``bool`` / ``None`` / ``date``."""
    _index: _Pos | None = field(default=None, repr=False, compare=False)
    problems: tuple[Diagnostic, ...] = field(default=(), compare=False)
    """Values that could not be read (an impossible date...), kept as their text; only when
    loaded with ``defer=True``: :func:`validate_model` reports them with the model's errors."""
    _text: str | None = field(default=None, repr=False, compare=False)
    """The source, read again for positions the first time one is asked for (issue 14: most
    loads never need one, and the index of a large library is most of its memory)."""
    _lazy: dict[str, _Pos] = field(default_factory=dict, repr=False, compare=False)

    def _positions(self) -> _Pos | None:
        if self._index is not None or self._text is None:
            return self._index
        found = self._lazy.get("index")
        if found is None:
            root = _compose(self._text, self.file)
            assert root is not None  # it was loaded from this very text
            with gc_paused():
                _, found = _Builder(self.file, index=True).build(root)
            self._lazy["index"] = found
        return found

    def position(self, loc: Loc, *, key: bool = False) -> Position:
        """The 1-based ``(line, col)`` of the value at ``loc``, or of its key when ``key``.

        A list item has no key: its value's position is used. When ``loc`` does not exist, the
        position of the value of its nearest existing ancestor is returned; ``(0, 0)`` when the
        data was not loaded from YAML.
        """
        node = self._positions()
        if node is None:
            return (0, 0)
        key_at = node.at
        for part in loc:
            entry = node.children.get(part)
            if entry is None:
                return node.at
            key_at, node = entry
        return key_at if key else node.at

    def diagnostic(self, loc: Loc, message: str, *, key: bool = False) -> Diagnostic:
        """A diagnostic at the value (or key) at ``loc``."""
        line, col = self.position(loc, key=key)
        return Diagnostic(self.file, line, col, message)


# --------------------------------------------------------------------------- reading


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a burst of allocations; restore it after.

    Loading a library and planning it create hundreds of thousands of small objects that all
    stay alive; every collection re-walks them, which was four fifths of the time spent
    loading a 10,000-step library. Reference counting still frees whatever is dropped.
    Nested pauses are fine: only the outermost one turns the collector back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_yaml(path: Path, *, display: str | None = None, defer: bool = False) -> LoadedYaml:
    """Read, decode and load one YAML file whose top level must be a mapping.

    ``display`` is the name used in messages (default: ``str(path)``); ``defer`` as in
    :func:`load_yaml_text`. Raises :class:`InputError` on any problem.
    """
    file = display if display is not None else str(path)
    return load_yaml_text(_decode(read_input(path, file), file), file, defer=defer)


def read_input(path: Path, file: str) -> bytes:
    """The file's bytes, refusing folders, unreadable files and files over :data:`MAX_BYTES`.

    These problems are reported at line 1, column 1, so every diagnostic reads
    ``FILE:LINE:COL: message`` (as linters report a file they cannot open).
    """
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError.at(file, "is a directory, not a YAML file", 1, 1)
        if not stat.S_ISREG(info.st_mode):
            raise InputError.at(file, "is not a regular file (a pipe, a device or a socket): give a YAML file", 1, 1)
        if info.st_size > MAX_BYTES:
            raise InputError.at(file, f"file is too large (over {MAX_BYTES // (1024 * 1024)} MB)", 1, 1)
        with path.open("rb") as stream:  # a regular file: opening cannot block
            raw = stream.read(MAX_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError.at(file, "no such file", 1, 1) from None
    except IsADirectoryError:
        raise InputError.at(file, "is a directory, not a YAML file", 1, 1) from None
    except PermissionError:
        raise InputError.at(file, "cannot read the file: permission denied", 1, 1) from None
    except ValueError:  # a NUL byte in the name
        raise InputError.at(file, "not a valid file name", 1, 1) from None
    except OSError as exc:
        raise InputError.at(file, f"cannot read the file: {exc.strerror or exc}", 1, 1) from None
    if len(raw) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise InputError.at(file, f"file is too large (over {limit} MB)", 1, 1)
    return raw


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text without a leading byte-order mark; the first bad byte is located (:class:`InputError`)."""
    return _decode(raw, file)


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 text without a leading byte-order mark; the first bad byte is located."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8").removeprefix("\ufeff")
        line, col = _line_col(before, len(before))
        message = f"not valid UTF-8 text (byte 0x{raw[exc.start]:02X}): save the file as UTF-8"
        raise InputError.at(file, message, line, col) from None
    return text.removeprefix("\ufeff")


def _line_col(text: str, index: int) -> Position:
    """The 1-based line and column of ``text[index]``, counting YAML's line breaks."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


class _Mark(Protocol):
    """A PyYAML position (pure-Python or libyaml flavour)."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


def _at(mark: _Mark | None) -> Position:
    """A PyYAML mark (0-based) as a 1-based position."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def load_yaml_text(text: str, file: str, *, defer: bool = False) -> LoadedYaml:
    """Load YAML text whose top level must be a mapping; ``file`` names it in messages.

    Mapping keys are always strings: the key's text as written (``yes:`` is ``'yes'``,
    ``1:`` is ``'1'``). YAML 1.1 merge keys (``<<: *base``) are honoured. Raises
    :class:`InputError` on any problem: a syntax or structure problem alone, every value that
    cannot be read (``2027-02-30``) at once. With ``defer``, those values are kept as their
    text and listed in :attr:`LoadedYaml.problems` instead, for :func:`validate_model` to
    report along with the model's own errors.
    """
    text = text.removeprefix("\ufeff")
    bad = Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        line, col = _line_col(text, bad.start())
        message = f"character U+{ord(bad.group()):04X} is not allowed in YAML"
        raise InputError.at(file, message, line, col)
    with gc_paused():
        root = _compose(text, file)
        if root is None:
            raise InputError.at(file, "the file is empty: expected a mapping at the top level", 1, 1)
        aliased = "&" in text  # no anchor, no alias: one pass checks while it builds (issue 14)
        if aliased:
            _Checker(file).check(root, 1)
        builder = _Builder(file, checker=None if aliased else _Checker(file))
        data, _ = builder.build(root)
    if not isinstance(data, dict):
        message = f"expected a mapping at the top level, got {_describe(data)}"
        raise InputError.at(file, message, *_at(root.start_mark))
    if builder.problems and not defer:
        raise InputError(builder.problems)
    return LoadedYaml(file, data, None, tuple(builder.problems), text)


def _compose(text: str, file: str) -> yaml.Node | None:
    """The document's node graph (aliases share nodes), with syntax errors as diagnostics."""
    loader = _LOADER(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(file, text, exc) from None
    except yaml.YAMLError as exc:
        reason = getattr(exc, "reason", None) or str(exc)
        raise InputError.at(file, f"YAML syntax error: {reason}") from None
    except RecursionError:  # the pure-Python composer recurses; find where without recursing
        message = f"nesting is too deep (over {MAX_DEPTH} levels)"
        raise InputError.at(file, message, *_too_deep(text)) from None
    finally:
        loader.dispose()


def _too_deep(text: str) -> Position:
    """Where the first list or mapping nested over :data:`MAX_DEPTH` levels starts."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return _at(event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return (0, 0)


def _syntax_error(file: str, text: str, exc: yaml.MarkedYAMLError) -> InputError:
    """One diagnostic for a PyYAML scanner/parser/composer error, at the problem's mark."""
    mark = exc.problem_mark or exc.context_mark
    line, col = _at(mark)
    context = exc.context or ""
    if context.startswith("expected a single document"):
        return InputError.at(file, "only one YAML document is allowed in a file", line, col)
    message = f"YAML syntax error: {exc.problem or context or 'invalid YAML'}"
    if mark is not None and _char_at(text, mark) == "\t" and "tab" not in message:
        message += " (a tab: use spaces in YAML, not tabs)"
    if exc.problem and context and exc.context_mark is not None:
        where = _at(exc.context_mark)
        if where != (line, col):
            message += f" ({context} started at line {where[0]}, column {where[1]})"
    return InputError.at(file, message, line, col)


def _char_at(text: str, mark: _Mark) -> str:
    """The character at a PyYAML mark's line and column ('' past the end)."""
    lines = _LINE_BREAK.split(text)
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:x`` as ``!!x``; other tags as written."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _kind(node: yaml.Node) -> str:
    """'a list', 'a mapping' or 'a scalar', for messages."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "a scalar"


class _Checker:
    """One pass over the node graph: tags, expanded size, expanded depth, recursive aliases.

    Sizes are memoised per node, so an alias bomb is measured (and refused) in time and
    memory proportional to its *written* size.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.known: dict[int, tuple[int, int]] = {}
        self.active: set[int] = set()
        self.aliased = False

    def fail(self, node: yaml.Node, message: str) -> InputError:
        """An error at ``node``."""
        return InputError.at(self.file, message, *_at(node.start_mark))

    def check(self, node: yaml.Node, depth: int) -> tuple[int, int]:
        """``(expanded size, height)`` of ``node`` found at nesting ``depth``; raises on problems."""
        ident = id(node)
        known = self.known.get(ident)
        if known is not None:
            self.aliased = True
            if depth - 1 + known[1] > MAX_DEPTH:
                raise self.fail(node, f"nesting is too deep (over {MAX_DEPTH} levels)")
            return known
        if ident in self.active:
            raise self.fail(node, "recursive alias: this value contains an alias to itself")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting is too deep (over {MAX_DEPTH} levels)")
        self.check_tag(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        size, height = 1, 1
        self.active.add(ident)
        for child in children:
            child_size, child_height = self.check(child, depth + 1)
            size, height = size + child_size, max(height, child_height + 1)
            if size > MAX_NODES:
                if self.aliased:
                    message = f"aliases expand to over {MAX_NODES:,} values: refused as a likely alias bomb"
                else:
                    message = f"too many values (over {MAX_NODES:,})"
                raise self.fail(child, message)
        self.active.discard(ident)
        self.known[ident] = (size, height)
        return size, height

    def check_tag(self, node: yaml.Node) -> None:
        """Refuse tags that are not plain YAML data, or that do not fit the node."""
        if isinstance(node, yaml.ScalarNode):
            fits = node.tag in _SCALAR_TAGS
        elif isinstance(node, yaml.SequenceNode):
            fits = node.tag == _SEQ
        else:
            fits = node.tag == _MAP
        if fits:
            return
        tag = _short_tag(node.tag)
        if node.tag in _SCALAR_TAGS or node.tag in (_SEQ, _MAP):
            raise self.fail(node, f"tag '{tag}' cannot be used on {_kind(node)}")
        raise self.fail(node, f"tag '{tag}' is not allowed: plain YAML data only")


_NOWHERE = _Pos((0, 0))
"""The position of every value when positions are not recorded; never changed."""


class _Builder:
    """Builds plain data and the position index from a checked node graph."""

    def __init__(self, file: str, checker: _Checker | None = None, *, index: bool = False) -> None:
        self.file = file
        self.index = index
        """Whether to record where each value is (:class:`_Pos`); else every position is :data:`_NOWHERE`."""
        self.problems: list[Diagnostic] = []
        self.checker = checker
        """Given for a graph without aliases, not checked yet: tags, size and depth are checked here."""
        self.count = 0

    def fail(self, node: yaml.Node, message: str) -> InputError:
        """An error at ``node``."""
        return InputError.at(self.file, message, *_at(node.start_mark))

    def visit(self, node: yaml.Node, depth: int) -> None:
        """The checks of :class:`_Checker` for a node of a tree (no node is reached twice)."""
        if self.checker is None:
            return
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting is too deep (over {MAX_DEPTH} levels)")
        self.checker.check_tag(node)
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"too many values (over {MAX_NODES:,})")

    def build(self, node: yaml.Node, depth: int = 1) -> tuple[Any, _Pos]:
        """The value of ``node`` and where its parts are."""
        self.visit(node, depth)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, depth)
        pos = _Pos(_at(node.start_mark)) if self.index else _NOWHERE
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            for index, child in enumerate(node.value):
                value, child_pos = self.build(child, depth + 1)
                items.append(value)
                if self.index:
                    pos.children[index] = (child_pos.at, child_pos)
            return items, pos
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node), pos

    def problem(self, node: yaml.Node, message: str) -> None:
        """A value that cannot be used, reported with the others (deferred)."""
        self.problems.append(Diagnostic(self.file, *_at(node.start_mark), message))

    def check_text(self, node: yaml.ScalarNode, limit: int, what: str) -> bool:
        """Whether the scalar's text is free of control characters and not too long."""
        bad = _CONTROL.search(node.value)
        if bad is not None:
            code = f"U+{ord(bad.group()):04X}"
            self.problem(node, f"control character {code} is not allowed in {what} (only tabs and line breaks)")
            return False
        if len(node.value) > limit and node.tag in (_STR, _MAP, _SEQ):
            self.problem(node, f"{what} is too long ({len(node.value):,} characters; at most {limit:,})")
            return False
        return True

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """A scalar resolved the YAML 1.1 way by PyYAML's safe constructor."""
        if not self.check_text(node, MAX_TEXT, "text"):
            return ""
        try:
            if node.tag == _NULL:
                return None
            if node.tag == _BOOL:
                return _CONSTRUCTOR.construct_yaml_bool(node)
            if node.tag == _INT:
                return _CONSTRUCTOR.construct_yaml_int(node)
            if node.tag == _FLOAT:
                return _CONSTRUCTOR.construct_yaml_float(node)
            if node.tag == _TIMESTAMP:
                if _CONSTRUCTOR.timestamp_regexp.match(node.value) is None:
                    raise ValueError("not a date")
                day = _CONSTRUCTOR.construct_yaml_timestamp(node)
                if not EARLIEST <= (day.date() if isinstance(day, datetime) else day) <= LATEST:
                    where = f"{EARLIEST.year}–{LATEST.year}"
                    raise ValueError(f"outside {where}: dates must lie between {EARLIEST} and {LATEST}")
                return day
        except (ValueError, KeyError, OverflowError) as exc:
            text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            detail = f": {exc}" if node.tag == _TIMESTAMP else ""
            what = _SCALAR_WHAT.get(node.tag, "value")
            self.problems.append(Diagnostic(self.file, *_at(node.start_mark), f"invalid {what} '{text}'{detail}"))
        return str(node.value)

    def key(self, node: yaml.Node) -> str:
        """A mapping key: the text of a scalar, as written."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{_kind(node)} cannot be used as a mapping key")
        if not self.check_text(node, MAX_KEY, "a key"):
            raise InputError([self.problems.pop()])
        return str(node.value)

    def mapping(self, node: yaml.MappingNode, depth: int = 1) -> tuple[dict[str, Any], _Pos]:
        """A mapping, refusing duplicate keys, with YAML 1.1 merge keys applied."""
        pos = _Pos(_at(node.start_mark)) if self.index else _NOWHERE
        explicit: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merged: list[tuple[dict[str, Any], _Pos]] = []
        for key_node, value_node in node.value:
            self.visit(key_node, depth + 1)
            is_merge = isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE
            name = self.key(key_node)
            if name in first_line:
                raise self.fail(key_node, f"duplicate key '{name}' (first at line {first_line[name]})")
            first_line[name] = key_node.start_mark.line + 1
            if is_merge:
                merged.extend(self.merge_sources(value_node, depth + 1))
                continue
            value, value_pos = self.build(value_node, depth + 1)
            explicit[name] = value
            if self.index:
                pos.children[name] = (_at(key_node.start_mark), value_pos)
        if not merged:
            return explicit, pos
        result: dict[str, Any] = {}
        for source, source_pos in merged:  # the first source wins, explicit keys win over all
            for name, value in source.items():
                if name not in result and name not in explicit:
                    result[name] = value
                    if self.index:
                        pos.children[name] = source_pos.children[name]
        result.update(explicit)
        return result, pos

    def merge_sources(self, node: yaml.Node, depth: int = 1) -> list[tuple[dict[str, Any], _Pos]]:
        """The mappings named by a ``<<`` merge key, in order of precedence."""
        self.visit(node, depth)
        nested = isinstance(node, yaml.SequenceNode)
        nodes = node.value if nested else [node]
        sources: list[tuple[dict[str, Any], _Pos]] = []
        for item in nodes:
            if nested:
                self.visit(item, depth + 1)
            if not isinstance(item, yaml.MappingNode):
                message = "'<<' (merge key) must be followed by a mapping or a list of mappings"
                raise self.fail(item, message)
            sources.append(self.mapping(item, depth + 1 if nested else depth))
        return sources


def show_value(value: Any, limit: int = 60) -> str:
    """A value as the user wrote it in YAML: ``2027-01-01``, ``true``, ``'text'``, ``[a, b]`` (not a Python repr)."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date | int | float):
        text = str(value)
    elif isinstance(value, str):
        text = "'" + value.replace("'", "''") + "'"
    elif isinstance(value, Mapping):
        text = "{" + ", ".join(f"{k}: {show_value(v, limit)}" for k, v in value.items()) + "}"
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(show_value(v, limit) for v in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(value: Any) -> str:
    """What kind of value this is, for messages: 'a list', 'an integer', 'null'..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    kinds: tuple[tuple[type, str], ...] = (
        (dict, "a mapping"),
        (list, "a list"),
        (tuple, "a list"),
        (str, "a string"),
        (int, "an integer"),
        (float, "a number"),
        (date, "a date"),
    )
    for kind, name in kinds:
        if isinstance(value, kind):
            return name
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------- validation


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest candidate, or ``""`` when none is close.

    Case is ignored when comparing (``Setup`` suggests ``setup``).
    """
    pool: dict[str, str] = {}
    for candidate in sorted({c for c in candidates if c != name}):
        pool.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(name.lower(), list(pool), n=1, cutoff=0.6)
    return f" (did you mean '{pool[matches[0]]}'?)" if matches else ""


def validate_model(loaded: LoadedYaml, model: type[M]) -> M:
    """``model.model_validate(loaded.data)``, with errors as positioned diagnostics.

    The values the loader could not read (:attr:`LoadedYaml.problems`) are reported too, in
    place of the model's own complaint about the same value.
    """
    refused = [*loaded.problems, *_number_dates(loaded, loaded.data, [model], ())]
    try:
        result = model.model_validate(loaded.data)
    except ValidationError as exc:
        unread = {(p.line, p.col) for p in refused}
        found = [d for d in validation_diagnostics(loaded, exc, model) if (d.line, d.col) not in unread]
        raise InputError([*found, *refused]) from None
    if refused:
        raise InputError(refused)
    return result


_NUMBER_TEXT = re.compile(r"\s*[-+]?\d+(\.\d*)?\s*")


def _number_dates(loaded: LoadedYaml, value: Any, annotations: list[Any], loc: Loc) -> Iterator[Diagnostic]:
    """Numbers where only a date fits: pydantic would read ``1799971200`` as a Unix time."""
    flat = [member for annotation in annotations for member in _flatten(annotation)]
    if not any(_may_hold_date(member) for member in flat):  # also when ``flat`` is empty
        return  # issue 14: no date anywhere below (a stage file): skip its whole subtree
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _number_dates(loaded, child, [f for a in flat for f in _step(a, key)], (*loc, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _number_dates(loaded, child, [f for a in flat for f in _step(a, index)], (*loc, index))
    elif date in flat and not any(kind in flat for kind in (int, float, str, Any)):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number or (isinstance(value, str) and _NUMBER_TEXT.fullmatch(value)):
            yield loaded.diagnostic(loc, f"{_dotted(loc)}: expected a date (YYYY-MM-DD), got {value!s:.40}")


_DATE_REACH: dict[Any, bool] = {}
"""Memo of :func:`_may_hold_date`, by annotation (unhashable annotations are not memoised)."""


def _may_hold_date(annotation: Any) -> bool:
    """Whether ``date`` is reachable from ``annotation``: through unions, model fields, generics.

    A superset of what :func:`_step` can reach (every type argument is followed), so a
    ``False`` safely lets :func:`_number_dates` skip a subtree. The whole reachable graph is
    walked for each annotation asked about (models may refer to themselves), so the answer
    never depends on a walk in progress; it is memoised per annotation.
    """
    try:
        return _DATE_REACH[annotation]
    except KeyError:
        pass
    except TypeError:  # unhashable: walk without memoising
        return _reaches_date(annotation)
    found = _DATE_REACH[annotation] = _reaches_date(annotation)
    return found


def _reaches_date(root: Any) -> bool:
    """The uncached walk behind :func:`_may_hold_date`."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        annotation = todo.pop()
        if id(annotation) in seen:
            continue
        seen.add(id(annotation))
        if annotation is date:
            return True
        if _is_model(annotation):
            todo.extend(info.annotation for info in annotation.model_fields.values())
        todo.extend(get_args(annotation))
    return False


_TYPE_TEXT = {
    "string_type": "expected a string",
    "string_unicode": "expected a string",
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "dataclass_type": "expected a mapping",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "set_type": "expected a list",
    "frozen_set_type": "expected a list",
    "iterable_type": "expected a list",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD) without a time",
    "datetime_type": "expected a date and time",
    "datetime_parsing": "expected a date and time",
    "datetime_from_date_parsing": "expected a date and time",
    "none_required": "expected null",
}
_SUBJECT = re.compile(
    r"^(Input|String|List|Value|Dictionary|Tuple|Set|Data|Decimal|Float|Integer|Date|Datetime)"
    r" should\b"
)


@dataclass(frozen=True)
class _Issue:
    """One pydantic error, with its loc matched against the loaded data."""

    raw: tuple[str | int, ...]
    is_data: tuple[bool, ...]
    data_loc: Loc
    on_key: bool
    type: str
    text: str
    value: Any
    pattern: str | None = None


def validation_diagnostics(loaded: LoadedYaml, error: ValidationError, model: type[BaseModel]) -> list[Diagnostic]:
    """Turn a pydantic ``ValidationError`` on ``loaded.data`` into positioned diagnostics.

    Unknown keys point at the key (with a did-you-mean over ``model``'s field names there),
    missing keys at the mapping that lacks them, anything else at the bad value. Of a union's
    failed branches only the most relevant one is reported. Sorted by position.
    """
    issues = [_issue(loaded.data, err) for err in error.errors(include_url=False)]
    inner = {issue.raw[:n] for issue in issues for n in range(len(issue.raw))}
    # a list whose only items are invalid is not also "too short": its items' errors say it
    issues = [i for i in issues if not (i.type == "too_short" and i.raw in inner and isinstance(i.value, list))]
    diagnostics = [_diagnostic(loaded, model, issue) for issue in _prune(issues, 0)]
    if not diagnostics:
        diagnostics = [loaded.diagnostic((), str(error))]
    return sorted(set(diagnostics))


def _issue(data: Any, err: ErrorDetails) -> _Issue:
    """Match the error's loc against the data: real keys and indices vs. union branch tags."""
    loc = tuple(err["loc"])
    is_data: list[bool] = []
    data_loc: list[str | int] = []
    on_key = False
    current = data
    for index, part in enumerate(loc):
        child = _child(current, part)
        if child is not _ABSENT:
            current = child
        elif not (err["type"] == "missing" and index == len(loc) - 1 and isinstance(part, str)):
            on_key = on_key or (part == "[key]" and bool(data_loc))
            is_data.append(False)
            continue
        is_data.append(True)
        data_loc.append(part)
    text = _text(err)
    pattern = (err.get("ctx") or {}).get("pattern")
    pattern = pattern if isinstance(pattern, str) else None
    return _Issue(loc, tuple(is_data), tuple(data_loc), on_key, err["type"], text, err["input"], pattern)


_ABSENT = object()


def _child(value: Any, part: str | int) -> Any:
    """``value[part]`` for a mapping key or a list index that exists, else ``_ABSENT``."""
    if isinstance(value, Mapping) and isinstance(part, str) and part in value:
        return value[part]
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return _ABSENT


def _text(err: ErrorDetails) -> str:
    """The pydantic message, lightly cleaned (no 'Input should be', 'Value error, '...)."""
    etype = err["type"]
    ctx = err.get("ctx") or {}
    if etype in _TYPE_TEXT:
        text = _TYPE_TEXT[etype]
        detail = ctx.get("error")
        if etype.startswith(("date", "datetime")) and isinstance(detail, str) and detail:
            text += f" ({detail})"
        return text
    if etype in ("literal_error", "enum") and "expected" in ctx:
        expected = str(ctx["expected"])
        return f"expected one of {expected}" if " or " in expected else f"expected {expected}"
    message = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    message = _SUBJECT.sub("should", message)
    return message[:1].lower() + message[1:] if message[:2].istitle() else message


def _score(branch: list[_Issue]) -> tuple[int, bool]:
    """How far a union branch got: deepest error, and a value error beats a type error."""
    return max((len(i.data_loc), i.type not in _TYPE_TEXT) for i in branch)


def _prune(issues: list[_Issue], depth: int) -> list[_Issue]:
    """Keep, at each union in the loc trie, only the branch that got furthest."""
    kept = [issue for issue in issues if len(issue.raw) <= depth]
    groups: dict[str | int, list[_Issue]] = {}
    for issue in issues:
        if len(issue.raw) > depth:
            groups.setdefault(issue.raw[depth], []).append(issue)
    branches: list[list[_Issue]] = []
    for group in groups.values():
        pruned = _prune(group, depth + 1)
        if group[0].is_data[depth]:
            kept.extend(pruned)
        elif pruned:
            branches.append(pruned)
    if not branches:
        return kept
    best = max(_score(branch) for branch in branches)
    winners = [branch for branch in branches if _score(branch) == best]
    if (
        len(winners) > 1
        and all(len(b) == 1 and b[0].type not in ("missing", "extra_forbidden") for b in winners)
        and len({b[0].data_loc for b in winners}) == 1
    ):
        texts = list(dict.fromkeys(b[0].text for b in winners))
        if all(t.startswith("expected ") for t in texts):
            texts = texts[:1] + [t.removeprefix("expected ") for t in texts[1:]]
        kept.append(replace(winners[0][0], text=" or ".join(texts)))
    else:
        kept.extend(winners[0])
    return kept


def _dotted(loc: Loc) -> str:
    """``steps[0].title`` style path."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _render(value: Any) -> str | None:
    """A short YAML-ish rendering of a scalar, or None for containers and long values."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (int, float, date)):
        text = str(value)
    else:
        return None
    return text if len(text) <= 40 else None


def _got(issue: _Issue) -> str:
    """``", got 'many'"`` when the bad value is short (or the kind of value it was)."""
    rendered = _render(issue.value)
    if issue.type in _TYPE_TEXT:
        return f", got {rendered if rendered is not None else _describe(issue.value)}"
    if rendered is None or (isinstance(issue.value, str) and rendered in issue.text):
        return ""
    return f", got {rendered}"


def _diagnostic(loaded: LoadedYaml, model: type[BaseModel], issue: _Issue) -> Diagnostic:
    """The diagnostic for one kept issue."""
    if issue.type == "missing":
        parent = issue.data_loc[:-1]
        where = f"{_dotted(parent)}: " if parent else ""
        return loaded.diagnostic(parent, f"{where}missing required key '{issue.data_loc[-1]}'")
    if issue.type == "extra_forbidden" and issue.data_loc:
        name = str(issue.data_loc[-1])
        types_at = _types_at(model, issue.raw[:-1], issue.is_data[:-1])
        hint = did_you_mean(name, _field_names(types_at)) or _misplaced(model, name, issue.data_loc[:-1])
        return loaded.diagnostic(issue.data_loc, f"unknown key '{name}'{hint}", key=True)
    hint = ""
    if issue.type == "string_pattern_mismatch" and isinstance(issue.value, str) and issue.pattern:
        hint = _pattern_hint(issue.value, issue.pattern)
    if issue.type in ("literal_error", "enum") and isinstance(issue.value, str):
        hint = did_you_mean(issue.value, _literal_values(_types_at(model, issue.raw, issue.is_data)))
    prefix = f"{_dotted(issue.data_loc)}: " if issue.data_loc else ""
    message = f"{prefix}{'key ' if issue.on_key else ''}{issue.text}{_got(issue)}{hint}"
    return loaded.diagnostic(issue.data_loc, message, key=issue.on_key)


def _misplaced(model: type[BaseModel], name: str, parent: Loc) -> str:
    """``" (a key of 'plan': check the indentation)"`` when ``name`` belongs elsewhere in ``model``."""
    queue: list[tuple[type[BaseModel], Loc]] = [(model, ())]
    seen: set[type[BaseModel]] = set()
    while queue:
        current, loc = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        fields = current.model_fields
        if name in fields and loc != parent:
            return (
                f" (a key of '{_dotted(loc)}': check the indentation)"
                if loc
                else " (a top-level key: check the indentation)"
            )
        for field_name, info in fields.items():
            queue += [(m, (*loc, field_name)) for m in _flatten(info.annotation) if _is_model(m)]
    return ""


def _pattern_hint(value: str, pattern: str) -> str:
    """``" (did you mean 'ru'?)"`` when a simple respelling of ``value`` fits ``pattern``."""
    text = value.strip()
    lower = text.lower()
    for candidate in (
        text,
        lower,
        text.upper(),
        lower.replace("_", "-"),
        lower.replace("-", "_"),
        re.sub(r"[\s_]+", "-", lower),
        re.sub(r"[\s-]+", "_", lower),
    ):
        if candidate != value and re.fullmatch(pattern, candidate):
            return f" (did you mean '{candidate}'?)"
    return ""


# ------------------------------------------------------------- walking model annotations


def _flatten(annotation: Any) -> list[Any]:
    """The alternatives an annotation allows: through ``Annotated``, ``Optional``, unions."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _flatten(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [member for arg in get_args(annotation) for member in _flatten(arg)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    """Whether the annotation is a pydantic model class."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _step(annotation: Any, part: str | int) -> list[Any]:
    """The annotation(s) of the item ``part`` of a value of type ``annotation``."""
    if _is_model(annotation) and isinstance(part, str):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias, info.validation_alias):
                return [info.annotation]
        return []
    origin, args = get_origin(annotation), get_args(annotation)
    if isinstance(part, int) and origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return [args[0]]
        return [args[part]] if 0 <= part < len(args) else []
    sequences = (list, set, frozenset, Sequence, MutableSequence, Iterable)
    if isinstance(part, int) and origin in sequences and args:
        return [args[0]]
    if isinstance(part, str) and origin in (dict, Mapping, MutableMapping) and len(args) == 2:
        return [args[1]]
    return []


def _types_at(model: type[BaseModel], raw: Sequence[str | int], is_data: Sequence[bool]) -> list[Any]:
    """The annotations that may apply at a pydantic loc; union tags naming a model pick it."""
    current: list[Any] = [model]
    for part, real in zip(raw, is_data, strict=False):
        flat = [member for annotation in current for member in _flatten(annotation)]
        if real:
            current = [found for annotation in flat for found in _step(annotation, part)]
        else:
            named = [m for m in flat if _is_model(m) and part in (m.__name__, m.model_config.get("title"))]
            current = named or flat
    return [member for annotation in current for member in _flatten(annotation)]


def _field_names(annotations: list[Any]) -> set[str]:
    """The keys the models among ``annotations`` accept (aliases where set)."""
    names: set[str] = set()
    for annotation in annotations:
        if _is_model(annotation):
            for name, info in annotation.model_fields.items():
                names.add(info.alias or name)
                if isinstance(info.validation_alias, str):
                    names.add(info.validation_alias)
    return names


def _literal_values(annotations: list[Any]) -> set[str]:
    """The string values allowed by the ``Literal`` types among ``annotations``."""
    return {
        value
        for annotation in annotations
        if get_origin(annotation) is Literal
        for value in get_args(annotation)
        if isinstance(value, str)
    }
