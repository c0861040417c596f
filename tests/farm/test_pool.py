"""A worker's device pool: one run per device, and two failures in a row take a device out."""

from harness.farm.pool import DevicePool


def test_a_device_leaves_after_two_failures_in_a_row_only():
    pool = DevicePool(["d1", "d2"])
    assert pool.acquire() == "d1"
    assert pool.acquire() == "d2"
    assert pool.acquire() is None  # one run per device
    assert pool.release("d1", failed="lost") is False
    assert pool.acquire() == "d1"
    assert pool.release("d1") is False  # a success resets the count
    assert pool.acquire() == "d1"
    assert pool.release("d1", failed="lost") is False
    assert pool.acquire() == "d1"
    assert pool.release("d1", failed="lost again") is True
    assert pool.serials == ["d2"] and "lost again" in pool.dropped["d1"]
    assert pool.acquire() is None  # d2 is still busy, d1 is gone


def test_acquire_prefers_devices_the_job_has_not_failed_on():
    pool = DevicePool(["d1", "d2"])
    assert pool.acquire(avoid={"d1"}) == "d2"
    assert pool.acquire(avoid={"d1"}) == "d1"  # better than nothing


def test_stop_marks_every_run_in_progress():
    pool = DevicePool(["d1"])
    seen: list[str] = []
    pool.running["a1"] = seen.append
    pool.stop("worker w1 stopped by SIGTERM mid-run")
    assert pool.closing and seen == ["worker w1 stopped by SIGTERM mid-run"]
