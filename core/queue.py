"""Celery plumbing shared by the worker and the web process."""

from pathlib import Path

from celery import current_app

FILESYSTEM_FOLDER_OPTIONS = (
    "data_folder_in",
    "data_folder_out",
    "processed_folder",
    "control_folder",
)


def ensure_queue_folders(app=None) -> None:
    """Create the filesystem transport's folders (embedded mode only).

    kombu does not create them, and a message published before the worker
    started would otherwise fail.
    """
    options = (app or current_app).conf.broker_transport_options or {}
    for key in FILESYSTEM_FOLDER_OPTIONS:
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
