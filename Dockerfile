# Fairscore API and worker image: slim, non-root, one image for both roles.
#   docker build -t fairscore .
#   docker run -p 8000:8000 -e DATABASE_URL=... -e REDIS_URL=... fairscore
#   docker run -e DATABASE_URL=... -e REDIS_URL=... fairscore fairscore worker
# The HTTP healthcheck is the API's: run the worker with --no-healthcheck (compose disables it).

# Python 3.11: what requirements.lock is resolved for (dev.py's LOCK_PYTHON).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Dependencies first, exactly as locked (hashes checked): a layer that survives code changes.
COPY requirements.lock ./
RUN python -m venv /opt/fairscore \
    && /opt/fairscore/bin/pip install --upgrade pip \
    && /opt/fairscore/bin/pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY api ./api
COPY cli ./cli
COPY domain ./domain
COPY infra ./infra
COPY migrations ./migrations
COPY workers ./workers
RUN /opt/fairscore/bin/pip install --no-deps .

FROM python:3.11-slim
ENV PATH=/opt/fairscore/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/var/lib/fairscore \
    GRAPHIQL=false \
    LOG_JSON=true \
    PORT=8000
RUN useradd --system --uid 10001 --home-dir /var/lib/fairscore --create-home fairscore
COPY --from=build /opt/fairscore /opt/fairscore
USER fairscore
WORKDIR /var/lib/fairscore
EXPOSE 8000
# Ready = database and Redis reachable, not just the process up (urlopen raises on a 503).
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD python -c "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=2)"
CMD ["fairscore", "serve", "--host", "0.0.0.0"]
