"""`python -m comd ARGS` is the binary's command line: same rows, same exit statuses."""

import subprocess
import sys

from conftest import run_binary, thermo_fields


def python_m_comd(args, cwd):
    return subprocess.run([sys.executable, "-m", "comd", *args, "--no-yaml"], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_python_m_comd_prints_the_binarys_rows(comd_bin, tmp_path):
    args = ["-x", "6", "-y", "6", "-z", "6", "-N", "30"]
    a, b = python_m_comd(args, tmp_path), run_binary(comd_bin, args, tmp_path)
    assert a.returncode == b.returncode == 0, a.stderr
    rows = thermo_fields(a.stdout.splitlines())
    assert len(rows) == 4 and rows == thermo_fields(b.stdout.splitlines())
    assert "Mini-Application Name    : comd-rs" in a.stdout


def test_python_m_comd_exit_statuses_and_messages(comd_bin, tmp_path):
    for args in (["--nx=0"], ["--no-such-flag"], ["-e", "-p", "Missing.eam", "-d", str(tmp_path)]):
        a, b = python_m_comd(args, tmp_path), run_binary(comd_bin, args, tmp_path)
        assert a.returncode == b.returncode == 2, (args, a.stderr)
        assert a.stderr == b.stderr and a.stderr.startswith("comd: ")
    a = python_m_comd(["--help"], tmp_path)
    assert a.returncode == 0 and "Exit status:" in a.stdout


def test_python_m_comd_sigint_exits_130(tmp_path):
    import signal
    import time

    p = subprocess.Popen([sys.executable, "-m", "comd", "-x", "16", "-y", "16", "-z", "16", "-N", "100000", "--no-yaml"],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait for the table to start, then interrupt
    for line in p.stdout:
        if line.startswith("#  Loop"):
            break
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "SIGINT received" in err
