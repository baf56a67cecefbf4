"""`make run`'s settings: e-mails to var/mail/, SITE_URL follows PORT, nothing outside var/."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'backend': s.EMAIL_BACKEND, 'mail': str(s.EMAIL_FILE_PATH), "
    "'site': s.SITE_URL, 'broker': s.CELERY_BROKER_TRANSPORT_OPTIONS}))"
)


def _local_settings(**env) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "EMAIL_URL", "PORT", "CELERY_BROKER_URL", "DATABASE_URL"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.local", LOG_LEVEL="WARNING", **env)
    out = subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_make_run_writes_mail_under_var_and_follows_the_port():
    local = _local_settings(PORT="8765")
    assert local["backend"] == "common.mailfiles.EmailBackend"  # Django's, minus empty files
    assert local["mail"] == str(ROOT / "var" / "mail")
    assert local["site"] == "http://127.0.0.1:8765"
    # kombu's filesystem transport keeps every folder under var/celery/ (no stray control/).
    folders = [v for k, v in local["broker"].items() if k.endswith("folder") or "folder_" in k]
    assert len(folders) == 4
    assert all(folder.startswith(str(ROOT / "var" / "celery")) for folder in folders)


def test_site_url_wins_over_the_port():
    assert _local_settings(PORT="8765", SITE_URL="https://vp.example/")["site"] == (
        "https://vp.example"
    )


def test_by_hand_commands_link_to_the_server_make_run_started():
    running = ROOT / "var" / "site-url"
    kept = running.read_text() if running.exists() else None
    running.parent.mkdir(exist_ok=True)
    running.write_text("http://127.0.0.1:8201\n")  # as bin/run-all writes it for PORT=8201
    try:
        assert _local_settings()["site"] == "http://127.0.0.1:8201"
        assert _local_settings(PORT="8765")["site"] == "http://127.0.0.1:8765"  # PORT wins
    finally:
        if kept is None:
            running.unlink()
        else:
            running.write_text(kept)


def test_a_mail_connection_that_sends_nothing_leaves_no_file(tmp_path, settings):
    from django.core import mail

    settings.EMAIL_FILE_PATH = str(tmp_path)
    connection = mail.get_connection("common.mailfiles.EmailBackend")
    connection.open()
    connection.close()
    assert list(tmp_path.iterdir()) == []
    connection.open()
    connection.send_messages([mail.EmailMessage("Hi", "Body", "a@example.com", ["b@example.com"])])
    connection.close()
    (written,) = tmp_path.iterdir()
    assert "Subject: Hi" in written.read_text()
