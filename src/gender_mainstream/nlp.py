"""The spaCy pipeline, built once per process: blank Vietnamese, syllable tokens, NORM = lower.

spaCy's own Vietnamese tokenizer needs pyvi (word segmentation, +240 MB, and word edges that
break phrase matching); the rule-based tokenizer gives one token per syllable with punctuation
split off, which is what phrase and token patterns over official text need. spaCy is imported
lazily: `gender-mainstream --help` must not pay its 0.9 s import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from gender_mainstream.model import Document
from gender_mainstream.vi import fold

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["AnalyzedDoc", "SentenceView", "analyze", "get_nlp", "words_doc"]


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


@dataclass(slots=True)
class SentenceView:
    """One sentence, tokenized, with its word-only views for phrase matching.

    `words` are the token indices that are not punctuation or space; `norm_doc` and
    `fold_doc` are Docs built from those words' lower-case and folded forms, so a phrase
    matches across commas and dashes ("giỏi việc nước, đảm việc nhà" and "giỏi việc nước -
    đảm việc nhà") but never across sentences.
    """

    paragraph: int  # index into Document.paragraphs
    start: int  # offset of the sentence in Document.text
    doc: Doc
    words: list[int]
    norm_doc: Doc
    fold_doc: Doc | None
    upper: bool  # the sentence is written in capitals (a heading)

    def word_span(self, w0: int, w1: int) -> tuple[int, int]:
        """Return Document.text offsets of words [w0, w1) of this sentence."""
        first = self.doc[self.words[w0]]
        last = self.doc[self.words[w1 - 1]]
        return self.start + first.idx, self.start + last.idx + len(last.text)


@dataclass(slots=True)
class AnalyzedDoc:
    """A Document plus its tokenized sentences (what the checks read)."""

    document: Document
    sentences: list[SentenceView]
    has_fold: bool


def words_doc(nlp: Language, words: list[str]) -> Doc:
    """Build a Doc from ready-made words, for the matching views."""
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=words, spaces=[True] * len(words))


def analyze(document: Document, *, with_fold: bool) -> AnalyzedDoc:
    """Tokenize every sentence of the document once, for all rules."""
    nlp = get_nlp()
    spans: list[tuple[int, int, int]] = []
    for i, p in enumerate(document.paragraphs):
        for s in p.sentences:
            spans.append((i, s.start, s.end))
    text = document.text
    views: list[SentenceView] = []
    tokenizer: Any = nlp.tokenizer
    docs = tokenizer.pipe((text[a:b] for _, a, b in spans), batch_size=512)
    for (pi, a, _), sdoc in zip(spans, docs, strict=True):
        words = [t.i for t in sdoc if not (t.is_punct or t.is_space)]
        norms = [sdoc[i].norm_ for i in words]
        norm_doc = words_doc(nlp, norms)
        fold_doc = words_doc(nlp, [fold(w) for w in norms]) if with_fold else None
        letters = [ch for ch in sdoc.text if ch.isalpha()]
        upper = len(letters) >= 4 and all(not ch.islower() for ch in letters)
        views.append(SentenceView(pi, a, sdoc, words, norm_doc, fold_doc, upper))
    return AnalyzedDoc(document, views, with_fold)


def token_case_ok(view: SentenceView, w: int, pattern_word: str) -> bool:
    """Return True if the token at word `w` may match `pattern_word` under smart case.

    A lower-case pattern word matches a capitalised token only where capitals carry no
    meaning — sentence start, after ':' or an opening quote or bracket,
    or in a heading written in capitals. Elsewhere a capital marks a name ("Việt Nam",
    "ông Nam", "Hội Liên hiệp Phụ nữ").
    """
    if view.upper or not pattern_word[:1].islower():
        return True
    token = view.doc[view.words[w]]
    if not token.text[:1].isupper():
        return True
    before = view.doc[: token.i]
    # Sentence-initial: only markers ("1.", "a)", "-", "Điều 3.") stand before it.
    if all(not t.is_alpha or len(t.text) == 1 for t in before):
        return True
    prev: Any = before[-1]
    return bool(prev.text in (":", "“", '"', "(", "-", "–", "‘", "'", "+", "•"))
