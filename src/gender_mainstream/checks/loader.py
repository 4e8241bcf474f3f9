"""Load rule folders into a `RulePack`: validate every file, resolve layers, compile once.

Layers: the built-in pack first, then each `--rules DIR` in order. A rule with the same id
replaces the one below it; `status: removed` (or a `disable:` list in the folder's pack.yaml)
switches a rule off. Errors name the file, the line, the key and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from gender_mainstream.checks.registry import RULE_TYPES
from gender_mainstream.checks.schema import (
    MacrosFile,
    PackFile,
    RuleBase,
    TopicsFile,
    VocabFile,
)
from gender_mainstream.errors import RuleError

__all__ = ["CompiledPack", "RulePack", "builtin_rules_dir", "load_rules"]

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def builtin_rules_dir() -> Path:
    """Return the folder of the built-in rule pack (inside the wheel, or the source tree)."""
    pkg = Path(__file__).resolve().parent.parent
    for candidate in (pkg / "rules", pkg.parent.parent / "rules"):
        if (candidate / "pack.yaml").is_file():
            return candidate
    raise RuleError(
        None,
        "the built-in rule pack is missing from this installation",
        "reinstall gender-mainstream (pip install --force-reinstall gender-mainstream)",
        code="GM-E201",
    )


def _line_of(text: str, loc: Sequence[int | str]) -> int | None:
    """Return the 1-based line of the YAML node at `loc` (a pydantic error location)."""
    try:
        node: Any = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return int(node.start_mark.line) + 1 if node is not None else None


def _read(path: Path) -> tuple[Any, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(
            path, f"cannot read rule file ({exc})", "save it as UTF-8", "GM-E202"
        ) from exc
    try:
        return yaml.load(text, Loader=_LOADER), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleError(
            path, f"{where}invalid YAML ({problem})", "fix the YAML syntax", "GM-E203"
        ) from exc


def _validation_error(path: Path, text: str, exc: ValidationError, model: type[Any]) -> RuleError:
    # An unknown key is usually a typo of the missing one: report it first, with a guess.
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    loc = tuple(err["loc"])
    line = _line_of(text, loc)
    where = f"line {line}: " if line else ""
    key = ".".join(str(x) for x in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        names = sorted(f.alias or n for n, f in model.model_fields.items())
        guess = difflib.get_close_matches(str(loc[-1]), names, n=1)
        problem = f"{where}unknown key '{key}'" + (
            f" (did you mean '{guess[0]}'?)" if guess else ""
        )
        fix = f"allowed keys here: {', '.join(names)}"
    elif err["type"] == "missing":
        problem = f"{where}missing required key '{key}'"
        fix = "add it (see docs/rules.md for the rule-file format)"
    else:
        msg = str(err["msg"]).removeprefix("Value error, ")
        problem = f"{where}key '{key}': {msg}"
        fix = "see docs/rules.md for what is allowed"
    more = len(exc.errors()) - 1
    if more:
        fix += f" ({more} more error{'s' if more > 1 else ''} in this file)"
    return RuleError(path, problem, fix, "GM-E204")


def _parse_rule(path: Path) -> RuleBase:
    data, text = _read(path)
    if not isinstance(data, dict):
        raise RuleError(
            path, "a rule file must be a mapping of keys", "see docs/rules.md", "GM-E204"
        )
    allowed = ", ".join(sorted(RULE_TYPES))
    kind = data.get("type")
    if kind is None:
        raise RuleError(path, "missing required key 'type'", f"use one of: {allowed}", "GM-E204")
    if kind not in RULE_TYPES:
        line = _line_of(text, ("type",))
        raise RuleError(
            path, f"line {line}: unknown rule type {kind!r}", f"use one of: {allowed}", "GM-E205"
        )
    model = RULE_TYPES[kind].schema
    try:
        spec = model.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, text, exc, model) from exc
    if not path.stem.startswith(spec.id):
        raise RuleError(
            path,
            f"file name does not start with the rule id {spec.id}",
            f"rename the file to {spec.id}-{spec.name}.yaml",
            "GM-E206",
        )
    return spec


def _parse_vocab(path: Path) -> VocabFile:
    data, text = _read(path)
    try:
        return VocabFile.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, text, exc, VocabFile) from exc


def _parse_topics(path: Path) -> TopicsFile:
    data, text = _read(path)
    try:
        return TopicsFile.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, text, exc, TopicsFile) from exc


def _parse_macros(path: Path) -> MacrosFile:
    data, text = _read(path)
    try:
        return MacrosFile.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, text, exc, MacrosFile) from exc


_MACRO_RE = re.compile(r"\{\{([A-Za-z0-9_]+)\}\}")


def _resolve_macros(macros: dict[str, str], path: Path | None) -> dict[str, str]:
    """Expand macros inside macros (each may use those defined before it)."""
    done: dict[str, str] = {}
    for name, body in macros.items():

        def sub(m: re.Match[str], name: str = name) -> str:
            ref = m.group(1)
            if ref not in done:
                raise RuleError(
                    path,
                    f"macro {name} uses {{{{{ref}}}}}, which is not defined before it",
                    "define macros before the macros that use them",
                    "GM-E212",
                )
            return done[ref]

        done[name] = _MACRO_RE.sub(sub, body)
    return done


def _expand_rule(spec: RuleBase, macros: dict[str, str]) -> RuleBase:
    """Return the rule with {{NAME}} macros replaced in its regexes and 're:' conditions."""
    data = spec.model_dump(mode="python", by_alias=True)

    def walk(value: Any) -> Any:
        if isinstance(value, str) and "{{" in value:

            def sub(m: re.Match[str]) -> str:
                name = m.group(1)
                if name not in macros:
                    guess = difflib.get_close_matches(name, list(macros), n=1)
                    hint = f" (did you mean {{{{{guess[0]}}}}}?)" if guess else ""
                    raise RuleError(
                        None,
                        f"rule {spec.id}: unknown macro {{{{{name}}}}}{hint}",
                        "define it in macros.yaml of the rule folder",
                        "GM-E212",
                    )
                return "(?:" + macros[name] + ")"

            return _MACRO_RE.sub(sub, value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    expanded = walk(data)
    if expanded == data:
        return spec
    try:
        return type(spec).model_validate(expanded)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise RuleError(
            None,
            f"rule {spec.id}: after macro expansion, {err['msg']}",
            "check the macros it uses",
            "GM-E212",
        ) from exc


def _expand_text(text: str, macros: dict[str, str], where: str) -> str:
    """Expand macros in a vocabulary item ('re:' items of conditions)."""
    if "{{" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in macros:
            raise RuleError(
                None,
                f"{where}: unknown macro {{{{{m.group(1)}}}}}",
                "define it in macros.yaml of the rule folder",
                "GM-E212",
            )
        return "(?:" + macros[m.group(1)] + ")"

    return _MACRO_RE.sub(sub, text)


def _parse_packfile(path: Path) -> PackFile:
    data, text = _read(path)
    try:
        return PackFile.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, text, exc, PackFile) from exc


@dataclass
class CompiledPack:
    """The checkers of a pack, ready to run."""

    checkers: list[Any]
    needs_fold: bool
    topics: Any = None  # TopicDetector, when the pack has topics.yaml
    require: Any = None  # the RequireChecker, which grades scorecard elements


@dataclass
class RulePack:
    """A validated set of rules (all layers resolved) with shared vocabularies."""

    rules: list[RuleBase]
    vocab: dict[str, list[str]]
    version: str
    sources: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    topics: TopicsFile | None = None

    def get(self, rule_id: str) -> RuleBase:
        """Return the rule with this id.

        Raises:
            KeyError: no such rule in the pack.

        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @cached_property
    def by_id(self) -> dict[str, RuleBase]:
        """Rules by id."""
        return {r.id: r for r in self.rules}

    def subset(self, rule_ids: Sequence[str]) -> RulePack:
        """Return a pack holding only these rules (used to run one rule's examples)."""
        keep = set(rule_ids)
        return RulePack(
            [r for r in self.rules if r.id in keep],
            self.vocab,
            self.version,
            self.sources,
            topics=self.topics,
        )

    @cached_property
    def compiled(self) -> CompiledPack:
        """Compile every rule type's checker once (all sharing one context index)."""
        from gender_mainstream.checks.context import Context
        from gender_mainstream.checks.topics import TopicDetector

        context = Context(self.rules, self.vocab)
        detector = TopicDetector(self.topics, self.vocab) if self.topics is not None else None
        checkers: list[Any] = []
        needs_fold = False
        require = None
        for name, rule_type in RULE_TYPES.items():
            specs = [r for r in self.rules if getattr(r, "type", None) == name]
            if not specs:
                continue
            checker = rule_type.load_checker()(specs, self.vocab, context)
            needs_fold |= bool(getattr(checker, "needs_fold", False))
            if hasattr(checker, "topics"):
                checker.topics = detector
            if name == "require":
                require = checker
            checkers.append(checker)
        return CompiledPack(checkers, needs_fold, detector, require)


