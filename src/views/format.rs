//! What the public pages format, in Swedish (see [`crate::sv`], where it is done for every face).

pub use crate::sv::{date, date_time, days, integer, month_name, month_short, percent};
