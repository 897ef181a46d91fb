"""A real SMTP server for tests, run as its own process: `python -m tests.smtp_sink PORT FOLDER`.

It speaks enough SMTP for Django's backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and
writes each message it accepts to FOLDER as NNNN.eml, so that a test reads what a worker really
sent over a socket. No relaying, no authentication: it listens on 127.0.0.1 only.
"""

import itertools
import socketserver
import sys
import threading
from pathlib import Path

_counter = itertools.count(1)
_lock = threading.Lock()


class Handler(socketserver.StreamRequestHandler):
    folder: Path

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 smtp-sink ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("utf-8", "replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 smtp-sink")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                chunks = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with _lock:
                    name = f"{next(_counter):04d}.eml"
                (self.folder / name).write_bytes(b"".join(chunks))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


def main() -> None:
    port, folder = int(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    Handler.folder = folder
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler) as server:
        print("listening", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
