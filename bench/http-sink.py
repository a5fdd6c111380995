#!/usr/bin/env python3
"""An HTTP/1.1 keep-alive receiver on 127.0.0.1 that answers every request `200 {}`, for bench/delivery.sh.

    bench/http-sink.py threading|asyncio --port-file FILE

threading  the standard library's http.server.ThreadingHTTPServer (a thread per connection,
           protocol HTTP/1.1, TCP_NODELAY): reads the body by Content-Length and answers
           `200`, `Content-Type: application/json`, `{}`.
asyncio    the same answer from a minimal HTTP/1.1 parser on asyncio's Protocol API (request line and
           headers up to the blank line, Content-Length, pipelined requests, `Connection: close`):
           there to show how much of a run is http.server's own time.

The port the kernel picked is written to FILE once the server listens. On SIGTERM or SIGINT the server
stops and prints `answered N requests on M connections` to stderr.
"""

import argparse
import asyncio
import http.server
import os
import signal
import sys
import threading

BODY = b"{}"
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY)
) + BODY


class Counts:
    requests = 0
    connections = 0
    lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        with Counts.lock:
            Counts.connections += 1

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with Counts.lock:
            Counts.requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format, *args):
        pass


class FastHTTP(asyncio.Protocol):
    def connection_made(self, transport):
        Counts.connections += 1
        self.transport = transport
        self.buffer = bytearray()

    def data_received(self, data):
        buffer = self.buffer
        buffer += data
        answers = 0
        close = False
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = bytes(buffer[:end]).lower()
            length = 0
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                line_end = head.find(b"\r\n", at + 2)
                length = int(head[at + 17 : line_end if line_end >= 0 else len(head)].strip())
            if len(buffer) < end + 4 + length:
                break
            del buffer[: end + 4 + length]
            answers += 1
            if b"\r\nconnection: close" in head:
                close = True
                break
        if answers:
            Counts.requests += answers
            self.transport.write(ANSWER * answers)
        if close:
            self.transport.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["threading", "asyncio"])
    parser.add_argument("--port-file", required=True)
    options = parser.parse_args()

    def publish(port):
        with open(options.port_file + ".tmp", "w") as file:
            file.write("%d\n" % port)
        os.replace(options.port_file + ".tmp", options.port_file)

    def report():
        sys.stderr.write("%s receiver: answered %d requests on %d connections\n" % (
            options.kind, Counts.requests, Counts.connections))

    if options.kind == "threading":
        http.server.ThreadingHTTPServer.daemon_threads = True
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        publish(server.server_address[1])

        def stop(number, frame):
            threading.Thread(target=server.shutdown).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        server.serve_forever()
        report()
        return

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(FastHTTP, "127.0.0.1", 0))
    publish(server.sockets[0].getsockname()[1])
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, loop.stop)
    loop.run_forever()
    report()


if __name__ == "__main__":
    main()
