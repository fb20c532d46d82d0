"""YAML files (source configs, alert rules, forecast settings), read so that no file can exhaust the machine.

PyYAML builds an alias as a reference to the anchored object, so a "billion laughs" file parses in
milliseconds; it is whoever walks the result afterwards (validation, placeholder filling) that expands it
and runs out of memory. The expanded size is therefore counted on the parsed node graph, before any Python
object is built, and a file past the limit is refused.
"""

from pathlib import Path
from typing import Any

import yaml

from etl.errors import EtlError

MAX_VALUES = 100_000  # expanded YAML nodes a file may hold; the largest shipped config holds under 700


def load_yaml(path: Path) -> Any:
    """The file's content; bad syntax, an alias bomb or endless nesting is one sentence naming the file."""
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _refuse_bombs(path, root)
        return loader.construct_document(root)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise EtlError(f"{path}{where} is not valid YAML ({getattr(error, 'problem', error)}): fix the syntax.") \
            from None
    except RecursionError:
        raise EtlError(f"{path} nests its values too deeply to be read: flatten the file.") from None
    finally:
        loader.dispose()


def _refuse_bombs(path: Path, root: yaml.Node) -> None:
    """Refuse a document whose aliases expand past MAX_VALUES nodes, or that contains itself."""
    sizes: dict[int, int] = {}  # expanded size of each node done, by identity: an alias is the anchored node
    ancestors: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            ancestors.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[id(node)] > MAX_VALUES:
                raise EtlError(f"{path} at line {node.start_mark.line + 1}: its YAML aliases expand to more than "
                               f"{MAX_VALUES:,} values (an alias bomb): write the values out instead of nesting "
                               "aliases.")
        elif id(node) in ancestors:
            raise EtlError(f"{path} at line {node.start_mark.line + 1}: a YAML alias refers to a value that holds "
                           "it, which never ends: write the values out instead.")
        elif id(node) not in sizes:
            ancestors.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    """The nodes directly inside a sequence or mapping (keys and values); none for a scalar."""
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []
