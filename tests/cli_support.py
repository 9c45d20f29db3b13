"""What the command-line tests share: files written inside a test, the one-line check,
a folder nobody can write into."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

LINEUP_HEAD = "model,launch_year,peak_units,share_italy,share_rest_of_europe,share_north_america,share_rest_of_world\n"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def strict_json(text: str):
    def no_constants(name):
        raise ValueError(f"{name} is not valid JSON")

    return json.loads(text, parse_constant=no_constants)


def one_line(capsys, code, *fragments):
    out, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alfa-xl: error: "), err
    assert "Traceback" not in err
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


@pytest.fixture
def readonly_folder(tmp_path):
    """A folder in which nobody, root included, can create a file (immutable as root, 0o555 otherwise)."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    yield_cleanup = []
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot make a read-only folder here (chattr +i refused)")
        yield_cleanup.append(["chattr", "-i", str(folder)])
    else:
        folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except OSError:
        pass
    else:
        pytest.skip("this file system lets the folder be written")
    try:
        yield folder
    finally:
        for cmd in yield_cleanup:
            subprocess.run(cmd, capture_output=True)
        folder.chmod(0o755)
