import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// CSV contact files are read from their bytes in place (`ContactsParser.parseCSV`), not through a
/// `SourceText`; what comes out must be what the `SourceText` way gives, problems included.
@Suite struct ContactsParserBytesTests {
    let context = ContactsContext(owners: ["li.na"], zones: systemZones)

    func throughSourceText(_ bytes: [UInt8], path: String = "c.csv") -> (contacts: [Contact], diagnostics: [String]) {
        switch SourceText.decode(bytes, path: path) {
        case .success(let source):
            let (contacts, diagnostics) = ContactsParser.parse(source, context: context)
            return (contacts, diagnostics.all.map(\.description))
        case .failure(let diagnostic):
            return ([], [diagnostic.description])
        }
    }

    @Test(
        arguments: [
            Array("id,name\nc1,张伟\nc2,李娜\nc1,again\n".utf8), [0xEF, 0xBB, 0xBF] + Array("id,name\r\nc1,x\r\n".utf8),
            [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("id\nc1\n".utf8), Array("id\nc1\n".utf8) + [0xC3, 0x28],
            Array("id,name\nc1,a".utf8) + [0] + Array("b\n".utf8), [], Array("id,owner\nc1,li.na\nc2,nobody\n".utf8),
        ] as [[UInt8]])
    func bytesGiveWhatTheSourceTextGives(bytes: [UInt8]) {
        let expected = throughSourceText(bytes)
        if let parsed = ContactsParser.parseCSV(bytes, path: "c.csv", context: context) {
            #expect(parsed.contacts == expected.contacts)
            #expect(parsed.diagnostics.all.map(\.description) == expected.diagnostics)
        }
        // Through the loader, which falls back to the `SourceText` way when the bytes are not text.
        let config = Array("timezone: UTC\nowners: { li.na: { name: 李娜 } }\ncontacts: [c.csv]\n".utf8)
        let reader = MemoryReader(files: ["t.yaml": config, "c.csv": bytes])
        let (workspace, diagnostics) = WorkspaceLoader.load(configPath: "t.yaml", reader: reader, zones: systemZones)
        #expect(workspace?.contacts == expected.contacts)
        #expect(diagnostics.all.map(\.description).filter { $0.hasPrefix("c.csv") } == expected.diagnostics)
    }

    @Test func textChecksFindAProblemInAnySlice() {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 20 << 20)
        #expect(bytes.withUnsafeBufferPointer(ContactsParser.isUTF8Text))
        for position in [0, 7 << 20, bytes.count - 1] {
            var broken = bytes
            broken[position] = 0
            #expect(!broken.withUnsafeBufferPointer(ContactsParser.isUTF8Text))
            broken[position] = 0xFF
            #expect(!broken.withUnsafeBufferPointer(ContactsParser.isUTF8Text))
        }
        // Three-byte characters across every slice boundary are fine.
        bytes = Array(String(repeating: "张", count: 7 << 20).utf8)
        #expect(bytes.withUnsafeBufferPointer(ContactsParser.isUTF8Text))
    }

    /// A slice's check agrees with `String(validating:)` plus "no NUL" for ASCII text with a
    /// character or a broken sequence at every offset around the eight-byte words it skips.
    @Test(arguments: ["张", "é", "😀", "\u{0}", "\u{1}"])
    func sliceChecksAgreeWithTheStandardLibrary(insert: String) {
        for length in 0..<40 {
            for position in 0...length {
                var text = Array(String(repeating: "a", count: length).utf8)
                text.insert(contentsOf: insert.utf8, at: position)
                let expected = !text.contains(0) && String(validating: text, as: UTF8.self) != nil
                #expect(text.withUnsafeBufferPointer(ContactsParser.isUTF8TextSlice) == expected, "\(text)")
                // The same with its last byte cut off, or a stray continuation byte after it.
                let cut = Array(
                    text.prefix(position) + insert.utf8.dropLast() + text.dropFirst(position + insert.utf8.count))
                let cutExpected = !cut.contains(0) && String(validating: cut, as: UTF8.self) != nil
                #expect(cut.withUnsafeBufferPointer(ContactsParser.isUTF8TextSlice) == cutExpected, "\(cut)")
                var stray = text
                stray.insert(0x80, at: position + insert.utf8.count)
                #expect(!stray.withUnsafeBufferPointer(ContactsParser.isUTF8TextSlice), "\(stray)")
            }
        }
    }

    /// Random bytes rich in the edges of UTF-8 (overlong forms, surrogates, beyond U+10FFFF, lone
    /// and missing continuation bytes), against `String(validating:)` plus "no NUL".
    @Test func sliceChecksAgreeWithTheStandardLibraryOnEdgeBytes() {
        var generator = SplitMix(seed: 41)
        let alphabet: [UInt8] = [
            0x00, 0x61, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
            0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        var valid = 0
        for _ in 0..<50_000 {
            let text = (0..<(1 + generator.next() % 14)).map { _ in alphabet[Int(generator.next() % 25)] }
            let expected = !text.contains(0) && String(validating: text, as: UTF8.self) != nil
            if expected { valid += 1 }
            #expect(text.withUnsafeBufferPointer(ContactsParser.isUTF8TextSlice) == expected, "\(text)")
        }
        #expect(valid > 200)
    }

    @Test func duplicateIDsAreFoundAmongMany() {
        let location = SourceLocation(path: "c.csv", line: 1, column: 1)
        let many = (0..<50_000).map { Contact(id: "c\($0)", location: location) }
        #expect(!ContactsParser.hasDuplicateID([many], total: many.count))
        #expect(
            ContactsParser.hasDuplicateID([many, [Contact(id: "c49999", location: location)]], total: many.count + 1))
        // Zero-padded sequential ids, as a CRM exports them: they once fell nearly all in one of the
        // four shares, whose table then filled and the search never ended.
        for count in [200, 1_000, 20_000] {
            let padded = (1...count).map { Contact(id: String(format: "c%06d", $0), location: location) }
            #expect(!ContactsParser.hasDuplicateID([padded], total: count))
            #expect(ContactsParser.hasDuplicateID([padded, [padded[count / 2]]], total: count + 1))
        }
        // Ids that are equal as strings but not as bytes (only possible for contacts made in code).
        let composed = Contact(id: "Zo\u{EB}", location: location)
        let decomposed = Contact(id: "Zoe\u{308}", location: location)
        #expect(ContactsParser.hasDuplicateID([[composed], [decomposed]], total: 2))
        #expect(ContactsParser.merge([[composed], [decomposed]]).contacts == [composed])
    }
}
