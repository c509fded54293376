//! What the staff pages format, in Swedish (see [`crate::sv`], where it is done for every face).

pub use crate::sv::{clock, date, date_time as timestamp, opt_date};
