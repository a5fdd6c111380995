#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// When the 24 solar terms begin, computed, not looked up: the instant the Sun's apparent longitude
/// (`SunPosition`, VSOP87 after Meeus) reaches the term's multiple of 15°, found by secant iteration from a
/// mean estimate in Terrestrial Time, then moved to Universal Time by ΔT (`deltaT(decimalYear:)`).
///
/// The calendar day of a term is the day in China Standard Time (UTC+8) on which that instant falls, as
/// Chinese almanacs print it.
public enum SolarTerms {
    /// The years the computation is checked for: the ΔT expressions are fitted to observations up to 2005
    /// and extrapolated after, and the test compares every term of every year with independent computations.
    public static let supportedYears = 1900...2100

    /// China Standard Time's offset from UTC, seconds.
    public static let chinaStandardTimeOffset = 8 * 3600

    /// The instant `term` begins in the Gregorian `year`, in seconds since 1970-01-01 00:00 UTC; `nil` outside
    /// `supportedYears`.
    public static func instant(of term: SolarTerm, inYear year: Int) -> Double? {
        guard supportedYears.contains(year) else { return nil }
        let jde = julianEphemerisDay(of: term, inYear: year)
        let julianDay = jde - deltaT(decimalYear: decimalYear(julianDay: jde)) / 86_400
        return (julianDay - unixEpochJulianDay) * 86_400
    }

    /// The day in China Standard Time (UTC+8) on which `term` begins in the Gregorian `year`; `nil` outside
    /// `supportedYears`.
    public static func day(of term: SolarTerm, inYear year: Int) -> CivilDate? {
        guard let seconds = instant(of: term, inYear: year) else { return nil }
        let local = (seconds + Double(chinaStandardTimeOffset)) / 86_400
        return CivilDate(daysSinceEpoch: Int(local.rounded(.down)))
    }

    /// 1970-01-01 00:00 UTC as a Julian Day.
    static let unixEpochJulianDay = 2_440_587.5

    /// The mean tropical year, days.
    private static let tropicalYear = 365.242_374

    /// The Julian Ephemeris Day (TT) on which the Sun's apparent longitude reaches `term.longitude` in
    /// `year`, to about a millisecond.
    static func julianEphemerisDay(of term: SolarTerm, inYear year: Int) -> Double {
        // The mean March equinox of the year (Meeus, Table 27.C, first term), then the term's share of the
        // year from there: xiaohan (285°) comes 75° of mean motion before it, dongzhi 270° after.
        let meanEquinox = 2_451_623.809_84 + tropicalYear * Double(year - 2000)
        let daysPerDegree = tropicalYear / 360
        var previous = meanEquinox + Double(15 * term.rawValue - 75) * daysPerDegree
        var previousError = error(at: previous, target: term.longitude)
        // The first step assumes the mean motion, the next ones the slope of the last two points.
        var current = previous - previousError * daysPerDegree
        for _ in 0..<20 {
            let currentError = error(at: current, target: term.longitude)
            let slope = currentError - previousError
            guard slope != 0 else { break }
            let next = current - currentError * (current - previous) / slope
            previous = current
            previousError = currentError
            current = next
            if abs(current - previous) < 1e-8 { break }
        }
        return current
    }

    /// How far, in degrees, the apparent longitude at `jde` is past `target` (−180 < error ≤ 180).
    private static func error(at jde: Double, target: Double) -> Double {
        let difference = SunPosition(julianEphemerisDay: jde).longitude - target
        return difference - 360 * (difference / 360).rounded()
    }

    /// The year with its elapsed fraction (2000.0 at 2000-01-01 00:00) of a Julian Day, as ΔT wants it.
    static func decimalYear(julianDay: Double) -> Double {
        2000 + (julianDay - 2_451_544.5) / 365.2425
    }

    /// ΔT = TT − UT in seconds, from the polynomial expressions of Espenak and Meeus (NASA's "Five Millennium
    /// Canon of Solar Eclipses", 2006) for 1860–2150: fitted to observations through 2005, extrapolated after.
    static func deltaT(decimalYear y: Double) -> Double {
        func polynomial(_ t: Double, _ coefficients: [Double]) -> Double {
            coefficients.reversed().reduce(0) { $0 * t + $1 }
        }
        switch y {
        case ..<1900:
            return polynomial(y - 1860, [7.62, 0.5737, -0.251_754, 0.016_806_68, -0.000_447_362_4, 1 / 233_174])
        case ..<1920:
            return polynomial(y - 1900, [-2.79, 1.494_119, -0.059_893_9, 0.006_196_6, -0.000_197])
        case ..<1941:
            return polynomial(y - 1920, [21.20, 0.844_93, -0.076_100, 0.002_093_6])
        case ..<1961:
            return polynomial(y - 1950, [29.07, 0.407, -1 / 233, 1 / 2547])
        case ..<1986:
            return polynomial(y - 1975, [45.45, 1.067, -1 / 260, -1 / 718])
        case ..<2005:
            return polynomial(
                y - 2000, [63.86, 0.3345, -0.060_374, 0.001_727_5, 0.000_651_814, 0.000_023_735_99])
        case ..<2050:
            return polynomial(y - 2000, [62.92, 0.322_17, 0.005_589])
        default:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u - 0.5628 * (2150 - y)
        }
    }
}
