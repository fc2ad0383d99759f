# Relais's image: `relais serve` as a non-root user, its SQLite database (when no
# PostgreSQL is given) in the /data volume. Checked in CI with hadolint; it cannot
# be built on the CI machines (no container daemon there): see docs/deploy.md.

FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir build==1.2.2.post1
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
RUN python -m build --wheel --outdir /dist

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    LOG_FORMAT=json \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/relais.db
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-cache-dir /tmp/dist/*.whl \
    && rm -rf /tmp/dist \
    && useradd --system --uid 10001 --home-dir /data --create-home relais
USER 10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4).status == 200 else 1)"]
CMD ["relais", "serve"]
