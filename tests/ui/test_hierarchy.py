"""The hierarchy parser on hostile and quirky input: attacks refused, truncation reported, real
dump quirks read, huge dumps capped."""

from __future__ import annotations

from harness.ui import classify
from harness.ui.hierarchy import MAX_NODES, parse

NODE = ('<node index="0" text="{t}" resource-id="" class="android.widget.TextView" package="p" content-desc="" '
        'checkable="false" checked="false" clickable="false" enabled="true" bounds="[0,0][100,100]" />')


def test_billion_laughs_is_refused():
    xml = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}' * 10 + '">' for i in range(1, 10))
           + ']><hierarchy><node text="&lol9;" bounds="[0,0][1,1]"/></hierarchy>')
    h = parse(xml)
    assert not h.ok and "refused unsafe XML" in h.error
    c = classify(xml)
    assert c.kind == "unknown" and "refused" in c.reason


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = (f'<?xml version="1.0"?><!DOCTYPE h [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<hierarchy><node text="&x;" bounds="[0,0][1,1]"/></hierarchy>')
    c = classify(xml)
    assert c.kind == "unknown" and "refused" in c.reason
    assert "TOPSECRET" not in repr(c)


def test_truncated_and_invalid():
    full = "<?xml version='1.0' ?><hierarchy rotation=\"0\">" + NODE.format(t="同意") + "</hierarchy>"
    for cut in (20, 60, len(full) - 5):
        c = classify(full[:cut])
        assert c.kind == "unknown" and ("truncated" in c.reason or "not a uiautomator" in c.reason), (cut, c.reason)
    assert classify("").kind == "unknown"
    assert "not a uiautomator hierarchy" in classify("ERROR: null root node returned by UiTestAutomationBridge.").reason
    assert classify(b"\xff\xfe\x00garbage").kind == "unknown"


def test_empty_hierarchy_is_unknown():
    c = classify('<?xml version="1.0"?><hierarchy rotation="0"/>')
    assert c.kind == "unknown" and "empty hierarchy" in c.reason
    c = classify('<hierarchy rotation="0"><node index="0" text="" class="android.widget.FrameLayout" '
                 'package="com.bank" bounds="[0,0][1080,1920]"/></hierarchy>')
    assert c.kind == "unknown" and "no readable text" in c.reason


def test_real_dump_quirks():
    xml = ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\">"
           "<node index=\"0\" text=\"\" class=\"android.widget.FrameLayout\" package=\"com.a\" bounds=\"[0,0][1080,1920]\">"
           "<node index=\"0\" text=\"&#128721; stop&#10;line\" class=\"android.widget.TextView\" package=\"com.a\" "
           "content-desc='say \"hi\"' bounds=\"[0,0][10,10]\" />"
           "<node NAF=\"true\" index=\"1\" text=\"\" class=\"android.widget.ImageView\" package=\"com.a\" clickable=\"true\" "
           "bounds=\"[5,5][50,50]\" />"
           "<node index=\"2\" text=\"ctrl\x08char\" class=\"android.widget.TextView\" package=\"com.a\" bounds=\"[0,0][1,1]\" />"
           "</node></hierarchy>\nUI hierchary dumped to: /dev/tty\n")
    h = parse(xml)
    assert h.ok, h.error
    n = h.nodes
    assert n[1].text == "\U0001F6D1 stop\nline"
    assert n[1].desc == 'say "hi"'
    assert n[2].naf and n[2].clickable and n[2].bounds == (5, 5, 50, 50)
    assert n[3].text == "ctrl char"


def test_multiple_windows_are_separate():
    win = ('<node index="{i}" text="" class="android.widget.FrameLayout" package="{p}" bounds="[0,0][1080,1920]">'
           + NODE.replace('package="p"', 'package="{p}"') + "</node>")
    xml = "<hierarchy>" + win.format(i=0, p="com.a", t="x") + win.format(i=1, p="com.b", t="y") + "</hierarchy>"
    h = parse(xml)
    assert [n.window for n in h.nodes] == [0, 0, 1, 1]


def test_fifty_thousand_nodes_are_capped_and_classified():
    inner = "".join(NODE.format(t=f"row {i}") for i in range(50_000))
    xml = ('<?xml version="1.0"?><hierarchy><node index="0" text="" class="android.widget.FrameLayout" package="p" '
           'bounds="[0,0][1080,1920]">' + inner + "</node></hierarchy>")
    h = parse(xml)
    assert h.ok and len(h.nodes) == 50_001 and not h.capped
    c = classify(xml)
    assert c.kind == "other"
    over = ('<hierarchy><node index="0" text="" class="c" package="p" bounds="[0,0][1,1]">'
            + NODE.format(t="r") * (MAX_NODES + 10) + "</node></hierarchy>")
    h2 = parse(over)
    assert h2.capped and len(h2.nodes) == MAX_NODES
    assert "capped" in classify(over).reason
