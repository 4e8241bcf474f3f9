"""Tokens for the checks: a word index over the whole document, and spaCy Docs on demand.

Two levels, because they cost very different amounts:

- The **word index** is every word of the canonical text (letters and digits, punctuation
  dropped), lower-cased and optionally diacritic-folded, with its offsets and sentence. It is
  built with one compiled regex pass and serves the phrase lists of `lexicon` rules: a phrase
  matches across commas and dashes ("giỏi việc nước, đảm việc nhà" and "giỏi việc nước - đảm
  việc nhà") but never across sentences. On real documents building per-sentence spaCy Docs
  for this cost 25x more than the matching itself.
- **spaCy Docs** (blank Vietnamese pipeline, rule-based tokenizer: one token per syllable,
  punctuation split off, NORM = lower case of canonical text) are made per sentence only when
  a token-pattern rule needs that sentence. spaCy's own Vietnamese tokenizer needs pyvi (word
  segmentation, +240 MB, and word edges that break phrase matching), so it is not used.

spaCy is imported lazily: `gender-mainstream --help` must not pay its 0.9 s import.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from gender_mainstream.model import Document
from gender_mainstream.vi import fold, lower

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["WORD_RE", "AnalyzedDoc", "SentenceRef", "analyze", "get_nlp", "words_of"]

WORD_RE = re.compile(r"[^\W_]+")
_ITEM_RE = re.compile(
    r"^\s*(?:(?P<bullet>[-+•*–])|(?P<letter>[a-zđ]\s*\))|(?P<number>\d{1,2}\s*[.)]|\(\d{1,2}\)))\s"
    # "Giới tính: Nữ", "Số con: Không quá 02 con": short label lines of a list of standards.
    r"|^(?P<label>[A-ZĐÀ-Ỹ][^:|.;]{1,28}:\s*\S)"
)


def _item_kind(text: str) -> str | None:
    """Return "bullet", "letter" or "number" for a list item's marker, else None."""
    m = _ITEM_RE.match(text)
    return m.lastgroup if m else None


_ROMAN_RE = re.compile(r"^[IVXLC]+$")


