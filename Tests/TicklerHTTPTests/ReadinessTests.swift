import Foundation
import HTTPTypes
import Logging
import Testing
import TicklerCore
import TicklerDaemon
import TicklerStore
import TicklerTestSupport

@testable import TicklerHTTP

/// `/readyz` and every endpoint that needs the schedule answer `503` until the daemon has loaded
/// and planned its first configuration (on a large workspace, seconds after the server listens).
@Suite struct ReadinessTests {
    @Test func beforeTheFirstLoadTheServiceSaysWhyItIsNotReady() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore.open(path: directory.path("tickler.sqlite"))
        let routes = Routes(
            dependencies: HTTPService.Dependencies(
                store: store, state: DaemonState(), eventsRecorded: {}, environment: [:]),
            settings: HTTPSettingsFixture.settings, credentials: Credentials(tokens: []),
            logger: Logger(label: "test"))
        let ready = try routes.ready()
        #expect(ready.status == .serviceUnavailable)
        #expect(throws: Problem.self) { try routes.loaded() }
        do {
            _ = try routes.loaded()
        } catch {
            #expect(error.status == .serviceUnavailable)
            #expect(error.headers[.retryAfter] == "1")
            #expect(error.detail.contains("being loaded"))
        }
    }
}

enum HTTPSettingsFixture {
    static let settings = HTTPSettings(listen: HTTPSettings.defaultListen, location: .file("t"))
}
