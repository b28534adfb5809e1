"""The jars of the local Kafka broker: fetched from Maven Central once per version of the pom."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_DIR = Path(__file__).resolve().parent / "kafka"
POM = KAFKA_DIR / "pom.xml"
LOG4J = KAFKA_DIR / "log4j.properties"
DEFAULT_LIBS = REPO_ROOT / "var" / "kafka" / "libs"


def fetch_kafka(libs_dir: Path | None = None) -> Path:
    """Copy the broker's jars into libs_dir with Maven, once per version of the pom."""
    libs = (libs_dir or DEFAULT_LIBS).resolve()
    libs.mkdir(parents=True, exist_ok=True)
    marker = libs / ".pom-sha256"
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    with (libs / ".fetch.lock").open("w") as lock:  # two test sessions may fetch at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and marker.read_text() == digest and any(libs.glob("*.jar")):
            return libs
        for jar in libs.glob("*.jar"):  # an older version's jars would shadow the new ones
            jar.unlink()
        _run_maven(libs)
        marker.write_text(digest)
    return libs


def _run_maven(libs: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("Maven (mvn) is not installed: run `make system-deps`")
    cmd = [
        mvn,
        "-B",
        "-q",
        "-Dstyle.color=never",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={libs}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"fetching Kafka failed: {' '.join(cmd)}\n{done.stdout}{done.stderr}")
