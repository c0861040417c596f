"""A batch that reveals a device clock jump can hold rows stamped on both sides of it: each row
is placed with the offset that puts it no later than the batch's arrival (RowBuilder.rebase)."""

import pytest

from harness.catalogue import load_catalogue
from harness.instrument.rows import HookTable, RowBuilder

S = 1_000_000_000


def _rows(rb: RowBuilder, t_us: list[int]) -> list[int]:
    return rb.js_rows([[t, 0, 1, None, None, None, 1, None] for t in t_us])["t_ns"].tolist()


@pytest.mark.parametrize("jump_s", [3600, -600, 3])
def test_rows_on_both_sides_of_a_jump_keep_their_place(jump_s):
    hooks = [h for h in load_catalogue().hooks if h.id == "Runtime.exec"]
    t0, offset = 50 * S, 7 * S  # host run start; device minus host before the jump
    rb = RowBuilder(HookTable(hooks), pid=1, offset_ns=offset, t0_ns=t0)
    # host times of four reads (run time line 2.0, 2.1, 2.2, 2.3 s); the clock jumps after the second
    host = [t0 + 2 * S + k * S // 10 for k in range(4)]
    device = [h + offset + (jump_s * S if k >= 2 else 0) for k, h in enumerate(host)]
    received = 2 * S + S // 2  # the batch arrives at 2.5 s
    rb.rebase(offset + jump_s * S, received, S // 2)
    assert _rows(rb, [d // 1000 for d in device]) == [h - t0 for h in host]
    rb.end_straddle()  # later batches: every row after the jump
    assert _rows(rb, [(host[3] + offset + jump_s * S + S) // 1000]) == [host[3] - t0 + S]
