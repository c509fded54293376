//! The statuses a party's decision path can be in, and the two kinds of party.

use serde::{Deserialize, Serialize};

/// A status on a party's timeline. The declaration order is the display order
/// and the index into [`StatusCounts`](super::StatusCounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    InPreparation,
    Scheduled,
    Proposed,
    Adopted,
    Rejected,
    ReferredBack,
    Tabled,
    Appealed,
    /// Not a status a party can be in: the mark of an entry that withdraws (voids) another entry
    /// made by mistake and replaces it with nothing. Only a correction carries it, and it is
    /// not in [`Status::ALL`] (which lists what a party's status can be).
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
        match self {
            Status::NotStarted => "not_started",
            Status::InPreparation => "in_preparation",
            Status::Scheduled => "scheduled",
            Status::Proposed => "proposed",
            Status::Adopted => "adopted",
            Status::Rejected => "rejected",
            Status::ReferredBack => "referred_back",
            Status::Tabled => "tabled",
            Status::Appealed => "appealed",
            Status::Withdrawn => "withdrawn",
        }
    }

    /// Swedish label shown to readers.
    pub fn label_sv(self) -> &'static str {
        match self {
            Status::NotStarted => "Ej påbörjat",
            Status::InPreparation => "Under beredning",
            Status::Scheduled => "Beslut planerat",
            Status::Proposed => "Föreslaget",
            Status::Adopted => "Antaget",
            Status::Rejected => "Avslaget",
            Status::ReferredBack => "Återremitterat",
            Status::Tabled => "Bordlagt",
            Status::Appealed => "Överklagat",
            Status::Withdrawn => "Tillbakadragen",
        }
    }

    /// Exact (case-sensitive) match on [`Status::code`], for a status a new event may take:
    /// `withdrawn` is not one (an entry is withdrawn by its own request, not by a status).
    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Municipality,
    Region,
}

impl PartyKind {
    /// Machine code, identical to the serde representation.
    pub fn code(self) -> &'static str {
        match self {
            PartyKind::Municipality => "municipality",
            PartyKind::Region => "region",
        }
    }

    /// Exact (case-sensitive) match on [`PartyKind::code`].
    pub fn parse(code: &str) -> Option<PartyKind> {
        [PartyKind::Municipality, PartyKind::Region].into_iter().find(|k| k.code() == code)
    }
}