def _load_dir(
    folder: Path,
    rules: dict[str, RuleBase],
    vocab: dict[str, list[str]],
    disabled: set[str],
    topics: list[TopicsFile],
    *,
    macros: dict[str, str],
) -> tuple[str, str]:
    """Load one layer into `rules`/`vocab`/`macros`; return (pack name, version)."""
    if not folder.is_dir():
        raise RuleError(
            folder, "rule folder not found", "give an existing folder to --rules", "GM-E207"
        )
    name, version = folder.name, "0"
    pack_path = folder / "pack.yaml"
    if pack_path.is_file():
        pack = _parse_packfile(pack_path)
        name, version = pack.name, pack.version
        disabled.update(pack.disable)
    for path in sorted((folder / "vocab").glob("*.yaml")) if (folder / "vocab").is_dir() else []:
        v = _parse_vocab(path)
        vocab[v.name] = list(v.phrases)
    topics_path = folder / "topics.yaml"
    if topics_path.is_file():
        topics.append(_parse_topics(topics_path))
    macros_path = folder / "macros.yaml"
    if macros_path.is_file():
        layer = _parse_macros(macros_path).macros
        # A layer may redefine a macro; its other macros may use the earlier layers' ones.
        macros.update(_resolve_macros({**macros, **layer}, macros_path))
    seen: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.yaml")):
        rel = path.relative_to(folder)
        if path in (pack_path, topics_path, macros_path) or (rel.parts and rel.parts[0] == "vocab"):
            continue
        spec = _parse_rule(path)
        if spec.id in seen:
            raise RuleError(
                path,
                f"rule id {spec.id} is already used by {seen[spec.id]}",
                "give each rule its own id; ids are never reused",
                "GM-E208",
            )
        seen[spec.id] = path
        rules[spec.id] = spec
        if spec.status == "removed":
            disabled.add(spec.id)
        else:
            disabled.discard(spec.id)
    return name, version


