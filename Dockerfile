# syntax=docker/dockerfile:1
#
# Product Importer image: one image for the API (`product-importer serve`), the
# workers (`product-importer worker`) and migrations (`product-importer migrate`).
# Configuration comes from the environment at run time (see .env.example and
# deployment.md); nothing secret is baked in. Build: docker build -t product-importer .

ARG PYTHON_VERSION=3.11
ARG NODE_VERSION=20

# 1. The web UI: Node builds frontend/dist.
FROM node:${NODE_VERSION}-slim AS ui
WORKDIR /src/frontend
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    CI=true
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# 2. The backend: a virtual environment with the package and its runtime
#    dependencies only (no `embedded` extra: PostgreSQL and Redis run elsewhere).
FROM python:${PYTHON_VERSION}-slim AS backend
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY backend/pyproject.toml /src/backend/pyproject.toml
COPY backend/product_importer /src/backend/product_importer
RUN /opt/venv/bin/pip install /src/backend

# 3. The runtime: slim Python, the venv, the built UI, a non-root user.
FROM python:${PYTHON_VERSION}-slim AS runtime
LABEL org.opencontainers.image.title="Product Importer" \
      org.opencontainers.image.description="CSV product import at PostgreSQL speed: API, web UI and Celery workers."
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home \
       --shell /usr/sbin/nologin app
COPY --from=backend /opt/venv /opt/venv
COPY --from=ui /src/frontend/dist /app/frontend/dist
COPY docker/healthcheck.py /app/healthcheck.py
# Container defaults only; DATABASE_URL and REDIS_URL must be given at run time.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/home/app \
    FRONTEND_DIST=/app/frontend/dist \
    HOST=0.0.0.0 \
    PORT=8000 \
    SPAWN_WORKER=false \
    WEBHOOK_ALLOW_PRIVATE_TARGETS=false
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# Works for every role: the API answers /health, a worker answers a Celery ping.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "/app/healthcheck.py", "auto"]
CMD ["product-importer", "serve"]
