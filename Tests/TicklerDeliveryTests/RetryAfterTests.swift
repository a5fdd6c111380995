import Testing
import TicklerDelivery

/// `Retry-After`, as seconds or as any of the three HTTP date forms.
@Suite struct RetryAfterTests {
    /// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date.
    private static let example: Int64 = 784_111_777

    @Test(arguments: [("120", 120), ("0", 0), ("  7\t", 7), ("86400", 86_400)])
    func secondsAreReadAsTheyAre(value: String, seconds: Int64) {
        #expect(RetryAfter.seconds(from: value, now: 1_000) == seconds)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ])
    func allThreeDateFormsAreRead(value: String) {
        #expect(RetryAfter.seconds(from: value, now: Self.example - 90) == 90)
    }

    @Test func aDateInThePastMeansNow() {
        #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:49:37 GMT", now: Self.example + 3_600) == 0)
    }

    @Test func aTwoDigitYearMoreThanFiftyYearsAheadIsInThePast() {
        let now: Int64 = 1_795_000_000  // 2026-11-18
        // 94 is read as 1994, not 2094; 30 as 2030.
        #expect(RetryAfter.seconds(from: "Sunday, 06-Nov-94 08:49:37 GMT", now: now) == 0)
        let in2030 = RetryAfter.seconds(from: "Friday, 01-Mar-30 00:00:00 GMT", now: now)
        #expect(in2030 == 1_898_553_600 - now)
    }

    @Test(arguments: [
        "", "-1", "1.5", "soon", "99999999999999999999",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Funday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49 1994",
    ])
    func anythingElseIsNotARetryAfter(value: String) {
        #expect(RetryAfter.seconds(from: value, now: Self.example) == nil)
    }
}
