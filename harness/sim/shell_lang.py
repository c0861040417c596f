"""The small part of Android's mksh that adb callers use in one-liners.

`a; b`, `a && b`, `a || true`, `a | grep x`, redirections (`2>/dev/null`, `> f`, `>> f`,
`2>&1`), single and double quotes, backslash escapes and `$?`. Anything else is a plain word:
the sim is not a shell, it only has to parse what harnesses send."""

from __future__ import annotations

from dataclasses import dataclass, field

OPERATORS = (";", "&&", "||", "|", "&")
STATUS_MARK = "\x00?\x00"  # `$?`, expanded when the command runs


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


@dataclass
class Pipeline:
    commands: list[SimpleCommand]
    connector: str  # how this pipeline joins the NEXT one: ";", "&&", "||" or "" (last)


@dataclass(frozen=True)
class _Word:
    text: str
    quoted: bool


def _tokenize(line: str) -> list[_Word | str]:
    """Split into words and operator strings; marks `$?` outside single quotes."""
    out: list[_Word | str] = []
    i, n = 0, len(line)
    buf: list[str] = []
    in_word = False
    quoted = False

    def finish() -> None:
        nonlocal in_word, quoted
        if in_word:
            out.append(_Word("".join(buf), quoted))
        buf.clear()
        in_word = False
        quoted = False

    while i < n:
        c = line[i]
        if c in " \t\n\r":
            finish()
            i += 1
        elif c == "'":
            j = line.find("'", i + 1)
            if j < 0:
                raise ShellSyntaxError("unterminated '")
            buf.append(line[i + 1 : j])
            in_word = quoted = True
            i = j + 1
        elif c == '"':
            i += 1
            in_word = quoted = True
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n and line[i + 1] in '"\\$`':
                    buf.append(line[i + 1])
                    i += 2
                elif line.startswith("$?", i):
                    buf.append(STATUS_MARK)
                    i += 2
                else:
                    buf.append(line[i])
                    i += 1
            if i >= n:
                raise ShellSyntaxError('unterminated "')
            i += 1
        elif c == "\\":
            if i + 1 < n:
                buf.append(line[i + 1])
            in_word = True
            i += 2
        elif line.startswith("$?", i):
            buf.append(STATUS_MARK)
            in_word = True
            i += 2
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
    """Parse one command line into pipelines joined by `;`, `&&`, `||`."""
    tokens = _tokenize(line)
    pipelines: list[Pipeline] = []
    commands: list[SimpleCommand] = []
    cur = SimpleCommand()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if isinstance(tok, _Word):
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
            if cur.argv or cur.redirects:
                commands.append(cur)
            cur = SimpleCommand()
            if commands:
                pipelines.append(Pipeline(commands, ";" if tok == "&" else tok))
            elif tok != ";":
                raise ShellSyntaxError(f"syntax error: '{tok}' unexpected")
            commands = []
        i += 1
    if cur.argv or cur.redirects:
        commands.append(cur)
    if commands:
        pipelines.append(Pipeline(commands, ""))
    return pipelines
