"""The small, safe condition language of the stage library (``when:`` fields).

A condition is parsed once by a hand-written tokenizer and a Pratt (precedence-climbing)
parser into a tiny tree, then evaluated against a mapping of names to values. Nothing is
ever passed to ``eval``.

Grammar, loosest binding first::

    expr     := expr 'or' expr
              | expr 'and' expr
              | 'not' expr
              | operand [cmp_op operand]          (comparisons never chain)
    cmp_op   := '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in'
    operand  := '-' operand | primary
    primary  := number | string | 'true' | 'false' | 'null' | name
              | '(' expr ')' | '[' [expr (',' expr)* [',']] ']'
    name     := [a-z_][a-z0-9_]*  |  'company.' [a-z_][a-z0-9_]*

``company.employees`` is the same name as ``employees``.

Evaluation never raises, whatever the values:

* A name missing from the environment is ``null`` (``None``).
* ``==`` / ``!=`` compare values: ``3 == 3.0``; ``true`` equals only ``true`` (not ``1``);
  ``null`` equals only ``null``; a :class:`datetime.date` equals a ``'YYYY-MM-DD'`` string
  naming the same day; lists compare item by item (a set answer ignores order).
* ``< <= > >=`` compare two numbers, two strings, or two dates (a date against a
  ``'YYYY-MM-DD'`` string too); with ``null`` or any other mix they are false.
* ``x in y``: membership when ``y`` is a list (items compared with ``==`` above), substring
  when both are strings, false otherwise (``null`` on the right included).
  ``x not in y`` is always the exact negation of ``x in y``, so it is **true** when ``y`` is
  ``null``: nothing is in an unanswered question.
* ``and`` / ``or`` / ``not`` use Python truthiness and give booleans; so does a bare name.
* Unary minus negates a number; on anything else it gives ``null``.
"""

from __future__ import annotations

import datetime as dt
import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Condition",
    "ConditionError",
    "check_names",
    "normalise_name",
    "parse_condition",
]

MAX_LENGTH = 2000
"""Longest condition text accepted, in characters."""

MAX_DEPTH = 50
"""Deepest nesting of parentheses, brackets, ``not`` and unary minus accepted."""

COMPANY_PREFIX = "company."
"""The one prefix a name may carry; it is dropped when the name is normalised."""


class ConditionError(ValueError):
    """A condition that cannot be parsed.

    ``message`` says what is wrong; ``column`` is the 1-based column in the condition text
    where it was found (one past the end for a problem at the end).
    """

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} at column {column}")
        self.message = message
        self.column = column

    def __reduce__(self) -> tuple[type[ConditionError], tuple[str, int]]:
        """Pickle with the constructor's own arguments."""
        return (ConditionError, (self.message, self.column))


def normalise_name(name: str) -> str:
    """``company.employees`` → ``employees``; any other name is returned unchanged."""
    return name.removeprefix(COMPANY_PREFIX)


# --------------------------------------------------------------------------- tokenizer

_DIGITS = frozenset("0123456789")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | _DIGITS
_SPACE = frozenset(" \t\r\n")
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
_TWO_CHAR_OPS = frozenset({"==", "!=", "<=", ">="})
_ONE_CHAR_OPS = frozenset("<>()[],-")
_QUOTES = frozenset("'\"")
_ESCAPABLE = frozenset("\\'\"")
_HINTS = {
    "=": "use '==' to compare",
    "!": "use 'not'",
    "&": "use 'and'",
    "|": "use 'or'",
}


class _Tok(NamedTuple):
    """One token: its kind, its source text, its literal value and 0-based offset."""

    kind: str
    """``num``, ``str``, ``name``, ``kw`` (keyword), ``op`` (operator, punctuation) or ``end``."""
    text: str
    value: object
    pos: int


def _error(message: str, pos: int) -> ConditionError:
    """A :class:`ConditionError` at the 0-based offset ``pos``."""
    return ConditionError(message, pos + 1)


def _unexpected_character(ch: str, pos: int) -> ConditionError:
    """The error for a character no token starts with, with a hint when one helps."""
    message = f"unexpected character {ch!r}"
    if ch in _HINTS:
        message += f" ({_HINTS[ch]})"
    elif "A" <= ch <= "Z":
        message += " (names and keywords are lowercase)"
    return _error(message, pos)


def _tokenize(source: str) -> list[_Tok]:
    """Split ``source`` into tokens, ending with one ``end`` token."""
    tokens: list[_Tok] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch in _SPACE:
            i += 1
        elif ch in _DIGITS:
            tok = _number(source, i)
            tokens.append(tok)
            i += len(tok.text)
        elif ch in _NAME_START:
            tok = _word(source, i)
            tokens.append(tok)
            i += len(tok.text)
        elif ch in _QUOTES:
            tok = _string(source, i)
            tokens.append(tok)
            i += len(tok.text)
        elif source[i : i + 2] in _TWO_CHAR_OPS:
            tokens.append(_Tok("op", source[i : i + 2], None, i))
            i += 2
        elif ch in _ONE_CHAR_OPS:
            tokens.append(_Tok("op", ch, None, i))
            i += 1
        else:
            raise _unexpected_character(ch, i)
    tokens.append(_Tok("end", "", None, n))
    return tokens


def _skip(source: str, i: int, chars: frozenset[str]) -> int:
    """The first offset from ``i`` whose character is not in ``chars``."""
    n = len(source)
    while i < n and source[i] in chars:
        i += 1
    return i


def _number(source: str, start: int) -> _Tok:
    """An integer (``42``) or a decimal (``2.5``) starting at ``start``."""
    j = _skip(source, start, _DIGITS)
    is_decimal = False
    if j < len(source) and source[j] == ".":
        if j + 1 >= len(source) or source[j + 1] not in _DIGITS:
            raise _error("expected a digit after '.'", j + 1)
        j = _skip(source, j + 1, _DIGITS)
        is_decimal = True
    if j < len(source) and (source[j] in _NAME_CHARS or source[j] == "."):
        end = _skip(source, j, _NAME_CHARS | {"."})
        raise _error(f"invalid number {source[start:end]!r}", start)
    text = source[start:j]
    value: int | float = float(text) if is_decimal else int(text)
    return _Tok("num", text, value, start)


def _word(source: str, start: int) -> _Tok:
    """A keyword, a name, or a ``company.``-prefixed name starting at ``start``."""
    j = _skip(source, start, _NAME_CHARS)
    word = source[start:j]
    if j >= len(source) or source[j] != ".":
        return _Tok("kw" if word in _KEYWORDS else "name", word, word, start)
    if word + "." != COMPANY_PREFIX:
        raise _error(f"only '{COMPANY_PREFIX}' may prefix a name, not '{word}.'", start)
    field_start = j + 1
    if field_start >= len(source) or source[field_start] not in _NAME_START:
        raise _error(f"expected a name after '{COMPANY_PREFIX}'", field_start)
    end = _skip(source, field_start, _NAME_CHARS)
    name = source[field_start:end]
    if name in _KEYWORDS:
        raise _error(f"expected a name after '{COMPANY_PREFIX}', found keyword '{name}'", field_start)
    if end < len(source) and source[end] == ".":
        raise _error("a name may have only one dot", end)
    return _Tok("name", source[start:end], name, start)


def _string(source: str, start: int) -> _Tok:
    """A single- or double-quoted string; ``\\'``, ``\\"`` and ``\\\\`` are the escapes."""
    quote = source[start]
    chars: list[str] = []
    i, n = start + 1, len(source)
    while i < n:
        ch = source[i]
        if ch == quote:
            return _Tok("str", source[start : i + 1], "".join(chars), start)
        if ch == "\\":
            if i + 1 >= n:
                break
            escaped = source[i + 1]
            if escaped not in _ESCAPABLE:
                raise _error(f"invalid escape '\\{escaped}' (only \\\\, \\' and \\\" are allowed)", i)
            chars.append(escaped)
            i += 2
        else:
            chars.append(ch)
            i += 1
    raise _error("unterminated string", start)


# --------------------------------------------------------------------------- values


