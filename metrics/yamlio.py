"""Strict YAML loading with line:col marks.

PyYAML's C loader, subclassed to refuse what hand-written data files should never contain:
aliases (an alias bomb loads instantly but blows up whatever walks it), duplicate keys (PyYAML
keeps the last one silently), YAML 1.1 surprises (012 read as octal 10, 12:30 read as 750,
yes/no/on/off read as booleans) and oversized files. The node tree is kept so that a later
validation error at a path such as ("observations", 3, "value") can be reported at its line.
"""

from __future__ import annotations

import errno
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from metrics import messages
from metrics.problems import Refusal

MAX_BYTES = 2_000_000
MAX_DEPTH = 12  # a city file nests six levels deep; hundreds of levels only crash what walks them


# A file modified less than this long ago may still be being written (an editor saving in place
# writes it in pieces): it is read once it has kept still this long, or refused after
# READ_ATTEMPTS tries, never served half.
SETTLE_SECONDS = 0.1
READ_ATTEMPTS = 12


class FileChanging(OSError):
    """A file that changed on every attempt to read it (still being written)."""


def read_stable(path: Path) -> bytes:
    """The file's bytes as they were at one moment: the file is stat()ed before and after the
    read, and read again when its size, modification time or inode changed in between, when
    the bytes read are not its size, or while it was modified in the last SETTLE_SECONDS.
    Raises FileChanging when it never keeps still, OSError when it cannot be read."""
    for _ in range(READ_ATTEMPTS):
        before = path.stat()
        age = time.time() - before.st_mtime
        if 0 <= age < SETTLE_SECONDS:
            time.sleep(SETTLE_SECONDS - age)
            continue
        raw = path.read_bytes()
        after = path.stat()
        same = (before.st_size, before.st_mtime_ns, before.st_ino) == (after.st_size, after.st_mtime_ns, after.st_ino)
        if same and len(raw) == after.st_size:
            return raw
    raise FileChanging(errno.EBUSY, "the file changed while it was read")


def os_code(exc: OSError) -> str:
    """Why a file operation failed, as a key of metrics.messages.OS_REASONS (or the errno's name):
    never the system's errno text, which names paths."""
    if isinstance(exc, FileChanging):
        return "changing"
    if exc.errno == errno.EPERM:
        return "EACCES"
    return errno.errorcode.get(exc.errno, "unknown error") if exc.errno is not None else "unknown error"


def os_reason(exc: OSError, lang: str = "en") -> str:
    """Why a file operation failed, in words (metrics.messages.OS_REASONS)."""
    return messages.os_words(os_code(exc), lang)


class YamlError(Refusal):
    """A located problem in a YAML text (line and column are 1-based): a code of
    metrics.messages with its parameters."""


def _mark(node_or_mark: Any) -> tuple[int, int]:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return mark.line + 1, mark.column + 1


class _AliasError(YamlError):
    """An alias was met; its node's mark is the anchor's, so parse() relocates it to the alias."""


def _first_alias(text: str) -> tuple[int, int] | None:
    for token in yaml.scan(text, Loader=yaml.CSafeLoader):
        if isinstance(token, yaml.AliasToken):
            return _mark(token)
    return None


class StrictLoader(yaml.CSafeLoader):
    """CSafeLoader that rejects aliases, duplicate keys and ambiguous YAML 1.1 scalars."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasError("yaml_alias", *_mark(node))
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise YamlError("yaml_not_mapping", *_mark(node))
        mapping = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("yaml_merge_key", *_mark(key_node))
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlError("yaml_key_not_plain", *_mark(key_node))
            if key in mapping:
                raise YamlError("yaml_duplicate_key", *_mark(key_node), key=str(key))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_int(self, node):
        text = str(node.value).replace("_", "")
        digits = text.lstrip("+-")
        if ":" in text:
            raise YamlError("yaml_base60", *_mark(node), value=node.value)
        if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
            raise YamlError("yaml_octal", *_mark(node), value=node.value, decimal=int(digits))
        if digits.startswith(("0x", "0b", "0o")):
            raise YamlError("yaml_not_decimal", *_mark(node), value=node.value)
        return super().construct_yaml_int(node)

    def construct_yaml_bool(self, node):
        if str(node.value).lower() not in ("true", "false"):
            raise YamlError("yaml_yes_no", *_mark(node), value=node.value)
        return super().construct_yaml_bool(node)

    def construct_yaml_timestamp(self, node):
        # PyYAML's resolver takes 2024-13-01 for a date and then raises a bare ValueError.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise YamlError("yaml_bad_date", *_mark(node), value=node.value, detail=str(exc)) from None


class _NoAliasLoader(StrictLoader):
    """StrictLoader for a text without a `*`: it cannot hold an alias, so the per-node alias
    check (a tenth of a city file's validation) is skipped."""

    construct_object = yaml.constructor.SafeConstructor.construct_object


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)
StrictLoader.add_constructor("tag:yaml.org,2002:bool", StrictLoader.construct_yaml_bool)
StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_mapping)


