"""Pydantic's errors about a YAML file (source configs, alert rules) in one sentence that names the file and the key.

Pydantic says "Extra inputs are not permitted" for a mistyped key and locates it with the names of union members
("tables.employees.function-after[one_origin(), TableSpec].colums"). Here the location reads as the file has it
(``tables.employees``), and an unknown key is compared with the keys allowed where it stands:
"unknown key 'colums' in tables.employees: did you mean 'columns'?".
"""

import difflib
import types
import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError

NOT_A_KEY = ("function-after[", "function-before[", "function-wrap[", "list[", "dict[")


def explain(error: ValidationError, model: type[BaseModel], path: Path | str, docs: str) -> str:
    """One sentence for the error's most telling problem: an unknown key (with the closest allowed one) before any
    other, since a misspelt key makes the rest of its block look wrong too."""
    problems = error.errors()
    first = next((p for p in problems if p["type"] == "extra_forbidden"), problems[0])
    where = location(first["loc"][:-1] if first["type"] == "extra_forbidden" else first["loc"], model)
    if first["type"] == "extra_forbidden":
        key = str(first["loc"][-1])
        inside = f"in {where}" if where else "at the top level"
        allowed = sorted(keys_at(model, first["loc"][:-1]))
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (f"did you mean '{close[0]}'?" if close else
                f"the keys allowed there are {', '.join(allowed)}." if allowed else "no key is allowed there.")
        return f"{path}: unknown key '{key}' {inside}: {hint} See {docs}."
    return f"{path}: key '{where}': {first['msg']}. See {docs}."


def location(loc: tuple, model: type[BaseModel]) -> str:
    """The location as the file writes it: keys and list positions, without pydantic's names of union members."""
    tags = _walk(model, loc)[1]
    return ".".join(str(part) for i, part in enumerate(loc) if i not in tags)


def _is_member_tag(part, model) -> bool:
    return isinstance(part, str) and (part.startswith(NOT_A_KEY) or part in _model_names(model))


def _model_names(model: type[BaseModel]) -> set[str]:
    """The names of the models a file's schema is made of (pydantic names union members by them)."""
    names, todo = set(), [model]
    while todo:
        current = todo.pop()
        if current.__name__ in names:
            continue
        names.add(current.__name__)
        for field in current.model_fields.values():
            todo.extend(_models_in(field.annotation))
    return names


def _models_in(annotation) -> list[type[BaseModel]]:
    """Every model class an annotation names (through unions, lists, dicts and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def keys_at(model: type[BaseModel], loc: tuple) -> set[str]:
    """The keys allowed at a location (field names and their aliases); empty when it is not a model's block."""
    found = _walk(model, loc)[0]
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        return set()
    return {field.alias or name for name, field in found.model_fields.items()}


def _walk(model, loc: tuple) -> tuple[object, set[int]]:
    """The type that validated the value at ``loc`` (following fields, dict values, list items and union members),
    and the positions in ``loc`` that name a union member rather than a key."""
    current, tags = model, set()
    for index, part in enumerate(loc):
        current = _strip(current)
        members = _union_members(current)
        if members:
            current = _member_for(members, part)
            if _is_member_tag(part, model) or _discriminated_by(current, part):
                tags.add(index)
                continue  # the part named the member: the key comes next
            current = _strip(current)
        current = _inside(current, part)
        if current is None:
            return None, tags
    current = _strip(current)
    models = [m for m in _union_members(current) if isinstance(m, type) and issubclass(m, BaseModel)]
    return (models[0] if len(models) == 1 else current), tags


def _inside(current, part):
    """The type of the value at ``part`` inside a value of type ``current`` (None when there is none)."""
    origin = typing.get_origin(current)
    if origin is dict:
        return typing.get_args(current)[1]
    if origin is list:
        return typing.get_args(current)[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
        return None if field is None else field.annotation
    return None


def _strip(annotation):
    """The type inside Annotated[...]."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _union_members(annotation) -> list:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [_strip(a) for a in typing.get_args(annotation) if a is not type(None)]
    return []


def _member_for(members: list, part):
    """The union member a location part goes into: the one it names (class name or discriminator value), a list
    for a list position, else the one model among the members."""
    for member in members:
        name = getattr(member, "__name__", "")
        if isinstance(part, str) and (part == name or part.endswith(f", {name}]") or _discriminated_by(member, part)):
            return member
        if isinstance(part, str) and typing.get_origin(member) is list and part.startswith("list["):
            return member
    if isinstance(part, int):
        return next((m for m in members if typing.get_origin(m) is list), members[0])
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    return models[0] if models else members[0]


def _discriminated_by(member, part) -> bool:
    """Whether a model's literal discriminator (kind: stockout_risk) is the part."""
    if not (isinstance(member, type) and issubclass(member, BaseModel) and isinstance(part, str)):
        return False
    return any(typing.get_origin(f.annotation) is typing.Literal and part in typing.get_args(f.annotation)
               for f in member.model_fields.values())