def _is_number(value: object) -> bool:
    """An int or a float, but not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_date(text: str) -> dt.date | None:
    """The day a ``'YYYY-MM-DD'`` string names, or ``None``."""
    if len(text) != 10:
        return None
    shape = "".join("-" if ch == "-" else "d" if ch in _DIGITS else "?" for ch in text)
    if shape != "dddd-dd-dd":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _truthy(value: object) -> bool:
    """Python truthiness, false for a value whose truthiness fails."""
    try:
        return bool(value)
    except Exception:
        return False


def _equal(a: object, b: object) -> bool:
    """The ``==`` of the language (see the module docstring)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, dt.date) and isinstance(b, str):
        return a == _as_date(b)
    if isinstance(a, str) and isinstance(b, dt.date):
        return _as_date(a) == b
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, set | frozenset) and isinstance(b, list | tuple | set | frozenset):
        return _same_items(a, b)
    if isinstance(b, set | frozenset) and isinstance(a, list | tuple):
        return _same_items(a, b)
    try:
        return bool(a == b)
    except Exception:
        return False


def _same_items(a: Iterable[object], b: Iterable[object]) -> bool:
    """Equal as sets, items compared with :func:`_equal`."""
    xs, ys = list(a), list(b)
    return all(any(_equal(x, y) for y in ys) for x in xs) and all(any(_equal(x, y) for x in xs) for y in ys)


def _ordered_pair(a: object, b: object) -> tuple[Any, Any] | None:
    """The two values made comparable for ``< <= > >=``, or ``None`` when they are not."""
    if _is_number(a) and _is_number(b):
        return a, b
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    if isinstance(a, dt.date) and isinstance(b, dt.date):
        return a, b
    if isinstance(a, dt.date) and isinstance(b, str):
        day = _as_date(b)
        return None if day is None else (a, day)
    if isinstance(a, str) and isinstance(b, dt.date):
        day = _as_date(a)
        return None if day is None else (day, b)
    return None


_ORDERINGS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _ordering(op: str, a: object, b: object) -> bool:
    """``a op b`` for an ordering operator; false when the values cannot be ordered."""
    pair = _ordered_pair(a, b)
    if pair is None:
        return False
    try:
        return bool(_ORDERINGS[op](*pair))
    except TypeError:  # e.g. a datetime against a date
        return False


def _contains(container: object, item: object) -> bool:
    """The ``in`` of the language (see the module docstring)."""
    if isinstance(container, list | tuple | set | frozenset):
        return any(_equal(item, x) for x in container)
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    return False


# --------------------------------------------------------------------------- tree


class _Node(ABC):
    """A node of a parsed condition."""

    __slots__ = ()

    @abstractmethod
    def evaluate(self, env: Mapping[str, object]) -> object:
        """The node's value in ``env``; never raises."""

    @abstractmethod
    def names(self) -> Iterator[str]:
        """Every (normalised) name the node references."""


@dataclass(frozen=True, slots=True)
class _Literal(_Node):
    value: int | float | str | bool | None

    def evaluate(self, env: Mapping[str, object]) -> object:
        return self.value

    def names(self) -> Iterator[str]:
        return iter(())


@dataclass(frozen=True, slots=True)
class _List(_Node):
    items: tuple[_Node, ...]

    def evaluate(self, env: Mapping[str, object]) -> object:
        return tuple(item.evaluate(env) for item in self.items)

    def names(self) -> Iterator[str]:
        for item in self.items:
            yield from item.names()


@dataclass(frozen=True, slots=True)
class _Name(_Node):
    name: str

    def evaluate(self, env: Mapping[str, object]) -> object:
        return env.get(self.name)

    def names(self) -> Iterator[str]:
        yield self.name


@dataclass(frozen=True, slots=True)
class _Neg(_Node):
    operand: _Node

    def evaluate(self, env: Mapping[str, object]) -> object:
        value = self.operand.evaluate(env)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value
        return None

    def names(self) -> Iterator[str]:
        return self.operand.names()


@dataclass(frozen=True, slots=True)
class _Not(_Node):
    operand: _Node

    def evaluate(self, env: Mapping[str, object]) -> object:
        return not _truthy(self.operand.evaluate(env))

    def names(self) -> Iterator[str]:
        return self.operand.names()


