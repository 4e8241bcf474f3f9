"""`numeric` rules: quantities tied to sex, extracted from a sentence and compared.

- `sex_difference`: ages stated for men and for women ("nam từ 18 đến 45 tuổi, nữ từ 18 đến
  40 tuổi", "từ 15 đến 60 tuổi đối với nam, từ 15 đến 55 tuổi đối với nữ"). `differs` flags
  different bounds; `mirrors` flags bounds equal to listed pairs (the repealed 60/55).
  A table whose columns split ages by sex ("| Trình độ | Tuổi tối đa (nam) | Tuổi tối đa
  (nữ) |", or "Độ tuổi" over "Nam | Nữ") is compared row by row.
- `target`: a local target for an indicator compared with the national target of the same
  year (Nghị quyết 28/NQ-CP): "phấn đấu 40% cơ quan … có lãnh đạo chủ chốt là nữ" against 60%.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.context import Context
from gender_mainstream.checks.schema import NumericRule, RuleBase
from gender_mainstream.nlp import AnalyzedDoc
from gender_mainstream.normalize import canonicalize
from gender_mainstream.vi import lower

__all__ = ["AgeBound", "NumericChecker", "sex_ages"]

_SEX = (
    r"(?:lao động |người |công dân |học sinh |học viên |ứng viên |cán bộ )?"
    r"(?P<sex>nam giới|nữ giới|nam|nữ|phụ nữ|đàn ông)"
)
_SEX_RE = re.compile(r"(?<![\w])" + _SEX + r"(?![\w])")
_NUM = r"(\d{1,3})"
# Age expressions, most specific first. Each yields (low, high) with None for open ends.
_AGE_RES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"(?:từ\s*)?(?:đủ\s*)?"
            + _NUM
            + r"\s*(?:tuổi\s*)?(?:đến|tới|-|–)\s*(?:dưới\s*|hết\s*|đủ\s*)?"
            + _NUM
            + r"\s*tuổi"
        ),
        "range",
    ),
    (re.compile(r"(?:từ\s*)?(?:đủ\s*)?" + _NUM + r"\s*tuổi\s*trở\s*lên"), "min"),
    (
        re.compile(
            r"(?:dưới|không\s*quá|chưa\s*quá|tối\s*đa|chưa\s*đủ)\s*(?:đủ\s*)?" + _NUM + r"\s*tuổi"
        ),
        "max",
    ),
    (re.compile(r"(?:đủ\s*)" + _NUM + r"\s*tuổi"), "exact"),
    (re.compile(r"(?<![\d.,/])(\d{2})\s*tuổi(?!\s*trở)"), "exact"),
]
# In a sentence about ages ("Độ tuổi: dưới 45 (nam) hoặc dưới 40 (nữ)") the word "tuổi" is
# often said once; these forms then count too. Not followed by a unit of something else.
_NOT_AGE = r"(?!\s*(?:%|tháng|năm|người|ngày|giờ|triệu|nghìn|đồng|m\b|cm|kg|\d))"
_BARE_AGE_RES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"(?:từ\s*)?(?:đủ\s*)?(\d{2})\s*(?:đến|tới|-|–)\s*(?:dưới\s*|hết\s*|đủ\s*)?(\d{2})"
            + _NOT_AGE
        ),
        "range",
    ),
    (
        re.compile(r"(?:dưới|không\s*quá|chưa\s*quá|tối\s*đa|chưa\s*đủ)\s*(\d{2})" + _NOT_AGE),
        "max",
    ),
    (re.compile(r"(?:từ|trên|đủ)\s*(\d{2})\s*trở\s*lên"), "min"),
    # "Nam: 35; nữ: 30" under an age heading: a bare figure right after "sex:".
    (
        re.compile(
            r"(?:(?<=nam:)|(?<=nữ:)|(?<=nam: )|(?<=nữ: )|(?<=nam : )|(?<=nữ : ))(\d{2})(?![\d.,/%])"
        ),
        "exact",
    ),
    # "Nam đến 55, nữ đến 50" in an age column: the upper end alone.
    (re.compile(r"(?<![\w])(?:đến|tới)\s*(?:hết\s*|dưới\s*)?(\d{2})" + _NOT_AGE), "max"),
    (
        re.compile(r"(?<![\d.,/])(\d{2})(?=\s*(?:\(\s*|,?\s*(?:đối\s*với|với|cho)\s*)(?:nam|nữ))"),
        "exact",
    ),
]
_FOR_SEX_RE = re.compile(
    # Not "(đối với nữ: dưới 30 tuổi)": there the sex introduces a figure of its own.
    r"^\s*(?:,?\s*(?:đối\s*với|với|cho|là)\s*|\(\s*(?:đối\s*với\s*)?)" + _SEX + r"(?!\s*:)\s*\)?"
)
_EXCEPT_RE = re.compile(r"(?:riêng|ngoại trừ|trừ)\s+(?:đối với\s+)?|\(\s*(?:đối với|với)\s+")
_PERCENT_RE = re.compile(r"(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%|phần\s*trăm)")
_YEAR_RE = re.compile(r"(?:năm|đến|vào|giai\s*đoạn\s*\d{4}\s*[-–]\s*)\s*(20\d\d)")


@dataclass(frozen=True, slots=True)
class AgeBound:
    """An age band stated for one sex, with its span in the sentence."""

    sex: str  # "m" or "f"
    low: int | None
    high: int | None
    start: int
    end: int


def _sex_code(word: str) -> str:
    return "m" if word in ("nam", "nam giới", "đàn ông") else "f"


def sex_ages(text: str, *, about_age: bool | None = None) -> list[AgeBound]:
    """Return age bands tied to a sex in a lower-cased sentence.

    `about_age` says the context speaks of ages even if this text lacks "tuổi" (a table row
    under an "Độ tuổi" header); then bare numbers ("nam 15 - 30") count as ages too.
    """
    ages: list[tuple[int, int, int | None, int | None]] = []
    taken: list[tuple[int, int]] = []
    if about_age is None:
        about_age = "tuổi" in text
    patterns = _AGE_RES + (_BARE_AGE_RES if about_age else [])
    for rx, kind in patterns:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            if kind == "range":
                lo, hi = int(m.group(1)), int(m.group(2))
            elif kind == "min":
                lo, hi = int(m.group(1)), None
            elif kind == "max":
                lo, hi = None, int(m.group(1))
            else:
                lo = hi = int(m.group(1))
            ages.append((m.start(), m.end(), lo, hi))
    sexes = [(m.start(), m.end(), _sex_code(m.group("sex"))) for m in _SEX_RE.finditer(text)]
    bounds: list[AgeBound] = []
    for a, b, lo, hi in sorted(ages):
        after = _FOR_SEX_RE.match(text[b:])
        if after:  # "từ 15 đến 60 tuổi đối với nam"
            bounds.append(AgeBound(_sex_code(after.group("sex")), lo, hi, a, b + after.end()))
            continue
        before = [s for s in sexes if s[1] <= a and a - s[1] <= 45]
        if before:  # "nam từ 18 đến 45 tuổi", "đối với nữ: từ 18 đến 40 tuổi"
            s0, _, sex = before[-1]
            if any(s0 < x[0] < a for x in ages):  # another age stands in between
                continue
            bounds.append(AgeBound(sex, lo, hi, s0, b))
    # "từ đủ 18 tuổi đến 35 tuổi (riêng lao động nữ từ đủ 18 tuổi đến 30 tuổi)": the general
    # band applies to the other sex.
    if len({x.sex for x in bounds}) == 1:
        own = bounds[0]
        general = [
            x for x in sorted(ages) if not any(x[0] < y.end and y.start < x[1] for y in bounds)
        ]
        if general and _EXCEPT_RE.search(text, max(0, own.start - 25), own.start + 1):
            a, b, lo, hi = general[0]
            bounds.append(AgeBound("m" if own.sex == "f" else "f", lo, hi, a, b))
    return bounds


class NumericChecker:
    """Compiled numeric rules."""

    def __init__(
        self, specs: list[RuleBase], vocab: dict[str, list[str]], context: Context
    ) -> None:
        self.rules: dict[str, NumericRule] = {}
        self.context = context
        self._indicator: dict[str, re.Pattern[str]] = {}
        self._value: dict[str, re.Pattern[str]] = {}
        self._requires: dict[str, list[str]] = {}
        for spec in specs:
            assert isinstance(spec, NumericRule)
            self.rules[spec.id] = spec
            self._requires[spec.id] = [lower(canonicalize(r)) for r in spec.requires]
            if spec.kind == "target" and spec.indicator:
                self._indicator[spec.id] = re.compile(canonicalize(spec.indicator))
                self._value[spec.id] = (
                    re.compile(spec.value_regex) if spec.value_regex else _PERCENT_RE
                )

    def check(self, adoc: AnalyzedDoc) -> Iterator[Hit]:
        """Yield hits sentence by sentence, for sentences holding the rules' anchors."""
        day = adoc.reference_day()[0]
        for rule_id, spec in self.rules.items():
            anchors = {lower(canonicalize(a)) for a in spec.anchors} or (
                {"nam", "nữ"} if spec.kind == "sex_difference" else set()
            )
            candidates = adoc.sentences_with(anchors)
            requires = self._requires[rule_id]
            # Sentences stating an age for one sex only: "- Lao động nam: từ 18 đến 40 tuổi;"
            # and the next item "- Lao động nữ: từ 18 đến 35 tuổi." are compared together.
            lone: list[tuple[int, AgeBound]] = []
            for sentence in candidates:
                text = adoc.lower_sentence(sentence)
                if requires and not any(r in text for r in requires):
                    continue
                if spec.kind == "sex_difference":
                    # "tuổi" may stand in a table header: "| Độ tuổi |" over "| Nam 15 - 30 |".
                    bounds = sex_ages(text, about_age="tuổi" in adoc.context_text(sentence))
                    sexes = {b.sex for b in bounds}
                    if len(sexes) == 1:
                        lone.append((sentence, bounds[0]))
                        continue
                    span = self._difference(spec, bounds, day, text)
                else:
                    span = self._target(spec, text, adoc)
                if span is not None:
                    hit = self._hit(adoc, rule_id, sentence, span)
                    if hit is not None:
                        yield hit
            if spec.kind == "sex_difference":
                yield from self._table_columns(adoc, rule_id, spec, day)
            for (s1, b1), (s2, b2) in pairwise(lone):
                if b1.sex == b2.sex or s2 - s1 > 2:
                    continue
                p1, p2 = adoc.sentences[s1].paragraph, adoc.sentences[s2].paragraph
                if adoc.document.paragraphs[p1].section != adoc.document.paragraphs[p2].section:
                    continue
                pair = self._difference(spec, [b1, b2], day, adoc.context_text(s2))
                if pair is None:
                    continue
                # Report on the women's line, where the different limit is usually set.
                sentence, bound = (s2, b2) if b2.sex == "f" else (s1, b1)
                hit = self._hit(adoc, rule_id, sentence, (bound.start, bound.end, pair[2]))
                if hit is not None:
                    yield hit

    def _table_columns(
        self, adoc: AnalyzedDoc, rule_id: str, spec: NumericRule, day: dt.date | None
    ) -> Iterator[Hit]:
        """Compare the men's and the women's age column of each table, row by row.

        Reported once per table, on the women's column heading, where the limit is set apart.
        """
        text = adoc.document.text
        for table in _tables(adoc):
            if len(table) < 2:
                continue
            heads = _column_heads(text, table)
            # The sex columns must be age columns themselves: "Tuổi tối đa (nữ)", or "Nữ"
            # under "Độ tuổi". Counts by sex under "Nhóm tuổi" are statistics.
            ages = {c: h for c, (_, h) in heads.items() if "tuổi" in h}
            men = [c for c, h in ages.items() if _HEAD_SEX_RE.search(h) and "nữ" not in h]
            women = [c for c, h in ages.items() if re.search(r"(?<!\w)nữ(?!\w)", h)]
            if len(men) != 1 or len(women) != 1:
                continue
            cm, cf = men[0], women[0]
            for row in table[1:]:
                if max(cm, cf) >= len(row):
                    continue
                # The upper end of "18 - 45" is the limit that differs.
                vm = _AGE_CELL_RE.findall(text[row[cm][0] : row[cm][1]])
                vf = _AGE_CELL_RE.findall(text[row[cf][0] : row[cf][1]])
                if not vm or not vf:
                    continue
                a, b = heads[cf][0]
                bm = AgeBound("m", None, int(vm[-1]), a, b)
                bf = AgeBound("f", None, int(vf[-1]), a, b)
                context = lower(text[row[0][0] : row[-1][1]])
                found = self._difference(spec, [bm, bf], day, context)
                if found is None:
                    continue
                w0 = bisect_left(adoc.ends, a + 1)
                w1 = bisect_right(adoc.starts, b - 1)
                if w0 < w1 and self.context.cancels(adoc, rule_id, w0, w1):
                    break
                yield Hit(rule_id, a, b, paragraph=_paragraph_at(adoc, a), values=found[2])
                break

    def _hit(
        self, adoc: AnalyzedDoc, rule_id: str, sentence: int, span: tuple[int, int, dict[str, str]]
    ) -> Hit | None:
        s = adoc.sentences[sentence]
        start, end = s.start + span[0], s.start + span[1]
        w0 = bisect_left(adoc.ends, start + 1)
        w1 = bisect_right(adoc.starts, end - 1)
        if w0 < w1 and self.context.cancels(adoc, rule_id, w0, w1):
            return None
        return Hit(rule_id, start, end, paragraph=s.paragraph, values=span[2])

    @staticmethod
    def _difference(
        spec: NumericRule, bounds: list[AgeBound], day: dt.date | None, text: str = ""
    ) -> tuple[int, int, dict[str, str]] | None:
        men = [b for b in bounds if b.sex == "m"]
        women = [b for b in bounds if b.sex == "f"]
        if not men or not women:
            return None
        m, f = men[0], women[0]
        if (m.low, m.high) == (f.low, f.high):
            return None
        pair = (m.high if m.high is not None else m.low, f.high if f.high is not None else f.low)
        gap = pair[0] - pair[1] if pair[0] is not None and pair[1] is not None else None
        listed = any(tuple(p) == pair for p in spec.pairs)
        if spec.mode == "gap":
            if gap != spec.gap or listed:
                return None
        elif (spec.mode == "mirrors") != listed:
            return None
        elif (
            spec.lawful_gap is not None
            and gap == spec.lawful_gap
            and not any(w in text for w in spec.lawful_gap_unless)
            and day is not None
            and spec.lawful_until is not None
            and day <= spec.lawful_until
        ):
            return None  # a 2011 text following the 60/55 retirement ages of its time
        start, end = min(m.start, f.start), max(m.end, f.end)
        return start, end, {"men": _band(m), "women": _band(f)}

    def _target(
        self, spec: NumericRule, text: str, adoc: AnalyzedDoc
    ) -> tuple[int, int, dict[str, str]] | None:
        rx = self._indicator.get(spec.id)
        m = rx.search(text) if rx else None
        if m is None or not spec.national:
            return None
        values = list(self._value[spec.id].finditer(text))
        if not values:
            return None
        nearest = min(values, key=lambda v: abs(v.start() - m.end()))
        value = float(nearest.group(1).replace(",", "."))
        year_m = _YEAR_RE.search(text)
        year = (
            int(year_m.group(1))
            if year_m
            else (day.year if (day := adoc.reference_day()[0]) else 2025)
        )
        # The milestone already due by that year (a 2026 target is held to the 2025 one).
        due = [y for y in sorted(spec.national) if y <= year] or [min(spec.national)]
        national = spec.national[due[-1]]
        short = value < national if spec.direction == "at_least" else value > national
        if not short:
            return None
        start = min(m.start(), nearest.start(1))
        end = max(m.end(), nearest.end(1))
        return (
            start,
            end,
            {
                "value": f"{value:g}",
                "national": f"{national:g}",
                "year": str(due[-1]),
            },
        )


