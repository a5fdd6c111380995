import TicklerCore
import TicklerInput

/// An email ready for SMTP: the envelope and the exact RFC 5322 / MIME bytes.
public struct MailMessage: Sendable, Hashable {
    public var from: String
    public var recipients: [String]
    /// CRLF line ends throughout; every line within 998 octets.
    public var bytes: [UInt8]

    public init(from: String, recipients: [String], bytes: [UInt8]) {
        self.from = from
        self.recipients = recipients
        self.bytes = bytes
    }
}

/// Builds the email for a rendered message: Date, a Message-ID derived from the occurrence key (so a
/// re-send carries the same id and receivers can drop it), MIME-Version, RFC 2047 subject and names,
/// UTF-8 text in base64 (lines stay within limits whatever the text), the HTML part as
/// multipart/alternative, `Auto-Submitted: auto-generated` on messages to owners and managers, and
/// on messages to contacts with an unsubscribe link, `List-Unsubscribe` and `List-Unsubscribe-Post`.
public enum MailComposer {
    public struct Problem: Error, Sendable, Hashable {
        public var message: String
    }

    /// - Parameters:
    ///   - date: when the message is written (the `Date:` header), with the UTC offset to show it in.
    ///   - unsubscribeMailto: the SMTP channel's `unsubscribe_mailto:`, the second way to unsubscribe
    ///     that `List-Unsubscribe` offers on a message with an unsubscribe link.
    public static func compose(
        _ message: RenderedMessage, from: EmailAddress, date: Int64, offset: Int = 0, unsubscribeMailto: String? = nil
    ) -> Result<MailMessage, Problem> {
        guard let email = message.recipient.email else {
            let who = message.occurrence.to == .contact ? "contact" : message.occurrence.to.rawValue
            return .failure(Problem(message: "\(who) '\(message.recipient.id)' has no email address"))
        }
        let to = EmailAddress(displayName: message.recipient.name, address: email)
        let key = message.occurrence.key
        var headers = [
            "Date: " + rfc5322Date(date, offset: offset),
            "From: " + HeaderEncoding.mailbox(from, after: "From: "),
            "To: " + HeaderEncoding.mailbox(to, after: "To: "),
            "Subject: " + HeaderEncoding.unstructured(message.subject ?? message.occurrence.rule, after: "Subject: "),
            "Message-ID: " + messageID(key: key, domain: domain(of: from.address)),
            "MIME-Version: 1.0",
            "X-Tickler-Key: " + HeaderEncoding.unstructured(key, after: "X-Tickler-Key: "),
        ]
        if message.occurrence.to != .contact { headers.append("Auto-Submitted: auto-generated") }
        if message.occurrence.to == .contact, let url = message.unsubscribeURL {
            headers += HeaderEncoding.listUnsubscribe(url: url, mailto: unsubscribeMailto)
        }
        let text = part(contentType: "text/plain; charset=utf-8", body: message.text)
        var body: String
        if let html = message.html {
            let boundary = "=_tickler_" + String(StableHash.of(key), radix: 36)
            headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            body =
                "This is a multipart message in MIME format.\r\n\r\n"
                + "--\(boundary)\r\n" + text.joined() + "\r\n"
                + "--\(boundary)\r\n" + part(contentType: "text/html; charset=utf-8", body: html).joined() + "\r\n"
                + "--\(boundary)--\r\n"
        } else {
            headers += text.headers
            body = text.body
        }
        let bytes = Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
        return .success(MailMessage(from: from.address, recipients: [email], bytes: bytes))
    }

    private struct Part {
        var headers: [String]
        var body: String
        func joined() -> String { headers.joined(separator: "\r\n") + "\r\n\r\n" + body }
    }

    private static func part(contentType: String, body: String) -> Part {
        // CRLF line ends inside the encoded text too, so a reader's "save as text" has proper lines.
        var crlf: [UInt8] = []
        crlf.reserveCapacity(body.utf8.count + 64)
        var previous: UInt8 = 0
        for byte in body.utf8 {
            if byte == 0x0A, previous != 0x0D { crlf.append(0x0D) }
            crlf.append(byte)
            previous = byte
        }
        // A CR at the very end goes (one before a line feed stays, as part of the CRLF).
        if previous == 0x0D { crlf.removeLast() }
        return Part(
            headers: ["Content-Type: " + contentType, "Content-Transfer-Encoding: base64"],
            body: Base64.mimeLines(crlf))
    }

    /// `<KEY@domain>` with every character a Message-ID cannot hold written as `=XX`.
    public static func messageID(key: String, domain: String) -> String {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/?^_`{|}~.".utf8)
        var left = ""
        for byte in key.utf8 {
            if atext.contains(byte), byte != UInt8(ascii: "=") {
                left.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                left += "=" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        left = left.split(separator: ".", omittingEmptySubsequences: true).joined(separator: ".")
        return "<\(left.isEmpty ? "tickler" : left)@\(domain)>"
    }

    private static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "tickler.invalid" }
        let domain = address[address.index(after: at)...]
        return domain.isEmpty || !domain.allSatisfy(\.isASCII) ? "tickler.invalid" : String(domain)
    }

    /// `Tue, 24 Nov 2026 09:00:00 +0800`.
    public static func rfc5322Date(_ instant: Int64, offset: Int) -> String {
        let local = instant + Int64(offset)
        let days = Int(local.floorDiv(86_400))
        let seconds = Int(local - Int64(days) * 86_400)
        let (year, month, day) = Timestamp.civilFromDays(days)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset) / 60
        return "\(weekday), \(two(day)) \(months[month - 1]) \(year) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):"
            + "\(two(seconds % 60)) \(sign)\(two(magnitude / 60))\(two(magnitude % 60))"
    }
}
