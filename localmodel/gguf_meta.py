"""Read the text metadata of a GGUF file (its chat template, its architecture) without a
dependency: the header format is small and stable (GGUF v2/v3, little-endian).

Why read it at all: our chat template (localmodel/qwen2.5-tools.jinja) is made from the Qwen2.5
model's own. A GGUF the user brings (`LOCAL_MODEL_GGUF=...`) of another family needs its own
template, so `template_digest` tells whether the file carries the template ours was made from.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path
from typing import Any, BinaryIO

# value type -> struct format: u8 i8 u16 i16 u32 i32 f32 bool, then u64 i64 f64
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q"}
_SCALARS[12] = "d"
_STRING, _ARRAY = 8, 9


class NotGGUF(ValueError):
    """The file is not a GGUF this reader understands."""


def _read(f: BinaryIO, fmt: str) -> tuple[Any, ...]:
    size = struct.calcsize("<" + fmt)
    data = f.read(size)
    if len(data) != size:
        raise NotGGUF("the file ends inside its metadata")
    return struct.unpack("<" + fmt, data)


def _string(f: BinaryIO) -> str:
    (length,) = _read(f, "Q")
    return f.read(length).decode("utf-8", errors="replace")


def _skip_or_read(f: BinaryIO, kind: int) -> object:
    if kind == _STRING:
        return _string(f)
    if kind == _ARRAY:
        item_kind, count = _read(f, "IQ")
        if item_kind in _SCALARS:  # skip numbers (token scores, types) in one seek
            f.seek(struct.calcsize("<" + _SCALARS[item_kind]) * count, 1)
        else:
            for _ in range(count):
                _skip_or_read(f, item_kind)
        return None  # arrays (the vocabulary) are not needed here
    if kind in _SCALARS:
        return _read(f, _SCALARS[kind])[0]
    raise NotGGUF(f"unknown metadata type {kind}")


def metadata(path: Path) -> dict[str, object]:
    """The GGUF's scalar and string metadata, by key (arrays are skipped)."""
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise NotGGUF(f"{path} is not a GGUF file")
        version, _tensors, count = _read(f, "IQQ")
        if version not in (2, 3):
            raise NotGGUF(f"GGUF version {version} is not supported")
        out: dict[str, object] = {}
        for _ in range(count):
            key = _string(f)
            (kind,) = _read(f, "I")
            value = _skip_or_read(f, kind)
            if value is not None:
                out[key] = value
        return out


def chat_template(path: Path) -> str:
    """The chat template the GGUF carries ('' when it has none)."""
    value = metadata(path).get("tokenizer.chat_template", "")
    return value if isinstance(value, str) else ""


def template_digest(path: Path) -> str:
    """sha256 of the GGUF's own chat template."""
    return hashlib.sha256(chat_template(path).encode()).hexdigest()
