# One image for every Lahir process: intake API, outbox relay, faust worker, init, SIAK and BPJS simulators.
# The process is chosen by the command (see docker-compose.yml); the default is the intake API.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Non-root user; /app is the working directory (relative var/ and .env live there),
# /data is where named volumes mount (simulator state, faust datadir) and must be ours.
RUN groupadd --system --gid 10001 lahir \
    && useradd --system --uid 10001 --gid lahir --home-dir /app --no-create-home --shell /usr/sbin/nologin lahir \
    && mkdir -p /app /data \
    && chown lahir:lahir /app /data

WORKDIR /build
COPY pyproject.toml ./
COPY pipeline ./pipeline
COPY schemas ./schemas
COPY connectors ./connectors
COPY simulators ./simulators
RUN pip install --no-cache-dir . \
    && cd / && rm -rf /build

WORKDIR /app
USER lahir

EXPOSE 8000 8101 8102 8103
CMD ["lahir", "serve", "api"]
