"""Save one answer into a company file's ``answers:`` mapping, leaving the rest of the file alone.

Only the lines of the ``answers:`` block (from its key to the line holding its last value) are
rewritten, through a ruamel.yaml round trip that keeps their comments, key order and quoting;
every byte before and after that block is copied unchanged. A file without ``answers:`` gets
the section appended at its end. The new text is read back with the same YAML loader as the
rest of the tool before it is written (atomically), so an answer is never saved in a form
that would read differently — a bare ``no`` would be ``false`` — or break the file.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.errors import EnvironmentProblem, InputError, OutputError
from roadmap.models import AnswerValue
from roadmap.output import write_atomic

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import Node

ANSWERS = "answers"
BOM = "\ufeff"
_YAML11_BOOLS = frozenset({"y", "Y", "n", "N"})
"""Booleans to YAML 1.1 readers that follow the spec (go-yaml v2, SnakeYAML) though not to PyYAML."""


def check_writable(path: Path) -> None:
    """Refuse, before anything is asked, a company file whose answers could not be saved."""
    import os

    target = path.resolve()
    if not os.access(target, os.W_OK):
        raise EnvironmentProblem(f"{path}: the file is read-only: the answers could not be saved")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise EnvironmentProblem(f"{path}: its folder is read-only: the answers could not be saved")


LOCK_TIMEOUT = 5.0
"""Seconds a save waits for another ``roadmap ask`` saving into the same file."""


class LockBusy(OutputError):
    """Another process holds the company file's lock longer than the wait allowed."""


def save_answer(path: Path, question_id: str, value: AnswerValue, *, wait: float | None = None) -> None:
    """Write ``answers.<question_id>: value`` into the company file at ``path``, atomically.

    The file is locked, read again and the answer merged into what is there now, so answers
    saved meanwhile by another process survive; :class:`LockBusy` when the lock does not come
    within ``wait`` seconds (default :data:`LOCK_TIMEOUT`).
    """
    save_answers(path, {question_id: value}, wait=wait)


def save_answers(path: Path, answers: Mapping[str, AnswerValue], *, wait: float | None = None) -> None:
    """Like :func:`save_answer` for several answers at once (one lock, one write)."""
    if not answers:
        return
    with _locked(path, LOCK_TIMEOUT if wait is None else wait):
        _merge_and_write(path, answers)


class AnswerSaver:
    """Saves answers one by one; an answer that cannot be saved now (the file is locked by
    another process) is kept and saved with the next one, or by :meth:`flush` at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pending: dict[str, AnswerValue] = {}

    def save(self, question_id: str, value: AnswerValue) -> bool:
        """Save this answer and any kept before it; False when they are kept for later."""
        self.pending[question_id] = value
        return self.flush()

    def flush(self, wait: float | None = None) -> bool:
        """Try to save the kept answers; True when none is left."""
        if not self.pending:
            return True
        try:
            save_answers(self.path, self.pending, wait=wait)
        except LockBusy:
            return False
        self.pending.clear()
        return True


@contextlib.contextmanager
def _locked(path: Path, wait: float) -> Iterator[None]:
    """Hold an exclusive lock on the company file's folder (no lock file is left behind).

    The folder, not the file, is locked: saving replaces the file (a new inode), which would
    make a lock on the file itself useless.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    folder = (path.resolve() if path.is_symlink() else path).parent
    try:
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
    except OSError:  # cannot open the folder: save without the lock
        yield
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(f"{path}: another roadmap is saving into this file") from None
                time.sleep(0.05)
            except OSError:  # locks not supported here: save without the lock
                break
        yield
    finally:
        os.close(fd)


