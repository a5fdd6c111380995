import CCurl
import TicklerCore

/// The mail transactions on one SMTP connection that libcurl has set up (connected, greeted, upgraded
/// to TLS, authenticated: `CURLOPT_CONNECT_ONLY`), written and read with `curl_easy_send` and
/// `curl_easy_recv`.
///
/// libcurl's own SMTP transfer (7.88) sends one command at a time and waits for each reply: four round
/// trips a message. When the server offers `PIPELINING` (RFC 2920), a session sends `MAIL FROM`, every
/// `RCPT TO` and `DATA` at once and reads their replies together, then the message: two round trips.
/// Without it, one command at a time, stopping as soon as the server has refused what the rest
/// depends on. Every `RCPT TO` gets its own reply either way, so refusals are known per address.
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

    /// Sends `message` in one mail transaction, all of it before `deadline`.
    func transaction(_ message: MailMessage, deadline: ContinuousClock.Instant) -> Outcome {
        var heardReply = false
        do throws(CurlError) {
            let outcome = try exchange(message, deadline: deadline, heardReply: &heardReply)
            if case .rejected(let reply, _) = outcome, reply.code != 421 {
                // Back to a clean state for the next message; a server that cannot do that is dropped.
                try send(["RSET"], deadline: deadline)
                let reset = try readReply(deadline: deadline)
                if reset.code != 250 {
                    return .lost(CurlError(CURLE_WEIRD_SERVER_REPLY, detail: reset.text), heardReply: true)
                }
            }
            return outcome
        } catch {
            return .lost(error, heardReply: heardReply)
        }
    }

    private func exchange(_ message: MailMessage, deadline: ContinuousClock.Instant, heardReply: inout Bool)
        throws(CurlError) -> Outcome
    {
        let commands = envelope(message)
        var replies: [SMTPReply] = []
        if pipelining {
            try send(commands, deadline: deadline)
            for _ in commands {
                replies.append(try readReply(deadline: deadline))
                heardReply = true
            }
        } else {
            for (index, command) in commands.enumerated() {
                // Stop where the server has refused what the rest depends on: the sender, or every recipient.
                if index == 1, replies[0].code >= 400 { break }
                if index == commands.count - 1, !replies.dropFirst().contains(where: { $0.code < 300 }) { break }
                try send([command], deadline: deadline)
                replies.append(try readReply(deadline: deadline))
                heardReply = true
            }
        }
        if replies[0].code >= 400 { return .rejected(replies[0], refused: []) }
        let refused = Self.refused(replies, recipients: message.recipients.count)
        let dataReply = replies.count == commands.count ? replies[commands.count - 1] : nil
        if refused.count == message.recipients.count {
            // A server that asks for the message anyway gets an empty one, ended at once.
            if dataReply?.code == 354 {
                try handle.send(Array(".\r\n".utf8), deadline: deadline)
                _ = try readReply(deadline: deadline)
            }
            return .rejected(refused.last!.reply, refused: refused)
        }
        guard let dataReply, dataReply.code == 354 else {
            return .rejected(dataReply ?? replies[replies.count - 1], refused: refused)
        }
        try handle.send(Self.dataBlock(message.bytes), deadline: deadline)
        let final = try readReply(deadline: deadline)
        return final.code < 300 ? .accepted(final, refused: refused) : .rejected(final, refused: refused)
    }

    /// Sends `messages` one after another. With `PIPELINING`, each message's data goes out in one write
    /// with the next message's `MAIL FROM`, `RCPT TO` and `DATA` (RFC 2920 lets message content open a
    /// command group): one round trip a message. Without it, one `transaction` after another. Returns
    /// an outcome per message, in order; after a lost connection the rest are lost too.
    func transactions(_ messages: [MailMessage], deadline: ContinuousClock.Instant) -> [Outcome] {
        guard pipelining, messages.count > 1 else { return messages.map { transaction($0, deadline: deadline) } }
        var batch = Batch(count: messages.count)
        do throws(CurlError) {
            for (index, message) in messages.enumerated() {
                batch.output += Self.commandBytes(envelope(message))
                try handle.send(batch.output, deadline: deadline)
                batch.output = []
                guard try readPending(&batch, deadline: deadline) else { return batch.outcomes(closing: index) }
                var replies: [SMTPReply] = []
                for _ in 0..<(message.recipients.count + 2) { replies.append(try readReply(deadline: deadline)) }
                batch.heard[index] = true
                if replies.contains(where: { $0.code == 421 }) {
                    batch.results[index] = .rejected(replies.first { $0.code == 421 }!, refused: [])
                    return batch.outcomes(closing: index + 1)
                }
                let refused = Self.refused(replies, recipients: message.recipients.count)
                let dataReply = replies[replies.count - 1]
                if replies[0].code >= 400 {
                    batch.results[index] = .rejected(replies[0], refused: [])
                    batch.pend(.reset)
                } else if refused.count == message.recipients.count {
                    batch.results[index] = .rejected(refused.last!.reply, refused: refused)
                    // A server that asks for the message anyway gets an empty one, ended at once.
                    batch.pend(dataReply.code == 354 ? .emptyMessage : .reset)
                } else if dataReply.code != 354 {
                    batch.results[index] = .rejected(dataReply, refused: refused)
                    batch.pend(.reset)
                } else {
                    batch.output += Self.dataBlock(message.bytes)
                    batch.pending = .end(index, refused)
                }
            }
            if !batch.output.isEmpty { try handle.send(batch.output, deadline: deadline) }
            _ = try readPending(&batch, deadline: deadline)
            return batch.outcomes(closing: messages.count)
        } catch {
            return batch.outcomes(lost: error)
        }
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
