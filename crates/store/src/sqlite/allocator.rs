//! SQLite allocates through the C library's `malloc`, whatever allocator the Rust side uses.
//! With glibc, each thread that runs SQLite gets an arena of its own, and an arena that holds
//! nothing but SQLite's memory gives the top of its heap back to the system whenever more than
//! glibc's (adaptive, 128 KiB at first) trim threshold lies free there: the single writer then
//! handed back and faulted in again a few pages on every write (each savepoint's journal is
//! freed when it is released), a `madvise` and a page fault per refresh. A fixed threshold of
//! 1 MiB keeps that much at most free at the top of each arena (a few arenas: the writer and
//! the readers), and blocks of 1 MiB or more are mapped on their own and returned when freed.

/// Most free memory kept at the top of an arena, and the size from which a block is mapped on
/// its own.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const KEPT: libc::c_int = 1 << 20;

/// Sets glibc's trim and mmap thresholds once per process (before the first store opens).
pub fn keep_small_frees() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: mallopt only sets a parameter of glibc's allocator, under its own lock.
            #[allow(unsafe_code)]
            unsafe {
                libc::mallopt(libc::M_TRIM_THRESHOLD, KEPT);
                libc::mallopt(libc::M_MMAP_THRESHOLD, KEPT);
            }
        });
    }
}
