"""Formulas stored WITH their values: an openpyxl workbook written out by XlsxWriter.

openpyxl writes formulas without a computed value, so previewers that never calculate
(mail, SharePoint, phones) show empty cells. Here every formula the comparison workbook
emits is evaluated in Decimal — the same arithmetic as the engine, whose figures the tests
compare these formulas with — and written with XlsxWriter's `write_formula(…, value=…)`,
which stores the formula and its cached result side by side.

The evaluator reads exactly the grammar the builders emit: numbers, "text", references
(Sheet!A1, 'Hour by hour'!B7, $A$1), + - * /, = <> < > <= >=, and MAX, MIN, ROUNDUP, ROUND, IF, AND.
"""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from typing import Any

import xlsxwriter
from openpyxl import Workbook

from costing.engine import ENGINE_CONTEXT

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:E[-+]?\d+)?)|(?P<str>\"[^\"]*\")"
    r"|(?P<ref>(?:(?P<sheet>[A-Za-z]+|'(?:[^']|'')+')!)?\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+))"
    r"|(?P<func>[A-Z]+)\(|(?P<op><=|>=|<>|[-+*/=<>(),]))"
)


class FormulaError(ValueError):
    pass


def _tokens(formula: str) -> list[re.Match[str]]:
    position, tokens = 0, []
    while position < len(formula):
        match = _TOKEN.match(formula, position)
        if not match or match.end() == position:
            raise FormulaError(f"cannot read {formula[position:]!r}")
        tokens.append(match)
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, formula: str, sheet: str):
        self.tokens, self.at, self.sheet = _tokens(formula), 0, sheet

    def _peek(self) -> re.Match[str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, *ops: str) -> str | None:
        token = self._peek()
        if token is not None and token["op"] in ops:
            self.at += 1
            return token["op"]
        return None

    def parse(self) -> tuple:
        node = self._comparison()
        if self._peek() is not None:
            raise FormulaError("trailing tokens")
        return node

    def _comparison(self) -> tuple:
        node = self._additive()
        op = self._take("=", "<>", "<", ">", "<=", ">=")
        return ("bin", op, node, self._additive()) if op else node

    def _additive(self) -> tuple:
        node = self._term()
        while op := self._take("+", "-"):
            node = ("bin", op, node, self._term())
        return node

    def _term(self) -> tuple:
        node = self._unary()
        while op := self._take("*", "/"):
            node = ("bin", op, node, self._unary())
        return node

    def _unary(self) -> tuple:
        if self._take("-"):
            return ("neg", self._unary())
        return self._primary()

    def _primary(self) -> tuple:
        token = self._peek()
        if token is None:
            raise FormulaError("unexpected end")
        self.at += 1
        if token["num"]:
            return ("num", Decimal(token["num"]))
        if token["str"]:
            return ("str", token["str"][1:-1])
        if token["ref"]:
            sheet = token["sheet"] or self.sheet
            if token["sheet"] and sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            return ("ref", sheet, f"{token['col']}{token['row']}")
        if token["func"]:
            args = [] if self._take(")") else [self._comparison()]
            while args and not self._take(")"):
                if not self._take(","):
                    raise FormulaError("expected ,")
                args.append(self._comparison())
            return ("call", token["func"], args)
        if token["op"] != "(":
            raise FormulaError(f"unexpected {token.group()!r}")
        node = self._comparison()
        if not self._take(")"):
            raise FormulaError("expected )")
        return node


def _number(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | float):
        return Decimal(repr(value))
    raise FormulaError(f"not a number: {value!r}")


class Evaluator:
    """The value of any cell of an openpyxl workbook, formulas evaluated (memoised)."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.cache: dict[tuple[str, str], Any] = {}

    def value(self, sheet: str, ref: str) -> Any:
        key = (sheet, ref)
        if key not in self.cache:
            raw = self.workbook[sheet][ref].value
            if isinstance(raw, str) and raw.startswith("="):
                with localcontext(ENGINE_CONTEXT):
                    self.cache[key] = self._eval(_Parser(raw[1:], sheet).parse())
            else:
                self.cache[key] = raw
        return self.cache[key]

    def _eval(self, node: tuple) -> Any:
        kind = node[0]
        if kind in ("num", "str"):
            return node[1]
        if kind == "ref":
            value = self.value(node[1], node[2])
            return Decimal(0) if value is None else value
        if kind == "neg":
            return -_number(self._eval(node[1]))
        if kind == "bin":
            return self._binary(node[1], self._eval(node[2]), self._eval(node[3]))
        name, args = node[1], node[2]
        if name == "IF":
            return self._eval(args[1] if self._eval(args[0]) else args[2])
        if name == "AND":
            return all(self._eval(arg) for arg in args)
        values = [_number(self._eval(arg)) for arg in args]
        if name == "MAX":
            return max(values)
        if name == "MIN":
            return min(values)
        if name == "ROUNDUP":  # away from zero, to `digits` decimals
            number, digits = values
            return number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_UP)
        if name == "ROUND":  # Excel: halves away from zero
            number, digits = values
            return number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
        raise FormulaError(f"unsupported function {name}")

    @staticmethod
    def _binary(op: str, left: Any, right: Any) -> Any:
        if op in ("=", "<>") and (isinstance(left, str) or isinstance(right, str)):
            equal = str(left) == str(right)
            return equal if op == "=" else not equal
        a, b = _number(left), _number(right)
        if op == "/" and b == 0:
            raise FormulaError("division by zero")
        return {
            "+": lambda: a + b,
            "-": lambda: a - b,
            "*": lambda: a * b,
            "/": lambda: a / b,
            "=": lambda: a == b,
            "<>": lambda: a != b,
            "<": lambda: a < b,
            ">": lambda: a > b,
            "<=": lambda: a <= b,
            ">=": lambda: a >= b,
        }[op]()


def _cached(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return "" if value is None else value


def write_with_values(workbook: Workbook) -> bytes:
    """The workbook as .xlsx bytes: values, formulas with their computed results, number
    formats, bold text and column widths."""
    evaluator = Evaluator(workbook)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    formats: dict[tuple[str, bool], Any] = {}

    def fmt(number_format: str, bold: bool) -> Any:
        if number_format == "General" and not bold:
            return None
        key = (number_format, bold)
        if key not in formats:
            spec: dict[str, Any] = {"bold": bold}
            if number_format != "General":
                spec["num_format"] = number_format
            formats[key] = book.add_format(spec)
        return formats[key]

    for ws in workbook.worksheets:
        out = book.add_worksheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                raw = cell.value
                if raw is None:
                    continue
                ref = cell.coordinate
                style = fmt(cell.number_format, bool(cell.font and cell.font.bold))
                if isinstance(raw, str) and raw.startswith("="):
                    try:
                        value = _cached(evaluator.value(ws.title, ref))
                    except (FormulaError, ArithmeticError):
                        value = ""  # Excel computes it on opening; previewers show a blank
                    out.write_formula(ref, raw, style, value)
                elif isinstance(raw, str):
                    out.write_string(ref, raw, style)
                elif isinstance(raw, bool):
                    out.write_boolean(ref, raw, style)
                else:
                    out.write_number(ref, float(raw), style)
        for letter, dimension in ws.column_dimensions.items():
            if dimension.width:
                out.set_column(f"{letter}:{letter}", dimension.width)
    book.close()
    return buffer.getvalue()
