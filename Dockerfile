# The public site: Datasette on the built SQLite database, with this dataset's plugins and limits.
# Dependencies come from the pinned, hashed requirements.lock; the data is built from the log at image build time.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/wgtip
COPY requirements.lock pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --require-hashes -r requirements.lock \
 && pip install --no-cache-dir --no-deps --no-build-isolation .
COPY events ./events
COPY sources ./sources
COPY datapackage.json ./
COPY data ./data
RUN wgtip serve --prepare-only \
 && useradd --system --no-create-home wgtip \
 && chown -R wgtip build/site

USER wgtip
EXPOSE 8001
# 0.0.0.0 inside the container only; publish the port as you choose (docker run -p 127.0.0.1:8001:8001 …)
CMD ["wgtip", "serve", "--host", "0.0.0.0", "--port", "8001"]
