import Testing

@testable import TicklerDelivery

/// The message as `DATA` carries it (RFC 5321 4.5.2): dot-stuffed, its last line ended, then ".".
@Suite struct SMTPDataBlockTests {
    @Test(
        arguments: [
            ("a\r\nb\r\n", "a\r\nb\r\n.\r\n"),
            (".\r\n", "..\r\n.\r\n"),
            ("a\r\n.b\r\n..c\r\n", "a\r\n..b\r\n...c\r\n.\r\n"),
            (".first", "..first\r\n.\r\n"),
            ("no line end", "no line end\r\n.\r\n"),
            ("a.b\r\n", "a.b\r\n.\r\n"),
            ("", ".\r\n"),
        ] as [(String, String)])
    func messagesAreDotStuffedAndEnded(message: String, block: String) {
        #expect(SMTPSession.dataBlock(Array(message.utf8)) == Array(block.utf8))
    }
}
