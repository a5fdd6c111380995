/// What the SMTP server answered when it accepted a message.
public struct SMTPReceipt: Sendable, Hashable, CustomStringConvertible {
    /// The reply code to the end of the message: 250.
    public var code: Int
    /// The server's final reply line, e.g. `250 2.0.0 Ok: queued as 4BX3Zk1c2Vz`.
    public var reply: String
    /// Recipients the server refused while accepting the message for the others, in message order.
    public var refusedRecipients: [RefusedRecipient]
    /// Whether the message went over a connection opened for an earlier one.
    public var reusedConnection: Bool

    public init(code: Int, reply: String, refusedRecipients: [RefusedRecipient] = [], reusedConnection: Bool) {
        self.code = code
        self.reply = reply
        self.refusedRecipients = refusedRecipients
        self.reusedConnection = reusedConnection
    }

    public var description: String { reply }
}
