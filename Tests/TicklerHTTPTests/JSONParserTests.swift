import Testing

@testable import TicklerHTTP

@Suite struct JSONParserTests {
    func parse(_ text: String) -> Result<JSONValue, JSONParser.Failure> { JSONParser.parse(Array(text.utf8)) }

    @Test func readsEveryKindOfValueKeepingKeyOrder() throws {
        let value = try parse(#" {"b": [1, -2.5e3, true, false, null], "a": "x\"\\\/\n\u00e9\ud83d\ude00张"} "#).get()
        #expect(
            value
                == .object([
                    ("b", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
                    ("a", .string("x\"\\/\né😀张")),
                ]))
    }

    @Test(
        arguments: [
            (#"{"a": 1,}"#, 8, "expected a key in quotes"),
            (#"[1 2]"#, 3, "expected ',' or ']'"),
            (#"{"a" 1}"#, 5, "expected ':'"),
            (#"01"#, 0, "cannot start with 0"),
            (#""abc"#, 4, "ends inside a string"),
            (#"{"a": 1} x"#, 9, "after the JSON value"),
            (#""\ud800""#, 1, "unpaired surrogate"),
            (#"{"a": 1, "a": 2}"#, 9, "appears twice"),
            ("\"tab\there\"", 4, "control character"),
            ("", 0, "ends where a value"),
        ] as [(String, Int, String)])
    func refusesMalformedJSONWithTheByteOffset(text: String, offset: Int, message: String) {
        guard case .failure(let failure) = parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(failure.offset == offset, "\(text): \(failure)")
        #expect(failure.message.contains(message), "\(text): \(failure)")
    }

    @Test func invalidUTF8IsRefused() {
        guard case .failure(let failure) = JSONParser.parse([UInt8(ascii: "\""), 0xFF, 0xFE, UInt8(ascii: "\"")]) else {
            Issue.record("invalid UTF-8 parsed")
            return
        }
        #expect(failure.message.contains("UTF-8"))
    }

    /// 100,000 levels: refused at the limit, without overflowing the stack.
    @Test func deepNestingStopsAtTheLimit() {
        for open in ["[", "{\"a\":"] {
            let text = String(repeating: open, count: 100_000)
            guard case .failure(let failure) = parse(text) else {
                Issue.record("nested JSON parsed")
                continue
            }
            #expect(failure.message.contains("nested more than \(JSONParser.maximumDepth)"))
        }
        let limit =
            String(repeating: "[", count: JSONParser.maximumDepth)
            + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect((try? parse(limit).get()) != nil)
    }
}
