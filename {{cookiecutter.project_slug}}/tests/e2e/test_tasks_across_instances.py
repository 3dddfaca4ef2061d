"""Two instances of the app share one task queue: a job queued through one runs on a worker, and
both show what it did."""

from __future__ import annotations

import re
import time

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.multi_instance]


def test_a_job_queued_through_one_instance_runs_on_a_worker_and_both_see_it(one_and_other, worker):
    one, other = one_and_other
    users = [{"username": f"imported-{n}", "email": f"imported-{n}@example.com"} for n in range(3)]
    accepted = one.post_json("/api/users/imports", {"users": users})
    assert accepted.status == 202
    task_id = accepted.json()["task_id"]
    expected = {user["username"] for user in users}
    deadline = time.monotonic() + 30
    while {user["username"] for user in other.get("/api/users").json()["items"]} != expected:
        assert time.monotonic() < deadline, "the worker did not import the users in 30 s"
        time.sleep(0.1)
    assert {user["username"] for user in one.get("/api/users").json()["items"]} == expected
    # Run by the worker process, not inline in the instance that queued it.
    worker.terminate()
    log, _ = worker.communicate(timeout=30)
    assert re.search(rf"Task \S+\[{task_id}\] succeeded", log), log
