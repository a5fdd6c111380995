import CMalloc

/// glibc's allocator settings for a command that runs once and exits (every command but `run`).
///
/// By default glibc gives each allocation of 128 KB or more pages of its own (`mmap`) and returns
/// them when it is freed, so the next large buffer — a slice of occurrences, a piece of JSON —
/// starts on fresh pages that the kernel must fault in and clear again. `upcoming` over 100,000
/// contacts touched 2,000 such pages (8 MB) more than it needed. Here buffers up to 32 MB come from
/// the heap and freed memory stays there for the next one; the process gives it all back when it
/// exits. The daemon keeps the defaults (and trims its heap after each load).
enum OneShotAllocator {
    static func configure() {
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)  // glibc's largest allowed value
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }
}
