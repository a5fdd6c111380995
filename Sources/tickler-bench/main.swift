// tickler-bench: throughput of Tickler's delivery paths (issue 5; run by bench/delivery.sh).
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") {
    print(BenchCommand.usage)
    exit(arguments.isEmpty ? 2 : 0)
}

let command: BenchCommand
do {
    command = try BenchCommand.parse(arguments)
} catch {
    FileHandle.standardError.write(Data("tickler-bench: error: \(error.message)\n\(BenchCommand.usage)\n".utf8))
    exit(2)
}

let report: BenchReport
switch command {
case .smtp(let run):
    report = await DeliveryBench.smtp(run)
case .webhook(let run, let format, let signed):
    report = await DeliveryBench.webhook(run, format: format, signed: signed)
case .sample(let what, let format):
    FileHandle.standardOutput.write(Data(DeliveryBench.sample(what, format: format)))
    exit(0)
}
print(report.line)
if !report.succeeded {
    let first = report.measurement.firstFailure ?? "unknown"
    FileHandle.standardError.write(
        Data("tickler-bench: error: \(report.measurement.failures) sends failed; the first: \(first)\n".utf8))
    exit(1)
}
