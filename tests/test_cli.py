"""The command line as a shell: version, exit codes, one-line errors,
output into a closed pipe.  Each command's own work is tested beside its
stage (parse in read/, code in coding/, kwic in explore/, review in review/,
pseudonymise in privacy/, analyse in test_workflow.py)."""

import subprocess
import sys

import pytest

from utenforskap.cli import main


def test_cli_version_and_parse_refuses_its_own_output(tmp_path, bundled_path, capsys):
    import utenforskap

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"utenforskap {utenforskap.__version__}"
    assert main(["parse", str(bundled_path), "-o", str(tmp_path / "utsagn.csv")]) == 0
    assert main(["parse", str(tmp_path / "utsagn.csv"), "-o", str(tmp_path / "igjen.csv")]) == 2
    assert "a table of statements written by utenforskap (it has a segment_id column)" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_output_into_a_pipe_closed_early_is_no_error(bundled_path):
    """`utenforskap kwic ... | head -1`: the reader stops, the command ends quietly."""

    command = f"{sys.executable} -m utenforskap kwic {bundled_path} 'n*' --window 3 | head -1"
    run = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr
    assert len(run.stdout.splitlines()) == 1
