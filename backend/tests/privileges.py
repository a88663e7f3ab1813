"""Running a command as a container's root runs by default: without CAP_SYS_PTRACE,
which is what reading another user's process directory in /proc takes."""

import os
import shutil

import pytest

needs_root_and_setpriv = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root (the embedded PostgreSQL then runs as its own user) and setpriv",
)


def without_ptrace(command: list[str]) -> list[str]:
    """`command` run as root without CAP_SYS_PTRACE."""
    return ["setpriv", "--bounding-set", "-sys_ptrace", "--inh-caps", "-sys_ptrace", *command]
