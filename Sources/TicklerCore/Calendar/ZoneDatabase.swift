/// Where zone rules come from. The core reads no zone database itself: whoever builds a schedule
/// passes one (`SystemZoneDatabase` in TicklerFiles reads the system's `tzdata`; tests may pass
/// explicit tables).
public protocol ZoneDatabase: Sendable {
    /// The rules of the IANA zone `identifier` (`Asia/Shanghai`, `UTC`), or `nil` for a name the
    /// database does not have.
    func rules(named identifier: String) -> ZoneRules?
    /// Every zone name the database lists, for suggesting one in place of a misspelt name.
    var knownNames: Set<String> { get }
}
