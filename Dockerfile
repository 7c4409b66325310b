# Production-like image: one image for web (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var

WORKDIR /app

# Dependencies first (cached while only the code changes).
COPY pyproject.toml ./
RUN pip install .

COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_DEVELOPMENT=1 python manage.py collectstatic --noinput \
    && DJANGO_SECRET_KEY=build-only DJANGO_DEVELOPMENT=1 python manage.py compilemessages_babel -v 0 \
    && useradd --create-home --uid 10001 textpay \
    && mkdir -p /app/var \
    && chown -R textpay /app/var

USER textpay
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
