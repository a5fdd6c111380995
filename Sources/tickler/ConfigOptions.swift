import ArgumentParser
import Foundation

/// `--config PATH`, shared by every command that reads the configuration.
struct ConfigOptions: ParsableArguments {
    static let defaultPath = "/etc/tickler/tickler.yaml"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The configuration file (default: $TICKLER_CONFIG, else \(defaultPath)).", valueName: "path"))
    var config: String?

    /// The file to read: `--config`, else `$TICKLER_CONFIG`, else the system default.
    var path: String {
        if let config { return config }
        if let fromEnvironment = ProcessInfo.processInfo.environment["TICKLER_CONFIG"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return Self.defaultPath
    }
}

/// `--format` of `status` and `history`: the text people read, or JSON for programs.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
