//! The counting allocator behind the run's memory budget
//! ([`dojo_lang::memory`]). The app and the CLI install it:
//!
//! ```ignore
//! #[global_allocator]
//! static GLOBAL: Counting<mimalloc::MiMalloc> = Counting(mimalloc::MiMalloc);
//! ```

use std::alloc::{GlobalAlloc, Layout};

/// An allocator `A` that reports every size it hands out and takes back.
pub struct Counting<A>(pub A);

// SAFETY: every method forwards to `A` with its own arguments and
// adds only bookkeeping on atomics (`dojo_lang::memory::{grew, shrank}`),
// which never allocates.
#[allow(unsafe_code)]
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, passed on as is.
        let pointer = unsafe { self.0.alloc(layout) };
        if !pointer.is_null() {
            dojo_lang::memory::grew(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let pointer = unsafe { self.0.alloc_zeroed(layout) };
        if !pointer.is_null() {
            dojo_lang::memory::grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from this allocator with `layout`.
        unsafe { self.0.dealloc(pointer, layout) };
        dojo_lang::memory::shrank(layout.size());
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is the caller's to vouch for.
        let moved = unsafe { self.0.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                dojo_lang::memory::grew(new_size - layout.size());
            } else {
                dojo_lang::memory::shrank(layout.size() - new_size);
            }
        }
        moved
    }
}
