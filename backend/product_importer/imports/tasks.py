"""Celery tasks for imports: thin shells around the import service."""
