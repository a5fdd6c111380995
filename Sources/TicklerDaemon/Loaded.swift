import TicklerCore
import TicklerInput
import TicklerMessages

/// What the daemon works from, built from one successfully loaded workspace: replaced whole by a
/// reload, so a broken edit never leaves half a configuration running.
struct Loaded {
    let workspace: Workspace
    let schedule: Schedule
    let renderer: MessageRenderer
    let transport: any DaemonTransport

    init(workspace: Workspace, transport: any DaemonTransport) {
        self.workspace = workspace
        schedule = workspace.schedule()
        renderer = MessageRenderer(workspace: workspace, schedule: schedule)
        self.transport = transport
    }

    /// The files whose change reloads everything: the configuration, the contact files, and every
    /// file in the templates directory.
    var watchedFiles: Set<String> {
        let config = workspace.config
        return Set([config.path] + config.contactFiles.map(\.path))
    }

    var templatesDirectory: String { workspace.config.templatesDirectory }

    /// The effective `catch_up` of a rule, in seconds.
    func catchUp(of rule: String) -> Int64 {
        let config = workspace.config
        let span = config.rules.first { $0.name == rule }?.catchUp ?? config.catchUp
        return Int64(span.seconds)
    }
}
