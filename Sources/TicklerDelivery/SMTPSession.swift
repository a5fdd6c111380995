import CCurl
import TicklerCore
import TicklerMessages

/// The mail transactions on one SMTP connection that libcurl has set up (connected, greeted, upgraded
/// to TLS, authenticated: `CURLOPT_CONNECT_ONLY`), written and read with `curl_easy_send` and
/// `curl_easy_recv`.
///
/// libcurl's own SMTP transfer (7.88) sends one command at a time and waits for each reply: four round
/// trips a message. When the server offers `PIPELINING` (RFC 2920), a session sends a message's
/// commands at once, with the end of the message before: one round trip a message in a batch, two for
/// a message alone. Every `RCPT TO` gets its own reply either way, so refusals are known per address.
///
/// A session is confined to its connection's queue (see `SMTPConnection`).
final class SMTPSession {
    /// How one transaction ended.
    enum Outcome {
        /// The server accepted the message for every recipient but those in `refused` (by index).
        case accepted(SMTPReply, refused: [(index: Int, reply: SMTPReply)])
        /// The server refused the sender, the message, or (`refused` holding all) every recipient.
        /// The session is ready for the next transaction unless the reply was 421 (closing).
        case rejected(SMTPReply, refused: [(index: Int, reply: SMTPReply)])
        /// The connection failed; `heardReply` tells whether the server answered anything first.
        case lost(CurlError, heardReply: Bool)
    }

    let handle: CurlHandle
    private let pipelining: Bool
    private let smtpUTF8: Bool
    /// Bytes received and not yet read as reply lines.
    private var input: [UInt8] = []

    init(handle: CurlHandle, extensions: Set<String>) {
        self.handle = handle
        pipelining = extensions.contains("PIPELINING")
        smtpUTF8 = extensions.contains("SMTPUTF8")
    }

    /// Sends `messages` one after another, all before `deadline`, and returns an outcome per message, in
    /// order; after a lost connection the rest are lost too.
    ///
    /// With `PIPELINING`, a message's `MAIL FROM`, `RCPT TO` and `DATA` go in one write, together with
    /// the end of the message before (its data, or the `RSET` or "." that closes a refused one): RFC 2920
    /// lets message content open a command group, so each message costs one round trip. Without it, one
    /// command at a time, stopping where the server has refused what the rest depends on, and each
    /// message is ended before the next begins.
    func transactions(_ messages: [MailMessage], deadline: ContinuousClock.Instant) -> [Outcome] {
        var batch = Batch(count: messages.count)
        do throws(CurlError) {
            for (index, message) in messages.enumerated() {
                let commands = envelope(message)
                var replies: [SMTPReply] = []
                if pipelining {
                    batch.output += Self.commandBytes(commands)
                    try handle.send(batch.output, deadline: deadline)
                    batch.output = []
                    guard try readPending(&batch, deadline: deadline) else { return batch.outcomes(closing: index) }
                    for _ in commands { replies.append(try readReply(deadline: deadline)) }
                    batch.heard[index] = true
                } else {
                    for (position, command) in commands.enumerated() {
                        // Stop where the server has refused what the rest depends on: the sender, or
                        // every recipient.
                        if position == 1, replies[0].code >= 400 { break }
                        if position == commands.count - 1, !replies.dropFirst().contains(where: { $0.code < 300 }) {
                            break
                        }
                        try send([command], deadline: deadline)
                        replies.append(try readReply(deadline: deadline))
                        batch.heard[index] = true
                    }
                }
                if let closing = replies.first(where: { $0.code == 421 }) {
                    batch.results[index] = .rejected(closing, refused: [])
                    return batch.outcomes(closing: index + 1)
                }
                switch Self.verdict(replies, recipients: message.recipients.count) {
                case .refuse(let reply, let refused, let ending):
                    batch.results[index] = .rejected(reply, refused: refused)
                    batch.pend(ending)
                case .send(let refused):
                    batch.output += Self.dataBlock(message.bytes)
                    batch.pending = .end(index, refused)
                }
                if !pipelining {
                    try handle.send(batch.output, deadline: deadline)
                    batch.output = []
                    guard try readPending(&batch, deadline: deadline) else {
                        return batch.outcomes(closing: index + 1)
                    }
                }
            }
            if !batch.output.isEmpty { try handle.send(batch.output, deadline: deadline) }
            _ = try readPending(&batch, deadline: deadline)
            return batch.outcomes(closing: messages.count)
        } catch {
            return batch.outcomes(lost: error)
        }
    }

    /// What the replies to a message's envelope (`MAIL FROM`, each `RCPT TO`, `DATA`; fewer when the
    /// commands stopped early) decide.
    private enum Verdict {
        /// Send the message; the recipients in `refused` (by index) do not get it.
        case send(refused: [(index: Int, reply: SMTPReply)])
        /// The message is refused with `reply`; `ending` brings the session back to a clean state.
        case refuse(SMTPReply, refused: [(index: Int, reply: SMTPReply)], ending: Batch.Pending)
    }

