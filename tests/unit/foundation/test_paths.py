"""Where data lives, and which database opens."""

from __future__ import annotations

import json

from credtrack import config, paths


def test_credtrack_home_overrides_the_platform_folder(data_home):
    assert paths.data_dir() == data_home.resolve()
    assert paths.default_database_path() == data_home.resolve() / "credtrack.db"


def test_data_dir_option_beats_the_environment(tmp_path, data_home):
    paths.set_data_dir(tmp_path / "elsewhere")
    try:
        assert paths.data_dir() == (tmp_path / "elsewhere").resolve()
        assert paths.data_dir().is_dir()
    finally:
        paths.set_data_dir(None)


def test_database_url_precedence(monkeypatch, data_home):
    assert config.database_url() == f"sqlite:///{data_home.resolve() / 'credtrack.db'}"
    monkeypatch.setenv(paths.DATABASE_URL_ENV, "postgresql://a@b/c")
    assert config.database_url() == "postgresql://a@b/c"
    assert config.database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_keys_folder_is_private(data_home):
    assert paths.keys_dir().stat().st_mode & 0o077 == 0


def test_local_settings_fill_defaults_and_keep_user_values(data_home):
    paths.settings_file().write_text('{"paper_size": "Letter", "unknown_key": 1}', encoding="utf-8")
    settings = config.LocalSettings.load()
    assert settings.paper_size == "Letter"
    assert settings.idle_lock_minutes == 10
    settings.idle_lock_minutes = 3
    settings.save()
    assert config.LocalSettings.load().idle_lock_minutes == 3
    assert config.LocalSettings.load().paper_size == "Letter"


def test_saving_the_settings_keeps_them_owner_only_for_a_database_password_in_them(data_home):
    import os
    import stat

    url = "postgresql+psycopg://credtrack:Db-Server-Secret@db.example.org/credtrack"
    paths.settings_file().write_text(json.dumps({"database_url": url}), encoding="utf-8")
    old_umask = os.umask(0o022)
    try:
        settings = config.LocalSettings.load()
        settings.paper_size = "Letter"
        settings.save()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(paths.settings_file().stat().st_mode) == 0o600
    assert config.LocalSettings.load().database_url == url


def test_describe_url_hides_the_password():
    assert "secret" not in config.describe_url("postgresql+psycopg://u:secret@h/db")
