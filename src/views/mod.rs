//! Layout and shared components of the public HTML pages (maud). Views render what they are
//! handed: no database, no rules.

pub mod assets;
pub mod format;
pub mod glossary;
pub mod layout;
pub mod map;
pub mod planned;
pub mod status;
