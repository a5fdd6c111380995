import CCurl
import Testing

/// Pins the libcurl that Tickler links against: new enough, built with the protocols the transports use,
/// with TLS, and reachable through the typed setopt wrappers in `shim.h`.
@Suite struct CurlVersionTests {
    /// The `curl_version_info_data` of the linked library.
    private func versionInfo() throws -> curl_version_info_data {
        let info = try #require(tickler_curl_version_info())
        return info.pointee
    }

    @Test func linkedLibcurlIsAtLeast7_88() throws {
        let info = try versionInfo()
        let version = String(cString: try #require(info.version))
        let parts = version.split(separator: ".").map { Int($0.prefix(while: \.isNumber)) }
        let major = try #require(parts.first ?? nil, "version '\(version)' has no major number")
        let minor = try #require(parts.dropFirst().first ?? nil, "version '\(version)' has no minor number")
        #expect((major, minor) >= (7, 88), "libcurl \(version) is older than 7.88")
    }

    @Test func linkedLibcurlSpeaksMailAndWebProtocols() throws {
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

    @Test func linkedLibcurlHasTLS() throws {
        let info = try versionInfo()
        #expect(info.features & CURL_VERSION_SSL != 0)
        let ssl = try #require(info.ssl_version, "libcurl names no TLS library")
        #expect(!String(cString: ssl).isEmpty)
    }

    @Test func easyHandleAcceptsAURLThroughTheStringWrapper() throws {
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        let result = tickler_curl_easy_setopt_string(handle, CURLOPT_URL, "smtp://127.0.0.1:25")
        #expect(result == CURLE_OK)
        let noSignal = tickler_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        #expect(noSignal == CURLE_OK)
    }
}
