/// Follows one SMTP transfer line by line, as libcurl's debug callback shows it, to learn what libcurl
/// does not report: the reply to each `RCPT TO` and the text of the server's last reply.
///
/// libcurl (7.88) with `CURLOPT_MAIL_RCPT_ALLLOWFAILS` goes on to `DATA` when at least one recipient is
/// accepted and says nothing about the others; when every recipient is refused it fails with
/// `CURLE_SEND_ERROR` and keeps only the last code (`CURLINFO_RESPONSE_CODE`). libcurl sends one command
/// at a time and waits for its reply (it does not pipeline SMTP), and sends the recipients in list
/// order, so the Nth `RCPT TO` sent is the message's Nth recipient and the next final reply is its answer.
///
/// Only the first bytes of each command are looked at (to recognise `RCPT TO:`); commands are never
/// stored, so `AUTH` lines and their credentials pass through untouched. Reply lines are kept only as
/// the last reply and per refused recipient.
struct SMTPDialogue {
    /// A final (non-continuation) reply line.
    struct Reply: Equatable {
        var code: Int
        var text: String
    }

    private(set) var lastReply: Reply?
    /// Indexes into the message's recipients with the server's refusal, in order.
    private(set) var refused: [(index: Int, reply: Reply)] = []
    /// Whether the server has said anything in this transfer.
    private(set) var heardReply = false
    private var recipientsSent = 0
    private var awaitingRecipient: Int?

    /// Forgets the previous transfer.
    mutating func reset() {
        self = SMTPDialogue()
    }

    /// A command libcurl sent.
    mutating func sent(_ line: UnsafeRawBufferPointer) {
        let prefix = Array("RCPT TO:".utf8)
        let isRecipient =
            line.count >= prefix.count
            && zip(line.prefix(prefix.count), prefix).allSatisfy { byte, expected in
                byte == expected || (byte >= 97 && byte <= 122 && byte - 32 == expected)
            }
        if isRecipient {
            awaitingRecipient = recipientsSent
            recipientsSent += 1
        } else {
            awaitingRecipient = nil
        }
    }

    /// A reply line libcurl received.
    mutating func received(_ line: UnsafeRawBufferPointer) {
        heardReply = true
        guard line.count >= 3, line.prefix(3).allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return }
        // "250-…" continues a multi-line reply; "250 …" or "250" ends it.
        if line.count > 3, line[3] == UInt8(ascii: "-") { return }
        let code = line.prefix(3).reduce(0) { $0 * 10 + Int($1 - 48) }
        let reply = Reply(code: code, text: Self.text(of: line))
        lastReply = reply
        if let index = awaitingRecipient, code >= 300 { refused.append((index, reply)) }
        awaitingRecipient = nil
    }

    /// The line without its CRLF, as UTF-8 text (invalid bytes replaced), at most 512 bytes.
    private static func text(of line: UnsafeRawBufferPointer) -> String {
        var end = min(line.count, 512)
        while end > 0, line[end - 1] == 10 || line[end - 1] == 13 { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<end]), as: UTF8.self)
    }
}
