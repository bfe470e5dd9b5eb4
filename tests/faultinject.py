"""Run the `satire` CLI with a write fault, as a full disk or a read-only
folder would cause one:

    SATIRE_FAULT=ENOSPC:drafts/ python -m tests.faultinject generate

Every rename or copy whose destination path holds the text after the colon
(`os.replace`, `os.rename`, `shutil.copyfile`, which every atomic write and the
site's commit end in) raises OSError with that errno, as the kernel would.
The temp file beside the target is written first, as on a disk that filled up
between the two: what the command leaves behind is then its own doing."""

from __future__ import annotations

import errno
import os
import shutil
import sys
from collections.abc import Callable
from typing import Any

FAULT_ENV = "SATIRE_FAULT"


def install(spec: str) -> None:
    """Patch the renames and copies for `spec` ('ERRNO:TEXT')."""
    name, _, match = spec.partition(":")
    code = getattr(errno, name)

    def faulty(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            if match in os.fspath(dst):
                raise OSError(code, os.strerror(code), os.fspath(dst))
            return real(src, dst, *args, **kwargs)

        return call

    os.replace = faulty(os.replace)
    os.rename = faulty(os.rename)
    shutil.copyfile = faulty(shutil.copyfile)


if __name__ == "__main__":
    spec = os.environ.get(FAULT_ENV)
    if spec:
        install(spec)
    from generator.cli import main

    sys.argv[0] = "satire"
    main()
