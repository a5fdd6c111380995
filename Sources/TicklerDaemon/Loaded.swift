import TicklerCore
import TicklerInput
import TicklerMessages

/// What the daemon works from, built from one successfully loaded workspace: replaced whole by a
/// reload, so a broken edit never leaves half a configuration running.
struct Loaded {
    let workspace: Workspace
    let schedule: Schedule
    /// Renders what falls due; messages to contacts carry `unsubscribeLinks`.
    private(set) var renderer: MessageRenderer
    let transport: any DaemonTransport

    /// - Parameter unsubscribeLinks: the links of `http.public_url`, when it is set and the store's
    ///   secret is read (`Daemon.begin` sets them on the first workspace, which is loaded before).
    init(workspace: Workspace, transport: any DaemonTransport, unsubscribeLinks: UnsubscribeLinks? = nil) {
        self.workspace = workspace
        schedule = workspace.schedule()
        renderer = MessageRenderer(workspace: workspace, schedule: schedule, unsubscribeLinks: unsubscribeLinks)
        self.transport = transport
    }

    /// The links messages to contacts carry (`List-Unsubscribe`); `nil` without `http.public_url`.
    var unsubscribeLinks: UnsubscribeLinks? {
        get { renderer.unsubscribeLinks }
        set { renderer.unsubscribeLinks = newValue }
    }

    /// The files whose change reloads everything: the configuration, the contact files, the
    /// calendar files, and every file in the templates directory.
    var watchedFiles: Set<String> {
        let config = workspace.config
        return Set([config.path] + config.contactFiles.map(\.path) + config.calendarFiles.values.map(\.path))
    }

    var templatesDirectory: String { workspace.config.templatesDirectory }

    /// The effective `catch_up` of a rule, in seconds.
    func catchUp(of rule: String) -> Int64 {
        let config = workspace.config
        let span = config.rules.first { $0.name == rule }?.catchUp ?? config.catchUp
        return Int64(span.seconds)
    }
}
