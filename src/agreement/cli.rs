//! `ratify agreement add FILE` and `ratify agreement list`: a new agreement is one TOML file
//! (see [`super::spec`] and README "Agreement files") and one command, no code change.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use diesel::prelude::*;

use super::define::{self, DefineError, Defined};
use super::spec::{self, SpecError};
use crate::db::schema::{events, parties};
use crate::db::{Db, DbConn, DbError};
use crate::ratification::PartyKind;

#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// Add or update the agreement an agreement file (TOML) describes; nothing is written if
    /// anything in it is wrong. See README, "Agreement files".
    Add {
        /// The agreement file, e.g. docs/avtal-skane.toml.
        file: PathBuf,
    },
    /// List every agreement: slug, short title, parties, events, start; * marks the featured one.
    List,
}

#[derive(Debug, thiserror::Error)]
enum AddError {
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Define(#[from] DefineError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for AddError {
    fn from(e: diesel::result::Error) -> Self {
        AddError::Db(DbError::Query(e))
    }
}

/// Runs a `ratify agreement …` command against `db` (migrated and seeded by the caller); the
/// text to print.
pub fn run(db: &Db, featured: &str, command: AgreementCommand) -> Result<String, String> {
    match command {
        AgreementCommand::Add { file } => add(db, &file),
        AgreementCommand::List => list(db, featured),
    }
}

fn add(db: &Db, path: &Path) -> Result<String, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "filen finns inte".to_string(),
            std::io::ErrorKind::PermissionDenied => "behörighet saknas".to_string(),
            std::io::ErrorKind::InvalidData => "filen är inte UTF-8-text".to_string(),
            _ => e.to_string(),
        };
        format!("kan inte läsa avtalsfilen {shown}: {why}")
    })?;
    let fail = |e: &dyn std::fmt::Display| {
        let e = e.to_string();
        format!("avtalsfilen {shown}: {}. Ingenting har sparats.", e.trim_end_matches('.'))
    };
    let file = spec::parse(&text).map_err(|e| fail(&e))?;
    // One transaction: resolving the parties, defining, counting; any error rolls all back.
    let (defined, municipalities, regions) = db
        .write_blocking(|conn| -> Result<_, AddError> {
            let new = spec::resolve(conn, &file)?;
            let defined = define::define(conn, &new)?;
            let (municipalities, regions) = count_kinds(conn, &new.parties)?;
            Ok((defined, municipalities, regions))
        })
        .map_err(|e| fail(&e))?;
    let slug = &file.slug;
    Ok(match defined {
        Defined::Created(_) => format!("Avtalet {slug} har lagts upp ({}).\n", parties_phrase(municipalities, regions)),
        Defined::Unchanged(_) => {
            format!("Avtalet {slug} är oförändrat ({}).\n", parties_phrase(municipalities, regions))
        }
        Defined::Updated(_) => {
            format!("Avtalet {slug} har uppdaterats ({}).\n", parties_phrase(municipalities, regions))
        }
    })
}

fn count_kinds(conn: &mut DbConn, codes: &[String]) -> QueryResult<(usize, usize)> {
    let kinds: Vec<String> = parties::table.filter(parties::code.eq_any(codes)).select(parties::kind).load(conn)?;
    let municipalities = kinds.iter().filter(|k| PartyKind::parse(k) == Some(PartyKind::Municipality)).count();
    let regions = kinds.iter().filter(|k| PartyKind::parse(k) == Some(PartyKind::Region)).count();
    Ok((municipalities, regions))
}

/// "50 parter: 49 kommuner och regionen", "14 parter: 14 kommuner", "1 part: 1 kommun",
/// "310 parter: 290 kommuner och 20 regioner".
pub fn parties_phrase(municipalities: usize, regions: usize) -> String {
    let total = municipalities + regions;
    let parts = if total == 1 { "1 part".to_string() } else { format!("{total} parter") };
    let kommuner = if municipalities == 1 { "1 kommun".to_string() } else { format!("{municipalities} kommuner") };
    match regions {
        0 => format!("{parts}: {kommuner}"),
        1 => format!("{parts}: {kommuner} och regionen"),
        n => format!("{parts}: {kommuner} och {n} regioner"),
    }
}

fn list(db: &Db, featured: &str) -> Result<String, String> {
    let rows = db
        .read_blocking(|conn| -> Result<_, DbError> {
            let all = super::list(conn).map_err(DbError::Query)?;
            let mut rows = Vec::new();
            for a in all {
                let codes = super::party_codes(conn, a.id).map_err(DbError::Query)?;
                let recorded: i64 = events::table
                    .filter(events::agreement_id.eq(a.id))
                    .count()
                    .get_result(conn)
                    .map_err(DbError::Query)?;
                rows.push((a.slug, a.short_title, codes.len(), recorded, a.starts_on));
            }
            Ok(rows)
        })
        .map_err(|e| e.to_string())?;
    if rows.is_empty() {
        return Ok("Inga avtal finns ännu; lägg upp ett med `ratify agreement add FIL`.\n".into());
    }
    let header = ("Kortadress", "Kort titel", "Parter", "Händelser", "Börjar gälla");
    let slug_w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0).max(header.0.chars().count());
    let title_w = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0).max(header.1.chars().count());
    let mut out =
        format!("  {:<slug_w$}  {:<title_w$}  {:>6}  {:>9}  {}\n", header.0, header.1, header.2, header.3, header.4);
    for (slug, title, n, recorded, starts) in &rows {
        let mark = if slug == featured { '*' } else { ' ' };
        out.push_str(&format!("{mark} {slug:<slug_w$}  {title:<title_w$}  {n:>6}  {recorded:>9}  {starts}\n"));
    }
    out.push_str(&format!("* = avtalet som visas på startsidan (RATIFY_FEATURED_AGREEMENT = {featured})\n"));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parties_phrase_counts_in_swedish() {
        assert_eq!(parties_phrase(49, 1), "50 parter: 49 kommuner och regionen");
        assert_eq!(parties_phrase(14, 0), "14 parter: 14 kommuner");
        assert_eq!(parties_phrase(1, 0), "1 part: 1 kommun");
        assert_eq!(parties_phrase(290, 20), "310 parter: 290 kommuner och 20 regioner");
    }
}
