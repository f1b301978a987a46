"""Strict YAML loading with line:col marks.

PyYAML's C loader, subclassed to refuse what hand-written data files should never contain:
aliases (an alias bomb loads instantly but blows up whatever walks it), duplicate keys (PyYAML
keeps the last one silently), YAML 1.1 surprises (012 read as octal 10, 12:30 read as 750,
yes/no/on/off read as booleans) and oversized files. The node tree is kept so that a later
validation error at a path such as ("observations", 3, "value") can be reported at its line.
"""

from __future__ import annotations

import errno
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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


_OS_REASONS = {
    errno.ENOENT: "it does not exist",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENAMETOOLONG: "its name is too long",
    errno.ELOOP: "its path loops (symbolic links)",
    errno.EIO: "the disk reported an input/output error",
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
    errno.EMFILE: "too many files are open",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in words: never the system's errno text, which names paths."""
    if isinstance(exc, FileChanging):
        return "it kept changing while it was read (is it still being written?); save it again or wait a moment"
    return _OS_REASONS.get(exc.errno, f"the system refused ({errno.errorcode.get(exc.errno, 'unknown error')})")


class YamlError(Exception):
    """A located problem in a YAML text (line and column are 1-based)."""

    def __init__(self, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


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
            raise _AliasError("aliases (*name) are not allowed; write the value out in full", *_mark(node))
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise YamlError("expected a mapping of key: value pairs", *_mark(node))
        mapping = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("merge keys (<<) are not allowed; write the keys out in full", *_mark(key_node))
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlError("a key must be a plain word", *_mark(key_node))
            if key in mapping:
                raise YamlError(f"duplicate key '{key}'; each key may appear once in a mapping", *_mark(key_node))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_int(self, node):
        text = str(node.value).replace("_", "")
        digits = text.lstrip("+-")
        if ":" in text:
            raise YamlError(f"'{node.value}' would be read as a base-60 number; quote it if it is text", *_mark(node))
        if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
            raise YamlError(
                f"'{node.value}' has a leading zero, which YAML 1.1 reads as octal; write {int(digits)} or quote it",
                *_mark(node),
            )
        if digits.startswith(("0x", "0b", "0o")):
            raise YamlError(f"'{node.value}': write numbers in decimal", *_mark(node))
        return super().construct_yaml_int(node)

    def construct_yaml_bool(self, node):
        if str(node.value).lower() not in ("true", "false"):
            raise YamlError(
                f"'{node.value}' would be read as a yes/no value; write true or false, or quote it if it is text",
                *_mark(node),
            )
        return super().construct_yaml_bool(node)

    def construct_yaml_timestamp(self, node):
        # PyYAML's resolver takes 2024-13-01 for a date and then raises a bare ValueError.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise YamlError(f"'{node.value}' is not a valid date ({exc}); write YYYY-MM-DD", *_mark(node)) from None


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


def _unclosed(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, int, int] | None:
    """A quote or bracket never closed, located where it opened (the parser notices only where
    it gives up, often many lines later): (message, line, col), or None for another error."""
    context, opened, found = exc.context or "", exc.context_mark, exc.problem_mark
    if opened is None or found is None:
        return None
    lines = text.splitlines()
    line = lines[opened.line] if opened.line < len(lines) else ""
    char = line[opened.column] if opened.column < len(line) else ""
    if context.startswith("while scanning a quoted scalar") and char in "\"'":
        message = (
            f"YAML syntax: the quote {char} opened here is never closed (the parser ran on to line "
            f"{found.line + 1}); close it with {char} on this line"
        )
    elif context.startswith("while parsing a flow") and char in "[{":
        closing = "]" if char == "[" else "}"
        message = (
            f"YAML syntax: the {char} opened here is not closed before line {found.line + 1}; close it with {closing}"
        )
    else:
        return None
    return message, opened.line + 1, opened.column + 1


def parse(text: str) -> Document:
    """Parses one YAML document strictly; raises YamlError with a line and column."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlError(f"file is larger than {MAX_BYTES // 1_000_000} MB; split it or remove what is not data")
    aliases = "*" in text  # without one, the document is a tree: cheaper checks
    loader = StrictLoader(text) if aliases else _NoAliasLoader(text)
    try:
        root = loader.get_single_node()
        deep = _too_deep(root) if aliases else _too_deep_tree(root)
        if deep is not None:
            raise YamlError(
                f"nested more than {MAX_DEPTH} levels deep here; a city file nests at most six "
                "(observations, an observation, its period); close the brackets or fix the indentation",
                *_mark(deep),
            )
        data = loader.construct_document(root) if root is not None else None
    except _AliasError as exc:
        raise YamlError(exc.message, *(_first_alias(text) or (exc.line, exc.col))) from None
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        unclosed = _unclosed(exc, text)
        if unclosed is not None:
            raise YamlError(*unclosed) from None
        mark = exc.problem_mark or exc.context_mark
        line, col = _mark(mark) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise YamlError(f"YAML syntax: {problem}{context}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax: {exc}") from None
    except RecursionError:
        raise YamlError(f"nested too deep to read; a city file nests at most {MAX_DEPTH} levels") from None
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
        raise YamlError(f"file is not UTF-8 (byte {exc.start + bom}); save it as UTF-8", line, col) from None


def read(path: Path) -> Document:
    """Reads and parses a YAML file strictly (UTF-8 required), never half-written (read_stable)."""
    raw = read_stable(path)
    if len(raw) > MAX_BYTES:
        raise YamlError(f"file is larger than {MAX_BYTES // 1_000_000} MB; split it or remove what is not data")
    return parse(decode(raw))
