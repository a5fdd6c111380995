import ArgumentParser
import Foundation
import TicklerCore
import TicklerFiles
import TicklerInput
import TicklerMessages
import TicklerReports

/// `tickler check`: load everything and report every problem.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration, contacts and templates.",
        discussion: """
            Reports every problem in every file, as path:line:column: error: message, with notes \
            saying why and how to fix it. Exits 1 if there is any error, 0 otherwise (warnings do \
            not fail the check).

            Example:
              tickler check --config etc/tickler.yaml
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let path = options.path
        var (workspace, diagnostics) = WorkspaceLoader.load(
            configPath: path, reader: FileSystemReader(), zones: SystemZoneDatabase(),
            environment: ProcessInfo.processInfo.environment)
        if let workspace {
            let now = Clock.now()
            let today = workspace.config.zoneRules.localDate(at: now)
            CalendarCoverage.check(workspace.config, today: today, diagnostics: &diagnostics)
        }
        Output.printDiagnostics(diagnostics)
        guard let workspace, !diagnostics.hasErrors else {
            let errors = diagnostics.errorCount
            Output.printError("\(path): \(errors) \(errors == 1 ? "error" : "errors") found")
            throw ExitCode(1)
        }
        try Session.requireCurl(workspace)
        var line = "\(path): ok: \(workspace.summary)"
        let warnings = diagnostics.warningCount
        if warnings > 0 { line += "; \(warnings) \(warnings == 1 ? "warning" : "warnings")" }
        print(line)
    }
}
