import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// Clients that misbehave, a crash right after an answer, shutdown, reload and systemd's READY=1.
@Suite struct HTTPRobustnessTests {
    /// A client sending one byte a second is cut off when its request deadline passes; meanwhile,
    /// and with 1,000 idle connections open, others are answered at once.
    @Test func aSlowClientIsTimedOutAndIdleConnectionsDoNotStopTheServer() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        let script = """
            import sys, socket, time, json, urllib.request
            host, port = sys.argv[1].rsplit(":", 1)
            slow = socket.create_connection((host, int(port)))
            request = b"POST /v1/events HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n"
            idle = [socket.create_connection((host, int(port))) for _ in range(1000)]
            start = time.time()
            answered = []
            closed_after = None
            for i, byte in enumerate(request * 10):
                try:
                    slow.send(bytes([byte]))
                    slow.settimeout(1.0)
                    data = slow.recv(1)
                    if data == b"":
                        closed_after = time.time() - start
                        break
                except socket.timeout:
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    closed_after = time.time() - start
                    break
                if i % 3 == 0:
                    t = time.time()
                    urllib.request.urlopen("http://%s:%s/healthz" % (host, port), timeout=5).read()
                    answered.append(time.time() - t)
                if time.time() - start > 30:
                    break
            print(json.dumps({"closed_after": closed_after, "answered": len(answered), "slowest": max(answered)}))
            """
        let output = try http.python(script)
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let closedAfter = try #require(
            result["closed_after"] as? Double, "the slow client was never cut off: \(output)")
        #expect(closedAfter >= 9 && closedAfter < 15, "\(output)")
        #expect((result["answered"] as? Int ?? 0) >= 3)
        #expect((result["slowest"] as? Double ?? 99) < 1.0, "\(output)")
        #expect(try http.get("/healthz", bearer: nil).status == 200)
    }

    /// A body cut off mid-way (the client closes before sending what `Content-Length` promised)
    /// records nothing, and the server goes on.
    @Test func aBodyCutOffMidWayRecordsNothing() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        let script = """
            import sys, socket, time
            host, port = sys.argv[1].rsplit(":", 1)
            token = sys.argv[2]
            body = b'[{"contact": "c1", "type": "purchase"}, {"contact": "c2", "type": "purchase"}]'
            s = socket.create_connection((host, int(port)))
            s.send(b"POST /v1/events HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\nAuthorization: Bearer "
                   + token.encode() + b"\\r\\nContent-Length: " + str(len(body)).encode() + b"\\r\\n\\r\\n" + body[:45])
            time.sleep(0.3)
            s.close()
            print("closed")
            """
        #expect(try http.python(script, [HTTPWorkspace.crmToken]).hasPrefix("closed"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(try http.get("/healthz", bearer: nil).status == 200)
        #expect(try http.workspace.store().listedEvents(contact: nil, type: nil).isEmpty)
    }

    /// Every event answered `201` is in the store after the daemon is killed right after the answer.
    @Test func everyAnsweredEventSurvivesAKill9RightAfterTheAnswer() async throws {
        let http = try HTTPWorkspace()
        let daemon = try await http.start()
        let script = """
            import sys, os, json, signal, threading, urllib.request, urllib.error
            address, pid, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
            answered, lock, stop = [], threading.Lock(), threading.Event()
            def client(n):
                i = 0
                while not stop.is_set():
                    i += 1
                    body = json.dumps({"contact": "c%d" % (n % 3 + 1), "type": "purchase", "id": "t%d-%d" % (n, i)}).encode()
                    req = urllib.request.Request("http://" + address + "/v1/events", data=body, method="POST",
                        headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
                    try:
                        r = urllib.request.urlopen(req, timeout=5)
                        number = json.loads(r.read())["events"][0]["number"]
                    except Exception:
                        return
                    with lock:
                        answered.append(number)
                        if len(answered) == 300:
                            os.kill(pid, signal.SIGKILL)
                            stop.set()
            threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
            for t in threads: t.start()
            for t in threads: t.join()
            print(json.dumps(answered))
            """
        let output = try http.python(script, [String(daemon.pid), HTTPWorkspace.crmToken])
        let answered = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Int])
        #expect(answered.count >= 300)
        _ = try await daemon.waitForExit()
        let stored = Set(try SQLiteStore.open(path: http.workspace.statePath).events(contact: nil, type: nil).map(\.id))
        let missing = answered.filter { !stored.contains(String($0)) }
        #expect(missing.isEmpty, "answered 201 but not stored: \(missing)")
    }

    /// SIGTERM lets a request in progress finish (its event is recorded and answered), then the
    /// process exits 0.
    @Test func shutdownFinishesTheRequestInProgress() async throws {
        let http = try HTTPWorkspace()
        let daemon = try await http.start()
        let script = """
            import sys, os, socket, time, signal
            host, port = sys.argv[1].rsplit(":", 1)
            pid, token = int(sys.argv[2]), sys.argv[3]
            body = b'{"contact": "c1", "type": "purchase", "id": "in-flight"}'
            s = socket.create_connection((host, int(port)))
            s.send(b"POST /v1/events HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\nAuthorization: Bearer "
                   + token.encode() + b"\\r\\nContent-Length: " + str(len(body)).encode() + b"\\r\\n\\r\\n" + body[:10])
            time.sleep(0.5)
            os.kill(pid, signal.SIGTERM)
            time.sleep(0.5)
            s.send(body[10:])
            print(s.recv(4096).decode().split("\\r\\n")[0])
            """
        let output = try http.python(script, [String(daemon.pid), HTTPWorkspace.crmToken])
        #expect(output.hasPrefix("HTTP/1.1 201"), "\(output)")
        #expect(try await daemon.waitForExit() == 0)
        #expect(try http.workspace.store().listedEvents(contact: nil, type: nil).map(\.event.contact) == ["c1"])
    }

    /// A reload applies new tokens; a new listen address waits for the next start and says so; a
    /// broken configuration keeps the server answering.
    @Test func reloadAppliesTokensAndABrokenReloadKeepsServing() async throws {
        let http = try HTTPWorkspace()
        let daemon = try await http.start()
        let config = try String(contentsOfFile: http.workspace.config, encoding: .utf8)
        let changed = config.replacingOccurrences(of: "scope: read }", with: "scope: write }")
            .replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:1")
        try http.workspace.writeInPlace(http.workspace.config, changed)
        try await daemon.waitForLog(containing: "msg=reloaded")
        try await daemon.waitForLog(containing: "http.listen changed")
        #expect(try http.post(#"{"contact": "c1", "type": "purchase"}"#, bearer: HTTPWorkspace.opsToken).status == 201)

        try http.workspace.writeInPlace(http.workspace.config, changed + "\nbogus_key: 1\n")
        try await daemon.waitForLog(containing: "reload rejected")
        #expect(try http.get("/v1/status").status == 200)
        #expect(try http.get("/metrics", bearer: nil).body.contains("tickler_config_last_reload_successful 0"))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// Run by systemd as `Type=notify`, the daemon says READY=1 once it has planned and listens.
    @Test func readyIsSentToSystemdOnceListening() async throws {
        let http = try HTTPWorkspace()
        let socketPath = http.workspace.directory.path("notify.sock")
        let received = http.workspace.directory.path("notify.out")
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: DebianPython.path)
        listener.arguments = [
            "-c",
            """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(sys.argv[1])
            while True:
                with open(sys.argv[2], "a") as out:
                    out.write(s.recv(4096).decode() + "\\n")
            """, socketPath, received,
        ]
        try listener.run()
        defer { kill(listener.processIdentifier, SIGKILL) }
        try await Poll.until("the notify socket", timeout: .seconds(10)) {
            FileManager.default.fileExists(atPath: socketPath)
        }
        try await http.start(environment: ["NOTIFY_SOCKET": socketPath])
        try await Poll.until("READY=1", timeout: .seconds(10)) {
            ((try? String(contentsOfFile: received, encoding: .utf8)) ?? "").contains("READY=1")
        }
        #expect(try http.get("/readyz", bearer: nil).status == 200)
    }
}
