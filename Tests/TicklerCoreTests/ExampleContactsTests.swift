import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// The example contact files in `etc/` must load cleanly under the example configuration's owners.
@Suite struct ExampleContactsTests {
    /// The repository root: this file is `Tests/TicklerCoreTests/ExampleContactsTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let context = ContactsContext(owners: ["li.na", "wang.qiang", "zhao.min", "emily.carter"], zones: systemZones)

    func load(_ name: String) throws -> (contacts: [Contact], diagnostics: Diagnostics) {
        let url = Self.root.appendingPathComponent("etc").appendingPathComponent(name)
        let bytes = try [UInt8](Data(contentsOf: url))
        let source = try SourceText.decode(bytes, path: "etc/" + name).get()
        return ContactsParser.parse(source, context: context)
    }

    @Test(arguments: [("contacts.yaml", 5), ("contacts.csv", 5), ("contacts.vcf", 4)])
    func exampleFileLoadsWithoutDiagnostics(name: String, count: Int) throws {
        let (contacts, diagnostics) = try load(name)
        #expect(diagnostics.all.map(\.description) == [])
        #expect(contacts.count == count)
    }

    @Test func exampleFilesTogetherHaveUniqueIDsAndTheDocumentedMix() throws {
        let files = try ["contacts.yaml", "contacts.csv", "contacts.vcf"].map { try load($0).contacts }
        let (contacts, diagnostics) = ContactsParser.merge(files)
        #expect(diagnostics.all.isEmpty)
        #expect(contacts.count == 14)
        let byID = Dictionary(uniqueKeysWithValues: contacts.map { ($0.id, $0) })
        #expect(byID["acme-zhang"]?.dates["anniversary"] == PartialDate(year: 2015, month: 6, day: 1))
        #expect(byID["northwind-smith"]?.birthday == PartialDate(year: 1992, month: 2, day: 29))
        #expect(byID["chenxi-zhao"]?.lunarBirthday == LunarDate(month: 4, day: 15, isLeapMonth: true))
        #expect(byID["thames-brown"]?.fields["company"] == "Thames Supply Co., Ltd.")
        #expect(Set(contacts.compactMap(\.owner)) == ["li.na", "zhao.min", "emily.carter"])
        #expect(Set(contacts.compactMap(\.tier)) == ["key", "ordinary"])
        #expect(
            Set(contacts.compactMap(\.timezone)).isSuperset(of: [
                "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney",
            ]))
        #expect(
            contacts.filter { $0.language == "en" }.allSatisfy { $0.name?.unicodeScalars.allSatisfy(\.isASCII) == true }
        )
    }
}
