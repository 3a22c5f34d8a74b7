"""YAML that a person writes by hand, read with limits: settings, manifests, front matter, codebooks.

``yaml.safe_load`` never runs code, but it builds whatever the document describes. A few hundred bytes of
nested aliases (``&a [*b, *b, ...]``, the "billion laughs") describe a list of 9⁹ elements: the loader itself
is quick because the aliases share one object, but anything that walks the result (validation, an error
message that prints it, ``json.dumps``) runs for hours or out of memory. :func:`load_yaml` therefore

1. refuses a text longer than ``max_bytes`` (UTF-8),
2. composes the node graph first and counts its nodes *as if every alias were expanded*, refusing more than
   ``max_nodes`` (and an alias that refers to a node containing itself),
3. only then builds the Python objects with PyYAML's ``SafeLoader``.

Every refusal is a :class:`YAMLLimitError` (a :class:`yaml.YAMLError`, so code that already handles invalid
YAML handles it too) whose message names the source and the limit, and never prints the document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

__all__ = ["YAMLLimitError", "load_yaml", "load_yaml_file", "MAX_BYTES", "MAX_NODES"]

#: the longest YAML text read (bytes of UTF-8); settings, manifests and codebooks are far smaller
MAX_BYTES = 10_000_000
#: the most nodes a document may have once every alias is expanded (a manifest of 10,000 files has ~70,000)
MAX_NODES = 1_000_000


class YAMLLimitError(yaml.YAMLError):
    """A YAML text exceeds a limit of :func:`load_yaml` (size, nodes after expanding aliases, a cycle)."""


def _expanded_size(root: Node, source: str, max_nodes: int) -> int:
    """Count the nodes of the graph under ``root`` with every alias expanded, stopping past ``max_nodes``.

    A node shared by several aliases is counted once per reference (its size is memoised, so the walk itself
    visits each node once); a node that contains itself (a recursive alias) is refused.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def children(node: Node) -> list[Node]:
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, MappingNode):
            return [part for pair in node.value for part in pair]
        return []

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise YAMLLimitError(f"{source}: an alias refers to a node that contains it (a recursive alias).")
        open_nodes.add(key)
        total = 1
        for child in children(node):
            total += size(child)
            if total > max_nodes:
                raise YAMLLimitError(
                    f"{source}: the YAML has more than {max_nodes:,} nodes once its aliases are expanded "
                    "(an alias bomb?); refused without reading further."
                )
        open_nodes.discard(key)
        sizes[key] = total
        return total

    return size(root)


def load_yaml(
    text: str, source: str, *, max_bytes: int = MAX_BYTES, max_nodes: int = MAX_NODES
) -> Any:
    r"""Parse one YAML document like ``yaml.safe_load``, within limits on size and expanded aliases.

    Parameters
    ----------
    text : str
        The YAML text.
    source : str
        Where it comes from (a file name, ``"front matter of a.md"``), used in messages.
    max_bytes : int, default :data:`MAX_BYTES`
        The longest text accepted, in bytes of UTF-8.
    max_nodes : int, default :data:`MAX_NODES`
        The most nodes once every alias is expanded.

    Returns
    -------
    object
        What ``yaml.safe_load`` returns (``None`` for an empty document).

    Raises
    ------
    YAMLLimitError
        If a limit is exceeded or an alias is recursive.
    yaml.YAMLError
        If the text is not valid YAML.

    Examples
    --------
    >>> load_yaml("a: &x [1, 2]\nb: *x\n", "example.yml")
    {'a': [1, 2], 'b': [1, 2]}
    """
    n_bytes = len(text.encode("utf-8", errors="replace"))
    if n_bytes > max_bytes:
        raise YAMLLimitError(
            f"{source}: the YAML is {n_bytes:,} bytes, more than the limit of {max_bytes:,} bytes; refused."
        )
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, source, max_nodes)
        return loader.construct_document(node)
    except RecursionError as exc:
        raise YAMLLimitError(f"{source}: the YAML is nested too deeply to read; refused.") from exc
    finally:
        loader.dispose()


def load_yaml_file(path: Path | str, **limits: int) -> Any:
    """Read and parse a YAML file with :func:`load_yaml` (the file is checked for size before it is read).

    Parameters
    ----------
    path : path
        The file (UTF-8).
    **limits : int
        ``max_bytes`` and ``max_nodes``, passed to :func:`load_yaml`.

    Raises
    ------
    YAMLLimitError, yaml.YAMLError
        As :func:`load_yaml`.
    UnicodeDecodeError, OSError
        If the file is not UTF-8 or cannot be read.
    """
    path = Path(path)
    max_bytes = limits.get("max_bytes", MAX_BYTES)
    size = path.stat().st_size
    if size > max_bytes:
        raise YAMLLimitError(
            f"{path}: the YAML file is {size:,} bytes, more than the limit of {max_bytes:,} bytes; refused."
        )
    return load_yaml(path.read_text(encoding="utf-8"), str(path), **limits)
