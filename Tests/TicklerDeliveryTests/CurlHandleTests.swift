import CCurl
import Dispatch
import Testing
import TicklerDelivery
import TicklerTestSupport

/// The libcurl wrapper itself: one global set-up, typed errors, restricted protocols.
@Suite struct CurlHandleTests {
    private func handle(protocols: String = "smtp,smtps") throws -> CurlHandle {
        try CurlHandle.make(
            CurlHandle.Configuration(
                protocols: protocols, connectTimeoutMilliseconds: 5_000, timeoutMilliseconds: 5_000))
    }

    @Test func globalSetUpRunsOnceFromManyThreads() {
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            #expect(throws: Never.self) { try CurlGlobal.initialize() }
        }
    }

    @Test func aFailedTransferCarriesTheCodeLibcurlsTextAndTheDetail() throws {
        let port = try SMTPSink.closedPort()
        let handle = try handle()
        try handle.set(CURLOPT_URL, "smtp://127.0.0.1:\(port)")
        do {
            try handle.perform()
            Issue.record("connecting to a closed port succeeded")
        } catch {
            #expect(error.code == CURLE_COULDNT_CONNECT.rawValue)
            #expect(error.summary == String(cString: tickler_curl_easy_strerror(CURLE_COULDNT_CONNECT)))
            #expect(error.detail?.contains("127.0.0.1") == true)
            #expect(error.description.hasPrefix("libcurl error 7: "))
        }
    }

    @Test func protocolsOutsideTheHandlesSetAreRefused() throws {
        let handle = try handle(protocols: "smtp,smtps")
        try handle.set(CURLOPT_URL, "http://127.0.0.1:1/")
        #expect {
            try handle.perform()
        } throws: { error in
            (error as? CurlError)?.code == CURLE_UNSUPPORTED_PROTOCOL.rawValue
        }
    }

    @Test func aRejectedOptionIsATypedErrorNamingTheCall() throws {
        let handle = try handle()
        #expect {
            try handle.set(CURLOPT_USE_SSL, 99)
        } throws: { error in
            guard let error = error as? CurlError else { return false }
            return error.code == CURLE_BAD_FUNCTION_ARGUMENT.rawValue && error.call?.contains("setopt") == true
        }
    }
}
