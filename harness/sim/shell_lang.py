"""The small part of Android's mksh that adb callers use in one-liners and tiny scripts.

`a; b`, newlines, `a && b`, `a || true`, `a | grep x`, background jobs (`a &`), redirections
(`2>/dev/null`, `> f`, `>> f`, `2>&1`), single and double quotes, backslash escapes, `# comments`,
assignments (`PID=$!`, `VAR=x cmd`) and parameters (`$?`, `$!`, `$$`, `$#`, `$@`, `$*`, `$0`-`$9`,
`$NAME`, `${NAME}`; expanded when the command runs, without field splitting). Anything else is a
plain word: the sim is not a shell, it only has to parse what harnesses and adb clients send (e.g.
adbutils' screenrecord script: `screenrecord "$1" &`, `PID=$!`, `read ANY`, `kill -INT $PID`, `wait`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPERATORS = (";", "&&", "||", "|", "&")
PARAM_MARK = "\x00"  # a parameter is kept as NUL NAME NUL in a word and expanded when the command runs
STATUS_MARK = "\x00?\x00"  # `$?`
PARAM_RE = re.compile("\x00([^\x00]*)\x00")
_SPECIAL = "?!#@*$0123456789"
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")


class ShellSyntaxError(Exception):
    pass


@dataclass(frozen=True)
class Redirect:
    fd: int  # 0 stdin, 1 stdout, 2 stderr
    mode: str  # ">", ">>", "<", ">&"
    target: str  # path, or fd number for ">&"


@dataclass
class SimpleCommand:
    argv: list[str] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    assigns: list[tuple[str, str]] = field(default_factory=list)  # `NAME=value` words before argv[0]


@dataclass
class Pipeline:
    commands: list[SimpleCommand]
    connector: str  # how this pipeline joins the NEXT one: ";", "&&", "||" or "" (last)
    background: bool = False  # ended by `&`: runs as a job, the shell goes on at once


@dataclass(frozen=True)
class _Word:
    text: str
    quoted: bool
    plain: int = 0  # how many leading characters came from unquoted text (an assignment needs `NAME=` there)


def _param(line: str, i: int) -> tuple[str, int] | None:
    """The parameter at line[i] == '$': (marker, index after it), or None for a literal '$'."""
    nxt = line[i + 1 : i + 2]
    if nxt and nxt in _SPECIAL:
        return PARAM_MARK + nxt + PARAM_MARK, i + 2
    if nxt == "{":
        j = line.find("}", i + 2)
        name = line[i + 2 : j] if j > 0 else ""
        if j < 0 or not (_NAME_RE.fullmatch(name) or (len(name) == 1 and name in _SPECIAL) or name.isdigit()):
            raise ShellSyntaxError(f"{line[i:j + 1 if j > 0 else len(line)]}: bad substitution")
        return PARAM_MARK + name + PARAM_MARK, j + 1
    m = _NAME_RE.match(line, i + 1)
    if m:
        return PARAM_MARK + m.group(0) + PARAM_MARK, m.end()
    return None


def _tokenize(line: str) -> list[_Word | str]:
    """Split into words and operator strings; marks `$?` outside single quotes."""
    out: list[_Word | str] = []
    i, n = 0, len(line)
    buf: list[str] = []
    in_word = False
    quoted = False
    plain = -1  # length of the unquoted prefix, fixed at the first quote

    def finish() -> None:
        nonlocal in_word, quoted, plain
        if in_word:
            text = "".join(buf)
            out.append(_Word(text, quoted, len(text) if plain < 0 else plain))
        buf.clear()
        in_word = False
        quoted = False
        plain = -1

    def start_quote() -> None:
        nonlocal plain
        if plain < 0:
            plain = len("".join(buf))

    while i < n:
        c = line[i]
        if c == "\n":
            finish()
            out.append(";")
            i += 1
        elif c in " \t\r":
            finish()
            i += 1
        elif c == "#" and not in_word:
            j = line.find("\n", i)
            i = n if j < 0 else j
        elif c == "'":
            start_quote()
            j = line.find("'", i + 1)
            if j < 0:
                raise ShellSyntaxError("unterminated '")
            buf.append(line[i + 1 : j])
            in_word = quoted = True
            i = j + 1
        elif c == '"':
            start_quote()
            i += 1
            in_word = quoted = True
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n and line[i + 1] in '"\\$`':
                    buf.append(line[i + 1])
                    i += 2
                elif line[i] == "$" and (param := _param(line, i)) is not None:
                    buf.append(param[0])
                    i = param[1]
                else:
                    buf.append(line[i])
                    i += 1
            if i >= n:
                raise ShellSyntaxError('unterminated "')
            i += 1
        elif c == "\\":
            start_quote()
            if i + 1 < n:
                buf.append(line[i + 1])
            in_word = True
            i += 2
        elif c == "$" and (param := _param(line, i)) is not None:
            start_quote()  # an expansion is not a literal `NAME=` either
            buf.append(param[0])
            in_word = True
            i = param[1]
        elif c in ";&|":
            finish()
            op = line[i : i + 2] if line[i : i + 2] in ("&&", "||") else c
            out.append(op)
            i += len(op)
        elif c in "<>":
            # an all-digit word right before the operator is its fd (`2>/dev/null`)
            fd = None
            if in_word and not quoted and "".join(buf).isdigit():
                fd = int("".join(buf))
                buf.clear()
                in_word = False
            finish()
            if line.startswith(">>", i):
                op, i = ">>", i + 2
            elif line.startswith(">&", i):
                op, i = ">&", i + 2
            else:
                op, i = c, i + 1
            default_fd = 0 if op == "<" else 1
            out.append(f"R{fd if fd is not None else default_fd}{op}")
        else:
            buf.append(c)
            in_word = True
            i += 1
    finish()
    return out


def parse(line: str) -> list[Pipeline]:
    """Parse a command line (or a script: newlines separate commands) into pipelines joined by
    `;`, `&&`, `||`, each possibly a background job (`&`)."""
    tokens = _tokenize(line)
    pipelines: list[Pipeline] = []
    commands: list[SimpleCommand] = []
    cur = SimpleCommand()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if isinstance(tok, _Word):
            m = _ASSIGN_RE.match(tok.text)
            if not cur.argv and m and m.end() <= tok.plain:
                cur.assigns.append((m.group(1), tok.text[m.end():]))
            else:
                cur.argv.append(tok.text)
        elif tok.startswith("R"):
            if i + 1 >= len(tokens) or not isinstance(tokens[i + 1], _Word):
                raise ShellSyntaxError("syntax error: redirection without a target")
            target = tokens[i + 1]
            assert isinstance(target, _Word)
            cur.redirects.append(Redirect(int(tok[1]), tok[2:], target.text))
            i += 1
        elif tok == "|":
            if not cur.argv:
                raise ShellSyntaxError("syntax error: '|' unexpected")
            commands.append(cur)
            cur = SimpleCommand()
        else:  # ; && || &
            if cur.argv or cur.redirects or cur.assigns:
                commands.append(cur)
            cur = SimpleCommand()
            if commands:
                pipelines.append(Pipeline(commands, ";" if tok == "&" else tok, background=tok == "&"))
            elif tok == ";" and pipelines and pipelines[-1].connector in ("&&", "||"):
                pass  # `a &&` NEWLINE `b`: the list goes on on the next line
            elif tok != ";":
                raise ShellSyntaxError(f"syntax error: '{tok}' unexpected")
            commands = []
        i += 1
    if cur.argv or cur.redirects or cur.assigns:
        commands.append(cur)
    if commands:
        pipelines.append(Pipeline(commands, ""))
    elif pipelines and pipelines[-1].connector in ("&&", "||"):
        raise ShellSyntaxError(f"syntax error: unexpected end of input after '{pipelines[-1].connector}'")
    if pipelines and not pipelines[-1].background:
        pipelines[-1].connector = ""
    return pipelines
