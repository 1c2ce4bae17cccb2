"""The tests' own PostgreSQL and S3 servers never share a port with another worker's: a port taken between being
found free and being bound is given up for another, and a server that answers on the port is not taken for ours."""

from __future__ import annotations

import socket
import urllib.request

import psycopg
import pytest

from tests.testing import postgres, s3


@pytest.fixture
def taken():
    """A port another server listens on, as another xdist worker's would."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def test_postgres_starts_on_another_port_when_its_first_is_taken(taken: int, monkeypatch: pytest.MonkeyPatch):
    ports = iter([taken])
    real = postgres.free_port
    monkeypatch.setattr(postgres, "free_port", lambda: next(ports, None) or real())
    with postgres.postgres_server() as url:
        assert f":{taken}/" not in url
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)


def test_s3_starts_on_another_port_when_its_first_is_taken(taken: int, monkeypatch: pytest.MonkeyPatch):
    ports = iter([taken])
    real = s3.free_port
    monkeypatch.setattr(s3, "free_port", lambda: next(ports, None) or real())
    with s3.s3_server() as url:
        assert not url.endswith(f":{taken}")
        s3.create_bucket(url, "bucket-of-ours")
        assert b"bucket-of-ours" in urllib.request.urlopen(url, timeout=10).read()
