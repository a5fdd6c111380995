/// One line of an SMTP reply: `250-…` continues a multi-line reply, `250 …` (or `250`) ends it.
struct SMTPReply: Equatable {
    var code: Int
    /// The line without its line end, as UTF-8 text (invalid bytes replaced), at most 512 bytes.
    var text: String
    /// Whether the reply goes on with more lines.
    var continues: Bool

    /// The reply line in `line` (its CRLF or LF included or not); `nil` when it does not start with a
    /// three-digit code.
    init?(line: UnsafeRawBufferPointer) {
        guard line.count >= 3, line.prefix(3).allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        code = line.prefix(3).reduce(0) { $0 * 10 + Int($1 - 48) }
        continues = line.count > 3 && line[3] == UInt8(ascii: "-")
        var end = min(line.count, 512)
        while end > 0, line[end - 1] == 10 || line[end - 1] == 13 { end -= 1 }
        text = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<end]), as: UTF8.self)
    }

    init(code: Int, text: String) {
        self.code = code
        self.text = text
        continues = false
    }

    /// The first word after the code: an EHLO reply line's extension keyword, in upper case.
    var keyword: Substring {
        text.dropFirst(4).prefix { $0 != " " }
    }
}

/// Follows the connection set-up libcurl runs for SMTP (greeting, EHLO, STARTTLS and the EHLO after it,
/// AUTH; with `CURLOPT_CONNECT_ONLY` it stops there) line by line, as its debug callback shows it, to
/// learn what libcurl does not report: the server's last reply, which says why a set-up failed, and the
/// extensions the server's last EHLO reply offered (`PIPELINING`, `SMTPUTF8`).
///
/// Only the first bytes of each command are looked at (to recognise `EHLO`); commands are never stored,
/// so `AUTH` lines and their credentials pass through untouched.
struct SMTPDialogue {
    private(set) var lastReply: SMTPReply?
    /// The keywords of the last EHLO reply, in upper case.
    private(set) var extensions: Set<String> = []
    private var inEHLO = false
    private var keywords: [Substring] = []

    /// A command libcurl sent.
    mutating func sent(_ line: UnsafeRawBufferPointer) {
        inEHLO = line.count >= 5 && zip(line.prefix(5), "EHLO ".utf8).allSatisfy { $0 & 0xDF == $1 & 0xDF }
        keywords = []
    }

    /// A reply line libcurl received.
    mutating func received(_ line: UnsafeRawBufferPointer) {
        guard let reply = SMTPReply(line: line) else { return }
        if inEHLO, reply.code == 250 { keywords.append(reply.keyword) }
        if reply.continues { return }
        if inEHLO, reply.code == 250 {
            // The first line names the server; the others are one extension each.
            extensions = Set(keywords.dropFirst().map { $0.uppercased() })
        }
        inEHLO = false
        lastReply = reply
    }
}
