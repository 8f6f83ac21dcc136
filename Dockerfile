# syntax=docker/dockerfile:1
# The dataops sidecar: dataops + wal-g + pgBackRest + Borg + rclone + PostgreSQL/MariaDB clients.
#
#   docker build --build-arg PG_MAJOR=15 -t dataops:dev .
#
# Every tool is installed by scripts/install-tools, the script scripts/bootstrap runs for
# the test suite, so the image installs exactly what the tests exercise.
# PG_MAJOR must match the database's major version (pg_dump and the drills' postgres);
# 15 comes from Debian bookworm, other majors from the PostgreSQL project's apt repository.
ARG PG_MAJOR=15
ARG DEBIAN_IMAGE=debian:12.12-slim
ARG GO_IMAGE=golang:1.26.8-bookworm

FROM ${GO_IMAGE} AS go

# ---- build: the dataops wheel (with the compiled anonymize kernels), Borg, wal-g ---------
FROM ${DEBIAN_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY scripts/install-tools /usr/local/sbin/install-tools
RUN install-tools packages build \
    && rm -rf /var/lib/apt/lists/*
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH \
    GOPATH=/go \
    GOCACHE=/tmp/go-build \
    GOPROXY="https://proxy.golang.org|direct" \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# wal-g from source at the pinned commit (scripts/install-tools pins it).
RUN install-tools walg /opt/wal-g \
    && /opt/wal-g/wal-g --version \
    && rm -rf /go /tmp/go-build
# Borg 1.4 in its own virtualenv, at the path it keeps in the final stage.
RUN install-tools borg /opt/borg /usr/bin/python3
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY dataops ./dataops
# pip builds the wheel with setuptools; the kernels are optional for setuptools, so the
# wheel is checked to contain them.
RUN python3 -m venv /opt/build-venv \
    && /opt/build-venv/bin/pip wheel -q --no-deps --wheel-dir /wheels . \
    && /opt/build-venv/bin/python -m zipfile -l /wheels/dataops-*.whl | grep -q '_speedups\..*\.so'

# ---- final: slim runtime ----------------------------------------------------------------
FROM ${DEBIAN_IMAGE}
ARG PG_MAJOR
ARG VERSION=0.0.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="dataops" \
      org.opencontainers.image.description="Database data-ops sidecar: backups (wal-g, pgBackRest, Borg), restore drills, migrations, anonymized dumps" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/dataops/dataops" \
      org.opencontainers.image.base.name="debian:bookworm-slim"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The user exists before the packages so PostgreSQL's package adopts it: uid/gid 999, the
# same as the official postgres image, so both containers can share the data volume.
RUN groupadd --system --gid 999 postgres \
    && useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres
COPY scripts/install-tools /usr/local/sbin/install-tools
RUN NO_MAIN_CLUSTER=1 install-tools packages runtime "${PG_MAJOR}" \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/wal-g/wal-g /usr/local/bin/wal-g
COPY --from=build /opt/borg /opt/borg
COPY --from=build /wheels /tmp/wheels
COPY requirements.lock /tmp/requirements.lock
RUN python3 -m venv /opt/dataops \
    && /opt/dataops/bin/pip install -q --no-cache-dir --disable-pip-version-check \
       -c /tmp/requirements.lock /tmp/wheels/dataops-*.whl \
    && rm -rf /tmp/wheels /tmp/requirements.lock \
    && ln -s /opt/borg/venv/bin/borg /usr/local/bin/borg \
    && ln -s /opt/dataops/bin/dataops /usr/local/bin/dataops \
    && install-tools engine-bundle /opt/dataops-engine pgbackrest wal-g \
    && install -d -o 999 -g 999 -m 0700 /var/lib/dataops \
    && install -d -o 999 -g 999 -m 0755 /var/run/postgresql /var/log/pgbackrest /var/lib/pgbackrest \
    && dataops --version && wal-g --version && borg --version && pgbackrest version && rclone version
ENV PATH=/usr/lib/postgresql/${PG_MAJOR}/bin:$PATH \
    DATAOPS_PG_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin \
    DATAOPS_STATE_DIR=/var/lib/dataops \
    DATAOPS_HTTP_ADDR=0.0.0.0:9187 \
    DATAOPS_LOG_FORMAT=json \
    XDG_CACHE_HOME=/tmp/.cache \
    PYTHONDONTWRITEBYTECODE=1
USER 999:999
WORKDIR /var/lib/dataops
EXPOSE 9187
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/opt/dataops/bin/python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9187/healthz', timeout=4)"]
# tini is PID 1: it forwards SIGTERM to dataops serve and reaps the drills' children.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["dataops", "serve"]
