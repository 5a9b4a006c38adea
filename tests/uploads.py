"""Uploads in tests. A photo is re-encoded by a task queued on commit
(core.attachments), and a test's own transaction never commits: a test that
needs the finished photo (upright, with its thumbnail) runs the upload inside
`photos_processed()`."""

from django.test import TestCase


def photos_processed():
    """Run the work the block queued on commit (a photo's re-encoding, eager in
    tests) when it ends, as the commit of a real request would."""
    return TestCase.captureOnCommitCallbacks(execute=True)
