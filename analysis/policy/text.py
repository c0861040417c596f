"""Policy bytes -> plain text: encoding detection, HTML flattened by a real parser, sizes capped.

A policy page is hostile content: it may be huge, declare a wrong charset, carry scripts, or be
broken HTML. The stdlib `html.parser` is a tolerant, non-validating parser that never fetches
anything and expands no external entities; scripts, styles and templates are dropped. Tables keep
their shape as one line per row with cells separated by `CELL_SEP`, so that SDK lists can be read
back as rows."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser

MAX_INPUT_BYTES = 8 << 20  # read at most this much of a file or a response body
MAX_TEXT_CHARS = 2_000_000  # and keep at most this much text
CELL_SEP = " | "
_BLOCK = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 section article header footer tr table dt dd dl pre blockquote hr "
    "title main nav aside form fieldset details summary figure figcaption address center".split()
)
_SKIP = frozenset({"script", "style", "template", "noscript", "svg", "head", "iframe", "object"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HTML_HINT = re.compile(r"<\s*(html|body|div|p|table|br|span|h[1-6]|li|!doctype)\b", re.I)


@dataclass(frozen=True)
class PolicyText:
    text: str
    encoding: str
    html: bool
    truncated: bool  # the input or the text was cut at a cap
    links: tuple[tuple[str, str], ...] = ()  # (anchor text, href) found in HTML


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding): BOM, then strict UTF-8, then a declared HTML charset, then GB18030 (a
    superset of GBK/GB2312, what Chinese pages use when they are not UTF-8), then Latin-1 with
    replacement. Never raises."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    declared = _META_CHARSET.search(data[:4096])
    # Bytes that decode as strict UTF-8 are UTF-8 whatever the page declares: GBK or Latin-1 text
    # almost never does, while a UTF-8 page saying charset=gbk is a common server mistake (and
    # GB18030, which maps nearly every byte pair, would turn it into mojibake without an error).
    candidates = ["utf-8"]
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        candidates.append("gb18030" if name in ("gb2312", "gbk", "gb18030") else name)
    candidates.append("gb18030")
    for enc in candidates:
        try:
            codecs.lookup(enc)
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            continue
    # broken bytes: the encoding with the fewest replacements among UTF-8 and GB18030
    best = min(("utf-8", "gb18030"), key=lambda e: data.decode(e, errors="replace").count("\ufffd"))
    return data.decode(best, errors="replace"), best


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.cell = False
        self.row: list[str] | None = None
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._anchor: list[str] = []
        self.size = 0

    def _emit(self, s: str) -> None:
        if self.size > MAX_TEXT_CHARS:
            return
        self.size += len(s)
        if self.row and self.cell:
            self.row[-1] += s
        else:
            self.parts.append(s)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "tr":
            if self.row:  # a row never closed: keep it
                self.parts.append("\n" + CELL_SEP.join(" ".join(c.split()) for c in self.row) + "\n")
            self.row, self.cell = [], False
        elif tag in ("td", "th") and self.row is not None:
            self.row.append("")
            self.cell = True
        elif tag == "li" and not (self.row is not None and self.cell):
            self.parts.append("\n• ")  # list items keep a bullet: an SDK list may be a <ul>
            return
        elif tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._anchor = []
        if tag in _BLOCK and not (self.row is not None and self.cell):
            self.parts.append("\n")
        elif tag in _BLOCK:
            self._emit(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self._emit(" " if self.row is not None and self.cell else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("td", "th"):
            self.cell = False
        elif tag == "tr" and self.row is not None:
            cells = [" ".join(c.split()) for c in self.row]
            if any(cells):
                self.parts.append("\n" + CELL_SEP.join(cells) + "\n")
            self.row, self.cell = None, False
        elif tag == "a" and self._href is not None:
            if len(self.links) < 5000:
                self.links.append((" ".join("".join(self._anchor).split())[:200], self._href[:2000]))
            self._href = None
        if tag in _BLOCK and not (self.row is not None and self.cell):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self._href is not None:
            self._anchor.append(data)
        self._emit(data)


def html_to_text(markup: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    parser = _Flattener()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # html.parser's rare hard failures on garbage: keep what was read
        pass
    if parser.row:  # a table row never closed
        parser.parts.append("\n" + CELL_SEP.join(" ".join(c.split()) for c in parser.row) + "\n")
    return "".join(parser.parts), tuple(parser.links)


def normalise_lines(text: str) -> str:
    """Collapse runs of blanks inside lines and drop empty lines (tables keep their separators)."""
    lines = (" ".join(ln.replace("\u3000", " ").replace("\xa0", " ").split()) for ln in text.splitlines())
    return "\n".join(ln for ln in lines if ln)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:20000]))


def policy_text(data: bytes | str, *, html: bool | None = None) -> PolicyText:
    """Text of a policy given as bytes (any encoding) or str, HTML or plain (guessed when None)."""
    truncated = False
    if isinstance(data, bytes):
        if len(data) > MAX_INPUT_BYTES:
            data, truncated = data[:MAX_INPUT_BYTES], True
        raw, encoding = decode(data)
    else:
        raw, encoding = data, "str"
        if len(raw) > MAX_INPUT_BYTES:
            raw, truncated = raw[:MAX_INPUT_BYTES], True
    is_html = looks_like_html(raw) if html is None else html
    links: tuple[tuple[str, str], ...] = ()
    if is_html:
        raw, links = html_to_text(raw)
    text = normalise_lines(_MD_LINK.sub(r"\1 \2", _MD_EMPHASIS.sub("", _MD_ESCAPE.sub(r"\1", raw))))
    if "|" in text:
        text = markdown_tables(text)
    if len(text) > MAX_TEXT_CHARS:
        text, truncated = text[:MAX_TEXT_CHARS], True
    return PolicyText(text=text, encoding=encoding, html=is_html, truncated=truncated, links=links)


# Markdown bold markers ("**使用目的：**统计分析") are not content; they would hide a key from its line.
# Single underscores around a word ("_IP_ 地址") are emphasis too; inside a word (android_id) they are not.
_MD_EMPHASIS = re.compile(r"\*\*|__(?=\S)|(?<=\S)__|(?<![A-Za-z0-9_])_(?=[^\s_])|(?<=[^\s_])_(?![A-Za-z0-9_])")
# Markdown escapes ("1\\. 共享" as HTML-to-Markdown converters write a numbered line); an escaped pipe
# stays escaped, it is a character of a table cell, not a column.
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
# A Markdown link "[Crashlytics](https://…)" is its text followed by its address.
_MD_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\((\S{1,2000}?)\)")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
_MD_END = re.compile(r"^(#{1,6}\s|={5,}|\*\*[一二三四五六七八九十]+、)")
MAX_TABLE_LINES = 3000
MAX_QUIET = 12  # non-blank lines without a pipe that end a wrapped Markdown table


def _md_cells(pieces: list[str], n: int, last_is_link: bool = False) -> list[list[str]]:
    """Rows of `n` cells from the pipe-separated pieces of a table body whose cells may wrap over
    lines: the piece after a row's last pipe holds that row's last cell and, on its last line, the
    next row's first cell. When the last column holds links, a piece whose link is followed by a
    line of text also ends its row there, however few cells the row had: a row that omits a cell
    ("QQ | 使用QQ登录 | <https://…>") then does not shift every later row."""
    rows: list[list[str]] = []
    first = pieces[0].strip().splitlines()
    row = [first[-1] if first else ""]
    for piece in pieces[1:]:
        lines = [ln for ln in piece.strip().splitlines() if ln.strip()]
        if last_is_link and 1 <= len(row) < n - 1 and len(lines) >= 2 and _LINKISH.search(lines[-2]) \
                and not _LINKISH.search(lines[-1]):
            link = " ".join(" ".join(lines[:-1]).split())
            rows.append(row + [""] * (n - 1 - len(row)) + [link])
            row = [lines[-1].strip()]
            continue
        if len(row) < n - 1:
            row.append(" ".join(piece.split()))
            continue
        lines = [ln for ln in piece.strip().splitlines() if ln.strip()]
        if len(lines) >= 2:
            row.append(" ".join(" ".join(lines[:-1]).split()))
            rows.append(row)
            row = [lines[-1].strip()]
        else:
            row.append(" ".join(piece.split()))
            rows.append(row)
            row = [""]
    if len(row) > 1:
        rows.append(row + [""] * (n - len(row)))
    return rows


def _line_rows(body: list[str], n: int) -> list[list[str]] | None:
    """Rows of a table written one row per line (every piped line holds a whole row), or None when
    its cells wrap over lines. A line without pipes is the continuation of a row whose last cell is
    still empty ("name | purpose |" then the link on the next line), else a row of its own whose
    other cells the converter lost ("百度移动统计 SDK" between two full rows)."""
    piped = [ln for ln in body if "|" in ln]
    if not piped or (len(piped) < 2 and _bounded_cells(piped[0]) is None) or any(ln.count("|") < n - 1 for ln in piped):
        return None
    rows: list[list[str]] = []
    open_cell = False  # the previous line was a row ending in a pipe: its last cell follows
    for ln in body:
        if "|" not in ln:
            if open_cell:
                rows[-1][-1] = f"{rows[-1][-1]} {ln.strip()}".strip()
            else:
                rows.append([ln.strip()] + [""] * (n - 1))
            open_cell = False
            continue
        open_cell = ln.rstrip().endswith("|") and _bounded_cells(ln) is None  # "| a | b |" is closed
        cells = ln.strip().split("|")
        if ln.strip().startswith("|"):
            cells = cells[1:]
        if len(cells) > n and not cells[-1].strip():
            cells = cells[:-1]
        if len(cells) > n:
            cells = cells[:n - 1] + ["|".join(cells[n - 1:])]
        rows.append([" ".join(c.split()) for c in cells] + [""] * (n - len(cells)))
    return rows


def _rowspan_rows(body: list[str], n: int) -> list[list[str]] | None:
    """Rows of a table whose cells spanned several rows in HTML (rowspan): each row is one line,
    full rows hold `n` cells and the rows under a spanning cell one same smaller number `m` of
    cells, which are its last `m` columns ("友盟推送SDK | 推送 | 读取存储卡 | 读取文件" then "写入存储卡 |
    写入文件"). None when the lines do not have that shape (a table whose cells wrap over lines has
    lines without pipes, or rows ending in an open cell, or short lines of varying width)."""
    lines = [ln.strip() for ln in body if ln.strip()]
    if len(lines) < 3 or any("|" not in ln or ln.endswith("|") or ln.startswith("|") for ln in lines):
        return None
    widths = [ln.count("|") + 1 for ln in lines]
    short = {w for w in widths if w != n}
    if widths[0] != n or len(short) != 1 or min(short) < 2 or min(short) >= n or widths.count(min(short)) < 2:
        return None
    return [[""] * (n - w) + [" ".join(c.split()) for c in ln.split("|")] for ln, w in zip(lines, widths, strict=True)]


_LINKISH = re.compile(r"https?://|www\.|\.(?:html?|shtml|jsp|php)\b|\)\s*$|>\s*$", re.I)
_LINK_HEADER = re.compile(r"链接|网址|link|url|隐私政策|隐私权政策|隐私协议", re.I)


def markdown_tables(text: str) -> str:
    """Rewrite Markdown tables (`a | b` / `---|---` / rows, cells possibly wrapped over lines, as
    HTML-to-Markdown converters leave policy pages) into one `CELL_SEP` line per row."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _MD_SEPARATOR.match(lines[i]) or i == 0:
            out.append(lines[i])
            i += 1
            continue
        n = lines[i].strip().strip("|").count("|") + 1
        bounded = _bounded_cells(out[-1]) if out else None
        if bounded is not None and len(bounded) == n:
            # "| 序号 | SDK名称 | … |" over "|---|---|": a header row written whole on one line between
            # outer pipes holds its n cells; the outer pipes frame it and mark no cell
            out.pop()
            i = _emit_table(lines, i, n, bounded, out)
            continue
        # the header: the last n pipe-separated pieces before the separator
        back, pipes = len(out), 0
        while back > 0 and pipes < n - 1 and len(out) - back < 4 * n:
            back -= 1
            pipes += out[back].count("|")
        if back > 0 and out[back].strip().startswith("|"):
            back -= 1  # the first header cell sits on the line before the first pipe
        header_pieces = "\n".join(out[back:]).split("|")
        if pipes < n - 1 or len(header_pieces) < n:
            out.append(lines[i])
            i += 1
            continue
        header = [" ".join(p.split()) for p in header_pieces[-n:]]
        header[0] = header_pieces[-n].strip().splitlines()[-1].strip() if header_pieces[-n].strip() else ""
        del out[back:]
        if header_pieces[:-n] and "\n".join(header_pieces[:-n]).strip():
            out.append("".join(header_pieces[:-n]).rsplit("\n", 1)[0])
        i = _emit_table(lines, i, n, header, out)
    return "\n".join(out)


