"""Structured logs (structlog): key=value for people, JSON for log pipelines (LOG_JSON=1),
the same for the API and the worker, and for records of the standard library's loggers
(uvicorn, rq). A request's id (api/access_log.py) or a job's id and kind (workers/
metrics.py) is bound with structlog's contextvars and joins every record written meanwhile."""

from __future__ import annotations

import logging
import sys

import structlog

from infra.settings import Settings


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap and close it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(settings: Settings) -> None:
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,  # a traceback as one string field
            renderer,
        ],
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,  # a request's or job's id, in any record
            structlog.stdlib.add_logger_name,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
        ],
    )
    handler = _CurrentStderr()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level.upper())
    structlog.configure(
        processors=[
            # A record below the level is dropped before any other processor runs: the
            # access log's INFO line would otherwise be built for every request and thrown
            # away by the handler (measured ~4% of a webhook's CPU at LOG_LEVEL=WARNING).
            structlog.stdlib.filter_by_level,
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
