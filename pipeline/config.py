"""Settings of every Lahir process, read from the environment (prefix-free, see README)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    database_url: str = "sqlite:///var/lahir.db"  # zero-setup default; PostgreSQL via DATABASE_URL
    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_namespace: str = ""  # prefix for every topic name: isolated environments and tests

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    siak_url: str = "http://127.0.0.1:8101"
    siak_api_key: SecretStr = SecretStr("lahir-dev-siak-key")
    bpjs_url: str = "http://127.0.0.1:8102"
    bpjs_cons_id: str = "9901"
    bpjs_secret: SecretStr = SecretStr("lahir-dev-bpjs-secret")
    bpjs_user_key: SecretStr = SecretStr("lahir-dev-user-key")

    worker_id: int = 1
    worker_web_bind: str = "127.0.0.1"
    worker_web_port: int = 6066
    worker_datadir: Path = VAR_DIR / "worker-1"
    # a killed worker's partitions move after the session timeout (Kafka's minimum is 6 s)
    broker_session_timeout: float = 8.0
    broker_heartbeat_interval: float = 1.0
    stream_window: int = 128  # events in flight per agent (per-key order, acks in offset order)
    retry_window: int = 1000  # events waiting per retry agent
    db_threads: int = 8  # the bounded executor that runs database work off the event loop

    http_timeout_s: float = 5.0
    max_attempts: int = 6

    nik_index_key: SecretStr = SecretStr("lahir-dev-nik-index-key")  # set a real one in production
    signature_window_s: int = 300
    rate_limit_per_minute: int = 1200
    max_body_bytes: int = 64 * 1024

    # officer UI (/officer/): the session cookie is Secure unless turned off for plain-http use
    officer_cookie_secure: bool = True
    officer_session_secret: SecretStr = SecretStr("lahir-dev-officer-session-secret")
    officer_session_hours: float = 8.0
    officer_login_max_failures: int = 5  # then locked for officer_lockout_minutes
    officer_lockout_minutes: float = 15.0
    dev_officer_password: SecretStr = SecretStr("lahir-dev-2026")  # dev seed officers only

    # issued documents (pipeline/documents): the test CA, QR links, family downloads
    pki_dir: Path = VAR_DIR / "pki"
    public_base_url: str = "http://127.0.0.1:8000"  # verification and family links point here
    notify_url: str = "http://127.0.0.1:8103"
    family_link_secret: SecretStr = SecretStr("lahir-dev-family-link-secret")
    family_pin_key: SecretStr = SecretStr("lahir-dev-family-pin-key")  # derives the sent PIN
    family_max_pin_failures: int = 5
    family_link_minutes: float = 15.0

    population_seed: int = 3673
    population_families: int = 20000  # the simulators' default: about Kota Serang's scale

    log_json: bool = True
    log_level: str = "INFO"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Never at import; tests build Settings(...) themselves."""
    return Settings()
