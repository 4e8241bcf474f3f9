"""The end of a document: Nơi nhận items and the signature block (TM./KT./Q./TL./TUQ.).

In the printed layout the two sit side by side, so PDF text often interleaves them line by
line ("- Sở Nội vụ; KT. CHỦ TỊCH"); items are split at the point where a signature line
begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gender_mainstream.markers import BULLET_RE, SIGNATURE_CAPACITY_RE
from gender_mainstream.model import Paragraph, Signature
from gender_mainstream.vi import is_caps_line

__all__ = ["TailInfo", "find_tail", "split_lines"]

_POSITION_RE = re.compile(
    r"^(?:PHÓ\s+|Q\.\s*)?(?:CHỦ TỊCH|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|TRƯỞNG BAN|TRƯỞNG PHÒNG|"
    r"CHÁNH VĂN PHÒNG|BÍ THƯ|THỦ TRƯỞNG|HIỆU TRƯỞNG|CHỦ NHIỆM|TRƯỞNG THÔN|TRƯỞNG BẢN|"
    r"TRƯỞNG ẤP|CỤC TRƯỞNG|VỤ TRƯỞNG|BỘ TRƯỞNG|THỦ TƯỚNG|CHÁNH ÁN|VIỆN TRƯỞNG|"
    r"TRƯỞNG KHU PHỐ|CHÁNH THANH TRA)\b"
)
_SIGNED_NOTE_RE = re.compile(
    r"^[(\[]?\s*(?:đã ký|ký tên|ký,|ký và|chữ ký|đóng dấu|ký số|signed|daky)[^)\]]*[)\]]?\.?$", re.I
)
_RECIPIENTS_RE = re.compile(r"^Nơi\s+nhận\s*:\s*", re.I)
_CODE_LINE_RE = re.compile(r"^[A-ZĐ0-9_.,()\-]{2,24}$")  # drafter/copy codes: "HP_VP11_QĐ", "(08b)"
_ABBREV_ONLY_RE = re.compile(r"^(?:TM|KT|Q|TL|TUQ|T/M|K/T)\.?$")
_MERGED_SIG_RE = re.compile(
    r"(?<=[;.,])\s+(?P<sig>(?:(?:TM|KT|Q|TL|TUQ)\.\s*)?(?:PHÓ\s+)?[A-ZĐÂĂÊÔƠƯ][A-ZĐÂĂÊÔƠƯÀ-Ỹ\s.]{3,})$"
)
_UPPER_WORD = re.compile(r"^[A-ZĐÂĂÊÔƠƯÀ-Ỹ]")


def _is_attachment_start(text: str) -> bool:
    return bool(re.match(r"^(?:PHỤ LỤC|Phụ lục|QUY ĐỊNH|QUY CHẾ|DANH MỤC)\b", text))


def _is_name(text: str) -> bool:
    words = text.replace(".", " ").split()
    if not 2 <= len(words) <= 6:
        return False
    return all(w[:1].isupper() and (w[1:].islower() or len(w) == 1) for w in words)


def _is_signature_line(text: str) -> bool:
    return bool(
        SIGNATURE_CAPACITY_RE.match(text)
        or (is_caps_line(text) and _POSITION_RE.match(text))
        or _SIGNED_NOTE_RE.match(text)
    )


def split_lines(p: Paragraph) -> list[str]:
    """Return the paragraph's original source lines (canonical text cut at its joins)."""
    if not p.line_joins:
        return [p.text]
    out: list[str] = []
    prev = 0
    for j in p.line_joins:
        out.append(p.text[prev:j].strip())
        prev = j + 1
    out.append(p.text[prev:].strip())
    lines: list[str] = []
    for x in out:
        if not x:
            continue
        if lines and _ABBREV_ONLY_RE.match(lines[-1]):
            lines[-1] = f"{lines[-1]} {x}"  # "TM." on its own line, the body on the next
        else:
            lines.append(x)
    return lines


@dataclass
class TailInfo:
    """Where the tail is, what it says, and how each of its paragraphs was read."""

    start: int
    end: int
    recipients: list[str] = field(default_factory=list)
    signature: Signature | None = None
    kinds: dict[int, str] = field(default_factory=dict)


def _tail_start(paras: list[Paragraph], body_start: int) -> int | None:
    for i in range(body_start, len(paras)):
        text = paras[i].text
        if _RECIPIENTS_RE.match(text) or SIGNATURE_CAPACITY_RE.match(text):
            return i
    # No Nơi nhận, no TM./KT.: a capitalised position followed by a name.
    for i in range(max(body_start, len(paras) - 40), len(paras)):
        text = paras[i].text
        if is_caps_line(text) and _POSITION_RE.match(text):
            following = [split_lines(q) for q in paras[i + 1 : i + 4]]
            if any(_is_name(line) for lines in following for line in lines):
                return i
    return None


def _recipient_item(text: str) -> str | None:
    item = BULLET_RE.sub("", text, count=1).strip().rstrip(";.,").strip()
    return item or None


