"""Tests of the condition language: parsing, evaluation, errors and robustness."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.conditions import (
    MAX_DEPTH,
    MAX_LENGTH,
    Condition,
    ConditionError,
    check_names,
    normalise_name,
    parse_condition,
)
from tests.conftest import examples

ENV: dict[str, object] = {
    "employees": 800,
    "branches": 3,
    "hierarchy_levels": 4,
    "industry": "retail",
    "country": "FR",
    "org_source": "ad",
    "has_edms": True,
    "no_crm": False,
    "modules": ["crm", "tasks"],
    "ratio": 2.5,
    "start": dt.date(2025, 3, 10),
    "unanswered": None,
    "empty_text": "",
    "zero": 0,
}


def holds(source: str, env: Mapping[str, object] = ENV) -> bool:
    """Parse and evaluate in one go."""
    return parse_condition(source).evaluate(env)


# --------------------------------------------------------------------------- evaluation

EVALUATE_CASES: list[tuple[str, bool]] = [
    # literals and bare names
    ("true", True),
    ("false", False),
    ("null", False),
    ("1", True),
    ("0", False),
    ("''", False),
    ("'x'", True),
    ("[]", False),
    ("[0]", True),
    ("has_edms", True),
    ("no_crm", False),
    ("unanswered", False),
    ("empty_text", False),
    ("zero", False),
    ("modules", True),
    ("missing_name", False),
    # numbers
    ("employees >= 150", True),
    ("employees > 800", False),
    ("employees >= 800", True),
    ("employees < 801", True),
    ("employees <= 799", False),
    ("employees == 800", True),
    ("employees != 800", False),
    ("employees == 800.0", True),
    ("3 == 3.0", True),
    ("ratio > 2", True),
    ("ratio == 2.5", True),
    ("ratio < 2.49", False),
    ("-1 < 0", True),
    ("- 1 == -1", True),
    ("--1 == 1", True),
    ("-(-(2)) == 2", True),
    ("-employees == -800", True),
    ("-employees < 0", True),
    ("007 == 7", True),
    ("0.5 < 1", True),
    # strings
    ("org_source == 'ad'", True),
    ('org_source == "ad"', True),
    ("org_source != 'ad'", False),
    ("org_source == 'AD'", False),
    ("'a' < 'b'", True),
    ("industry >= 'retail'", True),
    ("'it\\'s' == \"it's\"", True),
    ('"say \\"hi\\"" == \'say "hi"\'', True),
    ("'back\\\\slash' == \"back\\\\slash\"", True),
    ("'tab\there' == 'tab\there'", True),
    # booleans are not numbers
    ("has_edms == true", True),
    ("has_edms == 1", False),
    ("no_crm == 0", False),
    ("true > false", False),
    ("has_edms != 1", True),
    # mixed types never raise
    ("employees == '800'", False),
    ("employees > '100'", False),
    ("industry < 5", False),
    ("modules > 1", False),
    ("[1] < [2]", False),
    # in / not in
    ("'crm' in modules", True),
    ("'hr' in modules", False),
    ("'hr' not in modules", True),
    ("'crm' not in modules", False),
    ("org_source in ['ad', 'ldap']", True),
    ("org_source not in ['ad', 'ldap']", False),
    ("3 in [1, 2, 3.0]", True),
    ("true in [1]", False),
    ("null in [null]", True),
    ("null in [1, 2]", False),
    ("'tai' in industry", True),
    ("'x' in industry", False),
    ("1 in 'a1'", False),
    ("1 not in 'a1'", True),
    ("employees in [800, 900]", True),
    ("[1, 2] in [[1, 2], [3]]", True),
    ("['a', 'b'] == ['a', 'b']", True),
    ("['a', 'b'] == ['b', 'a']", False),
    ("modules == ['crm', 'tasks']", True),
    ("'a' in 5", False),
    ("'a' not in 5", True),
    ("employees in [branches, 800]", True),
    # boolean operators
    ("true and true", True),
    ("true and false", False),
    ("false or true", True),
    ("false or false", False),
    ("not true", False),
    ("not false", True),
    ("not not has_edms", True),
    ("not unanswered", True),
    ("has_edms and employees > 300", True),
    ("no_crm or employees > 300", True),
    ("no_crm or employees > 3000", False),
    ("employees > 300 and org_source == 'ad' and has_edms", True),
    ("zero or empty_text or unanswered", False),
    ("zero or empty_text or 'x'", True),
    # company. prefix
    ("company.employees >= 150", True),
    ("company.employees == employees", True),
    ("company.industry == 'retail'", True),
    # whitespace
    ("  employees\t>=\n150  ", True),
    ("employees>=150", True),
    ("(employees>=150)and(branches<5)", True),
]


@pytest.mark.parametrize(("source", "expected"), EVALUATE_CASES)
def test_evaluate(source: str, expected: bool) -> None:
    result = holds(source)
    assert result is expected


PRECEDENCE_CASES: list[tuple[str, bool]] = [
    # and binds tighter than or
    ("true or true and false", True),
    ("(true or true) and false", False),
    ("false and false or true", True),
    ("false and (false or true)", False),
    # not binds looser than comparisons, tighter than and / or
    ("not 1 == 2", True),
    ("not employees > 3000", True),
    ("not false and false", False),
    ("not (false and false)", True),
    ("not true or true", True),
    ("not (true or true)", False),
    ("not 'hr' in modules", True),
    ("not 'crm' not in modules", True),
    # comparisons bind tighter than and / or
    ("1 == 1 and 2 == 3", False),
    ("1 == 2 or 2 == 2", True),
    ("employees > 300 or false and false", True),
    # unary minus binds tighter than comparisons
    ("-2 < -1", True),
    ("-1 in [-1]", True),
    # explicit parentheses around a comparison may be compared again
    ("(1 < 2) == true", True),
    ("(1 < 2) == (3 < 4)", True),
    # long chains
    ("false or false or false or true", True),
    ("true and true and true and false", False),
    ("false and true or false and true or true", True),
]


@pytest.mark.parametrize(("source", "expected"), PRECEDENCE_CASES)
def test_precedence(source: str, expected: bool) -> None:
    assert holds(source) is expected


# --------------------------------------------------------------------------- null

NULL_CASES: list[tuple[str, bool]] = [
    ("unanswered == null", True),
    ("missing == null", True),
    ("unanswered != null", False),
    ("employees == null", False),
    ("employees != null", True),
    ("null == null", True),
    ("null == false", False),
    ("null == 0", False),
    ("null == ''", False),
    ("unanswered < 5", False),
    ("unanswered <= 5", False),
    ("unanswered > 5", False),
    ("unanswered >= 5", False),
    ("5 > unanswered", False),
    ("null <= null", False),
    ("null >= null", False),
    ("unanswered == 5", False),
    ("unanswered != 5", True),
    ("'a' in unanswered", False),
    ("'a' not in unanswered", True),
    ("unanswered in ['a']", False),
    ("unanswered not in ['a']", True),
    ("unanswered in [null]", True),
    ("not unanswered", True),
    ("-unanswered == null", True),
    ("-'x' == null", True),
]


@pytest.mark.parametrize(("source", "expected"), NULL_CASES)
def test_null_semantics(source: str, expected: bool) -> None:
    assert holds(source) is expected


def test_missing_name_is_null_not_an_error() -> None:
    cond = parse_condition("employees > 300")
    assert cond.evaluate({}) is False
    assert parse_condition("employees == null").evaluate({}) is True


# --------------------------------------------------------------------------- dates

DATE_CASES: list[tuple[str, bool]] = [
    ("start == '2025-03-10'", True),
    ("'2025-03-10' == start", True),
    ("start != '2025-03-10'", False),
    ("start == '2025-03-11'", False),
    ("start > '2025-01-01'", True),
    ("start >= '2025-03-10'", True),
    ("start < '2025-03-10'", False),
    ("start <= '2025-03-10'", True),
    ("'2026-01-01' > start", True),
    ("start in ['2025-03-10', '2025-04-01']", True),
    ("start not in ['2025-03-11']", True),
    # not a date: never equal, never ordered, never raises
    ("start == '2025-3-10'", False),
    ("start != '2025-3-10'", True),
    ("start == '2025-02-30'", False),
    ("start < 'soon'", False),
    ("start > 'soon'", False),
    ("start > 20250101", False),
    ("start == null", False),
    ("start > null", False),
]


@pytest.mark.parametrize(("source", "expected"), DATE_CASES)
def test_dates(source: str, expected: bool) -> None:
    assert holds(source) is expected


def test_date_against_date_values() -> None:
    cond = parse_condition("start < finish")
    assert cond.evaluate({"start": dt.date(2025, 1, 1), "finish": dt.date(2025, 6, 1)}) is True
    assert cond.evaluate({"start": dt.date(2025, 6, 1), "finish": dt.date(2025, 1, 1)}) is False
    # a datetime and a date cannot be ordered: false, not an exception
    assert cond.evaluate({"start": dt.datetime(2025, 1, 1, 12), "finish": dt.date(2025, 6, 1)}) is False


# --------------------------------------------------------------------------- other values


def test_set_answers_compare_regardless_of_order() -> None:
    env = {"picked": frozenset({"b", "a"}), "tags": {"x"}}
    assert holds("picked == ['a', 'b']", env) is True
    assert holds("['b', 'a'] == picked", env) is True
    assert holds("picked == ['a']", env) is False
    assert holds("'a' in picked", env) is True
    assert holds("'x' in tags and 'y' not in tags", env) is True


def test_tuple_answers_behave_like_lists() -> None:
    env = {"modules": ("crm", "tasks")}
    assert holds("'crm' in modules", env) is True
    assert holds("modules == ['crm', 'tasks']", env) is True


def test_odd_values_never_raise() -> None:
    class Weird:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("boom")

        def __bool__(self) -> bool:
            raise RuntimeError("boom")

        __hash__ = object.__hash__

    env = {"w": Weird(), "d": {"k": 1}}
    assert holds("w == 1", env) is False
    assert holds("w", env) is False
    assert holds("not w", env) is True
    assert holds("w in [1]", env) is False
    assert holds("'k' in d", env) is False
    assert holds("d > 1", env) is False


def test_float_nan_and_infinity() -> None:
    env = {"nan": float("nan"), "inf": float("inf")}
    assert holds("nan == nan", env) is False
    assert holds("nan < 1", env) is False
    assert holds("inf > 10", env) is True
    assert holds("-inf < 0", env) is True


def test_evaluate_returns_plain_bool() -> None:
    for source in ("employees", "industry", "modules", "unanswered", "ratio", "start"):
        assert type(holds(source)) is bool


# --------------------------------------------------------------------------- names


NAMES_CASES: list[tuple[str, frozenset[str]]] = [
    ("true", frozenset()),
    ("1 < 2", frozenset()),
    ("employees > 300", frozenset({"employees"})),
    ("company.employees > 300", frozenset({"employees"})),
    ("company.employees > employees", frozenset({"employees"})),
    ("a and (b or not c) and d in [e, 'f']", frozenset({"a", "b", "c", "d", "e"})),
    ("-x < y", frozenset({"x", "y"})),
    ("_private_1 == 2", frozenset({"_private_1"})),
    ("company == 1", frozenset({"company"})),
    ("'name' == \"other\"", frozenset()),
    ("andy or order or nothing or inside", frozenset({"andy", "order", "nothing", "inside"})),
    ("true_value and null_count", frozenset({"true_value", "null_count"})),
]


@pytest.mark.parametrize(("source", "expected"), NAMES_CASES)
def test_names(source: str, expected: frozenset[str]) -> None:
    assert parse_condition(source).names() == expected


def test_check_names() -> None:
    cond = parse_condition("zeta > 1 and company.employees > 300 and alpha in ['x'] and industry")
    assert check_names(cond, ["employees", "industry"]) == ["alpha", "zeta"]
    assert check_names(cond, ["company.employees", "industry", "alpha", "zeta"]) == []
    assert check_names(cond, iter(["employees"])) == ["alpha", "industry", "zeta"]
    assert check_names(parse_condition("true"), []) == []


def test_normalise_name() -> None:
    assert normalise_name("company.employees") == "employees"
    assert normalise_name("employees") == "employees"


# --------------------------------------------------------------------------- the object


def test_condition_is_frozen_hashable_and_equal_by_source() -> None:
    a = parse_condition("employees > 300")
    b = Condition("employees > 300")
    assert a == b
    assert hash(a) == hash(b)
    assert {a, b} == {a}
    assert a != parse_condition("employees>300")
    assert a.source == "employees > 300"
    assert str(a) == "employees > 300"
    assert "employees > 300" in repr(a)
    with pytest.raises(AttributeError):
        a.source = "x"  # type: ignore[misc]


def test_condition_pickles() -> None:
    cond = parse_condition("'crm' in modules and employees >= 150")
    copy = pickle.loads(pickle.dumps(cond))
    assert copy == cond
    assert copy.evaluate(ENV) is True


def test_condition_constructor_parses() -> None:
    with pytest.raises(ConditionError):
        Condition("(")


def test_non_string_source_is_a_condition_error() -> None:
    with pytest.raises(ConditionError) as info:
        parse_condition(5)  # type: ignore[arg-type]
    assert info.value.message == "a condition must be a string, not int"


# --------------------------------------------------------------------------- errors

ERROR_CASES: list[tuple[str, str, int]] = [
    # tokenizer
    ("a $ b", "unexpected character '$'", 3),
    ("employees >= 150 @", "unexpected character '@'", 18),
    ("a = 1", "unexpected character '=' (use '==' to compare)", 3),
    ("!a", "unexpected character '!' (use 'not')", 1),
    ("a && b", "unexpected character '&' (use 'and')", 3),
    ("a || b", "unexpected character '|' (use 'or')", 3),
    ("Employees > 1", "unexpected character 'E' (names and keywords are lowercase)", 1),
    ("a AND b", "unexpected character 'A' (names and keywords are lowercase)", 3),
    ("x == é", "unexpected character 'é'", 6),
    ("x == .5", "unexpected character '.'", 6),
    ("a\u00a0== 1", "unexpected character '\\xa0'", 2),
    ("'abc", "unterminated string", 1),
    ('x == "abc', "unterminated string", 6),
    ("x == 'abc\\'", "unterminated string", 6),
    ("x == 'abc\\", "unterminated string", 6),
    ("'it's'", "unterminated string", 6),
    ("x == 'a\\nb'", "invalid escape '\\n' (only \\\\, \\' and \\\" are allowed)", 8),
    ("1.", "expected a digit after '.'", 3),
    ("1.x", "expected a digit after '.'", 3),
    ("1abc", "invalid number '1abc'", 1),
    ("x > 1.2.3", "invalid number '1.2.3'", 5),
    ("x > 2e5", "invalid number '2e5'", 5),
    ("foo.bar", "only 'company.' may prefix a name, not 'foo.'", 1),
    ("x and true.y", "only 'company.' may prefix a name, not 'true.'", 7),
    ("company.", "expected a name after 'company.'", 9),
    ("company.1", "expected a name after 'company.'", 9),
    ("company.Employees", "expected a name after 'company.'", 9),
    ("company.and", "expected a name after 'company.', found keyword 'and'", 9),
    ("company.a.b", "a name may have only one dot", 10),
    # parser
    ("", "expected a value, found end of condition", 1),
    ("   ", "expected a value, found end of condition", 4),
    ("employees >", "expected a value, found end of condition", 12),
    ("(employees > 1", "expected ')'", 15),
    ("(employees > 1 and (a or b)", "expected ')'", 28),
    ("(a or b]", "expected ')'", 8),
    ("employees > 300 and (x == 1", "expected ')'", 28),
    ("()", "expected a value, found ')'", 2),
    ("a)", "unexpected ')'", 2),
    ("a b", "unexpected 'b'", 3),
    ("a == 1 2", "unexpected '2'", 8),
    ("a == 'x' 'y'", "unexpected \"'y'\"", 10),
    ("and a", "expected a value, found 'and'", 1),
    ("a and", "expected a value, found end of condition", 6),
    ("a or or b", "expected a value, found 'or'", 6),
    ("a in", "expected a value, found end of condition", 5),
    ("== 1", "expected a value, found '=='", 1),
    ("a < b < c", "comparisons cannot be chained (use 'and')", 7),
    ("a == b != c", "comparisons cannot be chained (use 'and')", 8),
    ("a in b in c", "comparisons cannot be chained (use 'and')", 8),
    ("a == b not in c", "comparisons cannot be chained (use 'and')", 8),
    ("not a < b < c", "comparisons cannot be chained (use 'and')", 11),
    ("a not b", "expected 'in' after 'not'", 7),
    ("a not", "expected 'in' after 'not'", 6),
    ("a == not b", "expected a value, found 'not' (add parentheses)", 6),
    ("-not a", "expected a value, found 'not' (add parentheses)", 2),
    ("a - b", "unexpected '-'", 3),
    ("[1, 2", "expected ',' or ']'", 6),
    ("[1 2]", "expected ',' or ']'", 4),
    ("[1,, 2]", "expected a value, found ','", 4),
    ("[,]", "expected a value, found ','", 2),
    ("x in [1, 2)", "expected ',' or ']'", 11),
    ("]", "expected a value, found ']'", 1),
    ("-", "expected a value, found end of condition", 2),
    ("not", "expected a value, found end of condition", 4),
]


@pytest.mark.parametrize(("source", "message", "column"), ERROR_CASES)
def test_errors(source: str, message: str, column: int) -> None:
    with pytest.raises(ConditionError) as info:
        parse_condition(source)
    assert info.value.message == message
    assert info.value.column == column
    assert str(info.value) == f"{message} at column {column}"


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError, match=r"expected '\)' at column 15"):
        parse_condition("(employees > 1")
    error = ConditionError("unterminated string", 3)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.column, str(copy)) == (error.message, error.column, str(error))


def test_length_limit() -> None:
    longest = "a or " * ((MAX_LENGTH - 1) // 5) + "a"
    longest += " " * (MAX_LENGTH - len(longest))
    assert len(longest) == MAX_LENGTH
    assert parse_condition(longest).evaluate({}) is False
    with pytest.raises(ConditionError) as info:
        parse_condition(longest + " ")
    assert info.value.message == f"condition is longer than {MAX_LENGTH} characters"
    assert info.value.column == MAX_LENGTH + 1


def test_long_flat_chains_evaluate() -> None:
    source = " and ".join(["x"] * 300)
    assert len(source) <= MAX_LENGTH
    cond = parse_condition(source)
    assert cond.evaluate({"x": True}) is True
    assert cond.evaluate({"x": False}) is False
    source = " or ".join(f"x == {i}" for i in range(150))
    assert parse_condition(source).evaluate({"x": 149}) is True


@pytest.mark.parametrize(
    ("opener", "closer"),
    [("(", ")"), ("[", "]"), ("not ", ""), ("-", "")],
)
def test_depth_limit(opener: str, closer: str) -> None:
    ok = opener * MAX_DEPTH + "1" + closer * MAX_DEPTH
    parse_condition(ok).evaluate({})
    too_deep = opener * (MAX_DEPTH + 1) + "1" + closer * (MAX_DEPTH + 1)
    with pytest.raises(ConditionError) as info:
        parse_condition(too_deep)
    assert info.value.message == f"nested more than {MAX_DEPTH} levels deep"
    assert info.value.column == MAX_DEPTH * len(opener) + 1


def test_depth_counts_mixed_nesting() -> None:
    ok = "(not [-" * (MAX_DEPTH // 4) + "(1" + ")" + "])" * (MAX_DEPTH // 4)
    parse_condition(ok)
    with pytest.raises(ConditionError, match="nested more than"):
        parse_condition("(" * 30 + "[" * 30 + "1" + "]" * 30 + ")" * 30)


def test_deep_unbalanced_input_is_an_error_not_a_crash() -> None:
    with pytest.raises(ConditionError, match="nested more than"):
        parse_condition("(" * MAX_LENGTH)
    with pytest.raises(ConditionError, match="nested more than"):
        parse_condition("not " * (MAX_LENGTH // 4))


# --------------------------------------------------------------------------- properties

NAMES = ("a", "b", "c", "n", "m")

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.dates(),
    st.lists(st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=2)), max_size=3),
    st.frozensets(st.integers(-5, 5), max_size=3),
)
envs = st.dictionaries(st.sampled_from(NAMES), values)

atoms = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from([f"company.{n}" for n in NAMES]),
    st.integers(-1000, 1000).map(str),
    st.floats(0, 1000, allow_nan=False, allow_infinity=False).map(lambda f: f"{f:.3f}"),
    st.sampled_from(["true", "false", "null", "'x'", '"y"', "'2024-01-31'", "'it\\'s'", "''"]),
)


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Grow an expression from smaller ones; compound operands are parenthesised."""
    operand = children.map(lambda c: f"({c})")
    return st.one_of(
        st.tuples(operand, st.sampled_from(["and", "or"]), operand).map(" ".join),
        st.tuples(operand, st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in"]), operand).map(" ".join),
        operand.map(lambda c: f"not {c}"),
        operand.map(lambda c: f"-{c}"),
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    )


expressions = st.recursive(atoms, _extend, max_leaves=12)


@settings(max_examples=examples(100))
@given(expressions, envs)
def test_generated_expressions_parse_and_evaluate_to_bool(source: str, env: dict[str, object]) -> None:
    cond = parse_condition(source)
    assert cond == parse_condition(source)
    assert hash(cond) == hash(parse_condition(source))
    assert cond.names() <= set(NAMES)
    assert check_names(cond, NAMES) == []
    assert type(cond.evaluate(env)) is bool
    # the same text with extra spacing means the same thing
    spaced = parse_condition(" " + source.replace("(", "( ").replace(")", " )") + "\n")
    assert spaced.evaluate(env) is cond.evaluate(env)
    assert spaced.names() == cond.names()


@st.composite
def boolean_models(draw: st.DrawFn, depth: int = 0) -> tuple[str, bool, dict[str, object]]:
    """A boolean expression, its expected value under a model, and the env it uses."""
    env: dict[str, object] = {"p": True, "q": False, "n": 7}
    if depth >= 3 or draw(st.booleans()):
        leaf = draw(st.sampled_from(["p", "q", "n > 5", "n < 5", "n == 7", "'q' in ['p', 'q']", "true"]))
        expected = {
            "p": True,
            "q": False,
            "n > 5": True,
            "n < 5": False,
            "n == 7": True,
            "'q' in ['p', 'q']": True,
            "true": True,
        }[leaf]
        return leaf, expected, env
    kind = draw(st.sampled_from(["and", "or", "not"]))
    left, lv, _ = draw(boolean_models(depth + 1))
    if kind == "not":
        return f"not ({left})", not lv, env
    right, rv, _ = draw(boolean_models(depth + 1))
    if kind == "and":
        return f"({left}) and ({right})", lv and rv, env
    return f"({left}) or ({right})", lv or rv, env


@settings(max_examples=examples(100))
@given(boolean_models())
def test_generated_boolean_expressions_match_a_model(case: tuple[str, bool, dict[str, object]]) -> None:
    source, expected, env = case
    assert parse_condition(source).evaluate(env) is expected


GRAMMAR_ALPHABET = "abnot in and or company. ()[],'\"\\-=!<>0123456789.$\t\nAé"


def _check_garbage(source: str) -> None:
    try:
        cond = parse_condition(source)
    except ConditionError as exc:
        assert isinstance(exc.message, str)
        assert exc.message
        assert 1 <= exc.column <= max(len(source) + 1, MAX_LENGTH + 1)
    else:
        assert type(cond.evaluate({})) is bool
        assert type(cond.evaluate(dict.fromkeys(cond.names(), 1))) is bool


@settings(max_examples=examples(166))
@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_condition_error(source: str) -> None:
    _check_garbage(source)


@settings(max_examples=examples(333))
@given(st.text(alphabet=GRAMMAR_ALPHABET, max_size=60))
def test_grammar_like_garbage_raises_only_condition_error(source: str) -> None:
    _check_garbage(source)


@settings(max_examples=examples(100))
@given(
    st.lists(
        st.sampled_from(
            ["a", "b", "1", "-", "not", "and", "or", "in", "==", "<", "(", ")", "[", "]", ",", "'s'", "null"]
        ),
        max_size=30,
    )
)
def test_token_soup_raises_only_condition_error(tokens: list[str]) -> None:
    _check_garbage(" ".join(tokens))


@settings(max_examples=examples(66))
@given(expressions, st.dictionaries(st.text(max_size=3), values))
def test_unrelated_env_keys_do_not_matter(source: str, env: dict[str, object]) -> None:
    assert type(parse_condition(source).evaluate(env)) is bool