@dataclass(frozen=True, slots=True)
class _And(_Node):
    operands: tuple[_Node, ...]

    def evaluate(self, env: Mapping[str, object]) -> object:
        return all(_truthy(op.evaluate(env)) for op in self.operands)

    def names(self) -> Iterator[str]:
        for op in self.operands:
            yield from op.names()


@dataclass(frozen=True, slots=True)
class _Or(_Node):
    operands: tuple[_Node, ...]

    def evaluate(self, env: Mapping[str, object]) -> object:
        return any(_truthy(op.evaluate(env)) for op in self.operands)

    def names(self) -> Iterator[str]:
        for op in self.operands:
            yield from op.names()


@dataclass(frozen=True, slots=True)
class _Compare(_Node):
    op: str
    left: _Node
    right: _Node

    def evaluate(self, env: Mapping[str, object]) -> object:
        a, b = self.left.evaluate(env), self.right.evaluate(env)
        if self.op == "==":
            return _equal(a, b)
        if self.op == "!=":
            return not _equal(a, b)
        if self.op == "in":
            return _contains(b, a)
        if self.op == "not in":
            return not _contains(b, a)
        return _ordering(self.op, a, b)

    def names(self) -> Iterator[str]:
        yield from self.left.names()
        yield from self.right.names()


# --------------------------------------------------------------------------- parser

_OR_BP = 1
_AND_BP = 2
_NOT_BP = 3
_CMP_BP = 4
_NEG_BP = 5
_CMP_OPS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_LITERAL_KEYWORDS: dict[str, bool | None] = {"true": True, "false": False, "null": None}


def _describe(tok: _Tok) -> str:
    """A token as an error message names it."""
    return "end of condition" if tok.kind == "end" else repr(tok.text)


