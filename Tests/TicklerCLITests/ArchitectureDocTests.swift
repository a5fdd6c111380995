import Foundation
import Testing
import TicklerTestSupport

/// docs/ARCHITECTURE.md cannot drift from Package.swift: its table of modules names exactly the
/// package's targets (test targets aside), each with exactly the targets it uses.
@Suite struct ArchitectureDocTests {
    /// Target name → the package's own targets it depends on, from `Package.swift`'s text.
    static func declaredTargets() throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: RepositoryRoot.path("Package.swift"), encoding: .utf8)
        var targets: [String: Set<String>] = [:]
        // Each `.target(` / `.executableTarget(` / `.systemLibrary(` up to the next target of any kind.
        let pieces = text.components(separatedBy: "\n        .")
        for piece in pieces.dropFirst() {
            guard let kind = piece.split(separator: "(").first,
                ["target", "executableTarget", "systemLibrary"].contains(String(kind)),
                let name = firstQuoted(in: piece, after: "name:")
            else { continue }
            var uses: Set<String> = []
            if let start = piece.range(of: "dependencies: [") {
                var depth = 1
                var index = start.upperBound
                var inside = ""
                while index < piece.endIndex, depth > 0 {
                    let character = piece[index]
                    if character == "[" { depth += 1 }
                    if character == "]" { depth -= 1 }
                    if depth > 0 { inside.append(character) }
                    index = piece.index(after: index)
                }
                // Plain strings are this package's targets; `.product(name: …)` are other packages'.
                let withoutProducts = inside.replacing(/\.product\([^)]*\)/, with: "")
                let withoutComments = withoutProducts.split(separator: "\n").map {
                    $0.split(separator: "//").first ?? ""
                }
                .joined(separator: "\n")
                for match in withoutComments.matches(of: /"([^"]+)"/) { uses.insert(String(match.output.1)) }
            }
            targets[name] = uses
        }
        return targets
    }

    static func firstQuoted(in text: String, after label: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        let rest = text[range.upperBound...]
        guard let open = rest.firstIndex(of: "\""), let close = rest[rest.index(after: open)...].firstIndex(of: "\"")
        else { return nil }
        return String(rest[rest.index(after: open)..<close])
    }

    /// Module → the modules it uses, from the table under `## Modules` in docs/ARCHITECTURE.md.
    static func documentedModules() throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: RepositoryRoot.path("docs/ARCHITECTURE.md"), encoding: .utf8)
        let section =
            text.components(separatedBy: "\n## Modules\n").dropFirst().first?
            .components(separatedBy: "\n## ").first ?? ""
        var modules: [String: Set<String>] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 4 else { continue }
            let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let uses = cells[2].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            }
            modules[name] = Set(uses.filter { !$0.isEmpty })
        }
        return modules
    }

    @Test func theModuleTableNamesEveryTargetWithWhatItUses() throws {
        let declared = try Self.declaredTargets()
        let documented = try Self.documentedModules()
        // The parse found the package's targets (a broken parse must not pass as agreement).
        #expect(declared.keys.contains("TicklerCore") && declared.keys.contains("tickler"))
        #expect(declared["TicklerDaemon"]?.contains("TicklerStore") == true)
        #expect(
            Set(documented.keys) == Set(declared.keys),
            "only in docs: \(Set(documented.keys).subtracting(declared.keys).sorted()); only in Package.swift: \(Set(declared.keys).subtracting(documented.keys).sorted())"
        )
        for name in declared.keys.sorted() {
            guard let uses = documented[name] else { continue }
            #expect(uses == declared[name], "\(name) uses \(declared[name]?.sorted() ?? []) in Package.swift")
        }
    }

    @Test func theCoreDependsOnNothing() throws {
        #expect(try Self.declaredTargets()["TicklerCore"] == [])
    }
}
