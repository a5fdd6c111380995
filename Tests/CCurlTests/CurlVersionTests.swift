import CCurl
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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
        #expect(message.hasSuffix("); install it: apt-get install libcurl4"))
    }

    @Test func aLibraryWithoutCurlNamesTheFirstMissingFunction() throws {
        let message = try #require(probeFailure("libm.so.6"))
        #expect(
            message
                == "cannot use libm.so.6: it has no curl_global_init (libcurl 7.85.0 or later is needed; apt-get install libcurl4)"
        )
    }

    /// A libcurl with every function but too old for the options used (a stand-in built here with
    /// the toolchain's clang, answering 7.83.1 to `curl_version_info`) is refused, naming its version.
    @Test func aLibcurlOlderThan7_85IsRefusedWithItsVersion() throws {
        let names = [
            "global_init", "easy_init", "easy_cleanup", "easy_perform", "easy_send", "easy_recv", "easy_strerror",
            "easy_header", "easy_setopt", "easy_getinfo", "slist_append", "slist_free_all", "url", "url_cleanup",
            "url_set", "url_get", "url_strerror", "free",
        ]
        let source =
            names.map { "void *curl_\($0)(void) { return 0; }\n" }.joined()
                + """
                struct info { int age; const char *version; unsigned int version_num; };
                static struct info old = { 10, "7.83.1", 0x075301 };
                void *curl_version_info(int age) { return &old; }

                """
        let directory = "/tmp/ccurl-old-\(getpid())"
        mkdir(directory, 0o700)
        defer {
            for name in ["stub.c", "libcurl-old.so.4"] { unlink(directory + "/" + name) }
            rmdir(directory)
        }
        let file = try #require(fopen(directory + "/stub.c", "w"))
        fputs(source, file)
        fclose(file)
        let status = system("clang -shared -fPIC -o \(directory)/libcurl-old.so.4 \(directory)/stub.c")
        try #require(status == 0, "clang could not build the stand-in library")
        let message = try #require(probeFailure(directory + "/libcurl-old.so.4"))
        #expect(
            message
                == "cannot use \(directory)/libcurl-old.so.4: it is libcurl 7.83.1, older than 7.85.0, which the options Tickler sets need (CURLOPT_PROTOCOLS_STR); install a newer one: apt-get install libcurl4"
        )
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
