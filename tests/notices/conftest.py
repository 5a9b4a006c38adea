"""A real SMTP server and a real messenger robot on this machine, started once
per test session; each test gets them emptied, and the settings pointing at them."""

import email
import email.policy
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller

# The mentoring level of shared data (its pairings are told about here too).
from tests.apprenticeships.conftest import mentoring  # noqa: F401


def free_port() -> int:
    """aiosmtpd's Controller does not take port 0: pick a free port first."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the SMTP server received; it answers 451 to the next `refuse` mails."""

    def __init__(self):
        self.mails, self.refuse, self.refused = [], 0, 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append(
            SimpleNamespace(
                to=list(envelope.rcpt_tos),
                subject=str(message["subject"]).strip(),  # as a mail client shows it
                body=message.get_body(("plain",)).get_content(),
            )
        )
        return "250 OK"


@pytest.fixture(scope="session")
def _smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp(_smtp_server, settings):
    """Mails go to the real SMTP server (pytest-django's default keeps them in memory)."""
    controller, inbox = _smtp_server
    inbox.__init__()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return inbox


class RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        robot = self.server.robot
        body = self.rfile.read(int(self.headers["Content-Length"]))
        robot.posts.append(SimpleNamespace(path=self.path, json=json.loads(body)))
        status = 500 if robot.failing else 200
        answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def _robot_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), RobotHandler)
    server.robot = SimpleNamespace(posts=[], failing=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def robot(_robot_server):
    """The messenger robot: `url` to set on a unit, `posts` it received,
    `failing` to answer 500."""
    robot = _robot_server.robot
    robot.posts.clear()
    robot.failing = False
    robot.url = (
        f"http://127.0.0.1:{_robot_server.server_port}/cgi-bin/webhook/send?key=s3cret-robot-key"
    )
    return robot
