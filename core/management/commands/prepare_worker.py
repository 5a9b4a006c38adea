from django.core.management.base import BaseCommand

from core.queue import ensure_queue_folders


class Command(BaseCommand):
    help = "Create the embedded Celery transport's folders before web and worker start."

    def handle(self, *args, **options):
        ensure_queue_folders()
