"""Tracking settings from the environment: the secret key (given, or a key file made once), the public
address and the limits."""

from __future__ import annotations

import datetime as dt
import stat

import pytest

from engine.complaints.settings import DEFAULT_PUBLIC_URL, TrackingSettings


def test_the_key_given_in_the_environment_is_used(tmp_path):
    env = {
        "REDRESSAL_SECRET_KEY": "a key from the environment",
        "REDRESSAL_SECRET_KEY_FILE": str(tmp_path / "k"),
    }
    assert TrackingSettings.from_env(env).secret_key == b"a key from the environment"
    assert not (tmp_path / "k").exists()


def test_without_a_key_one_is_generated_once_in_a_private_file(tmp_path):
    path = tmp_path / "var" / "secret_key"
    env = {"REDRESSAL_SECRET_KEY_FILE": str(path)}
    first = TrackingSettings.from_env(env)
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.secret_key) == 64
    assert TrackingSettings.from_env(env).secret_key == first.secret_key  # the same key after a restart
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no draft left behind


def test_defaults_and_limits_from_the_environment(tmp_path):
    env = {"REDRESSAL_SECRET_KEY": "k" * 32}
    default = TrackingSettings.from_env(env)
    assert default.public_url == DEFAULT_PUBLIC_URL == "http://localhost:5000"
    assert default.link_ttl == dt.timedelta(days=60)
    assert (default.max_attempts, default.attempt_window) == (5, dt.timedelta(minutes=15))
    assert default.link_url("T") == "http://localhost:5000/track/open/T"
    chosen = TrackingSettings.from_env(
        {
            **env,
            "REDRESSAL_PUBLIC_URL": "https://complaints.bank.example/",
            "REDRESSAL_TRACKING_LINK_DAYS": "30",
            "REDRESSAL_TRACKING_MAX_ATTEMPTS": "3",
            "REDRESSAL_TRACKING_WINDOW_MINUTES": "60",
        }
    )
    assert chosen.track_url == "https://complaints.bank.example/track"
    assert (chosen.link_ttl, chosen.max_attempts, chosen.attempt_window) == (
        dt.timedelta(days=30),
        3,
        dt.timedelta(minutes=60),
    )


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"REDRESSAL_SECRET_KEY": "short"}, "at least 16"),
        ({"REDRESSAL_SECRET_KEY": "k" * 32, "REDRESSAL_TRACKING_MAX_ATTEMPTS": "five"}, "whole number"),
        ({"REDRESSAL_SECRET_KEY": "k" * 32, "REDRESSAL_TRACKING_MAX_ATTEMPTS": "0"}, "positive"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(env, words):
    with pytest.raises(ValueError, match=words):
        TrackingSettings.from_env(env)


def test_a_key_file_too_short_is_refused(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("tiny\n")
    with pytest.raises(ValueError, match="fewer than 16"):
        TrackingSettings.from_env({"REDRESSAL_SECRET_KEY_FILE": str(path)})
