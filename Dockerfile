# One image for all five processes; docker-compose.yml picks the app with `command`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so code edits do not reinstall them.
COPY pyproject.toml ./
RUN mkdir -p shared services gateway supervision bench \
 && pip install . && pip uninstall -y supervision

COPY shared ./shared
COPY services ./services
COPY gateway ./gateway
COPY supervision ./supervision
COPY bench ./bench
RUN pip install --no-deps .

# Never run as root; the gateway keeps its signing keys under /var/lib/supervision.
RUN useradd --system --uid 10001 --home-dir /var/lib/supervision supervision \
 && mkdir -p /var/lib/supervision/keys \
 && chown -R supervision /var/lib/supervision
USER supervision
WORKDIR /var/lib/supervision

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=3).status != 200)"]
CMD ["uvicorn", "--factory", "gateway.app:create_app", "--host", "0.0.0.0", "--port", "8000", \
     "--no-proxy-headers", "--http", "gateway.edge:EdgeHttpProtocol", "--timeout-keep-alive", "5"]
