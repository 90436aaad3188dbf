# homecare: one image for web (gunicorn + WhiteNoise), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=homecare.settings.production \
    DJANGO_MEDIA_ROOT=/app/media

# WeasyPrint needs Pango and HarfBuzz; DejaVu is the font the PDF templates ask for.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 homecare
WORKDIR /app

# Dependencies first: this layer is reused until requirements.lock changes.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
# collectstatic reads no secret, but production settings insist on one: give it a throwaway.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v0 \
 && mkdir -p /app/media && chown homecare: /app/media

USER homecare
EXPOSE 8000
CMD ["gunicorn", "homecare.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
