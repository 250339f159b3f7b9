"""Load a statement (plain text or HTML) as one clean string and cut it into sentences.

Offsets everywhere in this package are character offsets into the loaded text: the decoded
file for plain text, the text left after stripping the markup for HTML.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from replenish.errors import Problem

#: Larger files are refused: a press statement is kilobytes, not tens of megabytes.
MAX_BYTES = 16 * 1024 * 1024

_BLOCK_TAGS = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                         "section", "article", "header", "footer", "ul", "ol", "blockquote",
                         "title", "dd", "dt", "hr"})
_SKIPPED_TAGS = frozenset({"script", "style", "head", "noscript", "template", "svg"})
_HTML_START = re.compile(r"\A\s*(?:<!doctype html|<html|<head|<body|<p\b|<div\b)", re.I)


@dataclass(frozen=True, slots=True)
class Text:
    """A loaded statement: where it came from and its clean text."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or list line) of a text, by offsets into it."""

    start: int
    end: int
    text: str
    #: the sentence ends with a colon: it introduces a list
    opens_list: bool = False
    #: the line starts with a bullet or a number: an entry of a list
    is_entry: bool = False


def load_text(path: Path, encoding: str = "utf-8") -> Text | Problem:
    """The text of file `path`, or the Problem saying why it cannot be read as a statement."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Problem(name, None, None, f"{size} bytes is too large for a statement "
                                             f"(at most {MAX_BYTES} bytes)")
        data = path.read_bytes()
    except IsADirectoryError:
        return Problem(name, None, None, "is a folder, expected a text or HTML file")
    except OSError as exc:
        return Problem(name, None, None, f"cannot be read: {exc.strerror or exc}")
    return decode_text(name, data, encoding)


def decode_text(name: str, data: bytes, encoding: str = "utf-8") -> Text | Problem:
    """Decode and clean `data`: UTF-8 (a BOM accepted), UTF-16 with a BOM, or `encoding`."""
    if not data.strip():
        return Problem(name, None, None, "is empty: expected the text of a statement")
    try:
        codecs.lookup(encoding)
    except LookupError:
        return Problem(name, None, None, f"unknown encoding {encoding!r}")
    wide = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not wide and b"\x00" in data[:65536]:
        return Problem(name, None, None, "is a binary file, expected a text or HTML file")
    text = _decode(data, encoding)
    if text is None:
        return Problem(name, None, None, f"is not {encoding} text (unknown encoding): save it "
                                         "as UTF-8 or name its encoding with --encoding")
    if _looks_binary(text):
        return Problem(name, None, None, "is a binary file, expected a text or HTML file")
    if _HTML_START.match(text):
        text = strip_html(text)
    return Text(name, text)


def _decode(data: bytes, encoding: str) -> str | None:
    """The decoded text, or None where it does not decode."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8) and codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, ValueError):
        return None


def _looks_binary(text: str) -> bool:
    """NUL characters, or many control characters, mean a binary file."""
    sample = text[:65536]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > len(sample) // 100


class _Stripper(HTMLParser):
    """Collects the visible text of an HTML document, blocks on lines of their own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS or tag == "li":
            self.parts.append("\n\n" if tag != "li" else "\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def strip_html(html: str) -> str:
    """The visible text of `html`: markup, scripts and styles removed, blocks as paragraphs."""
    stripper = _Stripper()
    stripper.feed(html)
    stripper.close()
    text = "".join(stripper.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_ENTRY = re.compile(r"[ \t]*(?:[-*•–]|\d{1,2}[.)])[ \t]+")
# A full stop, ! or ? ends a sentence when a capital, digit or quote follows; "3. marts" and
# "155 mm. shells" do not.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"'“‘(]?[A-ZÆØÅ0-9])")
_ABBREVIATIONS = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|No|nr|ca|bl\.a|f\.eks|jf|stk|mio|"
                            r"mia|approx|incl|inkl|"
                            r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$")


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`: paragraphs split at sentence ends, list lines on their own."""
    sentences: list[Sentence] = []
    for block_start, block in _blocks(text):
        start = 0
        for match in _SENTENCE_END.finditer(block):
            if _ABBREVIATIONS.search(block, max(0, match.start() - 12), match.start()):
                continue
            _add_sentence(sentences, text, block_start + start, block_start + match.start())
            start = match.end()
        _add_sentence(sentences, text, block_start + start, block_start + len(block))
    return sentences


def _blocks(text: str) -> list[tuple[int, str]]:
    """Paragraphs and list lines with their start offsets; a wrapped line joins its paragraph."""
    blocks: list[tuple[int, str]] = []
    start = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        new_block = not body.strip() or _ENTRY.match(body) or text[start:pos].rstrip().endswith(":")
        if new_block and pos > start:
            blocks.append((start, text[start:pos]))
            start = pos
        if not body.strip():
            start = pos + len(line)
        pos += len(line)
    if pos > start:
        blocks.append((start, text[start:pos]))
    return blocks


def _add_sentence(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    """Append the sentence text[start:end], trimmed of surrounding space; skip blank ones."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return
    body = text[start:end]
    sentences.append(Sentence(start, end, body, opens_list=body.endswith(":"),
                              is_entry=bool(_ENTRY.match(body))))
