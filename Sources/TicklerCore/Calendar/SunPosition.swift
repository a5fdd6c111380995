#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Sun's apparent geocentric position, after Meeus, "Astronomical Algorithms" (2nd ed.), chapters 22, 25
/// and 32: the Earth's heliocentric coordinates from the truncated VSOP87 series (`SunPositionTables`),
/// turned geocentric, moved from the VSOP87 dynamical ecliptic to the FK5 system, then corrected for the
/// nutation in longitude (IAU 1980, all 63 terms) and for aberration (−20.4898″/R).
///
/// Meeus gives the truncated series as good to about 1″ in longitude over 1900–2100, which is about 25 s in
/// the instant a solar term begins.
struct SunPosition: Sendable, Hashable {
    /// The apparent longitude, degrees, 0 ≤ longitude < 360 (ecliptic and equinox of date).
    var longitude: Double
    /// The latitude (FK5, without nutation or aberration, which do not change it), degrees.
    var latitude: Double
    /// The distance from the Earth, AU.
    var radius: Double

    /// The J2000.0 epoch, 2000-01-01 12:00 TT, as a Julian Day.
    static let j2000 = 2_451_545.0

    /// The position at `julianEphemerisDay` (a Julian Day of Terrestrial Time).
    init(julianEphemerisDay jde: Double) {
        let tau = (jde - Self.j2000) / 365_250
        let centuries = tau * 10
        let tables = SunPositionTables.self
        let heliocentricL = Self.sum([tables.l0, tables.l1, tables.l2, tables.l3, tables.l4, tables.l5], tau)
        let heliocentricB = Self.sum([tables.b0, tables.b1], tau)
        radius = Self.sum([tables.r0, tables.r1, tables.r2, tables.r3, tables.r4], tau)

        // Geocentric: the Sun is opposite the Earth (Meeus 25.9 ff.).
        var theta = Self.degrees(heliocentricL) + 180
        var beta = -Self.degrees(heliocentricB)
        // FK5 (Meeus 32.3): λ′ = Θ − 1.397°·T − 0.00031°·T², ΔΘ = −0.09033″, Δβ = 0.03916″(cos λ′ − sin λ′).
        let lambdaPrime = Self.radians(theta - 1.397 * centuries - 0.000_31 * centuries * centuries)
        theta += Self.arcseconds(-0.090_33)
        beta += Self.arcseconds(0.039_16 * (cos(lambdaPrime) - sin(lambdaPrime)))

        let apparent = theta + Self.nutationInLongitude(centuries: centuries) + Self.arcseconds(-20.4898 / radius)
        longitude = Self.normalized(apparent)
        latitude = beta
    }

    /// The nutation in longitude Δψ in degrees, T in Julian centuries from J2000.0 (Meeus 22).
    static func nutationInLongitude(centuries t: Double) -> Double {
        let t2 = t * t
        let t3 = t2 * t
        // The fundamental arguments, degrees.
        let elongation = 297.850_36 + 445_267.111_480 * t - 0.001_914_2 * t2 + t3 / 189_474
        let sunAnomaly = 357.527_72 + 35_999.050_340 * t - 0.000_160_3 * t2 - t3 / 300_000
        let moonAnomaly = 134.962_98 + 477_198.867_398 * t + 0.008_697_2 * t2 + t3 / 56_250
        let latitudeArgument = 93.271_91 + 483_202.017_538 * t - 0.003_682_5 * t2 + t3 / 327_270
        let node = 125.044_52 - 1_934.136_261 * t + 0.002_070_8 * t2 + t3 / 450_000
        let arguments = [elongation, sunAnomaly, moonAnomaly, latitudeArgument, node].map { radians($0) }

        let table = SunPositionTables.nutation
        var sum = 0.0
        var row = 0
        while row + 7 <= table.count {
            var argument = 0.0
            for index in 0..<5 { argument += table[row + index] * arguments[index] }
            sum += (table[row + 5] + table[row + 6] * t) * sin(argument)
            row += 7
        }
        return arcseconds(sum * 0.000_1)
    }

    /// Σₖ Sₖ(τ)·τᵏ for the series S₀, S₁, … (each a flat list of A, B, C for A·cos(B + C·τ)), scaled from
    /// 10⁻⁸ to units.
    private static func sum(_ series: [[Double]], _ tau: Double) -> Double {
        var total = 0.0
        for terms in series.reversed() {
            var value = 0.0
            var index = 0
            while index + 3 <= terms.count {
                value += terms[index] * cos(terms[index + 1] + terms[index + 2] * tau)
                index += 3
            }
            total = total * tau + value
        }
        return total * 1e-8
    }

    /// `angle` reduced to 0 ≤ angle < 360.
    static func normalized(_ angle: Double) -> Double {
        let reduced = fmod(angle, 360)
        return reduced < 0 ? reduced + 360 : reduced
    }

    private static func degrees(_ radians: Double) -> Double { radians * 180 / .pi }
    private static func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }
    private static func arcseconds(_ seconds: Double) -> Double { seconds / 3600 }
}
