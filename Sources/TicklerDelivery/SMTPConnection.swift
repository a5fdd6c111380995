import CCurl
import Dispatch
import TicklerCore

/// One SMTP connection of a transport: a libcurl easy handle (and the connection libcurl keeps open
/// for it) together with the serial queue that alone touches it.
///
/// `@unchecked Sendable` because the mutable parts — the handle and the dialogue — are confined to
/// `queue`: `send` checks that it runs there, and the pool hands a connection to one transfer at a time.
final class SMTPConnection: QueuedConnection, @unchecked Sendable {
    let queue: DispatchQueue
    private let settings: SMTPTransport.Settings
    /// Created on first use; only touched on `queue`.
    private var handle: CurlHandle?
    /// Fed by the handle's debug callback during a transfer; only touched on `queue`.
    private let recorder = DialogueRecorder()

    init(number: Int, settings: SMTPTransport.Settings) {
        queue = DispatchQueue(label: "tickler.smtp.\(settings.channel).\(number)")
        self.settings = settings
    }

    deinit {
        // Closing the connection sends QUIT and waits for the reply (at most the timeout): on the
        // connection's own queue, not on whatever thread dropped the last reference.
        guard let handle else { return }
        let doomed = Doomed(handle)
        queue.async { doomed.drop() }
    }

    /// Sends one message. Call on `queue` only.
    func send(_ message: MailMessage) -> Result<SMTPReceipt, DeliveryFailure> {
        dispatchPrecondition(condition: .onQueue(queue))
        let handle: CurlHandle
        do {
            handle = try prepared()
            try handle.set(CURLOPT_MAIL_FROM, "<\(message.from)>")
            try handle.set(CURLOPT_MAIL_RCPT, list: message.recipients.map { "<\($0)>" })
            try handle.setUploadBody(message.bytes)
        } catch {
            return .failure(curlFailure(error))
        }
        defer { try? handle.setUploadBody([]) }
        var retried = false
        while true {
            recorder.dialogue.reset()
            do {
                try handle.perform()
                return .success(receipt(for: message, handle: handle))
            } catch {
                if !retried, diedWhileIdle(error, handle: handle) {
                    retried = true
                    continue
                }
                return .failure(failure(for: error, message: message))
            }
        }
    }

    // MARK: Private

    /// The handle, set up for this channel on first use.
    private func prepared() throws(CurlError) -> CurlHandle {
        if let handle { return handle }
        let handle = try CurlHandle.make(settings.curl)
        try handle.set(CURLOPT_URL, settings.url.url)
        try handle.set(CURLOPT_USE_SSL, Int(settings.useSSL.rawValue))
        if let username = settings.username { try handle.set(CURLOPT_USERNAME, username) }
        if let password = settings.password { try handle.set(CURLOPT_PASSWORD, password) }
        try handle.set(CURLOPT_UPLOAD, 1)
        // Spelt with three Ls in libcurl 7.88 (Debian 12); renamed CURLOPT_MAIL_RCPT_ALLOWFAILS in 8.2.
        try handle.set(CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1)
        let recorder = recorder
        try handle.observeProtocol { incoming, line in
            if incoming { recorder.dialogue.received(line) } else { recorder.dialogue.sent(line) }
        }
        self.handle = handle
        return handle
    }

    /// Whether a transfer failed because the reused connection had died while idle (the server closed
    /// it as libcurl started): nothing was heard from the server, so nothing can have been accepted, and
    /// one more try on a fresh connection is safe.
    private func diedWhileIdle(_ error: CurlError, handle: CurlHandle) -> Bool {
        [CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING].contains(error.curlCode)
            && !recorder.dialogue.heardReply && handle.newConnections == 0
    }

    private func receipt(for message: MailMessage, handle: CurlHandle) -> SMTPReceipt {
        let dialogue = recorder.dialogue
        let code = dialogue.lastReply?.code ?? handle.responseCode
        return SMTPReceipt(
            code: code, reply: dialogue.lastReply?.text ?? String(code), refusedRecipients: refused(in: message),
            reusedConnection: handle.newConnections == 0)
    }

    private func refused(in message: MailMessage) -> [RefusedRecipient] {
        recorder.dialogue.refused.map { index, reply in
            let address = index < message.recipients.count ? message.recipients[index] : "recipient \(index + 1)"
            return RefusedRecipient(address: address, code: reply.code, reply: reply.text)
        }
    }

    private func failure(for error: CurlError, message: MailMessage) -> DeliveryFailure {
        let refused = refused(in: message)
        if error.curlCode == CURLE_SEND_ERROR, !refused.isEmpty, refused.count == message.recipients.count {
            return .recipientsRefused(
                refused, channel: settings.channel, target: settings.url.target,
                operation: SMTPTransport.Settings.operation)
        }
        // Refusals libcurl reports as these codes carry the server's reply, which decides.
        let answered = [CURLE_SEND_ERROR, CURLE_WEIRD_SERVER_REPLY, CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED]
        if answered.contains(error.curlCode), let reply = recorder.dialogue.lastReply, reply.code >= 400 {
            return .smtpReply(
                code: reply.code, reply: reply.text,
                isAuthentication: error.curlCode == CURLE_LOGIN_DENIED || [530, 535].contains(reply.code),
                channel: settings.channel, target: settings.url.target, operation: SMTPTransport.Settings.operation,
                secrets: settings.secrets)
        }
        return curlFailure(error)
    }

    private func curlFailure(_ error: CurlError) -> DeliveryFailure {
        .curl(
            error, channel: settings.channel, target: settings.url.target, operation: SMTPTransport.Settings.operation,
            secrets: settings.secrets)
    }
}

/// The dialogue of the transfer in progress, shared between a connection and its handle's debug
/// callback (a class, so the callback holds no reference to the connection itself).
private final class DialogueRecorder {
    var dialogue = SMTPDialogue()
}

/// A handle on its way to its queue, to be destroyed there.
private final class Doomed: @unchecked Sendable {
    private var handle: CurlHandle?
    init(_ handle: CurlHandle) { self.handle = handle }
    func drop() { handle = nil }
}
