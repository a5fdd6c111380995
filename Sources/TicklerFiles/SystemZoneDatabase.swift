import Foundation
import Synchronization
import TicklerCore

/// The system's IANA zone database (Debian's `tzdata`, kept current by the system's updates): each
/// zone's TZif file read on first use and kept by this value, shared by whoever holds it.
///
/// The zone rules must be the system's current ones (a country that changes its clocks changes them
/// through `tzdata` updates), not the copy of an older database built into the toolchain's Foundation.
public final class SystemZoneDatabase: ZoneDatabase {
    /// The database's directory: `$TZDIR`, else `/usr/share/zoneinfo`.
    public let directory: String
    private let cache = Mutex<[String: ZoneRules]>([:])
    private let names = Mutex<Set<String>?>(nil)

    /// - Parameter environment: the process environment, for `TZDIR`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        directory = environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/zoneinfo"
    }

    /// The rules of `identifier` from its TZif file, read on first use; `UTC` is known without the
    /// database.
    public func rules(named identifier: String) -> ZoneRules? {
        if let cached = cache.withLock({ $0[identifier] }) { return cached }
        // Built outside the lock: two threads may build the same zone once each, and the first one stored wins.
        guard let rules = read(identifier) else { return nil }
        return cache.withLock { cache in
            if let existing = cache[identifier] { return existing }
            cache[identifier] = rules
            return rules
        }
    }

    private func read(_ identifier: String) -> ZoneRules? {
        let parts = identifier.split(separator: "/", omittingEmptySubsequences: false)
        // A zone name, never a way out of the directory: letters, digits, '_', '-', '+' between slashes.
        guard !parts.isEmpty,
            parts.allSatisfy({ part in
                !part.isEmpty && part != "." && part != ".."
                    && part.utf8.allSatisfy { $0 < 0x80 && (isalnum(Int32($0)) != 0 || "_-+".utf8.contains($0)) }
            })
        else { return nil }
        if let data = FileManager.default.contents(atPath: directory + "/" + identifier),
            let rules = ZoneRules(identifier: identifier, tzif: Array(data))
        {
            return rules
        }
        return identifier == "UTC" ? .utc : nil
    }

    /// Every zone name the database lists (`Asia/Shanghai`, `America/New_York`, `UTC`, …): the zones
    /// and links of its `tzdata.zi`, or, without that file, Foundation's list. Read on first use.
    public var knownNames: Set<String> {
        names.withLock { names in
            if let names { return names }
            let read = readNames()
            names = read
            return read
        }
    }

    private func readNames() -> Set<String> {
        var names: Set<String> = ["UTC"]
        if let data = FileManager.default.contents(atPath: directory + "/tzdata.zi") {
            // `Z NAME …` names a zone, `L TARGET NAME` a link to one.
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count >= 2, fields[0] == "Z" { names.insert(String(fields[1])) }
                if fields.count >= 3, fields[0] == "L" { names.insert(String(fields[2])) }
            }
        } else {
            names.formUnion(TimeZone.knownTimeZoneIdentifiers)
        }
        return names
    }
}
