"""`fairscore worker` refuses an environment meant for the API's multi-process metrics: its
job counts would be added to the API's and wiped when the API starts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app


def test_the_worker_refuses_to_start_with_the_apis_multiprocess_metrics_directory(
    tmp_path: Path,
) -> None:
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # never reached: it refuses before
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'fairscore.db'}",
        "DATA_DIR": str(tmp_path / "keys"),
    }
    result = CliRunner().invoke(app, ["worker"], env=env)

    assert result.exit_code == 1, result.output
    assert "PROMETHEUS_MULTIPROC_DIR is for `fairscore serve` only" in result.output
    assert list(tmp_path.glob("*.db")) == []  # no metrics files in the API's directory
