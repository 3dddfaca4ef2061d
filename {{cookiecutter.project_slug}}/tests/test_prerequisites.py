"""A test that needs a tool this machine lacks skips on a laptop and fails in CI."""

from __future__ import annotations

import pytest

from .conftest import missing_prerequisite


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_prerequisite_fails_in_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match=r"no Chromium found.*because CI is set"):
        missing_prerequisite("no Chromium found")


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_a_missing_prerequisite_skips_elsewhere_saying_what_to_install(monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="no Chromium found: install it"):
        missing_prerequisite("no Chromium found: install it")
