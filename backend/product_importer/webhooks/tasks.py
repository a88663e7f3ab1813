"""Celery tasks for webhook delivery: thin shells around the delivery service."""