class _Parser:
    """A Pratt parser over the token list of one condition."""

    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> _Tok:
        """The token ``ahead`` places after the current one (``end`` past the end)."""
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> _Tok:
        """Consume and return the current token."""
        tok = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return tok

    def at(self, kind: str, text: str, ahead: int = 0) -> bool:
        """Whether the token ``ahead`` places on is ``kind`` with this ``text``."""
        tok = self.peek(ahead)
        return tok.kind == kind and tok.text == text

    def expect_op(self, text: str) -> None:
        """Consume the operator ``text`` or fail."""
        if not self.at("op", text):
            raise _error(f"expected {text!r}", self.peek().pos)
        self.advance()

    @contextmanager
    def nested(self, tok: _Tok) -> Iterator[None]:
        """One more level of nesting, opened by ``tok``; too many is an error."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(f"nested more than {MAX_DEPTH} levels deep", tok.pos)
        try:
            yield
        finally:
            self.depth -= 1

    def parse(self) -> _Node:
        """The whole condition."""
        node = self.expression(0)
        tok = self.peek()
        if tok.kind != "end":
            raise _error(f"unexpected {_describe(tok)}", tok.pos)
        return node

    def infix(self) -> tuple[str, int] | None:
        """The binary operator at the current token and its binding power, if any."""
        tok = self.peek()
        if tok.kind == "kw":
            if tok.text == "or":
                return "or", _OR_BP
            if tok.text == "and":
                return "and", _AND_BP
            if tok.text == "in":
                return "in", _CMP_BP
            if tok.text == "not":
                if not self.at("kw", "in", 1):
                    raise _error("expected 'in' after 'not'", self.peek(1).pos)
                return "not in", _CMP_BP
        elif tok.kind == "op" and tok.text in _CMP_OPS:
            return tok.text, _CMP_BP
        return None

    def expression(self, min_bp: int) -> _Node:
        """An expression whose operators all bind tighter than ``min_bp``."""
        left = self.prefix(min_bp)
        while True:
            found = self.infix()
            if found is None:
                break
            op, bp = found
            if bp <= min_bp:
                break
            self.advance()
            if op == "not in":
                self.advance()
            right = self.expression(bp)
            if op == "or":
                left = _Or((*left.operands, right) if isinstance(left, _Or) else (left, right))
            elif op == "and":
                left = _And((*left.operands, right) if isinstance(left, _And) else (left, right))
            else:
                left = _Compare(op, left, right)
                after = self.infix()
                if after is not None and after[1] == _CMP_BP:
                    raise _error("comparisons cannot be chained (use 'and')", self.peek().pos)
        return left

    def prefix(self, min_bp: int) -> _Node:
        """A ``not`` expression, a negated operand or a primary."""
        tok = self.advance()
        if tok.kind == "kw" and tok.text == "not":
            if min_bp >= _CMP_BP:
                raise _error("expected a value, found 'not' (add parentheses)", tok.pos)
            with self.nested(tok):
                return _Not(self.expression(_NOT_BP))
        if tok.kind == "op" and tok.text == "-":
            with self.nested(tok):
                operand = self.expression(_NEG_BP)
            if isinstance(operand, _Literal) and _is_number(operand.value):
                assert isinstance(operand.value, int | float)
                return _Literal(-operand.value)
            return _Neg(operand)
        return self.primary(tok)

    def primary(self, tok: _Tok) -> _Node:
        """A literal, a name, a parenthesised expression or a list, starting with ``tok``."""
        if tok.kind == "num":
            assert isinstance(tok.value, int | float)
            return _Literal(tok.value)
        if tok.kind == "str":
            assert isinstance(tok.value, str)
            return _Literal(tok.value)
        if tok.kind == "name":
            assert isinstance(tok.value, str)
            return _Name(tok.value)
        if tok.kind == "kw" and tok.text in _LITERAL_KEYWORDS:
            return _Literal(_LITERAL_KEYWORDS[tok.text])
        if tok.kind == "op" and tok.text == "(":
            with self.nested(tok):
                node = self.expression(0)
                self.expect_op(")")
            return node
        if tok.kind == "op" and tok.text == "[":
            with self.nested(tok):
                return self.list_items()
        raise _error(f"expected a value, found {_describe(tok)}", tok.pos)

    def list_items(self) -> _Node:
        """The rest of a list literal after its ``[`` (a trailing comma is allowed)."""
        items: list[_Node] = []
        while not self.at("op", "]"):
            items.append(self.expression(0))
            if self.at("op", ","):
                self.advance()
            elif not self.at("op", "]"):
                raise _error("expected ',' or ']'", self.peek().pos)
        self.advance()
        return _List(tuple(items))


# --------------------------------------------------------------------------- API


@dataclass(frozen=True)
class Condition:
    """A parsed condition; equal and hashed by its source text.

    ``Condition(text)`` parses ``text`` (raising :class:`ConditionError`), exactly like
    :func:`parse_condition`.
    """

    source: str
    """The condition text as written."""
    _node: _Node = field(init=False, repr=False, compare=False)
    _names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        source: object = self.source
        if not isinstance(source, str):
            raise ConditionError(f"a condition must be a string, not {type(source).__name__}", 1)
        if len(source) > MAX_LENGTH:
            raise ConditionError(f"condition is longer than {MAX_LENGTH} characters", MAX_LENGTH + 1)
        node = _Parser(source).parse()
        object.__setattr__(self, "_node", node)
        object.__setattr__(self, "_names", frozenset(node.names()))

    def __str__(self) -> str:
        return self.source

    def names(self) -> frozenset[str]:
        """Every name the condition references, ``company.`` prefixes dropped."""
        return self._names

    def evaluate(self, env: Mapping[str, object]) -> bool:
        """Whether the condition holds in ``env`` (names to values; missing → ``null``).

        Never raises: incomparable values make a comparison false (module docstring).
        """
        return _truthy(self._node.evaluate(env))


@lru_cache(maxsize=4096)
def parse_condition(source: str) -> Condition:
    """Parse ``source`` (once: validation and planning share the result); a
    :class:`ConditionError` gives the problem and its column."""
    return Condition(source)


def check_names(cond: Condition, known: Iterable[str]) -> list[str]:
    """The names ``cond`` uses that are not in ``known``, sorted (``company.`` ignored)."""
    known_set = {normalise_name(name) for name in known}
    return sorted(cond.names() - known_set)
