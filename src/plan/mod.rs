//! Plans: pure functions from what is wanted and what is there to the calls
//! that get from one to the other. No I/O: the client (and the bulk engine)
//! read the live state, call a planner, and send what it says.
//!
//! - [`marks`]: `mark_contact` items with a `target` mark set, turned into
//!   the set / clear bits to send, and the chunks' answers merged back into
//!   one outcome per item.

pub mod marks;