def _vocab_refs(spec: RuleBase) -> list[tuple[str, str]]:
    """Return (key, '@name') for every vocabulary a rule refers to."""
    refs: list[tuple[str, str]] = []
    for key in (
        "exceptions",
        "unless",
        "unless_near",
        "unless_section",
        "unless_title",
        "locate_in",
    ):
        refs.extend((key, item) for item in getattr(spec, key, []) or [])
    for pattern in getattr(spec, "patterns", []) or []:
        refs.extend(("also", item) for item in getattr(pattern, "also", []) or [])
        refs.extend(("requires", item) for item in getattr(pattern, "requires", []) or [])
    for key in ("met", "partial", "then"):
        for cond in getattr(spec, key, []) or []:
            refs.extend((key, item) for group in cond.sentence for item in group)
            refs.extend((key, item) for item in cond.sections or [])
    return [(k, r) for k, r in refs if r.startswith("@")]


def _check_vocab_refs(
    rules: dict[str, RuleBase], vocab: dict[str, list[str]], topics: TopicsFile | None
) -> None:
    for ref in topics.names if topics is not None else []:
        if ref.startswith("@") and ref[1:] not in vocab:
            raise RuleError(
                None,
                f"topics.yaml: names refers to unknown vocabulary {ref!r}",
                f"add rules/vocab/{ref[1:]}.yaml or use one of: {', '.join(sorted(vocab))}",
                "GM-E209",
            )
    for spec in rules.values():
        for key, ref in _vocab_refs(spec):
            if ref[1:] not in vocab:
                raise RuleError(
                    None,
                    f"rule {spec.id}: {key} refers to unknown vocabulary {ref!r}",
                    f"add rules/vocab/{ref[1:]}.yaml or use one of: {', '.join(sorted(vocab))}",
                    "GM-E209",
                )


_CACHE: dict[tuple[str, ...], RulePack] = {}


def load_rules(dirs: Sequence[str | Path] = (), *, builtin: bool = True) -> RulePack:
    """Load the built-in pack (unless `builtin=False`) with user folders layered on top.

    Raises:
        RuleError: a rule, vocabulary or pack file is invalid.

    """
    folders = ([builtin_rules_dir()] if builtin else []) + [Path(d) for d in dirs]
    key = tuple(str(f.resolve()) for f in folders)
    stamp = tuple(
        f"{p}:{p.stat().st_mtime_ns}"
        for f in folders
        if f.is_dir()
        for p in sorted(f.rglob("*.yaml"))
    )
    cache_key = key + stamp
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    rules: dict[str, RuleBase] = {}
    vocab: dict[str, list[str]] = {}
    disabled: set[str] = set()
    versions: list[str] = []
    topics: list[TopicsFile] = []
    macros: dict[str, str] = {}
    for folder in folders:
        name, version = _load_dir(folder, rules, vocab, disabled, topics, macros=macros)
        versions.append(version if not versions else f"{name}-{version}")
    _check_vocab_refs(rules, vocab, topics[-1] if topics else None)
    vocab = {
        name: [_expand_text(p, macros, f"vocabulary {name}") for p in phrases]
        for name, phrases in vocab.items()
    }
    active = sorted(
        (
            _expand_rule(r, macros)
            for r in rules.values()
            if r.id not in disabled and r.status != "removed"
        ),
        key=lambda r: r.id,
    )
    digest = hashlib.sha256("\n".join(stamp).encode()).hexdigest()[:8] if len(folders) > 1 else ""
    version = "+".join(versions) + (f".{digest}" if digest else "")
    pack = RulePack(
        active,
        vocab,
        version,
        [str(f) for f in folders],
        sorted(disabled),
        topics=topics[-1] if topics else None,
    )
    _CACHE.clear()
    _CACHE[cache_key] = pack
    return pack


def split_marked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove [[…]] markers from an example; return the text and the marked spans."""
    spans: list[tuple[int, int]] = []
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"\[\[(.+?)\]\]", text, re.S):
        out.append(text[pos : m.start()])
        start = sum(len(x) for x in out)
        out.append(m.group(1))
        spans.append((start, start + len(m.group(1))))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), spans