@dataclass
class Document:
    """A parsed YAML document: its data and the node tree that locates every value."""

    data: Any
    root: yaml.Node | None

    def locate(self, path: tuple) -> tuple[int, int]:
        """Returns the (line, col) of the deepest node found along a path of keys and indexes."""
        node = self.root
        if node is None:
            return 1, 1
        found = node
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(step):
                        child = value_node
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                child = node.value[step]
            if child is None:
                break
            node = found = child
        return _mark(found)

    def locate_key(self, path: tuple) -> tuple[int, int]:
        """Returns the (line, col) of the key at the end of a path (for unknown or duplicate keys)."""
        parent = self.root
        for step in path[:-1]:
            nxt = None
            if isinstance(parent, yaml.MappingNode):
                nxt = next((v for k, v in parent.value if k.value == str(step)), None)
            elif isinstance(parent, yaml.SequenceNode) and isinstance(step, int) and step < len(parent.value):
                nxt = parent.value[step]
            if nxt is None:
                return self.locate(path)
            parent = nxt
        if isinstance(parent, yaml.MappingNode) and path:
            for key_node, _ in parent.value:
                if key_node.value == str(path[-1]):
                    return _mark(key_node)
        return self.locate(path)


def _too_deep(root: yaml.Node | None) -> yaml.Node | None:
    """The first node nested deeper than MAX_DEPTH (walked without recursion), or None. Each
    node is walked once: an alias makes a node a child of several (it is refused later, but a
    billion-laughs document must not be walked a billion times first)."""
    stack = [(root, 1)] if root is not None else []
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return None


def _too_deep_tree(root: yaml.Node | None) -> yaml.Node | None:
    """_too_deep for a document without aliases (a tree: each node is met once), level by level."""
    level = [root] if root is not None else []
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            return level[-1]  # the node _too_deep meets first (it walks the last branch first)
        below = []
        for node in level:
            if type(node) is yaml.MappingNode:
                for pair in node.value:
                    below += pair
            elif type(node) is yaml.SequenceNode:
                below += node.value
        level = below
        depth += 1
    return None


# The line breaks the YAML readers count (PyYAML and libyaml): \r\n, \r, \n, NEL, LS and PS, so that
# a problem's line is the line an editor is shown (str.splitlines also breaks at \v, \f, \x1c...).
_LINE_BREAK = re.compile("(\r\n|[\r\n\x85\u2028\u2029])")


def split_lines(text: str) -> list[str]:
    """The text as [line 1, break, line 2, break, ..., last line]: the lines at the even places,
    each followed by the break it had ("".join gives the text back)."""
    return _LINE_BREAK.split(text)


def _unclosed(exc: yaml.MarkedYAMLError, text: str) -> YamlError | None:
    """A quote or bracket never closed, located where it opened (the parser notices only where
    it gives up, often many lines later), or None for another error."""
    context, opened, found = exc.context or "", exc.context_mark, exc.problem_mark
    if opened is None or found is None:
        return None
    lines = split_lines(text)[::2]
    line = lines[opened.line] if opened.line < len(lines) else ""
    char = line[opened.column] if opened.column < len(line) else ""
    if context.startswith("while scanning a quoted scalar") and char in "\"'":
        return YamlError("yaml_unclosed_quote", opened.line + 1, opened.column + 1, quote=char, until=found.line + 1)
    if context.startswith("while parsing a flow") and char in "[{":
        closing = "]" if char == "[" else "}"
        return YamlError(
            "yaml_unclosed_bracket",
            opened.line + 1,
            opened.column + 1,
            bracket=char,
            until=found.line + 1,
            closing=closing,
        )
    return None


def parse(text: str) -> Document:
    """Parses one YAML document strictly; raises YamlError with a line and column."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlError("file_too_large", mb=MAX_BYTES // 1_000_000)
    aliases = "*" in text  # without one, the document is a tree: cheaper checks
    loader = StrictLoader(text) if aliases else _NoAliasLoader(text)
    try:
        root = loader.get_single_node()
        deep = _too_deep(root) if aliases else _too_deep_tree(root)
        if deep is not None:
            raise YamlError("yaml_too_deep", *_mark(deep), depth=MAX_DEPTH)
        data = loader.construct_document(root) if root is not None else None
    except _AliasError as exc:
        raise YamlError(exc.code, *(_first_alias(text) or (exc.line, exc.col)), **dict(exc.params)) from None
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        unclosed = _unclosed(exc, text)
        if unclosed is not None:
            raise unclosed from None
        mark = exc.problem_mark or exc.context_mark
        line, col = _mark(mark) if mark else (1, 1)
        raise YamlError("yaml_syntax", line, col, problem=exc.problem or "invalid YAML", context=exc.context) from None
    except yaml.YAMLError as exc:
        raise YamlError("yaml_syntax", problem=str(exc)) from None
    except RecursionError:
        raise YamlError("yaml_unreadably_deep", depth=MAX_DEPTH) from None
    finally:
        loader.dispose()
    return Document(data=data, root=root)


def decode(raw: bytes) -> str:
    """Decodes UTF-8 (with or without BOM); raises YamlError at the line and column of a bad byte."""
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    raw = raw[bom:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8")) + 1
        raise YamlError("not_utf8", line, col, byte=exc.start + bom) from None


def read(path: Path) -> Document:
    """Reads and parses a YAML file strictly (UTF-8 required), never half-written (read_stable)."""
    raw = read_stable(path)
    if len(raw) > MAX_BYTES:
        raise YamlError("file_too_large", mb=MAX_BYTES // 1_000_000)
    return parse(decode(raw))
