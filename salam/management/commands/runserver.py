"""`runserver` (with static files, as django.contrib.staticfiles has it) that lets a burst of visitors queue.

Django's development server accepts at most 10 waiting connections; the eleventh visitor of a
burst (forty people registering the moment a lecture is announced on `make run`) had their
connection reset. This one lets 128 wait, as a production server would.
"""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver
from django.core.servers.basehttp import WSGIServer


class QueueingWSGIServer(WSGIServer):
    request_queue_size = 128


class Command(StaticfilesRunserver):
    server_cls = QueueingWSGIServer
