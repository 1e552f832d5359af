"""Telegram HTML parse mode: UTF-16 lengths, tags, entities (as tdlib parses them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.fake_bot_api.limits import JSONDict


class HtmlParseError(ValueError):
    """Text is not valid Telegram HTML; the message is what follows "can't parse entities: "."""


# --------------------------------------------------------------------------------------------
# text helpers: UTF-16, Telegram HTML
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for entity offsets)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _indent(text: str) -> str:
    return text.replace("\n", "\n  ")


_HTML_SPACES = " \t\r\n\v"
_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``text[pos] == "&"`` like tdlib does.

    Supports ``&lt; &gt; &amp; &quot;`` and numeric ``&#NNN; &#xHH;`` (the ``;`` is optional,
    as in tdlib). Returns ``(character, position after it)`` or ``None``.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                value = value * 16 + int(text[end], 16)
                end += 1
        else:
            while end < n and text[end] in "0123456789":
                value = value * 10 + int(text[end])
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10 or 0xD800 <= value <= 0xDFFF:
            return None
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[pos + 1 : end]
        if name not in _NAMED_HTML_ENTITIES:
            return None
        char = _NAMED_HTML_ENTITIES[name]
    if end < n and text[end] == ";":
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    offset: int  # UTF-16 offset in the output where the tag's content starts
    out_index: int  # index into the output char list
    url: str | None = None
    language: str | None = None
    span_class: str | None = None
    emoji_id: str | None = None
    expandable: bool = False


def _normalise_url(url: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
        return url
    if "." in url and " " not in url:
        return "http://" + url
    return None


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into plain text and ``MessageEntity`` dicts.

    Follows tdlib's ``parse_html``: supported tags are ``b strong i em u ins s strike del a
    code pre tg-spoiler span class="tg-spoiler" tg-emoji blockquote [expandable]``; tags must
    be properly nested and closed (``</>`` closes the innermost tag); only ``&lt; &gt; &amp;
    &quot;`` and numeric references are decoded.

    Args:
        text: the HTML text.
        strict: additionally refuse a bare ``>`` and an ``&`` that is not a supported
            reference (Telegram would show both literally); see the module docstring.

    Returns:
        ``(plain_text, entities)``; entity offsets/lengths are UTF-16 code units, entities are
        sorted by offset then by decreasing length. Leading/trailing whitespace is *not*
        trimmed here.

    Raises:
        HtmlParseError: with tdlib's message, e.g. ``Unsupported start tag "br" at byte offset
            3`` or ``Can't find end tag corresponding to start tag "b"``.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    n = len(text)
    i = 0

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8", "surrogatepass"))

    def emit(chars: str) -> None:
        nonlocal pos16
        out.append(chars)
        pos16 += utf16_len(chars)

    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                emit(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise HtmlParseError(
                    f'Unescaped "&" at byte offset {byte_offset(i)} (write &amp;; the fake '
                    "server is stricter than Telegram here)"
                )
        elif c == ">" and strict:
            raise HtmlParseError(
                f'Unescaped ">" at byte offset {byte_offset(i)} (write &gt;; the fake server '
                "is stricter than Telegram here)"
            )
        if c != "<":
            emit(c)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and text[i] == "/":
            # end tag
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            i += 1
            name_start = i
            while i < n and text[i] not in _HTML_SPACES and text[i] != ">":
                i += 1
            end_name = text[name_start:i]
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n or text[i] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            i += 1
            tag = stack.pop()
            if end_name and end_name.lower() != tag.name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, expected "
                    f'"</{tag.name}>", found "</{end_name}>"'
                )
            _close_tag(tag, pos16, "".join(out[tag.out_index :]), entities)
            continue

        # start tag
        name_start = i
        while i < n and text[i] not in _HTML_SPACES and text[i] != ">":
            i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        name = text[name_start:i].lower()
        if name not in _HTML_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}'
            )
        tag = _OpenTag(name=name, offset=pos16, out_index=len(out))
        while True:
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] == ">":
                i += 1
                break
            attr_start = i
            while i < n and text[i] not in _HTML_SPACES and text[i] not in "=>":
                i += 1
            attr = text[attr_start:i].lower()
            if not attr:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {byte_offset(begin)}'
                )
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] != "=":
                if name == "blockquote" and attr == "expandable":
                    tag.expandable = True
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {byte_offset(begin)}"
                )
            i += 1
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] not in "'\"":
                token_start = i
                while i < n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                    i += 1
                value = text[token_start:i].lower()
                if i >= n or (text[i] not in _HTML_SPACES and text[i] != ">"):
                    raise HtmlParseError(
                        f"Unexpected end of name token at byte offset {byte_offset(token_start)}"
                    )
            else:
                quote = text[i]
                i += 1
                chars: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        decoded = _decode_html_entity(text, i)
                        if decoded is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                            continue
                    chars.append(text[i])
                    i += 1
                if i < n:
                    i += 1
                value = "".join(chars)
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if name == "a" and attr == "href":
                tag.url = value
            elif name == "code" and attr == "class" and value.startswith("language-"):
                tag.language = value[len("language-") :]
            elif name == "span" and attr == "class":
                tag.span_class = value
            elif name == "tg-emoji" and attr == "emoji-id":
                tag.emoji_id = value
        if name == "span" and tag.span_class != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
            )
        stack.append(tag)

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        entity.pop("_language", None)  # a language only counts on <pre><code class=...>
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_tag(tag: _OpenTag, pos16: int, inner: str, entities: list[JSONDict]) -> None:
    length = pos16 - tag.offset
    if length <= 0:
        return
    base: JSONDict = {"offset": tag.offset, "length": length}
    if tag.name in _SIMPLE_ENTITY_TYPES:
        entities.append({"type": _SIMPLE_ENTITY_TYPES[tag.name], **base})
    elif tag.name == "a":
        url = _normalise_url(tag.url if tag.url is not None else inner)
        if url is not None:
            entities.append({"type": "text_link", **base, "url": url})
    elif tag.name == "code":
        entity = {"type": "code", **base}
        if tag.language:
            entity["_language"] = tag.language
        entities.append(entity)
    elif tag.name == "pre":
        entity = {"type": "pre", **base}
        if (
            entities
            and entities[-1]["type"] == "code"
            and entities[-1]["offset"] == tag.offset
            and entities[-1]["length"] == length
        ):
            inner_code = entities.pop()
            if inner_code.get("_language"):
                entity["language"] = inner_code["_language"]
        entities.append(entity)
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.expandable else "blockquote"
        entities.append({"type": kind, **base})
    elif tag.name == "tg-emoji" and tag.emoji_id:
        entities.append({"type": "custom_emoji", **base, "custom_emoji_id": tag.emoji_id})


def _inline_markup(markup: JSONDict | None) -> JSONDict | None:
    """The markup if it is an inline keyboard (the only kind a message keeps), else None."""
    return markup if markup is not None and "inline_keyboard" in markup else None


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip leading/trailing whitespace like Telegram, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead16 = utf16_len(text[: len(text) - len(text.lstrip())])
    total16 = utf16_len(stripped)
    result: list[JSONDict] = []
    for entity in entities:
        start = max(entity["offset"] - lead16, 0)
        end = min(entity["offset"] + entity["length"] - lead16, total16)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result
