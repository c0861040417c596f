"""The one-liner shell grammar adb callers use."""

from __future__ import annotations

import pytest

from harness.sim.shell_lang import STATUS_MARK, Redirect, ShellSyntaxError, parse


def test_chains_pipes_and_redirections():
    pipes = parse("rm -f /x; uiautomator dump /x && echo success || true")
    assert [p.connector for p in pipes] == [";", "&&", "||", ""]
    assert pipes[1].commands[0].argv == ["uiautomator", "dump", "/x"]
    (p,) = parse("dumpsys window 2>/dev/null | grep -E 'mCurrentFocus|mFocusedApp'")
    assert [c.argv for c in p.commands] == [["dumpsys", "window"], ["grep", "-E", "mCurrentFocus|mFocusedApp"]]
    assert p.commands[0].redirects == [Redirect(2, ">", "/dev/null")]
    (p,) = parse("echo a\\ b \"c d\" >> /f 2>&1")
    assert p.commands[0].argv == ["echo", "a b", "c d"]
    assert p.commands[0].redirects == [Redirect(1, ">>", "/f"), Redirect(2, ">&", "1")]


def test_status_marker_and_quotes():
    (p,) = parse("echo X4EXIT:$? '$?'")
    assert p.commands[0].argv == ["echo", f"X4EXIT:{STATUS_MARK}", "$?"]


@pytest.mark.parametrize("bad", ["echo 'open", 'echo "open', "| grep x", "&& echo", "echo >"])
def test_syntax_errors(bad):
    with pytest.raises(ShellSyntaxError):
        parse(bad)


def test_scripts_jobs_and_parameters():
    from harness.sim.shell_lang import PARAM_MARK

    def m(name: str) -> str:
        return PARAM_MARK + name + PARAM_MARK

    script = '#!/system/bin/sh\n# generate by adbutils\nscreenrecord "$1" &\nPID=$!\nread ANY\nkill -INT $PID\nwait\n'
    pipes = parse(script)
    assert [p.commands[0].argv for p in pipes] == [["screenrecord", m("1")], [], ["read", "ANY"],
                                                    ["kill", "-INT", m("PID")], ["wait"]]
    assert [p.background for p in pipes] == [True, False, False, False, False]
    assert pipes[1].commands[0].assigns == [("PID", m("!"))]
    (p,) = parse("A=1 B='x y' cmd ${HOME}/f \"$@\" '$1' X=2")
    assert p.commands[0].assigns == [("A", "1"), ("B", "x y")]
    assert p.commands[0].argv == ["cmd", m("HOME") + "/f", m("@"), "$1", "X=2"]
    (p,) = parse("'A=1' cmd")  # a quoted name is not an assignment
    assert p.commands[0].argv == ["A=1", "cmd"] and not p.commands[0].assigns
    assert [x.connector for x in parse("a &&\nb")] == ["&&", ""]
    with pytest.raises(ShellSyntaxError):
        parse("echo ${A")