def _bounded_cells(line: str) -> list[str] | None:
    """The cells of a table row written whole between outer pipes ("| a | b |"), or None."""
    t = line.strip()
    if len(t) < 3 or not (t.startswith("|") and t.endswith("|")):
        return None
    return [" ".join(c.split()) for c in t[1:-1].split("|")]


def _emit_table(lines: list[str], i: int, n: int, header: list[str], out: list[str]) -> int:
    """Append the header and the body rows of the table whose separator is `lines[i]` to `out`;
    returns the index of the first line after the table."""
    # the body runs to the last piped line before `MAX_QUIET` non-blank lines without a pipe (blank
    # lines do not count: converters put one between the lines of a cell), plus, when that line
    # ends in a pipe, the next non-blank line: the row's last cell, open on it
    j, quiet, last_piped = i + 1, 0, i
    while j < len(lines) and j - i < MAX_TABLE_LINES and quiet < MAX_QUIET and not _MD_END.match(lines[j]) \
            and not _MD_SEPARATOR.match(lines[j]):
        if "|" in lines[j]:
            quiet, last_piped = 0, j
        elif lines[j].strip():
            quiet += 1
        j += 1
    end = last_piped + 1 if quiet else j
    if quiet and lines[last_piped].rstrip().endswith("|") and _bounded_cells(lines[last_piped]) is None:
        nxt = next((k for k in range(end, j) if lines[k].strip()), None)
        end = nxt + 1 if nxt is not None else end
    if j < len(lines) and _MD_SEPARATOR.match(lines[j]):  # the next table starts: leave its header to it
        n2, k, pipes = lines[j].strip().strip("|").count("|") + 1, j, 0
        while k > i + 1 and pipes < n2 - 1:
            k -= 1
            pipes += lines[k].count("|")
        if k > i + 1 and lines[k].strip().startswith("|"):
            k -= 1
        end = min(end, k)
    body = "\n".join(lines[i + 1:end])
    out.append(CELL_SEP.join(header))
    rows = _line_rows(lines[i + 1:end], n) or _rowspan_rows(lines[i + 1:end], n)
    if rows is None:
        rows = _md_cells(body.split("|"), n, bool(_LINK_HEADER.search(header[-1])))
    out.extend(CELL_SEP.join(c.strip() for c in row) for row in rows if any(row))
    return end
