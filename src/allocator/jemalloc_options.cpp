// jemalloc's built-in options for the programs that link it (release
// builds; docs/decisions.md, 22 and 44). MALLOC_CONF in the environment is
// read after these and overrides them, so an operator can turn any of them
// off without a rebuild.
//
// thp:always: jemalloc's memory in 2 MiB transparent huge pages (where the
// kernel allows them, `enabled` set to `always` or `madvise`). The rule
// engine's state is a gigabyte at 100,000 active accounts, read at random:
// in 4 KiB pages nearly every access also missed the TLB. Paired runs of the
// engine benchmark: 9-21 % faster (BENCHMARKS.md).
// percpu_arena:percpu: one arena per CPU instead of four per CPU. Each
// arena's first huge page is resident from its first allocation on, so the
// default eight arenas (two cores) took the idle server from 26 to 56 MiB;
// one per CPU, 34 MiB, and the arenas still scale with the machine.
extern "C" {
// NOLINTNEXTLINE: jemalloc reads this global by name.
const char* malloc_conf = "thp:always,percpu_arena:percpu";
}
