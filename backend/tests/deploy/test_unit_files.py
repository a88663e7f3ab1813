"""deployment.md's systemd units, read the way systemd reads them (no systemd here)."""

from __future__ import annotations

import re

from tests.deploy.helpers import ROOT

INI_BLOCK = re.compile(r"^```ini\n(.*?)^```", re.M | re.S)


def unit_errors(text: str) -> list[str]:
    """Lines systemd would read otherwise than they look: only a line that starts with
    `#` or `;` is a comment, so one after a value becomes part of the value."""
    errors = []
    for block in INI_BLOCK.findall(text):
        for line in block.splitlines():
            stripped = line.strip()
            if not stripped or stripped[0] in "#;" or re.fullmatch(r"\[\w+\]", stripped):
                continue
            key, equals, value = stripped.partition("=")
            if not equals or not re.fullmatch(r"[A-Za-z]+", key):
                errors.append(f"not a setting: {line}")
            elif re.search(r"\s[#;]", value):
                errors.append(f"a comment after a value is part of it: {line}")
    return errors


def test_the_units_in_the_deployment_guide_mean_what_they_say():
    text = (ROOT / "deployment.md").read_text(encoding="utf-8")
    assert INI_BLOCK.search(text), "the guide shows a unit"
    assert unit_errors(text) == []


def test_an_import_worker_unit_lets_running_imports_finish_on_stop():
    """systemd signals every process of the unit by default: the pool's processes would end
    their imports at once. Only the main process waits for them (a warm shutdown)."""
    units = INI_BLOCK.findall((ROOT / "deployment.md").read_text(encoding="utf-8"))
    workers = [unit for unit in units if "--queues imports" in unit]
    assert workers
    for unit in workers:
        assert re.search(r"^KillMode=mixed$", unit, re.M)
        assert re.search(r"^TimeoutStopSec=\d+", unit, re.M)


def test_the_check_catches_a_comment_after_a_value():
    text = "```ini\n[Service]\nEnvironmentFile=/etc/x/env   # URLs, mode 0600\n```\n"
    assert len(unit_errors(text)) == 1
