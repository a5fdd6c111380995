import CCurl
import Testing

/// Pins the libcurl that Tickler opens: new enough, built with the protocols the transports use, with
/// TLS, and reachable through the typed setopt wrappers in `CCurl.h`; and what is said when it cannot
/// be opened.
@Suite struct CurlVersionTests {
    /// The `curl_version_info_data` of the opened library.
    private func versionInfo() throws -> curl_version_info_data {
        let info = try #require(tickler_curl_version_info())
        return info.pointee
    }

    @Test func openedLibcurlIsAtLeast7_88() throws {
        let info = try versionInfo()
        let version = String(cString: try #require(info.version))
        let parts = version.split(separator: ".").map { Int($0.prefix(while: \.isNumber)) }
        let major = try #require(parts.first ?? nil, "version '\(version)' has no major number")
        let minor = try #require(parts.dropFirst().first ?? nil, "version '\(version)' has no minor number")
        #expect((major, minor) >= (7, 88), "libcurl \(version) is older than 7.88")
    }

    @Test func openedLibcurlSpeaksMailAndWebProtocols() throws {
        let info = try versionInfo()
        var protocols: Set<String> = []
        var cursor = try #require(info.protocols)
        while let name = cursor.pointee {
            protocols.insert(String(cString: name))
            cursor += 1
        }
        for required in ["smtp", "smtps", "http", "https"] {
            #expect(protocols.contains(required), "libcurl lacks '\(required)'; it has \(protocols.sorted())")
        }
    }

    @Test func openedLibcurlHasTLS() throws {
        let info = try versionInfo()
        #expect(info.features & CURL_VERSION_SSL != 0)
        let ssl = try #require(info.ssl_version, "libcurl names no TLS library")
        #expect(!String(cString: ssl).isEmpty)
    }

    @Test func libcurlIsOpenedOnFirstUse() {
        #expect(tickler_curl_load_error() == nil)
    }

    /// What `tickler_curl_probe` says about `library`, or `nil` when it opened it.
    private func probeFailure(_ library: String) -> String? {
        var error = [CChar](repeating: 0, count: 512)
        guard tickler_curl_probe(library, &error, error.count) == 0 else { return nil }
        return String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func theLibraryTheDaemonOpensHasEveryFunction() {
        #expect(probeFailure(TICKLER_CURL_LIBRARY) == nil)
    }

    @Test func aMissingLibraryIsNamedWithWhatToInstall() throws {
        let message = try #require(probeFailure("libcurl-missing.so.4"))
        #expect(message.hasPrefix("cannot load libcurl-missing.so.4 ("))
        #expect(message.hasSuffix("); install Debian's libcurl4"))
    }

    @Test func aLibraryWithoutCurlNamesTheFirstMissingFunction() throws {
        let message = try #require(probeFailure("libm.so.6"))
        #expect(message == "cannot use libm.so.6: it has no curl_global_init (libcurl 7.83 or later is needed)")
    }

    @Test func easyHandleAcceptsAURLThroughTheStringWrapper() throws {
        let handle = try #require(tickler_curl_easy_init())
        defer { tickler_curl_easy_cleanup(handle) }
        let result = tickler_curl_easy_setopt_string(handle, CURLOPT_URL, "smtp://127.0.0.1:25")
        #expect(result == CURLE_OK)
        let noSignal = tickler_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        #expect(noSignal == CURLE_OK)
    }
}