def _merge_and_write(path: Path, answers: Mapping[str, AnswerValue]) -> None:
    """Read the file as it is now, set the answers, write it atomically."""
    check_writable(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError.at(path, f"cannot read the file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.at(path, "the file is not UTF-8 text") from exc
    bom = text.startswith(BOM)
    body = text.removeprefix(BOM)
    crlf = "\r\n" in body
    new = body.replace("\r\n", "\n")
    for question_id, value in answers.items():
        new = set_answer(new, question_id, value, file=str(path))
    if crlf:
        new = new.replace("\n", "\r\n")
    # through a symbolic link: the file it points at is replaced, the link stays a link
    write_atomic(path.resolve() if path.is_symlink() else path, (BOM if bom else "") + new)


def set_answer(text: str, question_id: str, value: AnswerValue, *, file: str = "company.yaml") -> str:
    """``text`` (a company file, ``\\n`` line ends) with one answer set; bytes outside ``answers:`` kept."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode

    original, text = text, _tabs_as_spaces(text)  # same length: positions in one are positions in the other
    try:
        root = _yaml().compose(text)
    except YAMLError as exc:
        raise InputError.at(file, f"cannot edit the answers: the file is not valid YAML ({exc})") from exc
    if not isinstance(root, MappingNode) or root.flow_style:
        raise InputError.at(file, "cannot edit the answers: the top level must be a block mapping (key: value lines)")
    pair = next(((k, v) for k, v in root.value if k.value == ANSWERS), None)
    if pair is None:
        new = _append_section(original, question_id, value, _indent_of(root, text))
    else:
        key, node = pair
        start = text.rfind("\n", 0, key.start_mark.index) + 1
        end = _line_end(text, _content_end(key, node))
        region = _edit_region(text[start:end], question_id, value, _indent_of(root, text, node), file)
        new = original[:start] + region + original[end:]
    _check_reads_back(new, question_id, value, file)
    return new


def _tabs_as_spaces(text: str) -> str:
    """``text`` with the tabs that separate tokens (before a comment, after ``key:``) as spaces.

    The tool reads files with libyaml, which takes such a tab for a space (as YAML 1.2 does);
    ruamel.yaml refuses it. Tabs inside values and comments stay; the length never changes.
    """
    import yaml

    if "\t" not in text:
        return text
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    chars = list(text)
    try:
        previous_end = 0
        while True:
            token = loader.get_token()
            if token is None:
                break
            _blank_tabs(chars, previous_end, token.start_mark.index)
            previous_end = max(previous_end, token.end_mark.index)
    except yaml.YAMLError:
        return text
    finally:
        loader.dispose()
    return "".join(chars)


def _blank_tabs(chars: list[str], start: int, end: int) -> None:
    """In a gap between tokens, tabs before any ``#`` on each line become spaces."""
    in_comment = False
    for i in range(start, min(end, len(chars))):
        ch = chars[i]
        if ch == "\n":
            in_comment = False
        elif ch == "#":
            in_comment = True
        elif ch == "\t" and not in_comment:
            chars[i] = " "


# ---------------------------------------------------------------- finding the block


def _content_end(key: Node, node: Node) -> int:
    """Index just past the last character of the value ``node`` of ``key`` (comments after it excluded)."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if isinstance(node, ScalarNode) and node.value == "" and node.start_mark.index == node.end_mark.index:
        return int(key.end_mark.index)  # an empty value (null): its marks point at the next token
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        last_key, last_value = node.value[-1]
        return _content_end(last_key, last_value)
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1], node.value[-1])
    return int(node.end_mark.index)


def _line_end(text: str, index: int) -> int:
    """The start of the line after the one holding ``index - 1`` (the end of the text at worst)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _indent_of(root: Node, text: str, answers: Node | None = None) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation as ruamel wants it, read from the file itself."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    mapping = 2
    candidates = [answers] if answers is not None else []
    candidates += [v for _, v in root.value]
    for node in candidates:
        if isinstance(node, MappingNode) and not node.flow_style and node.value:
            mapping = max(1, node.value[0][0].start_mark.column)
            break
    sequence, offset = mapping + 2, mapping
    if isinstance(answers, MappingNode) and not answers.flow_style:
        for k, v in answers.value:
            if isinstance(v, SequenceNode) and not v.flow_style and v.value:
                item = v.value[0].start_mark
                line = text[text.rfind("\n", 0, item.index) + 1 : item.index]
                dash = len(line) - len(line.lstrip(" "))
                sequence = max(2, item.column - k.start_mark.column)
                offset = max(0, dash - k.start_mark.column)
                break
    return mapping, sequence, offset


# ---------------------------------------------------------------- rewriting it


def _yaml(indent: tuple[int, int, int] = (2, 4, 2)) -> YAML:
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")  # ruamel's round-trip loader: plain data, comments kept; no object tags
    rt.Representer = _representer()
    rt.preserve_quotes = True
    rt.width = 4096
    mapping, sequence, offset = indent
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    return rt


def _representer() -> type[Any]:
    """ruamel's round-trip representer, writing floats so that YAML 1.1 reads them as floats.

    ``1e+20`` is a string to YAML 1.1 (PyYAML): it needs a dot, ``1.0e+20``.
    """
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        pass

    def represent_float(representer: Any, value: float) -> Any:
        text = repr(value).lower()
        if "e" in text and "." not in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        if text in ("inf", "-inf", "nan"):
            text = {"inf": ".inf", "-inf": "-.inf", "nan": ".nan"}[text]
        return representer.represent_scalar("tag:yaml.org,2002:float", text)

    Representer.add_representer(float, represent_float)
    return Representer


def _dump(rt: YAML, data: Any) -> str:
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def _edit_region(region: str, question_id: str, value: AnswerValue, indent: tuple[int, int, int], file: str) -> str:
    """The ``answers:`` block with one key set, through a ruamel round trip."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    rt = _yaml(indent)
    try:
        doc = rt.load(region)
    except YAMLError as exc:
        raise InputError.at(file, f"cannot edit the answers: {exc}") from exc
    answers = doc.get(ANSWERS) if isinstance(doc, CommentedMap) else None
    if answers is None:
        answers = CommentedMap()
        doc[ANSWERS] = answers
    if not isinstance(answers, CommentedMap):
        raise InputError.at(file, "cannot save the answer: 'answers' is not a mapping of question ids to answers")
    if not answers and answers.fa.flow_style():
        answers.fa.set_block_style()
    answers[question_id] = _to_yaml(value)
    return _dump(rt, doc)


def _append_section(text: str, question_id: str, value: AnswerValue, indent: tuple[int, int, int]) -> str:
    from ruamel.yaml.comments import CommentedMap

    section = CommentedMap()
    section[ANSWERS] = CommentedMap([(question_id, _to_yaml(value))])
    sep = "" if not text or text.endswith("\n") else "\n"
    return text + sep + _dump(_yaml(indent), section)


def _to_yaml(value: AnswerValue) -> Any:
    """The answer as ruamel should write it: lists in flow style, ambiguous strings quoted."""
    from ruamel.yaml.comments import CommentedSeq

    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        seq = CommentedSeq([_string(v) for v in value])
        seq.fa.set_flow_style()
        return seq
    return value


def _string(value: str) -> Any:
    """``value`` plain when YAML 1.1 reads it back as the same string, else quoted."""
    import yaml
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    try:
        plain_ok = yaml.safe_load(value) == value
    except yaml.YAMLError:
        plain_ok = False
    if plain_ok and value.strip() == value and "\n" not in value and value not in _YAML11_BOOLS:
        return value
    if "\n" in value or "'" in value or not value.isprintable():
        return DoubleQuotedScalarString(value)
    return SingleQuotedScalarString(value)


def _check_reads_back(text: str, question_id: str, value: AnswerValue, file: str) -> None:
    """Read the new text as the tool will; refuse to write anything that reads differently."""
    from roadmap.yamlio import load_yaml_text, show_value

    try:
        data = load_yaml_text(text, file).data
    except InputError as exc:
        raise OutputError(f"{file}: saving the answer to '{question_id}' would break the file: {exc}") from exc
    answers = data.get(ANSWERS) if isinstance(data, dict) else None
    back = answers.get(question_id) if isinstance(answers, dict) else None
    if not _same(back, value):
        raise OutputError(
            f"{file}: the answer to '{question_id}' would read back as {show_value(back)} "
            f"instead of {show_value(value)}; edit the file by hand"
        )


def _same(a: Any, b: Any) -> bool:
    """Equal as answers: ``true`` is not ``1``, a date is not a string, lists item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)
