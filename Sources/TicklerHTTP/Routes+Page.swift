import HTTPTypes
import HummingbirdCore
import TicklerCore
import TicklerDaemon
import TicklerReports
import TicklerStore

extension Routes {
    /// `GET /`: the status page — for browsers, whose 401 asks for HTTP Basic.
    func statusPage() throws(Problem) -> Response {
        let loaded = try loaded()
        let now = dependencies.now()
        let days = 30
        let status: OutboxStatus
        let upcoming: [Occurrence]
        do throws(StoreError) {
            status = try dependencies.store.status(now: now, limit: 20)
            upcoming = try ReportQueries.upcoming(
                loaded.schedule, store: dependencies.store, in: now..<(now + Int64(days) * 86_400), now: now, only: nil
            ).occurrences
        } catch {
            throw storeProblem(error)
        }
        let config = loaded.workspace.config
        let next = Array(upcoming.prefix(StatusPage.nextLimit))
        let wanted = Set(next.map(\.contact))
        var names: [String: String] = [:]
        for contact in loaded.schedule.contacts where wanted.contains(contact.id) { names[contact.id] = contact.name }
        let model = StatusPage.Model(
            language: config.language, now: now, zone: config.zoneRules,
            next: next.map { StatusPage.Row($0, contactName: names[$0.contact]) }, status: status,
            chart: StatusPage.chart(upcoming, zone: config.zoneRules, now: now, days: days),
            rules: config.rules.map(\.name))
        return .text(StatusPage.html(model), type: "text/html; charset=utf-8")
    }
}
