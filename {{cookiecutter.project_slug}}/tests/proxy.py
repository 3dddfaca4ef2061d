"""A TCP proxy in front of PostgreSQL that can stop forwarding without closing anything.

Blackholed, it is what a network partition or a frozen server looks like from the app: new
connections are accepted and whatever is sent is acknowledged (by this machine's kernel), but
no byte goes further in either direction and no connection is closed. TCP keepalives and
tcp_user_timeout see nothing wrong; only the app's own deadlines can. Switch it while no
request is in flight: a chunk already read when blackhole() is called is still delivered.
"""

from __future__ import annotations

import os
import select
import socket
import threading
from types import TracebackType

import sqlalchemy as sa

# How often a waiting thread looks again at the switch, and at whether the proxy stopped.
RECHECK_SECONDS = 0.05


class BlackholeProxy:
    """Forwards 127.0.0.1:<port> to the server a database URL names (over TCP or its Unix
    socket) until told to blackhole, and again after."""

    def __init__(self, database_url: str) -> None:
        self.database_url = sa.make_url(database_url)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._forwarding = threading.Event()
        self._forwarding.set()
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.connections_accepted = 0

    @property
    def url(self) -> str:
        """The database URL, through this proxy (in libpq's form, which the app accepts too)."""
        through_proxy = self.database_url.difference_update_query(["host", "port"])
        through_proxy = through_proxy.set(drivername="postgresql", host="127.0.0.1", port=self.port)
        return through_proxy.render_as_string(hide_password=False)

    def __enter__(self) -> BlackholeProxy:
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def blackhole(self) -> None:
        """Keep accepting and acknowledging; forward nothing, close nothing."""
        self._forwarding.clear()

    def forward(self) -> None:
        """Forward again, including what waited in held connections."""
        self._forwarding.set()

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
            sockets, self._sockets = self._sockets, []
        self._forwarding.set()
        self._listener.close()
        for sock in sockets:
            sock.close()

    def _track(self, sock: socket.socket) -> bool:
        """Keep `sock` for stop() to close; if the proxy has stopped already, close it now
        (a socket opened while stop() ran would otherwise be left open)."""
        with self._lock:
            if not self._stopped.is_set():
                self._sockets.append(sock)
                return True
        sock.close()
        return False

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed by stop()
            if not self._track(client):
                return
            with self._lock:
                self.connections_accepted += 1
            threading.Thread(target=self._connect_upstream, args=(client,), daemon=True).start()

    def _connect_upstream(self, client: socket.socket) -> None:
        # A held connection reaches the server only once forwarding resumes, as a compute
        # that wakes up late, or a partition that heals, would have it.
        self._forwarding.wait()
        if self._stopped.is_set():
            return
        try:
            server = self._open_upstream()
        except OSError:
            client.close()
            return
        if not self._track(server):
            return
        for source, destination in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, destination), daemon=True).start()

    def _open_upstream(self) -> socket.socket:
        # libpq's own convention: a `host` that is a directory holds the server's socket.
        host = str(self.database_url.query.get("host") or self.database_url.host or "")
        port = int(self.database_url.query.get("port") or self.database_url.port or 5432)
        if not host.startswith("/"):
            return socket.create_connection((host, port))
        unix = socket.socket(socket.AF_UNIX)
        unix.connect(os.path.join(host, f".s.PGSQL.{port}"))
        return unix

    def _pump(self, source: socket.socket, destination: socket.socket) -> None:
        waiting = select.poll()  # not select.select(), which fails past descriptor 1023
        try:
            waiting.register(source, select.POLLIN)
            while not self._stopped.is_set():
                if not self._forwarding.wait(RECHECK_SECONDS):
                    continue
                if not waiting.poll(RECHECK_SECONDS * 1000) or not self._forwarding.is_set():
                    continue
                data = source.recv(65536)
                if not data:
                    break
                destination.sendall(data)
        except (OSError, ValueError):
            pass  # one side went away, and the other pump or stop() closed both
        source.close()
        destination.close()
