"""The `supervision` command fails in one line that says what to do, never with a traceback,
and every command and option is explained in --help and in the README."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer.main

from shared.migrate import upgrade_to_head
from supervision.cli import app, one_line

ROOT = Path(__file__).resolve().parents[1]
SUBJECT_ROW = ("uscc,name,subject_type,legal_rep_name,legal_rep_id,registered_address,district,industry_code\n"
               "91310000MA1FL8TQ10,上海示例贸易有限公司,enterprise,张三,11010519491231002X,上海市黄浦区中山东一路1号,"
               "310101,F5191\n")


def cli(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "supervision"
    argv = [str(script)] if script.exists() else [sys.executable, "-c", "from supervision.cli import app; app()"]
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "SUP_DATA_DIR"}
    return subprocess.run([*argv, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
                          env={**clean, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **env})


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode != 0, done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return lines[0]


def test_subjects_import_outside_the_data_folder_says_where_the_database_is_looked_for(tmp_path):
    (tmp_path / "subjects.csv").write_text(SUBJECT_ROW, encoding="utf-8")
    line = one_error_line(cli(tmp_path, "subjects", "import", "subjects.csv"))
    assert "no credit database" in line and "--data-dir" in line and "CREDIT_DATABASE_URL" in line
    # What it says works: --data-dir finds the platform's database, wherever one runs from.
    data = tmp_path / "elsewhere" / ".data"
    (data / "db").mkdir(parents=True)
    upgrade_to_head("credit", f"sqlite+aiosqlite:///{data}/db/credit.db")
    done = cli(tmp_path, "subjects", "import", "subjects.csv", "--data-dir", str(data))
    assert done.returncode == 0 and "loaded=1 rejected=0" in done.stdout, done.stderr
    regraded = cli(tmp_path, "credit", "regrade", "--data-dir", str(data))
    assert regraded.returncode == 0 and "regraded=1" in regraded.stdout, regraded.stderr


def test_an_unreachable_database_is_one_line(tmp_path):
    line = one_error_line(cli(tmp_path, "credit", "regrade",
                              CREDIT_DATABASE_URL="postgresql+asyncpg://nobody:x@127.0.0.1:1/credit"))
    assert "cannot connect" in line and "DATABASE_URL" in line


def test_verify_log_explains_a_saved_head_that_is_not_one(tmp_path):
    (tmp_path / "head.json").write_text(json.dumps({"tree_size": 1, "root_hash": "0" * 64, "signature": "x"}))
    line = one_error_line(cli(tmp_path, "verify-log", "head.json"))
    assert "'timestamp'" in line and "GET /public/log/tree-head" in line and "FAIL" not in line
    (tmp_path / "broken.json").write_text("{not json")
    assert "is not JSON" in one_error_line(cli(tmp_path, "verify-log", "broken.json"))
    unreachable = one_error_line(cli(tmp_path, "verify-log", "new.json", "--save",
                                     "--base-url", "http://127.0.0.1:1/disclosure"))
    assert "cannot reach http://127.0.0.1:1/disclosure" in unreachable and "--base-url" in unreachable


def test_an_unexpected_failure_is_one_line_too(tmp_path):
    (tmp_path / "clients.json").write_text("{not json")
    line = one_error_line(cli(tmp_path, "credentials", "list", GATEWAY_CLIENTS_FILE=str(tmp_path / "clients.json"),
                              GATEWAY_KEY_DIR=str(tmp_path / "keys")))
    assert "JSONDecodeError" in line and "SUP_DEBUG=1" in line
    assert one_line(ConnectionRefusedError(111, "Connection refused")).startswith("cannot connect")


def _commands(command, path=()):
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_every_command_and_option_is_explained_in_help_and_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Command line"):]
    section = section[:section.index("\n## ", 3)]
    missing = []
    for name, command in _commands(typer.main.get_command(app)):
        if not command.help:
            missing.append(f"{name}: no help")
        if f"`{name}" not in section:
            missing.append(f"{name}: not in the README's command line section")
        for param in command.params:
            if not getattr(param, "help", None):
                missing.append(f"{name} {param.opts[0]}: no help")
            flag = param.opts[-1] if param.opts[0].startswith("-") else None
            if flag and flag not in section:
                missing.append(f"{name} {flag}: not in the README's command line section")
    assert missing == [], "\n".join(missing)
