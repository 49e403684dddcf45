"""`make model-run` gives a GGUF our chat template only when it carries the Qwen2.5 template
ours was made from; any other model keeps its own. Read from the file's metadata (tiny GGUFs
written here in the format's own layout)."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest

from localmodel.gguf_meta import NotGGUF, chat_template, metadata
from localmodel.server import TEMPLATE, ServerOptions


def _string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def write_gguf(path: Path, template: str) -> Path:
    """A GGUF v3 header with a string, a number, an array of strings and the chat template."""
    kvs = [
        _string("general.architecture") + struct.pack("<I", 8) + _string("qwen2"),
        _string("qwen2.block_count") + struct.pack("<I", 4) + struct.pack("<I", 28),
        _string("tokenizer.ggml.tokens")
        + struct.pack("<IIQ", 9, 8, 2)
        + _string("a")
        + _string("b"),
        _string("tokenizer.chat_template") + struct.pack("<I", 8) + _string(template),
    ]
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs))
    return path


def test_the_template_and_metadata_are_read(tmp_path: Path) -> None:
    gguf = write_gguf(tmp_path / "m.gguf", "{{ messages }}")
    assert chat_template(gguf) == "{{ messages }}"
    assert metadata(gguf)["qwen2.block_count"] == 28
    assert "tokenizer.ggml.tokens" not in metadata(gguf)  # arrays are skipped


def test_not_a_gguf_is_said_so(tmp_path: Path) -> None:
    other = tmp_path / "x.bin"
    other.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(NotGGUF):
        metadata(other)


def test_only_a_qwen25_gguf_gets_our_template(tmp_path: Path) -> None:
    qwen_like = write_gguf(tmp_path / "q.gguf", "the qwen template")
    other = write_gguf(tmp_path / "o.gguf", "another template")
    known = hashlib.sha256(b"the qwen template").hexdigest()
    server = Path("llama-server")
    ours = ServerOptions(binary=server, gguf=qwen_like, ours_for_template=known).command()
    theirs = ServerOptions(binary=server, gguf=other, ours_for_template=known).command()
    assert ours[ours.index("--chat-template-file") + 1] == str(TEMPLATE)
    assert "--chat-template-file" not in theirs and "--jinja" in theirs
    assert ours[ours.index("--host") + 1] == "127.0.0.1"  # loopback only
    assert ServerOptions(binary=Path("s"), gguf=other).settings()["OPENAI_MODEL"] == "o"
