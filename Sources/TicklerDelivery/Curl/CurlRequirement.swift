import TicklerCore

/// Whether the configured channels can be delivered through: SMTP and webhook channels need
/// libcurl, which is opened only then (see CCurl.h). `tickler check` and `tickler run` ask at once, so
/// that a missing or too old libcurl is reported at start-up with what to install, never found
/// when the first reminder is due.
public enum CurlRequirement {
    /// `nil` when no channel needs libcurl or it loads; otherwise which channels need it and why it
    /// cannot be used, with the fix (`apt-get install libcurl4`).
    public static func problem(for channels: [String: Channel]) -> String? {
        let needing = channels.filter { _, channel in
            switch channel.kind {
            case .smtp, .webhook: true
            case .file: false
            }
        }.keys.sorted()
        guard !needing.isEmpty, let failure = CurlGlobal.loadFailure else { return nil }
        let names = needing.map { "'\($0)'" }.joined(separator: ", ")
        let channelsText = needing.count == 1 ? "the channel \(names) needs" : "the channels \(names) need"
        return "\(channelsText) libcurl: \(failure)"
    }
}
