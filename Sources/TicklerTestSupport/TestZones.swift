import TicklerFiles

/// The system's zone database (`tzdata`), for tests that parse configuration and contacts or build a
/// schedule the way the commands do.
public let systemZones = SystemZoneDatabase()