# Dates a text cites: a document number with its year ("55/2009/NĐ-CP"), a full date written
# out ("ngày 16 tháng 12 năm 2009") or in figures ("30/3/2010").
_CITED_DATE_RE = re.compile(
    r"(?<![\w/])\d{1,4}/(?P<y1>(?:19|20)\d\d)/[A-ZĐ]"
    r"|ngày\s+(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>(?:19|20)\d\d)"
    r"|(?<![\w/])(?P<d3>\d{1,2})/(?P<m3>\d{1,2})/(?P<y3>(?:19|20)\d\d)(?![\w/])",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Return the shared blank pipeline (created on first use)."""
    import spacy
    from spacy.attrs import NORM

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})
    # The text is already canonical (NFC, one tone style), so lower-casing is the whole key;
    # set explicitly so no language data can change it.
    vocab: Any = nlp.vocab
    vocab.lex_attr_getters[NORM] = lambda s: s.lower()
    return nlp


def words_of(phrase: str) -> list[str]:
    """Return the words of a (canonical) phrase as the word index sees them, case kept."""
    return WORD_RE.findall(phrase)


@dataclass(slots=True)
class SentenceRef:
    """A sentence: its paragraph, its offsets in Document.text, its words [w0, w1)."""

    paragraph: int
    start: int
    end: int
    w0: int
    w1: int
    upper: bool  # written in capitals (a heading): case carries no meaning


@dataclass(slots=True)
class AnalyzedDoc:
    """A Document with its word index; what the checks read."""

    document: Document
    sentences: list[SentenceRef]
    norms: list[str]  # lower-cased words
    folds: list[str] | None  # diacritic-folded words, when a rule needs them
    starts: list[int]  # offsets in Document.text
    ends: list[int]
    sentence_of: list[int]  # sentence index of each word
    section_titles: dict[str, str] = field(default_factory=dict)  # path -> lower-cased title chain
    own_titles: dict[str, str] = field(default_factory=dict)  # path -> its own lower-cased title
    # Word spans [w0, w1) of organisation names ("Hội Liên hiệp Phụ nữ"), found by the topic
    # detector, and the set of their words.
    name_spans: list[tuple[int, int]] = field(default_factory=list)
    name_words: frozenset[int] = frozenset()
    _docs: dict[int, Doc] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # per-document results shared by checkers

    def reference_day(self) -> tuple[dt.date | None, bool]:
        """Return the day the text speaks from, and whether that day is only estimated.

        The header date when there is one. A text without it (a copy whose header was cut, an
        old resolution typed again) is dated by the newest document number or full date it
        cites: it cannot be older than what it cites, and an old text cites only old ones.
        Without that, a 2009 directive naming the Sở Kế hoạch và Đầu tư would be read as a
        2025 text naming an abolished agency. Year-only evidence counts as 31 December, so an
        estimate errs towards the current law. A text citing fewer than two dated texts stays
        undated and is read as current (a pasted draft clause). A draft whose number is blank
        but carries the year ("…/2026/QĐ-UBND") is dated by that year.
        """
        cached = self.cache.get("reference-day")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        day = self.document.metadata.date
        result: tuple[dt.date | None, bool] = (day, False)
        number_year = re.search(r"/((?:19|20)\d\d)/", self.document.metadata.number or "")
        if day is None and number_year:
            # A draft's number carries its year ("…/2026/QĐ-UBND"): it speaks from that year.
            year_end = dt.date(int(number_year.group(1)), 12, 31)
            result = (min(year_end, dt.date.today()), True)
        elif day is None:
            today = dt.date.today()
            seen: set[dt.date] = set()
            for m in _CITED_DATE_RE.finditer(self.document.text):
                try:
                    if m.group("y1"):  # "số 55/2009/NĐ-CP": the year only
                        found = dt.date(int(m.group("y1")), 12, 31)
                    else:
                        y = int(m.group("y2") or m.group("y3"))
                        mo = int(m.group("m2") or m.group("m3"))
                        d = int(m.group("d2") or m.group("d3"))
                        found = dt.date(y, mo, d)
                except ValueError:
                    continue
                if found <= today:
                    seen.add(found)
            # One citation is too little to date a text by: a pasted clause citing a repealed
            # decree is more likely a current draft than an old text.
            if len(seen) >= 2:
                result = (max(seen), True)
        self.cache["reference-day"] = result
        return result

    def titles_of(self, paragraph: int, *, headings_only: bool = False) -> str:
        """Return the lower-cased titles of the sections containing a paragraph, outermost first.

        With `headings_only`, a numbered item's own line does not count its own title: there
        the "title" is the item's first sentence, the very text being judged.
        """
        path = self.document.paragraphs[paragraph].section
        if not path:
            return ""
        chain = self.section_titles.get(path, "")
        own = self.own_titles.get(path, "")
        # A numbered item's "title" is its own first sentence ("3. Khi xảy ra mâu thuẫn, …
        # hạn chế lập biên bản …"): on that very line it is the text, not a heading over it.
        if headings_only and own and own in lower(self.document.paragraphs[paragraph].text):
            return chain[: -len(own)].removesuffix(" / ")
        return chain

    def positions(self, word: str) -> list[int]:
        """Return the indices of the words equal to `word` (lower-case), in order."""
        index: dict[str, list[int]] | None = self.cache.get("word-positions")
        if index is None:
            index = {}
            for w, norm in enumerate(self.norms):
                index.setdefault(norm, []).append(w)
            self.cache["word-positions"] = index
        return index.get(word, [])

    def sentences_with(self, words: frozenset[str] | set[str]) -> list[int]:
        """Return the sentences holding one of these (lower-case) words, in order."""
        index: dict[str, list[int]] | None = self.cache.get("word-sentences")
        if index is None:
            index = {}
            for w, norm in enumerate(self.norms):
                found = index.setdefault(norm, [])
                s = self.sentence_of[w]
                if not found or found[-1] != s:
                    found.append(s)
            self.cache["word-sentences"] = index
        out: set[int] = set()
        for word in words:
            out.update(index.get(word, ()))
        return sorted(out)

    def context_text(self, sentence: int) -> str:
        """Return the lower-cased sentence followed by its lead-in paragraphs' text."""
        cache: dict[int, str] = self.cache.setdefault("context-text", {})
        text = cache.get(sentence)
        if text is None:
            paras = self.document.paragraphs
            lead = self.lead_in(self.sentences[sentence].paragraph)
            text = " \n ".join(
                [self.lower_sentence(sentence), *(lower(paras[q].text) for q in lead)]
            )
            cache[sentence] = text
        return text

    def lower_sentence(self, sentence: int) -> str:
        """Return the lower-cased text of one sentence (computed once)."""
        cache: dict[int, str] = self.cache.setdefault("lower-sentences", {})
        text = cache.get(sentence)
        if text is None:
            s = self.sentences[sentence]
            text = cache[sentence] = lower(self.document.text[s.start : s.end])
        return text

    def sentence_words(self, sentence: int) -> list[str]:
        """Return the lower-cased words of one sentence."""
        s = self.sentences[sentence]
        return self.norms[s.w0 : s.w1]

    def text_of(self, w: int) -> str:
        """Return word `w` as written (canonical, case kept)."""
        return self.document.text[self.starts[w] : self.ends[w]]

    def span(self, w0: int, w1: int) -> tuple[int, int]:
        """Return Document.text offsets of words [w0, w1)."""
        return self.starts[w0], self.ends[w1 - 1]

    def spacy_doc(self, sentence: int) -> Doc:
        """Return the spaCy Doc of one sentence (tokenized on first request)."""
        doc = self._docs.get(sentence)
        if doc is None:
            s = self.sentences[sentence]
            doc = get_nlp().make_doc(self.document.text[s.start : s.end])
            self._docs[sentence] = doc
        return doc

    def inside_name(self, w0: int, w1: int) -> bool:
        """Say whether words [w0, w1) are part of a name but not the whole name.

        "phụ nữ" in "Hội Liên hiệp Phụ nữ" is part of a name and says nothing about women;
        the whole name "Hội Liên hiệp Phụ nữ" is an organisation that can be given a task.
        """
        if w0 not in self.name_words:
            return False
        i = bisect_right(self.name_spans, (w0, 1 << 62)) - 1
        while i >= 0:
            a, b = self.name_spans[i]
            if a <= w0 and w1 <= b and (a, b) != (w0, w1):
                return True
            if b <= w0 and a < w0 - 12:
                break
            i -= 1
        return False

    def sentences_of(self, paragraph: int) -> range:
        """Return the indices of the sentences of one paragraph."""
        index: dict[int, range] | None = self.cache.get("sentences-of")
        if index is None:
            index = {}
            for i, s in enumerate(self.sentences):
                r = index.get(s.paragraph)
                index[s.paragraph] = range(r.start if r else i, i + 1)
            self.cache["sentences-of"] = index
        return index.get(paragraph, range(0))

    def lead_in(self, paragraph: int) -> list[int]:
        """Return the paragraphs that introduce a list item or a table row.

        "Không xem xét bổ nhiệm các trường hợp sau:" governs its items "a) …", "b) …"; a
        table's header row governs its cells ("| Yêu cầu đối với thành viên |"). Rules read
        these for their context, so a condition or a prohibition stated once in the lead-in
        applies to every item.
        """
        cache: dict[int, list[int]] = self.cache.setdefault("lead-in", {})
        found = cache.get(paragraph)
        if found is not None:
            return found
        paras = self.document.paragraphs
        found = []
        text = paras[paragraph].text
        if text.startswith("|"):  # a table row: the header row, and what stands before it
            q = paragraph
            while q > 0 and paras[q - 1].text.startswith("|"):
                q -= 1
            if q != paragraph:
                found.append(q)
            if q > 0 and paras[q - 1].text.rstrip().endswith(":"):
                found.append(q - 1)
        elif (kind := _item_kind(text)) is not None:
            # Walk back over the items of the same list ("a)", "b)"; or "-", "+") to the
            # paragraph that opens it; it is a lead-in only if it ends with a colon.
            for q in range(paragraph - 1, max(-1, paragraph - 20), -1):
                if _item_kind(paras[q].text) == kind:
                    continue
                if paras[q].text.rstrip().endswith(":"):
                    found.append(q)
                break
        cache[paragraph] = found
        return found

    def case_ok(self, w: int, pattern_word: str) -> bool:
        """Return True if word `w` may match `pattern_word` under smart case.

        A lower-case pattern word matches a capitalised word only where capitals carry no
        meaning — sentence start, after ':' or an opening quote, bracket or bullet, or in a
        heading written in capitals. Elsewhere a capital marks a name ("Việt Nam", "ông Nam",
        "Hội Liên hiệp Phụ nữ").
        """
        if not pattern_word[:1].islower():
            return True
        written = self.text_of(w)
        if not written[:1].isupper():
            return True
        sentence = self.sentences[self.sentence_of[w]]
        if sentence.upper:
            return True
        # Sentence-initial: only markers ("1.", "a)", "II.", "-") stand before the word.
        if all(
            len(self.norms[k]) == 1 or self.norms[k].isdigit() or _ROMAN_RE.match(self.text_of(k))
            for k in range(sentence.w0, w)
        ):
            return True
        gap_start = self.ends[w - 1] if w > sentence.w0 else sentence.start
        gap = self.document.text[gap_start : self.starts[w]]
        return any(ch in gap for ch in ":“\"(‘'•+|;") or gap.strip() in ("-", "–")


def analyze(document: Document, *, with_fold: bool) -> AnalyzedDoc:
    """Index every word of every sentence once, for all rules."""
    text = document.text
    low = lower(text)
    sentences: list[SentenceRef] = []
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    sentence_of: list[int] = []
    finditer = WORD_RE.finditer
    for pi, p in enumerate(document.paragraphs):
        for s in p.sentences:
            w0 = len(norms)
            k = len(sentences)
            for m in finditer(low, s.start, s.end):
                norms.append(m.group())
                starts.append(m.start())
                ends.append(m.end())
            sentence_of.extend([k] * (len(norms) - w0))
            chunk = text[s.start : s.end]
            upper = chunk.isupper() and len(norms) - w0 >= 2
            sentences.append(SentenceRef(pi, s.start, s.end, w0, len(norms), upper))
    folds = fold("\x00".join(norms)).split("\x00") if with_fold and norms else None
    titles: dict[str, str] = {}
    own: dict[str, str] = {}

    def walk(sections: list[Any], chain: str) -> None:
        for sec in sections:
            here = f"{chain} / {lower(sec.title)}" if chain else lower(sec.title)
            titles[sec.path] = here
            own[sec.path] = lower(sec.title)
            walk(sec.children, here)

    walk(document.sections, "")
    return AnalyzedDoc(
        document, sentences, norms, folds, starts, ends, sentence_of, titles, own_titles=own
    )
