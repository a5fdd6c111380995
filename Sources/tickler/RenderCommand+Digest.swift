import ArgumentParser
import TicklerCore
import TicklerInput

extension RenderCommand {
    /// `tickler render digest OWNER`: the owner's next digest not yet sent, from `start`, with every
    /// item due for them that day as things stand.
    func renderDigest(_ session: Session, owner: String, from start: Int64, timings: PhaseTimings) throws {
        let config = session.workspace.config
        guard let settings = config.owners[owner] else {
            Output.printError(
                "unknown owner \(QuotedToken(owner))",
                notes: Suggestion.note(for: owner, in: config.owners.keys.sorted())
                    + [.init("'render digest OWNER' renders an owner's morning digest")])
            throw ExitCode(1)
        }
        guard settings.digest != nil else {
            Output.printError(
                "owner '\(owner)' has no digest",
                notes: [.init("give the owner 'digest: { at: \"08:30\", channel: …, template: digest }'")])
            throw ExitCode(1)
        }
        let history = try session.history()
        let zone = session.schedule.owners[owner]?.zone ?? session.schedule.defaultZone
        let today = zone.localDate(at: start)
        // The next day with something due, within the two years `render` looks ahead for any rule.
        for offset in 0..<(2 * 366) {
            let key = Schedule.digestKey(owner: owner, day: today.adding(days: offset))
            guard let digest = session.schedule.digest(key, history: history, now: start), digest.due >= start,
                try session.deliveredKeys(among: [key]).isEmpty
            else { continue }
            timings.end("plan")
            return try show(digest, session: session, timings: timings)
        }
        Output.printError(
            "owner '\(owner)' has no digest in the next two years",
            notes: [.init("no rule with 'digest: true' has anything due for them")])
        throw ExitCode(1)
    }
}
