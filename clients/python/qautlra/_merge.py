"""RFC 7396 JSON merge patch, as the DIFF protocol's ``rtn_data`` uses it."""

from __future__ import annotations

from typing import Any


def merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Merges ``patch`` into ``target`` in place: ``None`` deletes a key, objects merge, the rest replaces."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = {}
                target[key] = current
            merge_patch(current, value)
        else:
            target[key] = value
    return target
