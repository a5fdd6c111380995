import CCurl
import Dispatch
import TicklerCore
import TicklerMessages

/// One SMTP connection of a transport: a libcurl easy handle that sets the connection up (greeting,
/// EHLO, STARTTLS, AUTH, with `CURLOPT_CONNECT_ONLY`), the `SMTPSession` that sends mail over it, and
/// the serial queue that alone touches them.
///
/// `@unchecked Sendable` because the mutable parts — the session and the dialogue — are confined to
/// `queue`: `send` checks that it runs there, and the transport hands a connection one batch at a time.
final class SMTPConnection: @unchecked Sendable {
    let queue: DispatchQueue
    private let settings: SMTPTransport.Settings
    /// The open connection; `nil` before the first message and after the connection failed.
    private var session: SMTPSession?
    /// Fed by the handle's debug callback while it sets a connection up; only touched on `queue`.
    private let recorder = DialogueRecorder()

    init(number: Int, settings: SMTPTransport.Settings) {
        queue = DispatchQueue(label: "tickler.smtp.\(settings.channel).\(number)")
        self.settings = settings
    }

    deinit {
        // Closing the connection sends QUIT and waits for the reply (at most the timeout): on the
        // connection's own queue, not on whatever thread dropped the last reference.
        guard let session else { return }
        let doomed = Doomed(session.handle)
        queue.async { doomed.drop() }
    }

    /// Sends `messages` in order over this connection (pipelined from one to the next when the server
    /// allows it) and returns a result per message. Call on `queue` only.
    func send(_ messages: [MailMessage]) -> [Result<SMTPReceipt, DeliveryFailure>] {
        dispatchPrecondition(condition: .onQueue(queue))
        var results = [Result<SMTPReceipt, DeliveryFailure>?](repeating: nil, count: messages.count)
        var todo = Array(messages.indices)
        var retried = false
        while !todo.isEmpty {
            // A connection the server timed out while it was idle ("421 …", then closed) is replaced.
            if let open = session, open.handle.hasSpokenOrClosed { session = nil }
            let reused = session != nil
            let session: SMTPSession
            switch connected() {
            case .success(let open): session = open
            case .failure(let failure):
                for index in todo { results[index] = .failure(failure) }
                return results.map { $0! }
            }
            let deadline = ContinuousClock.now + .milliseconds(settings.curl.timeoutMilliseconds)
            let outcomes = session.transactions(todo.map { messages[$0] }, deadline: deadline)
            var again: [Int] = []
            for (index, outcome) in zip(todo, outcomes) {
                let message = messages[index]
                switch outcome {
                case .accepted(let reply, let refused):
                    results[index] = .success(
                        SMTPReceipt(
                            code: reply.code, reply: reply.text, refusedRecipients: recipients(refused, in: message),
                            reusedConnection: reused))
                case .rejected(let reply, let refused):
                    if reply.code == 421 { self.session = nil }  // the server is closing the connection
                    results[index] = .failure(rejection(reply, refused: recipients(refused, in: message), of: message))
                case .lost(let error, let heardReply):
                    self.session = nil
                    // No reply to its commands (a kept connection the server closed while it was idle, or
                    // one lost before this message's turn): nothing can have been accepted, and one more
                    // try on a fresh connection is safe.
                    if !heardReply, !retried {
                        again.append(index)
                    } else {
                        results[index] = .failure(curlFailure(error))
                    }
                }
            }
            todo = again
            retried = retried || !again.isEmpty
        }
        return results.map { $0! }
    }

    // MARK: Private

    /// The open session, or a new connection set up for this channel.
    private func connected() -> Result<SMTPSession, DeliveryFailure> {
        if let session { return .success(session) }
        recorder.dialogue = SMTPDialogue()
        do {
            let handle = try CurlHandle.make(settings.curl)
            try handle.set(CURLOPT_URL, settings.url.url)
            try handle.set(CURLOPT_CONNECT_ONLY, 1)
            try handle.set(CURLOPT_USE_SSL, Int(settings.useSSL.rawValue))
            if let username = settings.username { try handle.set(CURLOPT_USERNAME, username) }
            if let password = settings.password { try handle.set(CURLOPT_PASSWORD, password) }
            let recorder = recorder
            try handle.observeProtocol { incoming, line in
                if incoming { recorder.dialogue.received(line) } else { recorder.dialogue.sent(line) }
            }
            try handle.perform()
            // The set-up is over: later lines go over curl_easy_send/recv, which the callback does not see.
            try handle.observeProtocol(nil)
            let session = SMTPSession(handle: handle, extensions: recorder.dialogue.extensions)
            self.session = session
            return .success(session)
        } catch {
            return .failure(setUpFailure(error))
        }
    }

    private func recipients(_ refused: [(index: Int, reply: SMTPReply)], in message: MailMessage) -> [RefusedRecipient]
    {
        refused.map { index, reply in
            RefusedRecipient(address: message.recipients[index], code: reply.code, reply: reply.text)
        }
    }

    private func rejection(_ reply: SMTPReply, refused: [RefusedRecipient], of message: MailMessage) -> DeliveryFailure
    {
        if !refused.isEmpty, refused.count == message.recipients.count {
            return .recipientsRefused(
                refused, channel: settings.channel, target: settings.url.target,
                operation: SMTPTransport.Settings.operation)
        }
        return serverReply(reply, isAuthentication: false)
    }

    /// A failed set-up: libcurl's error, or the server's refusal (STARTTLS, AUTH) when it gave one.
    private func setUpFailure(_ error: CurlError) -> DeliveryFailure {
        let answered = [CURLE_WEIRD_SERVER_REPLY, CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED, CURLE_SEND_ERROR]
        if answered.contains(error.curlCode), let reply = recorder.dialogue.lastReply, reply.code >= 400 {
            return serverReply(reply, isAuthentication: error.curlCode == CURLE_LOGIN_DENIED)
        }
        return curlFailure(error)
    }

    /// The server's refusal `reply`; an authentication failure when libcurl said so or the code does
    /// (530, 535).
    private func serverReply(_ reply: SMTPReply, isAuthentication: Bool) -> DeliveryFailure {
        .smtpReply(
            code: reply.code, reply: reply.text, isAuthentication: isAuthentication || [530, 535].contains(reply.code),
            channel: settings.channel, target: settings.url.target, operation: SMTPTransport.Settings.operation,
            secrets: settings.secrets)
    }

    private func curlFailure(_ error: CurlError) -> DeliveryFailure {
        .curl(
            error, channel: settings.channel, target: settings.url.target, operation: SMTPTransport.Settings.operation,
            secrets: settings.secrets)
    }
}

/// The dialogue of the set-up in progress, shared between a connection and its handle's debug
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
