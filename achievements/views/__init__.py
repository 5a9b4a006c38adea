"""Pages for the achievement library, problems, patents and conferences.

Reads go through the scoping selectors, writes through `achievements.services`
via `run_service`; the studio page gets its sections through `panels.py`."""