class _Walk:
    """State of the walk through the tail, one line at a time."""

    def __init__(self, info: TailInfo) -> None:
        self.info = info
        self.sig_lines: list[str] = []
        self.in_recipients = False
        self.archived = False  # "Lưu: VT" seen: short notes (copies, drafter) may follow

    def take(self, line: str) -> str | None:
        """Consume one line; return its kind, or None if it does not belong to the tail."""
        m = _RECIPIENTS_RE.match(line)
        if m:
            self.in_recipients = True
            rest = line[m.end() :].strip()
            return self.take(rest) or "recipients" if rest else "recipients"
        if self.in_recipients and re.match(r"^[-+]?\s*Lưu\b", line):
            self.archived = True
        if BULLET_RE.match(line) or (self.in_recipients and line.startswith("Lưu")):
            merged = _MERGED_SIG_RE.search(line)
            if merged and _is_signature_line(merged.group("sig").strip()):
                self.sig_lines.append(merged.group("sig").strip())
                line = line[: merged.start()]
            item = _recipient_item(line)
            if item:
                self.info.recipients.append(item)
            return "recipients"
        if _is_signature_line(line) or (is_caps_line(line) and self.sig_lines):
            self.sig_lines.append(line)
            return "signature"
        if _is_name(line) and (self.sig_lines or self.in_recipients):
            self.sig_lines.append(line)
            return "signature"
        if self.in_recipients and "_" in line and " " not in line:
            return "recipients"  # a drafter's code under Nơi nhận ("HP_VP11_QĐ")
        if (
            self.archived
            and not self.sig_lines
            and len(line) < 60
            and not _is_attachment_start(line)
        ):
            return "recipients"  # "05 bản, QĐ164.", "Huy (23 bản)", "Ký bởi: …"
        if (
            self.in_recipients
            and not self.sig_lines
            and len(line) < 120
            and line.endswith((";", "."))
        ):
            item = _recipient_item(line)  # an item whose dash was lost
            if item:
                self.info.recipients.append(item)
            return "recipients"
        return None


def find_tail(paras: list[Paragraph], body_start: int) -> TailInfo | None:
    """Locate and read the Nơi nhận list and the signature block."""
    start = _tail_start(paras, body_start)
    if start is None:
        return None
    info = TailInfo(start=start, end=start)
    walk = _Walk(info)
    i = start
    while i < len(paras):
        p = paras[i]
        # Whole paragraph first (a wrapped "Nơi\nnhận:" or "Nguyễn\nVăn Khởi" reads right
        # only whole); its source lines only when it mixes items and signature lines.
        snapshot = (len(info.recipients), len(walk.sig_lines), walk.in_recipients, walk.archived)
        whole = (
            not p.line_joins
            or _RECIPIENTS_RE.match(p.text)
            or BULLET_RE.match(p.text)
            or _is_name(p.text)
        )
        kind = walk.take(p.text) if whole else None
        if kind is None:
            del info.recipients[snapshot[0] :]
            del walk.sig_lines[snapshot[1] :]
            walk.in_recipients, walk.archived = snapshot[2], snapshot[3]
            kinds = [walk.take(line) for line in split_lines(p)]
            if not kinds or any(k is None for k in kinds):
                break
            kind = "recipients" if "recipients" in kinds else "signature"
        info.kinds[i] = kind
        i += 1
        # A signer's name closes the signature; stop unless more recipients follow.
        if (
            walk.sig_lines
            and _is_name(walk.sig_lines[-1])
            and not (
                i < len(paras)
                and (BULLET_RE.match(paras[i].text) or _RECIPIENTS_RE.match(paras[i].text))
            )
        ):
            break
    info.end = i
    info.signature = _parse_signature(walk.sig_lines) if walk.sig_lines else None
    return info


def _parse_signature(lines: list[str]) -> Signature:
    sig = Signature()
    expanded: list[str] = []
    for line in lines:
        # "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" on one line: capacity then position.
        m = re.match(r"^((?:KT|Q|TL|TUQ)\.\s*.+?)\s+(PHÓ\s+.+)$", line)
        for piece in [m.group(1), m.group(2)] if m else [line]:
            prev = expanded[-1] if expanded else ""
            if (
                prev.startswith(("TM.", "T/M"))
                and is_caps_line(piece)
                and not SIGNATURE_CAPACITY_RE.match(piece)
                and not _POSITION_RE.match(piece)
            ):
                expanded[-1] = f"{prev} {piece}"  # "TM. ỦY BAN NHÂN" + "DÂN"
            else:
                expanded.append(piece)
    for line in expanded:
        cap = SIGNATURE_CAPACITY_RE.match(line)
        if cap and cap.group("cap") in ("TM", "T/M") and sig.authority is None:
            sig.authority = line
        elif cap and sig.capacity is None:
            sig.capacity = line
        elif _SIGNED_NOTE_RE.match(line):
            continue
        elif is_caps_line(line) and sig.position is None:
            sig.position = line
        elif _is_name(line) and sig.signer is None:
            sig.signer = line
    return sig
