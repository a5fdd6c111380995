import ArgumentParser
import Dispatch

/// The entry point: parses the command line as `Tickler` does, then runs a synchronous command —
/// `tickler run` among them, with no Swift concurrency at all (see `RunCommand`) — on the main
/// thread, and the asynchronous one (`send-test`) in a task.
@main
enum TicklerMain {
    static func main() {
        var command: any ParsableCommand
        do {
            command = try Tickler.parseAsRoot()
        } catch {
            Tickler.exit(withError: error)
        }
        if !(command is RunCommand) { OneShotAllocator.configure() }
        if !(command is any AsyncParsableCommand) {
            do {
                try command.run()
            } catch {
                Tickler.exit(withError: error)
            }
            Tickler.exit()
        }
        Task.detached {
            await Tickler.main()  // parses the command line again (cheap) and runs the command
            Tickler.exit()
        }
        dispatchMain()
    }
}

/// The `tickler` command: the daemon and the tools around it.
struct Tickler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickler",
        abstract:
            "A customer-contact reminder daemon: birthdays, thank-you notes, check-ins and callbacks, on time and once.",
        discussion: """
            Tickler reads contact rules from a YAML configuration (--config PATH, $TICKLER_CONFIG, or \
            /etc/tickler/tickler.yaml), works out when each customer needs a touch, and delivers the \
            reminder by email or chat webhook.

            Exit codes: 0 success, 1 bad input (configuration, contact, template or event file errors), \
            3 delivery failed, 64 usage error.
            """,
        subcommands: [
            RunCommand.self, CheckCommand.self, UpcomingCommand.self, RenderCommand.self, SendTestCommand.self,
            EventCommand.self, StatusCommand.self, HistoryCommand.self, StateCommand.self,
        ]
    )
}
