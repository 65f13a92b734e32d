// Counts the heap allocations the calling thread makes between `allocation_counter_start` and
// `allocation_counter_stop` (test-only: it is linked into the test process and replaces malloc and
// its siblings there, forwarding to glibc's own implementations).
#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

/// Starts counting this thread's allocations from zero.
void allocation_counter_start(void);

/// Stops counting and returns the number of allocations (malloc, calloc, realloc, memalign,
/// posix_memalign, aligned_alloc) this thread made since `allocation_counter_start`.
long allocation_counter_stop(void);

#endif
