import Foundation
import Testing
import TicklerTestSupport

/// `upcoming --owner` and `--contact`: the reminders about one owner's contacts, or one contact's,
/// in every format; an unknown name is an error with the nearest one.
@Suite struct UpcomingFilterTests {
    let directory: TemporaryDirectory
    let config: String

    init() throws {
        (directory, config) = try UpcomingCommandTests.workspace()
    }

    private func keys(_ options: String...) throws -> [String] {
        let result = try TicklerProcess.run(
            arguments: ["upcoming", "--now", UpcomingCommandTests.now, "--format", "json"] + options + [
                "--config", config,
            ])
        #expect(result.stderr == "")
        #expect(result.status == 0)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]])
        return parsed.compactMap { $0["key"] }
    }

    @Test func anOwnerGetsTheRemindersAboutTheirContactsOnly() throws {
        #expect(try keys("--owner", "li.na") == ["heads-up/bo/2027-03-11", "greeting/bo/2027-03-14"])
        #expect(try keys("--owner", "nora") == ["heads-up/zhang/2027-03-11", "greeting/zhang/2027-03-14"])
    }

    @Test func aContactGetsTheirOwnAndBothOptionsTogetherMatchBoth() throws {
        #expect(try keys("--contact", "al") == ["greeting/al/2027-03-14"])
        #expect(
            try keys("--contact", "bo", "--owner", "li.na") == ["heads-up/bo/2027-03-11", "greeting/bo/2027-03-14"])
        #expect(try keys("--contact", "bo", "--owner", "nora") == [])
    }

    @Test func theTableAndTheFeedAreFilteredToo() throws {
        let table = try TicklerProcess.run(
            arguments: ["upcoming", "--now", UpcomingCommandTests.now, "--owner", "nora", "--config", config])
        #expect(table.status == 0)
        #expect(table.stdout.contains("(zhang)") && !table.stdout.contains("(bo)") && !table.stdout.contains("(al)"))
        let feed = try TicklerProcess.run(
            arguments: [
                "upcoming", "--now", UpcomingCommandTests.now, "--contact", "al", "--format", "ics", "--config", config,
            ])
        #expect(feed.stdout.components(separatedBy: "BEGIN:VEVENT").count == 2)
        #expect(feed.stdout.contains("UID:greeting/al/2027-03-14"))
    }

    @Test(arguments: [
        (["--owner", "li.nq"], "tickler: error: unknown owner 'li.nq'\ntickler: note: did you mean 'li.na'?\n"),
        (["--contact", "zang"], "tickler: error: unknown contact 'zang'\ntickler: note: did you mean 'zhang'?\n"),
    ])
    func anUnknownNameIsAnErrorWithTheNearestOne(options: [String], message: String) throws {
        let result = try TicklerProcess.run(
            arguments: ["upcoming", "--now", UpcomingCommandTests.now] + options + ["--config", config])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == message)
    }
}
