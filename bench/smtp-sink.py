#!/usr/bin/env python3
"""An SMTP server on 127.0.0.1 that accepts every message and keeps none, for bench/delivery.sh.

    bench/smtp-sink.py aiosmtpd|fast --port-file FILE

aiosmtpd   Debian's python3-aiosmtpd (run with /usr/bin/python3) with a handler whose DATA answer is
           `250 OK` and which stores nothing: the sink the delivery tests use, minus the storing,
           offering PIPELINING (RFC 2920) as the tests' sink does when asked to.
fast       a minimal SMTP responder on asyncio's Protocol API: EHLO/HELO, MAIL, RCPT, DATA (the
           message is scanned for its end and dropped), RSET, NOOP, QUIT; PIPELINING offered. No
           parsing beyond the command word; there to show how much of a run is aiosmtpd's own time.

The port the kernel picked is written to FILE once the server listens. On SIGTERM or SIGINT the server
stops and prints `accepted N messages on M connections` to stderr.
"""

import argparse
import asyncio
import os
import signal
import sys

HOSTNAME = "sink.localdomain"


class Counts:
    messages = 0
    connections = 0


def aiosmtpd_server(loop):
    from aiosmtpd.smtp import SMTP

    class Discard:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            # aiosmtpd reads pipelined commands one by one from its buffer; it just does not say so.
            session.host_name = hostname
            responses.insert(-1, "250-PIPELINING")
            return responses

        async def handle_DATA(self, server, session, envelope):
            Counts.messages += 1
            return "250 OK"

    handler = Discard()

    def factory():
        Counts.connections += 1
        # hostname given: otherwise every connection looks up the machine's FQDN
        return SMTP(handler, hostname=HOSTNAME, ident="bench sink", enable_SMTPUTF8=True, decode_data=False)

    return loop.create_server(factory, "127.0.0.1", 0)


class FastSMTP(asyncio.Protocol):
    EHLO = (
        "250-%s\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 33554432\r\n" % HOSTNAME
    ).encode()

    def connection_made(self, transport):
        Counts.connections += 1
        self.transport = transport
        self.buffer = bytearray()
        self.in_data = False
        self.data_start = False
        transport.write(b"220 %s ESMTP bench sink\r\n" % HOSTNAME.encode())

    def data_received(self, data):
        buffer = self.buffer
        buffer += data
        replies = []
        while True:
            if self.in_data:
                # the message ends with CRLF "." CRLF; an empty one is "." CRLF right after DATA
                if self.data_start and buffer.startswith(b".\r\n"):
                    end = 3
                else:
                    at = buffer.find(b"\r\n.\r\n")
                    if at < 0:
                        # keep the last bytes only: the end marker may straddle two reads
                        if len(buffer) > 4:
                            del buffer[:-4]
                            self.data_start = False
                        break
                    end = at + 5
                del buffer[:end]
                self.in_data = False
                Counts.messages += 1
                replies.append(b"250 2.0.0 OK\r\n")
                continue
            at = buffer.find(b"\r\n")
            if at < 0:
                break
            word = bytes(buffer[:4]).upper()
            del buffer[: at + 2]
            if word == b"EHLO":
                replies.append(self.EHLO)
            elif word in (b"MAIL", b"RCPT", b"RSET", b"NOOP", b"HELO"):
                replies.append(b"250 OK\r\n")
            elif word == b"DATA":
                self.in_data = True
                self.data_start = True
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif word == b"QUIT":
                replies.append(b"221 Bye\r\n")
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
            else:
                replies.append(b"502 5.5.2 Command not recognized\r\n")
        if replies:
            self.transport.write(b"".join(replies))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["aiosmtpd", "fast"])
    parser.add_argument("--port-file", required=True)
    options = parser.parse_args()

    loop = asyncio.new_event_loop()
    if options.kind == "aiosmtpd":
        server = loop.run_until_complete(aiosmtpd_server(loop))
    else:
        server = loop.run_until_complete(loop.create_server(FastSMTP, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    with open(options.port_file + ".tmp", "w") as file:
        file.write("%d\n" % port)
    os.replace(options.port_file + ".tmp", options.port_file)
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, loop.stop)
    loop.run_forever()
    sys.stderr.write("%s sink: accepted %d messages on %d connections\n" % (
        options.kind, Counts.messages, Counts.connections))


if __name__ == "__main__":
    main()
