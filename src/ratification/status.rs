//! The statuses a party's decision path can be in, and the two kinds of party.

use serde::{Deserialize, Serialize};
use strum::{EnumMessage, EnumString, IntoStaticStr};

/// A status on a party's timeline. The declaration order is the display order
/// and the index into [`StatusCounts`](super::StatusCounts).
///
/// The code (`snake_case`, as serde writes it) is stored and appears in URLs and JSON; the message
/// is the Swedish label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(EnumString, IntoStaticStr, EnumMessage)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    #[strum(message = "Ej påbörjat")]
    NotStarted,
    #[strum(message = "Under beredning")]
    InPreparation,
    #[strum(message = "Beslut planerat")]
    Scheduled,
    #[strum(message = "Föreslaget")]
    Proposed,
    #[strum(message = "Antaget")]
    Adopted,
    #[strum(message = "Avslaget")]
    Rejected,
    #[strum(message = "Återremitterat")]
    ReferredBack,
    #[strum(message = "Bordlagt")]
    Tabled,
    #[strum(message = "Överklagat")]
    Appealed,
    /// Not a status a party can be in: the mark of an entry that withdraws (voids) another entry
    /// made by mistake and replaces it with nothing. Only a correction carries it, and it is
    /// not in [`Status::ALL`] (which lists what a party's status can be).
    #[strum(message = "Tillbakadragen")]
    Withdrawn,
}

impl Status {
    /// Every status, in declaration order.
    pub const ALL: [Status; 9] = [
        Status::NotStarted,
        Status::InPreparation,
        Status::Scheduled,
        Status::Proposed,
        Status::Adopted,
        Status::Rejected,
        Status::ReferredBack,
        Status::Tabled,
        Status::Appealed,
    ];

    /// Machine code, identical to the serde representation.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// Swedish label shown to readers.
    pub fn label_sv(self) -> &'static str {
        // Every variant has a message (the tests list them); the code is only a fallback.
        self.get_message().unwrap_or_else(|| self.code())
    }

    /// Exact (case-sensitive) match on [`Status::code`], for a status a new event may take:
    /// `withdrawn` is not one (an entry is withdrawn by its own request, not by a status).
    pub fn parse(code: &str) -> Option<Status> {
        code.parse().ok().filter(|s| *s != Status::Withdrawn)
    }

    /// True for the outcomes of a KF/RF meeting; such an event needs a `decided_on`.
    pub fn is_assembly_outcome(self) -> bool {
        matches!(self, Status::Adopted | Status::Rejected | Status::ReferredBack | Status::Tabled)
    }

    /// A decision of the assembly (or an appeal against one), as opposed to a step toward one
    /// (`in_preparation`, `proposed`, `scheduled`). A party's standing decision is its latest.
    pub fn is_decision(self) -> bool {
        self.is_assembly_outcome() || self == Status::Appealed
    }

    /// A decision that settles the matter until the assembly decides again (or the entry is
    /// corrected): no step displaces it. `referred_back` and `tabled` send the matter back on
    /// its path, so the steps after them are what the party is doing.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Adopted | Status::Rejected | Status::Appealed)
    }

    /// Position in [`Status::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Whether a party is one of the 49 municipalities or the region (VGR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, EnumString, IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PartyKind {
    Municipality,
    Region,
}

impl PartyKind {
    /// Machine code, identical to the serde representation.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// Exact (case-sensitive) match on [`PartyKind::code`].
    pub fn parse(code: &str) -> Option<PartyKind> {
        code.parse().ok()
    }
}
