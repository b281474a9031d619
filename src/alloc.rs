//! The allocator of the `accord` binary, its tests and benchmarks: mimalloc, asked for
//! plain blocks when the layout's alignment is one a plain block already has.
//!
//! The engine and the AI allocate many small, short-lived objects (transcript entries,
//! packages, reasons). The `mimalloc` crate's allocator sends every request through
//! `mi_malloc_aligned`, whose checks cost about as much again as the allocation itself;
//! a plain `mi_malloc` block is aligned to 16 bytes from 16 bytes up and to its size
//! below, which covers every layout whose alignment is at most 16 and at most its size
//! (the rule Rust's own system allocator uses for `malloc`). Other layouts still go
//! through the aligned calls.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The largest alignment a plain mimalloc block of at least that size always has
/// (`MI_MAX_ALIGN_SIZE` on every 64-bit target mimalloc supports).
const PLAIN_ALIGN: usize = 16;

/// mimalloc, with plain calls where they give the layout's alignment.
pub struct Allocator;

/// Whether a plain block of `size` bytes is aligned as `layout` needs.
#[inline]
fn plain(layout: Layout, size: usize) -> bool {
    layout.align() <= PLAIN_ALIGN && layout.align() <= size
}

// SAFETY: every block comes from mimalloc and goes back to it through `mi_free`, which
// takes blocks from the plain and the aligned calls alike; a plain call is used only
// where its block has the alignment the layout asks for (see `plain`).
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's allocation calls take any size and alignment.
        unsafe {
            if plain(layout, layout.size()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe {
            if plain(layout, layout.size()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, hence from mimalloc.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from mimalloc; the new block keeps the layout's alignment
        // (plain only where a plain block of the new size has it).
        unsafe {
            if plain(layout, new_size) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of every small size and alignment, from every call, have the alignment
    /// their layout asks for, keep their bytes through a reallocation, and come back
    /// zeroed from the zeroing call.
    #[test]
    fn blocks_have_their_layouts_alignment_and_keep_their_bytes() {
        let a = Allocator;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..=80).chain([255, 256, 4095, 4096, 70_000]) {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: the layouts are non-zero in size; each block is freed once,
                // with its layout, after its last use.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "alloc {size} {align}");
                    for i in 0..size {
                        *p.add(i) = i as u8;
                    }
                    let grown = size * 3 + 1;
                    let q = a.realloc(p, layout, grown);
                    assert_eq!(q as usize % align, 0, "realloc {size} -> {grown} {align}");
                    for i in 0..size {
                        assert_eq!(*q.add(i), i as u8);
                    }
                    let shrunk = size.div_ceil(2);
                    let r = a.realloc(q, Layout::from_size_align(grown, align).unwrap(), shrunk);
                    assert_eq!(r as usize % align, 0, "shrink {grown} -> {shrunk} {align}");
                    for i in 0..shrunk {
                        assert_eq!(*r.add(i), i as u8);
                    }
                    a.dealloc(r, Layout::from_size_align(shrunk, align).unwrap());
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0, "zeroed {size} {align}");
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