    private static func verdict(_ replies: [SMTPReply], recipients: Int) -> Verdict {
        if replies[0].code >= 400 { return .refuse(replies[0], refused: [], ending: .reset) }
        let refused = refused(replies, recipients: recipients)
        let dataReply = replies.count == recipients + 2 ? replies[recipients + 1] : nil
        if refused.count == recipients, let last = refused.last {
            // A server that asks for the message anyway gets an empty one, ended at once.
            return .refuse(last.reply, refused: refused, ending: dataReply?.code == 354 ? .emptyMessage : .reset)
        }
        guard let dataReply, dataReply.code == 354 else {
            return .refuse(dataReply ?? replies[replies.count - 1], refused: refused, ending: .reset)
        }
        return .send(refused: refused)
    }

    /// What a batch has sent and not yet read the reply to, and what it knows.
    private struct Batch {
        enum Pending {
            case none
            /// The end of message `index`'s data: its final reply.
            case end(Int, [(index: Int, reply: SMTPReply)])
            /// "." for a message no recipient was accepted for: a reply to drop.
            case emptyMessage
            /// `RSET` after a refusal.
            case reset
        }

        var results: [Outcome?]
        var heard: [Bool]
        var pending = Pending.none
        var output: [UInt8] = []

        init(count: Int) {
            results = Array(repeating: nil, count: count)
            heard = Array(repeating: false, count: count)
        }

        mutating func pend(_ next: Pending) {
            pending = next
            switch next {
            case .emptyMessage: output += Array(".\r\n".utf8)
            case .reset: output += Array("RSET\r\n".utf8)
            case .none, .end: break
            }
        }

        /// The outcomes, the messages from `index` on lost: the server said it is closing.
        func outcomes(closing index: Int) -> [Outcome] {
            let closed = CurlError(CURLE_RECV_ERROR, detail: "the server closed the connection")
            return results.enumerated().map { position, result in
                result ?? .lost(closed, heardReply: position < index && heard[position])
            }
        }

        func outcomes(lost error: CurlError) -> [Outcome] {
            results.enumerated().map { position, result in result ?? .lost(error, heardReply: heard[position]) }
        }
    }

    /// Reads the reply to what the previous message left pending. `false` when the server said 421.
    private func readPending(_ batch: inout Batch, deadline: ContinuousClock.Instant) throws(CurlError) -> Bool {
        defer { batch.pending = .none }
        switch batch.pending {
        case .none:
            return true
        case .end(let index, let refused):
            let final = try readReply(deadline: deadline)
            batch.results[index] =
                final.code < 300 ? .accepted(final, refused: refused) : .rejected(final, refused: refused)
            return final.code != 421
        case .emptyMessage:
            return try readReply(deadline: deadline).code != 421
        case .reset:
            let reset = try readReply(deadline: deadline)
            guard reset.code == 250 || reset.code == 421 else {
                throw CurlError(CURLE_WEIRD_SERVER_REPLY, detail: reset.text)
            }
            return reset.code != 421
        }
    }

    /// The message as `DATA` sends it (RFC 5321 4.5.2): a line that starts with "." gets another in
    /// front, the last line is ended, and "." on a line of its own ends the message.
    static func dataBlock(_ bytes: [UInt8]) -> [UInt8] {
        var block: [UInt8] = []
        block.reserveCapacity(bytes.count + 8)
        var atLineStart = true
        for byte in bytes {
            if atLineStart, byte == UInt8(ascii: ".") { block.append(byte) }
            block.append(byte)
            atLineStart = byte == 10
        }
        if !block.isEmpty, !block.ends(with: [13, 10]) { block += [13, 10] }
        return block + Array(".\r\n".utf8)
    }

    private func send(_ commands: [String], deadline: ContinuousClock.Instant) throws(CurlError) {
        try handle.send(Self.commandBytes(commands), deadline: deadline)
    }

    private static func commandBytes(_ commands: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for command in commands { bytes += command.utf8 + [13, 10] }
        return bytes
    }

    /// `MAIL FROM` (with `SMTPUTF8` when an address needs it and the server offers it), a `RCPT TO` per
    /// recipient, `DATA`.
    private func envelope(_ message: MailMessage) -> [String] {
        let international =
            smtpUTF8 && !([message.from] + message.recipients).allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        return ["MAIL FROM:<\(message.from)>" + (international ? " SMTPUTF8" : "")]
            + message.recipients.map { "RCPT TO:<\($0)>" } + ["DATA"]
    }

    /// The recipients (by index) whose `RCPT TO` was refused, among the replies to an envelope.
    private static func refused(_ replies: [SMTPReply], recipients: Int) -> [(index: Int, reply: SMTPReply)] {
        replies.dropFirst().prefix(recipients).enumerated()
            .filter { $0.element.code >= 300 }.map { (index: $0.offset, reply: $0.element) }
    }

    /// The next whole reply (its last line: code and text).
    private func readReply(deadline: ContinuousClock.Instant) throws(CurlError) -> SMTPReply {
        while true {
            while let end = input.firstIndex(of: 10) {
                let reply = input.withUnsafeBytes { SMTPReply(line: UnsafeRawBufferPointer(rebasing: $0[...end])) }
                input.removeSubrange(...end)
                guard let reply else {
                    throw CurlError(CURLE_WEIRD_SERVER_REPLY, detail: "the server sent a line without a reply code")
                }
                if !reply.continues { return reply }
            }
            guard input.count < 65_536 else {
                throw CurlError(CURLE_WEIRD_SERVER_REPLY, detail: "the server sent a line longer than 64 KiB")
            }
            try handle.receive(appendingTo: &input, deadline: deadline)
        }
    }
}

extension [UInt8] {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
