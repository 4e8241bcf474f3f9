"""The body as a section tree: Phần/Chương/Mục/Điều/khoản/điểm, or I./1./1.1./a) in plans.

Levels are relative, read from a stack: a marker closes every open section of the same or a
deeper level. Paths follow how a reviewer cites a place: "II.4.2" in a plan, "Điều 3 khoản 2
điểm a" in a decision, with the attachment in front ("Quy định, Điều 5") where numbering
restarts inside an attached regulation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gender_mainstream.markers import BULLET_RE, LINE_MARKER_RE, SECTION_RES
from gender_mainstream.model import Paragraph, Section
from gender_mainstream.model.document import SectionKind
from gender_mainstream.vi import is_caps_line

__all__ = ["SectionBuilder", "match_section"]

_RANK = {
    "phan": 0,
    "chuong": 1,
    "muc": 2,
    "dieu": 3,
    "roman": 4,
    "arabic": 5,
    "multi": 6,
    "letter": 9,
    "arabic_paren": 10,
}
_TITLE_CUT = re.compile(r"(?<=[^\s.])[.:;](?:\s|$)")
# The closing sentence of a plan ("Trên đây là Kế hoạch …./.") belongs to no section.
_CLOSING_RE = re.compile(r"^Trên đây là\b")


@dataclass(slots=True)
class _Match:
    kind: str
    number: str
    rest: str


def match_section(text: str) -> _Match | None:
    """Return the section marker at the start of `text`, if any (appendix excluded)."""
    if LINE_MARKER_RE.match(text) is None:  # one regex screens out four in five paragraphs
        return None
    for kind, rx in SECTION_RES:
        if kind == "appendix":
            continue
        m = rx.match(text)
        if m:
            return _Match(kind, m.group("num"), m.group("rest").strip())
    return None


def _title(rest: str) -> str:
    rest = rest.removesuffix("./.").strip()
    m = _TITLE_CUT.search(rest)
    title = rest[: m.start() + 1] if m and m.start() < 200 else rest[:200]
    return title.rstrip(" .:;")


class SectionBuilder:
    """Feed paragraphs in order; read `roots` at the end."""

    def __init__(self, prefix: str = "", root: Section | None = None) -> None:
        self.prefix = prefix
        self.root = root
        self.roots: list[Section] = []
        self._stack: list[tuple[float, Section, str]] = []  # (rank, section, raw kind)
        self._pending_title: Section | None = None
        self._bullet_level = 0

    def _path(self, kind: str, number: str) -> tuple[str, SectionKind]:
        """Return (path, section kind) for a new section under the current stack top."""
        parent = self._stack[-1] if self._stack else None
        pre = self.prefix
        if kind == "dieu":
            return f"{pre}Điều {number}", "dieu"
        if kind == "chuong":
            return f"{pre}Chương {number}", "chuong"
        if kind == "phan":
            return f"{pre}Phần {number}", "phan"
        if kind == "muc":
            base = (
                parent[1].path if parent and parent[2] in ("chuong", "phan") else pre.rstrip(", ")
            )
            return (f"{base} Mục {number}".strip() if base else f"Mục {number}"), "muc"
        if parent is None:
            return f"{pre}{number}", "roman" if kind == "roman" else (
                "letter" if kind == "letter" else "arabic"
            )
        ppath, pkind = parent[1].path, parent[2]
        if kind == "arabic" and pkind == "dieu":
            return f"{ppath} khoản {number}", "khoan"
        if kind == "letter" and pkind in ("dieu", "arabic") and self._under_dieu():
            return f"{ppath} điểm {number}", "diem"
        if kind == "multi":
            # "4.2" already carries its parent "4": attach it to the nearest non-arabic level.
            for _, sec, raw in reversed(self._stack):
                if raw not in ("arabic", "multi"):
                    return f"{sec.path}.{number}", "arabic"
            return f"{pre}{number}", "arabic"
        sep = "." if not ppath.endswith(")") else " "
        return f"{ppath}{sep}{number}", "letter" if kind == "letter" else (
            "roman" if kind == "roman" else "arabic"
        )

    def _under_dieu(self) -> bool:
        return any(raw == "dieu" for _, _, raw in self._stack)

    def current(self) -> Section | None:
        """Return the innermost open section."""
        return self._stack[-1][1] if self._stack else self.root

    def add(self, p: Paragraph) -> None:
        """Place paragraph `p`, opening a section if it starts with a marker."""
        text = p.text
        if _CLOSING_RE.match(text):
            self._pending_title = None
            return
        m = match_section(text)
        if m is not None and self._plausible(m):
            rank = float(_RANK[m.kind])
            if m.kind == "multi":
                rank += m.number.count(".") - 1
            while self._stack and self._stack[-1][0] >= rank:
                self._stack.pop()
            path, skind = self._path(m.kind, m.number)
            section = Section(
                number=m.number,
                title=_title(m.rest),
                path=path,
                kind=skind,
            )
            parent = self.current()
            if parent is not None:
                parent.children.append(section)
            else:
                self.roots.append(section)
            self._stack.append((rank, section, m.kind))
            p.kind = "heading"
            self._bullet_level = 0
            self._pending_title = section if not m.rest else None
        elif self._pending_title is not None and is_caps_line(text):
            # "Chương II" on one line and "QUY ĐỊNH CHUNG" on the next.
            self._pending_title.title = text.rstrip(" .:")
            p.kind = "heading"
            self._pending_title = None
        else:
            self._pending_title = None
            bullet = BULLET_RE.match(text)
            if bullet:
                p.kind = "list_item"
                p.level = 2 if bullet.group("mark") in "+*◦○" and self._bullet_level else 1
                self._bullet_level = p.level
        owner = self.current()
        if owner is not None:
            owner.paragraphs.append(p)
            p.section = owner.path

    def _plausible(self, m: _Match) -> bool:
        """Reject markers that cannot start a section here (e.g. a lone 'V.' inside items)."""
        if m.kind == "roman" and self._stack:
            # A Roman numeral under a Điều is almost always a list, but keep plan headings.
            return not any(raw == "dieu" for _, _, raw in self._stack) or m.rest.isupper()
        return True