_HEAD_SEX_RE = re.compile(r"(?<![\w])(?<!việt )(?:nam|nam giới)(?![\w])")
_AGE_CELL_RE = re.compile(r"(?<![\d.,/])(\d{2})(?![\d.,/%])")
_PIPE_CELL_RE = re.compile(r"(?<=\|)[^|]*(?=\|)")

Span = tuple[int, int]


def _strip(start: int, cell: str) -> Span:
    """Return the span of a cell's text without the spaces around it."""
    lead = len(cell) - len(cell.lstrip())
    return start + lead, start + lead + len(cell.strip())


def _paragraph_at(adoc: AnalyzedDoc, offset: int) -> int:
    starts = adoc.cache.get("paragraph-starts")
    if starts is None:
        starts = adoc.cache["paragraph-starts"] = [p.start for p in adoc.document.paragraphs]
    return max(bisect_right(starts, offset) - 1, 0)


def _tables(adoc: AnalyzedDoc) -> list[list[list[Span]]]:
    """Return the document's tables as rows of cell spans (offsets in Document.text).

    Two shapes reach the text: rows written with pipes ("| a | b |", one paragraph a row),
    and Word table cells (one or more paragraphs a cell, located by table, row and cell).
    """
    cached = adoc.cache.get("tables")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    tables: list[list[list[Span]]] = []
    pipe: list[list[Span]] = []
    word: dict[tuple[int, int, int], Span] = {}
    docx = adoc.document.metadata.format == "docx"
    for p in adoc.document.paragraphs:
        if p.text.startswith("|"):
            # Empty cells are kept: they hold the columns in line ("| Độ tuổi | |").
            cells = [_strip(p.start + m.start(), m.group()) for m in _PIPE_CELL_RE.finditer(p.text)]
            if cells and not all(
                set(p.text[a - p.start : b - p.start].strip()) <= set("-: ") for a, b in cells
            ):
                pipe.append(cells)
            continue
        if pipe:
            tables.append(pipe)
            pipe = []
        if docx:
            loc = p.location
            if loc.table is not None and loc.row is not None and loc.cell is not None:
                key = (loc.table, loc.row, loc.cell)
                old = word.get(key)
                word[key] = (old[0], p.end) if old else (p.start, p.end)
    if pipe:
        tables.append(pipe)
    by_table: dict[int, dict[int, list[tuple[int, Span]]]] = {}
    for (t, r, c), span in word.items():
        by_table.setdefault(t, {}).setdefault(r, []).append((c, span))
    for rows in by_table.values():
        tables.append([[s for _, s in sorted(cells)] for _, cells in sorted(rows.items())])
    adoc.cache["tables"] = tables
    return tables


def _column_heads(text: str, table: list[list[Span]]) -> dict[int, tuple[Span, str]]:
    """Return each column's heading span and lower-cased heading text.

    A second heading row without figures ("Độ tuổi" over "Nam | Nữ") adds to the first; an
    empty heading cell continues the one on its left (a heading merged over two columns).
    """
    heads: dict[int, tuple[Span, str]] = {}
    for c, span in enumerate(table[0]):
        words = lower(text[span[0] : span[1]])
        if not words and c - 1 in heads:  # a merged heading ("Độ tuổi" over two columns)
            words = heads[c - 1][1]
        heads[c] = (span, words)
    second = table[1] if len(table) > 2 else None
    if second and not any(ch.isdigit() for a, b in second for ch in text[a:b]):
        for c, span in enumerate(second):
            words = lower(text[span[0] : span[1]])
            old = heads.get(c)
            heads[c] = (span, f"{old[1]} {words}" if old else words)
    return heads


def _band(b: AgeBound) -> str:
    if b.low is not None and b.high is not None and b.low != b.high:
        return f"{b.low}–{b.high} tuổi"
    if b.high is not None:
        return f"{b.high} tuổi" if b.low == b.high else f"tối đa {b.high} tuổi"
    return f"từ {b.low} tuổi"
